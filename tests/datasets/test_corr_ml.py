"""The bundled Corr_ML errors: shapes, names and the paper's error rates."""

import numpy as np
import pytest

from skcorr.datasets import CORR_ML_DATASETS, load_corr_ml_errors


@pytest.mark.parametrize("name", CORR_ML_DATASETS)
def test_every_release_loads_with_its_names(name):
    data = load_corr_ml_errors(name)
    n_samples = 4128 if name == "california" else 500
    assert data.errors.shape == (n_samples, len(data.model_names))
    assert np.isfinite(data.errors).all()
    if data.task == "classification":
        assert set(np.unique(data.errors)) <= {0, 1}


def test_as_frame_and_model_selection():
    pytest.importorskip("pandas")
    data = load_corr_ml_errors("california", models=["NN2", "gam"], as_frame=True)
    assert list(data.errors.columns) == ["NN2", "gam"]
    assert data.task == "regression"


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match=r"Unknown model\(s\) \['svm'\]"):
        load_corr_ml_errors("cifar10", models=["svm"])


def test_licence_ships_with_the_data():
    from importlib import resources

    licence = resources.files("skcorr.datasets").joinpath("data", "corr_ml", "LICENSE")
    assert "MIT" in licence.read_text()
