"""Fingerprint an architecture from a few architecture-sensitive examples."""

import warnings
from inspect import signature
from itertools import combinations
from numbers import Integral

import numpy as np
from scipy.stats import ttest_ind
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

P_VALUE_OFFSET = 1e-15

# scikit-learn >= 1.8 spells "L2 only, new attributes" this way; older versions
# have neither parameter and default to L2.
_L2_ONLY = {
    name: value
    for name, value in {"l1_ratios": (0.0,), "use_legacy_attributes": False}.items()
    if name in signature(LogisticRegressionCV).parameters
}


def welch_statistic(scores, labels):
    """Mean over scores and label pairs of ``-log(p + 1e-15)`` of Welch t-tests.

    Parameters
    ----------
    scores : ndarray of shape (n_runs, n_scores, n_examples)
    labels : ndarray of shape (n_runs,)

    Returns
    -------
    statistic : ndarray of shape (n_examples,)
        NaN p-values (constant or too few runs) count as 1.
    """
    classes = np.unique(labels)
    statistics = []
    for a, b in combinations(classes, 2):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            p = ttest_ind(scores[labels == a], scores[labels == b], axis=0,
                          equal_var=False).pvalue
        p = np.where(np.isnan(p), 1.0, p)
        statistics.append(-np.log(p + P_VALUE_OFFSET))
    return np.mean(statistics, axis=(0, 1))


