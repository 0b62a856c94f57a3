"""Peak memory of the metrics and the influence flows on data stored on disk.

Each contender runs in a fresh process; the row gives its peak resident set
size (see ``_harness.py``), against the floor: the same interpreter with
skcorr imported and the memmap opened, doing nothing else.

- Error correlation (Pearson) of a float32 ``numpy.memmap`` of errors, read in
  blocks of rows; checked against correlations from float64 sums accumulated
  here block by block (an independent computation).
- Influence flows: ``influence_flows`` of a ``LinearInfluence`` (Ridge) over a
  memmapped ``X`` with 1,000 individuals, no ``n x n`` matrix and no full
  gradient matrix; checked against the same flows of ``X`` in memory.
- phi of a 40,000,000 x 20 uint8 dask array (800 MB, made chunk by chunk),
  computed blockwise on dask's threaded scheduler; checked against Pearson
  correlations of the chunks' float64 sums (phi of 0/1 errors is their
  Pearson correlation).

Run: ``python benchmarks/bench_memory.py [--quick]``.
"""

import tempfile
from pathlib import Path

import numpy as np
from _harness import Bench, max_abs_diff, max_rel_diff

BLOCK = 100_000


def write_memmap(path, shape, dtype, seed=0, shared=0.0):
    stored = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
    rng = np.random.RandomState(seed)
    weights = rng.uniform(0.0, shared, shape[1])
    for start in range(0, shape[0], BLOCK):
        rows = min(BLOCK, shape[0] - start)
        block = rng.normal(size=(rows, shape[1]))
        block += rng.normal(size=(rows, 1)) * weights
        stored[start : start + rows] = block
    stored.flush()
    del stored


def blockwise_pearson(path):
    """Correlations from float64 sums of the memmap's blocks."""
    data = np.load(path, mmap_mode="r")
    n, m = data.shape
    total, gram = np.zeros(m), np.zeros((m, m))
    for start in range(0, n, BLOCK):
        block = np.asarray(data[start : start + BLOCK], dtype=np.float64)
        total += block.sum(0)
        gram += block.T @ block
    mean = total / n
    covariance = gram / n - np.outer(mean, mean)
    scale = np.sqrt(np.diag(covariance))
    return covariance / np.outer(scale, scale)


PEARSON = """
import numpy as np
from skcorr.metrics import correlation_from_errors
errors = np.load({path!r}, mmap_mode="r")
np.save(OUT, {call})
"""


def pearson_case(bench, n_samples, n_models, folder):
    path = str(Path(folder) / f"errors_{n_samples}.npy")
    write_memmap(path, (n_samples, n_models), np.float32, shared=1.0)
    expected = blockwise_pearson(path)
    size = n_samples * n_models * 4 / 2**20
    bench.memory_case(
        f"Pearson peak RSS, float32 memmap {n_samples:,} x {n_models} "
        f"({size:,.0f} MB on disk)",
        skcorr=PEARSON.format(path=path,
                              call='correlation_from_errors(errors, method="pearson")'),
        limit=PEARSON.format(path=path, call="np.zeros(1)"),
        check=lambda r: max_abs_diff(r["skcorr"], expected),
        tolerance=1e-6,
        tolerance_reason="float32 data summed in float64 two ways; the one-pass "
        "covariance here (E[xy] - E[x]E[y]) loses ~n*eps*E[x^2]/var: ~1e-9",
        skcorr_call="correlation_from_errors(memmap)",
        limit_name="interpreter + skcorr + memmap opened",
        goal="flat in n (far below the data size)",
    )


FLOWS = """
import numpy as np
from sklearn.linear_model import Ridge
from skcorr.influence import LinearInfluence, influence_flows
X = np.load({path!r}, mmap_mode="r")
y = np.load({target!r})
groups = np.arange(len(X)) % 1000
model = Ridge().fit(X[:10_000], y[:10_000])
{body}
"""
FLOWS_CALL = """
influence = LinearInfluence(model).fit(X, y)
flows = influence_flows(influence, X, y, groups=groups)
np.save(OUT, np.concatenate([flows.self_influence, flows.inflow, flows.outflow]))
"""


