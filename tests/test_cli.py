import pytest

from hypersearch.cli import build_parser, load_objective, main
from hypersearch.exceptions import CLIUsageError


def test_load_objective_from_module_and_file(tmp_path):
    assert load_objective("math:sqrt")(9.0) == 3.0
    script = tmp_path / "obj.py"
    script.write_text("def objective(trial):\n    return 42.0\n")
    assert load_objective(f"{script}:objective")(None) == 42.0


@pytest.mark.parametrize(
    "spec, match",
    [
        ("nocolon", "module:function"),
        ("math:nope", "no function 'nope'"),
        ("no_such_module_xyz:f", "cannot import"),
        ("missing.py:f", "no file"),
    ],
)
def test_load_objective_errors(spec, match):
    with pytest.raises(CLIUsageError, match=match):
        load_objective(spec)


def test_parser_requires_storage_and_command(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["studies"])
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


def test_errors_exit_2_with_a_message(capsys):
    assert main(["studies", "--storage", "redis://nowhere"]) == 2
    assert "Unknown storage URL" in capsys.readouterr().err
