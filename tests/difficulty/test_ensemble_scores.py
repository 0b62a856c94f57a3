import numpy as np
import pytest

from skcorr.difficulty import ensemble_accuracy, ensemble_agreement


def test_hand_worked():
    y = ["a", "b", "c"]
    Y = [["a", "a", "a"], ["b", "a", "a"], ["a", "a", "b"]]
    np.testing.assert_allclose(ensemble_accuracy(y, Y), [-1, -1 / 3, 0])
    np.testing.assert_array_equal(ensemble_agreement(y, Y), [-1, 0, 1])


def test_shape_error():
    with pytest.raises(ValueError, match="n_models"):
        ensemble_accuracy([0, 1], [0, 1])
