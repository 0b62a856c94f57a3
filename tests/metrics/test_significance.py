"""error_correlation_significance against scipy's pearsonr, bootstrap and
permutation_test."""

import numpy as np
import pytest
from scipy import stats

from skcorr.metrics import error_correlation_significance


def _regression(n_samples=120, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.normal(size=n_samples)
    shared = rng.normal(size=n_samples)
    Y_pred = np.column_stack(
        [
            y - shared - rng.normal(size=n_samples),
            y - 0.5 * shared - rng.normal(size=n_samples),
            y - rng.normal(size=n_samples),
        ]
    )
    return y, Y_pred


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_analytic_matches_scipy_pearsonr(alternative):
    y, Y_pred = _regression()
    residuals = y[:, None] - Y_pred
    result = error_correlation_significance(
        y, Y_pred, alternative=alternative, confidence_level=0.9
    )
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        reference = stats.pearsonr(
            residuals[:, i], residuals[:, j], alternative=alternative
        )
        interval = reference.confidence_interval(confidence_level=0.9)
        assert result.statistic[i, j] == pytest.approx(reference.statistic)
        assert result.pvalue[i, j] == pytest.approx(reference.pvalue, rel=1e-6)
        assert result.low[i, j] == pytest.approx(interval.low)
        assert result.high[i, j] == pytest.approx(interval.high)
    assert np.isnan(np.diag(result.pvalue)).all()


def test_analytic_refuses_methods_without_a_closed_form():
    y, Y_pred = _regression()
    with pytest.raises(ValueError, match="test='bootstrap'"):
        error_correlation_significance(y, Y_pred, method="spearman")


def test_bootstrap_interval_agrees_with_scipy_bootstrap():
    y, Y_pred = _regression(n_samples=150)
    residuals = y[:, None] - Y_pred
    result = error_correlation_significance(
        y,
        Y_pred,
        method="spearman",
        test="bootstrap",
        n_resamples=2000,
        random_state=0,
    )
    reference = stats.bootstrap(
        (residuals[:, 0], residuals[:, 1]),
        lambda a, b: stats.spearmanr(a, b).statistic,
        paired=True,
        vectorized=False,
        n_resamples=2000,
        method="percentile",
        random_state=1,
    ).confidence_interval
    assert result.low[0, 1] == pytest.approx(reference.low, abs=0.03)
    assert result.high[0, 1] == pytest.approx(reference.high, abs=0.03)
    assert np.isnan(result.pvalue[0, 1])


def test_bootstrap_is_reproducible_with_random_state():
    y, Y_pred = _regression()
    first = error_correlation_significance(
        y, Y_pred, test="bootstrap", n_resamples=50, random_state=7
    )
    second = error_correlation_significance(
        y, Y_pred, test="bootstrap", n_resamples=50, random_state=7
    )
    np.testing.assert_array_equal(first.low, second.low)


def test_permutation_pvalues_find_shared_errors_and_agree_with_scipy():
    y, Y_pred = _regression(n_samples=150)
    residuals = y[:, None] - Y_pred
    result = error_correlation_significance(
        y,
        Y_pred,
        method="kendall",
        test="permutation",
        n_resamples=999,
        random_state=0,
    )
    assert result.pvalue[0, 1] < 0.01
    reference = stats.permutation_test(
        (residuals[:, 0], residuals[:, 2]),
        lambda a, b: stats.kendalltau(a, b).statistic,
        permutation_type="pairings",
        n_resamples=999,
        random_state=0,
    )
    assert result.pvalue[0, 2] == pytest.approx(reference.pvalue, abs=0.08)
    assert np.isnan(result.low[0, 1])
