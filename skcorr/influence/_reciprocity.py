"""How reciprocal influence is: inflow against outflow, and a scorer."""

import warnings
from numbers import Integral

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.utils import check_random_state

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.scoring import EstimatorScorer
from ..utils.seeding import is_skorch_net
from ..utils.validation import as_numeric
from ._flows import _check_row_weights, influence_flows

METHODS = ("spearman", "pearson", "gap", "ratio")
# A correlation over 2 individuals is +-1 whatever the flows; below 5, no
# Spearman correlation is significant at the 5% level (p >= 2 / n!).
MIN_CORRELATED = 3
FEW_CORRELATED = 5


def _flow_columns(flows):
    try:
        inflow, outflow = flows["inflow"], flows["outflow"]
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(
            "flows must hold 'inflow' and 'outflow' (the result of "
            "influence_flows)."
        ) from exc
    inflow = as_numeric(inflow, "flows['inflow']")
    outflow = as_numeric(outflow, "flows['outflow']")
    if inflow.shape != outflow.shape or inflow.ndim != 1 or inflow.size < 2:
        raise ValueError(
            "flows need one inflow and one outflow per individual, for at least "
            f"two individuals; got shapes {inflow.shape} and {outflow.shape}."
        )
    if not (np.isfinite(inflow).all() and np.isfinite(outflow).all()):
        raise ValueError("flows contain NaN or infinite values.")
    return inflow, outflow


