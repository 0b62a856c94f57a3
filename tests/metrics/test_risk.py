"""joint_failure_rate and aggregated_risk against per-sample counting, scipy's
binomial and an enumeration of every failure pattern."""

import itertools

import numpy as np
import pytest
from scipy import stats

from skcorr.metrics import aggregated_risk, joint_failure_rate
from skcorr.metrics._risk import poisson_binomial_tail


def _labels(seed=0, n_samples=300, n_models=4):
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n_samples)
    hard = rng.rand(n_samples) < 0.2
    wrong = (hard[:, None] & (rng.rand(n_samples, n_models) < 0.7)) | (
        rng.rand(n_samples, n_models) < 0.05
    )
    return y, np.where(wrong, (y[:, None] + 1) % 3, y[:, None])


def test_joint_failure_rate_counts_samples():
    y, Y_pred = _labels()
    wrong_per_sample = (Y_pred != y[:, None]).sum(axis=1)
    for k in range(1, 5):
        expected = np.mean([count >= k for count in wrong_per_sample])
        assert joint_failure_rate(y, Y_pred, k=k) == pytest.approx(expected)


def test_k_larger_than_the_number_of_models_is_refused():
    y, Y_pred = _labels()
    with pytest.raises(ValueError, match="larger than the number of models"):
        joint_failure_rate(y, Y_pred, k=5)


def test_poisson_binomial_equals_binomial_for_equal_rates():
    tail = poisson_binomial_tail([0.3] * 6)
    np.testing.assert_allclose(tail, stats.binom.sf(np.arange(7) - 1, 6, 0.3))


def test_poisson_binomial_equals_enumeration_for_unequal_rates():
    rates = np.array([0.1, 0.45, 0.7, 0.2])
    tail = np.zeros(5)
    for pattern in itertools.product([0, 1], repeat=4):
        pattern = np.array(pattern)
        probability = np.prod(np.where(pattern == 1, rates, 1 - rates))
        tail[: pattern.sum() + 1] += probability
    np.testing.assert_allclose(poisson_binomial_tail(rates), tail)


def test_aggregated_risk_shows_correlated_failures_above_independence():
    y, Y_pred = _labels()
    risk = aggregated_risk(y, Y_pred)
    errors = Y_pred != y[:, None]
    np.testing.assert_allclose(risk.error_rates, errors.mean(axis=0))
    np.testing.assert_allclose(
        risk.independent, poisson_binomial_tail(errors.mean(0))[1:]
    )
    np.testing.assert_allclose(risk.ratio, risk.observed / risk.independent)
    assert risk.ratio[-1] > 5  # all four fail together far more often than chance


def test_independent_models_have_ratio_near_one():
    rng = np.random.RandomState(0)
    y = np.zeros(20000, dtype=int)
    Y_pred = (rng.rand(20000, 3) < [0.2, 0.3, 0.4]).astype(int)
    risk = aggregated_risk(y, Y_pred)
    np.testing.assert_allclose(risk.ratio, 1.0, atol=0.08)


def test_regression_failures_need_a_tolerance():
    y = np.array([1.0, 2.0, 3.0, 4.5])
    Y_pred = np.array([[1.1, 2.5], [2.0, 2.1], [3.9, 3.8], [4.4, 4.0]])
    with pytest.raises(ValueError, match="pass tolerance"):
        aggregated_risk(y, Y_pred)
    # failures |residual| > 0.45: [0,1], [0,0], [1,1], [0,1]
    assert joint_failure_rate(y, Y_pred, k=2, tolerance=0.45) == 0.25
    assert joint_failure_rate(y, Y_pred, k=1, tolerance=0.45) == 0.75


def test_sample_weight_equals_repeating_rows():
    y, Y_pred = _labels(n_samples=80)
    weights = np.random.RandomState(2).randint(0, 3, size=80)
    rows = np.repeat(np.arange(80), weights)
    weighted = aggregated_risk(y, Y_pred, sample_weight=weights)
    repeated = aggregated_risk(y[rows], Y_pred[rows])
    np.testing.assert_allclose(weighted.observed, repeated.observed)
    np.testing.assert_allclose(weighted.independent, repeated.independent)


def test_risk_from_failures_equals_risk_from_predictions():
    from skcorr.metrics import aggregated_risk_from_failures

    y, Y_pred = _labels()
    from_predictions = aggregated_risk(y, Y_pred)
    from_failures = aggregated_risk_from_failures((Y_pred != y[:, None]).astype(int))
    np.testing.assert_allclose(from_failures.observed, from_predictions.observed)
    np.testing.assert_allclose(from_failures.independent, from_predictions.independent)
    with pytest.raises(ValueError, match="only 0"):
        aggregated_risk_from_failures([[0, 2], [1, 0]])
