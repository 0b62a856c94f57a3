"""Kendall's tau-b of all pairs against scipy.stats.kendalltau pair by pair, on
continuous, tied and few-valued errors, by sorting and by contingency tables;
and the merge-sort inversion count against a count of every pair."""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from skcorr.metrics import _kendall, correlation_from_errors
from skcorr.metrics._kendall import count_inversions, kendall_tau_b


def _scipy_matrix(errors):
    n_models = errors.shape[1]
    expected = np.full((n_models, n_models), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on constant columns
        for i, j in itertools.combinations(range(n_models), 2):
            value = stats.kendalltau(errors[:, i], errors[:, j], variant="b")
            expected[i, j] = expected[j, i] = value.statistic
    return expected


def _off_diagonal(matrix):
    return matrix[np.triu_indices(matrix.shape[0], k=1)]


@pytest.mark.parametrize("n", [1, 2, 3, 15, 16, 17, 31, 100, 257])
@pytest.mark.parametrize("merge_width", [1, 2**20])  # timsort merges, SIMD sorts
def test_inversions_match_a_count_of_every_pair(monkeypatch, n, merge_width):
    monkeypatch.setattr(_kendall, "_MERGE_WIDTH", merge_width)
    rng = np.random.RandomState(n)
    permutations = np.array([rng.permutation(n) for _ in range(4)])
    expected = [
        sum(int(p[i] > p[j]) for i, j in itertools.combinations(range(n), 2))
        for p in permutations
    ]
    assert count_inversions(permutations).tolist() == expected


def _errors(kind, n_samples=400, n_models=4, seed=0):
    rng = np.random.RandomState(seed)
    shared = rng.normal(size=(n_samples, 1))
    continuous = shared * np.linspace(0.3, 1.5, n_models) + rng.normal(
        size=(n_samples, n_models)
    )
    if kind == "continuous":
        return continuous
    if kind == "tied":  # many values, many ties
        return np.round(continuous, 1)
    if kind == "few":  # a handful of values: contingency tables
        return np.round(continuous).clip(-3, 3)
    # a continuous, a tied, a few-valued and a binary column
    return np.column_stack(
        [
            continuous[:, 0],
            np.round(continuous[:, 1], 1),
            np.round(continuous[:, 2]),
            continuous[:, 3] > 0,
        ]
    ).astype(float)


@pytest.fixture(params=["sorting", "tables", "default"])
def path(request, monkeypatch):
    """Every pair by sorting, every pair by contingency tables, or the default
    choice; several blocks of pairs."""
    limit = {"sorting": 0, "tables": 10**9}.get(request.param)
    if limit is not None:
        monkeypatch.setattr(_kendall, "table_limit", lambda n_samples: limit)
    monkeypatch.setattr(_kendall, "PAIR_BLOCK_ENTRIES", 1000)
    return request.param


@pytest.mark.parametrize("kind", ["continuous", "tied", "few", "mixed"])
def test_tau_b_matches_scipy_pair_by_pair(path, kind):
    errors = _errors(kind)
    ours = kendall_tau_b(errors)
    # Both turn exact integer counts into the same float64 expression.
    np.testing.assert_allclose(
        _off_diagonal(ours), _off_diagonal(_scipy_matrix(errors)), atol=1e-14
    )
    np.testing.assert_array_equal(np.diag(ours), 1.0)


def test_constant_columns_give_nan_as_in_scipy():
    errors = _errors("continuous", n_models=3)
    errors[:, 1] = 2.5
    ours = kendall_tau_b(errors)
    assert np.isnan(ours[1]).all() and np.isnan(ours[:, 1]).all()
    expected = stats.kendalltau(errors[:, 0], errors[:, 2]).statistic
    assert ours[0, 2] == pytest.approx(expected, abs=1e-14)


def test_public_kendall_is_tau_b_on_integer_and_memmapped_errors(tmp_path):
    errors = _errors("few", n_samples=300).astype(np.int16)
    path = tmp_path / "errors.i16"
    stored = np.memmap(path, dtype=np.int16, mode="w+", shape=errors.shape)
    stored[:] = errors
    matrix = correlation_from_errors(stored, method="kendall")
    np.testing.assert_allclose(
        _off_diagonal(matrix), _off_diagonal(_scipy_matrix(errors)), atol=1e-14
    )


@settings(max_examples=30, deadline=None)
@given(
    errors=st.integers(2, 60).flatmap(
        lambda n: arrays(np.int8, (n, 3), elements=st.integers(-3, 3))
    ),
    limit=st.sampled_from([0, 10**9]),
)
def test_tau_b_on_random_tied_integers_matches_scipy(errors, limit):
    original = _kendall.table_limit
    _kendall.table_limit = lambda n_samples: limit  # 0: sorting, else tables
    try:
        ours = kendall_tau_b(errors)
    finally:
        _kendall.table_limit = original
    expected = _scipy_matrix(errors.astype(float))
    np.testing.assert_allclose(
        _off_diagonal(ours), _off_diagonal(expected), atol=1e-14, equal_nan=True
    )