def flows_case(bench, n_rows, folder, n_features=20):
    path = str(Path(folder) / f"X_{n_rows}.npy")
    target = str(Path(folder) / f"y_{n_rows}.npy")
    write_memmap(path, (n_rows, n_features), np.float64, seed=1)
    X = np.load(path)
    y = X[:, 0] - X[:, 1]
    np.save(target, y)
    from sklearn.linear_model import Ridge

    from skcorr.influence import LinearInfluence, influence_flows

    groups = np.arange(n_rows) % 1000
    model = Ridge().fit(X[:10_000], y[:10_000])
    flows = influence_flows(LinearInfluence(model).fit(X, y), X, y, groups=groups)
    expected = np.concatenate([flows.self_influence, flows.inflow, flows.outflow])
    del X
    bench.memory_case(
        f"LinearInfluence flows peak RSS, memmapped X {n_rows:,} x {n_features} "
        f"float64 ({n_rows * n_features * 8 / 2**20:,.0f} MB), 1,000 individuals",
        skcorr=FLOWS.format(path=path, target=target, body=FLOWS_CALL),
        limit=FLOWS.format(path=path, target=target,
                           body="np.save(OUT, np.zeros(1))"),
        check=lambda r: max_rel_diff(r["skcorr"], expected),
        tolerance=1e-10,
        tolerance_reason="the same computation on the same numbers, from disk "
        "or from memory: float64 sums over blocks",
        skcorr_call="influence_flows(LinearInfluence(Ridge()).fit(X, y), X, y, "
        "groups=...)",
        limit_name="interpreter + skcorr + memmap opened",
        goal="below the data size",
    )


DASK = """
import dask
import dask.array as da
import numpy as np
from skcorr.metrics import correlation_from_errors
errors = da.random.RandomState(0).randint(0, 2, size=({n}, {m}), chunks=({rows}, {m}),
                                          dtype=np.uint8)
with dask.config.set(scheduler="threads"):
    np.save(OUT, {call})
"""


def dask_case(bench, n_samples, n_models, rows=500_000):
    import dask.array as da

    errors = da.random.RandomState(0).randint(
        0, 2, size=(n_samples, n_models), chunks=(rows, n_models), dtype=np.uint8)
    # phi of 0/1 errors is their Pearson correlation: float64 sums, block by block
    total, gram = np.zeros(n_models), np.zeros((n_models, n_models))
    for index in range(errors.numblocks[0]):
        block = errors.blocks[index, 0].compute().astype(np.float64)
        total += block.sum(0)
        gram += block.T @ block
    mean = total / n_samples
    covariance = gram / n_samples - np.outer(mean, mean)
    scale = np.sqrt(np.diag(covariance))
    expected = covariance / np.outer(scale, scale)
    size = n_samples * n_models / 2**20
    code = dict(n=n_samples, m=n_models, rows=rows)
    bench.memory_case(
        f"phi peak RSS, dask array {n_samples:,} x {n_models} uint8 ({size:,.0f} MB),"
        f" chunks of {rows:,} rows, threaded scheduler",
        skcorr=DASK.format(**code,
                           call='correlation_from_errors(errors, method="phi")'),
        limit=DASK.format(**code, call="np.zeros(1)"),
        check=lambda r: max_abs_diff(r["skcorr"], expected),
        tolerance=1e-9,
        tolerance_reason="exact counts (integers below 2**53) in both; the "
        "reference's one-pass covariance loses ~n*eps relative",
        skcorr_call='correlation_from_errors(dask_array, method="phi")',
        limit_name="interpreter + skcorr + dask, the array defined",
        goal="never gathers the array (peak far below its size)",
    )


def main():
    bench = Bench("bench_memory", description=__doc__.splitlines()[0])
    args = bench.parse()
    with tempfile.TemporaryDirectory() as folder:
        for n_samples in (250_000, 1_000_000) if args.quick else (
                1_000_000, 4_000_000):
            pearson_case(bench, n_samples, 50, folder)
        flows_case(bench, 200_000 if args.quick else 1_600_000, folder)
    dask_case(bench, 2_000_000 if args.quick else 40_000_000, 20)
    bench.write()


if __name__ == "__main__":
    main()
