import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier

from skcorr.difficulty import record_dynamics


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return X[::3], y[::3]


def test_partial_fit_records_match_a_manual_loop(iris):
    X, y = iris
    est = MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    result = record_dynamics(est, X, y, max_epochs=6, every=2, record_loss=True)
    manual = clone(est)
    expected = []
    for epoch in range(1, 7):
        manual.partial_fit(X, y, classes=np.unique(y))
        if epoch % 2 == 0:
            expected.append(manual.predict_proba(X))
    np.testing.assert_allclose(result.dynamics, np.stack(expected, axis=1))
    assert result.epochs == [2, 4, 6]
    p_y = result.dynamics[np.arange(len(y)), :, y]
    np.testing.assert_allclose(result.loss, -np.log(p_y))
    assert est.__dict__.get("coefs_") is None  # the given estimator is untouched


def test_logits_and_memmap(iris, tmp_path):
    X, y = iris
    est = SGDClassifier(loss="log_loss", random_state=0)
    in_memory = record_dynamics(est, X, y, max_epochs=3, record_logits=True)
    on_disk = record_dynamics(est, X, y, max_epochs=3, record_logits=True,
                              memmap=str(tmp_path / "run"))
    assert isinstance(on_disk.dynamics, np.memmap)
    np.testing.assert_allclose(on_disk.dynamics, in_memory.dynamics)
    np.testing.assert_allclose(on_disk.logits, in_memory.logits)
    assert (tmp_path / "run.proba.npy").exists()
    np.testing.assert_allclose(
        in_memory.logits[:, -1], in_memory.estimator.decision_function(X)
    )


def test_random_state_makes_runs_identical(iris):
    X, y = iris
    est = SGDClassifier(loss="log_loss")
    a = record_dynamics(est, X, y, max_epochs=2, random_state=3).dynamics
    b = record_dynamics(est, X, y, max_epochs=2, random_state=3).dynamics
    np.testing.assert_array_equal(a, b)


def test_estimator_without_partial_fit_is_refused(iris):
    from sklearn.tree import DecisionTreeClassifier

    with pytest.raises(ValueError, match="no partial_fit"):
        record_dynamics(DecisionTreeClassifier(), *iris, max_epochs=2)
    with pytest.raises(ValueError, match="predict_proba"):
        record_dynamics(SGDClassifier(), *iris, max_epochs=2)
