"""The spurious score of Yang, Chou and Chaudhuri (2022), its scorer and its
significance against a baseline model."""

import numbers
import warnings

import numpy as np
from scipy import stats
from sklearn.utils import Bunch
from sklearn.utils.validation import check_array

from ..utils.fixes import HasMethods, Interval, _check_sample_weight, validate_params
from ..utils.parameters import check_not_bool
from ..utils.scoring import EstimatorScorer
from ._patterns import SpuriousPattern
from ._validation import (
    check_labels,
    check_target_against,
    check_target_class,
    reject_image_arrays,
)

_SCORE_PARAMS = {
    "X": ["array-like"],
    "y": ["array-like", None],
    "pattern": [HasMethods(["apply", "norm"])],
    "target_class": "no_validation",
    "threshold": [Interval(numbers.Real, None, None, closed="neither")],
    "exclude_target": ["boolean"],
}


def _target_column(estimator, target_class):
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise ValueError(
            f"{type(estimator).__name__} has no classes_: fit it first (skorch nets "
            "need classes inferred from y) to locate target_class."
        )
    classes = np.asarray(classes)
    check_target_against(classes, target_class, "the estimator")
    where = np.flatnonzero(classes == target_class)
    if where.size == 0:
        raise ValueError(
            f"target_class={target_class!r} is not a class of the estimator "
            f"({classes.tolist()})."
        )
    return int(where[0])


def _check_test_labels(y, n_samples, classes):
    """Test labels: 1-D, one per row, none missing, all classes of the model
    (labels of another type, say "0" for 0, would keep every row)."""
    y = check_labels(y)
    if y.shape[0] != n_samples:
        raise ValueError(f"y has {y.shape[0]} rows but X has {n_samples}.")
    classes = np.asarray(classes)
    unseen = [
        label.item() if isinstance(label, np.generic) else label
        for label in np.unique(y)
        if not (classes == label).any()
    ]
    if unseen:
        raise ValueError(
            f"y holds labels {[*unseen[:10]]!r} that are not classes of the "
            f"estimator ({classes.tolist()[:20]}); pass the labels of the test rows, "
            "of the same type as those it was trained on."
        )
    return y


def _kept_rows(y, n_samples, target_class, exclude_target):
    if not exclude_target:
        return np.ones(n_samples, dtype=bool)
    if y is None:
        raise ValueError(
            "exclude_target=True drops the test rows of target_class and needs "
            "their labels: pass y, or exclude_target=False."
        )
    return y != target_class


def spurious_indicators(
    estimator,
    X,
    y=None,
    *,
    pattern,
    target_class,
    threshold=0.1,
    exclude_target=True,
):
    """Per-row indicators ``1[p_t(x') - p_t(x) > threshold]`` and the rows kept.

    Returns
    -------
    indicators : ndarray of shape (n_kept,), dtype float
    kept : ndarray of bool of shape (n_samples,)
    """
    check_not_bool("spurious_score", threshold=threshold)
    check_target_class(target_class)
    reject_image_arrays(X)
    X = check_array(X, dtype=[np.float64, np.float32], input_name="X")
    column = _target_column(estimator, target_class)
    if y is not None:
        y = _check_test_labels(y, X.shape[0], estimator.classes_)
    kept = _kept_rows(y, X.shape[0], target_class, exclude_target)
    if not kept.any():
        raise ValueError(
            "No test row is left after dropping those of target_class; pass rows "
            "of other classes or exclude_target=False."
        )
    if isinstance(pattern, SpuriousPattern):
        # size and value range checked on every test row, the target's too
        pattern._check_data(X)
        pattern._check_range(X)
        X = X[kept]
        X_patched = pattern._patch(X, X.shape)
    else:
        X = X[kept]
        X_patched = pattern.apply(X)
    clean = np.asarray(estimator.predict_proba(X))[:, column]
    patched = np.asarray(estimator.predict_proba(X_patched))[:, column]
    return (patched - clean > threshold).astype(float), kept


