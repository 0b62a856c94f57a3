"""MLPBackbone: a skorch MLP pretrained on labels, its last hidden layer as features."""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skcorr.ensemble import MLPBackbone  # noqa: E402
from skcorr.ensemble._backbone import torch_backbone_available  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny nets: a second thread costs more than it gives (and torch is
    imported above, so the limit reaches its OpenMP pool)."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, train_size=400, test_size=300, stratify=y, random_state=0
    )
    return X_train, y_train, X_test, y_test


@pytest.fixture(scope="module")
def fitted(digits):
    X_train, y_train, _, _ = digits
    return MLPBackbone((24, 12), max_epochs=20, random_state=0).fit(X_train, y_train)


def _numpy_layers(backbone):
    """(weight, bias) of each Linear layer of the fitted net, as float64 arrays."""
    return [
        (layer.weight.detach().double().numpy(), layer.bias.detach().double().numpy())
        for layer in backbone.net_.module_
        if isinstance(layer, torch.nn.Linear)
    ]


def test_torch_is_available_here():
    assert torch_backbone_available() is True


def test_fit_transform_shapes_and_attributes(fitted, digits):
    _, y_train, X_test, _ = digits
    features = fitted.transform(X_test)
    assert features.shape == (len(X_test), 12)
    assert features.dtype == np.float64
    assert np.all(features >= 0)  # ReLU
    assert fitted.n_features_in_ == 64
    np.testing.assert_array_equal(fitted.classes_, np.unique(y_train))
    assert isinstance(fitted.seed_, int)
    assert list(fitted.get_feature_names_out()) == [
        f"mlpbackbone{i}" for i in range(12)
    ]
    # hidden layers 64 -> 24 -> 12, then the output layer over the 10 classes
    widths = [(w.shape[1], w.shape[0]) for w, _ in _numpy_layers(fitted)]
    assert widths == [(64, 24), (24, 12), (12, 10)]


def test_features_are_the_penultimate_activations(fitted, digits):
    """Oracle: the forward pass by hand with numpy, from the net's own weights."""
    _, _, X_test, _ = digits
    (w1, b1), (w2, b2), (w3, b3) = _numpy_layers(fitted)
    hidden = np.maximum(X_test @ w1.T + b1, 0)
    expected = np.maximum(hidden @ w2.T + b2, 0)
    features = fitted.transform(X_test)
    # float64 both ways but torch's GEMM (MKL) against numpy's (OpenBLAS):
    # ~88 terms of |sum| <~ 25 per activation, <~ 2e-13 (5e-15 seen)
    np.testing.assert_allclose(features, expected, rtol=1e-12, atol=1e-12)
    # ... and the net's output layer applied to them gives its logits.
    logits = fitted.net_.forward(X_test.astype(np.float32)).numpy()
    np.testing.assert_allclose(features @ w3.T + b3, logits, rtol=1e-4, atol=1e-4)


def test_pretraining_learns_the_labels(fitted, digits):
    _, _, X_test, y_test = digits
    accuracy = np.mean(fitted.net_.predict(X_test.astype(np.float32)) == y_test)
    assert accuracy > 0.85
    # The features carry that knowledge: a linear head on them does as well.
    X_train, y_train, _, _ = digits
    head = LogisticRegression(max_iter=2000).fit(fitted.transform(X_train), y_train)
    assert head.score(fitted.transform(X_test), y_test) > 0.85


def test_clone_gives_the_same_parameters_unfitted(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "net_")
    with pytest.raises(NotFittedError):
        copy.transform(np.zeros((2, 64)))


def test_same_random_state_identical_features(fitted, digits):
    X_train, y_train, X_test, _ = digits
    again = clone(fitted).fit(X_train, y_train)
    np.testing.assert_array_equal(again.transform(X_test), fitted.transform(X_test))
    other = clone(fitted).set_params(random_state=1).fit(X_train, y_train)
    assert other.seed_ != fitted.seed_
    assert not np.allclose(other.transform(X_test), fitted.transform(X_test))


def test_fit_leaves_the_global_generators_alone(digits):
    X_train, y_train, _, _ = digits
    torch_state = torch.random.get_rng_state()
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002
    MLPBackbone((8,), max_epochs=1, random_state=0).fit(X_train, y_train)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002


def test_rows_do_not_depend_on_the_batch(fitted, digits):
    _, _, X_test, _ = digits
    whole = fitted.transform(X_test)
    # float64 layers; 7 rows and 300 rows take other GEMM blockings: ~88 terms
    # of |sum| <~ 25 per activation, error <~ 88 * 1.1e-16 * 25 ~ 2e-13 (9e-16
    # seen). On the smallest activations (5e-4) 1e-15 is already 2e-12
    # relative: the atol covers them.
    np.testing.assert_allclose(fitted.transform(X_test[:7]), whole[:7], rtol=1e-12,
                               atol=1e-12)


def test_transform_before_fit_is_not_fitted_error():
    with pytest.raises(NotFittedError, match="MLPBackbone"):
        MLPBackbone().transform(np.zeros((3, 4)))


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.full((6, 3), np.nan), [0, 1] * 3, "NaN"),
        (np.zeros((6, 3)), [1] * 6, r"two classes in y; got 1 class \(1\)"),
        (np.zeros((6, 3)), np.linspace(0, 1, 6), "Unknown label type"),
        (np.zeros((6, 3)), None, "requires y"),
        (np.zeros((6, 3)), [0, 1, 0], "inconsistent numbers of samples"),
    ],
    ids=["nan", "one-class", "continuous-y", "no-y", "short-y"],
)
def test_bad_training_data_is_a_clear_error(X, y, match):
    with pytest.raises(ValueError, match=match):
        MLPBackbone(max_epochs=1).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes must be a non-empty"),
        ({"hidden_layer_sizes": ()}, "hidden_layer_sizes must be a non-empty"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"lr": -1.0}, "lr"),
    ],
)
def test_bad_parameters_are_a_clear_error(params, match):
    with pytest.raises(ValueError, match=match):
        MLPBackbone(**params).fit(np.zeros((4, 2)), [0, 1, 0, 1])


def test_transform_with_other_features_is_a_clear_error(fitted):
    with pytest.raises(ValueError, match="X has 10 features.*expecting 64"):
        fitted.transform(np.zeros((2, 10)))


def test_integer_hidden_layer_size_is_one_layer(digits):
    X_train, y_train, X_test, _ = digits
    backbone = MLPBackbone(6, max_epochs=1, random_state=0).fit(X_train, y_train)
    assert backbone.transform(X_test).shape == (len(X_test), 6)


def test_frozen_in_a_pipeline_only_the_head_is_fitted(fitted, digits):
    X_train, y_train, X_test, y_test = digits
    before = fitted.transform(X_test)
    pipeline = make_pipeline(
        FrozenEstimator(fitted), LogisticRegression(max_iter=2000)
    )
    pipeline.fit(X_train[::-1], y_train[::-1])  # reversed: a negative-stride view
    np.testing.assert_array_equal(fitted.transform(X_test), before)
    assert pipeline.score(X_test, y_test) > 0.85


def test_pickle_and_pandas_output(fitted, digits):
    pd = pytest.importorskip("pandas")
    _, _, X_test, _ = digits
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X_test), fitted.transform(X_test))
    frame = clone(fitted).set_output(transform="pandas")
    X_train, y_train, _, _ = digits
    out = frame.fit(X_train, y_train).transform(X_test)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(fitted.get_feature_names_out())
    np.testing.assert_array_equal(out.to_numpy(), fitted.transform(X_test))
