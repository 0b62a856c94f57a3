"""Bootstrap intervals against a naive resampling loop, scipy's bootstrap and the
Fisher z interval; sample sizes against simulation."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import (
    METHODS,
    correlation_score,
    correlation_score_interval,
    error_correlation_interval,
    pairwise_error_correlation,
    samples_for_correlation_half_width,
    samples_for_half_width,
)
from skcorr.utils.seeding import draw_seed

CONTINUOUS = ("pearson", "spearman", "kendall")


def _regression(n_samples=40, n_models=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.normal(size=n_samples)
    shared = rng.normal(size=n_samples)
    noise = rng.normal(size=(n_samples, n_models))
    # Rounded residuals: ties within and across rows, for spearman and kendall.
    Y_pred = y[:, None] - np.round(shared[:, None] + noise, 1)
    return y, Y_pred


def _classification(n_samples=40, n_models=3, rate=0.15, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 3, n_samples)
    flip = (rng.rand(n_samples, n_models) < rate) | (rng.rand(n_samples) < rate)[
        :, None
    ]
    return y, np.where(flip, (y[:, None] + 1) % 3, y[:, None])


def _naive_distribution(y, Y_pred, method, n_resamples, random_state):
    """The oracle: draw each resample's rows and call the existing metric."""
    n_samples = len(y)
    matrices = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        for seed in draw_seed(random_state, size=n_resamples):
            rows = np.random.default_rng(seed).integers(0, n_samples, n_samples)
            matrices.append(
                pairwise_error_correlation(y[rows], Y_pred[rows], method=method)
            )
    return np.array(matrices)


@pytest.mark.parametrize("method", METHODS)
def test_distribution_equals_a_naive_resampling_loop(method):
    # 12 samples with rare errors: some resamples leave a model always right,
    # so the NaN handling is compared too.
    if method in CONTINUOUS:
        y, Y_pred = _regression(n_samples=25)
        cases = [(y, Y_pred), _classification(n_samples=12, rate=0.1)]
    else:
        cases = [_classification(n_samples=12, rate=0.1)]
    for y, Y_pred in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedCorrelationWarning)
            result = error_correlation_interval(
                y, Y_pred, method=method, n_resamples=40, random_state=5
            )
        naive = _naive_distribution(y, Y_pred, method, 40, 5)
        # Same sums in another order: agreement to a few float64 ulps of
        # numbers of order 1.
        np.testing.assert_allclose(
            result.bootstrap_distribution, naive, rtol=0, atol=1e-12
        )
        low = np.nanpercentile(naive, 2.5, axis=0)
        np.testing.assert_allclose(result.low, low, rtol=0, atol=1e-12)


def test_some_resamples_are_undefined_and_warned():
    y, Y_pred = _classification(n_samples=12, rate=0.1)
    with pytest.warns(UndefinedCorrelationWarning, match="bootstrap resamples"):
        result = error_correlation_interval(
            y, Y_pred, method="phi", n_resamples=40, random_state=5
        )
    assert np.isnan(result.bootstrap_distribution).any()
    assert np.isfinite(result.low[0, 1])


def test_score_interval_equals_a_naive_loop_of_correlation_score():
    y, Y_pred = _classification(n_samples=60, n_models=4)
    seeds = draw_seed(2, size=50)
    expected = []
    for seed in seeds:
        rows = np.random.default_rng(seed).integers(0, 60, 60)
        expected.append(correlation_score(y[rows], Y_pred[rows], method="kappa"))
    result = correlation_score_interval(
        y, Y_pred, method="kappa", n_resamples=50, random_state=2
    )
    np.testing.assert_allclose(result.bootstrap_distribution, expected, atol=1e-12)
    assert result.score == pytest.approx(correlation_score(y, Y_pred, method="kappa"))
    low, high = np.percentile(expected, [2.5, 97.5])
    assert result.low == pytest.approx(low, abs=1e-12)
    assert result.high == pytest.approx(high, abs=1e-12)


