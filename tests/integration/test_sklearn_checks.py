"""SearchCV passes every scikit-learn estimator check that runs for it.

No check is marked as an expected failure (scikit-learn's own GridSearchCV and
RandomizedSearchCV expect ``check_supervised_y_2d`` and ``check_requires_y_none``
to fail; SearchCV passes them because it takes the target tags of its estimator).
Skipped by scikit-learn itself: ``check_array_api_input`` (only runs with
SCIPY_ARRAY_API=1 and an array-API library installed).
"""

from __future__ import annotations

import warnings

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from hypersearch.distributions import FloatDistribution
from hypersearch.integration import SearchCV


def _searches():
    space = {"C": FloatDistribution(1e-2, 10.0, log=True)}
    yield SearchCV(LogisticRegression(), space, n_trials=2, cv=2, random_state=0)
    alpha = {"alpha": FloatDistribution(1e-2, 10.0, log=True)}
    yield SearchCV(Ridge(), alpha, n_trials=2, cv=2, random_state=0)


@parametrize_with_checks(list(_searches()))
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Fitting failed.*")
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        check(estimator)
