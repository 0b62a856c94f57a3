"""Input checks shared by the difficulty scores: labels, probabilities,
training dynamics and scores over runs."""

import math
import warnings

import numpy as np

from ..utils.validation import as_1d, check_missing_labels


def check_labels(y, n_samples=None, n_classes=None):
    """Return ``y`` as a 1-D integer array of class indices."""
    y = as_1d(y, "y")
    if y.size == 0:
        raise ValueError("Found empty y: need at least one sample.")
    y = check_missing_labels(y, "y")
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


def proba_sum_tolerance(dtype, n_classes):
    """How far a row of probabilities of ``dtype`` may sum from 1.

    A softmax row carries a relative rounding error of a few ``eps`` per
    entry (exponential, sum, division) and summing its ``n_classes`` entries
    adds at most ``(n_classes - 1) eps``, so ``|sum - 1| <= (n_classes + 2)
    eps``; the tolerance allows 16 times that. ``eps`` is float32's (1.2e-7)
    for float64 input too, because float64 probabilities are commonly
    float32 network outputs cast up (as :class:`TrainingDynamics` stores
    them), and float16's (9.8e-4) for float16 input. Two classes give 7.6e-6,
    ten 2.3e-5, a thousand 1.9e-3: far below what a missing class, sigmoid
    outputs or unnormalised scores miss by. (Float16 probabilities cast to
    float64 carry float16 rounding: pass them as float16, or renormalise.)
    """
    dtype = np.dtype(dtype)
    eps = np.finfo(np.float32).eps
    if dtype.kind == "f":
        eps = max(eps, np.finfo(dtype).eps)
    return 16.0 * (n_classes + 2) * float(eps)


def check_proba(proba, *, dynamics="allow", what="proba"):
    """Validate probabilities of shape (n_samples, n_classes) or, with
    ``dynamics`` in {"allow", "require"}, (n_samples, n_epochs, n_classes).

    Values must be finite, in [0, 1], and each row must sum to 1 within
    :func:`proba_sum_tolerance`. The checks read the array in its own dtype
    (row sums accumulate in float64) and make no copy of it; the result is
    float64.
    """
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
    # One pass for the row sums: NaN and inf propagate into them.
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.sum(proba, axis=-1, dtype=np.float64)
    if not np.isfinite(sums).all():
        _check_finite(proba, what)  # names the count; finite but huge passes
    low, high = proba.min(), proba.max()
    if low < 0 or high > 1:
        raise ValueError(
            f"{what} must hold probabilities in [0, 1]; got values in "
            f"[{low:.3g}, {high:.3g}]. Apply a softmax to logits first."
        )
    tolerance = proba_sum_tolerance(proba.dtype, proba.shape[-1])
    deviation = np.abs(sums - 1.0)
    bad = deviation > tolerance
    if bad.any():
        worst = np.unravel_index(np.argmax(deviation), deviation.shape)
        where = "row" if proba.ndim == 2 else "(sample, epoch) row"
        raise ValueError(
            f"{what} has {int(bad.sum())} {where}(s) whose probabilities do not "
            f"sum to 1 (worst: sum {sums[worst]:.6g} at {where} "
            f"{worst[0] if proba.ndim == 2 else tuple(int(i) for i in worst)}; "
            f"tolerance {tolerance:.2g} for {proba.shape[-1]} classes in "
            f"{proba.dtype}). Pass probabilities, one distribution per row: apply "
            "a softmax to logits first, or renormalise with "
            "proba / proba.sum(axis=-1, keepdims=True)."
        )
    return proba.astype(np.float64, copy=False)


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


# Correlations over examples: below MIN_RANK_SAMPLES the result is fixed by
# the count alone, below FEW_RANK_SAMPLES it cannot be told from chance.
MIN_RANK_SAMPLES = 3
FEW_RANK_SAMPLES = 5


def check_rank_samples(n_samples, what, *, stacklevel=4):
    """Refuse fewer than 3 samples, and warn below 5, for statistics that
    correlate or rank examples.

    Over 2 samples a Spearman correlation is +1 or -1 (or undefined) whatever
    the scores, a rank error is 0 or 1/2 and one principal component explains
    everything: nothing is measured, so it is an error. Below 5 samples no
    Spearman correlation, not even +-1, is significant at the 5% level (the
    smallest two-sided p-value over ``n`` samples is ``2 / n!``: 1/3 for 3,
    1/12 for 4), hence a ``UserWarning``.
    """
    if n_samples < MIN_RANK_SAMPLES:
        raise ValueError(
            f"{what} needs at least {MIN_RANK_SAMPLES} samples (rows); got "
            f"{n_samples}: over 2 samples a rank correlation is always +1 or -1, "
            "whatever the scores. Score more examples."
        )
    if n_samples < FEW_RANK_SAMPLES:
        warnings.warn(
            f"{what} ranks only {n_samples} samples: below {FEW_RANK_SAMPLES} no "
            "Spearman correlation, not even +1 or -1, is significant at the 5% "
            f"level (the smallest p-value is 2/{n_samples}! = "
            f"{2 / math.factorial(n_samples):.3g}). Score more examples.",
            UserWarning,
            stacklevel=stacklevel,
        )
