"""The ``hypersearch`` command, run side by side with Optuna's ``optuna`` command.

Each scenario runs the same command line through both CLIs (subprocesses, separate SQLite
files) and compares the exit codes and the structure of what they print (keys and value types,
numbers where they are deterministic).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from hypersearch.cli import build_parser, load_objective, main
from hypersearch.cli._format import render
from hypersearch.exceptions import CLIUsageError

OPTUNA_BIN = Path(sys.executable).with_name("optuna")
FLOAT_X = '{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "step": null, "log": false}}'  # noqa: E501
INT_N = '{"name": "IntDistribution", "attributes": {"low": 1, "high": 9, "step": 2, "log": false}}'
CAT_C = '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}'
SPACE = "{" + f'"x": {FLOAT_X}, "n": {INT_N}, "c": {CAT_C}' + "}"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_STORAGE")}
    env.update(OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    return env


class Pair:
    """Runs one command line through both CLIs, each on its own SQLite file."""

    def __init__(self, tmp_path: Path) -> None:
        self.urls = {
            "optuna": f"sqlite:///{tmp_path / 'optuna.db'}",
            "hypersearch": f"sqlite:///{tmp_path / 'hs.db'}",
        }

    def run_one(self, cli: str, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [a.replace("URL", self.urls[cli]) for a in args]
        exe = [str(OPTUNA_BIN)] if cli == "optuna" else [sys.executable, "-m", "hypersearch"]
        return subprocess.run(
            exe + argv, capture_output=True, text=True, env=_env(), timeout=60, check=False
        )

    def run(self, *args: str) -> tuple[subprocess.CompletedProcess[str], ...]:
        # the two CLIs write separate files: run them at once (each is mostly start-up)
        with ThreadPoolExecutor(max_workers=2) as pool:
            ours_run = pool.submit(self.run_one, "hypersearch", *args)
            theirs = self.run_one("optuna", *args)
            ours = ours_run.result()
        assert ours.returncode == theirs.returncode, (args, ours.stderr, theirs.stderr)
        return ours, theirs


def _shape(value: object) -> object:
    """Keys and value types, recursively (the numbers themselves dropped)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def _deterministic(records: object) -> object:
    """Records sorted by number, without times and sampled values (they differ between runs)."""
    if isinstance(records, dict):
        records = [records]
    assert isinstance(records, list)
    out = []
    for record in sorted(records, key=lambda r: r["number"]):
        kept = {k: v for k, v in record.items() if not k.startswith(("datetime", "duration"))}
        kept = {k: sorted(v) if k == "params" else v for k, v in kept.items()}
        out.append({k: v for k, v in kept.items() if not k.startswith("params_")})
    return out


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """Both storages holding a single- and a two-objective study with told trials."""
    pair = Pair(tmp_path_factory.mktemp("cli"))
    pair.run("create-study", "--storage", "URL", "--study-name", "s", "--direction", "maximize")
    pair.run("create-study", "--storage", "URL", "--study-name", "m", "--directions", "minimize",
             "maximize")  # fmt: skip
    for number, value in enumerate(["0.5", "2.5", "1.5"]):
        pair.run("ask", "--storage", "URL", "--study-name", "s", "--search-space", SPACE)
        pair.run("tell", "--storage", "URL", "--study-name", "s", "--trial-number",
                 str(number), "--values", value)  # fmt: skip
    pair.run("ask", "--storage", "URL", "--study-name", "s")
    pair.run("tell", "--storage", "URL", "--study-name", "s", "--trial-number", "3",
             "--state", "fail")  # fmt: skip
    for values in (["1", "1"], ["2", "3"], ["3", "2"]):
        pair.run("ask", "--storage", "URL", "--study-name", "m", "--search-space", SPACE)
        number = str(["1", "2", "3"].index(values[0]))
        pair.run("tell", "--storage", "URL", "--study-name", "m", "--trial-number", number,
                 "--values", *values)  # fmt: skip
    pair.run("study", "set-user-attr", "--storage", "URL", "--study-name", "s", "--key", "k",
             "--value", "v")  # fmt: skip
    return pair


