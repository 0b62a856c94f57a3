"""Tests of skcorr.utils.seeding."""
# ruff: noqa: NPY002  (the legacy global generator is what is under test)

import random
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline

from skcorr.utils.seeding import (
    contains_skorch_net,
    fit_with_seed,
    random_state_params,
    seeded_randomness,
    set_random_states,
)


def test_set_random_states_reaches_every_nested_parameter():
    pipe = make_pipeline(PCA(n_components=2), RandomForestClassifier(n_estimators=2))
    set_random_states(pipe, 11)
    params = pipe.get_params()
    assert params["pca__random_state"] == 11
    assert params["randomforestclassifier__random_state"] == 11
    assert random_state_params(pipe) == [
        "pca__random_state",
        "randomforestclassifier__random_state",
    ]


def test_set_random_states_equals_set_params_for_plain_estimator():
    X, y = make_classification(n_samples=60, random_state=0)
    forest = RandomForestClassifier(n_estimators=3)
    ours = fit_with_seed(clone(forest), 5, X, y)
    manual = clone(forest).set_params(random_state=5).fit(X, y)
    np.testing.assert_array_equal(ours.predict_proba(X), manual.predict_proba(X))


def test_object_without_params_is_left_alone():
    assert random_state_params(object()) == []


def test_seeded_randomness_restores_global_state():
    np.random.seed(0)
    random.seed(0)
    expected_numpy, expected_python = np.random.rand(), random.random()
    np.random.seed(0)
    random.seed(0)
    with seeded_randomness(123):
        inside = np.random.rand()
    assert np.random.rand() == expected_numpy
    assert random.random() == expected_python
    with seeded_randomness(123):
        assert np.random.rand() == inside


def test_importing_seeding_does_not_import_torch():
    code = (
        "import sys; from skcorr.utils import seeding; "
        "from sklearn.linear_model import Ridge; "
        "seeding.contains_skorch_net(Ridge()); "
        "print('torch' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_skorch_net_is_seeded_in_fit():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    X, y = make_classification(n_samples=40, n_features=5, random_state=0)
    X = X.astype(np.float32)

    net = skorch.NeuralNetClassifier(
        torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(),
                            torch.nn.Dropout(0.2), torch.nn.Linear(8, 2)),
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=2,
        batch_size=8,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    pipe = make_pipeline(PCA(n_components=5), net)
    assert contains_skorch_net(net) and contains_skorch_net(pipe)
    first = fit_with_seed(clone(net), 3, X, y).predict_proba(X)
    torch.manual_seed(999)  # global state must not matter
    second = fit_with_seed(clone(net), 3, X, y).predict_proba(X)
    other = fit_with_seed(clone(net), 4, X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def _tiny_net(module, **params):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    return skorch.NeuralNetClassifier(
        module, criterion=torch.nn.CrossEntropyLoss, max_epochs=2, batch_size=8,
        train_split=None, verbose=0, **params,
    )


def test_a_module_instance_without_shuffling_warns_that_seeds_change_nothing():
    torch = pytest.importorskip("torch")
    from skcorr.exceptions import SharedInitialWeightsWarning

    X, y = make_classification(n_samples=40, n_features=5, random_state=0)
    X = X.astype(np.float32)
    net = _tiny_net(torch.nn.Sequential(torch.nn.Linear(5, 2)))
    with pytest.warns(SharedInitialWeightsWarning, match="every run is the same model"):
        first = fit_with_seed(clone(net), 1, X, y).predict_proba(X)
    with pytest.warns(SharedInitialWeightsWarning):
        second = fit_with_seed(clone(net), 2, X, y).predict_proba(X)
    # The oracle of the warning: two seeds, one model.
    np.testing.assert_array_equal(first, second)
    shuffled = _tiny_net(torch.nn.Sequential(torch.nn.Linear(5, 2)),
                         iterator_train__shuffle=True)
    with pytest.warns(SharedInitialWeightsWarning, match="only the order of the"):
        fit_with_seed(clone(shuffled), 1, X, y)


def test_a_module_class_gives_each_seed_its_own_weights_without_a_warning():
    torch = pytest.importorskip("torch")

    class Linear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(5, 2)

        def forward(self, X):
            return self.layer(X)

    X, y = make_classification(n_samples=40, n_features=5, random_state=0)
    X = X.astype(np.float32)
    net = _tiny_net(Linear)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = fit_with_seed(clone(net), 1, X, y).predict_proba(X)
        second = fit_with_seed(clone(net), 2, X, y).predict_proba(X)
    assert not np.array_equal(first, second)
