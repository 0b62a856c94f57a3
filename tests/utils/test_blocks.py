"""Blocks of rows: every row once, in order, and a memory map's pages handed
back without losing a value."""

import sys

import numpy as np
import pytest

from skcorr.utils.blocks import (
    BLOCK_VALUES,
    _shared_mapping,
    iter_row_blocks,
    rows_per_block,
)


def test_rows_per_block():
    assert rows_per_block(10**6, 500) == BLOCK_VALUES // 500
    assert rows_per_block(10, 500) == 10  # never more than the rows
    assert rows_per_block(10**6, 10 * BLOCK_VALUES) == 1  # at least one
    assert rows_per_block(10, 500, block_size=4) == 4
    assert rows_per_block(3, 500, block_size=4) == 3


def test_blocks_cover_every_row_once_in_order():
    array = np.arange(23 * 2, dtype=np.float32).reshape(23, 2)
    blocks = list(iter_row_blocks(array, 5, dtype=np.float64))
    assert [(rows.start, rows.stop) for rows, _ in blocks] == [
        (0, 5), (5, 10), (10, 15), (15, 20), (20, 23)]
    assert all(block.dtype == np.float64 for _, block in blocks)
    np.testing.assert_array_equal(np.concatenate([b for _, b in blocks]), array)


def test_shared_maps_are_found_through_views(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.arange(12.0).reshape(4, 3))
    loaded = np.load(path, mmap_mode="r")
    assert _shared_mapping(loaded) is not None
    assert _shared_mapping(loaded[1:, ::2]) is not None
    assert _shared_mapping(np.asarray(loaded)) is not None
    assert _shared_mapping(np.load(path, mmap_mode="r+")) is not None
    # copy-on-write: dropping its pages would drop the writes
    assert _shared_mapping(np.load(path, mmap_mode="c")) is None
    assert _shared_mapping(np.arange(3.0)) is None


@pytest.mark.parametrize("mode", ["r+", "c"])
def test_writes_through_blocks_survive_the_release(tmp_path, mode):
    path = tmp_path / "a.f64"
    values = np.arange(4096 * 3, dtype=np.float64).reshape(-1, 8)  # 24 pages
    values.tofile(path)
    array = np.memmap(path, np.float64, mode, shape=values.shape)
    for rows, block in iter_row_blocks(array, 100):
        block += 1.0  # a view of the map: writes into it
        assert rows.stop - rows.start <= 100
    np.testing.assert_array_equal(array, values + 1.0)  # read after the release
    array.flush()
    on_disk = np.fromfile(path, np.float64).reshape(values.shape)
    np.testing.assert_array_equal(on_disk, values + (mode == "r+"))


def _resident_file_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssFile:"):
                return int(line.split()[1])
    pytest.skip("no RssFile in /proc/self/status")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_memmap_read_in_blocks_stays_out_of_the_resident_set(tmp_path):
    path = tmp_path / "big.f32"
    # 16 MB in blocks of 37 rows (148 kB): blocks do not start on the 64 KiB
    # windows that a page fault maps, so a fault maps pages of earlier blocks
    n_rows, n_cols, rows = 4000, 1000, 37
    np.ones((n_rows, n_cols), np.float32).tofile(path)

    def read(release):
        array = np.memmap(path, np.float32, "r", shape=(n_rows, n_cols))
        before = _resident_file_kib()
        total = 0.0
        if release:
            for _, block in iter_row_blocks(array, rows):
                total += block.sum(dtype=np.float64)
        else:  # the control: the same blocks, the map's pages kept
            for start in range(0, n_rows, rows):
                total += array[start:start + rows].sum(dtype=np.float64)
        grown = _resident_file_kib() - before
        del array
        assert total == n_rows * n_cols
        return grown

    kept, released = read(False), read(True)
    assert kept > 8 * 1024  # the control holds most of the 16 MB file
    # (without reaching back past fault-around, 1.2 MiB of it stays mapped)
    assert released < 512


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_metrics_read_a_memmap_of_errors_without_keeping_it_resident(tmp_path):
    from skcorr.metrics import correlation_from_errors

    path = tmp_path / "residuals.f64"
    rng = np.random.RandomState(0)
    values = rng.normal(size=(200_000, 10))  # 16 MB
    values.tofile(path)
    errors = np.memmap(path, np.float64, "r", shape=values.shape)
    before = _resident_file_kib()
    got = correlation_from_errors(errors, method="pearson")
    grown = _resident_file_kib() - before
    del errors
    # the same computation on the same data in memory: bit-identical
    np.testing.assert_array_equal(got, correlation_from_errors(values,
                                                                method="pearson"))
    # Without the release the file's 15.6 MB stay resident (measured); with
    # it, the last cache-sized block and fault-around (2.5 MB measured)
    assert grown < 4096
