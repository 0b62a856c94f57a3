"""Agreement of classifiers beyond chance: do two models that are both wrong
pick the same wrong label (Kim et al. 2025), and chance-adjusted probabilistic
agreement, CAPA (Goel et al. 2025)."""

import warnings

import numpy as np
from sklearn.utils import Bunch

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import StrOptions, validate_params
from ..utils.members import member_outputs
from ..utils.scoring import EstimatorScorer
from ..utils.validation import (
    check_same_index,
    check_weights,
    describe_models,
    labelled_matrix,
)
from ._member_outputs import member_proba
from ._score import AGGREGATES, aggregate_pairs

_PARAMETERS = {
    "y_true": ["array-like"],
    "Y_pred": ["array-like"],
    "labels": ["array-like", None],
    "sample_weight": ["array-like", None],
}


def _weights(sample_weight, n_samples):
    weights = check_weights(sample_weight, n_samples)
    return np.full(n_samples, 1.0 / n_samples) if weights is None else weights


def _pair_gram(A, B, weights):
    """``sum_i w_i sum_k A[i, a, k] B[i, b, k]`` for every pair ``(a, b)``,
    one matrix product over the stacked (sample, class) axis."""
    n_samples, n_models, n_classes = A.shape
    left = (A * weights[:, None, None]).transpose(1, 0, 2).reshape(n_models, -1)
    right = B.transpose(1, 0, 2).reshape(n_models, -1)
    return left @ right.T


def _warn_undefined_pairs(undefined, model_names, why):
    rows, cols = np.nonzero(np.triu(undefined))
    if rows.size:
        pairs = "; ".join(
            describe_models([a, b], model_names)
            for a, b in zip(rows[:5], cols[:5], strict=True)
        )
        more = f" and {rows.size - 5} more" if rows.size > 5 else ""
        warnings.warn(
            f"Undefined for {rows.size} pair(s) ({pairs}{more}): {why}; set to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=4,
        )