@pytest.mark.parametrize(
    "fmt, args",
    [
        ("json", ("studies",)),
        ("yaml", ("studies",)),
        ("json", ("trials", "--study-name", "s")),
        ("yaml", ("trials", "--study-name", "m")),
        ("json", ("trials", "--study-name", "m")),
        ("json", ("trials", "--study-name", "s", "--flatten")),
        ("json", ("best-trial", "--study-name", "s")),
        ("yaml", ("best-trial", "--study-name", "s")),
        ("json", ("best-trials", "--study-name", "m")),
        ("yaml", ("best-trials", "--study-name", "s")),
    ],
)
def test_listings_match_optuna(filled: Pair, args: tuple[str, ...], fmt: str) -> None:
    ours, theirs = filled.run(*args, "--storage", "URL", "-f", fmt)
    assert ours.returncode == 0
    load = json.loads if fmt == "json" else yaml.safe_load
    mine, optuna = load(ours.stdout), load(theirs.stdout)
    assert _shape(mine) == _shape(optuna)
    if args[0] != "studies":  # numbers, values, states and parameter names are deterministic
        assert _deterministic(mine) == _deterministic(optuna)
    else:
        assert [(s["name"], s["direction"], s["n_trials"]) for s in mine] == [
            (s["name"], s["direction"], s["n_trials"]) for s in optuna
        ]
        assert mine[0]["user_attrs"] == optuna[0]["user_attrs"] == {"k": "v"}


def test_table_and_value_formats_have_optunas_columns(filled: Pair) -> None:
    ours, theirs = filled.run("trials", "--storage", "URL", "--study-name", "s")

    def header(out: str) -> list[str]:
        return [cell.strip() for cell in out.splitlines()[1].split("|")]

    assert header(ours.stdout) == header(theirs.stdout)
    assert len(ours.stdout.splitlines()) == len(theirs.stdout.splitlines())
    ours, theirs = filled.run("--storage", "URL", "study-names")
    assert ours.stdout == theirs.stdout == "s\nm\n"
    ours, theirs = filled.run("best-trial", "--storage", "URL", "--study-name", "s", "-f", "value")
    assert ours.stdout.split()[:2] == theirs.stdout.split()[:2] == ["1", "2.5"]


def test_ask_prints_number_and_params_like_optuna(tmp_path: Path) -> None:
    pair = Pair(tmp_path)
    pair.run("create-study", "--storage", "URL", "--study-name", "s")
    sampler = ("--sampler", "RandomSampler", "--sampler-kwargs", '{"seed": 0}')
    ours, theirs = pair.run("ask", "--storage", "URL", "--study-name", "s", "--search-space",
                            SPACE, *sampler)  # fmt: skip
    mine, optuna = json.loads(ours.stdout), json.loads(theirs.stdout)
    assert _shape(mine) == _shape(optuna)
    assert mine["number"] == optuna["number"] == 0
    assert 0.0 <= mine["params"]["x"] <= 1.0 and mine["params"]["n"] in (1, 3, 5, 7, 9)
    ours, theirs = pair.run("ask", "--storage", "URL", "--study-name", "s", "-f", "yaml")
    assert (
        yaml.safe_load(ours.stdout)
        == yaml.safe_load(theirs.stdout)
        == {
            "number": 1,
            "params": {},
        }
    )
    # the parameters asked are stored: the next listing shows them
    ours, _ = pair.run("trials", "--storage", "URL", "--study-name", "s", "-f", "json")
    assert json.loads(ours.stdout)[0]["params"] == mine["params"]


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "--study-name", "s", "--sampler", "NoSuchSampler"),
        ("ask", "--study-name", "s", "--search-space", "{not json"),
        ("tell", "--study-name", "s", "--trial-number", "0", "--values", "1"),
        ("tell", "--study-name", "s", "--trial-number", "0"),
        ("tell", "--study-name", "s", "--trial-number", "99", "--values", "1"),
        ("best-trials", "--study-name", "nope"),
        (
            "tell",
            "--study-name",
            "s",
            "--trial-number",
            "0",
            "--values",
            "1",
            "--skip-if-finished",
        ),  # fmt: skip
        ("create-study", "--study-name", "s"),
        ("create-study", "--study-name", "s", "--skip-if-exists"),
        ("best-trial", "--study-name", "m"),
        ("trials", "--study-name", "nope"),
        ("delete-study", "--study-name", "nope"),
    ],
)
def test_exit_codes_match_optuna(filled: Pair, args: tuple[str, ...]) -> None:
    filled.run(*args, "--storage", "URL")  # asserts equal exit codes


