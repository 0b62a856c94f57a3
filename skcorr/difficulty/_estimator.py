"""ExampleDifficulty: difficulty scores of every training example over many
seeded runs."""

from contextlib import nullcontext
from numbers import Integral

import numpy as np
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import delayed
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.fixes import HasMethods, Interval
from ..utils.progress import (
    counting_epochs,
    epochs_counted_here,
    parallel_map,
    progress_bar,
)
from ..utils.seeding import (
    MAX_SEED,
    is_skorch_net,
    seeded_estimator,
    seeded_randomness,
)
from ..utils.threads import blas_single_thread, member_threads
from ..utils.validation import check_missing_labels, check_same_index
from ._dynamics import dynamics_scores
from ._ensemble_scores import ensemble_accuracy, ensemble_agreement
from ._recording import record_dynamics
from ._score_functions import (
    ALL_SCORES,
    DYNAMICS_SCORES,
    ENSEMBLE_SCORES,
    MODEL_SCORES,
)

DEFAULT_SCORES = (
    "loss",
    "accuracy",
    "confidence",
    "margin",
    "el2n",
    "entropy",
    "mean_loss",
    "area_under_margin",
    "forgetting_events",
    "first_learned",
    "iteration_learned",
    "unforgettable",
    "cartography_confidence",
    "cartography_variability",
    "cartography_correctness",
)


def _fit_run(*args):
    """Fit one seeded run, record its dynamics and score every example, on one
    BLAS/OpenMP thread as the ensembles' members: the run's numbers do not
    depend on the process or backend it runs in (see member_threads)."""
    counted = epochs_counted_here()
    with member_threads():
        scores, predictions = _fit_and_score_run(*args)
    max_epochs = args[4]
    # epochs of a run in another process could not tick the caller's bar
    return scores, predictions, 0 if counted else max_epochs


def _fit_and_score_run(estimator, X, y, seed, max_epochs, every, n_classes,
                       score_names):
    """Fit one seeded run, record its dynamics and score every example.

    Runs inside the joblib worker: torch (for skorch nets) is seeded here.
    """
    estimator, needs_global_seed = seeded_estimator(clone(estimator), int(seed))
    if "vog" in score_names:  # input gradients at each recorded epoch (Welford)
        from ._callbacks import InputGradientVariance

        callbacks = estimator.callbacks if isinstance(estimator.callbacks, list) else []
        estimator.set_params(callbacks=[
            *callbacks, ("input_gradient_variance", InputGradientVariance(every=every))
        ])
    context = (
        seeded_randomness(int(seed), torch=True) if needs_global_seed else nullcontext()
    )
    with context:
        run = record_dynamics(
            estimator, X, y, max_epochs, classes=np.arange(n_classes), every=every
        )
    # the dynamics scores in one blockwise pass, validated once (the numbers
    # of the score functions, which read the same blocks)
    wanted = [name for name in score_names if name in DYNAMICS_SCORES]
    from_dynamics = dynamics_scores(y, run.dynamics, wanted) if wanted else {}
    scores = {}
    for name in score_names:
        if name in DYNAMICS_SCORES:
            scores[name] = np.asarray(from_dynamics[name], float)
        elif name in MODEL_SCORES:
            scores[name] = np.asarray(MODEL_SCORES[name](run.estimator, X, y), float)
        elif name == "vog":
            recorded = dict(run.estimator.callbacks_)["input_gradient_variance"]
            scores[name] = np.asarray(recorded.vog_, float)
    predictions = run.dynamics[:, -1].argmax(axis=1)
    return scores, predictions


