"""Kendall's tau-b of every pair of error columns, in O(n log n) per pair.

For two columns ``x`` and ``y`` of ``n`` samples, with ``C`` and ``D`` the
concordant and discordant pairs of samples, ``n1`` and ``n2`` the pairs tied in
``x`` and in ``y``, and ``n0 = n (n - 1) / 2``::

    tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2))

(Kendall 1945). ``C - D = n0 - n1 - n2 + n3 - 2 D``, with ``n3`` the pairs tied
in both, so only ``D`` needs work: Knight's algorithm (1966), as
``scipy.stats.kendalltau`` uses it, sorts the samples by ``x`` (ties by ``y``)
and counts the inversions of ``y`` in that order with a merge sort. Here every
merge of a level is one sort of the rows of a matrix, done for many pairs of
columns at once, and the orders of the columns are sorted once and shared by
their pairs. Columns with few distinct values meet in contingency tables
instead (one ``bincount`` per pair, ``O(n + v**2)``), where counting ``C`` and
``D`` cell by cell is faster than any sort. All counts are exact integers.
"""

import math

import numpy as np

# Columns with at most this many distinct values (or 2 sqrt(n_samples)) meet in
# contingency tables.
FEW_VALUES = 64
# Entries of the per-pair work arrays held at once (about 32 MB of int64).
PAIR_BLOCK_ENTRIES = 4_000_000
# Runs from which a merge sort merges (timsort) rather than sorts (SIMD).
_MERGE_WIDTH = 2**20


def _column_ranks(columns):
    """Dense ranks (``0..v-1``) of each row of ``columns`` (models x samples),
    the distinct ranks that break ties by sample index, the stable sort order,
    and the number of distinct values of each row."""
    n_models, n_samples = columns.shape
    # No stable sort needed: tied values get one dense rank, and the distinct
    # ranks and the order serve only columns without ties.
    order = np.argsort(columns, axis=1)
    ordered = np.take_along_axis(columns, order, axis=1)
    starts = np.zeros((n_models, n_samples), dtype=bool)
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=starts[:, 1:])  # -0.0 == 0.0
    dense_ordered = np.cumsum(starts, axis=1, dtype=np.intp)
    dense = np.empty_like(dense_ordered)
    np.put_along_axis(dense, order, dense_ordered, axis=1)
    distinct = np.empty_like(order)
    positions = np.broadcast_to(np.arange(n_samples), order.shape)
    np.put_along_axis(distinct, order, positions, axis=1)
    n_values = dense_ordered[:, -1] + 1
    return dense, distinct, order, n_values


