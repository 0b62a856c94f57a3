"""Scorers for scikit-learn's model selection: held-out difficulty and the
run-to-run consistency of :class:`ExampleDifficulty`."""

from numbers import Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.members import final_estimator, find_members
from ..utils.scoring import EstimatorScorer
from ._consistency import run_consistency
from ._pointwise import accuracy as accuracy_score
from ._pointwise import confidence, el2n, entropy, loss, margin, max_confidence

PROBA_SCORES = {
    "loss": loss,
    "accuracy": accuracy_score,
    "confidence": confidence,
    "margin": margin,
    "el2n": el2n,
    "max_confidence": lambda y, proba: max_confidence(proba),
    "entropy": lambda y, proba: entropy(proba),
}


def _aggregate(values, sample_weight=None, *, aggregate="mean", quantile=0.5):
    if aggregate == "mean":
        return float(np.average(values, weights=sample_weight))
    if sample_weight is None:
        return float(np.quantile(values, quantile))
    return float(np.quantile(values, quantile, weights=sample_weight,
                             method="inverted_cdf"))


class _DifficultyScorer(EstimatorScorer):
    def __init__(self, score, sign, aggregate, quantile):
        # scikit-learn's multi-metric scorer looks the response method up on
        # the estimator; an ExampleDifficulty (or a Pipeline ending in one)
        # has no predict_proba, only fit. _score reads what it needs itself.
        response = "predict_proba" if aggregate != "consistency" else (
            "predict_proba", "fit")
        super().__init__(_aggregate, sign, {}, response_method=response)
        self.score = score
        self.aggregate = aggregate
        self.quantile = quantile

    def __repr__(self):
        return (
            f"make_difficulty_scorer({self.score!r}, aggregate={self.aggregate!r}"
            + (f", quantile={self.quantile}" if self.aggregate == "quantile" else "")
            + f", greater_is_better={self._sign > 0})"
        )

    def score_estimator(self, estimator, X, y_true, **kwargs):
        sample_weight = kwargs.get("sample_weight")
        if self.aggregate == "consistency":
            if sample_weight is not None:
                raise ValueError(
                    "aggregate='consistency' scores the runs of the fitted "
                    "ExampleDifficulty, not the held-out rows: sample_weight "
                    "has nothing to weight. Score without it."
                )
            return _consistency(estimator, self.score)
        if not hasattr(estimator, "predict_proba"):
            raise TypeError(
                f"{type(estimator).__name__} has no predict_proba: difficulty "
                "scorers need a fitted classifier with probabilities (a skcorr "
                "ensemble or a Pipeline ending in one needs voting='auto' (the "
                "default) or 'soft')."
            )
        # Called directly: scikit-learn's response helper keeps only the
        # positive column of a binary problem, and every column is needed.
        proba = np.asarray(estimator.predict_proba(X))
        classes = getattr(estimator, "classes_", None)
        if classes is None:
            raise ValueError(
                "The estimator has no classes_: difficulty scorers need a fitted "
                "classifier with predict_proba."
            )
        classes = np.asarray(classes)
        y_true = np.asarray(y_true)
        y_index = np.searchsorted(classes, y_true).clip(0, len(classes) - 1)
        if not np.all(classes[y_index] == y_true):
            unseen = sorted(set(y_true.tolist()) - set(classes.tolist()))
            raise ValueError(
                f"Held-out labels {unseen} were not seen in fit: cannot score "
                "their difficulty."
            )
        values = PROBA_SCORES[self.score](y_index, proba)
        return _aggregate(values, sample_weight, aggregate=self.aggregate,
                          quantile=self.quantile)


