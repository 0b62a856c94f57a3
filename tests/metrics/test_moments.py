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
