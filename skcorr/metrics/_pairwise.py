"""Pairwise correlation of the errors of many models, all pairs at once."""

import warnings

import numpy as np
from scipy.stats import rankdata

from .._registry import BINARY_METHODS, CONTINUOUS_METHODS, METHODS
from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import StrOptions, validate_params
from ..utils.validation import (
    check_errors,
    check_same_index,
    check_weights,
    describe_models,
    labelled_matrix,
    warn_constant_models,
)
from ._dask import (
    any_dask,
    correlation_of_dask_errors,
    correlation_of_dask_predictions,
)
from ._errors import TASK_OPTIONS, compute_errors
from ._kendall import kendall_tau_b
from ._measures import RATE_METHODS, indicator_measure
from ._moments import covariance, indicator_moments

UNWEIGHTED_METHODS = ("spearman", "kendall", "phik")


def _pearson(errors, weights, return_variances=False):
    covariance_matrix = covariance(errors, weights)
    variances = np.diag(covariance_matrix).copy()
    std = np.sqrt(variances)
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = np.clip(covariance_matrix / np.outer(std, std), -1.0, 1.0)
    if return_variances:
        return correlation, variances
    return correlation


def _constant_columns(errors, variances=None):
    """Columns whose values are all equal.

    With the columns' ``variances`` at hand, only the columns whose variance is
    within rounding of zero are checked exactly, so large inputs are not read
    twice.
    """
    if variances is None:
        return np.ptp(errors, axis=0) == 0
    scale = np.max(np.abs(errors[0])) if errors.size else 0.0
    candidates = np.flatnonzero(variances <= (1e-12 * max(scale, 1.0)) ** 2)
    constant = np.zeros(errors.shape[1], dtype=bool)
    if candidates.size:
        constant[candidates] = np.ptp(errors[:, candidates], axis=0) == 0
    return constant


def _check_weighted(method, weights):
    if weights is not None and method in UNWEIGHTED_METHODS:
        raise ValueError(
            f"method={method!r} does not support sample_weight; use one of "
            f"{sorted(set(METHODS) - set(UNWEIGHTED_METHODS))}."
        )


def pairwise_correlation_of_errors(
    errors, method, weights=None, model_names=None, *, checked_finite=True
):
    """Core computation on a validated error matrix (numeric, any dtype); see
    :func:`correlation_from_errors`.

    With ``checked_finite=False`` (from ``check_errors(check_finite=False)``)
    0/1 errors need no pass for NaN and inf: the 0/1 check proves them finite;
    other errors are checked before they are used.
    """
    _check_weighted(method, weights)
    n_samples = errors.shape[0]
    moments = None
    if method in BINARY_METHODS or method in ("pearson", "kendall"):
        # One read proves the errors 0/1 and gives every moment the measure
        # needs; on residuals it stops at the first block.
        moments = indicator_moments(errors, weights)
    if moments is None and not checked_finite and method != "pearson":
        # (Pearson's sums prove the entries finite, or name the NaN and inf.)
        check_errors(errors)  # refuses NaN and inf, naming where they are
    if moments is None and method in BINARY_METHODS:
        raise ValueError(
            f"method={method!r} needs 0/1 error indicators (classification); "
            "these errors are continuous (regression residuals). Use one of "
            f"{list(CONTINUOUS_METHODS)}."
        )
    matrix = None
    if moments is not None:
        matrix = indicator_measure(moments, method, n_samples)
        if method in RATE_METHODS:
            return matrix
        counts = moments[2]
        constant = (counts == 0) | (counts == n_samples)
    if matrix is None:
        variances = None
        if method == "pearson" or moments is not None:  # 0/1 kendall: Pearson
            matrix, variances = _pearson(errors, weights, return_variances=True)
        elif method == "spearman":
            matrix = _pearson(rankdata(errors, axis=0), None)  # ranks: in memory
        else:
            matrix = kendall_tau_b(errors)
        constant = _constant_columns(errors, variances)
    return _undefined_to_nan(matrix, constant, model_names, method)


def _undefined_to_nan(matrix, constant, model_names, method):
    """NaN where a constant column makes ``method`` undefined (with warnings
    naming the models), 1 on the diagonal elsewhere."""
    matrix = np.asarray(matrix, dtype=float)
    if np.any(constant):
        matrix[constant, :] = np.nan
        matrix[:, constant] = np.nan
    diagonal = np.flatnonzero(~constant)
    matrix[diagonal, diagonal] = 1.0
    warn_constant_models(constant, model_names, f"the {method} error correlation")
    _warn_other_undefined(matrix, constant, model_names, method)
    return matrix


