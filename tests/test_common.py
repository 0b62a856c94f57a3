"""scikit-learn's estimator checks over every public estimator of skcorr."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcorr.utils.discovery import all_estimators

from .instance_generator import estimator_instances, expected_failed_checks

ESTIMATORS = list(estimator_instances())


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_public_estimator_is_checked():
    """Each public estimator has an instance, and no production class
    carries a test hook (the instances live in tests/instance_generator.py)."""
    checked = {type(estimator) for estimator in ESTIMATORS}
    missing = [name for name, cls in all_estimators() if cls not in checked]
    if "MLPBackbone" in missing:  # checked only where torch is installed
        pytest.importorskip("torch")
    assert missing == []
    for name, cls in all_estimators():
        hooks = {"_test_instances", "_expected_failed_checks"} & set(dir(cls))
        assert not hooks, f"{name} defines test hooks {hooks}"


def test_all_estimators_are_sorted_estimator_classes():
    from sklearn.base import BaseEstimator

    found = all_estimators()
    assert [name for name, _ in found] == sorted(name for name, _ in found)
    assert all(issubclass(cls, BaseEstimator) for _, cls in found)


def test_all_estimators_rejects_unknown_type_filter():
    with pytest.raises(ValueError, match="Unknown type_filter"):
        all_estimators(type_filter="sampler")
