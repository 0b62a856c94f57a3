"""Difficulty scores of an ensemble of runs: mean accuracy and agreement.

Both take the labels predicted by each run, shape ``(n_samples, n_runs)``, and
follow the sign convention of Kwok et al. (2024): **higher means harder**.

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..utils.validation import check_predictions


def _correct_over_runs(y_true, Y_pred):
    y, Y, _, _ = check_predictions(y_true, Y_pred, task="classification")
    return Y == y[:, None]


@validate_params(
    {"y_true": ["array-like"], "Y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def ensemble_accuracy(y_true, Y_pred):
    """Negated mean accuracy over runs (higher = harder).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like of shape (n_samples, n_runs)
        Labels predicted by each run.

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
    return -_correct_over_runs(y_true, Y_pred).mean(axis=1)


@validate_params(
    {"y_true": ["array-like"], "Y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def ensemble_agreement(y_true, Y_pred):
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
    right = _correct_over_runs(y_true, Y_pred)
    agreement = right.all(axis=1).astype(np.float64) - (~right).all(axis=1)
    return -agreement