def _warn_other_undefined(matrix, constant, model_names, method):
    undefined = np.isnan(matrix)
    if not undefined.any():
        return
    undefined[constant, :] = False
    undefined[:, constant] = False
    rows, cols = np.nonzero(np.triu(undefined, k=1))
    if rows.size:
        pairs = "; ".join(
            describe_models([i, j], model_names)
            for i, j in zip(rows[:5], cols[:5], strict=True)
        )
        more = f" and {rows.size - 5} more" if rows.size > 5 else ""
        warnings.warn(
            f"The {method} error correlation is undefined (0/0) for the pair(s) "
            f"{pairs}{more}; set to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=4,
        )


_METHOD_DOC = """method : {"pearson", "spearman", "kendall", "phi", "phik", "kappa", \
"yule_q", "disagreement", "double_fault"}, default="pearson"
        How to compare two models' error columns:

        - ``"pearson"``, ``"spearman"``, ``"kendall"`` (tau-b): on residuals or on
          0/1 indicators (where all three equal phi).
        - ``"phi"``: Pearson on 0/1 indicators.
        - ``"phik"``: phi_K (Baak et al. 2018), the measure of Li et al. (2025),
          as the ``phik`` package computes it for two 0/1 columns; in [0, 1].
        - ``"kappa"``: error consistency (Geirhos et al. 2020), Cohen's kappa of
          the correctness vectors.
        - ``"yule_q"``: Yule's Q statistic (Kuncheva & Whitaker 2003).
        - ``"disagreement"``: fraction of samples where exactly one is wrong.
        - ``"double_fault"``: fraction of samples where both are wrong.

        The last six need 0/1 indicators (classification)."""


