"""Difficulty scores of training dynamics: forgetting, learning time, area
under the margin and dataset cartography.

The dynamics of one run have shape ``(n_samples, n_epochs, n_classes)``: the
probabilities of every training example at each recorded epoch (see
:class:`~skcorr.difficulty.TrainingDynamics` and
:func:`~skcorr.difficulty.record_dynamics`). Every score follows the sign
convention of Kwok et al. (2024): **higher means harder**. Epochs are counted
as indices into the recorded epochs (0 = first record). Dynamics of any size
are read in blocks of samples (``block_size``), in float64, with the
validation in the same pass: a :class:`numpy.memmap` larger than memory
streams through.

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.

Toneva, Sordoni, Combes, Trischler, Bengio, Gordon (2019), "An Empirical Study
of Example Forgetting during Deep Neural Network Learning", ICLR.
"""

import numpy as np
from sklearn.utils import Bunch

from ..utils.fixes import validate_params
from ._blocks import BLOCK_SIZE_CONSTRAINT, score_blocks
from ._docs import shared_doc
from ._pointwise import (
    _accuracy,
    _confidence,
    _el2n,
    _entropy,
    _loss,
    _margin,
    _max_confidence,
    _negated_margin,
    correct,
)
from ._validation import take_label

_PARAMS = {"y": ["array-like"], "dynamics": ["array-like"],
           "block_size": BLOCK_SIZE_CONSTRAINT}


def _score_dynamics(kernel, y, dynamics, block_size):
    return score_blocks(kernel, y, dynamics, dynamics="require", what="dynamics",
                        block_size=block_size)


def _forgetting_count(acc):
    """1 -> 0 transitions, starting unlearned (so none before the first epoch)."""
    return np.count_nonzero(acc[:, :-1] & ~acc[:, 1:], axis=1)


def _first_learned(acc):
    n_epochs = acc.shape[1]
    return np.where(acc.any(axis=1), np.argmax(acc, axis=1), n_epochs)


def _iteration_learned(acc):
    n_epochs = acc.shape[1]
    wrong = ~acc
    # index of the last wrong epoch, -1 when never wrong
    last_wrong = n_epochs - 1 - np.argmax(wrong[:, ::-1], axis=1)
    last_wrong = np.where(wrong.any(axis=1), last_wrong, -1)
    return last_wrong + 1


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def area_under_margin(y, dynamics, *, block_size=None):
    """Negated area under the margin (higher = harder).

    The mean over epochs of the margin ``p_y - max_{c != y} p_c``
    (Pleiss et al., 2020, on probabilities as in Kwok et al., 2024), negated.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    area_under_margin : ndarray of shape (n_samples,)

    Raises
    ------
    <raises>

    References
    ----------
    Pleiss, Zhang, Elenberg, Weinberger (2020), "Identifying Mislabeled Data
    using the Area Under the Margin Ranking", NeurIPS.

    Examples
    --------
    >>> from skcorr.difficulty import area_under_margin
    >>> dynamics = [[[0.4, 0.6], [0.8, 0.2]]]   # one sample, two epochs
    >>> area_under_margin([0], dynamics).round(3)
    array([-0.2])
    """
    return _score_dynamics(_area_under_margin, y, dynamics, block_size)


def _area_under_margin(y, dynamics):
    return -_margin(y, dynamics).mean(axis=1)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def forgetting_events(y, dynamics, *, block_size=None):
    """Number of forgetting events (higher = harder).

    A forgetting event is a transition from correct to wrong between two
    consecutive recorded epochs (Toneva et al., 2019). Training starts
    "unlearned", so the first epoch never counts as one.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    forgetting_events : ndarray of shape (n_samples,), dtype int

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import forgetting_events
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> forgetting_events([0], [[right, wrong, right, wrong]])
    array([2])
    """
    return _score_dynamics(_forgetting_events, y, dynamics, block_size)


