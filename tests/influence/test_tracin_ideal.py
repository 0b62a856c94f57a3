import copy

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier, NeuralNetRegressor
from skorch.dataset import ValidSplit

from skcorr.influence import TracInIdealRecorder, influence_flows

from .conftest import SmallMLP, make_classification_data

LR = 0.3


def _fit(X, y, recorder, *, batch_size=1, max_epochs=2, shuffle=True,
         train_split=None, module=None, seed=0):
    torch.manual_seed(seed)
    module = SmallMLP() if module is None else module
    net = NeuralNetClassifier(
        module, criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.SGD,
        lr=LR, max_epochs=max_epochs, batch_size=batch_size,
        iterator_train__shuffle=shuffle, train_split=train_split, verbose=0,
        callbacks=[] if recorder is None else [("ideal", recorder)],
    )
    return net.fit(X, y)


def _eval_losses(module, X, y):
    with torch.no_grad():
        out = module(torch.as_tensor(X))
        losses = torch.nn.functional.cross_entropy(out, torch.as_tensor(y),
                                                   reduction="none")
    return losses.double().numpy()


def _replay(module, X, y, X_eval, y_eval, batches):
    """Plain SGD by hand over the given batches; TracInIdeal with a 1/b split."""
    module = copy.deepcopy(module)
    expected = np.zeros((len(X_eval), len(X)))
    for rows in batches:
        before = _eval_losses(module, X_eval, y_eval)
        module.zero_grad()
        torch.nn.functional.cross_entropy(
            module(torch.as_tensor(X[rows])), torch.as_tensor(y[rows])
        ).backward()
        with torch.no_grad():
            for parameter in module.parameters():
                parameter -= LR * parameter.grad
        after = _eval_losses(module, X_eval, y_eval)
        for row in rows:
            expected[:, row] += (before - after) / len(rows)
    return expected, module


@pytest.mark.parametrize("shuffle", [False, True])
def test_batch_of_one_sgd_equals_the_hand_computed_loss_change_of_each_step(shuffle):
    X, y = make_classification_data(n_samples=12)
    X_eval, y_eval = make_classification_data(n_samples=5, random_state=1)
    torch.manual_seed(0)
    start = SmallMLP()
    initial = copy.deepcopy(start)
    recorder = TracInIdealRecorder(X_eval, y_eval)
    net = _fit(X, y, recorder, module=start, shuffle=shuffle)

    batches = recorder.batch_rows_
    assert recorder.n_steps_ == len(batches) == 24
    for epoch in range(2):  # each epoch visits every row once, one per step
        order = np.concatenate(batches[12 * epoch: 12 * (epoch + 1)])
        assert sorted(order) == list(range(12))
        if not shuffle:
            np.testing.assert_array_equal(order, np.arange(12))
    expected, replayed = _replay(initial, X, y, X_eval, y_eval, batches)
    # the recorded order is the order trained: the replay lands on the net
    for mine, theirs in zip(replayed.parameters(), net.module_.parameters(),
                            strict=True):
        torch.testing.assert_close(mine, theirs)
    # float32 losses: differences agree to their rounding. Each entry is a
    # difference of eval losses of up to ~3 (ulp 2.4e-7), evaluated here and in
    # the recorder in other batch shapes and, after some steps, from
    # parameters a few ulps apart: up to ~4 ulps (8e-7) seen across CPU
    # kernels; atol=1e-5 (~40 ulps), rtol=1e-5
    np.testing.assert_allclose(recorder.influence_, expected, rtol=1e-5, atol=1e-5)
    assert np.abs(recorder.influence_).min() > 0


