import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skcorr.difficulty import grand, vog  # noqa: E402


@pytest.fixture
def model_and_data():
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)
    ).double()
    X = torch.randn(10, 4, dtype=torch.float64)
    y = np.arange(10) % 3
    return module, X, y


def test_grand_matches_per_example_backward(model_and_data):
    module, X, y = model_and_data
    expected = []
    for i in range(10):
        module.zero_grad()
        out = module(X[i : i + 1])
        torch.nn.functional.cross_entropy(out, torch.tensor([y[i]])).backward()
        expected.append(
            torch.cat([p.grad.ravel() for p in module.parameters()]).norm().item()
        )
    np.testing.assert_allclose(grand(module, X, y, batch_size=3), expected)


def test_grand_on_probability_outputs_equals_logits(model_and_data):
    module, X, y = model_and_data
    with_softmax = torch.nn.Sequential(module, torch.nn.Softmax(dim=-1))
    np.testing.assert_allclose(
        grand(with_softmax, X, y, output="proba"), grand(module, X, y), rtol=1e-6
    )


def _input_grad(module, x, label):
    x = x.clone().requires_grad_(True)
    torch.softmax(module(x[None]), -1)[0, label].backward()
    return x.grad.numpy()


def test_vog_matches_manual_variance(model_and_data):
    module, X, y = model_and_data
    other = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)
    ).double()
    checkpoints = [module, other, module]
    grads = np.array(
        [[_input_grad(m, X[i], y[i]) for i in range(10)] for m in checkpoints]
    )
    expected = grads.var(axis=0, ddof=1).mean(axis=-1)
    np.testing.assert_allclose(vog(checkpoints, X, y), expected)
    np.testing.assert_allclose(vog([module, module], X, y), 0.0)


def test_vog_averages_channels():
    torch.manual_seed(0)
    images = torch.randn(5, 3, 4, 4)
    nets = [
        torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(48, 2))
        for _ in range(2)
    ]
    labels = np.array([0, 1, 0, 1, 0])
    # Oracle worked by hand in float64: for logits z = W x + b, the gradient
    # of p_y = softmax(z)_y with respect to x is p_y (W_y - sum_k p_k W_k).
    x = images.reshape(5, 48).double().numpy()
    grads = []
    for net in nets:
        W = net[1].weight.detach().double().numpy()
        z = x @ W.T + net[1].bias.detach().double().numpy()
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p_y = p[np.arange(5), labels]
        g = p_y[:, None] * (W[labels] - p @ W)  # (5, 48)
        grads.append(g.reshape(5, 3, 4, 4).mean(axis=1).reshape(5, 16))
    # channel mean, unbiased variance over the 2 checkpoints, mean over pixels
    expected = np.var(np.stack(grads), axis=0, ddof=1).mean(axis=1)
    got = vog(nets, images, labels, channel_axis=1)
    assert got.shape == (5,)
    # float32 modules against a float64 oracle: gradients with a relative
    # error of a few eps32 (6e-8); two independently initialised checkpoints
    # differ by as much as the gradients, so the variance does not amplify it
    # (1.2e-7 seen); rtol=1e-5
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # averaging the channels first is not the same as not averaging them
    assert not np.allclose(vog(nets, images, labels), expected, rtol=1e-2)


def test_needs_two_checkpoints_and_a_module(model_and_data):
    module, X, y = model_and_data
    with pytest.raises(ValueError, match="two checkpoints"):
        vog([module], X, y)
    with pytest.raises(TypeError, match="skorch net"):
        grand(object(), X, y)


def test_grand_on_a_skorch_net():
    skorch = pytest.importorskip("skorch")
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    module = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Softmax(dim=-1))
    net = skorch.NeuralNetClassifier(module, max_epochs=2, train_split=None,
                                     verbose=0).fit(X, y)
    logits_module = net.module_[0]
    np.testing.assert_allclose(grand(net, X, y), grand(logits_module, X, y),
                               rtol=1e-4)
