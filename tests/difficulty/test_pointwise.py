import numpy as np
import pytest
import scipy.stats
from sklearn.metrics import log_loss

from skcorr.difficulty import (
    accuracy,
    confidence,
    el2n,
    entropy,
    loss,
    margin,
    max_confidence,
)


@pytest.fixture
def proba_and_y():
    rng = np.random.RandomState(0)
    logits = rng.normal(size=(20, 4))
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return proba, rng.randint(4, size=20)


def test_loss_matches_sklearn_log_loss_per_sample(proba_and_y):
    proba, y = proba_and_y
    expected = [log_loss([y[i]], proba[[i]], labels=range(4)) for i in range(20)]
    np.testing.assert_allclose(loss(y, proba), expected)


def test_entropy_matches_scipy(proba_and_y):
    proba, _ = proba_and_y
    np.testing.assert_allclose(entropy(proba), scipy.stats.entropy(proba, axis=1))
    assert entropy([[1.0, 0.0]])[0] == 0.0


def test_hand_worked_scores():
    proba = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    y = [0, 2]
    np.testing.assert_allclose(accuracy(y, proba), [-1, 0])
    np.testing.assert_allclose(confidence(y, proba), [-0.6, -0.3])
    np.testing.assert_allclose(max_confidence(proba), [-0.6, -0.5])
    np.testing.assert_allclose(margin(y, proba), [-0.3, 0.2])
    np.testing.assert_allclose(
        el2n(y, proba), [np.sqrt(0.16 + 0.09 + 0.01), np.sqrt(0.04 + 0.25 + 0.49)]
    )


@pytest.mark.parametrize(
    "score", [loss, accuracy, confidence, margin, el2n], ids=lambda f: f.__name__
)
def test_dynamics_give_one_score_per_epoch(score, proba_and_y):
    proba, y = proba_and_y
    dynamics = np.stack([proba, proba[::-1]], axis=1)
    result = score(y, dynamics)
    assert result.shape == (20, 2)
    np.testing.assert_allclose(result[:, 0], score(y, proba))
    np.testing.assert_allclose(result[:, 1], score(y, proba[::-1]))


def test_harder_is_higher_for_a_confident_right_vs_wrong_example():
    proba = np.array([[0.95, 0.05], [0.3, 0.7]])
    y = [0, 0]
    for score in (loss, accuracy, confidence, margin, el2n):
        values = score(y, proba)
        assert values[1] > values[0], score.__name__


@pytest.mark.parametrize(
    "y, proba, match",
    [
        ([0, 1], [0.5, 0.5], "shape"),
        ([0, 3], [[0.5, 0.5], [0.5, 0.5]], "indices must lie"),
        ([0], [[0.5, 0.5], [0.5, 0.5]], "y has 1 samples"),
        ([0, 1], [[np.nan, 0.5], [0.5, 0.5]], "NaN"),
        ([0, 1], [[2.0, -1.0], [0.5, 0.5]], "softmax"),
        (["a", "b"], [[0.5, 0.5], [0.5, 0.5]], "LabelEncoder"),
    ],
)
def test_bad_input_is_named(y, proba, match):
    with pytest.raises(ValueError, match=match):
        loss(y, proba)
