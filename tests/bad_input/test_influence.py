"""Bad input to the influence methods, flows and reciprocity (issue 12).

Numbers given as strings (or booleans, None) are refused rather than parsed;
missing labels and pandas indexes that disagree are named; correlations over
two individuals are refused; TracIn's checkpoints record the learning rate the
optimizer used, whatever the order of the callbacks. Each error's type and
message are asserted; accepted inputs are compared with an independent
computation.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression, Ridge

from skcorr import influence

pd = pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 30
X = rng.rand(N, 4)
y = np.arange(N) % 2
y_reg = X @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.randn(N)
LOGISTIC = LogisticRegression().fit(X, y)
RIDGE = Ridge().fit(X, y_reg)


def _ridge_influence():
    return influence.LinearInfluence(RIDGE).fit(X, y_reg)


def _logistic_influence():
    return influence.LinearInfluence(LOGISTIC).fit(X, y)


# ----------------------------------------- 1. numbers that would be parsed
NOT_NUMERIC = [
    ("flows: string matrix", lambda: influence.influence_flows(
        np.array([["1", "2"], ["3", "4"]])), "influence matrix must be numeric"),
    ("flows: object matrix with a string", lambda: influence.influence_flows(
        np.array([[1.0, "2"], [3.0, 4.0]], dtype=object)),
     "influence matrix must be numeric; got str values such as '2'"),
    ("flows: boolean matrix", lambda: influence.influence_flows(np.eye(3, dtype=bool)),
     "influence matrix must be numeric; got dtype bool"),
    ("flows: DataFrame of strings", lambda: influence.influence_flows(
        pd.DataFrame([["1", "2"], ["3", "4"]])), "influence matrix must be numeric"),
    ("flows: None in a matrix", lambda: influence.influence_flows(
        np.array([[1.0, None], [3.0, 4.0]], dtype=object)), "1 missing value"),
    ("reciprocity: string flows", lambda: influence.reciprocity_score(
        {"inflow": ["1", "2", "3"], "outflow": ["1", "3", "2"]}),
     r"flows\['inflow'\] must be numeric"),
    ("reciprocity: string outflow in a DataFrame", lambda: influence.reciprocity_score(
        pd.DataFrame({"inflow": [1.0, 2.0, 3.0], "outflow": ["1", "3", "2"]})),
     r"flows\['outflow'\] must be numeric; got str"),
    ("reciprocity: boolean flows", lambda: influence.reciprocity_score(
        {"inflow": [True, False, True], "outflow": [1.0, 3.0, 2.0]}),
     "got dtype bool: booleans are not taken for numbers"),
    ("reciprocity: None flows", lambda: influence.reciprocity_score(
        {"inflow": [1.0, None, 3.0], "outflow": [1.0, 3.0, 2.0]}),
     r"flows\['inflow'\] contains 1 missing value"),
    ("LinearInfluence: string X", lambda: influence.LinearInfluence(RIDGE).fit(
        X.astype(str), y_reg), "X must be numeric; got dtype <U"),
    ("LinearInfluence: DataFrame with a string column",
     lambda: influence.LinearInfluence(RIDGE).fit(
         pd.DataFrame(X).assign(**{"0": X[:, 0].astype(str)}).iloc[:, 1:], y_reg),
     "X must be numeric; got str values"),
    ("LinearInfluence: string regression y", lambda: influence.LinearInfluence(
        RIDGE).fit(X, y_reg.astype(str)), r"y \(a regression target\) must be numeric"),
    ("LinearInfluence: None in a regression y", lambda: influence.LinearInfluence(
        RIDGE).fit(X, np.array([None, *y_reg[1:]], dtype=object)), "1 missing value"),
    ("LinearInfluence: string sample_weight", lambda: influence.LinearInfluence(
        RIDGE).fit(X, y_reg, sample_weight=np.ones(N).astype(str)),
     "sample_weight must be numeric"),
    ("flows: string y_eval for regression", lambda: influence.influence_flows(
        _ridge_influence(), X, y_reg, X_eval=X, y_eval=y_reg.astype(str),
        groups=y, eval_groups=y), r"y \(a regression target\) must be numeric"),
    ("flows: string sample_weight", lambda: influence.influence_flows(
        _ridge_influence(), X, y_reg, sample_weight=np.ones(N).astype(str)),
     "sample_weight must be numeric"),
    ("flows: object eval_sample_weight with a string",
     lambda: influence.influence_flows(
        _ridge_influence(), X, y_reg,
        eval_sample_weight=np.array(["1", *np.ones(N - 1)], dtype=object)),
     "eval_sample_weight must be numeric; got str"),
]


@pytest.mark.parametrize("call, match", [c[1:] for c in NOT_NUMERIC],
                         ids=[c[0] for c in NOT_NUMERIC])
def test_strings_booleans_and_none_are_not_parsed(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_numeric_object_arrays_and_boolean_weights_give_the_float_numbers():
    matrix = rng.rand(4, 4)
    expected = influence.influence_flows(matrix)
    as_object = influence.influence_flows(matrix.astype(object))
    for key in ("self_influence", "inflow", "outflow"):
        np.testing.assert_array_equal(as_object[key], expected[key])
    mask = np.arange(N) % 3 > 0
    by_mask = influence.LinearInfluence(RIDGE).fit(X, y_reg, sample_weight=mask)
    by_float = influence.LinearInfluence(RIDGE).fit(X, y_reg,
                                                    sample_weight=mask.astype(float))
    np.testing.assert_array_equal(by_mask.hessian_, by_float.hessian_)


# -------------------------------------------- correlations of 2 individuals
@pytest.mark.parametrize("method", ["spearman", "pearson"])
def test_two_individuals_are_refused_for_a_correlation(method):
    with pytest.raises(ValueError, match=r"needs at least 3 individuals; got 2.*"
                       r"always \+1 or -1.*method='gap'"):
        influence.reciprocity_score({"inflow": [1.0, 2.0], "outflow": [2.0, 5.0]},
                                    method=method)
    with pytest.raises(ValueError, match=r"n_individuals=2 is too few"):
        influence.make_reciprocity_scorer(method=method, n_individuals=2)


@pytest.mark.parametrize("n", [3, 4])
def test_three_or_four_individuals_warn(n):
    flows = {"inflow": np.arange(n, dtype=float), "outflow": np.r_[1.0, 0.0,
                                                                     np.arange(2, n)]}
    with pytest.warns(UserWarning, match=rf"covers only {n} individuals.*5% level"):
        score = influence.reciprocity_score(flows)
    assert score == pytest.approx(spearmanr(flows["inflow"], flows["outflow"])[0],
                                  abs=1e-15)


def test_gap_and_ratio_accept_two_individuals():
    flows = {"inflow": [1.0, 3.0], "outflow": [2.0, 3.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gap = influence.reciprocity_score(flows, method="gap")
        ratio = influence.reciprocity_score(flows, method="ratio")
    assert gap == 1 - 1 / 9  # 1 - (|1-2| + |3-3|) / (1 + 3 + 2 + 3), exact in float
    assert ratio == np.median([0.5, 1.0])
    assert influence.make_reciprocity_scorer(method="gap", n_individuals=2)


def test_five_individuals_do_not_warn():
    flows = {"inflow": [1.0, 2.0, 3.0, 4.0, 5.0], "outflow": [1.0, 3.0, 2.0, 4.0, 5.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert influence.reciprocity_score(flows) == pytest.approx(0.9, abs=1e-15)


def test_nan_flows_keep_their_message():
    with pytest.raises(ValueError, match="flows contain NaN or infinite values"):
        influence.reciprocity_score({"inflow": [1.0, np.nan, 3.0],
                                     "outflow": [1.0, 3.0, 2.0]})


# ----------------------------------------------- 3. missing labels, indexes
MISSING = [
    ("float NaN", np.r_[np.nan, y[1:]], "y contains NaN labels"),
    ("None", np.array([None, *y[1:]], dtype=object), r"y contains 1 missing value"),
    ("pd.NA in an object Series", pd.Series([pd.NA, *y[1:]], dtype=object),
     r"y contains 1 missing value"),
    ("nullable Int64", pd.array([pd.NA, *y[1:]], dtype="Int64"), "missing value"),
]


@pytest.mark.parametrize("labels, match", [m[1:] for m in MISSING],
                         ids=[m[0] for m in MISSING])
def test_missing_labels_are_named(labels, match):
    with pytest.raises(ValueError, match=match):
        influence.LinearInfluence(LOGISTIC).fit(X, labels)
    with pytest.raises(ValueError, match=match):
        _logistic_influence().influence(X[:5], labels[:5], X, y)


@pytest.mark.parametrize("groups, match", [
    (np.array([None, *y[1:]], dtype=object), "groups contains 1 missing value"),
    (pd.array([pd.NA, *y[1:]], dtype="Int64"), "groups contains"),
    (pd.Series(["a", None] * 15), r"groups contains 1?5? ?missing value"),
    (np.array(["a", *y[1:]], dtype=object), "groups mixes labels of different types"),
])
def test_groups_with_missing_or_mixed_labels(groups, match):
    with pytest.raises(ValueError, match=match):
        influence.influence_flows(_ridge_influence(), X, y_reg, groups=groups)


def test_pandas_indexes_must_agree():
    frame = pd.DataFrame(X, index=np.arange(N) + 100)
    reversed_y = pd.Series(y, index=frame.index[::-1])
    with pytest.raises(ValueError, match="X and y carry different pandas indexes"):
        influence.LinearInfluence(LOGISTIC).fit(frame, reversed_y)
    with pytest.raises(ValueError, match="X and y carry different pandas indexes"):
        _logistic_influence().influence(frame, reversed_y, X, y)
    with pytest.raises(ValueError, match="X and sample_weight carry different"):
        influence.LinearInfluence(LOGISTIC).fit(
            frame, y, sample_weight=pd.Series(np.ones(N), index=frame.index[::-1]))
    with pytest.raises(ValueError, match="X and groups carry different pandas"):
        influence.influence_flows(
            _logistic_influence(), frame, pd.Series(y, frame.index),
            groups=pd.Series(y, index=frame.index[::-1]))
    # aligned pandas inputs give the numbers of the arrays
    aligned = influence.LinearInfluence(LOGISTIC).fit(frame, pd.Series(y, frame.index))
    np.testing.assert_array_equal(aligned.hessian_, _logistic_influence().hessian_)


# ------------------------------------------------------------- TracIn
torch = pytest.importorskip("torch")


def _module():
    torch.manual_seed(0)
    return torch.nn.Linear(4, 2)


def test_tracin_refuses_missing_labels_and_pandas_index_mismatch():
    module = _module()
    tracin = influence.TracIn(module, [(module.state_dict(), 0.1)],
                              loss=torch.nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match=r"y contains 1 missing value"):
        tracin.self_influence(X.astype(np.float32),
                              np.array([None, *y[1:]], dtype=object))
    frame = pd.DataFrame(X.astype(np.float32), index=np.arange(N) + 5)
    with pytest.raises(ValueError, match="X and y carry different pandas indexes"):
        tracin.self_influence(frame, pd.Series(y, index=frame.index[::-1]))


def test_tracin_checkpoints_of_another_module_are_refused():
    module = _module()
    loss = torch.nn.CrossEntropyLoss()
    Xf = X.astype(np.float32)
    bigger = torch.nn.Linear(5, 2).state_dict()
    with pytest.raises(ValueError, match=r"other shapes than the module's \(weight: "
                       r"\(2, 5\) in the checkpoint, \(2, 4\) in the module\)"):
        influence.TracIn(module, [(bigger, 0.1)], loss=loss).self_influence(Xf, y)
    extra = {**module.state_dict(), "extra.weight": torch.zeros(1)}
    with pytest.raises(ValueError, match=r"holds tensors \['extra.weight'\] that the "
                       "module lacks"):
        influence.TracIn(module, [(extra, 0.1)], loss=loss).self_influence(Xf, y)


@pytest.mark.parametrize("rate", [-0.1, float("nan"), float("inf"), True, "0.1", None])
def test_tracin_refuses_bad_learning_rates(rate):
    module = _module()
    with pytest.raises(ValueError, match=r"positive number \(or 0.*checkpoint 1 has"):
        influence.TracIn(module, [(module.state_dict(), 0.1),
                                  (module.state_dict(), rate)],
                         loss=torch.nn.CrossEntropyLoss())


def test_tracin_a_zero_rate_contributes_nothing():
    module = _module()
    other = torch.nn.Linear(4, 2).state_dict()
    loss = torch.nn.CrossEntropyLoss()
    Xf = X.astype(np.float32)
    with_zero = influence.TracIn(module, [(module.state_dict(), 0.1), (other, 0.0)],
                                 loss=loss).influence(Xf[:3], y[:3], Xf, y)
    alone = influence.TracIn(module, [(module.state_dict(), 0.1)],
                             loss=loss).influence(Xf[:3], y[:3], Xf, y)
    np.testing.assert_array_equal(with_zero, alone)  # + 0.0 * (...) is exact


def test_tracin_refuses_a_single_state_dict_and_an_empty_list():
    module = _module()
    loss = torch.nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"got a single (Ordered)?[Dd]ict: wrap it"):
        influence.TracIn(module, module.state_dict(), loss=loss)
    with pytest.raises(ValueError, match="checkpoints is empty"):
        influence.TracIn(module, [], loss=loss)


# ------------------------------------ 2. the learning rate of a checkpoint
skorch = pytest.importorskip("skorch")
from skorch.callbacks import Callback, LRScheduler  # noqa: E402


class UsedRates(Callback):
    """Oracle: the optimizer's rate at the start of each training batch."""

    def initialize(self):
        self.rates = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.rates.append([])

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self.rates[-1].append(net.optimizer_.param_groups[0]["lr"])