def test_score_interval_with_a_callable_aggregate():
    y, Y_pred = _regression(n_samples=50, n_models=4)
    result = correlation_score_interval(
        y, Y_pred, aggregate=np.median, n_resamples=40, random_state=0
    )
    median = correlation_score_interval(
        y, Y_pred, aggregate="median", n_resamples=40, random_state=0
    )
    np.testing.assert_allclose(
        result.bootstrap_distribution, median.bootstrap_distribution, atol=1e-15
    )


def test_percentile_interval_agrees_with_scipy_bootstrap():
    y, Y_pred = _regression(n_samples=100, n_models=2)
    residuals = y[:, None] - Y_pred
    result = error_correlation_interval(
        y, Y_pred, method="spearman", n_resamples=499, random_state=0
    )
    reference = stats.bootstrap(
        (residuals[:, 0], residuals[:, 1]),
        lambda a, b: stats.spearmanr(a, b).statistic,
        paired=True,
        vectorized=False,
        n_resamples=499,
        method="percentile",
        random_state=1,
    ).confidence_interval
    # Two independent sets of 499 resamples: an end of a 95% interval of a
    # correlation of 100 samples (standard error ~0.08) has a Monte Carlo
    # standard deviation near 0.01, so the two ends differ by ~0.014; 0.05 is
    # 3.5 times that.
    assert result.low[0, 1] == pytest.approx(reference.low, abs=0.05)
    assert result.high[0, 1] == pytest.approx(reference.high, abs=0.05)


def test_basic_interval_reflects_the_percentiles():
    y, Y_pred = _regression(n_samples=60)
    percentile = error_correlation_interval(y, Y_pred, n_resamples=99, random_state=1)
    basic = error_correlation_interval(
        y, Y_pred, n_resamples=99, random_state=1, interval="basic"
    )
    statistic = percentile.statistic
    np.testing.assert_allclose(basic.low, 2 * statistic - percentile.high)
    np.testing.assert_allclose(basic.high, 2 * statistic - percentile.low)


@pytest.mark.parametrize(
    "method, data",
    [
        ("phik", _classification(n_samples=80)),
        ("pearson", _regression(80)),
        ("spearman", _regression(80)),
        ("kendall", _regression(80)),
    ],
)
def test_seeded_and_independent_of_the_batch_size(method, data):
    y, Y_pred = data
    runs = [
        error_correlation_interval(
            y, Y_pred, method=method, n_resamples=40, batch_size=size, random_state=4
        ).bootstrap_distribution
        for size in (None, None, 1, 7)  # 40 resamples: batches of 1 and 7
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    if method == "pearson":  # products of other shapes may round differently
        np.testing.assert_allclose(runs[0], runs[2], rtol=0, atol=1e-14)
        np.testing.assert_allclose(runs[0], runs[3], rtol=0, atol=1e-14)
    else:  # counts, (doubled) ranks, signs: exact integer sums, bit-identical
        np.testing.assert_array_equal(runs[0], runs[2])
        np.testing.assert_array_equal(runs[0], runs[3])
    other = error_correlation_interval(
        y, Y_pred, method=method, n_resamples=40, random_state=5
    ).bootstrap_distribution
    assert not np.array_equal(runs[0], other)


def test_dataframe_predictions_give_labelled_matrices():
    pd = pytest.importorskip("pandas")
    y, Y_pred = _regression(n_samples=30)
    frame = pd.DataFrame(Y_pred, columns=["a", "b", "c"])
    result = error_correlation_interval(y, frame, n_resamples=40, random_state=0)
    assert list(result.low.columns) == ["a", "b", "c"]
    assert list(result.standard_error.index) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_resamples": 0}, "n_resamples"),
        ({"n_resamples": True}, "n_resamples"),
        ({"confidence_level": 1.0}, "confidence_level"),
        ({"confidence_level": True}, "confidence_level"),
        ({"batch_size": 0}, "batch_size"),
        ({"interval": "bca"}, "interval"),
        ({"method": "cosine"}, "method"),
    ],
)
def test_bad_parameters_are_refused(params, match):
    y, Y_pred = _regression(n_samples=10)
    with pytest.raises(InvalidParameterError, match=match):
        error_correlation_interval(y, Y_pred, **params)


