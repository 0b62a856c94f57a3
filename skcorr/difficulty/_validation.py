"""Input checks shared by the difficulty scores: labels, probabilities,
training dynamics and scores over runs."""

import numpy as np

from ..utils.validation import as_1d


def check_labels(y, n_samples=None, n_classes=None):
    """Return ``y`` as a 1-D integer array of class indices."""
    y = as_1d(y, "y")
    if y.size == 0:
        raise ValueError("Found empty y: need at least one sample.")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or not np.all(np.mod(y, 1) == 0):
            raise ValueError(
                "y must hold integer class indices; got non-integer values. Encode "
                "labels with sklearn.preprocessing.LabelEncoder first."
            )
        y = y.astype(np.intp)
    elif y.dtype.kind not in "iub":
        raise ValueError(
            f"y must hold integer class indices; got dtype {y.dtype}. Encode labels "
            "with sklearn.preprocessing.LabelEncoder first."
        )
    y = y.astype(np.intp, copy=False)
    if n_samples is not None and y.shape[0] != n_samples:
        raise ValueError(
            f"y has {y.shape[0]} samples but the probabilities have {n_samples}."
        )
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"y holds class indices in [{y.min()}, {y.max()}] but the probabilities "
            f"have {n_classes} columns: indices must lie in [0, {n_classes - 1}]."
        )
    return y


def _check_finite(array, what):
    if not np.isfinite(array).all():
        n_bad = int(array.size - np.isfinite(array).sum())
        raise ValueError(f"{what} contains {n_bad} NaN or infinite value(s).")


def check_proba(proba, *, dynamics="allow", what="proba"):
    """Validate probabilities of shape (n_samples, n_classes) or, with
    ``dynamics`` in {"allow", "require"}, (n_samples, n_epochs, n_classes)."""
    proba = np.asarray(proba)
    allowed = {"forbid": (2,), "allow": (2, 3), "require": (3,)}[dynamics]
    if proba.ndim not in allowed:
        shapes = {
            2: "(n_samples, n_classes)",
            3: "(n_samples, n_epochs, n_classes)",
        }
        expected = " or ".join(shapes[d] for d in allowed)
        raise ValueError(f"{what} must have shape {expected}; got shape {proba.shape}.")
    if proba.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numeric; got dtype {proba.dtype}.")
    if proba.shape[0] == 0 or proba.shape[-1] < 2 or 0 in proba.shape:
        raise ValueError(
            f"{what} needs at least one sample, one epoch and two classes; got "
            f"shape {proba.shape}."
        )
    proba = proba.astype(np.float64, copy=False)
    _check_finite(proba, what)
    if proba.min() < 0 or proba.max() > 1:
        raise ValueError(
            f"{what} must hold probabilities in [0, 1]; got values in "
            f"[{proba.min():.3g}, {proba.max():.3g}]. Apply a softmax to logits first."
        )
    return proba


def check_labels_proba(y, proba, *, dynamics="allow", what="proba"):
    proba = check_proba(proba, dynamics=dynamics, what=what)
    y = check_labels(y, n_samples=proba.shape[0], n_classes=proba.shape[-1])
    return y, proba


def check_scores(scores, *, min_runs=1, what="scores"):
    """Validate scores over runs, shape (n_samples, n_runs), as float64."""
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(
            f"{what} must have shape (n_samples, n_runs); got shape {scores.shape}."
        )
    if scores.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numeric; got dtype {scores.dtype}.")
    if scores.shape[0] < 2:
        raise ValueError(f"{what} needs at least two samples; got {scores.shape[0]}.")
    if scores.shape[1] < min_runs:
        raise ValueError(
            f"{what} needs at least {min_runs} runs (columns); got {scores.shape[1]}."
        )
    scores = scores.astype(np.float64, copy=False)
    _check_finite(scores, what)
    return scores


def take_label(proba, y):
    """p_y for 2-D (n, c) or 3-D (n, t, c) probabilities."""
    if proba.ndim == 2:
        return proba[np.arange(proba.shape[0]), y]
    return np.take_along_axis(proba, y[:, None, None], axis=-1)[..., 0]
