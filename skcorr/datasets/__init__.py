"""Bundled real data (the Corr_ML errors), synthetic makers and loaders."""

from ._corr_ml import CORR_ML_DATASETS, load_corr_ml_errors
from ._movielens import load_movielens_100k

__all__ = ["CORR_ML_DATASETS", "load_corr_ml_errors", "load_movielens_100k"]
