"""Self-influence, inflow and outflow of individuals, in linear time."""

import sys

import numpy as np
from scipy import sparse
from sklearn.utils import Bunch

from ..utils.fixes import add_csc_product
from ..utils.validation import (
    as_numeric,
    check_missing_labels,
    check_same_index,
)
from ._base import BilinearInfluence


def _codes(labels, individuals, what):
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional; got shape {labels.shape}.")
    return np.searchsorted(individuals, labels)


def _check_groups(groups, n_rows, what):
    if groups is None:
        return None
    groups = check_missing_labels(groups, what)
    if groups.shape != (n_rows,):
        raise ValueError(
            f"{what} must hold one label per row: shape ({n_rows},); got "
            f"{groups.shape}."
        )
    return groups


def _check_row_weights(weights, n_rows, what):
    """Validated float64 weights of shape (n_rows,), or None."""
    if weights is None:
        return None
    weights = as_numeric(weights, what, allow_bool=True)
    if weights.shape != (n_rows,):
        raise ValueError(
            f"{what} must hold one weight per row: shape ({n_rows},); got "
            f"{weights.shape}."
        )
    if not np.isfinite(weights).all():
        raise ValueError(f"{what} contains NaN or infinite values.")
    if (weights < 0).any():
        raise ValueError(f"{what} must be non-negative.")
    return weights


def group_sums(influence, X, y, codes, n_groups, role, sample_weight=None):
    """Per checkpoint, the weighted features summed over the rows of each group.

    ``codes`` holds integer group codes in ``[0, n_groups)``, one per row;
    ``sample_weight`` (validated, or None) weights the rows. Returns a list of
    ``(weight, sums)``, one per checkpoint, with ``sums`` of shape
    ``(n_groups, n_features)``: memory linear in the number of groups, time
    linear in the rows.

    Each block of rows is added as a sparse product: the one-hot matrix of
    the block's groups (one 1 per row, a CSC matrix) times the block's
    features, which scipy's kernel adds into ``sums`` in place, row after
    row: one read of the features, and the sums of ``np.add.at`` (the same
    additions in the same order) at a fraction of its cost (an unbuffered
    scatter, element by element).
    """
    sums, weights = [], []
    for index, weight, rows, features in influence.weighted_feature_blocks(
        X, y, role, sample_weight
    ):
        if index == len(sums):
            sums.append(np.zeros((n_groups, features.shape[1])))
            weights.append(weight)
        block_codes = codes[rows]
        n_rows = block_codes.shape[0]
        if n_rows == 0:
            continue
        if add_csc_product is not None:
            features = np.ascontiguousarray(features, dtype=np.float64)
            add_csc_product(
                n_groups, n_rows, features.shape[1],
                np.arange(n_rows + 1, dtype=np.int64),
                np.asarray(block_codes, dtype=np.int64), np.ones(n_rows),
                features.ravel(), sums[index].ravel(),  # views: added in place
            )
            continue
        # only the groups present: a block's product never spans all groups,
        # so one group per row (n_groups = n_rows overall) stays linear
        present, local = np.unique(block_codes, return_inverse=True)
        one_hot = sparse.csc_array(
            (np.ones(n_rows), local, np.arange(n_rows + 1)),
            shape=(present.shape[0], n_rows),
        )
        sums[index][present] += one_hot @ features
    return list(zip(weights, sums, strict=True))


def _as_matrix(influence):
    """The (n_eval, n_train) matrix of a precomputed influence, or None."""
    # A recorder exists only if its (torch) module was imported: no torch here.
    recorder_module = sys.modules.get(f"{__package__}._tracin_ideal")
    if recorder_module is not None and isinstance(
        influence, recorder_module.TracInIdealRecorder
    ):
        matrix = getattr(influence, "influence_", None)
        if matrix is None:
            raise ValueError(
                "The TracInIdealRecorder holds no influence matrix: fit a net with "
                "it first (with store_matrix=True), or read its flows_."
            )
        return matrix
    if isinstance(influence, np.ndarray | list) or hasattr(influence, "__array__"):
        matrix = as_numeric(influence, "A precomputed influence matrix")
        if matrix.ndim != 2:
            raise ValueError(
                "A precomputed influence must be a matrix of shape (n_eval, "
                f"n_train); got shape {matrix.shape}."
            )
        if not np.isfinite(matrix).all():
            raise ValueError("The influence matrix contains NaN or infinite values.")
        return matrix
    return None