class ArchitectureFingerprinter(ClassifierMixin, BaseEstimator):
    """Tell a run's architecture from its difficulty scores on a few examples.

    The samples are trained runs; the features are their per-example
    difficulty scores (``n_scores`` blocks of ``n_examples_total`` columns,
    score by score, e.g. ``np.hstack([scores_["loss"].T, scores_["margin"].T])``
    of :class:`ExampleDifficulty` fits of several architectures), and the
    labels are the architectures. Following Kwok et al. (2024), each score is
    standardised; for each example, score and pair of architectures a Welch
    t-test compares the runs, giving ``-log(p + 1e-15)`` (NaN p-values count
    as 1), averaged over scores and pairs; the ``n_examples`` examples with
    the largest statistic are kept and an L2 logistic regression with ``C``
    chosen by cross-validation classifies the runs from their scores on them.

    Parameters
    ----------
    n_examples : int, default=10
        Examples kept (all of them if fewer are available).
    n_scores : int, default=1
        Number of score blocks in the columns of ``X``.
    selection : {"t_test", "random", "aggregate"}, default="t_test"
        ``"t_test"``: the study's selection. Baselines: ``"random"`` keeps
        ``n_examples`` random examples; ``"aggregate"`` classifies from the
        mean of each score over all examples.
    Cs : int or list of float, default=10
        Regularisation strengths tried by
        :class:`~sklearn.linear_model.LogisticRegressionCV`.
    cv : int, default=3
        Folds for choosing ``C`` (fewer when a class has fewer runs; with a
        class of a single run, ``C=1``).
    random_state : int, RandomState instance or None, default=None
        For ``selection="random"`` and the cross-validation splits.

    Attributes
    ----------
    selected_examples_ : ndarray of shape (n_selected,)
        Indices of the kept examples, strongest first (empty for
        ``"aggregate"``).
    example_statistic_ : ndarray of shape (n_examples_total,)
        The mean ``-log(p + 1e-15)`` of every example.
    selected_statistic_ : ndarray of shape (n_selected,)
        The statistic of the kept examples.
    classifier_ : LogisticRegressionCV or LogisticRegression
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int

    References
    ----------
    Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and
    the Role of Inductive Bias", arXiv:2401.01867.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import ArchitectureFingerprinter
    >>> rng = np.random.RandomState(0)
    >>> runs = rng.normal(size=(40, 50))       # 40 runs x 50 examples
    >>> arch = np.repeat([0, 1], 20)
    >>> runs[arch == 1, 7] += 3.0              # example 7 tells them apart
    >>> model = ArchitectureFingerprinter(n_examples=1).fit(runs, arch)
    >>> model.selected_examples_
    array([7])
    """

    _parameter_constraints = {
        "n_examples": [Interval(Integral, 1, None, closed="left")],
        "n_scores": [Interval(Integral, 1, None, closed="left")],
        "selection": [StrOptions({"t_test", "random", "aggregate"})],
        "Cs": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_examples=10, *, n_scores=1, selection="t_test", Cs=10,
                 cv=3, random_state=None):
        self.n_examples = n_examples
        self.n_scores = n_scores
        self.selection = selection
        self.Cs = Cs
        self.cv = cv
        self.random_state = random_state

    def _blocks(self, X):
        """(n_runs, n_scores, n_examples) standardised with the fitted moments."""
        blocks = X.reshape(X.shape[0], self.n_scores, -1)
        return (blocks - self.score_mean_[:, None]) / self.score_scale_[:, None]

    def _features(self, X):
        blocks = self._blocks(X)
        if self.selection == "aggregate":
            return blocks.mean(axis=2)
        return blocks[:, :, self.selected_examples_].reshape(X.shape[0], -1)

    def fit(self, X, y):
        """Select the examples and fit the classifier.

        Parameters
        ----------
        X : array-like of shape (n_runs, n_scores * n_examples_total)
            Per-run difficulty scores, score by score.
        y : array-like of shape (n_runs,)
            Architecture of each run.

        Returns
        -------
        self : ArchitectureFingerprinter
        """
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if X.shape[1] % self.n_scores:
            raise ValueError(
                f"X has {X.shape[1]} columns, not a multiple of n_scores="
                f"{self.n_scores}: expected n_scores blocks of equal width."
            )
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(
                "y holds 1 class (one class): fingerprinting needs runs of at least "
                "two architectures."
            )
        blocks = X.reshape(X.shape[0], self.n_scores, -1)
        self.score_mean_ = blocks.mean(axis=(0, 2))
        scale = blocks.std(axis=(0, 2))
        self.score_scale_ = np.where(scale > 0, scale, 1.0)
        blocks = self._blocks(X)
        n_total = blocks.shape[2]
        self.example_statistic_ = welch_statistic(blocks, y_index)
        n_keep = min(self.n_examples, n_total)
        rng = check_random_state(self.random_state)
        if self.selection == "t_test":
            order = np.argsort(-self.example_statistic_, kind="stable")
            self.selected_examples_ = order[:n_keep]
        elif self.selection == "random":
            self.selected_examples_ = rng.choice(n_total, n_keep, replace=False)
        else:
            self.selected_examples_ = np.array([], dtype=np.intp)
        self.selected_statistic_ = self.example_statistic_[self.selected_examples_]
        n_splits = min(self.cv, np.bincount(y_index).min())
        if n_splits >= 2:
            from sklearn.model_selection import StratifiedKFold

            splitter = StratifiedKFold(n_splits, shuffle=True,
                                       random_state=rng.randint(2**31 - 1))
            self.classifier_ = LogisticRegressionCV(
                Cs=self.Cs, cv=splitter, scoring="accuracy", max_iter=1000,
                solver="newton-cg",
                **_L2_ONLY,
            )
        else:
            self.classifier_ = LogisticRegression(max_iter=1000,
                                                  solver="newton-cg")
        self.classifier_.fit(self._features(X), y_index)
        return self

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64)

    def decision_function(self, X):
        """Decision values of the logistic regression on the kept examples."""
        features = self._features(self._check_X(X))
        return self.classifier_.decision_function(features)

    def predict_proba(self, X):
        """Probability of each architecture for each run."""
        features = self._features(self._check_X(X))
        return self.classifier_.predict_proba(features)

    def predict(self, X):
        """Architecture of each run."""
        features = self._features(self._check_X(X))
        index = self.classifier_.predict(features)
        return self.classes_[index]
