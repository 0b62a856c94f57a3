"""Self-influence, inflow and outflow of individuals, in linear time."""

import numpy as np
from sklearn.utils import Bunch

from ._base import BilinearInfluence


def _codes(labels, individuals, what):
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional; got shape {labels.shape}.")
    return np.searchsorted(individuals, labels)


def _check_groups(groups, n_rows, what):
    if groups is None:
        return None
    groups = np.asarray(groups)
    if groups.shape != (n_rows,):
        raise ValueError(
            f"{what} must hold one label per row: shape ({n_rows},); got "
            f"{groups.shape}."
        )
    if groups.dtype.kind == "f" and np.isnan(groups).any():
        raise ValueError(f"{what} contains NaN labels.")
    return groups


def influence_flows(
    influence, X, y, *, groups=None, X_eval=None, y_eval=None, eval_groups=None,
    as_frame=False,
):
    """Self-influence, inflow and outflow of each individual.

    An individual ``u`` owns training rows ``D_u`` and evaluation rows
    ``T_u`` (Sundararajan & Krichene, 2022):

    - self-influence: ``Infl(D_u -> T_u)``;
    - outflow: ``sum_{v != u} Infl(D_u -> T_v)``, what ``u`` gives;
    - inflow: ``sum_{v != u} Infl(D_v -> T_u)``, what ``u`` gets.

    Influence being a sum of bilinear forms ``sum_k w_k e_k(z') . t_k(z)``
    (TracIn, Pruthi et al. 2020; influence functions, Koh & Liang 2017), the
    flows come from per-individual sums of features: with ``A_u = sum_{D_u}
    t_k`` and ``B_u = sum_{T_u} e_k``, ``outflow(u) = sum_k w_k A_u . (B -
    B_u)``. Time and memory grow linearly with the rows; no ``n x n`` matrix
    is formed. The result equals the sums over the full influence matrix.

    Parameters
    ----------
    influence : TracIn or LinearInfluence
        A fitted influence method.
    X, y : array-like of shape (n_train, ...)
        Training rows (what individuals give).
    groups : array-like of shape (n_train,), default=None
        The individual owning each training row; None makes each row its own
        individual.
    X_eval, y_eval : array-like of shape (n_eval, ...), default=None
        Evaluation rows (what individuals get). None evaluates on the training
        rows themselves (then TracIn and plain influence functions are
        symmetric and flows are reciprocal by construction).
    eval_groups : array-like of shape (n_eval,), default=None
        The individual owning each evaluation row. Required with ``X_eval``
        when ``groups`` is given; when both are None, evaluation row ``i``
        belongs to the individual of training row ``i``.
    as_frame : bool, default=False
        Return a pandas DataFrame indexed by individual.

    Returns
    -------
    flows : Bunch or DataFrame
        ``individuals``, ``self_influence``, ``inflow``, ``outflow``,
        ``n_train`` and ``n_eval`` (rows each individual owns), one entry per
        individual, sorted by label.

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
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skcorr.influence import LinearInfluence, influence_flows
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(30, 3); y = X @ [1.0, 2.0, 0.0] + rng.randn(30)
    >>> influence = LinearInfluence(Ridge().fit(X, y)).fit(X, y)
    >>> flows = influence_flows(influence, X, y, groups=np.arange(30) % 5)
    >>> flows.individuals
    array([0, 1, 2, 3, 4])
    >>> bool(np.allclose(flows.inflow, flows.outflow))  # one shared set
    True
    """
    if not isinstance(influence, BilinearInfluence):
        raise TypeError(
            "influence must be a TracIn or LinearInfluence object; got "
            f"{type(influence).__name__}."
        )
    n_train = len(X)
    if len(y) != n_train:
        raise ValueError(
            f"X and y have different numbers of rows: {n_train} and {len(y)}."
        )
    groups = _check_groups(groups, n_train, "groups")
    shared = X_eval is None
    if shared:
        if y_eval is not None or eval_groups is not None:
            raise ValueError("y_eval and eval_groups need X_eval.")
        X_eval, y_eval, eval_groups = X, y, groups
    else:
        if y_eval is None or len(y_eval) != len(X_eval):
            raise ValueError("X_eval needs y_eval with one target per row.")
        eval_groups = _check_groups(eval_groups, len(X_eval), "eval_groups")
        if (groups is None) != (eval_groups is None):
            raise ValueError(
                "Give both groups and eval_groups, or neither (then evaluation "
                "row i belongs to the owner of training row i)."
            )
    if groups is None:
        if len(X_eval) != n_train:
            raise ValueError(
                "Without groups, X_eval must have as many rows as X "
                f"({n_train}); got {len(X_eval)}. Pass groups and eval_groups."
            )
        groups = eval_groups = np.arange(n_train)
    individuals = np.unique(np.concatenate([groups, eval_groups]))
    train_codes = _codes(groups, individuals, "groups")
    eval_codes = _codes(eval_groups, individuals, "eval_groups")
    n_individuals = individuals.shape[0]

    train_sums = influence.group_sums(X, y, train_codes, n_individuals, "train")
    if shared and influence._symmetric:
        eval_sums = train_sums
    else:
        eval_sums = influence.group_sums(
            X_eval, y_eval, eval_codes, n_individuals, "eval"
        )
    self_influence = np.zeros(n_individuals)
    inflow = np.zeros(n_individuals)
    outflow = np.zeros(n_individuals)
    for (weight, given), (_, received) in zip(train_sums, eval_sums, strict=True):
        own = weight * np.einsum("ij,ij->i", given, received)
        self_influence += own
        outflow += weight * (given @ received.sum(0)) - own
        inflow += weight * (received @ given.sum(0)) - own
    flows = Bunch(
        individuals=individuals,
        self_influence=self_influence,
        inflow=inflow,
        outflow=outflow,
        n_train=np.bincount(train_codes, minlength=n_individuals),
        n_eval=np.bincount(eval_codes, minlength=n_individuals),
    )
    if as_frame:
        import pandas as pd

        return pd.DataFrame(
            {key: value for key, value in flows.items() if key != "individuals"},
            index=pd.Index(individuals, name="individual"),
        )
    return flows
