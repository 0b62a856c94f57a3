"""Column means and Gram matrices of an error matrix, read in blocks of rows.

Every pairwise measure of skcorr comes from these few matrix products. Reading
the rows block by block bounds the extra memory to one block (about 32 MB) in
float64, whatever the size or dtype of the input, so a ``numpy.memmap`` larger
than memory streams through.
"""

import numpy as np

BLOCK_BYTES = 32 * 2**20


def row_blocks(errors):
    """Slices of consecutive rows, each about ``BLOCK_BYTES`` in float64."""
    n_samples, n_models = errors.shape
    rows = max(1, BLOCK_BYTES // (8 * max(n_models, 1)))
    return [slice(start, start + rows) for start in range(0, n_samples, rows)]


def _block(errors, rows):
    return np.asarray(errors[rows], dtype=np.float64)


def check_no_overflow(result, errors, what):
    """Refuse a sum or product of finite errors that overflowed float64.

    Checks the small ``result`` (one value per model, or per pair), never the
    data; only when it is not finite are the errors read again for the message.
    """
    if np.all(np.isfinite(result)):
        return
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
    with np.errstate(over="ignore", invalid="ignore"):
        for rows in row_blocks(errors):
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
                block -= shift
            if weights is None:
                total += block.T @ block
            else:
                total += (block * weights[rows, None]).T @ block
            del block  # free it before the next block is read
    check_no_overflow(total, errors, "products")
    return total / errors.shape[0] if weights is None else total


def covariance(errors, weights=None):
    """Covariance matrix of the columns (weights summing to one, or None).

    ``E'E / n - mean mean'`` needs no centred data; it loses about
    ``eps * (mean / std)**2`` of relative precision, so when a column's mean is
    large against its spread the blocks are centred before their product.
    """
    means = column_means(errors, weights)
    with np.errstate(over="ignore", invalid="ignore"):
        result = gram(errors, weights) - np.outer(means, means)
    check_no_overflow(result, errors, "products")
    with np.errstate(over="ignore"):
        small_means = np.all(means**2 <= 1e4 * np.diag(result))
    if small_means:
        return result
    return gram(errors, weights, shift=means)


def is_binary(errors):
    """Whether every entry is 0 or 1."""
    return all(np.isin(errors[rows], (0, 1)).all() for rows in row_blocks(errors))
