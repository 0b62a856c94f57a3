"""Difficulty scores of an ensemble of runs: mean accuracy and agreement.

Both take the labels predicted by each run, shape ``(n_samples, n_runs)``, and
follow the sign convention of Kwok et al. (2024): **higher means harder**.
Predictions of any size are compared with the labels in blocks of samples
(``block_size``).

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

import numpy as np

from ..utils.blocks import iter_row_blocks, rows_per_block
from ..utils.fixes import validate_params
from ..utils.validation import check_predictions
from ._blocks import BLOCK_SIZE_CONSTRAINT

_PARAMS = {"y_true": ["array-like"], "Y_pred": ["array-like"],
           "block_size": BLOCK_SIZE_CONSTRAINT}


def _over_blocks(score, y_true, Y_pred, block_size):
    """``score(Y == y)`` for each block of samples, as one float64 array."""
    y, Y, _, _ = check_predictions(y_true, Y_pred, task="classification")
    result = np.empty(Y.shape[0])
    rows = rows_per_block(Y.shape[0], Y.shape[1], block_size)
    for part, block in iter_row_blocks(Y, rows):
        result[part] = score(block == y[part, None])
    return result


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def ensemble_accuracy(y_true, Y_pred, *, block_size=None):
    """Negated mean accuracy over runs (higher = harder).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like of shape (n_samples, n_runs)
        Labels predicted by each run.
    block_size : int, default=None
        Samples compared at once: ``Y_pred`` (a :class:`numpy.memmap` of
        numeric labels stays on disk) is read in blocks of ``block_size``
        samples, so that memory beyond the result is about one block of
        ``Y_pred`` and its correctness. None: as many samples as hold 2**16
        values. The scores do not depend on it.

    Returns
    -------
    ensemble_accuracy : ndarray of shape (n_samples,)
        Minus the fraction of runs that classify each example correctly, in
        [-1, 0].

    Examples
    --------
    >>> from skcorr.difficulty import ensemble_accuracy
    >>> ensemble_accuracy([0, 1], [[0, 0, 1, 0], [0, 0, 1, 0]])
    array([-0.75, -0.25])
    """
    return _over_blocks(_accuracy_over_runs, y_true, Y_pred, block_size)


def _accuracy_over_runs(right):
    return -right.mean(axis=1)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def ensemble_agreement(y_true, Y_pred, *, block_size=None):
    """Agreement of the runs on correctness, negated (higher = harder).

    The study's ensemble score is +1 when every run is right, -1 when every
    run is wrong and 0 otherwise; it is returned negated: -1 all right, +1 all
    wrong, 0 when the runs disagree.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like of shape (n_samples, n_runs)
        Labels predicted by each run.
    block_size : int, default=None
        Samples compared at once: ``Y_pred`` (a :class:`numpy.memmap` of
        numeric labels stays on disk) is read in blocks of ``block_size``
        samples, so that memory beyond the result is about one block of
        ``Y_pred`` and its correctness. None: as many samples as hold 2**16
        values. The scores do not depend on it.

    Returns
    -------
    ensemble_agreement : ndarray of shape (n_samples,)
        Values in {-1, 0, 1}.

    Examples
    --------
    >>> from skcorr.difficulty import ensemble_agreement
    >>> ensemble_agreement([0, 1, 2], [[0, 0], [0, 1], [0, 1]])
    array([-1.,  0.,  1.])
    """
    return _over_blocks(_agreement_over_runs, y_true, Y_pred, block_size)


def _agreement_over_runs(right):
    agreement = right.all(axis=1).astype(np.float64) - (~right).all(axis=1)
    return -agreement