def test_create_and_delete_study_match_optuna(tmp_path: Path) -> None:
    pair = Pair(tmp_path)
    ours, theirs = pair.run("--storage", "URL", "create-study", "--study-name", "a")
    assert ours.stdout == theirs.stdout == "a\n"
    ours, theirs = pair.run("create-study", "--storage", "URL")  # a generated name
    assert ours.returncode == 0 and ours.stdout.strip()
    pair.run("delete-study", "--storage", "URL", "--study-name", "a")
    ours, theirs = pair.run("study-names", "--storage", "URL")
    assert "a" not in ours.stdout.split() and len(ours.stdout.split()) == 1


def test_empty_listings_print_what_optuna_prints(tmp_path: Path) -> None:
    pair = Pair(tmp_path)
    for fmt in ("table", "json"):  # a missing file: Optuna creates it, we do not
        ours, theirs = pair.run("studies", "--storage", "URL", "-f", fmt)
        assert ours.stdout == theirs.stdout
    assert not (tmp_path / "hs.db").exists()
    pair.run("create-study", "--storage", "URL", "--study-name", "e")
    for fmt in ("table", "json"):
        ours, theirs = pair.run("trials", "--storage", "URL", "--study-name", "e", "-f", fmt)
        assert ours.stdout == theirs.stdout


def test_trial_user_attrs_are_listed_as_optuna_lists_them(tmp_path: Path) -> None:
    import optuna

    import hypersearch as hs

    pair = Pair(tmp_path)
    for module, cli in ((optuna, "optuna"), (hs, "hypersearch")):
        module.logging.set_verbosity(module.logging.WARNING)
        storage = (optuna.storages.RDBStorage if module is optuna else hs.storages.SQLStorage)(
            pair.urls[cli]
        )
        study = module.create_study(study_name="u", storage=storage)
        trial = study.ask()
        trial.set_user_attr("k", [1, 2])
        trial.suggest_int("n", 0, 0)
        study.tell(trial, 1.0)
        study.tell(study.ask(), 2.0)
        if module is hs:
            storage.close()
    for flat in ((), ("--flatten",)):
        ours, theirs = pair.run("trials", "--storage", "URL", "--study-name", "u", "-f", "json",
                                *flat)  # fmt: skip
        assert _no_times(json.loads(ours.stdout)) == _no_times(json.loads(theirs.stdout))


def _no_times(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if not k.startswith(("date", "dur"))} for r in records]


