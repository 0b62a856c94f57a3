"""Difficulty scores of training dynamics: forgetting, learning time, area
under the margin and dataset cartography.

The dynamics of one run have shape ``(n_samples, n_epochs, n_classes)``: the
probabilities of every training example at each recorded epoch (see
:class:`~skcorr.difficulty.TrainingDynamics` and
:func:`~skcorr.difficulty.record_dynamics`). Every score follows the sign
convention of Kwok et al. (2024): **higher means harder**. Epochs are counted
as indices into the recorded epochs (0 = first record).

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.

Toneva, Sordoni, Combes, Trischler, Bengio, Gordon (2019), "An Empirical Study
of Example Forgetting during Deep Neural Network Learning", ICLR.
"""

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ._pointwise import _margin, correct
from ._validation import check_labels_proba, take_label

_PARAMS = {"y": ["array-like"], "dynamics": ["array-like"]}


def _correctness(y, dynamics):
    y, dynamics = check_labels_proba(y, dynamics, dynamics="require", what="dynamics")
    return correct(y, dynamics)


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
def area_under_margin(y, dynamics):
    """Negated area under the margin (higher = harder).

    The mean over epochs of the margin ``p_y - max_{c != y} p_c``
    (Pleiss et al., 2020, on probabilities as in Kwok et al., 2024), negated.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.

    Returns
    -------
    area_under_margin : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

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
    y, dynamics = check_labels_proba(y, dynamics, dynamics="require", what="dynamics")
    return -_margin(y, dynamics).mean(axis=1)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def forgetting_events(y, dynamics):
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

    Returns
    -------
    forgetting_events : ndarray of shape (n_samples,), dtype int

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

    Examples
    --------
    >>> from skcorr.difficulty import forgetting_events
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> forgetting_events([0], [[right, wrong, right, wrong]])
    array([2])
    """
    return _forgetting_count(_correctness(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def first_learned(y, dynamics):
    """Epoch at which an example is first classified correctly (higher = harder).

    ``n_epochs`` when it is never learned.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class indices into the last axis of ``dynamics``.
    dynamics : array-like of shape (n_samples, n_epochs, n_classes)
        Probabilities at each recorded epoch.

    Returns
    -------
    first_learned : ndarray of shape (n_samples,), dtype int
        Values in [0, n_epochs].

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

    Examples
    --------
    >>> from skcorr.difficulty import first_learned
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> first_learned([0, 0], [[wrong, right, wrong], [wrong, wrong, wrong]])
    array([1, 3])
    """
    return _first_learned(_correctness(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def iteration_learned(y, dynamics):
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

    Returns
    -------
    iteration_learned : ndarray of shape (n_samples,), dtype int
        Values in [0, n_epochs].

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

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
    return _iteration_learned(_correctness(y, dynamics))


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def unforgettable(y, dynamics):
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

    Returns
    -------
    unforgettable : ndarray of shape (n_samples,)
        Values in {-1, 0}.

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

    Examples
    --------
    >>> from skcorr.difficulty import unforgettable
    >>> right, wrong = [0.9, 0.1], [0.1, 0.9]
    >>> unforgettable([0, 0, 0], [[wrong, right], [right, wrong], [wrong, wrong]])
    array([-1.,  0.,  0.])
    """
    acc = _correctness(y, dynamics)
    learned = acc.any(axis=1)
    return -((_forgetting_count(acc) == 0) & learned).astype(np.float64)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def cartography(y, dynamics):
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

    Returns
    -------
    cartography : Bunch
        With keys ``confidence``, ``variability`` and ``correctness``, each an
        ndarray of shape (n_samples,).

    Raises
    ------
    ValueError
        If ``dynamics`` is not of shape (n_samples, n_epochs,
        n_classes), not numeric, holds NaN or inf,
        values outside [0, 1] (logits: apply a softmax) or rows that do not
        sum to 1 beyond float32 rounding (``16 (n_classes + 2) eps``); if
        ``y`` holds missing labels, labels that are not integer class
        indices, or indices outside the columns.

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
    y, dynamics = check_labels_proba(y, dynamics, dynamics="require", what="dynamics")
    p_y = take_label(dynamics, y)
    return Bunch(
        confidence=-p_y.mean(axis=1),
        variability=p_y.std(axis=1),
        correctness=-correct(y, dynamics).mean(axis=1),
    )
