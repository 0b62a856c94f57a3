"""Bootstrap confidence intervals of every pairwise error measure, all resamples
through matrix products, and the test-set size an interval of a given width needs.

A bootstrap resample of ``n`` rows is a vector of counts ``w`` (how often each
row is drawn, summing to ``n``); every statistic of the resample is the
statistic of the data weighted by ``w``. The measures built on first and second
moments (pearson, phi, phik, kappa, yule_q, disagreement, double_fault, and
spearman and kendall on 0/1 errors, where both equal phi) need the weighted
column sums ``W E`` and the weighted Gram matrices, which for a batch of
resamples ``W`` (``n_batch x n``) are one product ``W F``, where row ``i`` of
``F`` holds the products ``e_ik e_il`` of every pair of models. Spearman on
residuals ranks each resample from the counts (a tied group of total weight
``g`` after weight ``c`` takes the mid rank ``c + (g + 1) / 2``), then one
batched product; Kendall's tau-b weighs the sign products of each pair of rows
by ``w_i w_j`` (one product over pairs of rows, ``O(n^2)`` as the measure
itself).

Resample ``b`` draws the rows ``default_rng(s_b).integers(n, size=n)``, with the
seeds ``s = draw_seed(random_state, size=n_resamples)``: a resample does not
depend on the batch it is computed in.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import stats
from sklearn.utils import Bunch

from .._registry import BINARY_METHODS, METHODS
from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.parameters import (
    RANDOM_STATE_CONSTRAINT,
    IntervalNotBool,
    check_not_bool,
)
from ..utils.seeding import draw_seed
from ..utils.validation import labelled_matrix
from ._errors import TASK_OPTIONS, compute_errors
from ._measures import RATE_METHODS, binary_measure_from_rates
from ._moments import is_binary
from ._pairwise import pairwise_correlation_of_errors
from ._score import AGGREGATES, aggregate_pairs

INTERVALS = ("percentile", "basic")

# Entries of the largest temporary array of one batch (about 32 MB of float64).
_BATCH_ENTRIES = 4_000_000
# Below 2**24 every count and joint count is exact in float32.
_FLOAT32_EXACT = 2**24

_NAN_AGGREGATES = {
    "mean": np.nanmean,
    "median": np.nanmedian,
    "max": np.nanmax,
    "min": np.nanmin,
}


def resample_counts(seeds, n_samples):
    """How often each row is drawn in the resamples seeded by ``seeds``.

    Resample ``b`` draws ``numpy.random.default_rng(seeds[b]).integers(
    n_samples, size=n_samples)``.

    Returns
    -------
    counts : ndarray of shape (len(seeds), n_samples), float64
    """
    counts = np.empty((len(seeds), n_samples))
    for b, seed in enumerate(seeds):
        rows = np.random.default_rng(seed).integers(0, n_samples, n_samples)
        counts[b] = np.bincount(rows, minlength=n_samples)
    return counts


def _pairs(n_models):
    return np.triu_indices(n_models)


def _row_step(n_samples, width):
    return max(1, min(n_samples, _BATCH_ENTRIES // max(width, 1)))


def _weighted_moments(values, counts, rows, cols, dtype):
    """``counts @ values`` and ``counts @ (values[:, rows] * values[:, cols])``."""
    n_samples = values.shape[0]
    sums = np.zeros((counts.shape[0], values.shape[1]))
    products = np.zeros((counts.shape[0], rows.size))
    step = _row_step(n_samples, rows.size + counts.shape[0])
    for start in range(0, n_samples, step):
        block = slice(start, start + step)
        weights = counts[:, block].astype(dtype)
        part = values[block].astype(dtype)
        sums += weights @ part
        products += weights @ (part[:, rows] * part[:, cols])
    return sums, products


def _exactly_constant(values, counts, candidates):
    """Which (resample, model) candidates have one value over the drawn rows."""
    constant = np.zeros(candidates.shape, dtype=bool)
    for b, k in zip(*np.nonzero(candidates), strict=True):
        drawn = values[counts[b] > 0, k]
        constant[b, k] = np.ptp(drawn) == 0
    return constant


def _binary_from_moments(rates, both_wrong, rows, cols, method, n_samples):
    """The binary measure of each pair of each resample from its rates; the
    correlations of 0/1 errors (pearson, spearman, kendall) are phi there."""
    measure = "phi" if method in ("pearson", "spearman", "kendall") else method
    return binary_measure_from_rates(
        rates[:, rows], rates[:, cols], both_wrong, measure, n_samples
    )


def _binary_batch(errors, counts, method, rows, cols):
    n_samples = errors.shape[0]
    dtype = np.float32 if n_samples < _FLOAT32_EXACT else np.float64
    sums, products = _weighted_moments(errors, counts, rows, cols, dtype)
    values = _binary_from_moments(
        sums / n_samples, products / n_samples, rows, cols, method, n_samples
    )
    constant = (sums == 0) | (sums == n_samples)
    return values, constant


def _pearson_from_sums(sums, products, rows, cols, n_samples):
    means = sums / n_samples
    second = products / n_samples
    covariance = second - means[:, rows] * means[:, cols]
    diagonal = rows == cols
    variance = np.empty_like(means)
    variance[:, rows[diagonal]] = covariance[:, diagonal]
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / np.sqrt(variance[:, rows] * variance[:, cols])
    return np.clip(correlation, -1.0, 1.0), variance, second[:, diagonal]


def _pearson_batch(errors, counts, rows, cols):
    n_samples = errors.shape[0]
    sums, products = _weighted_moments(errors, counts, rows, cols, np.float64)
    correlation, variance, second = _pearson_from_sums(
        sums, products, rows, cols, n_samples
    )
    # Variance within rounding of zero: check the drawn rows exactly.
    candidates = variance <= 1e-8 * second
    return correlation, _exactly_constant(errors, counts, candidates)


class _Ranking:
    """Sorted order and tied groups of each column, to rank weighted resamples."""

    def __init__(self, errors):
        self.order = np.ascontiguousarray(np.argsort(errors, axis=0, kind="stable").T)
        self.groups = []
        for k, order in enumerate(self.order):
            ordered = errors[order, k]
            new_value = np.r_[True, ordered[1:] != ordered[:-1]]
            if new_value.all():  # no ties: every row is its own group
                self.groups.append(None)
            else:
                self.groups.append(
                    (np.flatnonzero(new_value), np.cumsum(new_value) - 1)
                )

    def doubled_ranks(self, counts):
        """Twice the mid ranks of every row in each resample: (batch, models, n).

        In sorted order, a group of tied rows of total count ``g`` after a
        count ``c`` takes the mid rank ``c + (g + 1) / 2``; doubled, an integer.
        """
        n_batch, n_samples = counts.shape
        n_models = self.order.shape[0]
        ranks = np.empty((n_batch, n_models, n_samples))
        constant = np.empty((n_batch, n_models), dtype=bool)
        for k, (order, groups) in enumerate(zip(self.order, self.groups, strict=True)):
            weight = counts[:, order]
            if groups is not None:
                weight = np.add.reduceat(weight, groups[0], axis=1)
            mid = 2.0 * np.cumsum(weight, axis=1) - weight + 1.0
            ranks[:, k, order] = mid if groups is None else mid[:, groups[1]]
            constant[:, k] = weight.max(axis=1) == n_samples
        return ranks, constant


def _spearman_batch(ranking, counts, rows, cols):
    n_samples = counts.shape[1]
    ranks, constant = ranking.doubled_ranks(counts)
    weighted = ranks * counts[:, None, :]
    sums = weighted.sum(axis=2)
    gram = np.matmul(weighted, ranks.transpose(0, 2, 1))
    correlation, _, _ = _pearson_from_sums(
        sums, gram[:, rows, cols], rows, cols, n_samples
    )
    return correlation, constant


def _kendall_batch(errors, counts, rows, cols):
    """tau-b of each resample: sign products of row pairs weighted by w_i w_j."""
    n_batch, n_samples = counts.shape
    # Every partial sum is an integer of at most n**2 (the weights of all pairs
    # of draws): exact in float32 below 2**24, whatever the order of the sums.
    dtype = np.float32 if n_samples**2 < _FLOAT32_EXACT else np.float64
    products = np.zeros((n_batch, rows.size))
    step = max(1, _BATCH_ENTRIES // (n_samples * max(n_batch, rows.size)))
    for start in range(0, n_samples, step):
        block = slice(start, start + step)
        with np.errstate(over="ignore"):
            differences = errors[block, None, :] - errors[None, :, :]
        signs = np.sign(differences).reshape(-1, errors.shape[1]).astype(dtype)
        pair_weights = (counts[:, block, None] * counts[:, None, :]).reshape(
            n_batch, -1
        )
        products += pair_weights.astype(dtype) @ (signs[:, rows] * signs[:, cols])
    diagonal = rows == cols
    untied = np.empty((n_batch, errors.shape[1]))
    untied[:, rows[diagonal]] = products[:, diagonal]
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = products / np.sqrt(untied[:, rows] * untied[:, cols])
    return np.clip(tau, -1.0, 1.0), untied == 0


def _batch_size(n_samples, n_models, method, binary):
    if method == "spearman" and not binary:
        width = n_samples * n_models
    elif method == "kendall" and not binary:
        width = n_samples * 64
    else:
        width = n_samples + n_models * (n_models + 1) // 2
    return max(1, _BATCH_ENTRIES // max(width, 1))


def bootstrap_distribution(errors, method, seeds, batch_size=None):
    """The measure of every pair in each resample: (n_resamples, n_models, n_models).

    Entries with a model whose errors are constant in the resample are NaN
    (except for the rates ``disagreement`` and ``double_fault``); the
    diagonal of the correlations is 1 elsewhere.
    """
    errors = np.asarray(errors, dtype=np.float64)
    n_samples, n_models = errors.shape
    binary = is_binary(errors)
    if method in BINARY_METHODS and not binary:
        raise ValueError(
            f"method={method!r} needs 0/1 error indicators (classification); these "
            "errors are continuous (regression residuals)."
        )
    rows, cols = _pairs(n_models)
    if batch_size is None:
        batch_size = _batch_size(n_samples, n_models, method, binary)
    values = errors
    if method == "pearson" and not binary:
        # Correlations do not change with the location and scale of a column;
        # standardised columns keep the raw second moments well conditioned.
        scale = errors.std(axis=0)
        values = (errors - errors.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    ranking = _Ranking(errors) if method == "spearman" and not binary else None
    distribution = np.empty((len(seeds), n_models, n_models))
    for start in range(0, len(seeds), batch_size):
        counts = resample_counts(seeds[start : start + batch_size], n_samples)
        if binary:
            pairs, constant = _binary_batch(values, counts, method, rows, cols)
        elif method == "pearson":
            pairs, constant = _pearson_batch(values, counts, rows, cols)
        elif method == "spearman":
            pairs, constant = _spearman_batch(ranking, counts, rows, cols)
        else:
            pairs, constant = _kendall_batch(values, counts, rows, cols)
        matrices = np.empty((counts.shape[0], n_models, n_models))
        matrices[:, rows, cols] = pairs
        matrices[:, cols, rows] = pairs
        if method not in RATE_METHODS:
            undefined = constant[:, :, None] | constant[:, None, :]
            matrices[undefined] = np.nan
            diagonal = np.arange(n_models)
            matrices[:, diagonal, diagonal] = np.where(constant, np.nan, 1.0)
        distribution[start : start + counts.shape[0]] = matrices
    return distribution


def nan_quantiles(distribution, quantiles):
    """``np.nanquantile(distribution, q, axis=0)`` (linear) for each ``q``.

    numpy's nanquantile runs a Python function per column; here every column
    is sorted at once (NaN last) and interpolated at ``q (valid - 1)``.
    """
    ordered = np.sort(distribution, axis=0)
    valid = np.sum(~np.isnan(distribution), axis=0)
    results = []
    for q in quantiles:
        position = q * np.maximum(valid - 1, 0)
        lower = np.floor(position).astype(np.intp)
        upper = np.minimum(lower + 1, np.maximum(valid - 1, 0))
        fraction = position - lower
        below = np.take_along_axis(ordered, lower[None], axis=0)[0]
        above = np.take_along_axis(ordered, upper[None], axis=0)[0]
        with np.errstate(invalid="ignore"):
            value = below + (above - below) * fraction
        results.append(np.where(valid > 0, value, np.nan))
    return results


def _percentiles(distribution, confidence_level):
    alpha = 1.0 - confidence_level
    low, high = nan_quantiles(distribution, (alpha / 2, 1 - alpha / 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fewer than 2 defined
        spread = np.nanstd(distribution, axis=0, ddof=1)
    return low, high, spread


def _interval(statistic, distribution, confidence_level, interval):
    low, high, spread = _percentiles(distribution, confidence_level)
    if interval == "basic":
        low, high = 2.0 * statistic - high, 2.0 * statistic - low
    return low, high, spread


def _check_resampling(n_samples, n_resamples, confidence_level):
    if n_samples < 2:
        raise ValueError(
            f"A bootstrap interval needs at least 2 samples; got {n_samples}."
        )
    tail = n_resamples * (1.0 - confidence_level) / 2.0
    if tail < 1.0:
        warnings.warn(
            f"n_resamples={n_resamples} is too few for confidence_level="
            f"{confidence_level}: fewer than one resample falls beyond each end, "
            "so the interval is the range of the resamples. Use at least "
            f"{math.ceil(2.0 / (1.0 - confidence_level))} resamples (999 or more "
            "for stable ends).",
            UserWarning,
            stacklevel=5,
        )


def _warn_undefined(distribution, statistic, what):
    rows, cols = np.triu_indices(distribution.shape[1], k=1)
    defined = ~np.isnan(statistic[rows, cols])
    pairs = distribution[:, rows[defined], cols[defined]]
    count = int(np.isnan(pairs).any(axis=1).sum())
    if count:
        warnings.warn(
            f"{count} of {len(distribution)} bootstrap resamples left some pair "
            f"undefined (a model always right or always wrong among the drawn "
            f"rows); those resamples are left out of {what} for those pairs, so "
            "its ends rest on fewer resamples.",
            UndefinedCorrelationWarning,
            stacklevel=4,
        )


_RESAMPLING_CONSTRAINTS = {
    "y_true": ["array-like"],
    "Y_pred": ["array-like"],
    "method": [StrOptions(set(METHODS))],
    "confidence_level": [Interval(Real, 0, 1, closed="neither")],
    "n_resamples": [IntervalNotBool(Integral, 1, None, closed="left")],
    "interval": [StrOptions(set(INTERVALS))],
    "batch_size": [IntervalNotBool(Integral, 1, None, closed="left"), None],
    "task": [TASK_OPTIONS],
    "random_state": RANDOM_STATE_CONSTRAINT,
}


def _resampled(
    y_true,
    Y_pred,
    method,
    task,
    n_resamples,
    confidence_level,
    random_state,
    batch_size,
    owner,
):
    check_not_bool(owner, confidence_level=confidence_level)
    errors, model_names, _ = compute_errors(y_true, Y_pred, task=task, min_models=2)
    _check_resampling(errors.shape[0], n_resamples, confidence_level)
    statistic = pairwise_correlation_of_errors(errors, method, None, model_names)
    seeds = draw_seed(random_state, size=n_resamples)
    distribution = bootstrap_distribution(errors, method, seeds, batch_size)
    return errors, model_names, statistic, distribution


@validate_params(_RESAMPLING_CONSTRAINTS, prefer_skip_nested_validation=True)
def error_correlation_interval(
    y_true,
    Y_pred,
    *,
    method="pearson",
    confidence_level=0.95,
    n_resamples=999,
    interval="percentile",
    batch_size=None,
    task="auto",
    random_state=None,
):
    """Bootstrap confidence interval of the error correlation of every pair.

    Rows (samples) are drawn with replacement, the same rows for all models,
    ``n_resamples`` times; each resample's matrix is
    :func:`pairwise_error_correlation` of the drawn rows. The resamples are
    computed together: each is a vector of counts, and the weighted moments of
    a batch of resamples are one matrix product (see the module notes), so the
    cost is that of a few products, not of ``n_resamples`` calls. There is no
    ``sample_weight``: the resampling counts are the weights.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model, one column per model.
    method : str, default="pearson"
        Any method of :func:`pairwise_error_correlation`.
    confidence_level : float, default=0.95
        In (0, 1).
    n_resamples : int, default=999
        Bootstrap resamples.
    interval : {"percentile", "basic"}, default="percentile"
        ``"percentile"``: the ``(1 - confidence_level) / 2`` and
        ``(1 + confidence_level) / 2`` quantiles of the resampled values
        (numpy's linear interpolation, as :func:`scipy.stats.bootstrap` with
        ``method="percentile"``). ``"basic"``: those quantiles reflected about
        the observed value, ``2 t - q_high`` and ``2 t - q_low`` (not clipped
        to the measure's range).
    batch_size : int, default=None
        Resamples computed together; ``None`` keeps each batch's largest array
        near 32 MB. Only memory and speed depend on it: a resample's rows do
        not. For 0/1 errors every sum is an exact integer, so the result is
        bit-identical for any batch size; for residuals the matrix products of
        different batch shapes may round differently (differences near 1e-16).
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    random_state : int, RandomState instance or None, default=None
        Seeds the resamples: resample ``b`` draws the rows
        ``numpy.random.default_rng(s_b).integers(n_samples, size=n_samples)`` with
        ``s = skcorr.utils.seeding.draw_seed(random_state, size=n_resamples)``.

    Returns
    -------
    result : Bunch
        ``statistic`` (the observed matrix), ``low``, ``high`` and
        ``standard_error`` (the standard deviation of the resampled values),
        each of shape (n_models, n_models), DataFrames labelled by model names
        when ``Y_pred`` is one; ``bootstrap_distribution`` of shape
        (n_resamples, n_models, n_models); ``method``, ``interval``,
        ``confidence_level``, ``n_samples`` and ``n_resamples``. A resample
        in which a model's errors are constant leaves its pairs undefined
        (NaN) there; those resamples are left out for those pairs.

    Raises
    ------
    ValueError
        For fewer than 2 samples, and for the bad input of
        :func:`pairwise_error_correlation`.
    InvalidParameterError
        For ``n_resamples < 1``, ``confidence_level`` outside (0, 1) or a bool,
        ``batch_size < 1``, an unknown ``method`` or ``interval``.

    Warns
    -----
    UndefinedCorrelationWarning
        When some resamples leave pairs undefined (counted), and for models
        with constant errors, as :func:`pairwise_error_correlation`.
    UserWarning
        When ``n_resamples`` is too few for ``confidence_level`` (fewer than
        one resample beyond each end).

    See Also
    --------
    correlation_score_interval : The interval of the one-number summary.
    samples_for_half_width : Test samples needed for an interval this wide.
    error_correlation_significance : p-values and the bootstrap one-sided intervals.

    References
    ----------
    Efron, Tibshirani (1993), "An Introduction to the Bootstrap", chapters 13
    and 14. Li, Sarna, Lin (2025), "Quantifying Correlations of Machine
    Learning Models", arXiv:2502.03937.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import error_correlation_interval
    >>> rng = np.random.RandomState(0)
    >>> y = rng.normal(size=300)
    >>> shared = rng.normal(size=300)
    >>> Y_pred = y[:, None] - shared[:, None] - rng.normal(size=(300, 3))
    >>> result = error_correlation_interval(y, Y_pred, n_resamples=200,
    ...                                     random_state=0)
    >>> bool(result.low[0, 1] < result.statistic[0, 1] < result.high[0, 1])
    True
    >>> bool(0.3 < result.low[0, 1] and result.high[0, 1] < 0.7)
    True
    """
    errors, model_names, statistic, distribution = _resampled(
        y_true,
        Y_pred,
        method,
        task,
        n_resamples,
        confidence_level,
        random_state,
        batch_size,
        "error_correlation_interval",
    )
    _warn_undefined(distribution, statistic, "the interval")
    low, high, spread = _interval(statistic, distribution, confidence_level, interval)
    return Bunch(
        statistic=labelled_matrix(statistic, model_names),
        low=labelled_matrix(low, model_names),
        high=labelled_matrix(high, model_names),
        standard_error=labelled_matrix(spread, model_names),
        bootstrap_distribution=distribution,
        method=method,
        interval=interval,
        confidence_level=confidence_level,
        n_samples=errors.shape[0],
        n_resamples=n_resamples,
    )


def _aggregate_resamples(distribution, aggregate):
    """The aggregate of the defined off-diagonal pairs of each resample."""
    rows, cols = np.triu_indices(distribution.shape[1], k=1)
    pairs = distribution[:, rows, cols]
    defined = ~np.isnan(pairs)
    scores = np.full(len(pairs), np.nan)
    some = defined.any(axis=1)
    if isinstance(aggregate, str):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            scores[some] = _NAN_AGGREGATES[aggregate](pairs[some], axis=1)
    else:
        for b in np.flatnonzero(some):
            scores[b] = float(aggregate(pairs[b, defined[b]]))
    return scores


@validate_params(
    {**_RESAMPLING_CONSTRAINTS, "aggregate": [StrOptions(set(AGGREGATES)), callable]},
    prefer_skip_nested_validation=True,
)
def correlation_score_interval(
    y_true,
    Y_pred,
    *,
    method="pearson",
    aggregate="mean",
    confidence_level=0.95,
    n_resamples=999,
    interval="percentile",
    batch_size=None,
    task="auto",
    random_state=None,
):
    """Bootstrap confidence interval of :func:`correlation_score`.

    Each resample's score is :func:`correlation_score` of the drawn rows (the
    same rows for all models): the aggregate of its defined pairs. The
    resamples are those of :func:`error_correlation_interval` with the same
    ``random_state`` and ``n_resamples``, computed together.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model, one column per model.
    method : str, default="pearson"
        Any method of :func:`pairwise_error_correlation`.
    aggregate : {"mean", "median", "max", "min"} or callable, default="mean"
        As :func:`correlation_score`; a callable is called once per resample.
    confidence_level : float, default=0.95
        In (0, 1).
    n_resamples : int, default=999
        Bootstrap resamples.
    interval : {"percentile", "basic"}, default="percentile"
        See :func:`error_correlation_interval`.
    batch_size : int, default=None
        See :func:`error_correlation_interval`.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    random_state : int, RandomState instance or None, default=None
        Seeds the resamples, as :func:`error_correlation_interval`.

    Returns
    -------
    result : Bunch
        ``score`` (:func:`correlation_score` of the data), ``low``, ``high``,
        ``standard_error`` (floats), ``bootstrap_distribution`` of shape
        (n_resamples,), ``method``, ``aggregate``, ``interval``,
        ``confidence_level``, ``n_samples`` and ``n_resamples``. A resample
        whose pairs are all undefined has a NaN score and is left out.

    Raises
    ------
    ValueError
        For fewer than 2 samples, and for the bad input of
        :func:`pairwise_error_correlation`.
    InvalidParameterError
        For ``n_resamples < 1``, ``confidence_level`` outside (0, 1) or a bool,
        ``batch_size < 1``, an unknown ``method``, ``aggregate`` or
        ``interval``.

    Warns
    -----
    UndefinedCorrelationWarning
        As :func:`error_correlation_interval`.
    UserWarning
        When ``n_resamples`` is too few for ``confidence_level``.

    See Also
    --------
    error_correlation_interval : The interval of every pair.
    samples_for_half_width : Test samples needed for an interval this wide.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import correlation_score_interval
    >>> rng = np.random.RandomState(0)
    >>> y = rng.randint(0, 2, size=400)
    >>> shared = rng.rand(400) < 0.2
    >>> flip = (rng.rand(400, 4) < 0.1) | shared[:, None]
    >>> Y_pred = np.where(flip, 1 - y[:, None], y[:, None])
    >>> result = correlation_score_interval(y, Y_pred, method="phi",
    ...                                     n_resamples=200, random_state=0)
    >>> bool(result.low < result.score < result.high)
    True
    """
    errors, model_names, statistic, distribution = _resampled(
        y_true,
        Y_pred,
        method,
        task,
        n_resamples,
        confidence_level,
        random_state,
        batch_size,
        "correlation_score_interval",
    )
    _warn_undefined(distribution, statistic, "the interval")
    score = aggregate_pairs(statistic, aggregate)
    scores = _aggregate_resamples(distribution, aggregate)
    low, high, spread = _interval(score, scores[:, None], confidence_level, interval)
    return Bunch(
        score=score,
        low=float(low[0]),
        high=float(high[0]),
        standard_error=float(spread[0]),
        bootstrap_distribution=scores,
        method=method,
        aggregate=aggregate,
        interval=interval,
        confidence_level=confidence_level,
        n_samples=errors.shape[0],
        n_resamples=n_resamples,
    )


def _samples_needed(n_samples, current, half_width):
    """``n (current / target)^2``, rounded up; NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.ceil(n_samples * (np.asarray(current) / half_width) ** 2)
    return needed