def reciprocity_score(flows, method="spearman"):
    """How closely what each individual gets matches what it gives.

    Sundararajan & Krichene (2022) call a model reciprocal when each
    individual's inflow of influence roughly equals its outflow. Every method
    gives 1 for perfectly reciprocal flows:

    - ``"spearman"`` / ``"pearson"``: correlation of inflow and outflow across
      individuals;
    - ``"gap"``: ``1 - sum |inflow - outflow| / sum (|inflow| + |outflow|)``,
      in [0, 1];
    - ``"ratio"``: median over individuals of ``inflow / outflow`` (those with
      zero outflow left out); meaningful when flows are positive.

    Parameters
    ----------
    flows : Bunch or DataFrame
        The result of :func:`~skcorr.influence.influence_flows`.
    method : {"spearman", "pearson", "gap", "ratio"}, default="spearman"

    Returns
    -------
    score : float
        NaN, with an :class:`~skcorr.exceptions.UndefinedCorrelationWarning`,
        when the correlation is undefined (constant flows).

    Raises
    ------
    ValueError
        If ``method`` is unknown; if the flows lack ``inflow`` or
        ``outflow``, are not numeric (strings, booleans, None: nothing is
        converted), hold NaN or inf, or cover fewer than two individuals;
        for ``"spearman"`` and ``"pearson"``, fewer than 3 individuals (a
        correlation of 2 points is always +1 or -1).

    Warns
    -----
    UndefinedCorrelationWarning
        For constant flows, or (``"ratio"``) when no outflow is non-zero.
    UserWarning
        For ``"spearman"`` and ``"pearson"`` over 3 or 4 individuals: no
        Spearman correlation of fewer than 5 points is significant at the
        5% level.

    References
    ----------
    .. [1] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.
    .. [2] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [3] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.

    Examples
    --------
    >>> from skcorr.influence import reciprocity_score
    >>> flows = {"inflow": [1.0, 2.0, 3.0, 4.0, 5.0],
    ...          "outflow": [1.0, 3.0, 2.0, 4.0, 5.0]}
    >>> reciprocity_score(flows)
    0.9
    >>> round(reciprocity_score(flows, method="gap"), 3)
    0.933
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    inflow, outflow = _flow_columns(flows)
    if method in ("spearman", "pearson"):
        _check_correlated(inflow.size, method)
        if np.ptp(inflow) == 0 or np.ptp(outflow) == 0:
            warnings.warn(
                f"Inflow or outflow is constant across individuals: the {method} "
                "correlation is undefined and set to NaN.",
                UndefinedCorrelationWarning,
                stacklevel=2,
            )
            return float("nan")
        correlate = spearmanr if method == "spearman" else pearsonr
        return float(correlate(inflow, outflow)[0])
    if method == "gap":
        total = np.abs(inflow).sum() + np.abs(outflow).sum()
        if total == 0:
            return 1.0
        return float(1.0 - np.abs(inflow - outflow).sum() / total)
    giving = outflow != 0
    if not giving.any():
        warnings.warn(
            "No individual has a non-zero outflow: the ratio is undefined and set "
            "to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=2,
        )
        return float("nan")
    return float(np.median(inflow[giving] / outflow[giving]))


def _check_correlated(n_individuals, method, stacklevel=3):
    if n_individuals < MIN_CORRELATED:
        raise ValueError(
            f"A {method} correlation of inflow and outflow needs at least "
            f"{MIN_CORRELATED} individuals; got {n_individuals}: over 2 it is "
            "always +1 or -1, whatever the flows. Use more individuals, or "
            "method='gap' or 'ratio'."
        )
    if n_individuals < FEW_CORRELATED:
        warnings.warn(
            f"The {method} correlation of inflow and outflow covers only "
            f"{n_individuals} individuals: below {FEW_CORRELATED}, no Spearman "
            "correlation, not even +1 or -1, is significant at the 5% level. "
            "Use more individuals.",
            UserWarning,
            stacklevel=stacklevel,
        )


def _final_step(estimator):
    """``(transform, final)``: the model at the bottom of (nested) Pipelines
    and fitted searches, and a function of X applying the transformers
    before it (the identity when there are none)."""
    from ..utils.members import final_estimator, transform_along

    final, route = final_estimator(estimator)
    return (lambda X: transform_along(route, X)), final


def _influence_for(estimator, X, y, influence_params, sample_weight=None):
    """An influence method for a fitted estimator and the (transformed) X;
    ``sample_weight`` weights the Hessian of :class:`LinearInfluence`."""
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

    from ._linear import LinearInfluence

    transform, final = _final_step(estimator)
    X = transform(X)
    if isinstance(final, LinearRegression | Ridge | LogisticRegression):
        influence = LinearInfluence(final, **influence_params)
        return influence.fit(X, y, sample_weight=sample_weight), X
    if is_skorch_net(final) and hasattr(final, "module_"):
        from ._tracin import TracIn

        return TracIn(final, **influence_params), X
    raise TypeError(
        "make_reciprocity_scorer handles LinearRegression, Ridge, "
        "LogisticRegression (LinearInfluence) and skorch nets with a "
        f"TracInCheckpoints callback (TracIn); got {type(final).__name__}."
    )


def _check_y(final, y):
    y = np.asarray(y)
    if is_skorch_net(final) and y.dtype.kind == "f" and y.ndim == 1:
        # skorch regressors want (n, 1) float32 targets
        y = y.reshape(-1, 1).astype(np.float32)
    return y


class ReciprocityScorer(EstimatorScorer):
    """Scorer object built by :func:`make_reciprocity_scorer`.

    A scikit-learn scorer (:class:`~skcorr.utils.scoring.EstimatorScorer`):
    called as ``scorer(estimator, X, y, sample_weight=None)``, usable in
    multi-metric dicts, and with metadata routing
    ``scorer.set_score_request(sample_weight=True)`` routes weights to it.
    """

    def __init__(self, method, n_individuals, random_state, influence_params):
        super().__init__(reciprocity_score, 1, {}, response_method="predict")
        self.method = method
        self.n_individuals = n_individuals
        self.random_state = random_state
        self.influence_params = influence_params

    def split(self, n_rows):
        """Assign rows to individuals, each with contributed and evaluation rows."""
        if n_rows < 2 * self.n_individuals:
            raise ValueError(
                f"The reciprocity scorer needs at least 2 * n_individuals = "
                f"{2 * self.n_individuals} held-out rows; got {n_rows}."
            )
        order = check_random_state(self.random_state).permutation(n_rows)
        individual = np.empty(n_rows, dtype=np.int64)
        contributes = np.empty(n_rows, dtype=bool)
        individual[order] = np.arange(n_rows) % self.n_individuals
        contributes[order] = (np.arange(n_rows) // self.n_individuals) % 2 == 0
        return individual, contributes

    def score_estimator(self, estimator, X, y, sample_weight=None):
        """Reciprocity of the fitted ``estimator`` on the held-out ``X, y``.

        ``sample_weight`` weights the held-out rows: a row of weight ``w``
        gives and gets as ``w`` copies of it would (and weights the Hessian
        of :class:`LinearInfluence`), see
        :func:`~skcorr.influence.influence_flows`.
        """
        if hasattr(X, "to_numpy"):
            X = X.to_numpy()
        X = np.asarray(X)
        if sample_weight is not None:
            sample_weight = _check_row_weights(sample_weight, len(X),
                                               "sample_weight")
        _, final = _final_step(estimator)
        y = _check_y(final, y)
        individual, contributes = self.split(len(X))
        given = None if sample_weight is None else sample_weight[contributes]
        got = None if sample_weight is None else sample_weight[~contributes]
        influence, X_model = _influence_for(
            estimator, X[contributes], y[contributes], self.influence_params,
            sample_weight=given,
        )
        transform, _ = _final_step(estimator)
        X_eval = transform(X[~contributes])
        flows = influence_flows(
            influence, X_model, y[contributes], groups=individual[contributes],
            X_eval=X_eval, y_eval=y[~contributes],
            eval_groups=individual[~contributes],
            sample_weight=given, eval_sample_weight=got,
        )
        return reciprocity_score(flows, method=self.method)

    def __repr__(self):
        return (
            f"make_reciprocity_scorer(method={self.method!r}, "
            f"n_individuals={self.n_individuals}, random_state={self.random_state})"
        )


@validate_params(
    {
        "method": [StrOptions(set(METHODS))],
        "n_individuals": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
        "influence_params": [dict, None],
    },
    prefer_skip_nested_validation=True,
)
def make_reciprocity_scorer(
    *, method="spearman", n_individuals=10, random_state=0, influence_params=None
):
    """A scorer reporting how reciprocal a fitted model's influence is.

    For ``cross_validate``, ``GridSearchCV`` and friends: it fits nothing.
    The held-out fold is split at random into ``n_individuals`` individuals,
    each owning some rows it contributes and separate rows it is evaluated on
    (Sundararajan & Krichene, 2022); their inflows and outflows are measured
    with :class:`~skcorr.influence.LinearInfluence` for ``LinearRegression``,
    ``Ridge`` and ``LogisticRegression`` (Koh & Liang, 2017; the Hessian is
    taken on the contributed rows) or :class:`~skcorr.influence.TracIn` for a
    skorch net fitted with a :class:`~skcorr.influence.TracInCheckpoints`
    callback (Pruthi et al., 2020), and compared by
    :func:`reciprocity_score`. A :class:`~sklearn.pipeline.Pipeline` ending in
    one of these (nested pipelines too) is scored on its transformed inputs,
    and a fitted search on its ``best_estimator_``.

    Parameters
    ----------
    method : {"spearman", "pearson", "gap", "ratio"}, default="spearman"
        See :func:`reciprocity_score`; higher is more reciprocal.
    n_individuals : int, default=10
        Individuals to split the held-out fold into: at least 2, and at
        least 3 for ``"spearman"`` and ``"pearson"`` (a correlation of 2
        points is always +1 or -1; 3 and 4 warn, see
        :func:`reciprocity_score`).
    random_state : int, RandomState instance or None, default=0
        Seeds the split, so every fold and candidate is split the same way.
    influence_params : dict, default=None
        Keyword arguments for ``LinearInfluence`` or ``TracIn``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None) -> float``.

    References
    ----------
    .. [1] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.
    .. [2] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [3] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> from skcorr.influence import make_reciprocity_scorer
    >>> X, y = load_diabetes(return_X_y=True)
    >>> scores = cross_val_score(Ridge(), X, y, cv=3,
    ...                          scoring=make_reciprocity_scorer(n_individuals=8))
    >>> scores.shape
    (3,)
    """
    if method in ("spearman", "pearson") and n_individuals < MIN_CORRELATED:
        raise ValueError(
            f"n_individuals={n_individuals} is too few for method={method!r}: a "
            f"correlation needs at least {MIN_CORRELATED} individuals (over 2 it "
            "is always +1 or -1). Use more individuals, or method='gap'."
        )
    return ReciprocityScorer(
        method, int(n_individuals), random_state, dict(influence_params or {})
    )