@validate_params(
    {
        "errors": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def correlation_from_errors(errors, *, method="pearson", sample_weight=None):
    """Pairwise correlation of a matrix of per-sample errors of many models.

    Use this when the errors are already at hand (for example the released
    errors of :func:`skcorr.datasets.load_corr_ml_errors`);
    :func:`pairwise_error_correlation` computes them from predictions first.

    Parameters
    ----------
    errors : array-like, DataFrame or dask array of shape (n_samples, n_models)
        Residuals, or 0/1 error indicators (1 = wrong). A dask array is
        computed block by block and never gathered (all methods but spearman
        and kendall); see :ref:`scaling-dask-metrics`.
    {method}
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (not supported by spearman, kendall and phik).

    Returns
    -------
    matrix : ndarray or DataFrame of shape (n_models, n_models)
        Labelled by model names when ``errors`` is a DataFrame. Entries that
        involve a model with constant errors are NaN (with a warning naming it),
        except for the rates ``disagreement`` and ``double_fault``.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import correlation_from_errors
    >>> errors = np.array([[1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1]])
    >>> correlation_from_errors(errors, method="double_fault")
    array([[0.5 , 0.25, 0.  ],
           [0.25, 0.5 , 0.25],
           [0.  , 0.25, 0.5 ]])
    """
    if any_dask(errors, sample_weight):
        _check_weighted(method, sample_weight)
        matrix, constant = correlation_of_dask_errors(errors, method, sample_weight)
        if method in RATE_METHODS:
            return matrix
        return _undefined_to_nan(matrix, constant, None, method)
    check_same_index(errors=errors, sample_weight=sample_weight)
    # NaN and inf: proved absent by the 0/1 check, or checked after it
    E, model_names = check_errors(errors, min_models=2, check_finite=False)
    weights = check_weights(sample_weight, E.shape[0])
    matrix = pairwise_correlation_of_errors(
        E, method, weights, model_names, checked_finite=False
    )
    return labelled_matrix(matrix, model_names)


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "task": [TASK_OPTIONS],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def pairwise_error_correlation(
    y_true, Y_pred, *, method="pearson", task="auto", sample_weight=None
):
    """Correlation of the errors of every pair of models.

    Errors are residuals ``y - y_hat`` for regression and indicators
    ``1[y_hat != y]`` for classification, as in Li et al. (2025). Every method is
    computed for all pairs at once, from one or a few matrix products over the
    error matrix.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like, DataFrame or dask array of shape (n_samples, n_models)
        Predictions of each model, one column per model. A dask array (with
        ``y_true`` a dask or numpy array, and ``task`` given) is computed block
        by block and never gathered, for the methods built on Gram matrices
        (all but spearman and kendall); see :ref:`scaling-dask-metrics`.
    {method}
    task : {"auto", "classification", "regression"}, default="auto"
        ``"auto"`` infers it, and refuses to guess where the numbers do not
        tell: strings and booleans are labels; continuous ``y_true`` is
        regression; integer-valued ``y_true`` with non-integer predictions is
        regression, except that predictions that look like probabilities
        (``y_true`` binary, or all predictions in [0, 1]) are refused; integer
        ``y_true`` with integer predictions is classification when ``y_true``
        is binary, or when every predicted value is a value of ``y_true`` and
        ``y_true`` has at most ``n_samples // 2`` distinct values; otherwise
        (e.g. integer prices of 100 to 1000) a ValueError asks for ``task``.
        See :func:`skcorr.utils.validation.infer_task`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples (not supported by spearman, kendall and phik).
        Normalised to sum to one after division by their largest value, so
        finite weights whose sum overflows are fine.

    Returns
    -------
    matrix : ndarray or DataFrame of shape (n_models, n_models)
        Symmetric, labelled by model names when ``Y_pred`` is a DataFrame.
        Entries that involve a model that is always right or always wrong are
        NaN, with an :class:`~skcorr.exceptions.UndefinedCorrelationWarning`
        naming it (except for the rates ``disagreement`` and ``double_fault``).

    Raises
    ------
    ValueError
        Naming the problem and what to do, for: shapes, lengths, fewer than 2
        models, ragged lists; NaN/inf, and missing labels (None, NaN, pd.NA)
        with their rows; labels mixing types (``1`` and ``"1"``), strings
        against numbers, complex or datetime values; duplicated column names
        of ``Y_pred``; pandas ``y_true``, ``Y_pred`` or ``sample_weight`` whose
        (non-default) indexes differ, since rows are paired by position; an
        ambiguous task (see ``task``), and probabilities given as labels;
        residuals or their products that overflow float64 (rescale the data);
        bad ``sample_weight`` (NaN, inf, negative, all zero, wrong length).

    See Also
    --------
    correlation_score : One number summarising the matrix.
    error_correlation_significance : p-values and confidence intervals.

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning Models",
    arXiv:2502.03937. Kuncheva, Whitaker (2003), "Measures of diversity in
    classifier ensembles", Machine Learning 51. Geirhos, Meding, Wichmann (2020),
    "Beyond accuracy: quantifying trial-by-trial behaviour of CNNs and humans by
    measuring error consistency", NeurIPS.

    Examples
    --------
    >>> from skcorr.metrics import pairwise_error_correlation
    >>> y = [0, 1, 1, 0, 1, 0]
    >>> Y_pred = [[0, 0, 1], [1, 1, 0], [0, 0, 0], [0, 1, 0], [1, 1, 1], [1, 1, 0]]
    >>> pairwise_error_correlation(y, Y_pred, method="phi").round(3)
    array([[ 1.   ,  0.707,  0.   ],
           [ 0.707,  1.   , -0.333],
           [ 0.   , -0.333,  1.   ]])
    """
    if any_dask(y_true, Y_pred, sample_weight):
        _check_weighted(method, sample_weight)
        matrix, constant = correlation_of_dask_predictions(
            y_true, Y_pred, method, task, sample_weight
        )
        if method in RATE_METHODS:
            return matrix
        return _undefined_to_nan(matrix, constant, None, method)
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    errors, model_names, _ = compute_errors(
        y_true, Y_pred, task=task, min_models=2, indicator_dtype=np.uint8
    )
    weights = check_weights(sample_weight, errors.shape[0])
    matrix = pairwise_correlation_of_errors(errors, method, weights, model_names)
    return labelled_matrix(matrix, model_names)


correlation_from_errors.__doc__ = correlation_from_errors.__doc__.replace(
    "{method}", _METHOD_DOC
)
pairwise_error_correlation.__doc__ = pairwise_error_correlation.__doc__.replace(
    "{method}", _METHOD_DOC
)
