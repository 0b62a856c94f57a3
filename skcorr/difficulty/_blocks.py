"""Difficulty scores computed block by block over the samples, validated in
the same pass.

Every score of one model's probabilities or of training dynamics is a
function of each sample's own rows, so it is computed on blocks of samples:
each block is read (a ``numpy.memmap`` stays on disk and its pages are handed
back after the block, see :func:`skcorr.utils.blocks.iter_row_blocks`),
converted to float64 (the numbers are those of the whole array in float64),
checked (:class:`~skcorr.difficulty._validation.ProbaCheck`) and scored.
Memory beyond the result is a few float64 copies of one block, never a
float64 copy of the input.
"""

from numbers import Integral

import numpy as np

from ..utils.blocks import iter_row_blocks, rows_per_block
from ..utils.fixes import Interval
from ._validation import ProbaCheck, check_labels, check_proba_shape

# validate_params constraint of every score's ``block_size``
BLOCK_SIZE_CONSTRAINT = [Interval(Integral, 1, None, closed="left"), None]


def score_blocks(kernel, y, proba, *, dynamics="allow", what="proba",
                 block_size=None):
    """Validate ``proba`` (and ``y``) and score it, one block of samples at a
    time.

    Parameters
    ----------
    kernel : callable
        ``kernel(y_block, proba_block)`` (``kernel(proba_block)`` when ``y``
        is None) on a valid float64 block, returning an array, or a tuple of
        arrays, with one row per sample of the block.
    y : array-like of shape (n_samples,) or None
        Class indices; None for scores that need no label.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
    dynamics : {"allow", "require", "forbid"}, default="allow"
        Whether ``proba`` may, must or must not be 3-D.
    what : str, default="proba"
        The name of ``proba`` in messages.
    block_size : int or None, default=None
        Samples per block (see :func:`skcorr.utils.blocks.rows_per_block`).

    Returns
    -------
    scores : ndarray or tuple of ndarray
        What ``kernel`` returns, for every sample.

    Raises
    ------
    ValueError
        The errors of :func:`check_proba_shape`, :class:`ProbaCheck` (over
        the whole array, whatever the block size) and :func:`check_labels`,
        in that order: bad probabilities are named before bad labels.
    """
    proba = check_proba_shape(proba, dynamics=dynamics, what=what)
    n_samples = proba.shape[0]
    label_error = None
    if y is not None:
        try:
            y = check_labels(y, n_samples=n_samples, n_classes=proba.shape[-1])
        except ValueError as error:  # raised after the probabilities' errors
            label_error = error
    check = ProbaCheck(proba, what)
    rows = rows_per_block(n_samples, proba[0].size, block_size)
    outputs = None
    for part, block in iter_row_blocks(proba, rows, np.float64):
        # every block is checked, so that the message counts over the array
        if not check.update(block, part.start) or label_error is not None:
            continue
        result = kernel(block) if y is None else kernel(y[part], block)
        single = not isinstance(result, tuple)
        results = (result,) if single else result
        if outputs is None:
            outputs = tuple(
                np.empty((n_samples, *r.shape[1:]), dtype=r.dtype) for r in results
            )
        for output, r in zip(outputs, results, strict=True):
            output[part] = r
    check.raise_if_invalid()
    if label_error is not None:
        raise label_error
    return outputs[0] if single else outputs
