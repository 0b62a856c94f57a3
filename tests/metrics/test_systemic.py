"""Systemic failure against independent failures, checked by enumeration."""

import itertools

import numpy as np
import pandas as pd
import pytest

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import (
    aggregated_risk_from_failures,
    systemic_failure,
    systemic_failure_from_failures,
)

# Sums of at most 2**5 products of five rates in [0, 1]: float64 rounding of
# two orders of summation stays below 1e-15; 1e-12 leaves room for any BLAS.
ATOL = 1e-12


def _failures(seed=0, n_samples=80, n_models=5):
    rng = np.random.default_rng(seed)
    hard = rng.random(n_samples) < 0.3
    rates = np.linspace(0.1, 0.5, n_models)
    return ((rng.random((n_samples, n_models)) < rates) | hard[:, None]).astype(int)


def _independent_by_enumeration(rates):
    """P(exactly k fail) summed over all 2**m outcome vectors."""
    pmf = np.zeros(len(rates) + 1)
    for outcome in itertools.product((0, 1), repeat=len(rates)):
        outcome = np.array(outcome)
        pmf[outcome.sum()] += np.prod(np.where(outcome, rates, 1 - rates))
    return pmf


def test_distributions_equal_enumeration_and_counting():
    failures = _failures()
    result = systemic_failure_from_failures(failures)
    rates = failures.mean(axis=0)
    np.testing.assert_allclose(result.error_rates, rates)
    np.testing.assert_allclose(
        result.independent, _independent_by_enumeration(rates), atol=ATOL
    )
    counts = [np.sum(failures.sum(axis=1) == k) / 80 for k in range(6)]
    np.testing.assert_allclose(result.observed, counts, atol=ATOL)
    np.testing.assert_array_equal(result.n_failing, np.arange(6))


def test_summaries_from_their_definitions():
    failures = _failures(seed=1)
    result = systemic_failure_from_failures(failures)
    rates = failures.mean(axis=0)
    all_fail = np.mean(failures.all(axis=1))
    assert result.systemic_failure_rate == pytest.approx(all_fail)
    assert result.expected_systemic_failure_rate == pytest.approx(np.prod(rates))
    assert result.consistent_success_rate == pytest.approx(
        np.mean(~failures.any(axis=1))
    )
    assert result.expected_consistent_success_rate == pytest.approx(np.prod(1 - rates))
    assert result.homogenization == pytest.approx(all_fail / np.prod(rates))
    assert result.homogenization > 1  # the shared hard samples fail everyone
    counts = failures.sum(axis=1)
    assert result.dispersion == pytest.approx(
        np.var(counts) / np.sum(rates * (1 - rates))
    )


def test_independent_failures_give_ratios_near_one():
    rng = np.random.default_rng(2)
    failures = (rng.random((20000, 3)) < [0.3, 0.4, 0.5]).astype(int)
    result = systemic_failure_from_failures(failures)
    # 20,000 samples: the standard error of the all-fail share (0.06) is
    # 0.0017, about 3% of it; of the variance ratio about 1%.
    assert result.homogenization == pytest.approx(1, abs=0.12)
    assert result.dispersion == pytest.approx(1, abs=0.05)


def test_tail_matches_aggregated_risk():
    failures = _failures(seed=3)
    result = systemic_failure_from_failures(failures)
    risk = aggregated_risk_from_failures(failures)
    np.testing.assert_allclose(
        np.cumsum(result.observed[::-1])[::-1][1:], risk.observed, atol=ATOL
    )
    np.testing.assert_allclose(
        np.cumsum(result.independent[::-1])[::-1][1:], risk.independent, atol=ATOL
    )


def test_predictions_weights_and_names():
    failures = _failures(seed=4, n_samples=30, n_models=3)
    y = np.arange(30) % 3
    Y_pred = pd.DataFrame(
        np.where(failures, (y[:, None] + 1) % 3, y[:, None]), columns=["a", "b", "c"]
    )
    weights = np.arange(30) % 4
    repeated = np.repeat(np.arange(30), weights)
    weighted = systemic_failure(y, Y_pred, sample_weight=weights)
    plain = systemic_failure_from_failures(failures[repeated])
    for key in ("observed", "independent", "error_rates"):
        np.testing.assert_allclose(weighted[key], plain[key], atol=ATOL)
    assert weighted.homogenization == pytest.approx(plain.homogenization)
    assert weighted.model_names == ["a", "b", "c"]


def test_regression_needs_a_tolerance():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    Y_pred = np.array([[0.1, 0.0], [2.0, 3.0], [2.0, 2.5], [3.0, 3.0]])
    result = systemic_failure(y, Y_pred, task="regression", tolerance=0.4)
    np.testing.assert_allclose(result.observed, [0.5, 0.25, 0.25])
    with pytest.raises(ValueError, match="pass tolerance"):
        systemic_failure(y, Y_pred, task="regression")


def test_bad_input():
    with pytest.raises(ValueError, match="only 0"):
        systemic_failure_from_failures([[0, 2], [1, 0]])
    with pytest.raises(ValueError, match="at least 2 samples"):
        systemic_failure_from_failures([[0, 1]])
    with pytest.warns(UndefinedCorrelationWarning, match="never fails") as record:
        result = systemic_failure_from_failures([[0, 1], [0, 0]])
    assert np.isnan(result.homogenization)
    assert record[0].filename == __file__
