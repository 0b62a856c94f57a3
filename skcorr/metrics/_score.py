"""One number for the error correlation of a set of models."""

import warnings

import numpy as np

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import StrOptions, validate_params
from ..utils.validation import check_same_index, check_weights
from ._dask import any_dask
from ._errors import TASK_OPTIONS, compute_errors
from ._pairwise import (
    METHODS,
    pairwise_correlation_of_errors,
    pairwise_error_correlation,
)

AGGREGATES = {
    "mean": np.mean,
    "median": np.median,
    "max": np.max,
    "min": np.min,
}


def off_diagonal(matrix, rows=None, cols=None):
    """Each pair of models of a square pairwise matrix once.

    With ``cols`` None or equal to ``rows`` (default: every model): the
    entries above the diagonal of the ``rows`` block, row by row; otherwise
    every entry of the ``rows`` x ``cols`` block (pairs across two groups).
    """
    matrix = np.asarray(matrix)
    rows = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows)
    cols = rows if cols is None else np.asarray(cols)
    if np.array_equal(rows, cols):
        upper_i, upper_j = np.triu_indices(len(rows), k=1)
        return matrix[rows[upper_i], rows[upper_j]]
    return matrix[np.ix_(rows, cols)].ravel()


def _defined(values):
    """The pair values whose correlation is defined (not NaN)."""
    return values[~np.isnan(values)]


def aggregate_pairs(matrix, aggregate="mean"):
    """Aggregate the off-diagonal entries of a pairwise matrix into one number.

    Pairs whose correlation is undefined (NaN, already reported by a warning
    naming the models) are left out; if no pair is defined the result is NaN.
    """
    defined = _defined(off_diagonal(matrix))
    if defined.size == 0:
        warnings.warn(
            "No pair of models has a defined error correlation; the score is NaN.",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )
        return float("nan")
    function = AGGREGATES[aggregate] if isinstance(aggregate, str) else aggregate
    return float(function(defined))


def _check_models(indices, n_models, name):
    if indices is None:
        return None
    indices = np.asarray(indices)
    if (indices.ndim != 1 or indices.size == 0 or indices.dtype.kind not in "iu"
            or indices.min() < 0 or indices.max() >= n_models):
        raise ValueError(
            f"{name} must be a non-empty 1-D array of model indices in "
            f"[0, {n_models - 1}]; got {indices.tolist()!r}."
        )
    return indices


@validate_params(
    {
        "matrix": ["array-like"],
        "rows": ["array-like", None],
        "cols": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def mean_over_pairs(matrix, *, rows=None, cols=None):
    """Mean of a pairwise matrix over its pairs of models, each pair once.

    The one-number summary of a block of
    :func:`pairwise_error_correlation`: the mean over the pairs of distinct
    models ``(i, j)``, ``i`` in ``rows`` and ``j`` in ``cols``, each pair
    counted once, as Li, Sarna and Lin (2025) average the correlation of the
    models that share an algorithm, data or a backbone. Pairs whose value is
    undefined (NaN, already reported by a warning naming the models) are left
    out of the mean, and counted in ``n_pairs``.

    Parameters
    ----------
    matrix : array-like of shape (n_models, n_models)
        A symmetric pairwise matrix (correlations of errors, agreement, ...).
    rows : array-like of int, default=None
        Models of the first group; None: every model.
    cols : array-like of int, default=None
        Models of the second group; None, or the same indices as ``rows``:
        the pairs within ``rows`` (the entries above the diagonal of that
        block); otherwise every pair of a model of ``rows`` with one of
        ``cols`` (the ``rows`` x ``cols`` block).

    Returns
    -------
    mean : float
        The mean of the defined pairs; NaN if none is defined.
    n_pairs : int
        The number of pairs, undefined ones included.

    Raises
    ------
    ValueError
        If ``matrix`` is not square, or ``rows`` or ``cols`` is not a
        non-empty 1-D array of model indices.

    See Also
    --------
    correlation_score : Other aggregates (median, max, ...) of every pair,
        from predictions.

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning
    Models", arXiv:2502.03937.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import mean_over_pairs
    >>> matrix = np.array([[1.0, 0.25, 0.75],
    ...                    [0.25, 1.0, np.nan],
    ...                    [0.75, np.nan, 1.0]])
    >>> mean_over_pairs(matrix)  # pairs (0, 1) and (0, 2); (1, 2) undefined
    (0.5, 3)
    >>> mean_over_pairs(matrix, rows=[0], cols=[1, 2])
    (0.5, 2)
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"matrix must be a square pairwise matrix; got shape {matrix.shape}."
        )
    rows = _check_models(rows, matrix.shape[0], "rows")
    cols = _check_models(cols, matrix.shape[0], "cols")
    values = off_diagonal(matrix, rows, cols)
    defined = _defined(values)
    mean = float(defined.mean()) if defined.size else float("nan")
    return mean, int(values.size)


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "aggregate": [StrOptions(set(AGGREGATES)), callable],
        "task": [TASK_OPTIONS],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def correlation_score(
    y_true,
    Y_pred,
    *,
    method="pearson",
    aggregate="mean",
    task="auto",
    sample_weight=None,
):
    """Error correlation of a set of models as one number.

    The off-diagonal entries of :func:`pairwise_error_correlation` (each pair of
    models once), aggregated.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like, DataFrame or dask array of shape (n_samples, n_models)
        Predictions of each model, one column per model; at least two models.
        A dask array (with ``y_true`` a dask or numpy array, and ``task``
        given) is computed block by block and never gathered, for the methods
        built on Gram matrices (all but spearman and kendall); see
        :ref:`scaling-dask-metrics`.
    method : str, default="pearson"
        Any method of :func:`pairwise_error_correlation`.
    aggregate : {"mean", "median", "max", "min"} or callable, default="mean"
        How to summarise the pairs; a callable receives the 1-D array of defined
        pair values.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    score : float
        Pairs that are undefined (a model with constant errors; a warning names
        it) are left out of the aggregate; NaN when no pair is defined.

    Raises
    ------
    ValueError
        For the bad input listed in :func:`pairwise_error_correlation`
        (including an ambiguous task, asked for with ``task=``).

    Examples
    --------
    >>> from skcorr.metrics import correlation_score
    >>> y = [1.0, 2.0, 3.0, 4.0]
    >>> Y_pred = [[1.5, 1.4, 0.9], [2.1, 2.0, 2.2], [2.5, 2.7, 3.1], [4.2, 4.4, 3.9]]
    >>> round(correlation_score(y, Y_pred, method="pearson"), 3)
    -0.151
    """
    if any_dask(y_true, Y_pred, sample_weight):  # blockwise, never gathered
        matrix = pairwise_error_correlation(
            y_true, Y_pred, method=method, task=task, sample_weight=sample_weight
        )
        return aggregate_pairs(matrix, aggregate)
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    errors, model_names, _ = compute_errors(
        y_true, Y_pred, task=task, min_models=2, indicator_dtype=np.uint8
    )
    weights = check_weights(sample_weight, errors.shape[0])
    matrix = pairwise_correlation_of_errors(errors, method, weights, model_names)
    return aggregate_pairs(matrix, aggregate)
