"""error_correlation_significance against scipy's pearsonr, bootstrap and
permutation_test."""

import numpy as np
import pytest
from scipy import stats

from skcorr.metrics import error_correlation_interval, error_correlation_significance


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


def test_bootstrap_interval_is_that_of_error_correlation_interval():
    # error_correlation_interval is checked against scipy.stats.bootstrap and a
    # naive resampling loop in test_intervals.py; the same seed gives the same
    # resamples here, and a one-sided interval keeps its percentile end.
    y, Y_pred = _regression(n_samples=150)
    result = error_correlation_significance(
        y, Y_pred, method="spearman", test="bootstrap", n_resamples=200, random_state=0
    )
    reference = error_correlation_interval(
        y, Y_pred, method="spearman", n_resamples=200, random_state=0
    )
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_array_equal(result.low[off], reference.low[off])
    np.testing.assert_array_equal(result.high[off], reference.high[off])
    assert np.isnan(result.pvalue[0, 1])
    greater = error_correlation_significance(
        y,
        Y_pred,
        method="spearman",
        test="bootstrap",
        alternative="greater",
        n_resamples=200,
        random_state=0,
    )
    low = np.percentile(reference.bootstrap_distribution[:, 0, 1], 5)
    assert greater.low[0, 1] == pytest.approx(low, rel=1e-12)
    assert greater.high[0, 1] == np.inf


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


def _weakly_correlated_errors(n_samples=200, n_models=2, seed=0):
    """0/1 errors with a weak shared cause: phi_K is often exactly 0."""
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n_samples, 1))
    errors = 0.3 * latent + rng.normal(size=(n_samples, n_models)) > 0.8
    return np.zeros(n_samples, dtype=int), errors.astype(int)


def _exact_phik_null(errors):
    """The permutation null of phi_K of two 0/1 columns, exactly.

    Shuffling one column keeps both error counts, so the number of samples both
    models get wrong is hypergeometric; phi_K is a function of that count.
    """
    from skcorr.metrics._phik import phik_from_moments

    n = len(errors)
    wrong_0, wrong_1 = errors.sum(axis=0)
    both = np.arange(max(0, wrong_0 + wrong_1 - n), min(wrong_0, wrong_1) + 1)
    probability = stats.hypergeom.pmf(both, n, wrong_0, wrong_1)
    rate_0, rate_1 = wrong_0 / n, wrong_1 / n
    phik = phik_from_moments(
        both / n - rate_0 * rate_1,
        rate_0 * (1 - rate_0),
        rate_1 * (1 - rate_1),
        n,
    )
    return phik, probability


def test_mid_p_of_a_tied_phik_equals_the_exact_hypergeometric_mid_p():
    # Observed phi_K = 0, where most of the null piles up: the conservative
    # count gives p = 1, the mid-p the exact P(null > 0) + P(null = 0) / 2.
    y, errors = _weakly_correlated_errors(seed=3)
    result = error_correlation_significance(
        y,
        errors,
        method="phik",
        test="permutation",
        alternative="greater",
        n_resamples=999,
        random_state=0,
    )
    assert result.statistic[0, 1] == 0
    values, probability = _exact_phik_null(errors)
    tied = np.isclose(values, 0.0, rtol=0, atol=1e-14)
    exact = probability[~tied].sum() + probability[tied].sum() / 2
    assert 0.3 < exact < 0.9  # the tie matters: p is far from 1
    # 999 resamples: standard error sqrt(p (1 - p) / 999) < 0.016; 0.05 > 3 of them.
    assert result.pvalue[0, 1] == pytest.approx(exact, abs=0.05)
    conservative = error_correlation_significance(
        y,
        errors,
        method="phik",
        test="permutation",
        alternative="greater",
        ties="conservative",
        n_resamples=999,
        random_state=0,
    )
    assert conservative.pvalue[0, 1] == 1.0


def test_tie_rules_bracket_one_another_and_are_seeded():
    y, errors = _weakly_correlated_errors(n_models=4, seed=1)
    results = {
        ties: error_correlation_significance(
            y,
            errors,
            method="phik",
            test="permutation",
            alternative="greater",
            ties=ties,
            n_resamples=199,
            random_state=0,
        ).pvalue
        for ties in ("mid-p", "randomized", "conservative")
    }
    rows, cols = np.triu_indices(4, k=1)
    conservative = results["conservative"][rows, cols]
    mid = results["mid-p"][rows, cols]
    randomized = results["randomized"][rows, cols]
    # The same resamples: (above + share * tied) / (B + 1), share 1, 1/2 or U.
    tied_share = (conservative - mid) * 2  # tied / (B + 1)
    strictly_above = conservative - tied_share
    assert (strictly_above >= -1e-12).all()
    assert (randomized >= strictly_above - 1e-12).all()
    assert (randomized <= conservative + 1e-12).all()
    np.testing.assert_array_equal(results["randomized"], results["randomized"].T)
    again = error_correlation_significance(
        y,
        errors,
        method="phik",
        test="permutation",
        alternative="greater",
        ties="randomized",
        n_resamples=199,
        random_state=0,
    ).pvalue
    np.testing.assert_array_equal(again, results["randomized"])


def test_tie_rules_agree_on_continuous_residuals():
    y, Y_pred = _regression(n_samples=60)
    pvalues = [
        error_correlation_significance(
            y,
            Y_pred,
            test="permutation",
            ties=ties,
            n_resamples=99,
            random_state=0,
        ).pvalue
        for ties in ("mid-p", "randomized", "conservative")
    ]
    # Only the observed value ties with itself: one-sided, the rules differ by
    # its share of 1/(B+1); two-sided doubles that.
    assert np.nanmax(np.abs(pvalues[0] - pvalues[2])) <= 1 / 100 + 1e-12
    assert np.nanmax(np.abs(pvalues[1] - pvalues[2])) <= 2 / 100 + 1e-12
    assert np.nanmax(np.abs(pvalues[0] - pvalues[2])) > 0
