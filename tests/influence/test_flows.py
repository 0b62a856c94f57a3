import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge

from skcorr.influence import LinearInfluence, TracIn, influence_flows
from skcorr.influence._base import BilinearInfluence
from skcorr.influence._flows import group_sums

from .conftest import fit_small_net, make_classification_data


def _flows_from_matrix(matrix, train_groups, eval_groups, individuals):
    """The definitions of Sundararajan & Krichene, summed over the full matrix."""
    self_influence, inflow, outflow = [], [], []
    for u in individuals:
        gives = train_groups == u
        gets = eval_groups == u
        self_influence.append(matrix[np.ix_(gets, gives)].sum())
        outflow.append(matrix[np.ix_(~gets, gives)].sum())
        inflow.append(matrix[np.ix_(gets, ~gives)].sum())
    return np.array(self_influence), np.array(inflow), np.array(outflow)


def _assert_flows_match(flows, matrix, train_groups, eval_groups):
    expected = _flows_from_matrix(matrix, train_groups, eval_groups,
                                  flows.individuals)
    scale = np.abs(matrix).sum()
    # LinearInfluence: float64 throughout. TracIn: the matrix multiplies float32
    # gradients in float32 (~2e-7 of sum|e.t| per entry) while the flows sum
    # them in float64; the flows here are >= 0.7% of the scale, where rtol=1e-6
    # is >= 5x the differences seen across CPU kernels.
    for got, want in zip(
        (flows.self_influence, flows.inflow, flows.outflow), expected, strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9 * scale)


def _diabetes_ridge():
    X, y = load_diabetes(return_X_y=True)
    X, y = X[:80], y[:80]
    return X, y, Ridge(alpha=0.1).fit(X, y)


def test_rows_as_individuals_equal_full_matrix_sums_with_asymmetric_influence():
    X, y, model = _diabetes_ridge()
    influence = LinearInfluence(model, leverage_correction=True).fit(X, y)
    matrix = influence.influence(X, y, X, y)
    flows = influence_flows(influence, X, y)
    rows = np.arange(len(X))
    _assert_flows_match(flows, matrix, rows, rows)
    np.testing.assert_allclose(flows.self_influence, np.diag(matrix))
    assert not np.allclose(flows.inflow, flows.outflow)


def test_groups_with_separate_evaluation_sets_equal_full_matrix_sums():
    X, y, model = _diabetes_ridge()
    influence = LinearInfluence(model).fit(X, y)
    rng = np.random.RandomState(0)
    groups = rng.choice(["ann", "bob", "cy", "dee"], size=60)
    eval_groups = rng.choice(["ann", "bob", "cy", "eve"], size=20)
    flows = influence_flows(influence, X[:60], y[:60], groups=groups,
                            X_eval=X[60:], y_eval=y[60:], eval_groups=eval_groups)
    assert flows.individuals.tolist() == ["ann", "bob", "cy", "dee", "eve"]
    matrix = influence.influence(X[60:], y[60:], X[:60], y[:60])
    _assert_flows_match(flows, matrix, groups, eval_groups)
    assert flows.n_eval[3] == 0 and flows.self_influence[3] == 0
    assert flows.n_train[4] == 0 and flows.outflow[4] == 0
    assert flows.n_train.sum() == 60 and flows.n_eval.sum() == 20


def test_tracin_flows_equal_full_matrix_sums_and_are_reciprocal_on_one_set():
    X, y = make_classification_data(n_samples=30)
    net, _ = fit_small_net(X, y)
    tracin = TracIn(net, batch_size=7)
    groups = np.arange(30) % 6
    flows = influence_flows(tracin, X, y, groups=groups)
    matrix = tracin.influence(X, y, X, y)
    _assert_flows_match(flows, matrix, groups, groups)
    np.testing.assert_allclose(flows.inflow, flows.outflow, rtol=1e-6)
    separate = influence_flows(tracin, X[:20], y[:20], groups=groups[:20],
                               X_eval=X[20:], y_eval=y[20:],
                               eval_groups=groups[20:])
    _assert_flows_match(separate, tracin.influence(X[20:], y[20:], X[:20], y[:20]),
                        groups[:20], groups[20:])


