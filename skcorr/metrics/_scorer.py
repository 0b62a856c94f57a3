"""Scorers that put error correlation into GridSearchCV and cross-validation."""

from ..utils.fixes import StrOptions, validate_params
from ..utils.members import member_outputs
from ..utils.scoring import EstimatorScorer
from ..utils.validation import task_of_estimator
from ._errors import TASK_OPTIONS
from ._pairwise import METHODS
from ._score import AGGREGATES, correlation_score


class _CorrelationScorer(EstimatorScorer):
    """Scorer reading every member through ``predict_all(X)`` of the ensemble
    (alone or inside a Pipeline, search or TransformedTargetRegressor)."""

    def score_estimator(self, estimator, X, y_true, **kwargs):
        options = self.metric_options(kwargs, "make_correlation_scorer")
        # The ensemble may sit in a Pipeline, a fitted search or a
        # TransformedTargetRegressor: a TypeError names what is missing.
        Y_pred, ensemble = member_outputs(estimator, X, "predict_all", as_frame=False)
        if "task" in options:
            # The estimator knows what it is: no guess from the numbers needed.
            options["task"] = task_of_estimator(ensemble, options["task"])
        return self._score_func(y_true, Y_pred, **options)

    def __repr__(self):
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        options = "".join(f", {k}={v!r}" for k, v in self._kwargs.items())
        return f"make_correlation_scorer({options[2:]}{sign})"


@validate_params(
    {
        "method": [StrOptions(set(METHODS))],
        "aggregate": [StrOptions(set(AGGREGATES)), callable],
        "task": [TASK_OPTIONS],
        "greater_is_better": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_correlation_scorer(
    method="phi", aggregate="mean", *, task="auto", greater_is_better=True
):
    """Make a scorer of the error correlation among an ensemble's members.

    The scorer is called as ``scorer(estimator, X, y, sample_weight=None)``: it
    reads each member's predictions through ``predict_all(X)`` of the skcorr
    ensemble and returns :func:`skcorr.metrics.correlation_score` of them. The
    ensemble may be ``estimator`` itself or sit inside it: the last step of a
    :class:`~sklearn.pipeline.Pipeline` (nested too; ``X`` goes through the
    steps before it, ``pipeline[:-1].transform(X)``), the ``best_estimator_``
    of a fitted search, or the regressor of a
    :class:`~sklearn.compose.TransformedTargetRegressor` (each member's
    predictions are brought back to the original targets). Use it as
    ``scoring=`` in :class:`~sklearn.model_selection.GridSearchCV`,
    :func:`~sklearn.model_selection.cross_validate` or
    :func:`~sklearn.model_selection.validation_curve`, alone or in a
    multi-metric dict, with or without ``sample_weight``. Error correlation of
    models follows Li, Sarna and Lin 2025 (arXiv:2502.03937).

    Parameters
    ----------
    method : str, default="phi"
        Any method of :func:`skcorr.metrics.pairwise_error_correlation`.
    aggregate : {"mean", "median", "max", "min"} or callable, default="mean"
        How the pairs are summarised.
    task : {"auto", "classification", "regression"}, default="auto"
        How errors are formed (indicators or residuals). ``"auto"`` takes it
        from the estimator: classification for a classifier, regression for a
        regressor (scikit-learn's ``is_classifier`` / ``is_regressor``);
        otherwise it is inferred from ``y`` and the predictions as
        :func:`skcorr.metrics.pairwise_error_correlation` does.
    greater_is_better : bool, default=True
        With True the score is the correlation itself. With False it is negated,
        so that a search maximising it prefers members whose errors are *less*
        correlated (as ``neg_mean_squared_error`` does for errors).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, sample_weight=None) -> float``. With
        metadata routing enabled, request weights with
        ``scorer.set_score_request(sample_weight=True)``.

    Raises
    ------
    TypeError
        When called on an estimator that holds no fitted skcorr ensemble
        (say a Pipeline ending in ``LogisticRegression``), naming the
        estimators walked through and what is missing.

    Notes
    -----
    scikit-learn's ``cross_validate`` and searches catch a scorer's error: with
    their default ``error_score=np.nan`` they record NaN and emit a
    ``UserWarning`` ("Scoring failed ...") that quotes the TypeError above;
    pass ``error_score="raise"`` to have it raised.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.metrics import make_correlation_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(max_depth=1, max_features=1), n_seeds=3,
    ...     random_state=0)
    >>> scores = cross_val_score(ensemble, X, y, cv=3,
    ...                          scoring=make_correlation_scorer("phi"))
    >>> scores.shape
    (3,)

    In a Pipeline, the same numbers as the ensemble on the scaled data:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pipe = make_pipeline(StandardScaler(), ensemble)
    >>> cross_val_score(pipe, X, y, cv=3,
    ...                 scoring=make_correlation_scorer("phi")).shape
    (3,)
    """
    sign = 1 if greater_is_better else -1
    kwargs = {"method": method, "aggregate": aggregate, "task": task}
    # scikit-learn's multi-metric scorer looks the response method up on the
    # outer estimator (a Pipeline has no predict_all); "predict" is the
    # fallback it finds there. The scorer itself reads the members through
    # member_outputs, never through this method.
    return _CorrelationScorer(correlation_score, sign, kwargs,
                              ("predict_all", "predict"))