def _matrix_flows(matrix, groups, eval_groups, block_rows=1024):
    """Flows summed over a precomputed matrix, in blocks of evaluation rows."""
    n_eval, n_train = matrix.shape
    groups = _check_groups(groups, n_train, "groups")
    eval_groups = _check_groups(eval_groups, n_eval, "eval_groups")
    if (groups is None) != (eval_groups is None):
        raise ValueError(
            "Give both groups and eval_groups, or neither (then evaluation row i "
            "belongs to the owner of training row i)."
        )
    if groups is None:
        if n_eval != n_train:
            raise ValueError(
                "Without groups, the influence matrix must be square (evaluation "
                f"row i = training row i); got shape {matrix.shape}. Pass groups "
                "and eval_groups."
            )
        groups = eval_groups = np.arange(n_train)
    individuals = np.unique(np.concatenate([groups, eval_groups]))
    train_codes = _codes(groups, individuals, "groups")
    eval_codes = _codes(eval_groups, individuals, "eval_groups")
    n_individuals = individuals.shape[0]
    own = np.zeros(n_train)  # per column: the part its owner's eval rows get
    for start in range(0, n_eval, block_rows):
        block = slice(start, start + block_rows)
        same = eval_codes[block, None] == train_codes[None, :]
        own += np.where(same, matrix[block], 0.0).sum(0)
    self_influence = np.bincount(train_codes, own, minlength=n_individuals)
    given = np.bincount(train_codes, matrix.sum(0), minlength=n_individuals)
    received = np.bincount(eval_codes, matrix.sum(1), minlength=n_individuals)
    return Bunch(
        individuals=individuals,
        self_influence=self_influence,
        inflow=received - self_influence,
        outflow=given - self_influence,
        n_train=np.bincount(train_codes, minlength=n_individuals),
        n_eval=np.bincount(eval_codes, minlength=n_individuals),
    )


def _frame(flows):
    import pandas as pd

    return pd.DataFrame(
        {key: value for key, value in flows.items() if key != "individuals"},
        index=pd.Index(flows.individuals, name="individual"),
    )