def _wrong_mass(proba, y_index):
    """Probability each model puts on each wrong label (the true one zeroed)."""
    wrong = proba.copy()
    wrong[np.arange(proba.shape[0]), :, y_index] = 0.0
    return wrong


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def pairwise_error_agreement(y_true, Y_pred, *, labels=None, sample_weight=None):
    """How often two classifiers that are both wrong give the same wrong label.

    For each pair of models ``(a, b)``, the agreement on errors is
    ``P(a and b predict the same label | both are wrong)`` (Kim et al. 2025).
    From probabilities it is the same rate for labels drawn from each model's
    distribution, independently on each sample:
    ``sum_i w_i sum_{l != y_i} p_a(l) p_b(l) / sum_i w_i (1 - p_a(y_i))(1 -
    p_b(y_i))``; one-hot probabilities give the rate of the labels.

    Two chance levels come with it. ``uniform_chance = 1 / (n_classes - 1)``:
    two wrong answers picked at random among the wrong labels agree so often.
    ``class_chance``: the agreement expected if, given the true class, each
    model picked its wrong label independently from its own distribution of
    wrong labels on that class (so that two models both confusing cats with
    dogs agree by this chance, not by shared mistakes on the same samples).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like of shape (n_samples, n_models) or (n_samples, \
n_models, n_classes)
        Labels predicted by each model (``predict_all``), or each model's
        class probabilities (``predict_proba_all``).
    labels : array-like of shape (n_classes,), default=None
        The classes. For probabilities, the class of each column (the
        ensemble's ``classes_``); without it the sorted labels of ``y_true``,
        which must then hold every class. For labels, all possible classes
        (it sets ``n_classes`` of the uniform chance); without it the labels
        seen in ``y_true`` and ``Y_pred``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    agreement : Bunch
        - ``agreement``: ndarray (or DataFrame with model names) of shape
          ``(n_models, n_models)``, the rate of equal wrong labels among the
          joint errors of each pair; NaN where a pair is never wrong
          together. The diagonal is 1 for labels; for probabilities it is a
          model's agreement with an independent draw of itself.
        - ``class_chance``: the same shape, the class-conditional chance.
        - ``uniform_chance``: float, ``1 / (n_classes - 1)``.
        - ``both_wrong``: the same shape, the (weighted) rate at which both
          are wrong.
        - ``model_names``: the column names of ``Y_pred`` or None.

    Raises
    ------
    ValueError
        For probabilities that are not distributions over ``n_classes >= 2``
        columns, labels that do not name the columns, or the bad input of
        :func:`pairwise_error_correlation`.

    Warns
    -----
    UndefinedCorrelationWarning
        For pairs of models that are never wrong together (their agreement
        and class chance are NaN).

    References
    ----------
    Kim, Garg, Peng, Garg (2025), "Correlated Errors in Large Language
    Models", ICML 2025 (PMLR 267), arXiv:2506.07962.

    Examples
    --------
    >>> from skcorr.metrics import pairwise_error_agreement
    >>> y = [0, 0, 0, 1, 1]
    >>> Y_pred = [[1, 1, 2], [2, 2, 1], [0, 1, 1], [1, 1, 1], [0, 2, 2]]
    >>> result = pairwise_error_agreement(y, Y_pred)
    >>> result.agreement.round(3)
    array([[1.   , 0.667, 0.   ],
           [0.667, 1.   , 0.5  ],
           [0.   , 0.5  , 1.   ]])
    >>> result.uniform_chance
    0.5
    >>> result.class_chance[0, 1].round(3)
    np.float64(0.333)

    Models 0 and 1 agree on 2 of their 3 joint errors, above the chance of two
    random wrong labels (1/2) and the class-conditional chance (1/3).
    """
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    y_index, proba, model_names = member_proba(y_true, Y_pred, labels)
    n_samples, n_models, n_classes = proba.shape
    weights = _weights(sample_weight, n_samples)
    wrong = _wrong_mass(proba, y_index)
    wrong_rate = wrong.sum(axis=2)  # (n_samples, n_models)
    same_wrong = _pair_gram(wrong, wrong, weights)
    both_wrong = (wrong_rate * weights[:, None]).T @ wrong_rate

    # Each model's distribution of wrong labels on each true class.
    in_class = np.zeros((n_samples, n_classes))
    in_class[np.arange(n_samples), y_index] = weights
    wrong_by_class = np.einsum("ic,ial->cal", in_class, wrong)
    with np.errstate(invalid="ignore", divide="ignore"):
        wrong_labels = wrong_by_class / wrong_by_class.sum(axis=2, keepdims=True)
    wrong_labels = np.nan_to_num(wrong_labels)  # never wrong on c: no joint mass
    chance_by_class = np.einsum("cal,cbl->cab", wrong_labels, wrong_labels)
    both_wrong_by_class = np.einsum("ic,ia,ib->cab", in_class, wrong_rate, wrong_rate)
    expected_same = np.einsum("cab,cab->ab", both_wrong_by_class, chance_by_class)

    undefined = both_wrong <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(undefined, np.nan, same_wrong / both_wrong)
        class_chance = np.where(undefined, np.nan, expected_same / both_wrong)
    _warn_undefined_pairs(undefined, model_names, "the two models are never wrong "
                          "together")
    return Bunch(
        agreement=labelled_matrix(agreement, model_names),
        class_chance=labelled_matrix(class_chance, model_names),
        uniform_chance=1.0 / (n_classes - 1),
        both_wrong=labelled_matrix(both_wrong, model_names),
        model_names=model_names,
    )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def pairwise_capa(y_true, Y_pred, *, labels=None, sample_weight=None):
    """Chance-adjusted probabilistic agreement (CAPA, kappa_p) of every pair.

    CAPA (Goel et al. 2025) is a Cohen's kappa for model outputs:
    ``(c_obs - c_exp) / (1 - c_exp)``. The observed agreement ``c_obs`` is
    the mean over samples of ``sum_k p_a(k) p_b(k)``, the chance that labels
    drawn from the two models' distributions coincide. The agreement
    expected by chance, ``c_exp = q_a q_b + (1 - q_a)(1 - q_b) / (n_classes -
    1)``, is that of models which put on the true class their mean
    probability ``q`` of it and spread the rest uniformly over the wrong
    classes. So two accurate models are not called similar merely for being
    right together, and agreeing on the same wrong classes counts. From labels
    (one-hot probabilities) it is the discrete CAPA.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like of shape (n_samples, n_models) or (n_samples, \
n_models, n_classes)
        Labels predicted by each model (``predict_all``), or each model's
        class probabilities (``predict_proba_all``).
    labels : array-like of shape (n_classes,), default=None
        As in :func:`pairwise_error_agreement`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    capa : ndarray or DataFrame of shape (n_models, n_models)
        A DataFrame labelled by model names when ``Y_pred`` is one. At most 1;
        0 is chance agreement; NaN (with a warning) where ``c_exp = 1``
        (both models always certain and right, or always certain and wrong
        with two classes).

    Raises
    ------
    ValueError
        As :func:`pairwise_error_agreement`.

    Warns
    -----
    UndefinedCorrelationWarning
        For pairs whose chance agreement is 1.

    References
    ----------
    Goel, Struber, Auzina et al. (2025), "Great Models Think Alike and this
    Undermines AI Oversight", arXiv:2502.04313 (reference implementation:
    the ``lm-sim`` package).

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import pairwise_capa
    >>> y = [0, 1, 2, 0]
    >>> proba = [[[0.8, 0.1, 0.1], [0.6, 0.2, 0.2]],
    ...          [[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]],
    ...          [[0.1, 0.1, 0.8], [0.1, 0.1, 0.8]],
    ...          [[0.2, 0.7, 0.1], [0.1, 0.8, 0.1]]]
    >>> np.round(pairwise_capa(y, proba), 3)
    array([[0.283, 0.202],
           [0.202, 0.312]])
    """
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    y_index, proba, model_names = member_proba(y_true, Y_pred, labels)
    n_samples, n_models, n_classes = proba.shape
    weights = _weights(sample_weight, n_samples)
    observed = _pair_gram(proba, proba, weights)
    right = weights @ proba[np.arange(n_samples), :, y_index]
    expected = np.outer(right, right) + np.outer(1 - right, 1 - right) / (
        n_classes - 1
    )
    undefined = expected >= 1
    with np.errstate(invalid="ignore", divide="ignore"):
        capa = np.where(undefined, np.nan, (observed - expected) / (1 - expected))
    _warn_undefined_pairs(undefined, model_names, "their chance agreement is 1 "
                          "(always certain and right)")
    return labelled_matrix(capa, model_names)


