"""Pointwise difficulty scores: functions of one model's probabilities.

Every score follows the sign convention of Kwok et al. (2024): **higher means
harder**. Scores that are naturally high for easy examples (accuracy,
confidence, max confidence, margin) are returned negated, as in the study.
Each function accepts probabilities of one checkpoint, shape
``(n_samples, n_classes)``, returning ``(n_samples,)``, or training dynamics,
shape ``(n_samples, n_epochs, n_classes)``, returning ``(n_samples, n_epochs)``,
of any size: a :class:`numpy.memmap` is read in blocks of samples, in
float64, with the validation in the same pass (``block_size``).

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

import numpy as np
from scipy.special import entr

from ..utils.fixes import validate_params
from ._blocks import BLOCK_SIZE_CONSTRAINT, score_blocks
from ._docs import shared_doc
from ._validation import take_label

_PARAMS = {"y": ["array-like"], "proba": ["array-like"],
           "block_size": BLOCK_SIZE_CONSTRAINT}
_PROBA_PARAMS = {"proba": ["array-like"], "block_size": BLOCK_SIZE_CONSTRAINT}


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=True)
def loss(y, proba, *, block_size=None):
    """Cross-entropy loss of each example (higher = harder).

    ``-log p_y``, with ``p_y`` clipped below at the machine epsilon as in
    :func:`sklearn.metrics.log_loss`.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``proba``.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities (one checkpoint, or training dynamics).
    <block_size>

    Returns
    -------
    loss : ndarray of shape (n_samples,) or (n_samples, n_epochs)

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import loss
    >>> loss([0, 1], [[0.5, 0.5], [0.9, 0.1]]).round(3)
    array([0.693, 2.303])
    """
    return score_blocks(_loss, y, proba, block_size=block_size)


def _loss(y, proba):
    eps = np.finfo(proba.dtype).eps
    return -np.log(np.clip(take_label(proba, y), eps, 1.0))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=True)
def accuracy(y, proba, *, block_size=None):
    """Negated 0/1 accuracy of each example (higher = harder).

    ``-1[argmax p = y]``: -1 when the example is classified correctly, 0 when
    not (ties go to the first class, as :func:`numpy.argmax`).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``proba``.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    accuracy : ndarray of shape (n_samples,) or (n_samples, n_epochs)
        Values in {-1, 0}.

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import accuracy
    >>> accuracy([0, 1], [[0.7, 0.3], [0.9, 0.1]])
    array([-1.,  0.])
    """
    return score_blocks(_accuracy, y, proba, block_size=block_size)


def _accuracy(y, proba):
    return -correct(y, proba).astype(np.float64)


def correct(y, proba):
    """Boolean correctness ``argmax p == y`` (validated inputs)."""
    predicted = np.argmax(proba, axis=-1)
    return predicted == (y if proba.ndim == 2 else y[:, None])


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=True)
def confidence(y, proba, *, block_size=None):
    """Negated confidence in the true class (higher = harder): ``-p_y``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``proba``.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    confidence : ndarray of shape (n_samples,) or (n_samples, n_epochs)

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import confidence
    >>> confidence([0, 1], [[0.7, 0.3], [0.9, 0.1]])
    array([-0.7, -0.1])
    """
    return score_blocks(_confidence, y, proba, block_size=block_size)


def _confidence(y, proba):
    return -take_label(proba, y)


@validate_params(_PROBA_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=False)
def max_confidence(proba, *, block_size=None):
    """Negated largest probability (higher = harder): ``-max_c p_c``.

    It needs no label: a low top probability marks an uncertain example.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    max_confidence : ndarray of shape (n_samples,) or (n_samples, n_epochs)

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import max_confidence
    >>> max_confidence([[0.7, 0.3], [0.9, 0.1]])
    array([-0.7, -0.9])
    """
    return score_blocks(_max_confidence, None, proba, block_size=block_size)


def _max_confidence(proba):
    return -proba.max(axis=-1)


@validate_params(_PROBA_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=False)
def entropy(proba, *, block_size=None):
    """Shannon entropy of the prediction (higher = harder): ``-sum p log p``.

    Natural logarithm, ``0 log 0 = 0``. Each row must sum to 1 (up to
    float32 rounding); it is not renormalised.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    entropy : ndarray of shape (n_samples,) or (n_samples, n_epochs)

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import entropy
    >>> entropy([[0.5, 0.5], [1.0, 0.0]]).round(3)
    array([0.693, 0.   ])
    """
    return score_blocks(_entropy, None, proba, block_size=block_size)


def _entropy(proba):
    return entr(proba).sum(axis=-1)


def _margin(y, proba):
    p_y = take_label(proba, y)
    others = proba.copy()
    if proba.ndim == 2:
        others[np.arange(proba.shape[0]), y] = -np.inf
    else:
        np.put_along_axis(others, y[:, None, None], -np.inf, axis=-1)
    return p_y - others.max(axis=-1)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=True)
def margin(y, proba, *, block_size=None):
    """Negated margin (higher = harder): ``-(p_y - max_{c != y} p_c)``.

    The margin of Pleiss et al. (2020) on probabilities, as in the code of
    Kwok et al. (2024); negative margins (misclassified) become positive scores.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``proba``.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    margin : ndarray of shape (n_samples,) or (n_samples, n_epochs)
        Values in [-1, 1].

    Raises
    ------
    <raises>

    References
    ----------
    Pleiss, Zhang, Elenberg, Weinberger (2020), "Identifying Mislabeled Data
    using the Area Under the Margin Ranking", NeurIPS.

    Examples
    --------
    >>> from skcorr.difficulty import margin
    >>> margin([0, 1], [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1]])
    array([-0.5,  0.3])
    """
    return score_blocks(_negated_margin, y, proba, block_size=block_size)


def _negated_margin(y, proba):
    return -_margin(y, proba)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("proba", labels=True)
def el2n(y, proba, *, block_size=None):
    """EL2N: L2 norm of the error vector (higher = harder).

    ``||p - onehot(y)||_2`` (Paul et al., 2021). Computed on the dynamics it
    gives EL2N at every epoch; the study uses an early epoch.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``proba``.
    proba : array-like of shape (n_samples, n_classes) or \
            (n_samples, n_epochs, n_classes)
        Predicted probabilities.
    <block_size>

    Returns
    -------
    el2n : ndarray of shape (n_samples,) or (n_samples, n_epochs)
        Values in [0, sqrt(2)].

    Raises
    ------
    <raises>

    References
    ----------
    Paul, Ganguli, Dziugaite (2021), "Deep Learning on a Data Diet: Finding
    Important Examples Early in Training", NeurIPS.

    Examples
    --------
    >>> from skcorr.difficulty import el2n
    >>> el2n([0, 1], [[1.0, 0.0], [1.0, 0.0]]).round(4)
    array([0.    , 1.4142])
    """
    return score_blocks(_el2n, y, proba, block_size=block_size)


def _el2n(y, proba):
    error = proba.copy()
    if proba.ndim == 2:
        error[np.arange(proba.shape[0]), y] -= 1.0
    else:
        np.put_along_axis(
            error, y[:, None, None], take_label(proba, y)[..., None] - 1.0, axis=-1
        )
    return np.sqrt(np.square(error).sum(axis=-1))