def test_minibatches_split_each_step_equally_and_sum_to_the_total_loss_change():
    X, y = make_classification_data(n_samples=40)
    X_eval, y_eval = make_classification_data(n_samples=6, random_state=2)
    torch.manual_seed(0)
    start = SmallMLP()
    initial = copy.deepcopy(start)
    recorder = TracInIdealRecorder(X_eval, y_eval, eval_batch_size=4)
    net = _fit(X, y, recorder, module=start, batch_size=7, max_epochs=3,
               train_split=ValidSplit(5))
    # columns are rows of the X given to fit; the 8 validation rows get nothing
    trained = np.unique(np.concatenate(recorder.batch_rows_))
    assert trained.size == 32
    held_out = np.setdiff1d(np.arange(40), trained)
    assert np.all(recorder.influence_[:, held_out] == 0.0)
    assert [len(rows) for rows in recorder.batch_rows_[:5]] == [7, 7, 7, 7, 4]

    expected, replayed = _replay(initial, X, y, X_eval, y_eval,
                                 recorder.batch_rows_)
    for mine, theirs in zip(replayed.parameters(), net.module_.parameters(),
                            strict=True):
        torch.testing.assert_close(mine, theirs)
    # float32 losses: differences agree to their rounding. Each entry is a
    # difference of eval losses of up to ~3 (ulp 2.4e-7), evaluated here and in
    # the recorder in other batch shapes and, after some steps, from
    # parameters a few ulps apart: up to ~4 ulps (8e-7) seen across CPU
    # kernels; atol=1e-5 (~40 ulps), rtol=1e-5
    np.testing.assert_allclose(recorder.influence_, expected, rtol=1e-5, atol=1e-5)
    # telescoping: every step's change is attributed in full
    np.testing.assert_allclose(
        recorder.influence_.sum(1),
        recorder.initial_eval_loss_ - recorder.final_eval_loss_, rtol=1e-9,
    )
    # float32 cross-entropy, batches of 4 + 2 rows there, one of 6 here: an
    # absolute error of a few ulps of the logits (|z| <~ 3, ulp 2.4e-7),
    # whatever the loss (0.11 for the best-learnt row): rtol=1e-6, atol=1e-6
    np.testing.assert_allclose(recorder.initial_eval_loss_,
                               _eval_losses(initial, X_eval, y_eval), rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(recorder.final_eval_loss_,
                               _eval_losses(net.module_, X_eval, y_eval), rtol=1e-6,
                               atol=1e-6)


def test_recording_leaves_training_and_the_net_settings_unchanged():
    X, y = make_classification_data(n_samples=30)
    plain = _fit(X, y, None, batch_size=4, max_epochs=2)
    recorder = TracInIdealRecorder(X[:5], y[:5], reuse_losses=False)
    recorded = _fit(X, y, recorder, batch_size=4, max_epochs=2)
    for a, b in zip(plain.module_.parameters(), recorded.module_.parameters(),
                    strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert recorded.iterator_train__shuffle is True
    assert "iterator_train__sampler" not in vars(recorded)


def test_partial_fit_continues_and_fit_restarts():
    X, y = make_classification_data(n_samples=20)
    whole = TracInIdealRecorder(X[:4], y[:4])
    _fit(X, y, whole, batch_size=5, max_epochs=2, shuffle=False)
    halves = TracInIdealRecorder(X[:4], y[:4])
    net = _fit(X, y, halves, batch_size=5, max_epochs=1, shuffle=False)
    net.partial_fit(X, y)
    assert halves.n_steps_ == whole.n_steps_ == 8
    np.testing.assert_allclose(halves.influence_, whole.influence_, rtol=1e-6)
    net.fit(X, y)
    assert halves.n_steps_ == 4
    with pytest.raises(ValueError, match="partial_fit continues"):
        net.partial_fit(X[:10], y[:10])


def _regression_net(recorder, X, y):
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(),
                                 torch.nn.Linear(5, 1))
    return NeuralNetRegressor(
        module, optimizer=torch.optim.SGD, lr=0.05, max_epochs=3, batch_size=6,
        iterator_train__shuffle=True, train_split=None, verbose=0,
        callbacks=[recorder],
    ).fit(X, y)


def test_group_flows_match_the_matrix_sums_and_are_not_reciprocal():
    rng = np.random.RandomState(0)
    X = rng.randn(36, 4).astype(np.float32)
    y = (X[:, :1] - X[:, 1:2] + 0.3 * rng.randn(36, 1)).astype(np.float32)
    groups = np.arange(36) % 6
    recorder = TracInIdealRecorder(X, y, groups=groups, eval_groups=groups)
    _regression_net(recorder, X, y)
    matrix = recorder.influence_
    flows = recorder.flows_
    for u in range(6):
        mine = groups == u
        own = matrix[np.ix_(mine, mine)].sum()
        assert flows.self_influence[u] == pytest.approx(own)
        assert flows.outflow[u] == pytest.approx(matrix[np.ix_(~mine, mine)].sum())
        assert flows.inflow[u] == pytest.approx(matrix[np.ix_(mine, ~mine)].sum())
    from_matrix = influence_flows(matrix, groups=groups, eval_groups=groups)
    from_recorder = influence_flows(recorder, groups=groups, eval_groups=groups)
    for key in ("self_influence", "inflow", "outflow", "n_train", "n_eval"):
        np.testing.assert_allclose(from_matrix[key], flows[key], rtol=1e-9,
                                   atol=1e-12)
        np.testing.assert_allclose(from_recorder[key], flows[key], rtol=1e-9,
                                   atol=1e-12)
    # per-step influence on one shared set is not symmetric
    assert not np.allclose(matrix, matrix.T, rtol=1e-3)
    assert not np.allclose(flows.inflow, flows.outflow, rtol=1e-3)

    lean = TracInIdealRecorder(X, y, groups=groups, eval_groups=groups,
                               store_matrix=False)
    _regression_net(lean, X, y)
    assert lean.influence_ is None
    np.testing.assert_allclose(lean.flows_.outflow, flows.outflow, rtol=1e-9)


def test_matrix_flows_errors_and_rows_as_individuals():
    matrix = np.arange(6.0).reshape(2, 3)
    flows = influence_flows(matrix, groups=["a", "b", "b"], eval_groups=["b", "c"])
    assert flows.individuals.tolist() == ["a", "b", "c"]
    # b owns eval row 0 and columns 1, 2; c owns eval row 1
    np.testing.assert_allclose(flows.self_influence, [0.0, 1 + 2, 0.0])
    np.testing.assert_allclose(flows.outflow, [3.0, 4 + 5, 0.0])
    np.testing.assert_allclose(flows.inflow, [0.0, 0.0, 3 + 4 + 5])
    with pytest.raises(ValueError, match="needs no data"):
        influence_flows(matrix, np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="must be square"):
        influence_flows(matrix)
    with pytest.raises(ValueError, match="shape"):
        influence_flows(np.zeros(3))
    with pytest.raises(ValueError, match="holds no influence matrix"):
        influence_flows(TracInIdealRecorder(matrix, matrix))
    with pytest.raises(TypeError, match="TracInIdealRecorder"):
        influence_flows("tracin", matrix, matrix)


def test_recorder_parameter_errors():
    X, y = make_classification_data(n_samples=10)
    cases = [
        (dict(groups=np.zeros(10)), "both groups and eval_groups"),
        (dict(store_matrix=False), "store_matrix=False"),
        (dict(groups=np.zeros(9), eval_groups=np.zeros(4)), "one label per"),
        (dict(eval_batch_size=0), "eval_batch_size"),
        (dict(loss=lambda out, target: out.sum()), "one value per example"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match=message):
            _fit(X, y, TracInIdealRecorder(X[:4], y[:4], **params), max_epochs=1)
    with pytest.raises(ValueError, match="different numbers of rows"):
        _fit(X, y, TracInIdealRecorder(X[:4], y[:3]), max_epochs=1)
