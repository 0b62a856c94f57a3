"""Test error without labels: the disagreement of independently seeded runs
(Jiang et al. 2022)."""

import warnings

import numpy as np

from ..utils.fixes import validate_params
from ..utils.members import member_outputs
from ..utils.scoring import EstimatorScorer
from ..utils.validation import (
    _as_2d_predictions,
    check_labels,
    check_predictions,
    check_same_index,
    check_weights,
    model_names_of,
)

_CAVEAT = """The estimate holds when the vote of the runs is calibrated class
    by class (Jiang et al.'s condition, which they found deep networks trained
    by SGD to meet approximately); it is off when the runs are over- or
    under-confident, under distribution shift, and for runs that differ in
    little but the seed of a deterministic fit (identical members disagree
    nowhere and "estimate" an error of 0). The gap is at most
    :func:`class_aggregated_calibration_error` (with the members drawn with
    replacement). It estimates the error of one member, not that of the
    ensemble's vote, which is lower."""


def _check_member_labels(Y_pred):
    model_names_of(Y_pred)  # refuses duplicated names
    Y = _as_2d_predictions(Y_pred)
    Y = check_labels(Y, "Y_pred", Y_pred)
    if Y.dtype.kind == "f" and not np.isfinite(Y).all():
        raise ValueError(
            "Y_pred contains NaN or infinite labels: remove or fill in those "
            "samples first."
        )
    if Y.shape[1] < 2:
        raise ValueError(
            f"Disagreement needs the predictions of at least 2 models; got "
            f"{Y.shape[1]}."
        )
    return Y


def _pair_disagreement(Y, weights):
    """Mean over member pairs of the (weighted) rate at which they disagree:
    on a sample where ``n_l`` members predict label ``l``, ``sum_l n_l (n_l -
    1)`` of the ``m (m - 1)`` ordered pairs agree."""
    n_samples, n_models = Y.shape
    _, codes = np.unique(Y, return_inverse=True)
    codes = codes.reshape(Y.shape)
    counts = np.zeros((n_samples, int(codes.max()) + 1))
    np.add.at(counts, (np.repeat(np.arange(n_samples), n_models), codes.ravel()), 1)
    agreeing = (counts * (counts - 1)).sum(axis=1) / (n_models * (n_models - 1))
    per_sample = 1.0 - agreeing
    return float(per_sample.mean() if weights is None else weights @ per_sample)


def _disagreement(Y_pred, sample_weight):
    """The (weighted) disagreement rate of the members' labels, warning when
    they agree everywhere; what :func:`disagreement_rate` and
    :func:`disagreement_error_estimate` both return."""
    Y = _check_member_labels(Y_pred)
    weights = check_weights(sample_weight, Y.shape[0])
    rate = _pair_disagreement(Y, weights)
    if rate == 0:
        # stacklevel: here, the public function, its validate_params wrapper,
        # then the caller's line
        warnings.warn(
            f"All {Y.shape[1]} members predict the same label on every sample: the "
            "disagreement estimate of their test error is 0. Members that differ "
            "only by a seed the estimator ignores (a deterministic fit) carry no "
            "information about the error; vary the seed of a randomised fit.",
            UserWarning,
            stacklevel=4,
        )
    return rate


