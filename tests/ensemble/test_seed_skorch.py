"""SeedEnsembleClassifier over a small skorch net: seeding and sklearn's checks."""

import os

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


# --------------------------------------------------------- float64 to a net
class LinearModule(torch.nn.Module):
    """A plain module: no dtype handling of its own, as users write them."""

    def __init__(self, n_features=4, n_classes=2):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, n_classes)

    def forward(self, X):
        return self.linear(X)


def _plain_net():
    return skorch.NeuralNetClassifier(
        LinearModule, criterion=torch.nn.CrossEntropyLoss, max_epochs=2, lr=0.1,
        train_split=None, verbose=0,
    )


FLOAT_X, FLOAT_Y = make_classification(n_samples=50, n_features=4, random_state=2)


def test_float64_input_is_cast_to_the_dtype_of_the_net():
    """The net computes in float32 either way: given float64, the ensemble
    casts it, so the result is that of the same net on the float32 copy (the
    same computation: bit for bit)."""
    assert FLOAT_X.dtype == np.float64
    ensemble = SeedEnsembleClassifier(_plain_net(), n_seeds=2, random_state=0)
    from_64 = clone(ensemble).fit(FLOAT_X, FLOAT_Y)
    from_32 = clone(ensemble).fit(FLOAT_X.astype(np.float32), FLOAT_Y)
    proba = from_64.predict_proba_all(FLOAT_X)
    assert np.isfinite(proba).all()
    np.testing.assert_array_equal(
        proba, from_32.predict_proba_all(FLOAT_X.astype(np.float32))
    )
    # float16 and a pandas frame of float64 go the same way
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(FLOAT_X, columns=list("abcd"))
    np.testing.assert_array_equal(
        clone(ensemble).fit(frame, FLOAT_Y).predict_all(frame),
        from_32.predict_all(FLOAT_X.astype(np.float32)),
    )
    half = FLOAT_X.astype(np.float16)
    np.testing.assert_array_equal(
        clone(ensemble).fit(half, FLOAT_Y).predict_all(half),
        clone(ensemble).fit(half.astype(np.float32), FLOAT_Y).predict_all(
            half.astype(np.float32)
        ),
    )


def test_a_float64_net_keeps_float64():
    """The dtype is the net's, not always float32: a module of float64
    parameters gets float64."""
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        ensemble = SeedEnsembleClassifier(
            _plain_net(), n_seeds=1, random_state=0
        ).fit(FLOAT_X, FLOAT_Y)
        assert ensemble.estimators_[0].module_.linear.weight.dtype == torch.float64
        assert ensemble.predict_proba_all(FLOAT_X).shape == (50, 1, 2)
    finally:
        torch.set_default_dtype(default)
    # after fit, predictions follow the fitted module (float64), not the default
    assert ensemble.predict_proba_all(FLOAT_X.astype(np.float32)).shape == (50, 1, 2)


def _scaled_net():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), _plain_net())


@pytest.mark.parametrize(
    "make, X",
    [
        # a Pipeline hands the net what its steps produce (float64 here)
        (_scaled_net, FLOAT_X),
        # integer X is not cast (it may hold indices for an embedding)
        (_plain_net, np.rint(FLOAT_X * 10).astype(np.int64)),
    ],
    ids=["pipeline", "integers"],
)
def test_a_dtype_torch_refuses_says_what_to_do(make, X):
    ensemble = SeedEnsembleClassifier(make(), n_seeds=1, random_state=0)
    with pytest.raises(
        RuntimeError,
        match=r"failed to fit: RuntimeError: .*dtype.*FunctionTransformer\("
        r"numpy\.float32\), or cast integer X with X\.astype\(numpy\.float32\)",
    ):
        ensemble.fit(X, FLOAT_Y)


def test_the_suggested_float32_step_fixes_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    pipe = make_pipeline(
        StandardScaler(), FunctionTransformer(np.float32), _plain_net()
    )
    ensemble = SeedEnsembleClassifier(pipe, n_seeds=1, random_state=0).fit(
        FLOAT_X, FLOAT_Y
    )
    assert ensemble.predict_proba(FLOAT_X).shape == (50, 2)


def test_evaluate_batch_casts_float64_for_a_net():
    from skcorr.ensemble import evaluate_batch

    table = evaluate_batch(
        {"net": _plain_net()}, FLOAT_X, FLOAT_Y, seeds=[0, 1], cv=2,
        scoring="accuracy",
    )
    assert table["test_score"].between(0, 1).all() and len(table) == 4


def test_a_net_shipped_from_a_worker_comes_back_whole():
    """What a worker process returns (caller_pid=-1 forces it here): the net
    pickled by its attributes with cloudpickle, loaded as the same net."""
    import pickle

    from skcorr.ensemble._fitting import (
        ShippedMember,
        fit_member,
        fit_member_for,
        received_member,
    )

    shipped, seconds = fit_member_for(-1, fit_member, _plain_net(), 3, FLOAT_X, FLOAT_Y)
    assert isinstance(shipped, ShippedMember) and seconds > 0
    same_process, _ = fit_member_for(
        os.getpid(), fit_member, _plain_net(), 3, FLOAT_X, FLOAT_Y
    )
    assert not isinstance(same_process, ShippedMember)
    back = received_member(shipped)
    assert type(back.module_) is LinearModule
    X32 = FLOAT_X.astype(np.float32)
    np.testing.assert_array_equal(
        back.predict_proba(X32), same_process.predict_proba(X32)
    )
    # still a normal skorch net: its own pickling and further training work
    again = pickle.loads(pickle.dumps(back))
    np.testing.assert_array_equal(again.predict_proba(X32), back.predict_proba(X32))
    back.partial_fit(X32, FLOAT_Y)
