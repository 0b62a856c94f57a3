import numpy as np
import pytest

from skcorr.difficulty import (
    area_under_margin,
    cartography,
    first_learned,
    forgetting_events,
    iteration_learned,
    unforgettable,
)

R, W = [0.8, 0.2], [0.3, 0.7]  # right and wrong for label 0

# correctness sequences over 5 epochs, hand-worked
SEQUENCES = {
    "never": [W, W, W, W, W],
    "always": [R, R, R, R, R],
    "late": [W, W, W, R, R],
    "flip": [R, W, R, W, R],
    "lost": [R, R, R, R, W],
}
EXPECTED = {  # forgetting, first_learned, iteration_learned, unforgettable
    "never": (0, 5, 5, 0),
    "always": (0, 0, 0, -1),
    "late": (0, 3, 3, -1),
    "flip": (2, 0, 4, 0),
    "lost": (1, 0, 5, 0),
}


@pytest.fixture
def dynamics():
    return np.array(list(SEQUENCES.values())), np.zeros(len(SEQUENCES), dtype=int)


def test_forgetting_family_hand_worked(dynamics):
    D, y = dynamics
    expected = np.array(list(EXPECTED.values()))
    np.testing.assert_array_equal(forgetting_events(y, D), expected[:, 0])
    np.testing.assert_array_equal(first_learned(y, D), expected[:, 1])
    np.testing.assert_array_equal(iteration_learned(y, D), expected[:, 2])
    np.testing.assert_array_equal(unforgettable(y, D), expected[:, 3])


def test_area_under_margin_and_cartography(dynamics):
    D, y = dynamics
    margins = np.where(np.array(list(SEQUENCES.values()))[..., 0] == 0.8, 0.6, -0.4)
    np.testing.assert_allclose(
        area_under_margin(y, D), -margins.mean(axis=1), atol=1e-12
    )
    maps = cartography(y, D)
    p_y = D[..., 0]
    np.testing.assert_allclose(maps.confidence, -p_y.mean(axis=1))
    np.testing.assert_allclose(maps.variability, p_y.std(axis=1))
    np.testing.assert_allclose(maps.correctness, -(p_y == 0.8).mean(axis=1))
    # the never-learned example is the hardest on every easy-high score
    assert np.argmax(maps.confidence) == 0 and np.argmax(maps.correctness) == 0


def test_dynamics_must_be_three_dimensional():
    with pytest.raises(ValueError, match="n_epochs"):
        forgetting_events([0], [[0.5, 0.5]])