@validate_params(
    {"Y_pred": ["array-like"], "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def disagreement_rate(Y_pred, *, sample_weight=None):
    """Rate at which two members predict different labels, over all pairs:
    a label-free estimate of their test error.

    Jiang et al. (2022) found that two runs of SGD on the same data that
    differ only by their random seed disagree on unseen samples about as
    often as either is wrong: the disagreement rate estimates the test error
    with no labels (the generalization disagreement equality). This is the
    mean over the ``m (m - 1) / 2`` member pairs of their disagreement rate
    on the samples of ``Y_pred``, which need no labels.

    Parameters
    ----------
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Labels predicted by each member (``predict_all``), at least 2.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    rate : float
        In [0, 1].

    Raises
    ------
    ValueError
        For fewer than 2 models, missing or mixed-type labels, or predictions
        that are not ``(n_samples, n_models)``.

    Warns
    -----
    UserWarning
        When every member predicts the same label on every sample: the
        estimate is 0 and says nothing about the error.

    Notes
    -----
    {caveat}

    References
    ----------
    Jiang, Nagarajan, Baek, Kolter (2022), "Assessing Generalization of SGD
    via Disagreement", ICLR 2022, arXiv:2106.13799.

    Examples
    --------
    >>> from skcorr.metrics import disagreement_rate
    >>> disagreement_rate([[0, 0, 1], [1, 1, 1], [2, 0, 1]])
    0.555...
    """
    check_same_index(Y_pred=Y_pred, sample_weight=sample_weight)
    return _disagreement(Y_pred, sample_weight)


@validate_params(
    {"estimator": "no_validation", "X": ["array-like", "sparse matrix"],
     "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def disagreement_error_estimate(estimator, X, *, sample_weight=None):
    """Label-free estimate of the test error of the members of a fitted
    ensemble: :func:`disagreement_rate` of their predictions on ``X``.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~skcorr.ensemble.SeedEnsembleClassifier` (or another
        skcorr classifier ensemble), alone, as the last step of a Pipeline,
        or as the ``best_estimator_`` of a fitted search.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Unlabelled samples from the test distribution.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    error : float
        Estimated error rate of one member, in [0, 1].

    Raises
    ------
    TypeError
        When ``estimator`` holds no fitted skcorr ensemble (no
        ``predict_all``).

    Warns
    -----
    UserWarning
        When the members agree everywhere (see :func:`disagreement_rate`).

    Notes
    -----
    {caveat}

    References
    ----------
    Jiang, Nagarajan, Baek, Kolter (2022), "Assessing Generalization of SGD
    via Disagreement", ICLR 2022, arXiv:2106.13799.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.metrics import disagreement_error_estimate
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(max_features=1), n_seeds=4, random_state=0,
    ...     max_samples=0.5).fit(X[::2], y[::2])
    >>> estimate = disagreement_error_estimate(ensemble, X[1::2])
    >>> 0 <= estimate <= 1
    True
    """
    Y_pred, _ = member_outputs(estimator, X, "predict_all", as_frame=False)
    check_same_index(X=X, sample_weight=sample_weight)
    return _disagreement(Y_pred, sample_weight)


for _function in (disagreement_rate, disagreement_error_estimate):
    _function.__doc__ = _function.__doc__.replace("{caveat}", _CAVEAT)


@validate_params(
    {"y_true": ["array-like"], "Y_pred": ["array-like"],
     "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def class_aggregated_calibration_error(y_true, Y_pred, *, sample_weight=None):
    """Class-aggregated calibration error (CACE) of the members' vote: how far
    :func:`disagreement_rate` may be from their test error.

    The vote share of class ``k`` on a sample, ``v_k = (1/m) #{j : h_j = k}``,
    is calibrated when, among the samples where it equals ``q``, a share
    ``q`` has true class ``k``. CACE sums the miscalibration over the levels
    ``q = 0, 1/m, ..., 1``, aggregated over classes: ``sum_q | sum_k P(y = k,
    v_k = q) - q sum_k P(v_k = q) |``. Jiang et al. (2022, Theorem 4.2) bound
    the gap between the members' mean test error and their disagreement by
    it; the disagreement there draws the two members with replacement, which
    is ``(m - 1) / m`` times :func:`disagreement_rate`. It needs labels: compute
    it once on a labelled validation set to know whether the label-free
    estimate can be trusted on new data from the same distribution.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Labels predicted by each member (``predict_all``).
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    cace : float
        In [0, 2]; 0 for a calibrated vote.

    Raises
    ------
    ValueError
        For the bad input of :func:`pairwise_error_correlation`.

    References
    ----------
    Jiang, Nagarajan, Baek, Kolter (2022), "Assessing Generalization of SGD
    via Disagreement", ICLR 2022, arXiv:2106.13799.

    Examples
    --------
    >>> from skcorr.metrics import class_aggregated_calibration_error
    >>> y = [0, 0, 1, 1]
    >>> Y_pred = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> class_aggregated_calibration_error(y, Y_pred)
    0.0
    """
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    y, Y, _, _ = check_predictions(y_true, Y_pred, task="classification")
    n_samples, n_models = Y.shape
    weights = check_weights(sample_weight, n_samples)
    if weights is None:
        weights = np.full(n_samples, 1.0 / n_samples)
    labels, codes = np.unique(np.concatenate([y, Y.ravel()]), return_inverse=True)
    y_code, Y_code = codes[:n_samples], codes[n_samples:].reshape(Y.shape)
    votes = np.zeros((n_samples, labels.size), dtype=np.int64)
    np.add.at(votes, (np.repeat(np.arange(n_samples), n_models), Y_code.ravel()), 1)
    level_weights = np.broadcast_to(weights[:, None], votes.shape)
    mass = np.bincount(votes.ravel(), weights=level_weights.ravel(),
                       minlength=n_models + 1)
    is_true = np.zeros(votes.shape, dtype=bool)
    is_true[np.arange(n_samples), y_code] = True
    true_mass = np.bincount(votes[is_true], weights=weights, minlength=n_models + 1)
    q = np.arange(n_models + 1) / n_models
    return float(np.abs(true_mass - q * mass).sum())


class _DisagreementScorer(EstimatorScorer):
    """Scorer of the members' disagreement, read through ``predict_all`` (the
    labels ``y`` are not used)."""

    def score_estimator(self, estimator, X, y_true, **kwargs):
        options = self.metric_options(kwargs, "make_disagreement_scorer")
        Y_pred, _ = member_outputs(estimator, X, "predict_all", as_frame=False)
        return self._score_func(Y_pred, **options)

    def __repr__(self):
        # The default negates (an error): only the other choice is spelled out.
        sign = "greater_is_better=True" if self._sign > 0 else ""
        return f"make_disagreement_scorer({sign})"


@validate_params(
    {"greater_is_better": ["boolean"]}, prefer_skip_nested_validation=True
)
def make_disagreement_scorer(*, greater_is_better=False):
    """Make a scorer of the label-free error estimate of an ensemble's members.

    ``scorer(estimator, X, y=None, sample_weight=None)`` returns
    :func:`disagreement_rate` of the members' predictions on ``X``
    (``predict_all``; the ensemble may sit in a Pipeline or a fitted search),
    negated by default as scikit-learn's error scorers are
    (``neg_mean_squared_error``): a search maximising it prefers members that
    disagree less, so expected to err less (Jiang et al. 2022). ``y`` is not
    read, so it estimates the error on unlabelled data.

    Parameters
    ----------
    greater_is_better : bool, default=False
        With False the score is minus the disagreement rate; with True the
        rate itself (to report it, not to select by it).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None, sample_weight=None) -> float``.

    Raises
    ------
    TypeError
        When called on an estimator that holds no fitted skcorr ensemble.

    Notes
    -----
    The estimate assumes class-wise calibrated members (see
    :func:`disagreement_rate`); check it against labelled data once before
    relying on it.

    References
    ----------
    Jiang, Nagarajan, Baek, Kolter (2022), arXiv:2106.13799.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.metrics import make_disagreement_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(max_features=1), n_seeds=3, random_state=0)
    >>> scores = cross_val_score(ensemble, X, y, cv=3,
    ...                          scoring=make_disagreement_scorer())
    >>> bool((scores <= 0).all())
    True
    """
    sign = 1 if greater_is_better else -1
    return _DisagreementScorer(disagreement_rate, sign, {}, ("predict_all", "predict"))
