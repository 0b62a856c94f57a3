"""Column sums and Gram matrices of an error matrix, read in blocks of rows.

Every pairwise measure of skcorr comes from these few matrix products. Reading
the rows block by block bounds the extra memory to one block, whatever the size
or dtype of the input, so a ``numpy.memmap`` larger than memory streams through.
The blocks are small (``CACHE_BYTES``), so that what checks a block and the
product that multiplies it read it from the processor's cache: the matrix is
read from memory once.

- 0/1 error indicators (:func:`indicator_moments`): each block is proved 0/1
  and multiplied by itself. Integers are proved 0/1 by their largest value as
  unsigned integers of the same width (negative values become large), a pass
  over the bytes as they are; floats entry by entry (``x == 0 or x == 1``: no
  sum of powers of floats proves it, rounding can hide a fraction). Blocks are
  multiplied in float32, which is exact: each product is 0 or 1 and each sum
  counts at most one block of rows (below 2**24); the sums are carried over
  blocks in float64, exact below 2**53. The column sums are
  then the Gram's diagonal (``x * x == x`` on 0/1 entries) and a column is
  constant when its sum is 0 or ``n_samples``: no other pass is needed.
- residuals (:func:`column_means_and_gram`): column sums and Gram of each block
  in float64, in the same pass.
"""

import numpy as np

from ..utils.blocks import released_slices
from ..utils.validation import check_errors

# The most memory a block of rows may take in float64.
BLOCK_BYTES = 32 * 2**20
# Blocks read entry by entry and then multiplied fit in the cache.
CACHE_BYTES = 256 * 2**10
# Fewer rows make the products inefficient (each block adds an n_models**2
# Gram to the total); ``BLOCK_BYTES`` still bounds them.
_MIN_CACHE_ROWS = 4096
# 0/1 errors are multiplied in float32 blocks of rows that would take this
# much in float64 (at least ``_MIN_CACHE_ROWS`` rows): in cache, and long
# enough for an efficient GEMM (measured on 10 x 1e6 and 50 x 1e4 errors).
PRODUCT_BYTES = 2**20
# Float errors are proved 0/1 in blocks of this many bytes (in cache while
# they are compared with 0 and with 1).
CHECK_BYTES = 256 * 2**10
# Sums of 0/1 products in float32 are exact up to 2**24.
FLOAT32_EXACT_ROWS = 2**24