def test_multinomial_flows_as_frame():
    X, y = make_classification_data(n_samples=40)
    model = LogisticRegression().fit(X, y)
    influence = LinearInfluence(model).fit(X, y)
    frame = influence_flows(influence, X, y, groups=np.arange(40) // 10,
                            as_frame=True)
    assert list(frame.columns) == ["self_influence", "inflow", "outflow",
                                   "n_train", "n_eval"]
    assert frame.index.name == "individual" and len(frame) == 4
    matrix = influence.influence(X, y, X, y)
    np.testing.assert_allclose(frame["self_influence"].sum() + frame["inflow"].sum(),
                               matrix.sum(), rtol=1e-8)


def test_errors_name_the_problem():
    X, y, model = _diabetes_ridge()
    influence = LinearInfluence(model).fit(X, y)
    with pytest.raises(TypeError, match="TracIn, LinearInfluence or fitted"):
        influence_flows(model, X, y)
    with pytest.raises(ValueError, match="one label per row"):
        influence_flows(influence, X, y, groups=[0, 1])
    with pytest.raises(ValueError, match="both groups and eval_groups"):
        influence_flows(influence, X, y, groups=np.zeros(80), X_eval=X, y_eval=y)
    with pytest.raises(ValueError, match="as many rows as X"):
        influence_flows(influence, X, y, X_eval=X[:5], y_eval=y[:5])
    with pytest.raises(ValueError, match="need X_eval"):
        influence_flows(influence, X, y, y_eval=y)


def test_linear_flows_in_row_blocks_equal_one_block(monkeypatch, tmp_path):
    """Blocks of rows (and a memmap on disk) give the flows of one block."""
    import numpy as np
    from sklearn.linear_model import Ridge

    from skcorr.influence import LinearInfluence, _linear, influence_flows

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] + rng.normal(size=300)
    groups = rng.randint(0, 12, size=300)
    model = Ridge(alpha=1.0).fit(X, y)
    whole = influence_flows(LinearInfluence(model).fit(X, y), X, y, groups=groups)
    stored = np.memmap(tmp_path / "X.dat", dtype=X.dtype, mode="w+", shape=X.shape)
    stored[:] = X
    monkeypatch.setattr(_linear, "ROW_BLOCK", 7)
    blocked = influence_flows(
        LinearInfluence(model).fit(stored, y), stored, y, groups=groups
    )
    for key in ("self_influence", "inflow", "outflow"):
        np.testing.assert_allclose(blocked[key], whole[key], rtol=1e-10)


def test_weighted_tracin_flows_equal_repeated_rows():
    # a row of weight w gives and gets as w copies of it
    X, y = make_classification_data(n_samples=30)
    net, _ = fit_small_net(X, y)
    tracin = TracIn(net, batch_size=7)
    groups = np.arange(30) % 6
    weights = np.random.RandomState(0).randint(1, 4, size=30)
    weighted = influence_flows(tracin, X, y, groups=groups, sample_weight=weights)
    repeat = np.repeat(np.arange(30), weights)
    repeated = influence_flows(tracin, X[repeat], y[repeat], groups=groups[repeat])
    for key in ("self_influence", "inflow", "outflow"):
        np.testing.assert_allclose(weighted[key], repeated[key], rtol=1e-6)
    # separate evaluation rows weighted on their own
    eval_weights = np.random.RandomState(1).randint(1, 4, size=10)
    separate = influence_flows(
        tracin, X[:20], y[:20], groups=groups[:20], X_eval=X[20:], y_eval=y[20:],
        eval_groups=groups[20:], sample_weight=weights[:20],
        eval_sample_weight=eval_weights,
    )
    matrix = tracin.influence(X[20:], y[20:], X[:20], y[:20])
    _assert_flows_match(separate, eval_weights[:, None] * matrix * weights[:20],
                        groups[:20], groups[20:])


def test_weighted_leverage_corrected_flows_remove_each_weighted_row():
    # training features: the change of removing a row with its weight
    X, y, _ = _diabetes_ridge()
    weights = np.random.RandomState(2).uniform(0.2, 3.0, size=len(y))
    model = Ridge(alpha=0.1).fit(X, y, sample_weight=weights)
    influence = LinearInfluence(model, leverage_correction=True).fit(
        X, y, sample_weight=weights)
    groups = np.arange(len(y)) % 8
    flows = influence_flows(influence, X, y, groups=groups, sample_weight=weights)
    gradients, _ = influence._gradients_and_factors(X, y)
    change = influence.leave_one_out_change(X, y, sample_weight=weights)
    matrix = (weights[:, None] * gradients) @ change.T
    _assert_flows_match(flows, matrix, groups, groups)


