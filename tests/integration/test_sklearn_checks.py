"""SearchCV passes every scikit-learn estimator check that runs for it.

No check is marked as an expected failure (scikit-learn's own GridSearchCV and
RandomizedSearchCV expect ``check_supervised_y_2d`` and ``check_requires_y_none``
to fail; SearchCV passes them because it takes the target tags of its estimator).
Left out: ``check_array_api_input``, which scikit-learn itself skips unless
SCIPY_ARRAY_API=1 and an array-API library are installed (a skip that would hide
nothing here is no test at all).
"""

from __future__ import annotations

import warnings

import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from hypersearch.distributions import FloatDistribution
from hypersearch.integration import SearchCV


def _searches():
    space = {"C": FloatDistribution(1e-2, 10.0, log=True)}
    yield SearchCV(LogisticRegression(), space, n_trials=2, cv=2, random_state=0)
    alpha = {"alpha": FloatDistribution(1e-2, 10.0, log=True)}
    yield SearchCV(Ridge(), alpha, n_trials=2, cv=2, random_state=0)


def _applicable(mark):
    """The checks of ``parametrize_with_checks``, less those that can only skip here."""
    names, cases = mark.args
    kept = [case for case in cases if "check_array_api_input" not in str(case[1])]
    return pytest.mark.parametrize(names, kept, **mark.kwargs)


@_applicable(parametrize_with_checks(list(_searches())))
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Fitting failed.*")
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        check(estimator)
