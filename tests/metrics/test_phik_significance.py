"""phik_significance against the phik package and exact enumeration."""

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import pairwise_error_correlation, phik_significance
from skcorr.metrics._phik_significance import (
    g_statistic,
    simulate_null_statistics,
    z_from_chi2,
)

phik = pytest.importorskip("phik")
pd = pytest.importorskip("pandas")
from phik import significance as phik_significance_module  # noqa: E402


def _errors(n_samples=200, n_models=4, seed=0):
    """Weakly correlated 0/1 errors, as labels: y all 0, Y_pred the errors."""
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n_samples, 1))
    errors = 0.4 * latent + rng.normal(size=(n_samples, n_models)) > 0.8
    return np.zeros(n_samples, dtype=int), errors.astype(int)


def _phik_matrix(errors, **params):
    frame = pd.DataFrame(errors, columns=[f"m{i}" for i in range(errors.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return frame.significance_matrix(interval_cols=[], **params).to_numpy()


@pytest.mark.parametrize("seed", [0, 1])
def test_asymptotic_equals_phik(seed):
    y, errors = _errors(seed=seed)
    result = phik_significance(y, errors, significance_method="asymptotic")
    reference = _phik_matrix(errors, significance_method="asymptotic")
    # Same formula, same scipy functions: equal to rounding (1e-6 is the
    # issue's bound; the differences are ~1e-15).
    np.testing.assert_allclose(result.zscore, reference, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(np.isinf(result.zscore), np.isinf(reference))


def test_asymptotic_uses_the_chernoff_bound_where_p_underflows():
    # Two models that always fail together on 5000 samples: p = 0 in float64.
    rng = np.random.RandomState(0)
    wrong = rng.rand(5000) < 0.5
    errors = np.column_stack([wrong, wrong, rng.rand(5000) < 0.3]).astype(int)
    result = phik_significance(np.zeros(5000), errors, significance_method="asymptotic")
    reference = _phik_matrix(errors, significance_method="asymptotic")
    assert result.pvalue[0, 1] == 0
    np.testing.assert_allclose(result.zscore, reference, rtol=1e-12)


def test_g_statistic_equals_scipy_chi2_contingency():
    tables = [[3, 0, 0, 9], [10, 4, 6, 20], [1, 1, 1, 1], [2, 7, 7, 1], [0, 5, 3, 8]]
    for cells in tables:
        expected = stats.chi2_contingency(
            np.reshape(cells, (2, 2)), lambda_="log-likelihood"
        ).statistic
        assert g_statistic(cells) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert g_statistic([0, 0, 4, 6]) == 0  # an empty row: no degree of freedom


def test_hybrid_conversion_equals_phik_given_the_same_null():
    y, errors = _errors(n_samples=150, n_models=2)
    table = pd.crosstab(errors[:, 0], errors[:, 1]).to_numpy()
    cells = table.ravel()[[3, 2, 1, 0]]  # (both wrong, only 0, only 1, both right)
    null = simulate_null_statistics(cells[None, :], 500, np.random.default_rng(0))[0]
    observed = g_statistic(cells)
    p_phik, z_phik = phik_significance_module.significance_from_chi2_hybrid(
        observed, table, chi2s=null
    )
    p_ours, z_ours = z_from_chi2(observed, null.mean())
    assert z_ours == pytest.approx(z_phik, rel=1e-12)
    assert p_ours == pytest.approx(p_phik, rel=1e-12)


def test_simulated_null_mean_equals_exact_enumeration():
    # E[G] under the multinomial of the independent table, exactly, by summing
    # over every table of n = 20; the simulation mean is within 5 standard
    # errors of it, and so is phik's own simulation.
    n = 20
    table = np.array([[3.0, 4.0], [5.0, 8.0]])
    cells = table.ravel()
    rows, cols = table.sum(axis=1) / n, table.sum(axis=0) / n
    probabilities = np.outer(rows, cols).ravel()
    tables = np.array(
        [
            (a, b, c, n - a - b - c)
            for a, b, c in itertools.product(range(n + 1), repeat=3)
            if a + b + c <= n
        ]
    )
    pmf = stats.multinomial.pmf(tables, n, probabilities)
    exact = np.sum(pmf * g_statistic(tables))
    null = simulate_null_statistics(cells[None, :], 10_000, np.random.default_rng(1))
    error = null.std() / np.sqrt(null.size)
    assert abs(null.mean() - exact) < 5 * error
    np.random.seed(0)  # noqa: NPY002 (phik draws from the global generator)
    theirs = phik.simulation.sim_chi2_distribution(table, nsim=1000, njobs=1)
    assert abs(np.mean(theirs) - exact) < 5 * np.std(theirs) / np.sqrt(len(theirs))


def test_hybrid_agrees_with_phik_within_monte_carlo_noise():
    y, errors = _errors(n_samples=300, n_models=2, seed=2)
    n_simulations = 300
    ours = phik_significance(y, errors, n_simulations=n_simulations, random_state=0)
    np.random.seed(0)  # noqa: NPY002 (phik draws from the global generator)
    theirs = _phik_matrix(errors, nsim=n_simulations, njobs=1)
    # Noise of Z: dZ/d(dof) times the standard error of the mean null G
    # (sd(G) / sqrt(nsim), sd(G) = sqrt(2 dof) for a chi-square), for each of
    # the two independent simulations.
    finite = np.isfinite(theirs) & np.isfinite(ours.zscore)
    dof = np.asarray(ours.dof)
    g = stats.chi2.isf(ours.pvalue, dof)
    step = 1e-4
    slope = (z_from_chi2(g, dof + step)[1] - z_from_chi2(g, dof - step)[1]) / (2 * step)
    noise = np.abs(slope) * np.sqrt(2 * dof / n_simulations) * np.sqrt(2)
    assert (np.abs(ours.zscore - theirs)[finite] < 5 * noise[finite] + 1e-9).all()
    np.testing.assert_array_equal(np.isinf(ours.zscore), np.isinf(theirs))


def test_mc_method_counts_as_phik_percentileofscore():
    y, errors = _errors(n_samples=120, n_models=2)
    result = phik_significance(
        y, errors, significance_method="MC", n_simulations=200, random_state=3
    )
    assert 0 <= result.pvalue[0, 1] <= 1
    again = phik_significance(
        y, errors, significance_method="MC", n_simulations=200, random_state=3
    )
    np.testing.assert_array_equal(result.zscore, again.zscore)


def test_statistic_is_pairwise_phik_and_constant_models_are_nan():
    y, errors = _errors(n_samples=100, n_models=3)
    errors[:, 2] = 0  # always right
    with pytest.warns(UndefinedCorrelationWarning, match="model 2"):
        result = phik_significance(y, errors, significance_method="asymptotic")
    assert np.isnan(result.zscore[2]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        expected = pairwise_error_correlation(y, errors, method="phik")
    np.testing.assert_array_equal(result.statistic, expected)


def test_bad_input():
    y = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="0/1 error indicators"):
        phik_significance(y, np.column_stack([y + 0.5, y - 0.25]))
    with pytest.raises(ValueError, match="at least 5 samples"):
        phik_significance([0, 1, 0, 1], [[0, 1], [1, 1], [0, 0], [0, 1]])
