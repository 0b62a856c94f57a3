"""Per-sample errors of many models: indicators for classifiers, residuals for
regressors."""

import numpy as np

from ..utils.fixes import StrOptions, validate_params
from ..utils.validation import TASKS, check_predictions, labelled_columns


def _index_of(Y_pred):
    return getattr(Y_pred, "index", None)


def compute_errors(
    y_true, Y_pred, *, task="auto", min_models=1, indicator_dtype=np.float64
):
    """Return ``(errors, model_names, task)``: 0/1 indicators for
    classification (in ``indicator_dtype``: ``np.uint8`` takes an eighth of the
    memory of float64 and no conversion), residuals ``y - y_hat`` in float64
    for regression."""
    y, Y, model_names, task = check_predictions(
        y_true, Y_pred, task=task, min_models=min_models
    )
    if task == "classification":
        wrong = Y != y[:, None]
        if np.dtype(indicator_dtype).itemsize == 1:
            errors = wrong.view(indicator_dtype)  # no copy
        else:
            errors = wrong.astype(indicator_dtype)
    else:
        errors = residuals_of(y, Y)
    return errors, model_names, task


def residuals_of(y, Y):
    """``y[:, None] - Y`` in float64, refusing residuals that overflow.

    Finite inputs can have an infinite difference (``1e308 - (-1e308)``);
    numpy's overflow flag catches it during the subtraction, so no extra pass
    over the data is needed.
    """
    try:
        with np.errstate(over="raise", invalid="raise"):
            return y[:, None].astype(float) - Y.astype(float)
    except FloatingPointError:
        largest = max(np.max(np.abs(y.astype(float))), np.max(np.abs(Y.astype(float))))
        raise ValueError(
            "The residuals y_true - Y_pred overflow float64 (values up to "
            f"{largest:.3g} in absolute value). Rescale y_true and Y_pred together "
            "(e.g. divide both by 1e100): error correlations do not depend on the "
            "scale."
        ) from None


@validate_params(
    {"y_true": ["array-like"], "Y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def error_indicators(y_true, Y_pred):
    """Indicators of the errors of many classifiers: 1 where a model is wrong.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Labels predicted by each model, one column per model.

    Returns
    -------
    indicators : ndarray or DataFrame of shape (n_samples, n_models), dtype int
        ``1[Y_pred[:, j] != y_true]``; a DataFrame with the same columns when
        ``Y_pred`` is one.

    Raises
    ------
    ValueError
        For the bad input listed in :func:`pairwise_error_correlation`; also
        for non-integer float predictions that are not labels of ``y_true``
        (probabilities: pass predicted labels).

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning Models",
    arXiv:2502.03937.

    Examples
    --------
    >>> from skcorr.metrics import error_indicators
    >>> error_indicators([0, 1, 1], [[0, 1], [1, 1], [0, 0]])
    array([[0, 1],
           [0, 0],
           [1, 1]])
    """
    errors, model_names, _ = compute_errors(y_true, Y_pred, task="classification")
    return labelled_columns(errors.astype(int), model_names, _index_of(Y_pred))


@validate_params(
    {"y_true": ["array-like"], "Y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def residuals(y_true, Y_pred):
    """Residuals ``y_true - y_pred`` of many regressors.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Targets predicted by each model, one column per model.

    Returns
    -------
    residuals : ndarray or DataFrame of shape (n_samples, n_models)
        A DataFrame with the same columns when ``Y_pred`` is one.

    Raises
    ------
    ValueError
        For the bad input listed in :func:`pairwise_error_correlation`, for
        non-numeric targets, and for residuals that overflow float64.

    Examples
    --------
    >>> from skcorr.metrics import residuals
    >>> residuals([1.0, 2.0], [[0.5, 1.0], [2.0, 3.5]])
    array([[ 0.5,  0. ],
           [ 0. , -1.5]])
    """
    errors, model_names, _ = compute_errors(y_true, Y_pred, task="regression")
    return labelled_columns(errors, model_names, _index_of(Y_pred))


TASK_OPTIONS = StrOptions(set(TASKS))