def _fit(order, step_every, **net_params):
    from torch.optim.lr_scheduler import LambdaLR, StepLR

    policy = (dict(policy=StepLR, step_size=1, gamma=0.5) if step_every == "epoch"
              else dict(policy=LambdaLR, lr_lambda=lambda step: 1.0 / (1 + step)))
    keeper, oracle = influence.TracInCheckpoints(), UsedRates()
    scheduler = LRScheduler(step_every=step_every, **policy)
    named = {"scheduler": scheduler, "keeper": keeper, "oracle": oracle}
    torch.manual_seed(0)
    net = skorch.NeuralNetClassifier(
        torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss, max_epochs=3,
        lr=0.2, batch_size=10, train_split=None, verbose=0,
        callbacks=[(name, named[name]) for name in order], **net_params)
    net.fit(X.astype(np.float32), y.astype(np.int64))
    return keeper, oracle


@pytest.mark.parametrize("step_every", ["epoch", "batch"])
def test_recorded_rates_are_the_used_ones_whatever_the_callback_order(step_every):
    first, oracle = _fit(("scheduler", "keeper", "oracle"), step_every)
    second, _ = _fit(("keeper", "scheduler", "oracle"), step_every)
    assert first.learning_rates_ == second.learning_rates_
    steps = [record["step_learning_rates"] for record in first.checkpoints_]
    assert steps == oracle.rates  # the same floats, read from the same optimizer
    if step_every == "epoch":
        assert first.learning_rates_ == [0.2, 0.1, 0.05]  # not [0.1, 0.05, 0.025]
    else:
        # the mean over the epoch's steps (3 batches of 10): math.fsum / count
        expected = [float(np.mean(rates)) for rates in oracle.rates]
        np.testing.assert_allclose(first.learning_rates_, expected, rtol=1e-15)
        assert len(set(oracle.rates[0])) == 3


