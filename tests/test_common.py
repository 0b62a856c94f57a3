"""scikit-learn's estimator checks over every public estimator of skcorr."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcorr.utils.discovery import all_estimators


def _instances():
    """One instance of each public estimator, built by its ``_test_instances``
    hook when it needs arguments (a wrapped estimator), else with defaults."""
    for _, Estimator in all_estimators():
        make = getattr(Estimator, "_test_instances", None)
        yield from (make() if make is not None else [Estimator()])


def _expected_failed_checks(estimator):
    return getattr(estimator, "_expected_failed_checks", lambda: {})()


ESTIMATORS = list(_instances())

if ESTIMATORS:

    @parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
    def test_sklearn_compatible_estimator(estimator, check):
        check(estimator)

else:

    def test_no_public_estimator_yet():
        pytest.skip("skcorr has no public estimator yet")


def test_all_estimators_are_sorted_estimator_classes():
    from sklearn.base import BaseEstimator

    found = all_estimators()
    assert [name for name, _ in found] == sorted(name for name, _ in found)
    assert all(issubclass(cls, BaseEstimator) for _, cls in found)


def test_all_estimators_rejects_unknown_type_filter():
    with pytest.raises(ValueError, match="Unknown type_filter"):
        all_estimators(type_filter="sampler")