class _CapaScorer(EstimatorScorer):
    """Scorer of the members' CAPA, read through ``predict_proba_all`` (with
    the ensemble's ``classes_`` as labels) or ``predict_all``."""

    def score_estimator(self, estimator, X, y_true, **kwargs):
        options = self.metric_options(kwargs, "make_capa_scorer")
        aggregate = options.pop("aggregate")
        if options.pop("proba"):
            outputs, ensemble = member_outputs(estimator, X, "predict_proba_all")
            options["labels"] = ensemble.classes_
        else:
            outputs, _ = member_outputs(estimator, X, "predict_all", as_frame=False)
        matrix = self._score_func(y_true, outputs, **options)
        return aggregate_pairs(np.asarray(matrix), aggregate)

    def __repr__(self):
        options = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        return f"make_capa_scorer({options}{sign})"


@validate_params(
    {
        "proba": ["boolean"],
        "aggregate": [StrOptions(set(AGGREGATES)), callable],
        "greater_is_better": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_capa_scorer(*, proba=True, aggregate="mean", greater_is_better=True):
    """Make a scorer of the CAPA similarity among an ensemble's members.

    ``scorer(estimator, X, y, sample_weight=None)`` returns the ``aggregate``
    over member pairs of :func:`pairwise_capa`, from the members'
    probabilities (``predict_proba_all``, aligned on the ensemble's
    ``classes_``) or labels (``predict_all``). The ensemble may sit in a
    Pipeline or a fitted search. With ``greater_is_better=False`` the score is
    negated, so that a search maximising it prefers members that are less
    alike beyond chance (Goel et al. 2025).

    Parameters
    ----------
    proba : bool, default=True
        Probabilistic CAPA from ``predict_proba_all``; False for the discrete
        CAPA of the predicted labels.
    aggregate : {"mean", "median", "max", "min"} or callable, default="mean"
        How the pairs are summarised (undefined pairs are left out).
    greater_is_better : bool, default=True

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, sample_weight=None) -> float``.

    Raises
    ------
    TypeError
        When called on an estimator that holds no fitted skcorr classifier
        ensemble (no ``predict_proba_all`` or ``predict_all``).

    References
    ----------
    Goel, Struber, Auzina et al. (2025), arXiv:2502.04313.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.metrics import make_capa_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(max_depth=2, max_features=1), n_seeds=3,
    ...     random_state=0)
    >>> cross_val_score(ensemble, X, y, cv=3, scoring=make_capa_scorer()).shape
    (3,)
    """
    sign = 1 if greater_is_better else -1
    kwargs = {"proba": proba, "aggregate": aggregate}
    return _CapaScorer(pairwise_capa, sign, kwargs, ("predict_all", "predict"))