def _forgetting_events(y, dynamics):
    return _forgetting_count(correct(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def first_learned(y, dynamics, *, block_size=None):
    """Epoch at which an example is first classified correctly (higher = harder).

    ``n_epochs`` when it is never learned.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    first_learned : ndarray of shape (n_samples,), dtype int
        Values in [0, n_epochs].

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import first_learned
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> first_learned([0, 0], [[wrong, right, wrong], [wrong, wrong, wrong]])
    array([1, 3])
    """
    return _score_dynamics(_first_learned_epoch, y, dynamics, block_size)


def _first_learned_epoch(y, dynamics):
    return _first_learned(correct(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def iteration_learned(y, dynamics, *, block_size=None):
    """Epoch after which an example stays correct (higher = harder).

    The smallest epoch ``t`` such that the example is classified correctly at
    every recorded epoch from ``t`` on (Baldock et al., 2021; "first
    unforgettable" in the code of Kwok et al., 2024). 0 means always correct;
    ``n_epochs`` means wrong at the last epoch.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    iteration_learned : ndarray of shape (n_samples,), dtype int
        Values in [0, n_epochs].

    Raises
    ------
    <raises>

    References
    ----------
    Baldock, Maennel, Neyshabur (2021), "Deep Learning Through the Lens of
    Example Difficulty", NeurIPS.

    Examples
    --------
    >>> from skcorr.difficulty import iteration_learned
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> iteration_learned([0, 0], [[right, wrong, right], [right, right, wrong]])
    array([2, 3])
    """
    return _score_dynamics(_iteration_learned_epoch, y, dynamics, block_size)


def _iteration_learned_epoch(y, dynamics):
    return _iteration_learned(correct(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def unforgettable(y, dynamics, *, block_size=None):
    """Negated unforgettable indicator (higher = harder).

    An example is unforgettable when it is learned at some epoch and never
    forgotten afterwards (Toneva et al., 2019). Returns -1 for unforgettable
    examples, 0 otherwise.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    unforgettable : ndarray of shape (n_samples,)
        Values in {-1, 0}.

    Raises
    ------
    <raises>

    Examples
    --------
    >>> from skcorr.difficulty import unforgettable
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> unforgettable([0, 0, 0], [[wrong, right], [right, wrong], [wrong, wrong]])
    array([-1.,  0.,  0.])
    """
    return _score_dynamics(_unforgettable, y, dynamics, block_size)


def _unforgettable(y, dynamics):
    acc = correct(y, dynamics)
    learned = acc.any(axis=1)
    return -((_forgetting_count(acc) == 0) & learned).astype(np.float64)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@shared_doc("dynamics", labels=True)
def cartography(y, dynamics, *, block_size=None):
    """Dataset cartography coordinates (Swayamdipta et al., 2020).

    Over the recorded epochs: ``confidence`` is the negated mean of ``p_y``
    (higher = harder), ``variability`` the (population) standard deviation of
    ``p_y`` (higher = more ambiguous, not negated) and ``correctness`` the
    negated fraction of epochs classified correctly (higher = harder).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.
    <block_size>

    Returns
    -------
    cartography : Bunch
        With keys ``confidence``, ``variability`` and ``correctness``, each an
        ndarray of shape (n_samples,).

    Raises
    ------
    <raises>

    References
    ----------
    Swayamdipta, Schwartz, Lourie, Wang, Hajishirzi, Smith, Choi (2020),
    "Dataset Cartography: Mapping and Diagnosing Datasets with Training
    Dynamics", EMNLP.

    Examples
    --------
    >>> from skcorr.difficulty import cartography
    >>> maps = cartography([0], [[[0.2, 0.8], [0.6, 0.4]]])
    >>> maps.confidence, maps.variability, maps.correctness
    (array([-0.4]), array([0.2]), array([-0.5]))
    """
    coordinates = _score_dynamics(_cartography, y, dynamics, block_size)
    return Bunch(**dict(zip(_CARTOGRAPHY, coordinates, strict=True)))


_CARTOGRAPHY = ("confidence", "variability", "correctness")


def _cartography(y, dynamics):
    p_y = take_label(dynamics, y)
    return -p_y.mean(axis=1), p_y.std(axis=1), -correct(y, dynamics).mean(axis=1)


def _at_epoch(kernel, epoch, with_y=True):
    if with_y:
        return lambda y, dynamics: kernel(y, dynamics[:, epoch])
    return lambda y, dynamics: kernel(dynamics[:, epoch])


def _cartography_coordinate(index):
    return lambda y, dynamics: _cartography(y, dynamics)[index]


# name -> kernel(y_block, float64 dynamics_block) -> (n_block,): the per-run
# scores of ExampleDifficulty (the names of _score_functions.DYNAMICS_SCORES), each
# the public function's computation on one block.
DYNAMICS_KERNELS = {
    "loss": _at_epoch(_loss, -1),
    "accuracy": _at_epoch(_accuracy, -1),
    "confidence": _at_epoch(_confidence, -1),
    "max_confidence": _at_epoch(_max_confidence, -1, with_y=False),
    "entropy": _at_epoch(_entropy, -1, with_y=False),
    "margin": _at_epoch(_negated_margin, -1),
    "el2n": _at_epoch(_el2n, -1),
    "early_el2n": _at_epoch(_el2n, 0),
    "mean_loss": lambda y, dynamics: _loss(y, dynamics).mean(axis=1),
    "area_under_margin": _area_under_margin,
    "forgetting_events": _forgetting_events,
    "first_learned": _first_learned_epoch,
    "iteration_learned": _iteration_learned_epoch,
    "unforgettable": _unforgettable,
    **{f"cartography_{key}": _cartography_coordinate(index)
       for index, key in enumerate(_CARTOGRAPHY)},
}


def dynamics_scores(y, dynamics, names, *, block_size=None):
    """Several per-run scores of one run's dynamics in one blockwise pass.

    The dynamics are validated once, block by block, and every score in
    ``names`` (keys of :data:`DYNAMICS_KERNELS`) is computed on each block:
    the numbers of the public functions, in one read of the dynamics.

    Returns
    -------
    scores : dict of str -> ndarray of shape (n_samples,)
    """
    kernels = [DYNAMICS_KERNELS[name] for name in names]
    values = _score_dynamics(
        lambda y, dynamics: tuple(kernel(y, dynamics) for kernel in kernels),
        y, dynamics, block_size,
    )
    return dict(zip(names, values, strict=True))