@validate_params(
    {
        "estimator": [HasMethods(["predict_proba"])],
        **_SCORE_PARAMS,
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def spurious_score(
    estimator,
    X,
    y=None,
    *,
    pattern,
    target_class,
    threshold=0.1,
    exclude_target=True,
    sample_weight=None,
):
    """How much a model learned a spurious pattern: the study's spurious score.

    For each test row ``x`` and its patched copy ``x'``, the indicator is
    ``1[p_t(x') - p_t(x) > threshold]``, with ``p_t`` the predicted probability
    of the target class. The score is the (weighted) mean of the indicator over
    the test rows, those of the target class dropped by default.

    Parameters
    ----------
    estimator : fitted classifier with predict_proba
        A scikit-learn model, a skorch net, a
        :class:`~skcorr.spurious.SpuriousInjectionClassifier`.
    X : array-like of shape (n_samples, n_features)
        Clean test images, stored flat.
    y : array-like of shape (n_samples,), default=None
        Test labels; needed when ``exclude_target=True``.
    pattern : SpuriousPattern
        The pattern the model may have learned.
    target_class : label
        Class the pattern was put on in training.
    threshold : float, default=0.1
        The study's tau.
    exclude_target : bool, default=True
        Drop the test rows whose label is ``target_class``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the test rows.

    Returns
    -------
    score : float
        In [0, 1]; near 0 for a model trained without the pattern.

    Raises
    ------
    ValueError
        When ``X`` has values outside the pattern's ``value_range`` (the
        message names the observed minimum and maximum: pass the data's range
        to :func:`~skcorr.spurious.make_pattern` or rescale ``X``); when ``X``
        is 3-D or more (pass ``X.reshape(len(X), -1)``); when ``y`` has
        missing labels (None, NaN, ``pd.NA``), other than one per row, or
        labels that are not classes of the estimator (``"0"`` against ``0``);
        when ``target_class`` is not a class of the estimator or is a bool
        against non-bool classes; when no row is left.
    InvalidParameterError
        For a ``target_class`` that is None, NaN or not a scalar, and a NaN,
        infinite or bool ``threshold``.

    Warns
    -----
    UserWarning
        When non-constant ``X`` spans less than a tenth of ``value_range``.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcorr.spurious import make_pattern, spurious_score
    >>> X, y = load_digits(return_X_y=True)
    >>> pattern = make_pattern("S1", (8, 8), value_range=(0, 16))
    >>> model = LogisticRegression(max_iter=300).fit(X[:1000], y[:1000])
    >>> spurious_score(model, X[1000:], y[1000:], pattern=pattern, target_class=0)
    0.0
    """
    indicators, kept = spurious_indicators(
        estimator,
        X,
        y,
        pattern=pattern,
        target_class=target_class,
        threshold=threshold,
        exclude_target=exclude_target,
    )
    if sample_weight is None:
        return float(indicators.mean())
    weights = _check_sample_weight(sample_weight, np.empty(kept.size))[kept]
    if weights.sum() <= 0:
        raise ValueError("sample_weight of the kept rows sums to zero.")
    return float(np.average(indicators, weights=weights))


class SpuriousScorer(EstimatorScorer):
    """Scorer ``scorer(estimator, X, y=None, sample_weight=None)`` of the
    spurious score; built by :func:`make_spurious_scorer`.

    A scikit-learn scorer (:class:`~skcorr.utils.scoring.EstimatorScorer`):
    usable in multi-metric dicts with ``sample_weight``, and with metadata
    routing ``scorer.set_score_request(sample_weight=True)`` routes weights
    to it.
    """

    def __init__(self, pattern, target_class, threshold=0.1, exclude_target=True):
        super().__init__(spurious_score, 1, {}, response_method="predict_proba")
        self.pattern = pattern
        self.target_class = target_class
        self.threshold = threshold
        self.exclude_target = exclude_target

    def score_estimator(self, estimator, X, y=None, sample_weight=None):
        return spurious_score(
            estimator,
            X,
            y,
            pattern=self.pattern,
            target_class=self.target_class,
            threshold=self.threshold,
            exclude_target=self.exclude_target,
            sample_weight=sample_weight,
        )

    def __repr__(self):
        return (
            f"make_spurious_scorer(pattern={self.pattern!r}, "
            f"target_class={self.target_class!r}, threshold={self.threshold}, "
            f"exclude_target={self.exclude_target})"
        )


@validate_params(
    {k: v for k, v in _SCORE_PARAMS.items() if k not in ("X", "y")},
    prefer_skip_nested_validation=True,
)
def make_spurious_scorer(*, pattern, target_class, threshold=0.1, exclude_target=True):
    """Make a scorer of the spurious score for model selection tools.

    The scorer works in :func:`~sklearn.model_selection.validation_curve`,
    :class:`~sklearn.model_selection.GridSearchCV` and
    :func:`~sklearn.model_selection.cross_validate`, alone or in a dict of
    scorers. Higher means the pattern was learned more.

    Parameters
    ----------
    pattern : SpuriousPattern
        The pattern.
    target_class : label
        Class the pattern was put on in training.
    threshold : float, default=0.1
        The study's tau.
    exclude_target : bool, default=True
        Drop the test rows of the target class.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None, sample_weight=None) -> float``.

    Raises
    ------
    InvalidParameterError
        For a ``target_class`` that is None, NaN or not a scalar, and a NaN,
        infinite or bool ``threshold``; the data are checked when the scorer
        is called, as in :func:`spurious_score`.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), arXiv:2202.05189.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import validation_curve
    >>> from skcorr.spurious import (SpuriousInjectionClassifier, make_pattern,
    ...                              make_spurious_scorer)
    >>> X, y = load_digits(return_X_y=True)
    >>> pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    >>> clf = SpuriousInjectionClassifier(LogisticRegression(max_iter=200),
    ...                                   pattern, target_class=0, random_state=0)
    >>> scorer = make_spurious_scorer(pattern=pattern, target_class=0)
    >>> train, test = validation_curve(clf, X[:600], y[:600], param_name="n_examples",
    ...                                param_range=[0, 20], cv=2, scoring=scorer)
    >>> bool(test[0].mean() <= test[1].mean())
    True
    """
    check_not_bool("make_spurious_scorer", threshold=threshold)
    check_target_class(target_class, "make_spurious_scorer")
    return SpuriousScorer(pattern, target_class, threshold, exclude_target)


def _welch_greater(a, b):
    """One-sided Welch t-test ``mean(a) > mean(b)``, defined when both samples
    are constant (p = 1 if the means are equal, 0 if ``a`` is above)."""
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        diff = a.mean() - b.mean()
        if diff == 0:
            return 0.0, 1.0
        return (np.inf, 0.0) if diff > 0 else (-np.inf, 1.0)
    with warnings.catch_warnings():
        # near-constant indicator vectors: scipy warns of precision loss
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    return float(result.statistic), float(result.pvalue)


@validate_params(
    {
        "estimator": [HasMethods(["predict_proba"])],
        "baseline": [HasMethods(["predict_proba"])],
        **_SCORE_PARAMS,
    },
    prefer_skip_nested_validation=True,
)
def spurious_significance(
    estimator,
    baseline,
    X,
    y=None,
    *,
    pattern,
    target_class,
    threshold=0.1,
    exclude_target=True,
):
    """Is the spurious score above that of a model trained without the pattern?

    One-sided Welch t-test (:func:`scipy.stats.ttest_ind` with
    ``equal_var=False, alternative="greater"``) of the model's per-row
    indicators against the baseline's, as in the study.

    Parameters
    ----------
    estimator : fitted classifier with predict_proba
        Trained with the pattern on a few examples.
    baseline : fitted classifier with predict_proba
        Trained the same way without the pattern (``n_examples=0``).
    X, y, pattern, target_class, threshold, exclude_target
        As in :func:`spurious_score`.

    Returns
    -------
    result : Bunch
        ``score``, ``baseline_score``, ``statistic``, ``pvalue``. When both
        indicator vectors are constant the test is undefined: the p-value is
        then 1 for equal scores and 0 when the model's is higher.

    Raises
    ------
    ValueError, InvalidParameterError
        As :func:`spurious_score` (images outside ``value_range``, 3-D ``X``,
        missing or unseen labels, a bad ``target_class`` or ``threshold``).

    References
    ----------
    Yang, Chou, Chaudhuri (2022), arXiv:2202.05189.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcorr.spurious import (SpuriousInjectionClassifier, make_pattern,
    ...                              spurious_significance)
    >>> X, y = load_digits(return_X_y=True)
    >>> pattern = make_pattern("R3", (8, 8), value_range=(0, 16), random_state=0)
    >>> def fit(n):
    ...     return SpuriousInjectionClassifier(
    ...         LogisticRegression(max_iter=300), pattern, n, target_class=0,
    ...         random_state=0).fit(X[:900], y[:900])
    >>> result = spurious_significance(fit(40), fit(0), X[900:], y[900:],
    ...                                pattern=pattern, target_class=0)
    >>> bool(result.score > result.baseline_score and result.pvalue < 0.05)
    True
    """
    kwargs = dict(
        pattern=pattern,
        target_class=target_class,
        threshold=threshold,
        exclude_target=exclude_target,
    )
    model_ind, _ = spurious_indicators(estimator, X, y, **kwargs)
    base_ind, _ = spurious_indicators(baseline, X, y, **kwargs)
    statistic, pvalue = _welch_greater(model_ind, base_ind)
    return Bunch(
        score=float(model_ind.mean()),
        baseline_score=float(base_ind.mean()),
        statistic=statistic,
        pvalue=pvalue,
    )
