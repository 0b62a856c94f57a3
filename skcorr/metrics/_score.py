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


def off_diagonal(matrix):
    """The entries above the diagonal of a square matrix, pair by pair."""
    matrix = np.asarray(matrix)
    rows, cols = np.triu_indices(matrix.shape[0], k=1)
    return matrix[rows, cols]


def aggregate_pairs(matrix, aggregate="mean"):
    """Aggregate the off-diagonal entries of a pairwise matrix into one number.

    Pairs whose correlation is undefined (NaN, already reported by a warning
    naming the models) are left out; if no pair is defined the result is NaN.
    """
    values = off_diagonal(matrix)
    defined = values[~np.isnan(values)]
    if defined.size == 0:
        warnings.warn(
            "No pair of models has a defined error correlation; the score is NaN.",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )
        return float("nan")
    function = AGGREGATES[aggregate] if isinstance(aggregate, str) else aggregate
    return float(function(defined))


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
