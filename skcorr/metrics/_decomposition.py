"""Diversity decompositions of an ensemble's loss: the ambiguity decomposition
(Krogh & Vedelsby 1995) and the bias-variance-diversity decomposition (Wood et
al. 2023), for squared and cross-entropy loss."""

import numpy as np
from scipy.special import logsumexp
from sklearn.utils import Bunch

from ..utils.fixes import StrOptions, validate_params
from ..utils.validation import (
    as_1d,
    as_numeric,
    check_labels,
    check_predictions,
    check_same_index,
    check_weights,
)
from ._member_outputs import check_member_proba, class_indices

LOSSES = ("squared", "cross_entropy")


def _sample_mean(values, weights):
    """Mean over the samples (axis 0) with weights summing to one, or None."""
    return float(values.mean() if weights is None else weights @ values)


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "model_weights": ["array-like", None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def ambiguity_decomposition(y_true, Y_pred, *, model_weights=None, sample_weight=None):
    """Ensemble squared error = mean member error - ambiguity (diversity).

    For an ensemble that averages its members, ``fbar = sum_j w_j f_j``, on
    every sample ``(y - fbar)**2 = sum_j w_j (y - f_j)**2 - sum_j w_j (f_j -
    fbar)**2`` (Krogh & Vedelsby 1995): the ensemble is better than its average
    member by exactly the spread of the members around it, whatever the
    labels. This returns the three terms averaged over the samples.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets (or 0/1 labels, with ``Y_pred`` the probabilities of the
        positive class: the terms are then Brier scores).
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model (``predict_all``).
    model_weights : array-like of shape (n_models,), default=None
        Non-negative weights of the members in the average, normalised to
        sum to one; equal weights by default.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    decomposition : Bunch
        - ``ensemble_error``: mean squared error of the weighted average
          ``fbar``;
        - ``average_error``: the weighted mean over members of their mean
          squared errors;
        - ``ambiguity``: the mean weighted spread ``sum_j w_j (f_j -
          fbar)**2``, so that ``ensemble_error = average_error -
          ambiguity``;
        - ``member_errors``: ndarray of shape (n_models,), each member's mean
          squared error.

    Raises
    ------
    ValueError
        For non-numeric, NaN or infinite targets or predictions, predictions
        that are not ``(n_samples, n_models)``, or model weights of the wrong
        length, negative or summing to zero.

    References
    ----------
    Krogh, Vedelsby (1995), "Neural Network Ensembles, Cross Validation, and
    Active Learning", NeurIPS 7.

    Examples
    --------
    >>> from skcorr.metrics import ambiguity_decomposition
    >>> result = ambiguity_decomposition([1.0, 2.0], [[0.0, 2.0], [2.0, 4.0]])
    >>> result.ensemble_error, result.average_error, result.ambiguity
    (0.5, 1.5, 1.0)
    """
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    y, Y, _, _ = check_predictions(y_true, Y_pred, task="regression")
    y, Y = y.astype(float), Y.astype(float)
    n_samples, n_models = Y.shape
    members = _check_model_weights(model_weights, n_models)
    weights = check_weights(sample_weight, n_samples)
    ensemble = Y @ members
    squared = (y[:, None] - Y) ** 2
    spread = ((Y - ensemble[:, None]) ** 2) @ members
    member_errors = squared.mean(axis=0) if weights is None else weights @ squared
    return Bunch(
        ensemble_error=_sample_mean((y - ensemble) ** 2, weights),
        average_error=float(member_errors @ members),
        ambiguity=_sample_mean(spread, weights),
        member_errors=member_errors,
    )


def _check_model_weights(model_weights, n_models):
    """Non-negative finite weights of the members, one each, summing to one."""
    if model_weights is None:
        return np.full(n_models, 1.0 / n_models)
    weights = as_numeric(as_1d(model_weights, "model_weights"), "model_weights")
    if weights.shape != (n_models,):
        raise ValueError(
            f"model_weights has {weights.shape[0]} entries for {n_models} models: "
            "give one weight per column of Y_pred."
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("model_weights must be finite and non-negative.")
    if not weights.sum() > 0:
        raise ValueError("model_weights sums to zero: at least one must be positive.")
    return weights / weights.sum()


def _trials(predictions, trial_ndim, what):
    """``predictions`` as an array (n_samples, n_trials, n_models[, n_classes]):
    one trial (an array of ``trial_ndim`` dimensions) or a list of them."""
    if isinstance(predictions, (list, tuple)):
        if len(predictions) == 0:
            raise ValueError(f"{what} is an empty list: give at least one trial.")
        arrays = [
            np.asarray(p.to_numpy() if hasattr(p, "to_numpy") else p)
            for p in predictions
        ]
        if all(a.ndim == trial_ndim for a in arrays):
            shapes = {a.shape for a in arrays}
            if len(shapes) > 1:
                raise ValueError(
                    f"The trials of {what} have different shapes {sorted(shapes)}: "
                    "each must hold the same samples and models."
                )
            return np.stack(arrays, axis=1)
        if not all(a.ndim == trial_ndim - 1 for a in arrays):
            raise ValueError(
                f"{what} must be one array of {trial_ndim} dimensions or a list of "
                f"them (one per trial); got a list of arrays of "
                f"{sorted({a.ndim for a in arrays})} dimensions."
            )
        predictions = np.asarray(arrays)  # a nested list for one trial
    array = np.asarray(
        predictions.to_numpy() if hasattr(predictions, "to_numpy") else predictions
    )
    if array.ndim != trial_ndim:
        raise ValueError(
            f"{what} must have {trial_ndim} dimensions for this loss, or be a list "
            f"of such arrays (one per trial); got shape {array.shape}."
        )
    return array[:, None]


def _squared_terms(y, Q):
    """Per-sample terms for squared loss; ``Q`` is (n_samples, n_trials,
    n_models)."""
    ensemble = Q.mean(axis=2)  # (n, T)
    centroid = Q.mean(axis=1)  # (n, M)
    risk = ((y[:, None] - ensemble) ** 2).mean(axis=1)
    bias = (y[:, None] - centroid) ** 2
    variance = ((Q - centroid[:, None, :]) ** 2).mean(axis=1)
    diversity = ((Q - ensemble[:, :, None]) ** 2).mean(axis=(1, 2))
    return risk, bias, variance, diversity


def _cross_entropy_terms(y_index, P):
    """Per-sample terms for cross-entropy; ``P`` is (n_samples, n_trials,
    n_models, n_classes). A probability 0 of a wrong class has log -inf, and
    a geometric mean with it is 0 (``logsumexp`` takes exp(-inf) = 0); the
    true class has none (checked before)."""
    n_samples = P.shape[0]
    with np.errstate(divide="ignore"):
        log_p = np.log(P)
    true = log_p[np.arange(n_samples), :, :, y_index]  # (n, T, M)
    # Ensemble of each trial: normalised geometric mean of its members.
    mean_over_members = log_p.mean(axis=2)  # (n, T, K)
    log_z_ensemble = logsumexp(mean_over_members, axis=2)  # (n, T), <= 0
    ensemble_true = true.mean(axis=2) - log_z_ensemble
    risk = -ensemble_true.mean(axis=1)
    diversity = -log_z_ensemble.mean(axis=1)
    # Centroid of each member over trials: normalised geometric mean too.
    mean_over_trials = log_p.mean(axis=1)  # (n, M, K)
    log_z_member = logsumexp(mean_over_trials, axis=2)  # (n, M)
    bias = -(true.mean(axis=1) - log_z_member)
    variance = -log_z_member
    return risk, bias, variance, diversity


@validate_params(
    {
        "y_true": ["array-like"],
        "predictions": ["array-like", list, tuple],
        "loss": [StrOptions(set(LOSSES))],
        "labels": ["array-like", None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def bias_variance_diversity_decomposition(
    y_true, predictions, *, loss="squared", labels=None, sample_weight=None
):
    """Expected ensemble loss = average bias + average variance - diversity.

    Wood et al. (2023) decompose the expected loss of an ensemble, over the
    randomness of training (training sets, seeds: the *trials*), into the
    members' average bias and average variance less the diversity of the
    members within each trial. Pass the members' predictions of several
    trials, each the output of one fitted ensemble on the same test samples
    (say ``SeedEnsembleRegressor`` refitted on bootstrap resamples); the
    expectations are their means, and the identity holds exactly for them:

    - squared loss (``predict_all`` output, the ensemble is the mean of the
      members): ``mean_t (y - qbar_t)**2 = mean_i (y - c_i)**2 + mean_i
      mean_t (q_ti - c_i)**2 - mean_t mean_i (q_ti - qbar_t)**2`` with
      ``c_i = mean_t q_ti`` the centroid of member ``i``;
    - cross-entropy (``predict_proba_all`` output): the ensemble is the
      *normalised geometric mean* of the members' probabilities (the combiner
      for which the decomposition holds, not the arithmetic mean of
      ``predict_proba``), the centroids are geometric means over trials, the
      bias is the cross-entropy of the centroid, the variance ``mean_t
      KL(c_i || q_ti)`` and the diversity ``mean_t mean_i KL(qbar_t ||
      q_ti)``.

    With one trial the variance is 0 and the decomposition is the ambiguity
    decomposition (:func:`ambiguity_decomposition` for squared loss). The
    noise term of Wood et al. needs ``E[y | x]`` and cannot be separated from
    observed labels: it is part of the bias here.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets (squared loss) or labels (cross-entropy).
    predictions : array-like or list of array-like
        One trial, or a list of trials: arrays of shape (n_samples, n_models)
        for squared loss, (n_samples, n_models, n_classes) for cross-entropy.
    loss : {"squared", "cross_entropy"}, default="squared"
    labels : array-like of shape (n_classes,), default=None
        Cross-entropy only: the class of each column (``classes_``); by
        default the sorted labels of ``y_true``, which must hold every class.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    decomposition : Bunch
        - ``expected_risk``: the ensemble's loss, averaged over trials and
          samples;
        - ``average_bias``, ``average_variance``, ``diversity``: the three
          terms, ``expected_risk = average_bias + average_variance -
          diversity``;
        - ``member_bias``, ``member_variance``: ndarrays of shape
          (n_models,);
        - ``n_trials``: int.

    Raises
    ------
    ValueError
        For predictions of the wrong shape, trials of different shapes,
        probabilities that are not distributions, labels that do not name
        the columns, or (cross-entropy) a member giving probability 0 to the
        true class, whose loss is infinite: smooth the probabilities first,
        e.g. ``(proba + 1e-6) / (1 + n_classes * 1e-6)``.

    References
    ----------
    Wood, Mu, Webb, Reeve, Lujan, Brown (2023), "A Unified Theory of
    Diversity in Ensemble Learning", JMLR 24(359).

    Examples
    --------
    >>> from skcorr.metrics import bias_variance_diversity_decomposition
    >>> trial_1 = [[0.0, 2.0], [2.0, 4.0]]
    >>> trial_2 = [[1.0, 1.0], [3.0, 3.0]]
    >>> result = bias_variance_diversity_decomposition(
    ...     [1.0, 2.0], [trial_1, trial_2])
    >>> (result.expected_risk, result.average_bias, result.average_variance,
    ...  result.diversity)
    (0.5, 0.75, 0.25, 0.5)
    """
    check_same_index(y_true=y_true, sample_weight=sample_weight)
    if loss == "squared":
        if labels is not None:
            raise ValueError("labels applies to loss='cross_entropy' only.")
        Q = _trials(predictions, 2, "predictions")
        y = as_numeric(as_1d(y_true), "y_true")
        Q = as_numeric(Q, "predictions")
        if not (np.isfinite(y).all() and np.isfinite(Q).all()):
            raise ValueError(
                "y_true and predictions must be finite: remove or impute NaN and "
                "infinite values first."
            )
        _check_length(y, Q)
        n_trials = Q.shape[1]
        terms = _squared_terms(y, Q)
    else:
        P = _trials(predictions, 3, "predictions")
        n_samples, n_trials, n_models, n_classes = P.shape
        P = check_member_proba(
            P.reshape(n_samples, n_trials * n_models, n_classes), "predictions"
        ).reshape(P.shape)
        y = check_labels(as_1d(y_true), "y_true", y_true)
        _check_length(y, P)
        y_index, _ = class_indices(y, labels, n_classes)
        zero = P[np.arange(n_samples), :, :, y_index] == 0
        if zero.any():
            sample = int(np.flatnonzero(zero.any(axis=(1, 2)))[0])
            raise ValueError(
                f"{int(zero.sum())} member prediction(s) give probability 0 to the "
                f"true class (first at sample {sample}): their cross-entropy is "
                "infinite. Smooth the probabilities first, e.g. (proba + 1e-6) / "
                "(1 + n_classes * 1e-6)."
            )
        terms = _cross_entropy_terms(y_index, P)
    weights = check_weights(sample_weight, y.shape[0])
    risk, bias, variance, diversity = terms
    member_bias = bias.mean(axis=0) if weights is None else weights @ bias
    member_variance = variance.mean(axis=0) if weights is None else weights @ variance
    return Bunch(
        expected_risk=_sample_mean(risk, weights),
        average_bias=float(member_bias.mean()),
        average_variance=float(member_variance.mean()),
        diversity=_sample_mean(diversity, weights),
        member_bias=member_bias,
        member_variance=member_variance,
        n_trials=n_trials,
    )


def _check_length(y, predictions):
    if y.shape[0] != predictions.shape[0]:
        raise ValueError(
            f"y_true has {y.shape[0]} samples but the predictions have "
            f"{predictions.shape[0]}."
        )
