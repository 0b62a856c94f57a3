import copy

import numpy as np
import pytest
import torch

from skcorr.influence import TracIn, per_example_gradients

from .conftest import fit_small_net, make_classification_data


def _captum_tracin(net, keeper, X_train, y_train):
    captum_tracincp = pytest.importorskip("captum.influence").TracInCP
    model = copy.deepcopy(net.module_)
    rates = {record["path"]: record["learning_rate"] for record in keeper.checkpoints_}

    def load(module, path):
        module.load_state_dict(torch.load(path, weights_only=True))
        return rates[path]

    dataset = torch.utils.data.TensorDataset(
        torch.as_tensor(X_train), torch.as_tensor(y_train)
    )
    return captum_tracincp(
        model, dataset, checkpoints=list(rates), checkpoints_load_func=load,
        loss_fn=torch.nn.CrossEntropyLoss(reduction="none"), batch_size=16,
    )


def test_agrees_with_captum_tracincp(tmp_path):
    X, y = make_classification_data(n_samples=40)
    net, keeper = fit_small_net(X, y, directory=tmp_path)
    X_eval, y_eval = X[:7], y[:7]
    captum = _captum_tracin(net, keeper, X, y)
    expected = captum.influence(
        (torch.as_tensor(X_eval), torch.as_tensor(y_eval))
    ).numpy()
    tracin = TracIn(net, batch_size=16)
    influence = tracin.influence(X_eval, y_eval, X, y)
    assert influence.shape == (7, 40)
    np.testing.assert_allclose(influence, expected, rtol=1e-4,
                               atol=1e-4 * np.abs(expected).max())
    expected_self = captum.self_influence(
        (torch.as_tensor(X), torch.as_tensor(y))
    ).numpy()
    np.testing.assert_allclose(tracin.self_influence(X, y), expected_self,
                               rtol=1e-4)


def test_module_with_pairs_equals_the_hand_formula():
    X, y = make_classification_data(n_samples=12)
    net, keeper = fit_small_net(X, y, checkpoint_epochs=[1, 2])
    module, loss = net.module_, torch.nn.CrossEntropyLoss()
    pairs = [(keeper.load(0), 0.5), (keeper.load(2), 0.1)]
    expected = 0
    for state, rate in pairs:
        copy_ = copy.deepcopy(module)
        copy_.load_state_dict(state)
        gradients = per_example_gradients(copy_, loss, X, y).astype(np.float64)
        expected = expected + rate * gradients[:5] @ gradients.T
    tracin = TracIn(module, pairs, loss=loss, batch_size=5)
    # float32 gradients (51 parameters; batches of 5 against one of 12) whose
    # products TracIn forms in float32: an error of ~2e-7 of sum|e_k t_k| per
    # entry. Entries that cancel (down to 0.4% of that sum here) need an
    # absolute term: atol=1e-5 * max|influence| (>20x the errors seen).
    np.testing.assert_allclose(tracin.influence(X[:5], y[:5], X, y), expected,
                               rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    np.testing.assert_allclose(tracin.self_influence(X[:5], y[:5]),
                               np.diag(expected[:, :5]), rtol=1e-5)
    assert tracin.learning_rates_ == [0.5, 0.1]


def test_layers_projection_and_top_k():
    X, y = make_classification_data(n_samples=30)
    net, _ = fit_small_net(X, y)
    last_layer = TracIn(net, layers="output")
    full = TracIn(net)
    assert last_layer.parameter_names_ == ["output.weight", "output.bias"]
    assert not np.allclose(last_layer.influence(X[:3], y[:3], X, y),
                           full.influence(X[:3], y[:3], X, y))
    projected = TracIn(net, projection_dim=500, random_state=0)
    again = TracIn(net, projection_dim=500, random_state=0)
    a = projected.influence(X[:3], y[:3], X, y)
    np.testing.assert_array_equal(a, again.influence(X[:3], y[:3], X, y))
    exact = full.influence(X[:3], y[:3], X, y)
    assert np.corrcoef(a.ravel(), exact.ravel())[0, 1] > 0.9
    proponents, opponents = full.top_k(X[:3], y[:3], X, y, k=4)
    assert proponents.shape == opponents.shape == (3, 4)
    np.testing.assert_array_equal(proponents[:, 0], exact.argmax(axis=1))
    np.testing.assert_array_equal(opponents[:, 0], exact.argmin(axis=1))
    assert np.all(np.diff(np.take_along_axis(exact, proponents, 1), axis=1) <= 0)


def test_errors_name_the_problem():
    X, y = make_classification_data(n_samples=10)
    module = torch.nn.Linear(4, 3)
    with pytest.raises(ValueError, match="loss is required"):
        TracIn(module, [(module.state_dict(), 0.1)])
    with pytest.raises(ValueError, match="checkpoints is required"):
        TracIn(module, loss=torch.nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="positive number"):
        TracIn(module, [(module.state_dict(), -1)], loss=torch.nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="empty"):
        TracIn(module, [], loss=torch.nn.CrossEntropyLoss())
    with pytest.raises(TypeError, match="skorch net or a torch.nn.Module"):
        TracIn("net")
    other = torch.nn.Linear(4, 3)
    tracin = TracIn(module, [({"weight": other.weight}, 0.1)],
                    loss=torch.nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="lacks the module's tensors"):
        tracin.self_influence(X, y)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        TracIn(module, [(module.state_dict(), 0.1)],
               loss=torch.nn.CrossEntropyLoss()).top_k(X, y, X, y, k=0)


def test_a_net_on_another_device_than_asked_needs_a_loss():
    # skorch's get_loss puts the targets on net.device: computing the net's own
    # loss elsewhere would mix devices (a CUDA run of a net trained on the CPU),
    # so TracIn names it and what to do. "meta" stands for another device here.
    X, y = make_classification_data(n_samples=20)
    net, _ = fit_small_net(X, y, max_epochs=1, checkpoint_epochs=(1,))
    with pytest.raises(ValueError, match=r"device='meta' differs from the net's "
                       r"device 'cpu'.*Pass loss="):
        TracIn(net, device="meta")
    # the same device, spelled otherwise, and an explicit loss are accepted
    TracIn(net, device="cpu")
    TracIn(net, device="meta", loss=torch.nn.CrossEntropyLoss())
