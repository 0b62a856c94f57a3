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


def check_proba_shape(proba, *, dynamics="allow", what="proba"):
    """Check the shape and dtype of probabilities, reading none of them.

    ``proba`` as an array (a ``numpy.memmap`` stays one, on disk) of shape
    (n_samples, n_classes) or, with ``dynamics`` in {"allow", "require"},
    (n_samples, n_epochs, n_classes).
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
    return proba


class ProbaCheck:
    """The checks of probabilities, one block of rows at a time.

    Values must be finite, in [0, 1], and each row must sum to 1 within
    :func:`proba_sum_tolerance` (the row sums accumulate in float64).
    :meth:`update` reads one block (float64, as the scores compute) and says
    whether everything read so far is valid;
    :meth:`raise_if_invalid`, after the last block, raises the error that the
    whole array earns: the counts, range and worst row are over every block,
    so the message does not depend on the block size.
    """

    def __init__(self, proba, what="proba"):
        self.what = what
        self.ndim = proba.ndim
        self.dtype = proba.dtype
        self.n_classes = proba.shape[-1]
        self.tolerance = proba_sum_tolerance(proba.dtype, self.n_classes)
        self.n_not_finite = 0
        self.low = np.inf
        self.high = -np.inf
        self.n_bad_rows = 0
        self.worst_deviation = -np.inf
        self.worst_sum = None
        self.worst_row = None
        self.valid = True

    def update(self, block, start):
        """Check ``block``, the rows from ``start`` on; True while all is valid."""
        # One pass for the row sums: NaN and inf propagate into them.
        with np.errstate(over="ignore", invalid="ignore"):
            sums = np.sum(block, axis=-1, dtype=np.float64)
        if not np.isfinite(sums).all():
            # count the values; finite but huge ones only overflow the sums
            self.n_not_finite += int(block.size - np.isfinite(block).sum())
        if self.n_not_finite:
            self.valid = False
            return False  # the NaN message wins: nothing else is needed
        self.low = min(self.low, block.min())
        self.high = max(self.high, block.max())
        deviation = np.abs(sums - 1.0)
        n_bad = int(np.count_nonzero(deviation > self.tolerance))
        if n_bad:
            self.n_bad_rows += n_bad
            worst = np.unravel_index(np.argmax(deviation), deviation.shape)
            if deviation[worst] > self.worst_deviation:  # the first of the worst
                self.worst_deviation = deviation[worst]
                self.worst_sum = sums[worst]
                self.worst_row = (start + int(worst[0]),
                                  *(int(i) for i in worst[1:]))
        self.valid = self.valid and self.low >= 0 and self.high <= 1 and not n_bad
        return self.valid

    def raise_if_invalid(self):
        """Raise the error for everything read, if anything was invalid."""
        what = self.what
        if self.n_not_finite:
            raise ValueError(
                f"{what} contains {self.n_not_finite} NaN or infinite value(s)."
            )
        if self.low < 0 or self.high > 1:
            low, high = self.dtype.type(self.low), self.dtype.type(self.high)
            raise ValueError(
                f"{what} must hold probabilities in [0, 1]; got values in "
                f"[{low:.3g}, {high:.3g}]. Apply a softmax to logits first."
            )
        if self.n_bad_rows:
            where = "row" if self.ndim == 2 else "(sample, epoch) row"
            row = self.worst_row[0] if self.ndim == 2 else self.worst_row
            raise ValueError(
                f"{what} has {self.n_bad_rows} {where}(s) whose probabilities do "
                f"not sum to 1 (worst: sum {self.worst_sum:.6g} at {where} "
                f"{row}; tolerance {self.tolerance:.2g} for {self.n_classes} "
                f"classes in {self.dtype}). Pass probabilities, one distribution "
                "per row: apply a softmax to logits first, or renormalise with "
                "proba / proba.sum(axis=-1, keepdims=True)."
            )


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
