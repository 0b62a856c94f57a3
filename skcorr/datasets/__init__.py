"""Bundled real data (the Corr_ML errors), synthetic makers, loaders and fetchers."""

from ._corr_ml import CORR_ML_DATASETS, load_corr_ml_errors
from ._fetch import UnverifiedDownloadWarning, clear_data_home, get_data_home
from ._images import IMAGE_DATASETS, load_image_dataset
from ._mnist import fetch_mnist
from ._mnist_5k import load_mnist_5k
from ._movielens import fetch_movielens_100k, load_movielens_100k

__all__ = [
    "CORR_ML_DATASETS",
    "IMAGE_DATASETS",
    "UnverifiedDownloadWarning",
    "clear_data_home",
    "fetch_mnist",
    "fetch_movielens_100k",
    "get_data_home",
    "load_corr_ml_errors",
    "load_image_dataset",
    "load_mnist_5k",
    "load_movielens_100k",
]