def test_too_few_samples_and_resamples():
    with pytest.raises(ValueError, match="at least 2 samples"):
        error_correlation_interval([1.0], [[1.5, 0.5]], task="regression")
    y, Y_pred = _regression(n_samples=20)
    with pytest.warns(UserWarning, match="too few for confidence_level"):
        error_correlation_interval(y, Y_pred, n_resamples=10, random_state=0)


def test_binary_method_on_residuals_is_refused():
    y, Y_pred = _regression(n_samples=20)
    with pytest.raises(ValueError, match="0/1 error indicators"):
        error_correlation_interval(y, Y_pred, method="phik")


def test_samples_for_half_width_predicts_the_width_of_a_larger_sample():
    # Bivariate normal errors with correlation 0.5: a pilot of 300 samples
    # predicts the test set for a half-width of 0.05. The oracle is the true
    # sampling distribution of r at that size (400 test sets drawn afresh):
    # its central 95% is about 0.05 wide on each side. The pilot's half-width
    # is uncertain by ~8% (over 20 pilots the realised width spread 0.046 to
    # 0.067 at 200 samples), so 20% is the bound.
    rng = np.random.RandomState(0)
    covariance = [[1, 0.5], [0.5, 1]]
    errors = rng.multivariate_normal([0, 0], covariance, 300)
    plan = samples_for_half_width(
        np.zeros(300),
        -errors,  # residuals y - y_hat equal the errors
        half_width=0.05,
        n_resamples=300,
        task="regression",
        random_state=0,
    )
    needed = int(plan.n_samples_needed[0, 1])
    assert plan.n_samples == 300
    correlations = []
    for _ in range(400):
        test_set = rng.multivariate_normal([0, 0], covariance, needed)
        correlations.append(np.corrcoef(test_set.T)[0, 1])
    low, high = np.percentile(correlations, [2.5, 97.5])
    assert (high - low) / 2 == pytest.approx(0.05, rel=0.2)
    # and the asymptotic standard error (1 - rho^2) / sqrt(n) agrees
    assert 1.96 * 0.75 / np.sqrt(needed) == pytest.approx(0.05, rel=0.2)


def test_samples_for_half_width_of_the_score():
    y, Y_pred = _classification(n_samples=200, n_models=3)
    plan = samples_for_half_width(
        y,
        Y_pred,
        half_width=0.02,
        aggregate="mean",
        method="phi",
        n_resamples=100,
        random_state=0,
    )
    current = (plan.intervals.high - plan.intervals.low) / 2
    assert plan.half_width == pytest.approx(current)
    assert plan.n_samples_needed == np.ceil(200 * (current / 0.02) ** 2)


@pytest.mark.parametrize("correlation", [0.0, 0.5, -0.8])
def test_samples_for_correlation_half_width_inverts_the_fisher_interval(correlation):
    n = samples_for_correlation_half_width(correlation, half_width=0.1)
    critical = stats.norm.ppf(0.975)

    def half_width(n_samples):
        z = np.arctanh(correlation)
        spread = critical / np.sqrt(n_samples - 3)
        return (np.tanh(z + spread) - np.tanh(z - spread)) / 2

    assert half_width(n) <= 0.1 < half_width(n - 1)


def test_samples_for_correlation_half_width_refuses_a_perfect_correlation():
    with pytest.raises(ValueError, match=r"in \(-1, 1\)"):
        samples_for_correlation_half_width(1.0, half_width=0.1)
