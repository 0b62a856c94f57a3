import itertools

import numpy as np
import pytest

from skcorr.metrics import (
    correlation_score,
    mean_over_pairs,
    pairwise_error_correlation,
)


def _loop_mean(matrix, rows, cols):
    """The oracle: every unordered pair of distinct models once, by a loop."""
    pairs = {frozenset((i, j)) for i, j in itertools.product(rows, cols) if i != j}
    values = [matrix[min(p), max(p)] for p in pairs]
    defined = [v for v in values if not np.isnan(v)]
    return (np.mean(defined) if defined else np.nan), len(values)


def test_worked_by_hand():
    matrix = np.array([[1.0, 0.25, 0.75, 0.5],
                       [0.25, 1.0, np.nan, 0.0],
                       [0.75, np.nan, 1.0, 1.0],
                       [0.5, 0.0, 1.0, 1.0]])
    # six pairs, (1, 2) undefined: (0.25 + 0.75 + 0.5 + 0 + 1) / 5
    assert mean_over_pairs(matrix) == (0.5, 6)
    # within models 0, 1, 2: pairs (0, 1), (0, 2) and the undefined (1, 2)
    assert mean_over_pairs(matrix, rows=[0, 1, 2]) == (0.5, 3)
    # across the groups {0, 1} and {2, 3}: 0.75, 0.5, NaN, 0.0
    assert mean_over_pairs(matrix, rows=[0, 1], cols=[2, 3]) == (0.4166666666666667, 4)
    only_undefined = mean_over_pairs(matrix, rows=[1], cols=[2])
    assert np.isnan(only_undefined[0]) and only_undefined[1] == 1


@pytest.mark.parametrize("seed", range(3))
def test_matches_a_loop_over_pairs(seed):
    rng = np.random.RandomState(seed)
    upper = rng.uniform(-1, 1, size=(7, 7))
    upper[rng.rand(7, 7) < 0.2] = np.nan
    matrix = np.triu(upper, 1) + np.triu(upper, 1).T + np.eye(7)
    groups = [np.arange(7), np.array([0, 2, 5]), np.array([1, 3]), np.array([4, 6])]
    for rows, cols in itertools.product(groups, groups):
        same, disjoint = np.array_equal(rows, cols), not np.intersect1d(rows, cols).size
        if not (same or disjoint):
            continue  # partly overlapping groups are not a block of pairs
        mean, n_pairs = mean_over_pairs(matrix, rows=rows, cols=cols)
        expected_mean, expected_pairs = _loop_mean(matrix, rows, cols)
        assert n_pairs == expected_pairs
        # the same values summed in another order: float64 rounding
        np.testing.assert_allclose(mean, expected_mean, rtol=1e-14, equal_nan=True)


def test_every_pair_is_correlation_score_of_the_mean():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 200)
    Y_pred = np.where(rng.rand(200, 5) < 0.3, 1 - y[:, None], y[:, None])
    matrix = pairwise_error_correlation(y, Y_pred)
    # the same pairs, the same order, the same mean: bit for bit
    assert mean_over_pairs(matrix)[0] == correlation_score(y, Y_pred)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(matrix=np.ones((2, 3))), r"square pairwise matrix; got shape \(2, 3\)"),
        (dict(matrix=np.eye(3), rows=[0, 3]),
         r"rows must be .* in \[0, 2\]; got \[0, 3\]"),
        (dict(matrix=np.eye(3), cols=[]), "cols must be a non-empty"),
        (dict(matrix=np.eye(3), rows=[0.0, 1.0]), "model indices"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mean_over_pairs(**kwargs)
