import numpy as np
import pytest

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from skcorr.difficulty import (  # noqa: E402
    InputGradientVariance,
    TrainingDynamics,
    record_dynamics,
)


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


def _net(**kwargs):
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 2))
    return skorch.NeuralNetClassifier(
        module, criterion=torch.nn.CrossEntropyLoss, max_epochs=4, lr=0.1,
        batch_size=8, train_split=None, verbose=0, **kwargs
    )


def test_records_equal_predict_proba_and_leave_training_unchanged(tmp_path):
    X, y = _data()
    callback = TrainingDynamics(record_logits=True, record_loss=True,
                                memmap=str(tmp_path / "dyn"))
    net = _net(callbacks=[callback]).fit(X, y)
    plain = _net().fit(X, y)
    recorded = dict(net.callbacks_)["TrainingDynamics"]
    assert recorded.dynamics_.shape == (40, 4, 2)
    # float32 nets: the callback runs one block of 40 rows, predict_proba
    # batches of 8 (another GEMM blocking). Logits of ~12 terms and a float32
    # softmax give p a relative error of a few eps32 (6e-8) times (1 + |logit
    # gap| ~ 2.4): up to 2.6e-7 seen across CPU kernels; rtol=1e-5.
    np.testing.assert_allclose(recorded.dynamics_[:, -1], plain.predict_proba(X),
                               rtol=1e-5)
    # float32 softmax against float64 softmax of the same logits: same bound
    np.testing.assert_allclose(
        recorded.dynamics_, torch.softmax(torch.as_tensor(recorded.logits_), -1),
        rtol=1e-5,
    )
    p_y = recorded.dynamics_[np.arange(40), :, y]
    np.testing.assert_allclose(recorded.loss_, -np.log(p_y))
    assert recorded.epochs_ == [1, 2, 3, 4]


def test_record_dynamics_dispatches_to_the_callback():
    X, y = _data()
    result = record_dynamics(_net(), X, y, max_epochs=3, every=2)
    assert result.dynamics.shape == (40, 1, 2) and result.epochs == [2]
    np.testing.assert_array_equal(result.y, y)


class _DictInput(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = torch.nn.Linear(4, 2)
        self.dropout = torch.nn.Dropout(0.5)

    def forward(self, a, b):
        return torch.nn.functional.softmax(
            self.dense(self.dropout(torch.cat([a, b], dim=1))), dim=-1)


def test_dict_inputs_and_dropout_record_predict_proba_in_every_path():
    X, y = _data()
    X_dict = {"a": X[:, :2], "b": X[:, 2:]}
    for inputs in (X, torch.as_tensor(X), X_dict):  # block path, then forward
        callback = TrainingDynamics()
        torch.manual_seed(0)
        data = inputs if not isinstance(inputs, dict) else X_dict
        net = skorch.NeuralNetClassifier(
            _DictInput if isinstance(inputs, dict) else torch.nn.Sequential(
                torch.nn.Linear(4, 2), torch.nn.Dropout(0.5),
                torch.nn.Softmax(dim=-1)),
            max_epochs=2, lr=0.1, batch_size=8, train_split=None, verbose=0,
            callbacks=[callback],
        ).fit(data, y)
        # evaluation mode: dropout off, so the record is what predict_proba says,
        # up to float32 rounding: arrays and tensors go in one block of 40 rows
        # against predict_proba's batches of 8 (another GEMM blocking), a few
        # eps32 (6e-8) on p; rtol=1e-5
        np.testing.assert_allclose(callback.dynamics_[:, -1],
                                   net.predict_proba(data), rtol=1e-5)


def test_input_gradient_variance_is_vog_of_each_epoch():
    from copy import deepcopy

    from skcorr.difficulty import InputGradientVariance, vog

    saved = []

    class Save(skorch.callbacks.Callback):
        def on_epoch_end(self, net, **kwargs):
            saved.append(deepcopy(net.module_))

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 1, 2, 3)).astype(np.float32)
    y = (X[:, 0, 0, 0] > 0).astype(np.int64)
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 2),
                                 torch.nn.Softmax(dim=-1))
    net = skorch.NeuralNetClassifier(
        module, max_epochs=4, lr=0.5, train_split=None, verbose=0, batch_size=8,
        callbacks=[Save(), InputGradientVariance(channel_axis=1, batch_size=7)],
    ).fit(X, y)
    recorded = dict(net.callbacks_)["InputGradientVariance"]
    assert recorded.n_checkpoints_ == 4 and recorded.epochs_ == [1, 2, 3, 4]
    # the saved modules end in a softmax: their outputs are probabilities
    expected = vog(saved, X, y, output="proba", channel_axis=1)
    # float32 input gradients in batches of 7 here, one batch of 30 in vog
    # (other GEMM blocking): a relative error of a few eps32 (6e-8) each. The
    # variance over 4 checkpoints of gradients whose rms is up to ~10x their
    # std amplifies it to ~2 * 10 * few eps32 ~ 1e-5 at most (2e-6 to 5e-6
    # seen across CPU kernels, 4e-6 against float64 modules); rtol=1e-4.
    np.testing.assert_allclose(recorded.vog_, expected, rtol=1e-4)
    assert net.history[:, "event_vog"] == [True] * 4