@validate_params(
    {
        **_RESAMPLING_CONSTRAINTS,
        "half_width": [Interval(Real, 0, None, closed="neither")],
        "aggregate": [StrOptions(set(AGGREGATES)), callable, None],
    },
    prefer_skip_nested_validation=True,
)
def samples_for_half_width(
    y_true,
    Y_pred,
    *,
    half_width,
    method="pearson",
    aggregate=None,
    confidence_level=0.95,
    n_resamples=999,
    interval="percentile",
    batch_size=None,
    task="auto",
    random_state=None,
):
    """How many test samples a bootstrap interval of a given half-width needs.

    The bootstrap interval of the data at hand (``n`` samples) has half-width
    ``h = (high - low) / 2``. A bootstrap standard error falls like
    ``1 / sqrt(n)`` for smooth statistics, so the interval of ``m`` samples
    drawn alike has half-width about ``h sqrt(n / m)``; the ``m`` that makes it
    ``half_width`` is ``ceil(n (h / half_width)^2)``. The rule extrapolates: it
    is an estimate, and a rough one far from ``n`` or for a measure at the
    edge of its range (phi_K near 0, where its distribution is not normal).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels of a pilot test set.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model on it.
    half_width : float
        The half-width wanted, in the units of the measure (0.05 for a
        correlation known to +-0.05).
    method : str, default="pearson"
        Any method of :func:`pairwise_error_correlation`.
    aggregate : {"mean", "median", "max", "min"}, callable or None, default=None
        ``None``: the samples needed for each pair's interval
        (:func:`error_correlation_interval`); otherwise for the interval of
        :func:`correlation_score` with this aggregate.
    confidence_level : float, default=0.95
        Of the intervals.
    n_resamples : int, default=999
        Bootstrap resamples.
    interval : {"percentile", "basic"}, default="percentile"
        See :func:`error_correlation_interval` (both have the same width).
    batch_size : int, default=None
        See :func:`error_correlation_interval`.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    random_state : int, RandomState instance or None, default=None
        Seeds the resamples.

    Returns
    -------
    result : Bunch
        ``n_samples_needed`` (a float matrix of shape (n_models, n_models),
        NaN where the interval is undefined, labelled when ``Y_pred`` is a
        DataFrame; a float for an ``aggregate``), ``half_width`` (the current
        half-widths), ``target_half_width``, ``n_samples`` and ``intervals``
        (the result of :func:`error_correlation_interval` or
        :func:`correlation_score_interval`).

    See Also
    --------
    samples_for_correlation_half_width : The same from a correlation alone
        (Fisher z, no data).

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import samples_for_half_width
    >>> rng = np.random.RandomState(0)
    >>> y = rng.normal(size=200)
    >>> shared = rng.normal(size=200)
    >>> Y_pred = y[:, None] - shared[:, None] - rng.normal(size=(200, 3))
    >>> result = samples_for_half_width(y, Y_pred, half_width=0.05,
    ...                                 aggregate="mean", n_resamples=300,
    ...                                 random_state=0)
    >>> bool(result.n_samples_needed > 200)
    True
    """
    check_not_bool("samples_for_half_width", half_width=half_width)
    common = dict(
        method=method,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        interval=interval,
        batch_size=batch_size,
        task=task,
        random_state=random_state,
    )
    if aggregate is None:
        intervals = error_correlation_interval(y_true, Y_pred, **common)
        low, high = np.asarray(intervals.low), np.asarray(intervals.high)
        model_names = (
            list(intervals.low.columns) if hasattr(intervals.low, "columns") else None
        )
    else:
        intervals = correlation_score_interval(
            y_true, Y_pred, aggregate=aggregate, **common
        )
        low, high, model_names = intervals.low, intervals.high, None
    current = (high - low) / 2.0
    needed = _samples_needed(intervals.n_samples, current, half_width)
    if aggregate is None:
        current = labelled_matrix(current, model_names)
        needed = labelled_matrix(needed, model_names)
    else:
        current, needed = float(current), float(needed)
    return Bunch(
        n_samples_needed=needed,
        half_width=current,
        target_half_width=half_width,
        n_samples=intervals.n_samples,
        intervals=intervals,
    )


