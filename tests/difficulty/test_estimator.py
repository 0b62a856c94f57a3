import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier

from skcorr.difficulty import (
    ExampleDifficulty,
    ensemble_agreement,
    forgetting_events,
    loss,
    record_dynamics,
)


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return X[::2], np.array(["setosa", "versicolor", "virginica"])[y[::2]]


def _difficulty(**kwargs):
    params = dict(scores=["loss", "forgetting_events", "ensemble_agreement"],
                  n_seeds=3, max_epochs=4, random_state=0)
    params.update(kwargs)
    return ExampleDifficulty(SGDClassifier(loss="log_loss"), **params)


def test_runs_are_the_seeded_record_dynamics(iris):
    X, y = iris
    difficulty = _difficulty().fit(X, y)
    assert difficulty.scores_["loss"].shape == (75, 3)
    assert len(set(difficulty.seeds_)) == 3
    y_index = np.searchsorted(difficulty.classes_, y)
    for run, seed in enumerate(difficulty.seeds_):
        est = SGDClassifier(loss="log_loss", random_state=int(seed))
        dyn = record_dynamics(est, X, y_index, 4).dynamics
        np.testing.assert_allclose(difficulty.scores_["loss"][:, run],
                                   loss(y_index, dyn[:, -1]))
        np.testing.assert_array_equal(
            difficulty.scores_["forgetting_events"][:, run],
            forgetting_events(y_index, dyn),
        )
    frame = difficulty.mean_scores_
    assert list(frame.columns) == ["loss", "forgetting_events", "ensemble_agreement"]
    np.testing.assert_allclose(frame["loss"], difficulty.scores_["loss"].mean(1))
    np.testing.assert_array_equal(
        frame["ensemble_agreement"], ensemble_agreement(y_index,
                                                        difficulty.predictions_)
    )
    np.testing.assert_array_equal(difficulty.rank("loss"),
                                  rankdata(-frame["loss"].to_numpy()))


def test_same_random_state_same_scores_for_any_n_jobs(iris):
    X, y = iris
    estimator = MLPClassifier(hidden_layer_sizes=(4,))
    serial = ExampleDifficulty(estimator, scores=["margin"], n_seeds=2, max_epochs=2,
                               random_state=1).fit(X, y)
    parallel = ExampleDifficulty(estimator, scores=["margin"], n_seeds=2, max_epochs=2,
                                 random_state=1, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.scores_["margin"], parallel.scores_["margin"])


def test_skorch_net_runs_are_seeded_and_reproducible(iris):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    X, y = iris
    X = X.astype(np.float32)

    class Module(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = torch.nn.Linear(4, 8)
            self.out = torch.nn.Linear(8, 3)

        def forward(self, X):
            return self.out(torch.relu(self.hidden(X)))

    net = skorch.NeuralNetClassifier(
        Module, criterion=torch.nn.CrossEntropyLoss, lr=0.05, batch_size=16,
        train_split=None, verbose=0,
    )
    kwargs = dict(scores=["loss", "grand", "prediction_depth"], n_seeds=2,
                  max_epochs=2, random_state=0)
    first = ExampleDifficulty(net, **kwargs).fit(X, y)
    second = ExampleDifficulty(net, **kwargs).fit(X, y)
    np.testing.assert_array_equal(first.scores_["loss"], second.scores_["loss"])
    assert first.scores_["grand"].shape == (75, 2)
    assert not np.array_equal(first.scores_["loss"][:, 0], first.scores_["loss"][:, 1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(scores=["nope"]), "Unknown score"),
        (dict(scores=["grand"]), "need a torch model"),
        (dict(every=9), "exceeds max_epochs"),
    ],
)
def test_bad_settings_are_named(iris, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _difficulty(**kwargs).fit(*iris)


def test_rank_of_unknown_score(iris):
    difficulty = _difficulty(scores=["loss"], n_seeds=1).fit(*iris)
    with pytest.raises(ValueError, match="was not computed"):
        difficulty.rank("margin")


def test_vog_is_vog_of_the_recorded_checkpoints(iris):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from copy import deepcopy

    from skcorr.difficulty import vog

    X, y = iris
    X = X.astype(np.float32)
    saved = []  # the module at each epoch end, in the order of the runs

    class SaveCheckpoints(skorch.callbacks.Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) % 2 == 0:
                saved.append(deepcopy(net.module_))

    net = skorch.NeuralNetClassifier(
        torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(),
                            torch.nn.Linear(5, 3)),
        criterion=torch.nn.CrossEntropyLoss, lr=0.1, batch_size=16,
        train_split=None, verbose=0, callbacks=[SaveCheckpoints()],
    )
    difficulty = ExampleDifficulty(net, scores=["vog", "loss"], n_seeds=2,
                                   max_epochs=6, every=2, random_state=0).fit(X, y)
    assert difficulty.scores_["vog"].shape == (75, 2) and len(saved) == 6
    y_index = np.searchsorted(difficulty.classes_, y)
    for run in range(2):
        expected = vog(saved[3 * run:3 * run + 3], X, y_index)
        assert expected.min() > 0
        # the same float32 gradients (all 75 rows in one batch of 256, same X
        # buffer, in both); only the float64 variance differs (running Welford
        # against numpy's two-pass): ~eps64 * (rms / std)^2 <~ 1e-13; rtol=1e-10
        np.testing.assert_allclose(difficulty.scores_["vog"][:, run], expected,
                                   rtol=1e-10, atol=1e-300)


def test_vog_needs_a_net_and_two_checkpoints(iris):
    with pytest.raises(ValueError, match="needs input gradients"):
        _difficulty(scores=["vog"]).fit(*iris)
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    net = skorch.NeuralNetClassifier(torch.nn.Linear(4, 3), train_split=None)
    with pytest.raises(ValueError, match="two recorded epochs"):
        ExampleDifficulty(net, scores=["vog"], max_epochs=3, every=2).fit(*iris)


def test_a_skorch_net_takes_float64_x_as_its_float32():
    # torch multiplies one dtype: float64 X is cast to the net's float32, as the
    # ensembles do. Oracle: the same runs on X given as float32 by hand.
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")

    class Linear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(5, 2)

        def forward(self, X):
            return self.layer(X)

    rng = np.random.RandomState(0)
    X = rng.rand(60, 5)
    y = (X[:, 0] > 0.5).astype(np.int64)
    net = skorch.NeuralNetClassifier(
        Linear, criterion=torch.nn.CrossEntropyLoss, max_epochs=3,
        train_split=None, verbose=0, iterator_train__shuffle=True,
    )
    params = dict(n_seeds=2, max_epochs=3, scores=["loss", "margin"], random_state=0)
    from_float64 = ExampleDifficulty(net, **params).fit(X, y)
    from_float32 = ExampleDifficulty(net, **params).fit(X.astype(np.float32), y)
    for name in ("loss", "margin"):
        np.testing.assert_array_equal(
            from_float64.scores_[name], from_float32.scores_[name]
        )
