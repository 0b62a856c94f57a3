"""Bundled real data (the Corr_ML errors), synthetic makers and loaders."""

from ._corr_ml import CORR_ML_DATASETS, load_corr_ml_errors

__all__ = ["CORR_ML_DATASETS", "load_corr_ml_errors"]
