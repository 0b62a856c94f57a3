"""Validation of what the members of an ensemble output: class probabilities
``(n_samples, n_models, n_classes)`` with the true class of each sample, or
labels ``(n_samples, n_models)`` turned into one-hot probabilities."""

import numpy as np

from ..utils.validation import (
    as_1d,
    check_labels,
    check_predictions,
    check_same_index,
)


def proba_sum_tolerance(dtype, n_classes):
    """How far a row of probabilities may sum from 1: ``16 (n_classes + 2)
    eps`` with float32's eps (float64 probabilities are often float32 network
    outputs cast up), as the difficulty scores allow."""
    eps = np.finfo(np.float32).eps
    if np.dtype(dtype).kind == "f":
        eps = max(eps, np.finfo(dtype).eps)
    return 16.0 * (n_classes + 2) * float(eps)


def check_member_proba(proba, what="proba"):
    """Validate probabilities of many models, shape (n_samples, n_models,
    n_classes): finite, in [0, 1], each row summing to 1."""
    proba = np.asarray(proba)
    if proba.ndim != 3:
        raise ValueError(
            f"{what} must have shape (n_samples, n_models, n_classes), as "
            f"predict_proba_all returns; got shape {proba.shape}. For one model "
            "use proba[:, None, :]."
        )
    if proba.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numeric; got dtype {proba.dtype}.")
    if 0 in proba.shape[:2] or proba.shape[2] < 2:
        raise ValueError(
            f"{what} needs at least one sample, one model and two classes; got "
            f"shape {proba.shape}."
        )
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.sum(proba, axis=-1, dtype=np.float64)
    if not np.isfinite(sums).all():
        n_bad = int(np.size(proba) - np.isfinite(proba).sum())
        raise ValueError(
            f"{what} contains {n_bad} NaN or infinite value(s): remove those "
            "samples or fix the model outputs."
        )
    low, high = proba.min(), proba.max()
    if low < 0 or high > 1:
        raise ValueError(
            f"{what} must hold probabilities in [0, 1]; got values in "
            f"[{low:.3g}, {high:.3g}]. Apply a softmax to logits first."
        )
    tolerance = proba_sum_tolerance(proba.dtype, proba.shape[-1])
    deviation = np.abs(sums - 1.0)
    if np.any(deviation > tolerance):
        sample, model = np.unravel_index(np.argmax(deviation), deviation.shape)
        raise ValueError(
            f"{what} has {int((deviation > tolerance).sum())} (sample, model) "
            f"row(s) whose probabilities do not sum to 1 (worst: "
            f"{sums[sample, model]:.6g} at sample {sample}, model {model}; "
            f"tolerance {tolerance:.2g}). Renormalise with "
            "proba / proba.sum(axis=-1, keepdims=True)."
        )
    return proba.astype(np.float64, copy=False)


def class_indices(y, labels, n_classes):
    """Column of each true label: ``labels`` (or the sorted labels of ``y``)
    name the ``n_classes`` columns of the probabilities."""
    if labels is None:
        labels = np.unique(y)
        if labels.size != n_classes:
            raise ValueError(
                f"y_true holds {labels.size} distinct labels but the probabilities "
                f"have {n_classes} columns: pass labels= (the classes_ of the "
                "ensemble), naming each column."
            )
    else:
        labels = check_labels(as_1d(labels, "labels"), "labels")
        if labels.size != n_classes:
            raise ValueError(
                f"labels names {labels.size} classes but the probabilities have "
                f"{n_classes} columns: give one label per column."
            )
        if np.unique(labels).size != labels.size:
            raise ValueError("labels holds duplicates: give each column one label.")
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    position = np.clip(np.searchsorted(sorted_labels, y), 0, labels.size - 1)
    unknown = sorted_labels[position] != y
    if unknown.any():
        raise ValueError(
            f"y_true holds {int(unknown.sum())} label(s) not among labels "
            f"(e.g. {y[unknown][0]!r}): labels must name every class of y_true."
        )
    return order[position], labels


def check_true_and_proba(y_true, proba, labels=None):
    """``(y_index, proba, model_names)`` for probabilities of many models."""
    check_same_index(y_true=y_true, proba=proba)
    proba = check_member_proba(proba)
    y = check_labels(as_1d(y_true), "y_true", y_true)
    if y.shape[0] != proba.shape[0]:
        raise ValueError(
            f"y_true has {y.shape[0]} samples but proba has {proba.shape[0]}."
        )
    y_index, _ = class_indices(y, labels, proba.shape[2])
    return y_index, proba, None


def one_hot_predictions(y_true, Y_pred, labels=None):
    """Labels of many classifiers as one-hot probabilities.

    Returns ``(y_index, proba, model_names)`` with ``proba`` of shape
    ``(n_samples, n_models, n_classes)``; the classes are ``labels`` or the
    sorted union of the labels in ``y_true`` and ``Y_pred``.
    """
    y, Y, model_names, _ = check_predictions(y_true, Y_pred, task="classification")
    if labels is None:
        labels = np.unique(np.concatenate([y, Y.ravel()]))
    else:
        labels = check_labels(as_1d(labels, "labels"), "labels")
        if np.unique(labels).size != labels.size:
            raise ValueError("labels holds duplicates: give each class one label.")
        outside = ~np.isin(Y, labels)
        if outside.any():
            raise ValueError(
                f"Y_pred holds {int(outside.sum())} label(s) not among labels "
                f"(e.g. {Y[outside][0]!r}): labels must name every class."
            )
    y_index, labels = class_indices(y, labels, len(labels))
    order = np.argsort(labels, kind="stable")
    predicted = order[np.searchsorted(labels[order], Y)]
    proba = np.zeros(Y.shape + (labels.size,))
    np.put_along_axis(proba, predicted[..., None], 1.0, axis=2)
    return y_index, proba, model_names


def member_proba(y_true, Y_pred, labels=None):
    """Probabilities of many models from labels (2-D) or probabilities (3-D)."""
    try:
        ndim = 2 if hasattr(Y_pred, "columns") else np.ndim(Y_pred)
    except ValueError:  # ragged: check_predictions names the problem
        ndim = 2
    if ndim == 3:
        return check_true_and_proba(y_true, Y_pred, labels)
    return one_hot_predictions(y_true, Y_pred, labels)
