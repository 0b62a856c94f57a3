"""Blockwise moments: the same numbers as in memory, with memory bounded by one
block of rows (a memmap larger than the block streams through)."""

import tracemalloc

import numpy as np
import pytest

from skcorr.metrics import (
    _moments,
    aggregated_risk_from_failures,
    correlation_from_errors,
)


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(_moments, "BLOCK_BYTES", 64 * 1024)


def _memmap(tmp_path, array):
    path = tmp_path / "errors.dat"
    stored = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
    stored[:] = array
    stored.flush()
    return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)


@pytest.mark.parametrize("method", ["pearson", "phi", "phik", "kappa", "double_fault"])
def test_blocks_give_the_in_memory_answer(small_blocks, tmp_path, method):
    rng = np.random.RandomState(0)
    shared = rng.rand(20_000, 1) < 0.2
    errors = (shared & (rng.rand(20_000, 6) < 0.8)) | (rng.rand(20_000, 6) < 0.1)
    in_memory = correlation_from_errors(errors.astype(float), method=method)
    stored = _memmap(tmp_path, errors.astype(np.uint8))
    np.testing.assert_allclose(
        correlation_from_errors(stored, method=method), in_memory, atol=1e-12
    )


def test_memmap_peak_memory_stays_within_a_few_blocks(small_blocks, tmp_path):
    rng = np.random.RandomState(0)
    n_samples, n_models = 200_000, 20  # 16 MB in float32, 32 MB in float64
    stored = _memmap(
        tmp_path, rng.normal(size=(n_samples, n_models)).astype(np.float32)
    )
    tracemalloc.start()
    try:
        matrix = correlation_from_errors(stored)
        risk = aggregated_risk_from_failures(_memmap(tmp_path, np.zeros((10, 2))))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert matrix.shape == (n_models, n_models) and risk.k.tolist() == [1, 2]
    # the rows' failure counts (8 bytes a row) are the only full-length array
    assert peak < 2 * 2**20


def test_large_means_are_centred_block_by_block(small_blocks):
    rng = np.random.RandomState(1)
    errors = rng.normal(size=(30_000, 3)) + [5e6, 0.0, -1e5]
    np.testing.assert_allclose(
        correlation_from_errors(errors), np.corrcoef(errors, rowvar=False), atol=1e-9
    )


@pytest.mark.parametrize(
    "dtype",
    [bool, np.uint8, np.int8, ">i2", np.int64, np.float16, np.float32, ">f8"],
)
@pytest.mark.parametrize("method", ["phik", "yule_q", "pearson", "double_fault"])
def test_every_dtype_of_indicators_gives_the_float64_numbers(
    small_blocks, dtype, method
):
    rng = np.random.RandomState(4)
    errors = rng.rand(9_000, 4) < [0.1, 0.3, 0.5, 0.02]
    expected = correlation_from_errors(errors.astype(np.float64), method=method)
    # 0/1 products and their sums are exact in every dtype: the same floats
    np.testing.assert_array_equal(
        correlation_from_errors(errors.astype(dtype), method=method), expected
    )


@pytest.mark.parametrize(
    "errors",
    [
        np.array([[0, 1], [2, 0], [1, 1]], dtype=np.uint8),  # a 2 among bytes
        np.array([[0, 1], [-1, 0], [1, 1]], dtype=np.int8),  # -1: 255 unsigned
        np.array([[0, 1], [-255, 0], [1, 1]], dtype=np.int16),  # x**2 != x
        np.array([[0.0, 1.0], [0.5, 0.0], [1.0, 1.0]]),  # a fraction
        np.array([[0.0, 1.0], [1.0 + 2**-52, 0.0], [1.0, 1.0]]),  # next to 1
        np.array([[0.0, 1.0], [5e-324, 0.0], [1.0, 1.0]]),  # next to 0
    ],
)
def test_entries_other_than_0_and_1_are_refused_by_binary_methods(errors):
    with pytest.raises(ValueError, match="needs 0/1 error indicators"):
        correlation_from_errors(errors, method="phik")
    assert not _moments.is_binary(errors)


def test_negative_zero_is_a_zero():
    errors = np.array([[-0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert _moments.is_binary(errors)
    np.testing.assert_array_equal(
        correlation_from_errors(errors, method="phi"),
        correlation_from_errors(np.abs(errors), method="phi"),
    )


def test_centring_large_means_leaves_the_input_unchanged(small_blocks):
    rng = np.random.RandomState(5)
    errors = rng.normal(size=(5_000, 3)) + [5e6, 0.0, -1e5]
    copy = errors.copy()
    correlation_from_errors(errors)
    np.testing.assert_array_equal(errors, copy)


@pytest.mark.slow
def test_counts_beyond_2_to_the_24_stay_exact():
    # float32 sums stop counting at 2**24; blocks of fewer rows keep them exact
    n_samples = 2**24 + 3
    errors = np.zeros((n_samples, 2), dtype=np.uint8)
    errors[:, 0] = 1
    errors[: 2**24 + 1, 1] = 1
    double_fault = correlation_from_errors(errors, method="double_fault")
    assert double_fault[0, 0] == 1.0
    assert double_fault[0, 1] == (2**24 + 1) / n_samples
