"""Blocks of rows: read an array of any size, a ``numpy.memmap`` included, a
few rows (samples) at a time, so that memory stays bounded by one block.

A memory-mapped file read through its mapping stays in the process's resident
set (the pages it touched count, up to the whole file), so reading the blocks
in order is not enough: :func:`iter_row_blocks` also hands the pages of each
block back to the operating system once the block is done. The file stays in
the page cache and nothing is lost: a later read maps the pages again.
"""

import mmap

import numpy as np

# Values (not bytes) per block by default: 2**16 float64 values are 512 KiB,
# which stay in cache while a block is converted, checked and scored (faster
# than larger blocks: 1.0 s against 2.0 s for 2**22 values, area_under_margin
# of 200,000 x 50 x 10 float32).
BLOCK_VALUES = 2**16

# np.memmap modes whose mapping is shared with the file (MAP_SHARED), where
# dropping pages is safe; mode "c" (copy-on-write) would lose the writes.
_SHARED_MODES = ("r", "r+", "w+")

# A page fault maps the pages around it that the page cache holds (Linux
# "fault-around", 64 KiB by default, at most 2 MiB on x86-64): the first read
# of a block maps pages of the block before it, already handed back. Each
# release reaches this far back, so that none of them stays mapped.
_FAULT_AROUND_BYTES = 2 * 2**20


def rows_per_block(n_samples, row_values, block_size=None):
    """Rows in one block: ``block_size``, or as many rows as hold
    :data:`BLOCK_VALUES` values (at least one), never more than
    ``n_samples``.

    Parameters
    ----------
    n_samples : int
        Rows of the array.
    row_values : int
        Values in one row (the product of the other axes).
    block_size : int or None, default=None
        Rows per block; None for the default.

    Returns
    -------
    rows : int

    Examples
    --------
    >>> from skcorr.utils.blocks import rows_per_block
    >>> rows_per_block(1_000_000, 50 * 10)
    131
    >>> rows_per_block(10, 500, block_size=4)
    4
    """
    if block_size is None:
        block_size = max(1, BLOCK_VALUES // max(int(row_values), 1))
    return max(1, min(int(block_size), int(n_samples)))


def _shared_mapping(array):
    """The ``mmap.mmap`` under ``array`` when it is shared with its file."""
    if not (hasattr(mmap.mmap, "madvise") and hasattr(mmap, "MADV_DONTNEED")):
        return None  # e.g. Windows: nothing to hand back
    mode = None
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        if isinstance(base, np.memmap) and mode is None:
            mode = base.mode
        base = getattr(base, "base", None)
    if base is None or mode not in _SHARED_MODES or base.closed:
        return None
    return base


def _release(mapping, start_address, part):
    """Hand the mapped pages under ``part`` back to the operating system."""
    if part.size == 0:
        return
    low = high = part.__array_interface__["data"][0]
    for length, stride in zip(part.shape, part.strides, strict=True):
        reach = (length - 1) * stride
        low, high = (low + reach, high) if reach < 0 else (low, high + reach)
    low = max(low - start_address - _FAULT_AROUND_BYTES, 0)
    high += part.itemsize - start_address
    low -= low % mmap.PAGESIZE
    high = min(high, len(mapping))
    if high > low:
        mapping.madvise(mmap.MADV_DONTNEED, low, high - low)


def iter_row_blocks(array, rows, dtype=None):
    """Yield ``(rows_slice, block)`` over consecutive blocks of ``rows`` rows.

    ``block`` is ``array[rows_slice]``, converted to ``dtype`` when given (a
    copy of that block only). When ``array`` is read through a shared memory
    map (``numpy.memmap`` in mode ``"r"``, ``"r+"`` or ``"w+"``, or
    ``numpy.load(..., mmap_mode="r")``), the pages of each block are handed
    back to the operating system when the loop asks for the next block, so
    the resident memory holds about one block of the file, not all of it.
    Do not keep a block past its iteration when it is a view of the map (it
    stays correct, but its pages count again).

    Parameters
    ----------
    array : ndarray
        Rows along axis 0.
    rows : int
        Rows per block (see :func:`rows_per_block`).
    dtype : dtype or None, default=None
        The dtype of each block; None keeps the array's.

    Yields
    ------
    rows_slice : slice
    block : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.blocks import iter_row_blocks
    >>> [(s.start, s.stop, b.dtype.name) for s, b in
    ...  iter_row_blocks(np.arange(5, dtype=np.float32), 2, dtype=np.float64)]
    [(0, 2, 'float64'), (2, 4, 'float64'), (4, 5, 'float64')]
    """
    n_samples = array.shape[0]
    slices = (
        slice(start, min(start + rows, n_samples))
        for start in range(0, n_samples, rows)
    )
    for rows_slice in released_slices(array, slices):
        part = array[rows_slice]
        yield rows_slice, part if dtype is None else part.astype(dtype, copy=False)


def released_slices(array, slices):
    """Yield each slice of rows of ``slices``; when the loop asks for the
    next, hand the mapped pages of ``array[slice]`` back to the operating
    system, as :func:`iter_row_blocks` does (nothing to do for an array that
    is not a shared memory map).

    For loops that index the array themselves (several arrays, or blocks
    sized by bytes).

    Parameters
    ----------
    array : ndarray
        Rows along axis 0.
    slices : iterable of slice
        Slices of consecutive rows.

    Yields
    ------
    rows_slice : slice

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.blocks import released_slices
    >>> values = np.arange(6.0)
    >>> [float(values[rows].sum()) for rows in
    ...  released_slices(values, [slice(0, 4), slice(4, 6)])]
    [6.0, 9.0]
    """
    mapping = _shared_mapping(array)
    if mapping is None:
        yield from slices
        return
    start_address = np.frombuffer(mapping, np.uint8).__array_interface__["data"][0]
    for rows_slice in slices:
        yield rows_slice
        _release(mapping, start_address, array[rows_slice])
