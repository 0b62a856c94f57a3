"""SeedEnsembleClassifier over a small skorch net: seeding and sklearn's checks."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from skcorr.ensemble import SeedEnsembleClassifier  # noqa: E402
from skcorr.utils.seeding import seeded_randomness  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Tiny nets: torch's thread pool costs far more than it gives."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class TinyMLP(torch.nn.Module):
    """Input width inferred at the first batch; dropout to exercise the seed."""

    def __init__(self, n_classes=2, hidden=8):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.LazyLinear(hidden), torch.nn.ReLU(), torch.nn.Dropout(0.1),
            torch.nn.Linear(hidden, n_classes),
        )

    def forward(self, X):
        return self.layers(X)


class TinyNetClassifier(skorch.NeuralNetClassifier):
    """A skorch net that takes any numeric X and any labels, sizing its output
    layer from the classes it is fitted on (the usual adapter around a net)."""

    def initialize_module(self):
        kwargs = self.get_params_for("module")
        kwargs.setdefault("n_classes", len(getattr(self, "labels_", [0, 1])))
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def fit(self, X, y, **fit_params):
        self.labels_, codes = np.unique(y, return_inverse=True)
        X = np.asarray(X, dtype=np.float32)
        return super().fit(X, codes.astype(np.int64), **fit_params)

    @property
    def classes_(self):
        return self.labels_

    def predict_proba(self, X):
        return super().predict_proba(np.asarray(X, dtype=np.float32))

    def predict(self, X):
        return self.labels_[self.predict_proba(X).argmax(axis=1)]


def _tiny_net():
    return TinyNetClassifier(
        TinyMLP,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=2,
        lr=0.1,
        batch_size=64,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )


def _ensemble():
    return SeedEnsembleClassifier(_tiny_net(), n_seeds=2, random_state=0)


def test_skorch_members_follow_their_seed_and_equal_manual_seeded_fits():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    first = _ensemble().fit(X, y)
    torch.manual_seed(12345)  # the global torch state must not matter
    second = _ensemble().fit(X, y)
    np.testing.assert_array_equal(first.predict_proba_all(X),
                                  second.predict_proba_all(X))
    proba = first.predict_proba_all(X)
    assert not np.array_equal(proba[:, 0], proba[:, 1])  # different seeds differ
    with seeded_randomness(int(first.seeds_[0]), torch=True):
        manual = clone(_tiny_net()).fit(X, y)
    np.testing.assert_array_equal(
        proba[:, 0], manual.predict_proba(X.astype(np.float32))
    )


def test_skorch_members_are_identical_under_the_threading_backend():
    # threads share torch's global generator: seeded fits must not interleave
    import joblib

    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    sequential = _ensemble().fit(X, y)
    with joblib.parallel_config(backend="threading"):
        threaded = _ensemble().set_params(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(
        sequential.predict_proba_all(X), threaded.predict_proba_all(X)
    )


_NO_SAMPLE_WEIGHT = "a skorch net takes no sample_weight in fit"
SKORCH_FAILURES = {
    **dict.fromkeys(
        [
            "check_sample_weight_equivalence_on_dense_data",
            "check_sample_weights_pandas_series",
            "check_sample_weights_not_an_array",
            "check_sample_weights_list",
            "check_sample_weights_shape",
            "check_sample_weights_not_overwritten",
            "check_classifiers_one_label_sample_weights",
        ],
        _NO_SAMPLE_WEIGHT,
    ),
    "check_classifiers_train": (
        "one epoch of a tiny net does not reach the accuracy the check demands"
    ),
}


@parametrize_with_checks(
    [_ensemble().set_params(n_seeds=1, estimator__max_epochs=1)],
    expected_failed_checks=lambda estimator: SKORCH_FAILURES
)
def test_seed_ensemble_of_a_skorch_net_passes_sklearn_checks(estimator, check):
    check(estimator)
