"""Different algorithms on the same data: CommitteeClassifier and CommitteeRegressor."""

from numbers import Integral

from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

from ..utils.fixes import _BaseComposition, _fit_context
from ..utils.parameters import IntervalNotBool
from ._base import (
    VOTING_DOC,
    BaseEnsembleClassifier,
    BaseEnsembleRegressor,
    BaseMemberEnsemble,
)


class _CommitteeMixin(_BaseComposition):
    """Named estimators, each repeated over the same ``n_seeds`` seeds."""

    _parameter_constraints: dict = {
        **BaseMemberEnsemble._parameter_constraints,
        "estimators": [list],
        "n_seeds": [IntervalNotBool(Integral, 1, None, closed="left")],
    }

    def _named_templates(self):
        if not self.estimators:
            raise ValueError(
                "estimators is empty: pass a list of (name, estimator) pairs."
            )
        try:
            names = [name for name, _ in self.estimators]
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "estimators must be a list of (name, estimator) pairs; got "
                f"{self.estimators!r}."
            ) from exc
        not_strings = [name for name in names if not isinstance(name, str)]
        if not_strings:
            raise TypeError(
                "The names of the estimators must be strings (they name the "
                "members, 'name/seed=<seed>', and their parameters, "
                f"'name__param'); got {not_strings!r}. Use str(name)."
            )
        self._validate_names(names)
        estimators = [estimator for _, estimator in self.estimators]
        for name, estimator in zip(names, estimators, strict=True):
            if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
                raise TypeError(
                    f"Estimator {name!r} must have fit and predict; got "
                    f"{type(estimator).__name__}."
                )
        return list(self.estimators)

    def _routing_key(self, template_name):
        return template_name

    def get_params(self, deep=True):
        """Parameters of the committee and, with ``deep``, of its estimators
        (``<name>__<parameter>``).

        Parameters
        ----------
        deep : bool, default=True

        Returns
        -------
        params : dict
        """
        return self._get_params("estimators", deep=deep)

    def set_params(self, **params):
        """Set parameters of the committee or of a named estimator.

        Parameters
        ----------
        **params : dict

        Returns
        -------
        self : object
        """
        self._set_params("estimators", **params)
        return self

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` metadata goes to each estimator's ``fit``.

        Returns
        -------
        routing : MetadataRouter
        """
        router = MetadataRouter(owner=self)
        for name, estimator in self.estimators:
            router.add(
                **{name: estimator},
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        return router


_SHARED_DOC = """
    Parameters
    ----------
    estimators : list of (str, estimator)
        Named models; any scikit-learn estimator, Pipeline or skorch net.
    n_seeds : int, default=1
        Seeds per estimator. Every estimator is fitted with the same seeds, so
        ``rf/seed=s`` and ``lr/seed=s`` share a seed.
    random_state : int, RandomState instance or None, default=None
        Draws the seeds (``seeds_``); each member gets its seed in every nested
        ``random_state`` (and, for a skorch net, in torch and numpy).
    n_jobs : int, default=None
        Members fitted in parallel through :mod:`sklearn.utils.parallel`, under
        any joblib backend, and predicted in as many threads of the calling
        process. Each member fits and predicts on one BLAS/OpenMP thread (its
        nested joblib calls of ``n_jobs=None`` one at a time), so results are
        bit-identical for any ``n_jobs`` and backend. None, a positive int, or
        a negative one (-1: all CPUs).
    memory : str, path or joblib.Memory, default=None
        Cache each member's fit by (estimator parameters, seed, data), so a run
        killed part way resumes without refitting the members that finished.
        The cached fits are pickles, loaded (hence run) when found: use a
        folder that only you or users you trust can write to (see
        :ref:`scaling`).
    verbose : int, default=0
        0: silent; 1: a progress bar of the members fitted, on stderr, shown
        only on a terminal; above 1, joblib's messages at that level as well."""

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    estimators_ : list of estimators
        Fitted members, estimator by estimator, seed by seed.
    seeds_ : ndarray of shape (n_members,)
        Seed of each member; the seeds drawn for one ensemble are distinct (a
        repeated draw is drawn again).
    member_names_ : list of str
        ``"<name>/seed=<seed>"`` for each member.
    fit_times_ : ndarray of shape (n_members,)
        Seconds each member took to fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names."""


class CommitteeClassifier(_CommitteeMixin, BaseEnsembleClassifier):
    __doc__ = (
        """Different classifiers on the same data, each over some seeds.

    The "different algorithms, same data" scenario of Li et al. 2025
    (arXiv:2502.03937): :meth:`predict_all` gives one column per member, ready
    for :func:`skcorr.metrics.pairwise_error_correlation`.
"""
        + _SHARED_DOC
        + VOTING_DOC
        + _ATTRIBUTES_DOC
        + """
    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import CommitteeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> committee = CommitteeClassifier(
    ...     [("tree", DecisionTreeClassifier()),
    ...      ("logistic", LogisticRegression(max_iter=500))],
    ...     n_seeds=2, random_state=0,
    ... ).fit(X, y)
    >>> committee.member_names_
    ['tree/seed=209652396', 'tree/seed=398764591', 'logistic/seed=209652396', \
'logistic/seed=398764591']
    >>> committee.predict_all(X[:3]).shape
    (3, 4)
    """
    )

    _parameter_constraints: dict = {
        **BaseEnsembleClassifier._parameter_constraints,
        **_CommitteeMixin._parameter_constraints,
    }

    def __init__(
        self,
        estimators,
        *,
        n_seeds=1,
        voting="auto",
        random_state=None,
        n_jobs=None,
        memory=None,
        verbose=0,
    ):
        self.estimators = estimators
        self.n_seeds = n_seeds
        self.voting = voting
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.memory = memory
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every estimator once per seed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every member's ``fit``.
        **fit_params : dict
            Routed to the members when metadata routing is enabled.

        Returns
        -------
        self : object

        Raises
        ------
        InvalidParameterError
            A member that declares itself a regressor (or any kind but a
            classifier, such as a clusterer), and invalid parameters: bools for
            counts or fractions, ``n_jobs=0``. It is both a ValueError and a
            TypeError.
        TypeError
            An estimator class instead of an instance, or a name that is not a string.
        ValueError
            ``sample_weight`` negative, NaN or infinite, all zero, or not of
            one weight per row; and what
            :func:`~sklearn.utils.validation.validate_data` refuses. A
            member's own failure is re-raised with its type, the message
            prefixed by ``Member '<name>' (seed=<seed>) failed to fit``.
        """
        return self._fit_classifier(X, y, sample_weight, fit_params)


class CommitteeRegressor(_CommitteeMixin, BaseEnsembleRegressor):
    __doc__ = (
        """Different regressors on the same data, each over some seeds.

    :meth:`predict_all` gives one column per member, :meth:`predict` their mean.
"""
        + _SHARED_DOC
        + "\n"
        + _ATTRIBUTES_DOC
        + """

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skcorr.ensemble import CommitteeRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> committee = CommitteeRegressor(
    ...     [("tree", DecisionTreeRegressor(max_depth=3)), ("ridge", Ridge())],
    ...     random_state=0,
    ... ).fit(X, y)
    >>> committee.predict_all(X[:4], as_frame=True).columns.tolist()
    ['tree/seed=209652396', 'ridge/seed=209652396']
    """
    )

    def __init__(
        self,
        estimators,
        *,
        n_seeds=1,
        random_state=None,
        n_jobs=None,
        memory=None,
        verbose=0,
    ):
        self.estimators = estimators
        self.n_seeds = n_seeds
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.memory = memory
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every estimator once per seed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every member's ``fit``.
        **fit_params : dict
            Routed to the members when metadata routing is enabled.

        Returns
        -------
        self : object

        Raises
        ------
        InvalidParameterError
            A member that declares itself a classifier (or any kind but a
            regressor, such as a clusterer), and invalid parameters: bools for
            counts or fractions, ``n_jobs=0``. It is both a ValueError and a
            TypeError.
        TypeError
            An estimator class instead of an instance, or a name that is not a string.
        ValueError
            ``sample_weight`` negative, NaN or infinite, all zero, or not of
            one weight per row; and what
            :func:`~sklearn.utils.validation.validate_data` refuses. A
            member's own failure is re-raised with its type, the message
            prefixed by ``Member '<name>' (seed=<seed>) failed to fit``.
        """
        return self._fit_regressor(X, y, sample_weight, fit_params)
