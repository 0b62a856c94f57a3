"""p-values and confidence intervals for the error correlation of each pair."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import stats
from sklearn.utils import Bunch, check_random_state

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.parameters import check_not_bool
from ..utils.seeding import draw_seed
from ..utils.validation import labelled_matrix
from ._errors import TASK_OPTIONS, compute_errors
from ._intervals import bootstrap_distribution, nan_quantiles
from ._pairwise import METHODS, pairwise_correlation_of_errors
from ._score import off_diagonal

TESTS = ("analytic", "bootstrap", "permutation")
ANALYTIC_METHODS = ("pearson", "phi")
ALTERNATIVES = ("two-sided", "greater", "less")
TIES = ("mid-p", "randomized", "conservative")


def _analytic(statistic, n_samples, alternative, confidence_level):
    """Exact t-test p-value and Fisher-z interval, as scipy.stats.pearsonr."""
    if n_samples < 3:
        # Two points are always perfectly correlated: no evidence either way,
        # the p-value scipy.stats.pearsonr gives for two samples.
        pvalue = np.where(np.isnan(statistic), np.nan, 1.0)
    else:
        shape = n_samples / 2.0 - 1.0
        null = stats.beta(shape, shape, loc=-1, scale=2)
        if alternative == "two-sided":
            pvalue = 2.0 * null.sf(np.abs(statistic))
        elif alternative == "greater":
            pvalue = null.sf(statistic)
        else:
            pvalue = null.cdf(statistic)
        pvalue = np.clip(pvalue, 0.0, 1.0)
    if n_samples <= 3:
        nan = np.full_like(statistic, np.nan)
        return pvalue, nan, nan.copy()
    with np.errstate(divide="ignore"):
        z = np.arctanh(statistic)
    standard_error = 1.0 / np.sqrt(n_samples - 3)
    if alternative == "two-sided":
        critical = stats.norm.ppf(0.5 + confidence_level / 2.0)
        low, high = (
            np.tanh(z - critical * standard_error),
            np.tanh(z + critical * standard_error),
        )
    else:
        critical = stats.norm.ppf(confidence_level)
        low = np.tanh(z - critical * standard_error)
        high = np.tanh(z + critical * standard_error)
        if alternative == "greater":
            high = np.ones_like(high)
        else:
            low = -np.ones_like(low)
    return pvalue, low, high


def _permuted_statistics(errors, method, n_resamples, rng):
    """The measure after shuffling each model's errors independently.

    (A permutation is no reweighting of the rows, so unlike the bootstrap it
    cannot go through one weighted product: one call per resample.)
    """
    n_samples, n_models = errors.shape
    resampled = np.empty((n_resamples, n_models, n_models))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        for b in range(n_resamples):
            order = np.argsort(rng.random_sample((n_samples, n_models)), axis=0)
            sample = np.take_along_axis(errors, order, axis=0)
            resampled[b] = pairwise_correlation_of_errors(sample, method)
    return resampled


def _warn_undefined_resamples(resampled, what):
    undefined = np.isnan(resampled).any(axis=(1, 2)).sum()
    if undefined:
        warnings.warn(
            f"{undefined} of {len(resampled)} {what} resamples left some pair "
            "undefined (a model with constant errors in the resample); those "
            "resamples are left out for those pairs.",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )


def _symmetric_uniform(rng, n_models):
    """Uniform draws in [0, 1), one per pair, the same for (i, j) and (j, i)."""
    draws = np.zeros((n_models, n_models))
    rows, cols = np.triu_indices(n_models, k=1)
    draws[rows, cols] = rng.random_sample(rows.size)
    return draws + draws.T


def _permutation_pvalue(statistic, null, alternative, ties="mid-p", rng=None):
    """Permutation p-values, the observed value counted as one of the resamples.

    With ``above``, ``tied`` and ``below`` the resamples beyond, equal to (within
    rounding) and short of the observed statistic, and ``B`` the defined ones,
    the one-sided ("greater") p-value is

    - ``"conservative"``: ``(above + tied + 1) / (B + 1)``, as
      :func:`scipy.stats.permutation_test` counts;
    - ``"mid-p"``: ``(above + (tied + 1) / 2) / (B + 1)``, half the tied mass;
    - ``"randomized"``: ``(above + U (tied + 1)) / (B + 1)``, ``U`` uniform.

    All three agree when nothing ties.
    """
    tolerance = 1e-14 * np.maximum(1.0, np.abs(statistic))
    n_valid = np.sum(~np.isnan(null), axis=0)
    above = np.sum(null > statistic + tolerance, axis=0)
    below = np.sum(null < statistic - tolerance, axis=0)
    tied = n_valid - above - below + 1.0  # the observed value ties with itself
    if ties == "conservative":
        share = 1.0
    elif ties == "mid-p":
        share = 0.5
    else:
        share = _symmetric_uniform(rng, statistic.shape[0])
    greater = (above + share * tied) / (n_valid + 1.0)
    less = (below + (1.0 - share if ties == "randomized" else share) * tied) / (
        n_valid + 1.0
    )
    if alternative == "greater":
        return greater
    if alternative == "less":
        return less
    return np.minimum(1.0, 2.0 * np.minimum(greater, less))


def _bootstrap_interval(resampled, alternative, confidence_level):
    alpha = 1.0 - confidence_level
    if alternative == "two-sided":
        low, high = nan_quantiles(resampled, (alpha / 2, 1 - alpha / 2))
    elif alternative == "greater":
        (low,) = nan_quantiles(resampled, (alpha,))
        high = np.full_like(low, np.inf)
    else:
        (high,) = nan_quantiles(resampled, (confidence_level,))
        low = np.full_like(high, -np.inf)
    return low, high


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "test": [StrOptions(set(TESTS))],
        "confidence_level": [Interval(Real, 0, 1, closed="neither")],
        "n_resamples": [Interval(Integral, 1, None, closed="left")],
        "alternative": [StrOptions(set(ALTERNATIVES))],
        "ties": [StrOptions(set(TIES))],
        "task": [TASK_OPTIONS],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def error_correlation_significance(
    y_true,
    Y_pred,
    *,
    method="pearson",
    test="analytic",
    confidence_level=0.95,
    n_resamples=999,
    alternative="two-sided",
    ties="mid-p",
    task="auto",
    random_state=None,
):
    """p-values and confidence intervals of the error correlation of each pair.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model, one column per model.
    method : str, default="pearson"
        Any method of :func:`pairwise_error_correlation`.
    test : {"analytic", "bootstrap", "permutation"}, default="analytic"
        - ``"analytic"`` (``pearson`` and ``phi`` only): the exact t-test p-value
          under independence of normal errors and the Fisher z interval, as
          :func:`scipy.stats.pearsonr` gives them.
        - ``"bootstrap"``: samples drawn with replacement (the same rows for all
          models), all resamples at once as :func:`error_correlation_interval`
          computes them; percentile confidence intervals (one-sided for a
          one-sided ``alternative``). No p-value (NaN).
        - ``"permutation"``: each model's errors shuffled independently, which
          destroys every pairwise dependence; p-values against that null, the
          observed value counted as one of the resamples (as
          :func:`scipy.stats.permutation_test` counts), ties as ``ties`` says.
          No interval (NaN).
    confidence_level : float, default=0.95
        Of the intervals.
    n_resamples : int, default=999
        Resamples for ``"bootstrap"`` and ``"permutation"``.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        ``"greater"`` tests for errors more correlated than chance.
    ties : {"mid-p", "randomized", "conservative"}, default="mid-p"
        How ``test="permutation"`` counts the resampled statistics equal to the
        observed one (within ``1e-14`` relative). Discrete errors make ties
        common: phi_K is 0 whenever the corrected chi-square is at most 1, so
        its null piles up at 0 and an observed 0 ties with most resamples.

        - ``"mid-p"``: the tied resamples (and the observed value) count one
          half, Lancaster's mid-p. Deterministic; under the null its mean is
          1/2 as for a continuous statistic, though at a level ``alpha`` it
          may reject slightly more often than ``alpha``.
        - ``"randomized"``: they count a uniform fraction ``U`` (one draw per
          pair from ``random_state``): exactly uniform under the null, at the
          price of a p-value that depends on the seed beyond the resamples.
        - ``"conservative"``: they count fully, as
          :func:`scipy.stats.permutation_test`: never rejects too often, but
          gives ``p = 1`` for every observed phi_K of 0, however weak the
          evidence of the tied mass.

        The three agree when nothing ties (continuous residuals).
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    random_state : int, RandomState instance or None, default=None
        Seeds the resampling.

    Returns
    -------
    result : Bunch
        ``statistic``, ``pvalue``, ``low`` and ``high``, each of shape
        (n_models, n_models) (DataFrames labelled by model names when ``Y_pred``
        is one), ``method``, ``test`` and ``confidence_level``. The diagonal of
        ``pvalue``, ``low`` and ``high`` is NaN.

    Raises
    ------
    ValueError
        For ``test="analytic"`` with a method other than pearson and phi, and
        for the bad input of :func:`pairwise_error_correlation`.
    InvalidParameterError
        For ``n_resamples`` or ``confidence_level`` given as a bool.

    Warns
    -----
    UndefinedCorrelationWarning
        With ``test="analytic"`` on fewer than 4 samples: the Fisher z interval
        is undefined (``low`` and ``high`` are NaN); on 2 samples the p-values
        are 1, as :func:`scipy.stats.pearsonr` gives (two points are always
        perfectly correlated). Also for models with constant errors, as
        :func:`pairwise_error_correlation`.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import error_correlation_significance
    >>> rng = np.random.RandomState(0)
    >>> y = rng.normal(size=200)
    >>> shared = rng.normal(size=200)
    >>> Y_pred = y[:, None] - shared[:, None] - rng.normal(size=(200, 3))
    >>> result = error_correlation_significance(y, Y_pred)
    >>> bool((result.pvalue[0, 1:] < 1e-6).all())
    True
    >>> bool(result.low[0, 1] < result.statistic[0, 1] < result.high[0, 1])
    True
    """
    check_not_bool(
        "error_correlation_significance",
        n_resamples=n_resamples,
        confidence_level=confidence_level,
    )
    errors, model_names, _ = compute_errors(y_true, Y_pred, task=task, min_models=2)
    n_samples = errors.shape[0]
    statistic = pairwise_correlation_of_errors(errors, method, None, model_names)
    nan = np.full_like(statistic, np.nan)
    if test == "analytic":
        if method not in ANALYTIC_METHODS:
            raise ValueError(
                f"test='analytic' is available for methods {list(ANALYTIC_METHODS)}; "
                f"use test='bootstrap' or test='permutation' for method={method!r}."
            )
        pvalue, low, high = _analytic(
            statistic, n_samples, alternative, confidence_level
        )
        if n_samples <= 3 and not np.isnan(off_diagonal(statistic)).all():
            pvalues = (
                "; the p-values are 1 (two points are always perfectly "
                "correlated), as scipy.stats.pearsonr gives"
                if n_samples < 3
                else ""
            )
            warnings.warn(
                f"With {n_samples} samples the Fisher z confidence interval is "
                f"undefined (it needs at least 4): low and high are NaN{pvalues}.",
                UndefinedCorrelationWarning,
                stacklevel=3,
            )
    else:
        rng = check_random_state(random_state)
        permute = test == "permutation"
        if permute:
            resampled = _permuted_statistics(errors, method, n_resamples, rng)
        else:  # all resamples through matrix products, as error_correlation_interval
            seeds = draw_seed(rng, size=n_resamples)
            resampled = bootstrap_distribution(errors, method, seeds)
        _warn_undefined_resamples(resampled, test)
        if permute:
            pvalue, low, high = (
                _permutation_pvalue(statistic, resampled, alternative, ties, rng),
                nan,
                nan.copy(),
            )
        else:
            pvalue = nan
            low, high = _bootstrap_interval(resampled, alternative, confidence_level)
    results = {}
    for name, matrix in (("pvalue", pvalue), ("low", low), ("high", high)):
        matrix = np.array(matrix, dtype=float)
        np.fill_diagonal(matrix, np.nan)
        matrix[np.isnan(statistic)] = np.nan
        results[name] = labelled_matrix(matrix, model_names)
    return Bunch(
        statistic=labelled_matrix(statistic, model_names),
        method=method,
        test=test,
        confidence_level=confidence_level,
        **results,
    )
