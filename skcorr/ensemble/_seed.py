"""One estimator, many seeds: SeedEnsembleClassifier and SeedEnsembleRegressor."""

from numbers import Integral, Real

from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

from ..utils.fixes import HasMethods, RealNotInt, _fit_context
from ..utils.parameters import IntervalNotBool
from ._base import (
    VOTING_DOC,
    BaseEnsembleClassifier,
    BaseEnsembleRegressor,
    BaseMemberEnsemble,
)
from ._sampling import draw_features, draw_rows

# Bools are refused: True would be read as a count of 1 row or column.
_COUNT_OR_FRACTION = [
    None,
    IntervalNotBool(Integral, 1, None, closed="left"),
    IntervalNotBool(RealNotInt, 0, 1, closed="right"),
]


class _SeedEnsembleMixin:
    """Parameters and data sampling shared by the two seed ensembles."""

    _parameter_constraints: dict = {
        **BaseMemberEnsemble._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"])],
        "n_seeds": [IntervalNotBool(Integral, 1, None, closed="left")],
        "max_samples": _COUNT_OR_FRACTION,
        "bootstrap": ["boolean"],
        "max_features": _COUNT_OR_FRACTION,
        "shared_fraction": [None, IntervalNotBool(Real, 0, 1, closed="both")],
    }

    def _named_templates(self):
        return [("", self.estimator)]

    def _routing_key(self, template_name):
        return "estimator"

    def _draw_samples(self, n_samples, n_features, seeds, random_state):
        rows = draw_rows(
            n_samples,
            seeds,
            max_samples=self.max_samples,
            bootstrap=self.bootstrap,
            shared_fraction=self.shared_fraction,
            random_state=random_state,
        )
        features = draw_features(n_features, seeds, max_features=self.max_features)
        return rows, features

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` metadata goes to the estimator's ``fit``.

        Returns
        -------
        routing : MetadataRouter
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )


_SHARED_DOC = """
    Parameters
    ----------
    estimator : estimator instance
        The model to repeat: any scikit-learn estimator, Pipeline or skorch net.
        Each member is a clone whose every nested ``random_state`` is set to the
        member's seed; a skorch net is fitted with torch and numpy seeded inside
        the worker, so initialisation, dropout and shuffling follow the seed.
    n_seeds : int, default=10
        Number of members.
    max_samples : int or float, default=None
        Rows per member: a count or a fraction of the training rows, drawn from
        the member's seed. None uses all rows (a bootstrap draws as many as there
        are rows).
    bootstrap : bool, default=False
        Draw the rows with replacement.
    max_features : int or float, default=None
        Columns per member, drawn without replacement. None uses all columns.
    shared_fraction : float in [0, 1], default=None
        Dial of shared training data: this fraction of the rows is common to all
        members and the remaining rows are split into disjoint parts, one per
        member (0: disjoint training sets, 1: identical ones). Excludes
        ``max_samples`` and ``bootstrap``.
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds (``seeds_``) and the shared/disjoint split.
        Same value, same members, whatever ``n_jobs`` or joblib backend.
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
        The fitted members.
    seeds_ : ndarray of shape (n_members,)
        Seed of each member; the seeds drawn for one ensemble are distinct (a
        repeated draw is drawn again).
    member_names_ : list of str
        ``"seed=<seed>"`` for each member.
    estimators_samples_ : list of (ndarray or None)
        Training rows of each member (None: all rows).
    estimators_features_ : list of (ndarray or None)
        Columns of each member (None: all columns).
    fit_times_ : ndarray of shape (n_members,)
        Seconds each member took to fit (as first measured, when cached).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names."""


class SeedEnsembleClassifier(_SeedEnsembleMixin, BaseEnsembleClassifier):
    __doc__ = (
        """Many seeds of one classifier, for studying how their errors correlate.

    Like :class:`~sklearn.ensemble.BaggingClassifier`, seeds are drawn once from
    ``random_state`` and each member is a clone fitted in parallel; unlike it,
    by default every member sees all the training data, so only the seed varies
    (the "same algorithm, same data" scenario of Li et al. 2025,
    arXiv:2502.03937), and the members' own outputs are kept:
    :meth:`predict_all` and :meth:`predict_proba_all`.
"""
        + _SHARED_DOC
        + VOTING_DOC
        + _ATTRIBUTES_DOC
        + """
    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(max_features=2), n_seeds=3, random_state=0
    ... ).fit(X, y)
    >>> ensemble.predict_all(X[:2]).shape
    (2, 3)
    >>> ensemble.predict_proba_all(X[:2]).shape
    (2, 3, 3)
    >>> ensemble.member_names_
    ['seed=209652396', 'seed=398764591', 'seed=924231285']
    """
    )

    _parameter_constraints: dict = {
        **BaseEnsembleClassifier._parameter_constraints,
        **_SeedEnsembleMixin._parameter_constraints,
    }

    def __init__(
        self,
        estimator,
        *,
        n_seeds=10,
        max_samples=None,
        bootstrap=False,
        max_features=None,
        shared_fraction=None,
        voting="auto",
        random_state=None,
        n_jobs=None,
        memory=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_seeds = n_seeds
        self.max_samples = max_samples
        self.bootstrap = bootstrap
        self.max_features = max_features
        self.shared_fraction = shared_fraction
        self.voting = voting
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.memory = memory
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit one clone of the estimator per seed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every member's ``fit`` (indexed by its rows).
        **fit_params : dict
            Other fit parameters, routed to the members when metadata routing is
            enabled (``sklearn.set_config(enable_metadata_routing=True)``).

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
            An estimator class instead of an instance.
        ValueError
            ``sample_weight`` negative, NaN or infinite, all zero, or not of
            one weight per row; and what
            :func:`~sklearn.utils.validation.validate_data` refuses. A
            member's own failure is re-raised with its type, the message
            prefixed by ``Member '<name>' (seed=<seed>) failed to fit``.
        """
        return self._fit_classifier(X, y, sample_weight, fit_params)


class SeedEnsembleRegressor(_SeedEnsembleMixin, BaseEnsembleRegressor):
    __doc__ = (
        """Many seeds of one regressor, for studying how their residuals correlate.

    Seeds are drawn once from ``random_state``, as
    :class:`~sklearn.ensemble.BaggingRegressor` does; each member is a clone
    fitted in parallel. :meth:`predict_all` gives the members' own predictions
    and :meth:`predict` their mean.
"""
        + _SHARED_DOC
        + "\n"
        + _ATTRIBUTES_DOC
        + """

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skcorr.ensemble import SeedEnsembleRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ensemble = SeedEnsembleRegressor(
    ...     DecisionTreeRegressor(max_depth=3), n_seeds=4, max_features=0.5,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> ensemble.predict_all(X[:5]).shape
    (5, 4)
    >>> [len(columns) for columns in ensemble.estimators_features_]
    [5, 5, 5, 5]
    """
    )

    def __init__(
        self,
        estimator,
        *,
        n_seeds=10,
        max_samples=None,
        bootstrap=False,
        max_features=None,
        shared_fraction=None,
        random_state=None,
        n_jobs=None,
        memory=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_seeds = n_seeds
        self.max_samples = max_samples
        self.bootstrap = bootstrap
        self.max_features = max_features
        self.shared_fraction = shared_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.memory = memory
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit one clone of the estimator per seed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every member's ``fit`` (indexed by its rows).
        **fit_params : dict
            Other fit parameters, routed to the members when metadata routing is
            enabled.

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
            An estimator class instead of an instance.
        ValueError
            ``sample_weight`` negative, NaN or infinite, all zero, or not of
            one weight per row; and what
            :func:`~sklearn.utils.validation.validate_data` refuses. A
            member's own failure is re-raised with its type, the message
            prefixed by ``Member '<name>' (seed=<seed>) failed to fit``.
        """
        return self._fit_regressor(X, y, sample_weight, fit_params)
