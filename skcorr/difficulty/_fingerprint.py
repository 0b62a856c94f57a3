"""Fingerprint an architecture from a few architecture-sensitive examples."""

import warnings
from inspect import signature
from itertools import combinations
from numbers import Integral

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import ttest_ind
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.fixes import Interval, StrOptions
from ..utils.seeding import draw_seed

P_VALUE_OFFSET = 1e-15

# scikit-learn >= 1.8 spells "L2 only, new attributes" this way; older versions
# have neither parameter and default to L2.
_L2_ONLY = {
    name: value
    for name, value in {"l1_ratios": (0.0,), "use_legacy_attributes": False}.items()
    if name in signature(LogisticRegressionCV).parameters
}


def welch_statistic(scores, labels, exclude=()):
    """Mean over scores and label pairs of ``-log(p + 1e-15)`` of Welch t-tests.

    Parameters
    ----------
    scores : ndarray of shape (n_runs, n_scores, n_examples)
    labels : ndarray of shape (n_runs,)
    exclude : collection, default=()
        Labels left out: no pair involving them is tested.

    Returns
    -------
    statistic : ndarray of shape (n_examples,)
        NaN p-values (constant or too few runs) count as 1.
    """
    classes = [c for c in np.unique(labels) if c not in set(exclude)]
    if len(classes) < 2:
        raise ValueError(
            f"Selecting examples needs two architectures not excluded; got "
            f"{len(classes)}."
        )
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
    as 1), averaged over scores and pairs; the ``k`` examples with
    the largest statistic are kept and an L2 logistic regression with ``C``
    chosen by cross-validation classifies the runs from their scores on them
    (or, ``classifier="kmeans"``, k-means with one cluster per architecture,
    clusters matched to architectures by the Hungarian algorithm).

    Kwok et al. also select the examples without the architecture being
    classified, to ask whether the fingerprint transfers to an architecture
    the selection never saw: ``exclude_from_selection`` leaves architectures
    out of the t-tests (the classifier still sees every architecture), and
    :func:`leave_one_architecture_out_score` runs that protocol.

    Parameters
    ----------
    k : int, default=10
        Examples kept (all of them if fewer are available), as
        :class:`~sklearn.feature_selection.SelectKBest`'s ``k``.
    n_scores : int, default=1
        Number of score blocks in the columns of ``X``.
    selection : {"t_test", "random", "aggregate"}, default="t_test"
        ``"t_test"``: the study's selection. Baselines: ``"random"`` keeps
        ``k`` random examples; ``"aggregate"`` classifies from the
        mean of each score over all examples.
    classifier : {"logistic", "kmeans"}, default="logistic"
        ``"logistic"``: L2 logistic regression with ``C`` chosen by
        cross-validation. ``"kmeans"``: :class:`~sklearn.cluster.KMeans` with
        one cluster per architecture on the training runs, each cluster
        assigned to one architecture by
        :func:`scipy.optimize.linear_sum_assignment`, maximising the training
        runs whose cluster's architecture is their own; a run is predicted
        the architecture of its nearest centroid. Unsupervised but for the
        matching, so it shows whether runs of one architecture cluster
        together.
    exclude_from_selection : array-like of labels, default=None
        Architectures left out of the t-tests that select examples (for
        ``selection="t_test"``; at least two must remain).
    Cs : int or list of float, default=10
        Regularisation strengths tried by
        :class:`~sklearn.linear_model.LogisticRegressionCV`.
    cv : int, default=3
        Folds for choosing ``C`` (fewer when a class has fewer runs; with a
        class of a single run, ``C=1``).
    random_state : int, RandomState instance or None, default=None
        For ``selection="random"``, the cross-validation splits and k-means.

    Raises
    ------
    ValueError
        From :meth:`fit`, for ``selection="t_test"`` without two runs of
        each of two (not excluded) architectures: no t-test could guide the
        selection.

    Warns
    -----
    UserWarning
        From :meth:`fit`, when ``k`` exceeds the examples (all are
        kept), and when an architecture has a single run (its t-tests are
        undefined and it does not guide the selection).

    Attributes
    ----------
    selected_examples_ : ndarray of shape (n_selected,)
        Indices of the kept examples, strongest first (empty for
        ``"aggregate"``).
    example_statistic_ : ndarray of shape (n_examples_total,)
        The mean ``-log(p + 1e-15)`` of every example.
    selected_statistic_ : ndarray of shape (n_selected,)
        The statistic of the kept examples.
    classifier_ : LogisticRegressionCV, LogisticRegression or KMeans
    cluster_classes_ : ndarray of shape (n_classes,)
        With ``classifier="kmeans"``: the index in ``classes_`` of each
        cluster's architecture.
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
    >>> model = ArchitectureFingerprinter(k=1).fit(runs, arch)
    >>> model.selected_examples_
    array([7])
    >>> clusters = ArchitectureFingerprinter(k=1, classifier="kmeans",
    ...                                      random_state=0).fit(runs, arch)
    >>> float(clusters.score(runs, arch)) > 0.9
    True
    """

    _parameter_constraints = {
        "k": [Interval(Integral, 1, None, closed="left")],
        "n_scores": [Interval(Integral, 1, None, closed="left")],
        "selection": [StrOptions({"t_test", "random", "aggregate"})],
        "classifier": [StrOptions({"logistic", "kmeans"})],
        "exclude_from_selection": [None, "array-like"],
        "Cs": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, k=10, *, n_scores=1, selection="t_test",
                 classifier="logistic", exclude_from_selection=None, Cs=10,
                 cv=3, random_state=None):
        self.k = k
        self.n_scores = n_scores
        self.selection = selection
        self.classifier = classifier
        self.exclude_from_selection = exclude_from_selection
        self.Cs = Cs
        self.cv = cv
        self.random_state = random_state

    def _blocks(self, X):
        """(n_runs, n_scores, n_examples_total), standardised with the fitted
        moments."""
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
        excluded = self._excluded_indices()
        if self.selection == "t_test":
            self._check_runs_per_architecture(y_index, excluded)
        self.example_statistic_ = welch_statistic(
            blocks, y_index,
            exclude=excluded if self.selection == "t_test" else (),
        )
        if self.k > n_total:
            # As SelectKBest does for k > n_features: keep them all, and say so.
            warnings.warn(
                f"k={self.k} is more than the {n_total} examples "
                "the runs have: all of them are used.",
                UserWarning,
                stacklevel=2,
            )
        n_keep = min(self.k, n_total)
        rng = check_random_state(self.random_state)
        if self.selection == "t_test":
            order = np.argsort(-self.example_statistic_, kind="stable")
            self.selected_examples_ = order[:n_keep]
        elif self.selection == "random":
            self.selected_examples_ = rng.choice(n_total, n_keep, replace=False)
        else:
            self.selected_examples_ = np.array([], dtype=np.intp)
        self.selected_statistic_ = self.example_statistic_[self.selected_examples_]
        features = self._features(X)
        if self.classifier == "kmeans":
            self._fit_kmeans(features, y_index, rng)
            return self
        n_splits = min(self.cv, np.bincount(y_index).min())
        if n_splits >= 2:
            from sklearn.model_selection import StratifiedKFold

            splitter = StratifiedKFold(n_splits, shuffle=True,
                                       random_state=draw_seed(rng))
            self.classifier_ = LogisticRegressionCV(
                Cs=self.Cs, cv=splitter, scoring="accuracy", max_iter=1000,
                solver="newton-cg",
                **_L2_ONLY,
            )
        else:
            self.classifier_ = LogisticRegression(max_iter=1000,
                                                  solver="newton-cg")
        self.classifier_.fit(features, y_index)
        return self

    def _check_runs_per_architecture(self, y_index, excluded):
        """A Welch t-test needs two runs on each side: refuse a selection no
        test can guide, warn about architectures that none can."""
        counts = np.bincount(y_index, minlength=self.classes_.size)
        tested = [i for i in range(self.classes_.size) if i not in set(excluded)]
        single = [self.classes_[i].item() for i in tested if counts[i] < 2]
        if len(tested) < 2:
            return  # welch_statistic says that two must remain
        if len(tested) - len(single) < 2:
            runs = dict(zip(self.classes_.tolist(), counts.tolist(), strict=True))
            raise ValueError(
                "The t-test selection needs at least two runs of each of two "
                "architectures (a Welch t-test estimates a variance on each "
                f"side); runs per architecture: "
                f"{runs}. Fit "
                "more runs, or use selection='random' or 'aggregate'."
            )
        if single:
            warnings.warn(
                f"Architecture(s) {single} have a single run: no Welch t-test "
                "involving them is defined, so they do not guide the selection "
                "of examples. Fit at least two runs of each architecture.",
                UserWarning,
                stacklevel=3,
            )

    def _excluded_indices(self):
        if self.exclude_from_selection is None:
            return ()
        excluded = np.asarray(self.exclude_from_selection).ravel()
        unknown = [label.item() for label in excluded if label not in self.classes_]
        if unknown:
            raise ValueError(
                f"exclude_from_selection names architectures not in y: {unknown}; "
                f"the architectures are {self.classes_.tolist()}."
            )
        return {int(np.flatnonzero(self.classes_ == label)[0]) for label in excluded}

    def _fit_kmeans(self, features, y_index, rng):
        n_classes = self.classes_.size  # each class has a run: n_runs >= n_clusters
        self.classifier_ = KMeans(
            n_clusters=n_classes, n_init=10, random_state=draw_seed(rng)
        ).fit(features)
        agreement = np.zeros((n_classes, n_classes))
        np.add.at(agreement, (self.classifier_.labels_, y_index), 1)
        clusters, classes = linear_sum_assignment(agreement, maximize=True)
        self.cluster_classes_ = classes[np.argsort(clusters)]
        self._class_clusters = np.argsort(self.cluster_classes_)

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64)

    def decision_function(self, X):
        """Decision values on the kept examples.

        For the logistic regression, its decision function; for k-means, the
        negative distance to each architecture's centroid (binary: the
        distance to the first class's centroid minus the second's).
        """
        features = self._features(self._check_X(X))
        if self.classifier == "kmeans":
            distance = self.classifier_.transform(features)[:, self._class_clusters]
            if distance.shape[1] == 2:
                return distance[:, 0] - distance[:, 1]
            return -distance
        return self.classifier_.decision_function(features)

    def _has_probabilities(self):
        return self.classifier == "logistic"

    @available_if(_has_probabilities)
    def predict_proba(self, X):
        """Probability of each architecture for each run."""
        features = self._features(self._check_X(X))
        return self.classifier_.predict_proba(features)

    def predict(self, X):
        """Architecture of each run."""
        features = self._features(self._check_X(X))
        index = self.classifier_.predict(features)
        if self.classifier == "kmeans":
            index = self.cluster_classes_[index]
        return self.classes_[index]


def leave_one_architecture_out_score(estimator, X_train, y_train, X_test, y_test):
    """Fingerprint accuracy when the selection never saw the architecture.

    Kwok et al. (2024) check that sensitive examples are not merely the
    examples that single out one architecture: for each architecture ``a``,
    examples are selected by t-tests between the *other* architectures only
    (``exclude_from_selection=[a]``); the classifier is then fitted on the
    training runs of all architectures, and scored on the held-out runs of
    ``a``. Every held-out run is thus classified by a model whose example
    selection did not use its architecture.

    Parameters
    ----------
    estimator : ArchitectureFingerprinter
        Unfitted template (cloned for each architecture), with
        ``selection="t_test"``.
    X_train, y_train : array-like
        Training runs and their architectures (at least three).
    X_test, y_test : array-like
        Held-out runs and their architectures.

    Returns
    -------
    result : Bunch
        ``accuracy``: the fraction of held-out runs assigned correctly;
        ``per_architecture``: dict architecture -> accuracy on its held-out
        runs; ``selected_examples``: dict architecture -> the examples kept
        without it.

    References
    ----------
    Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and
    the Role of Inductive Bias", arXiv:2401.01867.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import (ArchitectureFingerprinter,
    ...                                leave_one_architecture_out_score)
    >>> rng = np.random.RandomState(0)
    >>> arch = np.repeat(["a", "b", "c"], 20)
    >>> runs = rng.normal(size=(60, 30))
    >>> runs[:, 4] += np.where(arch == "a", 3.0, 0.0)  # only a -> lost by LOAO
    >>> runs[:, 9] += np.select([arch == "b", arch == "c"], [3.0, -3.0], 0.0)
    >>> result = leave_one_architecture_out_score(
    ...     ArchitectureFingerprinter(k=1, random_state=0),
    ...     runs[::2], arch[::2],
    ...     runs[1::2], arch[1::2])
    >>> result.selected_examples["a"], result.selected_examples["b"]
    (array([9]), array([4]))
    >>> result.per_architecture["c"], round(result.accuracy, 2)
    (1.0, 0.63)
    """
    if not isinstance(estimator, ArchitectureFingerprinter):
        raise TypeError(
            "estimator must be an ArchitectureFingerprinter; got "
            f"{type(estimator).__name__}."
        )
    if estimator.selection != "t_test":
        raise ValueError(
            "Leave-one-architecture-out concerns the t-test selection; got "
            f"selection={estimator.selection!r}."
        )
    y_test = np.asarray(y_test)
    architectures = np.unique(np.asarray(y_train))
    if architectures.size < 3:
        raise ValueError(
            "Leave-one-architecture-out needs at least three architectures, so "
            f"that two remain for the t-tests; got {architectures.size}."
        )
    X_test = np.asarray(X_test)
    correct, per_architecture, selected = 0, {}, {}
    for label in architectures:
        model = clone(estimator).set_params(exclude_from_selection=[label])
        model.fit(X_train, y_train)
        mine = y_test == label
        hits = int((model.predict(X_test[mine]) == label).sum()) if mine.any() else 0
        correct += hits
        key = label.item() if hasattr(label, "item") else label
        per_architecture[key] = float(hits / mine.sum()) if mine.any() else np.nan
        selected[key] = model.selected_examples_
    return Bunch(
        accuracy=correct / len(y_test),
        per_architecture=per_architecture,
        selected_examples=selected,
    )