def test_journal_file_storage_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = str(tmp_path / "journal.log")
    journal = ["--storage", log, "--storage-class", "JournalFileBackend"]
    assert main(["studies", *journal, "-f", "json"]) == 0
    assert not Path(log).exists()  # a listing creates no file
    assert main(["create-study", *journal, "--study-name", "j", "-q"]) == 0
    assert main(["-vv", "tell", *journal, "--study-name", "j", "--trial-number", "0"]) == 1
    assert main(["ask", *journal, "--study-name", "j", "-q"]) == 0
    assert (
        main(["tell", *journal, "--study-name", "j", "--trial-number", "0", "--values", "2"]) == 0
    )
    capsys.readouterr()
    assert main(["trials", *journal, "--study-name", "j", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["value"] == 2.0


def test_storage_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    env = {**_env(), "OPTUNA_STORAGE": url}
    run = [sys.executable, "-m", "hypersearch", "create-study", "--study-name", "e"]
    assert subprocess.run(run, env=env, capture_output=True, check=False).returncode == 0
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["studies"],
        ["study-names"],
        ["trials", "--study-name", "s"],
        ["best-trial", "--study-name", "s"],
        ["best-trials", "--study-name", "s"],
    ],
)
def test_read_only_commands_create_no_file(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "absent.db"
    status = main([*args, "--storage", f"sqlite:///{path}"])
    assert status == (0 if args[0].startswith("stud") else 1)
    assert list(tmp_path.iterdir()) == []


def test_log_file_receives_the_log(tmp_path: Path) -> None:
    log = tmp_path / "cli.log"
    url = f"sqlite:///{tmp_path / 'a.db'}"
    run = [sys.executable, "-m", "hypersearch", "create-study", "--study-name", "a"]
    run += ["--storage", url, "--log-file", str(log)]
    assert subprocess.run(run, env=_env(), capture_output=True, check=False).returncode == 0
    assert "A new study created" in log.read_text()


def test_read_only_commands_leave_a_file_unchanged(filled: Pair, tmp_path: Path) -> None:
    source = Path(filled.urls["hypersearch"].removeprefix("sqlite:///"))
    before = source.read_bytes()  # SQLite's own -wal/-shm side files may appear: WAL readers
    for args in (["studies"], ["trials", "--study-name", "s"]):
        assert main([*args, "--storage", filled.urls["hypersearch"], "-f", "json"]) == 0
    assert source.read_bytes() == before


def test_head_closing_the_pipe_prints_no_traceback(filled: Pair) -> None:
    url = filled.urls["hypersearch"]
    for fmt in ("table", "json"):
        # head -n 0 exits at once: every write of the listing meets a closed pipe
        command = (
            f"{sys.executable} -m hypersearch trials --storage {url} --study-name s -f {fmt}"
            " | head -n 0"
        )
        done = subprocess.run(
            command, shell=True, capture_output=True, text=True, env=_env(), check=False
        )
        assert done.stderr == ""


def test_every_option_has_help() -> None:
    def walk(parser):  # type: ignore[no-untyped-def]
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from walk(child)

    for parser in walk(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):  # each command has a help line
                assert all(choice.help for choice in action._choices_actions), parser.prog
            else:
                assert action.help, (parser.prog, action.option_strings or action.dest)


def test_render_yaml_reads_back_and_table_aligns() -> None:
    records = [
        {"name": "a: b", "n": 2, "x": float("inf"), "l": [1, [2]], "d": {}, "t": "true"},
        {"name": None, "n": 10, "x": 0.5, "l": [], "d": {"k": "2026-01-01 00:00:00"}, "t": ""},
    ]
    assert yaml.safe_load(render(records, "yaml")) == records
    assert json.loads(render(records[0], "json")) == records[0]
    lines = render(records, "table").splitlines()
    assert len({len(line) for line in lines}) == 1  # every row as wide as the rules
    assert "|  2 |" in lines[3] and "| 10 |" in lines[4]  # numbers right-aligned
    with pytest.raises(ValueError, match="csv"):
        render(records, "csv")


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


def test_storage_and_command_are_required(capsys, monkeypatch):
    for name in ("HYPERSEARCH_STORAGE", "OPTUNA_STORAGE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit):
        main(["studies"])
    assert "--storage is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


def test_errors_exit_1_with_a_message(capsys):
    assert main(["studies", "--storage", "redis://nowhere"]) == 1
    assert "Unknown storage URL" in capsys.readouterr().err