class ExampleDifficulty(BaseEstimator):
    """Difficulty scores of every training example over many seeded runs.

    Fits ``n_seeds`` clones of ``estimator``, each with its own seed (drawn
    once from ``random_state``, as :class:`~sklearn.ensemble.BaggingClassifier`
    does, and set into every nested ``random_state``; skorch nets also get
    torch seeded inside the worker), records each run's training dynamics for
    ``max_epochs`` epochs (:func:`record_dynamics`) and computes the requested
    scores per run, following Kwok et al. (2024). Every score is oriented so
    that **higher means harder**.

    Parameters
    ----------
    estimator : estimator instance
        A classifier with ``partial_fit`` and ``predict_proba`` (e.g.
        :class:`~sklearn.neural_network.MLPClassifier`) or a skorch
        ``NeuralNetClassifier`` (give its module as a class, so that every run
        initialises fresh weights from its seed).
    scores : list of str, default=None
        Names of the scores. Per run, from the dynamics: ``"loss"``,
        ``"accuracy"``, ``"confidence"``, ``"max_confidence"``,
        ``"entropy"``, ``"margin"``, ``"el2n"`` (at the last recorded epoch),
        ``"early_el2n"`` (first recorded epoch), ``"mean_loss"``,
        ``"area_under_margin"``, ``"forgetting_events"``, ``"first_learned"``,
        ``"iteration_learned"``, ``"unforgettable"``,
        ``"cartography_confidence"``, ``"cartography_variability"``,
        ``"cartography_correctness"``; per run, from a skorch net's final
        model: ``"grand"``, ``"prediction_depth"``; per run, recorded while a
        skorch net trains: ``"vog"`` (variance over the recorded epochs of
        the input gradient of ``p_y``, mean over input features, as
        :func:`vog` on those checkpoints; kept as a running mean and sum of
        squares, so memory does not grow with epochs; needs at least two
        recorded epochs); across runs:
        ``"ensemble_accuracy"``, ``"ensemble_agreement"``. None means the
        dynamics scores that need no net.
    n_seeds : int, default=10
        Number of seeded runs.
    max_epochs : int, default=10
        Epochs each run trains (skorch's name).
    every : int, default=1
        Record the dynamics every ``every`` epochs.
    random_state : int, RandomState instance or None, default=None
        Draws the seed of each run (``seeds_``).
    n_jobs : int, default=None
        Runs fitted in parallel with :class:`sklearn.utils.parallel.Parallel`;
        results do not depend on it.
    verbose : bool or int, default=0
        0: silent. 1 or more: a progress bar of the epochs trained over all
        runs on stderr, shown only when stderr is a terminal; it ticks at
        each epoch of runs trained in this process (``n_jobs=1``, threads)
        and by a whole run's epochs when a run in a worker process ends.
        Results do not depend on it.

    Attributes
    ----------
    scores_ : dict of str -> ndarray of shape (n_samples, n_seeds)
        The per-run scores.
    mean_scores_ : DataFrame of shape (n_samples, n_scores)
        The mean over runs of each score (one column per score; ensemble
        scores computed across runs).
    predictions_ : ndarray of shape (n_samples, n_seeds)
        Each run's final predicted class index.
    seeds_ : ndarray of shape (n_seeds,)
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int

    References
    ----------
    Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and
    the Role of Inductive Bias", arXiv:2401.01867.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skcorr.difficulty import ExampleDifficulty
    >>> X, y = load_iris(return_X_y=True)
    >>> difficulty = ExampleDifficulty(
    ...     SGDClassifier(loss="log_loss"), scores=["loss", "forgetting_events"],
    ...     n_seeds=3, max_epochs=5, random_state=0).fit(X, y)
    >>> difficulty.scores_["loss"].shape
    (150, 3)
    >>> list(difficulty.mean_scores_.columns)
    ['loss', 'forgetting_events']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "scores": [list, tuple, None],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "every": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator, *, scores=None, n_seeds=10, max_epochs=10, every=1,
                 random_state=None, n_jobs=None, verbose=0):
        self.estimator = estimator
        self.scores = scores
        self.n_seeds = n_seeds
        self.max_epochs = max_epochs
        self.every = every
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _score_names(self):
        names = list(DEFAULT_SCORES if self.scores is None else self.scores)
        unknown = [name for name in names if name not in ALL_SCORES]
        if unknown:
            raise ValueError(
                f"Unknown score name(s) {unknown}; choose from {list(ALL_SCORES)}."
            )
        if not names:
            raise ValueError("scores is empty: name at least one score.")
        if len(set(names)) != len(names):
            raise ValueError(f"scores holds duplicates: {names}.")
        if "vog" in names and not is_skorch_net(self.estimator):
            raise ValueError(
                "Score 'vog' needs input gradients, which a scikit-learn "
                f"{type(self.estimator).__name__} does not give: use a skorch net "
                "as the estimator, or drop 'vog'."
            )
        model_scores = [name for name in names if name in MODEL_SCORES]
        if model_scores and not is_skorch_net(self.estimator):
            raise ValueError(
                f"Scores {model_scores} need a torch model: use a skorch net as "
                "the estimator, or drop them."
            )
        if self.every > self.max_epochs:
            raise ValueError(
                f"every={self.every} exceeds max_epochs={self.max_epochs}: nothing "
                "would be recorded."
            )
        if "vog" in names and self.max_epochs // self.every < 2:
            raise ValueError(
                f"Score 'vog' needs at least two recorded epochs; max_epochs="
                f"{self.max_epochs} and every={self.every} record "
                f"{self.max_epochs // self.every}."
            )
        return names

    def fit(self, X, y):
        """Fit ``n_seeds`` seeded runs and score every example of ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training inputs (any shape a skorch net accepts).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : ExampleDifficulty

        Raises
        ------
        ValueError
            For unknown or duplicate scores; ``X`` with NaN, empty, or of
            another length than ``y``; missing labels in ``y`` (None, NaN,
            ``pd.NA``: named, never dropped), labels of mixed types, one
            class, continuous ``y``; pandas ``X`` and ``y`` with different
            indexes (rows are paired by position).
        """
        self._validate_params()
        names = self._score_names()
        check_same_index(X=X, y=y)
        if y is not None and np.asarray(y).dtype.kind in "fOmM":
            check_missing_labels(y, "y")  # None / pd.NA would read as a class
        # C order: a DataFrame (column-major) must give bit-identical scores to
        # the same numbers as a numpy array; BLAS sums in a layout's own order.
        X, y = validate_data(self, X, y, allow_nd=True, order="C", dtype=None
                             if is_skorch_net(self.estimator) else "numeric")
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if self.classes_.size < 2:
            raise ValueError(
                "y holds 1 class (one class): difficulty needs at least two classes."
            )
        y_index = encoder.transform(y)
        if is_skorch_net(self.estimator):
            y_index = y_index.astype(np.int64)
        rng = check_random_state(self.random_state)
        self.seeds_ = rng.randint(MAX_SEED, size=self.n_seeds)
        per_run = [name for name in names if name not in ENSEMBLE_SCORES]
        with blas_single_thread(), progress_bar(
            self.n_seeds * self.max_epochs, "difficulty runs", self.verbose,
            unit="epoch",
        ) as progress, counting_epochs(progress):
            results = parallel_map(
                (
                    delayed(_fit_run)(
                        self.estimator, X, y_index, seed, self.max_epochs,
                        self.every, self.classes_.size, per_run,
                    )
                    for seed in self.seeds_
                ),
                progress=progress,
                ticks=lambda result: result[2],
                n_jobs=self.n_jobs,
            )
        self.scores_ = {
            name: np.column_stack([scores[name] for scores, _, _ in results])
            for name in per_run
        }
        self.predictions_ = np.column_stack([pred for _, pred, _ in results])
        mean = {}
        for name in names:
            if name == "ensemble_accuracy":
                mean[name] = ensemble_accuracy(y_index, self.predictions_)
            elif name == "ensemble_agreement":
                mean[name] = ensemble_agreement(y_index, self.predictions_)
            else:
                mean[name] = self.scores_[name].mean(axis=1)
        import pandas as pd

        self.mean_scores_ = pd.DataFrame(mean)
        return self

    def rank(self, score):
        """Rank the examples by the mean of one score: 1 is the hardest.

        Parameters
        ----------
        score : str
            A score computed by :meth:`fit`.

        Returns
        -------
        ranks : ndarray of shape (n_samples,)
            Ties get their average rank (:func:`scipy.stats.rankdata`).
        """
        check_is_fitted(self)
        if score not in self.mean_scores_.columns:
            raise ValueError(
                f"Score {score!r} was not computed; fitted scores are "
                f"{list(self.mean_scores_.columns)}."
            )
        return rankdata(-self.mean_scores_[score].to_numpy())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = False
        return tags

