import numpy as np
import pytest
import torch

from skcorr.influence import per_example_gradients


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)
    )


def _data(n=9):
    generator = torch.Generator().manual_seed(1)
    return torch.randn(n, 4, generator=generator), torch.arange(n) % 3


def _loop_gradients(module, loss, X, y, names=None):
    rows = []
    for i in range(len(X)):
        module.zero_grad()
        loss(module(X[i : i + 1]), y[i : i + 1]).backward()
        rows.append(
            torch.cat(
                [
                    p.grad.ravel()
                    for name, p in module.named_parameters()
                    if names is None or name in names
                ]
            ).numpy()
        )
    return np.stack(rows)


def test_matches_a_per_example_backward_loop():
    module, (X, y) = _mlp(), _data()
    loss = torch.nn.CrossEntropyLoss()
    gradients = per_example_gradients(module, loss, X, y, batch_size=4)
    assert gradients.shape == (9, 4 * 5 + 5 + 5 * 3 + 3)
    np.testing.assert_allclose(
        gradients, _loop_gradients(module, loss, X, y), rtol=1e-5, atol=1e-7
    )


def test_layers_keep_the_named_parameters_only():
    module, (X, y) = _mlp(), _data()
    loss = torch.nn.CrossEntropyLoss()
    gradients = per_example_gradients(module, loss, X.numpy(), y.numpy(), layers=["2"])
    expected = _loop_gradients(module, loss, X, y, names={"2.weight", "2.bias"})
    np.testing.assert_allclose(gradients, expected, rtol=1e-5, atol=1e-7)


def test_projection_is_seeded_and_preserves_dot_products_on_average():
    module, (X, y) = _mlp(), _data()
    loss = torch.nn.CrossEntropyLoss()
    full = per_example_gradients(module, loss, X, y)
    first = per_example_gradients(
        module, loss, X, y, projection_dim=2000, random_state=0
    )
    again = per_example_gradients(
        module, loss, X, y, projection_dim=2000, random_state=0
    )
    other = per_example_gradients(
        module, loss, X, y, projection_dim=2000, random_state=1
    )
    assert first.shape == (9, 2000)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    exact, projected = full @ full.T, first @ first.T
    assert np.corrcoef(exact.ravel(), projected.ravel())[0, 1] > 0.95


def test_integer_inputs_and_module_state_are_kept():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Embedding(6, 2), torch.nn.Flatten(),
                                 torch.nn.Dropout(0.5), torch.nn.Linear(4, 1))
    module.train()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    X = np.array([[0, 1], [2, 3], [4, 5]])
    y = np.array([[1.0], [0.0], [2.0]])
    gradients = per_example_gradients(module, torch.nn.MSELoss(), X, y)
    assert gradients.shape == (3, 12 + 5)
    assert module.training
    for name, value in module.state_dict().items():
        assert torch.equal(value, before[name])
    # dropout is off: gradients are deterministic
    np.testing.assert_array_equal(
        gradients, per_example_gradients(module, torch.nn.MSELoss(), X, y)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"layers": ["nope"]}, "match no trainable parameter"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"projection_dim": -1}, "projection_dim must be a positive integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    module, (X, y) = _mlp(), _data()
    with pytest.raises(ValueError, match=message):
        per_example_gradients(module, torch.nn.CrossEntropyLoss(), X, y, **kwargs)


def test_bad_inputs_are_named():
    module, (X, y) = _mlp(), _data()
    loss = torch.nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match="different numbers of rows"):
        per_example_gradients(module, loss, X, y[:3])
    X_nan = X.clone()
    X_nan[0, 0] = float("nan")
    with pytest.raises(ValueError, match="X contains NaN"):
        per_example_gradients(module, loss, X_nan, y)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        per_example_gradients("module", loss, X, y)
