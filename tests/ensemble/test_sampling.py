"""Tests of the per-member row and column sampling."""

import numpy as np
import pytest

from skcorr.ensemble._sampling import draw_features, draw_rows


@pytest.mark.parametrize("shared_fraction", [0.0, 0.3, 0.5, 1.0])
def test_shared_fraction_shares_rows_and_splits_the_rest(shared_fraction):
    n_samples = 50
    rows = draw_rows(
        n_samples, [1, 2, 3, 4], shared_fraction=shared_fraction,
        random_state=np.random.RandomState(0),
    )
    shared = set.intersection(*(set(r) for r in rows))
    assert len(rows) == 4
    assert len(shared) == round(shared_fraction * n_samples)
    own_parts = [set(r) - shared for r in rows]
    # the parts beyond the shared rows are pairwise disjoint and cover the rest
    assert sum(len(p) for p in own_parts) == n_samples - len(shared)
    assert set.union(shared, *own_parts) == set(range(n_samples))
    assert max(len(p) for p in own_parts) - min(len(p) for p in own_parts) <= 1
    assert all(len(r) == len(set(r)) for r in rows)  # no repeats


def test_shared_fraction_rejects_other_sampling_and_empty_members():
    with pytest.raises(ValueError, match="leave max_samples=None"):
        draw_rows(10, [1, 2], shared_fraction=0.5, bootstrap=True,
                  random_state=np.random.RandomState(0))
    with pytest.raises(ValueError, match="leaves a member with no rows"):
        draw_rows(3, [1, 2, 3, 4], shared_fraction=0.0,
                  random_state=np.random.RandomState(0))


def test_row_samples_follow_each_member_seed():
    rows = draw_rows(20, [5, 6], max_samples=0.5, bootstrap=True)
    np.testing.assert_array_equal(rows[0], np.random.RandomState(5).randint(0, 20, 10))
    without = draw_rows(20, [5], max_samples=8)
    expected = np.sort(np.random.RandomState(5).choice(20, 8, replace=False))
    np.testing.assert_array_equal(without[0], expected)
    assert draw_rows(20, [5, 6]) == [None, None]


def test_counts_larger_than_available_are_rejected():
    with pytest.raises(ValueError, match="max_samples=30 is larger than the 20"):
        draw_rows(20, [1], max_samples=30)
    with pytest.raises(ValueError, match="max_features=9 is larger than the 4"):
        draw_features(4, [1], max_features=9)


def test_features_are_distinct_sorted_columns():
    features = draw_features(10, [1, 2, 3], max_features=4)
    for columns in features:
        assert len(set(columns)) == 4 and list(columns) == sorted(columns)
    assert draw_features(10, [1, 2]) == [None, None]