def test_weighted_matrix_flows_weight_rows_and_columns():
    matrix = np.arange(12.0).reshape(3, 4) - 5
    columns, rows = np.array([1.0, 0.5, 2.0, 0.0]), np.array([3.0, 1.0, 0.5])
    groups, eval_groups = np.array([0, 1, 1, 2]), np.array([2, 0, 1])
    flows = influence_flows(matrix, groups=groups, eval_groups=eval_groups,
                            sample_weight=columns, eval_sample_weight=rows)
    _assert_flows_match(flows, rows[:, None] * matrix * columns, groups,
                        eval_groups)


@pytest.mark.parametrize(
    "weights, match",
    [(-np.ones(80), "sample_weight must be non-negative"),
     (np.ones(79), r"sample_weight must hold one weight per row: shape \(80,\)"),
     (np.r_[np.nan, np.ones(79)], "sample_weight contains NaN"),
     (np.array(["a"] * 80), "sample_weight must be numeric")],
)
def test_bad_weights_name_the_problem(weights, match):
    X, y, model = _diabetes_ridge()
    influence = LinearInfluence(model).fit(X, y)
    with pytest.raises(ValueError, match=match):
        influence_flows(influence, X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="eval_" + match):
        influence_flows(influence, X, y, X_eval=X, y_eval=y,
                        eval_sample_weight=weights)


class _GivenFeatures(BilinearInfluence):
    """Features given outright: two checkpoints, rows in blocks of ``block``."""

    def __init__(self, features, block):
        self.features, self.block = features, block

    def feature_blocks(self, X, y, role):
        n_rows = self.features.shape[1]
        for index, rate in enumerate((0.5, 2.0)):
            for start in range(0, max(n_rows, 1), self.block):
                rows = slice(start, min(start + self.block, n_rows))
                yield index, rate, rows, self.features[index, rows]


@pytest.mark.parametrize("kernel", ["scipy's in-place kernel", "public product"])
@pytest.mark.parametrize("block", [7, 1000])
def test_sparse_group_sums_equal_add_at(block, kernel, monkeypatch):
    from skcorr.influence import _flows

    if kernel == "public product":  # the path of a scipy without the kernel
        monkeypatch.setattr(_flows, "add_csc_product", None)
    else:
        assert _flows.add_csc_product is not None
    rng = np.random.RandomState(0)
    n_rows, n_groups = 200, 30
    scales = 10.0 ** rng.randint(-3, 4, (2, 1, 5))  # magnitudes 1e-3 .. 1e3
    features = rng.standard_normal((2, n_rows, 5)) * scales
    codes = rng.choice([0, 3, 4, 9, 10, 28], size=n_rows)  # groups 1, 2, 29 ... empty
    weight = rng.uniform(0, 3, size=n_rows)
    weight[:10] = 0.0
    got = group_sums(_GivenFeatures(features, block), None, None, codes, n_groups,
                     "train", sample_weight=weight)
    counts = np.bincount(codes, minlength=n_groups)
    for index, (rate, sums) in enumerate(got):
        assert rate == (0.5, 2.0)[index]
        weighted = features[index] * weight[:, None]
        expected = np.zeros((n_groups, 5))
        np.add.at(expected, codes, weighted)
        magnitude = np.zeros((n_groups, 5))
        np.add.at(magnitude, codes, np.abs(weighted))
        # Both are float64 sums of the same m terms of a group, in another
        # association (a block's partial sum joins the running sum at once):
        # each is within gamma_(m-1) * sum|x| of the exact sum (Higham, Accuracy
        # and Stability of Numerical Algorithms, 4.2), so they differ by at
        # most 2 * m * u * sum|x|, u = 2**-53. Empty groups: exactly 0.
        bound = 2 * counts[:, None] * 2.0**-53 * magnitude
        assert np.all(np.abs(sums - expected) <= bound)
        assert np.all(sums[counts == 0] == 0.0)
        assert (np.abs(expected) > 1.0).any()  # the case is not trivially zero


def test_group_sums_of_no_rows_are_zeros():
    got = group_sums(_GivenFeatures(np.zeros((2, 0, 3)), 4), None, None,
                     np.zeros(0, dtype=int), 5, "eval")
    assert [rate for rate, _ in got] == [0.5, 2.0]
    for _, sums in got:
        np.testing.assert_array_equal(sums, np.zeros((5, 3)))