def _consistency(estimator, score):
    # The ExampleDifficulty may be the last step of a Pipeline or the
    # best_estimator_ of a fitted search.
    try:
        final, _ = find_members(estimator, "scores_", target_transform=False)
    except TypeError:
        final, _ = final_estimator(estimator)
        check_is_fitted(final)  # an unfitted ExampleDifficulty: say fit it
        final = None
    scores = getattr(final, "scores_", None)
    if not isinstance(scores, dict):
        raise ValueError(
            "aggregate='consistency' scores a fitted ExampleDifficulty (alone, "
            "as the last step of a Pipeline or as the best_estimator_ of a "
            f"search); got {type(estimator).__name__}."
        )
    if score not in scores:
        raise ValueError(
            f"The ExampleDifficulty did not compute {score!r}; it has "
            f"{sorted(scores)}."
        )
    consistency = run_consistency(scores[score], reference="others")
    if np.isnan(consistency).all():
        return float("nan")  # run_consistency has warned, naming the runs
    return float(np.nanmean(consistency))


@validate_params(
    {
        "score": [StrOptions(set(PROBA_SCORES)), str],
        "aggregate": [StrOptions({"mean", "quantile", "consistency"})],
        "quantile": [Interval(Real, 0, 1, closed="both")],
        "greater_is_better": ["boolean", None],
    },
    prefer_skip_nested_validation=True,
)
def make_difficulty_scorer(score="loss", *, aggregate="mean", quantile=0.5,
                           greater_is_better=None):
    """Make a scorer from a difficulty score, for model selection.

    With ``aggregate="mean"`` or ``"quantile"`` the scorer takes a fitted
    classifier with ``predict_proba`` and returns the mean (or quantile) of
    the difficulty score (higher = harder, as in Kwok et al., 2024) of the
    held-out examples. With ``aggregate="consistency"`` it takes a fitted
    :class:`ExampleDifficulty` (alone, as the last step of a Pipeline or as
    the ``best_estimator_`` of a fitted search) and returns the mean Spearman
    correlation of each run's training-set ``score`` with the mean of the
    other runs
    (:func:`run_consistency`); ``X`` and ``y`` are then unused. It works in
    :class:`~sklearn.model_selection.GridSearchCV`,
    :func:`~sklearn.model_selection.cross_validate` and
    :func:`~sklearn.model_selection.validation_curve`, single- or
    multi-metric, with ``sample_weight`` for the mean and quantile.

    Parameters
    ----------
    score : str, default="loss"
        For mean and quantile: ``"loss"``, ``"accuracy"``, ``"confidence"``,
        ``"margin"``, ``"el2n"``, ``"max_confidence"`` or ``"entropy"``. For
        consistency: any per-run score of the ExampleDifficulty.
    aggregate : {"mean", "quantile", "consistency"}, default="mean"
        How to reduce to one number.
    quantile : float in [0, 1], default=0.5
        The quantile, with ``aggregate="quantile"``.
    greater_is_better : bool, default=None
        None means False for mean and quantile (a lower held-out difficulty is
        better, the scorer returns it negated, like ``neg_log_loss``) and True
        for consistency.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None) -> float``.

    Raises
    ------
    TypeError
        When called, for mean and quantile, on an estimator without
        ``predict_proba`` (a skcorr ensemble, or a Pipeline ending in one,
        needs ``voting="auto"`` (the default) or ``"soft"``).
    ValueError
        When called, for consistency, on an estimator holding no fitted
        :class:`ExampleDifficulty` (alone, as the last step of a Pipeline or
        as the ``best_estimator_`` of a fitted search), with ``sample_weight``,
        or for a score it did not compute; for held-out labels not seen in
        fit.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from skcorr.difficulty import make_difficulty_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> scorer = make_difficulty_scorer("el2n", aggregate="quantile", quantile=0.9)
    >>> model = LogisticRegression(max_iter=1000)
    >>> cross_val_score(model, X, y, cv=3, scoring=scorer).shape
    (3,)
    """
    if aggregate != "consistency" and score not in PROBA_SCORES:
        raise ValueError(
            f"Score {score!r} cannot be computed from held-out probabilities; "
            f"choose from {sorted(PROBA_SCORES)}, or use aggregate='consistency'."
        )
    if greater_is_better is None:
        greater_is_better = aggregate == "consistency"
    return _DifficultyScorer(score, 1 if greater_is_better else -1, aggregate,
                             quantile)
