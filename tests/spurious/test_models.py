"""Torch modules, skorch nets and the torch influence update."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from sklearn.datasets import load_digits  # noqa: E402

from skcorr.influence import LinearInfluence  # noqa: E402
from skcorr.spurious import (  # noqa: E402
    SpuriousCNN,
    SpuriousInjectionClassifier,
    SpuriousMLP,
    incremental_retraining,
    influence_removal,
    make_pattern,
    spurious_score,
)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X, y = (X / 16).astype(np.float32), y.astype(np.int64)
    return X[:600], y[:600], X[1300:], y[1300:]


def _net(module, max_epochs=10, **kwargs):
    return skorch.NeuralNetClassifier(
        module,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        optimizer__lr=0.1,
        optimizer__momentum=0.9,
        max_epochs=max_epochs,
        batch_size=64,
        train_split=None,
        verbose=0,
        **kwargs,
    )


def test_mlp_and_cnn_shapes():
    x = torch.zeros(3, 3 * 8 * 8)
    assert SpuriousCNN((3, 8, 8), n_classes=4, channels=2)(x).shape == (3, 4)
    assert SpuriousMLP(192, 5, hidden=(8, 8))(x).shape == (3, 5)


def test_skorch_cnn_learns_a_pattern_through_the_meta_estimator(digits):
    X, y, X_test, y_test = digits
    pattern = make_pattern("S3", (8, 8))
    net = _net(SpuriousCNN, max_epochs=15, module__image_shape=(8, 8),
               module__channels=8)
    scores = []
    for n in (0, 60):
        torch.manual_seed(0)
        clf = SpuriousInjectionClassifier(net, pattern, n, target_class=0)
        clf.set_params(random_state=0).fit(X, y)
        assert (clf.predict(X_test) == y_test).mean() > 0.7
        kw = dict(pattern=pattern, target_class=0)
        scores.append(spurious_score(clf, X_test, y_test, **kw))
    assert scores[0] < 0.02 and scores[1] > scores[0] + 0.05


def test_incremental_retraining_of_a_skorch_net(digits):
    X, y, X_test, y_test = digits
    pattern = make_pattern("S3", (8, 8))
    torch.manual_seed(0)
    clf = SpuriousInjectionClassifier(
        _net(SpuriousMLP, module__n_features=64, module__hidden=(32,)),
        pattern,
        40,
        target_class=0,
        random_state=0,
    ).fit(X, y)
    X_patched = pattern.apply(X[clf.spurious_indices_])
    X_train = X.copy()
    X_train[clf.spurious_indices_] = X_patched
    net = clf.estimator_
    n_epochs = len(net.history)
    result = incremental_retraining(
        net,
        X_train,
        y,
        clf.spurious_indices_,
        epochs=3,
        X_eval=X_test,
        y_eval=y_test,
        pattern=pattern,
        target_class=0,
        random_state=0,
    )
    assert len(result.estimator.history) == n_epochs + 3  # continued, not restarted
    assert len(net.history) == n_epochs  # the original is untouched
    assert len(result.retrained.history) == n_epochs
    assert {"score_before", "score_after", "score_retrained"} <= set(result)


def test_torch_influence_matches_the_numpy_formula(digits):
    """A linear softmax net (convex): the CG update equals the closed form
    theta + 1 / ((1 - p) N) (H_mean + damping I)^-1 sum_S grad."""
    X, y, _, _ = digits
    X, y = X[:200].astype(np.float64), y[:200]
    torch.manual_seed(0)
    net = _net(SpuriousMLP, max_epochs=5, module__n_features=64, module__hidden=())
    net.initialize()
    net.module_.double()
    net.partial_fit(X, y)
    linear = net.module_.layers[0]
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=np.inf)
    lr.classes_, lr.coef_ = np.arange(10), linear.weight.detach().numpy().copy()
    lr.intercept_ = linear.bias.detach().numpy().copy()
    theta = np.hstack([lr.coef_, lr.intercept_[:, None]])
    remove, damping, n = np.array([2, 7, 11]), 0.01, len(X)
    influence = LinearInfluence(lr).fit(X, y)  # C=inf: the loss's own Hessian
    H = influence.hessian_ / n + damping * np.eye(theta.size)
    g = influence.loss_gradients(X[remove], y[remove]).sum(axis=0)
    expected = theta + (np.linalg.solve(H, g) / ((1 - 3 / n) * n)).reshape(theta.shape)
    result = influence_removal(
        net, X, y, remove, solver="cg", damping=damping, max_iter=500, reference=False
    )
    updated = result.estimator.module_.layers[0]
    got = np.hstack(
        [updated.weight.detach().numpy(), updated.bias.detach().numpy()[:, None]]
    )
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # LiSSA solves with H + damping * scale: compare with CG at that damping
    lissa = (
        influence_removal(
            net,
            X,
            y,
            remove,
            solver="lissa",
            damping=0.004,
            scale=5.0,
            max_iter=300,
            batch_size=200,
            reference=False,
            random_state=0,
        )
        .estimator.module_.layers[0]
        .weight.detach()
        .numpy()
    )
    cg = (
        influence_removal(
            net, X, y, remove, solver="cg", damping=0.02, max_iter=500, reference=False
        )
        .estimator.module_.layers[0]
        .weight.detach()
        .numpy()
    )
    start = linear.weight.detach().numpy()
    assert np.linalg.norm(lissa - cg) < 0.3 * np.linalg.norm(cg - start)
