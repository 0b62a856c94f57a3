"""The task inference's fast reading of integer labels, against scikit-learn's
``type_of_target`` and ``np.unique`` (the two passes it replaces)."""

import numpy as np
import pytest
from sklearn.utils.multiclass import type_of_target

from skcorr.utils.validation import _target_type_and_labels, infer_task

_RNG = np.random.RandomState(0)


@pytest.mark.parametrize(
    "y",
    [
        np.array([3]),
        np.array([0, 0]),
        np.array([-5, 2, 2, 7]),
        _RNG.randint(0, 10, 1000),
        _RNG.randint(-3, 2, 50).astype(np.int8),
        np.arange(-128, 128).astype(np.int8),  # offsets overflow int8
        np.array([0, 10**12]),  # a range wider than the array: sorted
        np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64),
        np.array([-(2**63), -(2**63) + 1]),
        _RNG.randint(0, 2, 100).astype(np.uint8),
    ],
    ids=lambda y: f"{y.dtype}-{y.size}",
)
def test_integer_labels_read_once_as_scikit_learn_reads_them(y):
    target_type, labels = _target_type_and_labels(y)
    assert target_type == type_of_target(y)
    expected = np.unique(y)
    assert labels.dtype == expected.dtype
    np.testing.assert_array_equal(labels, expected)


def test_infer_task_unchanged_on_integer_labels():
    y = _RNG.randint(0, 5, 200)
    Y = np.column_stack([y, np.roll(y, 1)])
    assert infer_task(y, Y) == "classification"
    with pytest.raises(ValueError, match=r"never seen in y_true \(e.g. 7\)"):
        infer_task(y, np.column_stack([y, np.full(200, 7)]))