def _tied_pairs(dense, n_values):
    """Pairs of samples tied within each row of dense ranks."""
    tied = np.zeros(dense.shape[0], dtype=np.int64)
    for k in range(dense.shape[0]):
        if n_values[k] < dense.shape[1]:
            counts = np.bincount(dense[k])
            tied[k] = np.sum(counts * (counts - 1) // 2)
    return tied


def count_inversions(permutations):
    """Pairs ``i < j`` with ``p[i] > p[j]`` in each row ``p`` of ``permutations``.

    Each row must be a permutation of ``0..n-1``. A bottom-up merge sort: the
    rows are padded to ``base * 2**levels`` with larger values in increasing
    order (which add no inversion), blocks of ``base`` (8 to 16) are counted
    pair by pair, then each level merges neighbouring sorted runs ``L`` and
    ``R`` by sorting them together, a bit marking which run each value comes
    from: ``R``'s values at merged positions ``p`` and ranks ``r`` (in ``R``)
    have ``p - r`` values of ``L`` below them, so the inversions across the
    two are ``w**2 - sum(p) + w (w - 1) / 2`` for runs of ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics._kendall import count_inversions
    >>> count_inversions(np.array([[0, 1, 2], [2, 1, 0], [1, 0, 2]]))
    array([0, 3, 1])
    """
    n_rows, n = permutations.shape
    levels = 0 if n <= 16 else int(np.ceil(np.log2(n / 16)))
    base = max(1, -(-n // 2**levels))
    length = base * 2**levels
    dtype = np.int32 if 2 * length < 2**31 else np.int64
    values = np.empty((n_rows, length), dtype=dtype)
    values[:, :n] = permutations
    values[:, n:] = np.arange(n, length, dtype=dtype)
    blocks = values.reshape(-1, base)
    total = np.zeros(n_rows, dtype=np.int64)
    for offset in range(1, base):
        later_smaller = blocks[:, :-offset] > blocks[:, offset:]
        total += later_smaller.reshape(n_rows, -1).sum(axis=1)
    blocks.sort(axis=1)
    merged = np.empty_like(values)
    marks = np.empty_like(values)
    width = base
    while width < length:
        size = 2 * width
        runs = merged.reshape(-1, size)
        np.left_shift(values.reshape(-1, size), 1, out=runs)
        runs |= (np.arange(size) >= width).astype(dtype)  # the lowest bit: from R
        # Sorting two sorted runs: the SIMD sort is faster than a merge (a
        # stable timsort) until runs of about a million; then timsort merges
        # them in O(n), which keeps the whole count O(n log n).
        runs.sort(axis=1, kind="stable" if width >= _MERGE_WIDTH else None)
        marked = marks.reshape(-1, size)
        np.bitwise_and(runs, 1, out=marked)
        marked *= np.arange(size, dtype=dtype)
        position_sums = marks.sum(axis=1, dtype=np.int64)
        n_blocks = length // size
        total += n_blocks * (width * width + width * (width - 1) // 2) - position_sums
        np.right_shift(merged, 1, out=values)
        width = size
    return total


def _pair_chunks(n_pairs, n_samples):
    step = max(1, PAIR_BLOCK_ENTRIES // max(n_samples, 1))
    return [slice(start, start + step) for start in range(0, n_pairs, step)]


def _sorted_counts(dense, distinct, order, n_values, tied, first, second):
    """``C - D`` of the pairs ``(first[p], second[p])`` by Knight's algorithm."""
    n_samples = dense.shape[1]
    total = n_samples * (n_samples - 1) // 2
    result = np.empty(first.size, dtype=np.int64)
    ties_free = n_values == n_samples
    for chunk in _pair_chunks(first.size, n_samples):
        x, y = first[chunk], second[chunk]
        joint_ties = np.zeros(x.size, dtype=np.int64)
        if np.all(ties_free[x]):
            # x has no ties: its sort order is the order of the pair.
            if np.all(ties_free[y]):
                sequences = np.take_along_axis(distinct[y], order[x], axis=1)
            else:
                sequences = _ranks_breaking_ties_by_position(
                    np.take_along_axis(dense[y], order[x], axis=1)
                )
        else:
            keys = dense[x] * n_values[y][:, None] + dense[y]
            by_x_then_y = np.argsort(keys, axis=1, kind="stable")
            sorted_keys = np.take_along_axis(keys, by_x_then_y, axis=1)
            joint_ties = _run_pairs(sorted_keys)
            sequences = _ranks_breaking_ties_by_position(
                np.take_along_axis(dense[y], by_x_then_y, axis=1)
            )
        discordant = count_inversions(sequences)
        result[chunk] = total - tied[x] - tied[y] + joint_ties - 2 * discordant
    return result


def _ranks_breaking_ties_by_position(values):
    """Distinct ranks of each row, equal values ranked by position: tied
    values then form no inversion."""
    n_rows, n = values.shape
    by_value = np.argsort(values, axis=1, kind="stable")
    ranks = np.empty_like(by_value)
    np.put_along_axis(ranks, by_value, np.broadcast_to(np.arange(n), values.shape), 1)
    return ranks


def _run_pairs(sorted_keys):
    """Pairs of equal values in each sorted row."""
    n_rows, n = sorted_keys.shape
    index = np.arange(n)
    starts = np.zeros(sorted_keys.shape, dtype=np.intp)
    starts[:, 1:] = np.where(sorted_keys[:, 1:] != sorted_keys[:, :-1], index[1:], 0)
    run_start = np.maximum.accumulate(starts, axis=1)
    return (index - run_start).sum(axis=1, dtype=np.int64)


def _table_counts(dense, n_values, first, second):
    """``C - D`` of the pairs ``(first[p], second[p])`` from their contingency
    tables (columns with few distinct values)."""
    n_samples = dense.shape[1]
    size = int(max(n_values[first].max(), n_values[second].max()))
    result = np.empty(first.size, dtype=np.int64)
    step = max(1, min(PAIR_BLOCK_ENTRIES // max(n_samples, 1), 2**22 // size**2))
    for start in range(0, first.size, step):
        x, y = first[start : start + step], second[start : start + step]
        cells = dense[x] * size + dense[y]
        cells += (np.arange(x.size) * size * size)[:, None]
        tables = np.bincount(cells.ravel(), minlength=x.size * size * size)
        tables = tables.reshape(x.size, size, size)
        # above[a, b]: samples with both values larger; left[a, b]: samples with
        # x larger and y smaller.
        at_least = tables[:, ::-1, ::-1].cumsum(axis=1).cumsum(axis=2)[:, ::-1, ::-1]
        above = np.zeros_like(tables)
        above[:, :-1, :-1] = at_least[:, 1:, 1:]
        x_at_least = tables[:, ::-1, :].cumsum(axis=1)[:, ::-1, :]
        x_at_least_y_at_most = x_at_least.cumsum(axis=2)
        left = np.zeros_like(tables)
        left[:, :-1, 1:] = x_at_least_y_at_most[:, 1:, :-1]
        concordant = (tables * above).sum(axis=(1, 2))
        discordant = (tables * left).sum(axis=(1, 2))
        result[start : start + step] = concordant - discordant
    return result


def table_limit(n_samples):
    """Most distinct values of a column whose pairs meet in tables.

    A table costs ``O(n + v**2)`` per pair, a sort about ``O(n log n)`` with a
    larger constant: tables up to ``2 sqrt(n)`` values (and ``FEW_VALUES``).
    """
    return max(FEW_VALUES, 2 * math.isqrt(n_samples))


def kendall_tau_b(errors):
    """Kendall's tau-b of every pair of columns of ``errors``.

    Exact counts, as ``scipy.stats.kendalltau(variant="b")`` pair by pair;
    NaN where a column is constant. Reads ``errors`` into memory.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics._kendall import kendall_tau_b
    >>> kendall_tau_b(np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0]])).round(3)
    array([[1.   , 0.333],
           [0.333, 1.   ]])
    """
    columns = np.ascontiguousarray(np.asarray(errors).T)
    n_models, n_samples = columns.shape
    dense, distinct, order, n_values = _column_ranks(columns)
    first, second = np.triu_indices(n_models, k=1)
    tied = _tied_pairs(dense, n_values)
    few = n_values <= table_limit(n_samples)
    by_table = few[first] & few[second]
    difference = np.empty(first.size, dtype=np.int64)
    if by_table.any():
        difference[by_table] = _table_counts(
            dense, n_values, first[by_table], second[by_table]
        )
    if (~by_table).any():
        difference[~by_table] = _sorted_counts(
            dense, distinct, order, n_values, tied, first[~by_table], second[~by_table]
        )
    total = n_samples * (n_samples - 1) // 2
    untied = (total - tied).astype(np.float64)
    tau = np.full((n_models, n_models), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = difference / np.sqrt(untied[first]) / np.sqrt(untied[second])
        tau[first, second] = tau[second, first] = np.clip(values, -1.0, 1.0)
        np.fill_diagonal(tau, np.where(untied > 0, 1.0, np.nan))
    return tau