@validate_params(
    {
        "correlation": ["array-like", Real],
        "half_width": [Interval(Real, 0, 1, closed="neither")],
        "confidence_level": [Interval(Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def samples_for_correlation_half_width(
    correlation, *, half_width, confidence_level=0.95
):
    """Samples for a Fisher z interval of a correlation to have a given half-width.

    The Fisher z interval of a Pearson correlation ``r`` of ``n`` samples is
    ``tanh(atanh(r) +- z / sqrt(n - 3))`` (:func:`scipy.stats.pearsonr`'s);
    its half-width is ``sinh(2d) / (cosh(2 atanh r) + cosh(2d))`` with
    ``d = z / sqrt(n - 3)``. Solved for ``d`` in closed form, then for ``n``,
    rounded up. Use it to plan a test set from an expected correlation, before
    any data; with data, :func:`samples_for_half_width` measures instead of
    assuming bivariate normal errors.

    Parameters
    ----------
    correlation : float or array-like
        Expected correlation(s), in (-1, 1).
    half_width : float
        In (0, 1).
    confidence_level : float, default=0.95
        In (0, 1).

    Returns
    -------
    n_samples : float or ndarray
        The smallest integer number of samples whose interval is at most
        ``half_width`` wide on each side on average (at least 4).

    Raises
    ------
    ValueError
        For correlations outside (-1, 1) or NaN.

    Examples
    --------
    >>> from skcorr.metrics import samples_for_correlation_half_width
    >>> samples_for_correlation_half_width(0.0, half_width=0.1)
    385.0
    >>> samples_for_correlation_half_width(0.5, half_width=0.1)
    219.0
    """
    check_not_bool(
        "samples_for_correlation_half_width",
        half_width=half_width,
        confidence_level=confidence_level,
    )
    r = np.asarray(correlation, dtype=float)
    if np.isnan(r).any() or (np.abs(r) >= 1).any():
        raise ValueError(
            "correlation must be in (-1, 1) (an interval of a correlation of +-1 has "
            f"no width); got {correlation!r}."
        )
    critical = stats.norm.ppf(0.5 + confidence_level / 2.0)
    h = float(half_width)
    c = h * np.cosh(2.0 * np.arctanh(r))
    # sinh(u) - h cosh(u) = c with t = exp(u): (1 - h) t^2 - 2 c t - (1 + h) = 0.
    t = (c + np.sqrt(c**2 + (1.0 - h) * (1.0 + h))) / (1.0 - h)
    d = np.log(t) / 2.0
    n_samples = np.maximum(np.ceil(3.0 + (critical / d) ** 2), 4.0)
    return float(n_samples) if n_samples.ndim == 0 else n_samples
