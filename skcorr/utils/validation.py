"""Input validation shared by the metrics: predictions of many models."""

import warnings

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_consistent_length

from ..exceptions import UndefinedCorrelationWarning

TASKS = ("auto", "classification", "regression")


def model_names_of(Y_pred):
    """Return the column names of a DataFrame as strings, or None for arrays."""
    columns = getattr(Y_pred, "columns", None)
    if columns is None:
        return None
    return [str(name) for name in columns]


def as_1d(values, name="y_true"):
    """``values`` as a 1-D array; a single column is flattened."""
    y = np.asarray(values)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (n_samples,); got shape {y.shape}."
        )
    return y


def _as_2d_predictions(Y_pred):
    Y = np.asarray(Y_pred)
    if Y.ndim != 2:
        raise ValueError(
            "Predictions of many models must be two-dimensional "
            f"(n_samples, n_models); got shape {Y.shape}. For a single model use "
            "Y_pred.reshape(-1, 1)."
        )
    if Y.shape[0] == 0:
        raise ValueError("Found empty predictions: need at least one sample.")
    if Y.shape[1] == 0:
        raise ValueError("Found predictions of 0 models: need at least one model.")
    return Y


def _is_numeric(array):
    return array.dtype.kind in "biuf"


def _check_finite(array, what):
    if array.dtype.kind != "f":
        return
    # A finite sum proves every entry finite in one pass without a mask; only an
    # overflowing or non-finite sum needs the entry-by-entry check.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return
    if not np.isfinite(array).all():
        n_bad = int(np.size(array) - np.isfinite(array).sum())
        raise ValueError(
            f"{what} contains {n_bad} NaN or infinite value(s); remove or impute "
            "them before measuring error correlation."
        )


def infer_task(y_true, Y_pred=None, task="auto"):
    """Tell classification from regression.

    Regression when ``y_true`` is continuous (floats that are not all integers),
    or when numeric predictions hold a value that is not an integer (labels
    predicted by a classifier always are); otherwise classification, for binary
    and multiclass targets.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    if task != "auto":
        return task
    target_type = type_of_target(y_true, input_name="y_true")
    if target_type == "continuous":
        return "regression"
    if target_type in ("binary", "multiclass"):
        if (
            Y_pred is not None
            and Y_pred.dtype.kind == "f"
            and not np.all(np.mod(Y_pred, 1) == 0)
        ):
            return "regression"
        return "classification"
    raise ValueError(
        f"Cannot infer the task from y_true of type {target_type!r}; pass "
        "task='classification' or task='regression'."
    )


def check_predictions(y_true, Y_pred, *, task="auto", min_models=1):
    """Validate the true targets and the predictions of many models.

    Returns
    -------
    y : ndarray of shape (n_samples,)
    Y : ndarray of shape (n_samples, n_models)
    model_names : list of str or None
        Column names when ``Y_pred`` is a DataFrame.
    task : {"classification", "regression"}
    """
    model_names = model_names_of(Y_pred)
    y = as_1d(y_true)
    Y = _as_2d_predictions(Y_pred)
    check_consistent_length(y, Y)
    if Y.shape[1] < min_models:
        raise ValueError(
            f"Need predictions of at least {min_models} models to correlate their "
            f"errors; got {Y.shape[1]}."
        )
    _check_finite(y, "y_true")
    _check_finite(Y, "Y_pred")
    task = infer_task(y, Y, task)
    if task == "regression":
        for array, what in ((y, "y_true"), (Y, "Y_pred")):
            if not _is_numeric(array):
                raise ValueError(
                    f"Regression needs numeric {what}; got dtype {array.dtype}."
                )
    elif _is_numeric(y) != _is_numeric(Y):
        raise ValueError(
            "y_true and Y_pred hold labels of different types "
            f"({y.dtype} and {Y.dtype}); predictions must use the labels of y_true."
        )
    return y, Y, model_names, task


def check_errors(errors, *, min_models=1):
    """Validate an error matrix ``(n_samples, n_models)`` of numbers."""
    model_names = model_names_of(errors)
    E = _as_2d_predictions(errors)
    if not _is_numeric(E):
        raise ValueError(f"errors must be numeric; got dtype {E.dtype}.")
    if E.shape[1] < min_models:
        raise ValueError(
            f"Need errors of at least {min_models} models; got {E.shape[1]}."
        )
    _check_finite(E, "errors")
    if E.dtype.kind == "b":
        E = E.view(np.uint8)
    # Kept in its own dtype (a memmap stays on disk): the metrics read it in
    # blocks of rows, each converted to float64.
    return E, model_names


def check_weights(sample_weight, n_samples):
    """Validate sample weights and normalise them to sum to one (or None)."""
    if sample_weight is None:
        return None
    weights = _check_sample_weight(
        sample_weight, np.empty(n_samples), dtype=np.float64, ensure_non_negative=True
    )
    total = weights.sum()
    if total <= 0:
        raise ValueError("sample_weight sums to zero: at least one must be positive.")
    return weights / total


def describe_models(indices, model_names):
    """Readable names of the models at ``indices``, for messages."""
    if model_names is None:
        return ", ".join(f"model {i}" for i in indices)
    return ", ".join(repr(model_names[i]) for i in indices)


def warn_constant_models(constant, model_names, what):
    """Warn that the models flagged in ``constant`` make ``what`` undefined."""
    indices = np.flatnonzero(constant)
    if indices.size:
        warnings.warn(
            f"{describe_models(indices, model_names)} made the same error on every "
            f"sample (always right or always wrong): {what} with "
            f"{'it' if indices.size == 1 else 'them'} is undefined and set to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )


def labelled_matrix(matrix, model_names):
    """Return a DataFrame labelled by model names when names are known."""
    if model_names is None:
        return matrix
    import pandas as pd

    return pd.DataFrame(matrix, index=model_names, columns=model_names)


def labelled_columns(values, model_names, index=None):
    """Return a DataFrame of per-model columns when names are known."""
    if model_names is None:
        return values
    import pandas as pd

    return pd.DataFrame(values, columns=model_names, index=index)
