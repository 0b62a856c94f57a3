"""What every ensemble of skcorr shares: seeds, parallel fitting, member outputs."""

import os
from abc import ABCMeta, abstractmethod
from numbers import Integral

import numpy as np
from joblib import cpu_count
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    check_is_fitted,
    check_memory,
    has_fit_parameter,
    validate_data,
)

from ..utils.fixes import (
    HasMethods,
    StrOptions,
    _get_output_config,
    _raise_for_params,
    _routing_enabled,
)
from ..utils.nets import net_input
from ..utils.parameters import (
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    IntervalNotBool,
)
from ..utils.progress import parallel_map, progress_bar
from ..utils.seeding import MAX_SEED
from ..utils.threads import blas_single_thread, member_threads
from ..utils.validation import check_same_index
from ._fitting import (
    fit_member,
    fit_member_for,
    received_member,
    subset_columns,
)
from ._validation import (
    check_classifier_labels,
    check_fit_sample_weight,
    check_member_kinds,
)


def _thread_count(n_jobs):
    """Threads for ``n_jobs`` on this machine, whatever backend is active."""
    if n_jobs is None:
        return 1
    return n_jobs if n_jobs > 0 else max(cpu_count() + 1 + n_jobs, 1)


def _distinct_seeds(random_state, n_seeds):
    """``n_seeds`` distinct seeds drawn from ``random_state``.

    Two members with one seed would be one model twice (the same rows too, when
    rows are sampled), inflating every correlation; a repeated draw (about one
    chance in 10**8 for 10 seeds) is replaced by further draws, so the seeds
    are those of ``randint(MAX_SEED, size=n_seeds)`` whenever it repeats none.
    """
    seeds = [int(seed) for seed in random_state.randint(MAX_SEED, size=n_seeds)]
    while len(set(seeds)) < n_seeds:
        seen, unique = set(), []
        for seed in seeds:
            if seed not in seen:
                seen.add(seed)
                unique.append(seed)
        extra = random_state.randint(MAX_SEED, size=n_seeds - len(unique))
        seeds = unique + [int(seed) for seed in extra]
    return np.array(seeds, dtype=np.int64)


def _members_have(method):
    """``available_if`` check: every (future) member has ``method``.

    Raises an AttributeError that names the members lacking it, so that
    ``hasattr`` is False and a direct call explains what to do.
    """

    def check(ensemble):
        if hasattr(ensemble, "estimators_"):
            named = zip(ensemble.member_names_, ensemble.estimators_, strict=True)
        else:
            named = ensemble._named_templates()
        missing = [
            f"{name or 'estimator'} ({type(estimator).__name__})"
            for name, estimator in named
            if not hasattr(estimator, method)
        ]
        if missing:
            raise AttributeError(
                f"{type(ensemble).__name__}.{method} needs members that have "
                f"{method}; these have none: {', '.join(missing)}. For a classifier "
                "without probabilities, wrap it in "
                "sklearn.calibration.CalibratedClassifierCV."
            )
        return True

    return check


def _soft_voting_with_probabilities(ensemble):
    """``available_if`` check of ``predict_proba``: as in VotingClassifier, the
    aggregated probabilities exist only when they make the prediction, which
    they do with ``voting="soft"`` and with ``"auto"`` (the default) whenever
    every member has ``predict_proba``."""
    if ensemble.voting == "hard":
        raise AttributeError(
            f"{type(ensemble).__name__}.predict_proba is not available with "
            "voting='hard' (the prediction is a majority vote, not the argmax of "
            "the mean probabilities): use voting='auto' or 'soft', or "
            "predict_proba_all for the members' probabilities."
        )
    return _members_have("predict_proba")(ensemble)


def _resolved_voting(ensemble):
    """``"soft"`` or ``"hard"``: what ``voting`` means for these members."""
    if ensemble.voting != "auto":
        return ensemble.voting
    try:
        _members_have("predict_proba")(ensemble)
    except AttributeError:
        return "hard"
    return "soft"