def _binary_net(criterion, module, **kwargs):
    torch.manual_seed(0)
    return skorch.NeuralNetBinaryClassifier(
        module, criterion=criterion, max_epochs=2, lr=0.1, batch_size=8,
        train_split=None, verbose=0, **kwargs
    )


class _OneLogit(torch.nn.Module):
    def __init__(self, then=None):
        super().__init__()
        self.linear = torch.nn.Linear(4, 1)
        self.then = then

    def forward(self, X):
        out = self.linear(X)[:, 0]
        return out if self.then is None else self.then(out)


@pytest.mark.parametrize(
    "make_net, y_dtype",
    [
        (lambda cb: _net(callbacks=[cb]), np.int64),  # CrossEntropyLoss: softmax
        (lambda cb: _net(callbacks=[cb], predict_nonlinearity=None), np.int64),
        (lambda cb: _net(callbacks=[cb], predict_nonlinearity=lambda out:
                         torch.softmax(2 * out, -1)), np.int64),
        # NeuralNetBinaryClassifier: BCEWithLogitsLoss, sigmoid then 2 columns
        (lambda cb: _binary_net(torch.nn.BCEWithLogitsLoss, _OneLogit(),
                                callbacks=[cb]), np.float32),
        # BCELoss on probabilities: 2 columns
        (lambda cb: _binary_net(torch.nn.BCELoss, _OneLogit(torch.sigmoid),
                                callbacks=[cb]), np.float32),
    ],
    ids=["softmax", "identity", "callable", "bce_with_logits", "bce"],
)
def test_probabilities_are_the_nets_predict_proba(make_net, y_dtype):
    """The module's outputs turned into probabilities by the net's predict
    nonlinearity, without skorch's private API: the last record is the net's
    own predict_proba (float32: see the bound above), and every recorded epoch
    is marked in net.history, as skorch's Checkpoint marks event_cp."""
    X, y = _data()
    net = make_net(TrainingDynamics()).fit(X, y.astype(y_dtype))
    recorded = dict(net.callbacks_)["TrainingDynamics"]
    expected = net.predict_proba(X)
    assert recorded.dynamics_.shape[::2] == (40, expected.shape[1])
    np.testing.assert_allclose(recorded.dynamics_[:, -1], expected, rtol=1e-5)
    assert recorded._nonlinearity is not False  # the fast path was taken
    assert net.history[:, "event_dynamics"] == [True] * len(net.history)


class _ScaledProba(skorch.NeuralNetClassifier):
    """A net whose predict_proba does more than its predict nonlinearity."""

    def predict_proba(self, X):
        proba = super().predict_proba(X) ** 2
        return proba / proba.sum(axis=1, keepdims=True)


def test_a_predict_proba_that_does_more_is_used_as_it_is():
    X, y = _data()
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 2))
    net = _ScaledProba(module, criterion=torch.nn.CrossEntropyLoss, max_epochs=2,
                       train_split=None, verbose=0,
                       callbacks=[TrainingDynamics(every=2)]).fit(X, y)
    recorded = dict(net.callbacks_)["TrainingDynamics"]
    assert recorded._nonlinearity is False
    np.testing.assert_array_equal(recorded.dynamics_[:, -1], net.predict_proba(X))
    # every=2: only epoch 2 is recorded, and marked
    assert recorded.epochs_ == [2] and "event_dynamics" not in net.history[0]
    assert net.history[-1, "event_dynamics"] is True


@pytest.mark.parametrize("make_callback", [TrainingDynamics, InputGradientVariance],
                         ids=["dynamics", "vog"])
def test_recording_a_shuffled_net_does_not_change_its_training(make_callback):
    # Every DataLoader iterator draws a seed from torch's global generator:
    # an unguarded recording pass would shift the next epoch's shuffle. The
    # same computation with and without the callback: bit-identical weights.
    X, y = _data()
    shuffled = dict(iterator_train__shuffle=True)
    recorded = _net(callbacks=[make_callback()], **shuffled).fit(X, y)
    plain = _net(**shuffled).fit(X, y)
    pairs = zip(recorded.module_.parameters(), plain.module_.parameters(),
                strict=True)
    for mine, theirs in pairs:
        assert torch.equal(mine, theirs)