def test_a_fixed_learning_rate_overrides_the_optimizer():
    keeper = influence.TracInCheckpoints(learning_rate=0.5)
    net = skorch.NeuralNetClassifier(
        torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss, max_epochs=2,
        lr=0.2, train_split=None, verbose=0, callbacks=[keeper])
    net.fit(X.astype(np.float32), y.astype(np.int64))
    assert keeper.learning_rates_ == [0.5, 0.5]


@pytest.mark.parametrize("rate", [0, -1.0, True, "0.1", float("nan")])
def test_tracin_checkpoints_refuses_bad_learning_rate(rate):
    net = skorch.NeuralNetClassifier(
        torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss, max_epochs=1,
        train_split=None, verbose=0,
        callbacks=[influence.TracInCheckpoints(learning_rate=rate)])
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        net.initialize()


def test_parameter_groups_with_different_rates_are_refused():
    net = skorch.NeuralNetClassifier(
        torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss, max_epochs=1,
        lr=0.2, train_split=None, verbose=0,
        optimizer__param_groups=[("bias", {"lr": 0.01})],
        callbacks=[influence.TracInCheckpoints()])
    with pytest.raises(ValueError, match=r"parameter groups use different learning "
                       r"rates \[.*\].*TracInCheckpoints\(learning_rate=\.\.\.\)"):
        net.fit(X.astype(np.float32), y.astype(np.int64))
