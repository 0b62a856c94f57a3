"""The per-sample errors released with Li, Sarna, Lin (2025)."""

import csv
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

from ..utils.fixes import StrOptions, validate_params
from ..utils.validation import labelled_columns

_CALIFORNIA_MODELS = (
    "linear_regression",
    "ridge_regression",
    "random_forest",
    "xgboost",
    "gam",
    "NN1",
    "NN2",
)
_BACKBONE_DATASETS = {
    "mnist": "MNIST",
    "fashion": "FASHION",
    "eurosat": "EUROSAT",
    "cifar100": "CIFAR100",
    "pets": "PETS",
}
CORR_ML_DATASETS = ("california", "cifar10", *_BACKBONE_DATASETS)

_DESCRIPTIONS = {
    "california": (
        "Test residuals y - y_hat (dollars) of seven regressors on California "
        "housing (4,128 test rows of an 80/20 split, random_state=42)."
    ),
    "cifar10": (
        "0/1 error indicators (1 = wrong) of 16 models on the same 500 CIFAR-10 test "
        "images: logistic_regression, random_forest, xgb, lgb on flat pixels; NN1, "
        "NN2, CNN1, CNN2; and heads on 8 frozen ImageNet backbones."
    ),
    "backbones": (
        "0/1 error indicators (1 = wrong) of heads on 8 frozen ImageNet backbones "
        "(resnet50, resnet101, vgg16, vgg19, densenet121, densenet169, mobilenet, "
        "mobilenetV2) on 500 test images of {name}."
    ),
}


def _data_file(filename):
    return resources.files("skcorr.datasets").joinpath("data", "corr_ml", filename)


def _read_indicator_csv(filename):
    with _data_file(filename).open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], np.asarray(rows[1:], dtype=np.int64)


def _load_california():
    columns = [
        np.load(_data_file(f"california_housing{model}.npy"), allow_pickle=True)
        for model in _CALIFORNIA_MODELS
    ]
    return list(_CALIFORNIA_MODELS), np.column_stack(columns).astype(np.float64)


def _load_cifar10():
    sklearn_names, sklearn_errors = _read_indicator_csv("sklearn_models_CIFAR10_0.csv")
    nn_names, nn_errors = _read_indicator_csv("nn_models_CIFAR10_0.csv")
    return sklearn_names + nn_names, np.hstack([sklearn_errors, nn_errors])


@validate_params(
    {
        "name": [StrOptions(set(CORR_ML_DATASETS))],
        "models": [list, tuple, None],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_corr_ml_errors(name, *, models=None, as_frame=False):
    """Load the per-sample errors released with Li, Sarna, Lin (2025).

    The authors' released test errors (github.com/YuanyuanLi96/Corr_ML, MIT
    licence, bundled with skcorr with its LICENSE): residuals of regressors on
    California housing and 0/1 error indicators of classifiers on image datasets.
    Pass ``errors`` to :func:`skcorr.metrics.correlation_from_errors`.

    Parameters
    ----------
    name : {"california", "cifar10", "mnist", "fashion", "eurosat", "cifar100", \
"pets"}
        Which release. ``"california"``: residuals of linear_regression,
        ridge_regression, random_forest, xgboost, gam, NN1, NN2 (4,128 rows).
        ``"cifar10"``: 16 classifiers on 500 test images. The others: heads on
        eight frozen ImageNet backbones, 500 test images each.
    models : list of str, default=None
        Keep only these models, in this order.
    as_frame : bool, default=False
        Return ``errors`` as a pandas DataFrame with model names as columns.

    Returns
    -------
    data : Bunch
        ``errors`` (ndarray or DataFrame of shape (n_samples, n_models)),
        ``model_names``, ``task`` ("regression" or "classification"), ``DESCR``.

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning Models",
    arXiv:2502.03937.

    Examples
    --------
    >>> from skcorr.datasets import load_corr_ml_errors
    >>> data = load_corr_ml_errors("cifar10", models=["logistic_regression", "NN1"])
    >>> data.errors.shape, data.errors.mean(axis=0).round(3)
    ((500, 2), array([0.706, 0.668]))
    """
    if name == "california":
        names, errors = _load_california()
        task, description = "regression", _DESCRIPTIONS["california"]
    elif name == "cifar10":
        names, errors = _load_cifar10()
        task, description = "classification", _DESCRIPTIONS["cifar10"]
    else:
        names, errors = _read_indicator_csv(
            f"nn_models_{_BACKBONE_DATASETS[name]}_0.csv"
        )
        task = "classification"
        description = _DESCRIPTIONS["backbones"].format(name=_BACKBONE_DATASETS[name])
    if models is not None:
        if len(models) == 0:
            raise ValueError(
                f"models is empty: name at least one of {names}, or pass None."
            )
        unknown = [model for model in models if model not in names]
        if unknown:
            raise ValueError(
                f"Unknown model(s) {unknown} in {name!r}; available: {names}."
            )
        errors = errors[:, [names.index(model) for model in models]]
        names = list(models)
    if as_frame:
        import pandas  # noqa: F401  (fail early with pandas' own message)

        errors = labelled_columns(errors, names)
    return Bunch(errors=errors, model_names=names, task=task, DESCR=description)