def influence_flows(
    influence, X=None, y=None, *, groups=None, X_eval=None, y_eval=None,
    eval_groups=None, sample_weight=None, eval_sample_weight=None, as_frame=False,
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

    Influence that is not bilinear, such as TracInIdeal (the exact loss change
    of each training step, :class:`~skcorr.influence.TracInIdealRecorder`),
    has no features to sum: pass the precomputed ``(n_eval, n_train)`` matrix
    (or the fitted recorder) instead, with ``groups`` over its columns and
    ``eval_groups`` over its rows and no data. The flows are then the sums
    over the matrix, in time linear in its size.

    Parameters
    ----------
    influence : TracIn, LinearInfluence, TracInIdealRecorder or ndarray
        A fitted influence method, a fitted
        :class:`~skcorr.influence.TracInIdealRecorder`, or a precomputed
        influence matrix of shape (n_eval, n_train).
    X, y : array-like of shape (n_train, ...), default=None
        Training rows (what individuals give). Required for TracIn and
        LinearInfluence; must be None for a matrix or a recorder.
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
    sample_weight : array-like of shape (n_train,), default=None
        Weights of the training rows (for a matrix, of its columns): a row of
        weight ``w`` gives as ``w`` copies of it would, so
        ``Infl(D_u -> T_v)`` sums ``w_z w'_z' Infl(z -> z')``. Pass the
        weights the model was fitted with (and give them to
        ``LinearInfluence.fit`` too). None: 1 for every row.
    eval_sample_weight : array-like of shape (n_eval,), default=None
        Weights of the evaluation rows (for a matrix, of its rows). None:
        ``sample_weight`` when the training rows are evaluated (``X_eval``
        is None and there is no matrix), otherwise 1 for every row.
    as_frame : bool, default=False
        Return a pandas DataFrame indexed by individual.

    Returns
    -------
    flows : Bunch or DataFrame
        ``individuals``, ``self_influence``, ``inflow``, ``outflow``,
        ``n_train`` and ``n_eval`` (rows each individual owns), one entry per
        individual, sorted by label.

    Raises
    ------
    TypeError
        If ``influence`` is none of the accepted kinds.
    ValueError
        For a matrix that is not 2-D or not numeric (strings, booleans and
        None are refused, never parsed), or holds NaN or inf; for groups
        of the wrong length, with missing labels (None, NaN, ``pd.NA``) or
        labels of mixed types; for weights that are not numeric, negative,
        NaN or of the wrong length; for ``X_eval`` without ``y_eval`` or
        groups; for pandas inputs paired by position whose indexes differ.

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

    A precomputed matrix (rows: evaluation rows, columns: training rows):

    >>> matrix = np.array([[1.0, 2.0], [0.0, 4.0]])
    >>> flows = influence_flows(matrix)
    >>> flows.self_influence, flows.inflow, flows.outflow
    (array([1., 4.]), array([2., 0.]), array([0., 2.]))
    """
    matrix = _as_matrix(influence)
    if matrix is not None:
        if X is not None or y is not None or X_eval is not None or y_eval is not None:
            raise ValueError(
                "A precomputed influence matrix needs no data: pass groups (one "
                "per column) and eval_groups (one per row) only."
            )
        train_weight = _check_row_weights(sample_weight, matrix.shape[1],
                                          "sample_weight")
        eval_weight = _check_row_weights(eval_sample_weight, matrix.shape[0],
                                         "eval_sample_weight")
        if train_weight is not None:
            matrix = matrix * train_weight[None, :]
        if eval_weight is not None:
            matrix = matrix * eval_weight[:, None]
        flows = _matrix_flows(matrix, groups, eval_groups)
        return _frame(flows) if as_frame else flows
    if not isinstance(influence, BilinearInfluence):
        raise TypeError(
            "influence must be a TracIn, LinearInfluence or fitted "
            "TracInIdealRecorder object, or an (n_eval, n_train) matrix; got "
            f"{type(influence).__name__}."
        )
    if X is None or y is None:
        raise ValueError(f"{type(influence).__name__} needs the training X and y.")
    check_same_index(X=X, y=y, groups=groups, sample_weight=sample_weight)
    check_same_index(X_eval=X_eval, y_eval=y_eval, eval_groups=eval_groups,
                     eval_sample_weight=eval_sample_weight)
    n_train = len(X)
    if len(y) != n_train:
        raise ValueError(
            f"X and y have different numbers of rows: {n_train} and {len(y)}."
        )
    groups = _check_groups(groups, n_train, "groups")
    train_weight = _check_row_weights(sample_weight, n_train, "sample_weight")
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

    if shared and eval_sample_weight is None:
        eval_weight = train_weight  # the training rows, with their weights
    else:
        eval_weight = _check_row_weights(eval_sample_weight, len(X_eval),
                                         "eval_sample_weight")
    train_sums = group_sums(influence, X, y, train_codes, n_individuals, "train",
                            sample_weight=train_weight)
    if shared and influence._symmetric and eval_weight is train_weight:
        eval_sums = train_sums  # the same rows, weights and features
    else:
        eval_sums = group_sums(
            influence, X_eval, y_eval, eval_codes, n_individuals, "eval",
            sample_weight=eval_weight,
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
    return _frame(flows) if as_frame else flows