def row_blocks(errors, block_bytes=None):
    """Slices of consecutive rows, each about ``block_bytes`` in float64
    (``BLOCK_BYTES`` by default, never more), yielded one at a time."""
    n_samples, n_models = errors.shape
    width = 8 * max(n_models, 1)
    rows = max(1, BLOCK_BYTES // width)
    if block_bytes is not None:
        rows = min(rows, max(_MIN_CACHE_ROWS, block_bytes // width))
    rows = min(rows, FLOAT32_EXACT_ROWS)
    # a memory-mapped file's pages are handed back block by block, so its
    # resident memory stays about one block (skcorr.utils.blocks)
    return released_slices(
        errors, (slice(start, start + rows) for start in range(0, n_samples, rows))
    )


def cache_blocks(errors):
    """:func:`row_blocks` of about ``CACHE_BYTES``."""
    return row_blocks(errors, CACHE_BYTES)


def _block(errors, rows):
    return np.asarray(errors[rows], dtype=np.float64)


def check_no_overflow(result, errors, what):
    """Refuse a sum or product of the errors that is not finite.

    Checks the small ``result`` (one value per model, or per pair), never the
    data: a finite sum proves every entry finite. Only when it is not finite
    are the errors read again, to name the NaN and inf they hold
    (:func:`~skcorr.utils.validation.check_errors`) or else the overflow.
    """
    if np.all(np.isfinite(result)):
        return
    check_errors(errors)  # NaN or inf among the errors: that message
    largest = max(
        float(np.max(np.abs(_block(errors, rows)))) for rows in row_blocks(errors)
    )
    raise ValueError(
        f"The {what} of the errors overflow float64 (errors up to {largest:.3g} in "
        "absolute value). Rescale y_true and Y_pred together (or the errors), "
        "e.g. divide them by 1e100: error correlations do not depend on the scale."
    )


def column_means(errors, weights=None):
    """Mean of each column (``weights`` summing to one, or None)."""
    total = np.zeros(errors.shape[1])
    exact = errors.dtype.kind in "biu" and weights is None
    with np.errstate(over="ignore", invalid="ignore"):
        for rows in row_blocks(errors):
            if exact:  # integer sums: exact, and no float64 copy of the block
                total += np.asarray(errors[rows]).sum(axis=0, dtype=np.int64)
                continue
            block = _block(errors, rows)
            total += block.sum(axis=0) if weights is None else weights[rows] @ block
            del block  # free it before the next block is read
    check_no_overflow(total, errors, "sums")
    return total / errors.shape[0] if weights is None else total


def gram(errors, weights=None, shift=None):
    """``sum_i w_i (e_i - shift)(e_i - shift)'``, with ``w_i = 1/n`` by default."""
    n_models = errors.shape[1]
    total = np.zeros((n_models, n_models))
    with np.errstate(over="ignore", invalid="ignore"):
        for rows in row_blocks(errors):
            block = _block(errors, rows)
            if shift is not None:
                block = block - shift  # a copy: ``errors`` may be a float64 view
            if weights is None:
                total += block.T @ block
            else:
                total += (block * weights[rows, None]).T @ block
            del block  # free it before the next block is read
    check_no_overflow(total, errors, "products")
    return total / errors.shape[0] if weights is None else total


def column_means_and_gram(errors, weights=None):
    """:func:`column_means` and :func:`gram` in one read of ``errors``."""
    n_samples, n_models = errors.shape
    sums = np.zeros(n_models)
    total = np.zeros((n_models, n_models))
    ones = None
    with np.errstate(over="ignore", invalid="ignore"):
        for rows in cache_blocks(errors):
            block = _block(errors, rows)
            if weights is None:
                if ones is None or ones.shape[0] != block.shape[0]:
                    ones = np.ones(block.shape[0])
                sums += ones @ block  # a BLAS sum: faster than sum(axis=0)
                total += block.T @ block
            else:
                w = weights[rows]
                sums += w @ block
                total += (block * w[:, None]).T @ block
    check_no_overflow(sums, errors, "sums")
    check_no_overflow(total, errors, "products")
    if weights is None:
        return sums / n_samples, total / n_samples
    return sums, total


def covariance(errors, weights=None):
    """Covariance matrix of the columns (weights summing to one, or None).

    ``E'E / n - mean mean'`` needs no centred data; it loses about
    ``eps * (mean / std)**2`` of relative precision, so when a column's mean is
    large against its spread the blocks are centred before their product.
    """
    means, products = column_means_and_gram(errors, weights)
    with np.errstate(over="ignore", invalid="ignore"):
        result = products - np.outer(means, means)
    check_no_overflow(result, errors, "products")
    if means_are_small(means, result):
        return result
    return gram(errors, weights, shift=means)


def means_are_small(means, covariance_matrix):
    """Whether ``E'E / n - mean mean'`` keeps its precision (see
    :func:`covariance`)."""
    with np.errstate(over="ignore"):
        return bool(np.all(means**2 <= 1e4 * np.diag(covariance_matrix)))


def _unsigned(block):
    """Integer entries as unsigned integers of the same width: a negative entry
    becomes larger than 1."""
    if block.dtype.kind == "i":  # same width and byte order ('>i2' -> '>u2')
        return block.view(block.dtype.str.replace("i", "u"))
    return block


def block_is_binary(block):
    """Whether every entry of an in-memory ``block`` is 0 or 1, in one pass."""
    kind = block.dtype.kind
    if block.size == 0 or kind == "b":
        return True
    if kind in "iu":
        return bool(_unsigned(block).max() <= 1)
    # Floats: 0.0, -0.0 or 1.0 (NaN and inf compare unequal to both).
    return bool(np.logical_or(block == 0, block == 1).all())


def is_binary(errors):
    """Whether every entry is 0 or 1."""
    return all(
        block_is_binary(np.asarray(errors[rows])) for rows in cache_blocks(errors)
    )


def _copy_if_binary(block, out, scratch):
    """Write the in-memory ``block`` into the float32 ``out`` if every entry is
    0 or 1 and return True; else return False (``out`` then holds anything).

    Integers: their largest value as unsigned integers (one pass, no copy),
    then the cast. Floats: the zeros and the ones counted (``x == 0`` and
    ``x == 1`` into the bool ``scratch`` arrays, NaN and inf equal to
    neither); the entries are 0/1 when the two counts cover the block, and
    ``out`` is then the ones mask cast to float32 (a bool read, cheaper than
    casting the floats). Same verdict as :func:`block_is_binary`.
    """
    kind = block.dtype.kind
    if kind in "biu":
        if kind != "b" and block.size and _unsigned(block).max() > 1:
            return False
        np.copyto(out, block, casting="unsafe")  # 0/1 integers: exact
        return True
    if kind != "f":
        if not block_is_binary(block):
            return False
        np.copyto(out, block, casting="unsafe")
        return True
    zeros, ones = scratch[0][: block.shape[0]], scratch[1][: block.shape[0]]
    np.equal(block, 0, out=zeros)
    np.equal(block, 1, out=ones)
    if np.count_nonzero(zeros) + np.count_nonzero(ones) != block.size:
        return False
    np.copyto(out, ones)
    return True


def _unweighted_indicator_gram(errors):
    """``E'E`` of 0/1 errors in float64 (exact), or None as soon as a block
    holds an entry other than 0 and 1.

    Each block of rows (:data:`PRODUCT_BYTES`) is proved 0/1 and copied as
    float32 into one buffer, which one float32 GEMM multiplies. Integers are
    proved by one reduction over the block; floats in sub-blocks of
    :data:`CHECK_BYTES`, so that the two comparisons read them from the
    cache (and residuals are refused after a few hundred rows). The products
    are 0 or 1 and each sum counts at most one block of rows (below 2**24):
    exact in float32, whatever the blocks, and so are their float64 totals
    (below 2**53).
    """
    n_models = errors.shape[1]
    total = np.zeros((n_models, n_models))
    floats = errors.dtype.kind == "f"
    check_rows = max(1, CHECK_BYTES // (8 * max(n_models, 1)))
    buffer = scratch = None
    for rows in row_blocks(errors, PRODUCT_BYTES):
        part = errors[rows]  # a view: a memmap is read as it is checked
        n_rows = part.shape[0]
        if buffer is None:  # the first block is the longest
            buffer = np.empty((n_rows, n_models), dtype=np.float32)
            if floats:
                shape = (min(check_rows, n_rows), n_models)
                scratch = (np.empty(shape, bool), np.empty(shape, bool))
        products = buffer[:n_rows]
        step = check_rows if floats else max(n_rows, 1)
        for start in range(0, n_rows, step):
            stop = min(start + step, n_rows)
            if not _copy_if_binary(
                np.asarray(part[start:stop]), products[start:stop], scratch
            ):
                return None
        total += products.T @ products
    return total


def indicator_totals(errors, weights=None):
    """``(gram, counts)`` of 0/1 errors, in one read, or None as soon as a block
    holds an entry other than 0 and 1.

    ``gram`` is ``sum_i w_i e_i e_i'`` (``w_i = 1`` without weights), exact
    without weights; ``counts`` the number of samples each model gets wrong.
    """
    if weights is None:
        total = _unweighted_indicator_gram(errors)
        if total is None:
            return None
        return total, np.diag(total).copy()  # on 0/1 entries, x * x == x
    n_models = errors.shape[1]
    total = np.zeros((n_models, n_models))
    counts = np.zeros(n_models)
    for rows in cache_blocks(errors):
        block = np.asarray(errors[rows])
        if not block_is_binary(block):
            return None
        counts += np.count_nonzero(block, axis=0)
        block = block.astype(np.float64, copy=False)
        total += (block * weights[rows, None]).T @ block
    return total, counts


def indicator_moments(errors, weights=None):
    """Error rates, joint failure rates and failure counts of 0/1 indicators, in
    one read.

    Parameters
    ----------
    errors : array-like of shape (n_samples, n_models)
        Validated errors (numeric; a memmap stays on disk).
    weights : ndarray of shape (n_samples,) or None
        Sample weights summing to one.

    Returns
    -------
    moments : tuple or None
        None as soon as a block holds an entry other than 0 and 1. Otherwise
        ``(rates, both_wrong, counts)``: the (weighted) fraction of samples each
        model gets wrong, the (weighted) fraction each pair gets wrong together,
        and the number of samples each model gets wrong (unweighted, exact).
    """
    totals = indicator_totals(errors, weights)
    if totals is None:
        return None
    total, counts = totals
    if weights is None:
        n_samples = errors.shape[0]
        return counts / n_samples, total / n_samples, counts
    return np.diag(total).copy(), total, counts