VOTING_DOC = """
    voting : {"auto", "hard", "soft"}, default="auto"
        Aggregated :meth:`predict`: ``"soft"`` is the class of highest mean
        probability (then :meth:`predict_proba` is the members' mean
        probabilities), ``"hard"`` the majority vote of the members' labels
        (no :meth:`predict_proba`). ``"auto"`` follows
        :class:`~sklearn.ensemble.BaggingClassifier`: soft when every member
        has ``predict_proba``, hard otherwise, so that ``scoring="roc_auc"``
        or ``"neg_log_loss"`` work out of the box.
"""


def _predict_member(estimator, X, features, method):
    with member_threads():
        return getattr(estimator, method)(
            net_input(estimator, subset_columns(X, features))
        )


class BaseMemberEnsemble(BaseEstimator, metaclass=ABCMeta):
    """Base of the ensembles: members are (template, seed) pairs fitted in parallel.

    Subclasses say which templates there are (:meth:`_named_templates`) and, if
    they vary the training data, which rows and columns each member gets
    (:meth:`_draw_samples`).
    """

    _parameter_constraints: dict = {
        "n_seeds": [IntervalNotBool(Integral, 1, None, closed="left")],
        "random_state": RANDOM_STATE_CONSTRAINT,
        "n_jobs": N_JOBS_CONSTRAINT,
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def _named_templates(self):
        """List of ``(name, estimator)``; ``name`` is ``""`` for a single one."""

    @abstractmethod
    def _routing_key(self, template_name):
        """Name under which :meth:`get_metadata_routing` lists a template."""

    def _draw_samples(self, n_samples, n_features, seeds, random_state):
        return [None] * len(seeds), [None] * len(seeds)

    # ------------------------------------------------------------------ fitting
    def _plan_members(self, random_state):
        """Seeds and names of the members, in the order of ``estimators_``."""
        seeds = _distinct_seeds(random_state, self.n_seeds)
        plan = []
        for template_name, template in self._named_templates():
            for seed in seeds:
                name = f"seed={seed}" if not template_name else (
                    f"{template_name}/seed={seed}"
                )
                plan.append((name, template_name, template, int(seed)))
        return plan

    def _fit_params_per_template(self, X, sample_weight, fit_params):
        """Fit parameters of each template, routed or passed by hand."""
        if sample_weight is not None:
            fit_params["sample_weight"] = check_fit_sample_weight(sample_weight, X)
        templates = self._named_templates()
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            return {
                name: routed[self._routing_key(name)].fit for name, _ in templates
            }
        _raise_for_params(
            {k: v for k, v in fit_params.items() if k != "sample_weight"}, self, "fit"
        )
        if "sample_weight" in fit_params:
            for name, template in templates:
                if not has_fit_parameter(template, "sample_weight"):
                    raise ValueError(
                        f"{type(template).__name__} ({name or 'estimator'}) does not "
                        "accept sample_weight in fit; drop sample_weight or enable "
                        "metadata routing to route it explicitly."
                    )
        return {name: dict(fit_params) for name, _ in templates}

    def _input_format(self):
        """Sparse matrices, NaN, strings and categories only for members that
        take them."""
        tags = self.__sklearn_tags__().input_tags
        return {
            "ensure_all_finite": not tags.allow_nan,
            "dtype": None if (tags.string or tags.categorical) else "numeric",
            "accept_sparse": ["csr", "csc"] if tags.sparse else False,
        }

    def _validate_training_data(self, X, y, sample_weight=None, **kwargs):
        # Rows are paired by position; pandas inputs must not say otherwise.
        check_same_index(X=X, y=y, sample_weight=sample_weight)
        return validate_data(
            self, X, y, **self._input_format(), **kwargs
        )

    def _validate_test_data(self, X):
        return validate_data(
            self, X, reset=False, **self._input_format()
        )

    def _fit_members(self, X, y, sample_weight=None, **fit_params):
        random_state = check_random_state(self.random_state)
        plan = self._plan_members(random_state)
        params = self._fit_params_per_template(X, sample_weight, fit_params)
        seeds = [seed for *_, seed in plan]
        rows, features = self._draw_samples(
            X.shape[0], X.shape[1], seeds, random_state
        )
        memory = self.memory
        if isinstance(memory, os.PathLike):
            memory = os.fspath(memory)
        fit = check_memory(memory).cache(fit_member, ignore=["member_name"])
        caller_pid = os.getpid()
        # verbose: 0 silent; 1 a bar of the members fitted (on a terminal
        # only); above 1, joblib's own messages at that level as well.
        with blas_single_thread(), progress_bar(
            len(plan), "fitting members", self.verbose, unit="member"
        ) as progress:
            results = parallel_map(
                (delayed(fit_member_for)(
                    caller_pid,
                    fit,
                    template,
                    seed,
                    X,
                    y,
                    member_rows,
                    member_features,
                    params[template_name],
                    member_name=name,
                )
                for (name, template_name, template, seed), member_rows, member_features
                in zip(plan, rows, features, strict=True)),
                progress=progress,
                n_jobs=self.n_jobs,
                verbose=self.verbose if self.verbose > 1 else 0,
            )
        self.estimators_ = [received_member(fitted) for fitted, _ in results]
        self.fit_times_ = np.array([seconds for _, seconds in results])
        self.seeds_ = np.array(seeds)
        self.member_names_ = [name for name, *_ in plan]
        self.estimators_samples_ = rows
        self.estimators_features_ = features
        return self

    # --------------------------------------------------------------- predicting
    def _member_outputs(self, X, method):
        check_is_fitted(self)
        X = self._validate_test_data(X)
        # Threads of the calling process, whatever joblib backend is active:
        # the fitted members stay where they are, and every prediction is made
        # under the same thread settings (see member_threads).
        n_jobs = min(_thread_count(self.n_jobs), len(self.estimators_))
        with blas_single_thread():
            return Parallel(n_jobs=n_jobs, backend="threading")(
                delayed(_predict_member)(estimator, X, features, method)
                for estimator, features in zip(
                    self.estimators_, self.estimators_features_, strict=True
                )
            )

    def _wants_frame(self, as_frame):
        if as_frame is not None:
            return bool(as_frame)
        return _get_output_config("transform", self)["dense"] == "pandas"

    def predict_all(self, X, *, as_frame=None):
        """Predictions of every member.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        as_frame : bool, default=None
            Return a pandas DataFrame with one column per member, named by
            ``member_names_``. None follows ``set_output(transform=...)`` (or the
            global ``transform_output`` config).

        Returns
        -------
        Y_pred : ndarray or DataFrame of shape (n_samples, n_members)
        """
        index = getattr(X, "index", None)
        outputs = self._member_outputs(X, "predict")
        Y = np.column_stack([np.ravel(output) for output in outputs])
        if self._wants_frame(as_frame):
            import pandas as pd

            return pd.DataFrame(Y, columns=list(self.member_names_), index=index)
        return Y

    def set_output(self, *, transform=None):
        """Choose the container of :meth:`predict_all`: ``"pandas"`` or ``"default"``.

        Parameters
        ----------
        transform : {"default", "pandas"} or None
            None leaves the configuration unchanged.

        Returns
        -------
        self : estimator instance
        """
        if transform is None:
            return self
        if transform not in ("default", "pandas"):
            raise ValueError(
                f"transform must be 'default' or 'pandas'; got {transform!r}."
            )
        self._sklearn_output_config = {"transform": transform}
        return self

    @property
    def n_members_(self):
        """Number of fitted members."""
        check_is_fitted(self)
        return len(self.estimators_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            member_tags = [get_tags(est) for _, est in self._named_templates()]
        except Exception:  # invalid parameters: fit will say what is wrong
            return tags
        if member_tags:
            tags.input_tags.sparse = all(t.input_tags.sparse for t in member_tags)
            tags.input_tags.allow_nan = all(
                t.input_tags.allow_nan for t in member_tags
            )
            tags.input_tags.string = all(t.input_tags.string for t in member_tags)
            tags.input_tags.categorical = all(
                t.input_tags.categorical for t in member_tags
            )
        return tags


class BaseEnsembleClassifier(ClassifierMixin, BaseMemberEnsemble):
    """Classifier side: class alignment, majority and soft voting."""

    _parameter_constraints: dict = {
        **BaseMemberEnsemble._parameter_constraints,
        "voting": [StrOptions({"auto", "hard", "soft"})],
    }

    def _fit_classifier(self, X, y, sample_weight, fit_params):
        check_member_kinds(self, self._named_templates(), "classifier")
        check_classifier_labels(y)
        X, y = self._validate_training_data(X, y, sample_weight)
        check_classification_targets(y)
        if np.ndim(y) != 1:
            raise ValueError(
                f"{type(self).__name__} supports a single target; got y of shape "
                f"{np.shape(y)}."
            )
        self.classes_ = np.unique(y)
        if self.voting == "soft":
            _members_have("predict_proba")(self)
        return self._fit_members(X, y, sample_weight, **fit_params)

    def predict(self, X):
        """Aggregated prediction: the class of highest mean probability
        (``voting="soft"``, and ``"auto"`` when every member has
        ``predict_proba``) or a majority vote (``voting="hard"``, and ``"auto"``
        otherwise; ties go to the first class in ``classes_``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        if _resolved_voting(self) == "soft":
            proba = self.predict_proba(X)
            return self.classes_[np.argmax(proba, axis=1)]
        Y = self.predict_all(X, as_frame=False)
        codes = np.searchsorted(self.classes_, Y)
        votes = np.zeros((Y.shape[0], len(self.classes_)), dtype=np.int64)
        for column in codes.T:
            votes[np.arange(Y.shape[0]), column] += 1
        return self.classes_[np.argmax(votes, axis=1)]

    @available_if(_members_have("predict_proba"))
    def predict_proba_all(self, X):
        """Class probabilities of every member, aligned on ``classes_``.

        A member that never saw a class during training (row sampling) gives it
        probability 0.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_members, n_classes)
        """
        outputs = self._member_outputs(X, "predict_proba")
        n_samples = outputs[0].shape[0]
        proba = np.zeros((n_samples, len(outputs), len(self.classes_)))
        for index, (estimator, output) in enumerate(
            zip(self.estimators_, outputs, strict=True)
        ):
            columns = np.searchsorted(self.classes_, estimator.classes_)
            proba[:, index, columns] = output
        return proba

    @available_if(_soft_voting_with_probabilities)
    def predict_proba(self, X):
        """Mean class probabilities over the members, as
        :class:`~sklearn.ensemble.BaggingClassifier` gives them.

        Available when every member has ``predict_proba`` and ``voting`` is
        ``"auto"`` (the default) or ``"soft"``; with ``voting="hard"`` the
        prediction is a majority vote and :meth:`predict_proba_all` gives the
        members' probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self.predict_proba_all(X).mean(axis=1)

    @available_if(_soft_voting_with_probabilities)
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class BaseEnsembleRegressor(RegressorMixin, BaseMemberEnsemble):
    """Regressor side: the aggregated prediction is the members' mean."""

    def _fit_regressor(self, X, y, sample_weight, fit_params):
        check_member_kinds(self, self._named_templates(), "regressor")
        X, y = self._validate_training_data(X, y, sample_weight, y_numeric=True)
        if np.ndim(y) != 1:
            raise ValueError(
                f"{type(self).__name__} supports a single target; got y of shape "
                f"{np.shape(y)}."
            )
        return self._fit_members(X, y, sample_weight, **fit_params)

    def predict(self, X):
        """Mean prediction of the members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self.predict_all(X, as_frame=False).astype(np.float64).mean(axis=1)
