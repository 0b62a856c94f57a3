"""Peak memory of the metrics and the influence flows as the number of rows grows.

- Error correlation: the error matrix is a float32 ``numpy.memmap`` on disk; skcorr
  reads it in blocks of rows.
- Influence flows: ``influence_flows`` of a ``LinearInfluence`` (Ridge) over a
  memmapped ``X`` with 1,000 individuals; gradients are summed per individual
  block by block, so no ``n x n`` matrix and no full gradient matrix is built.

The peak of Python/numpy allocations (``tracemalloc``) stays flat for the metrics
while the data grows. The flows never hold ``X`` or its gradients, but keep a few
integers per row (the individuals' codes): about 30 bytes a row, against 160 for
``X`` itself with 20 float64 features.

Run: ``python benchmarks/bench_memory.py``
"""

import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from skcorr.metrics import correlation_from_errors


def peak_megabytes(function):
    tracemalloc.start()
    try:
        start = time.perf_counter()
        function()
        seconds = time.perf_counter() - start
        return tracemalloc.get_traced_memory()[1] / 2**20, seconds
    finally:
        tracemalloc.stop()


def _memmap(folder, name, shape, fill, dtype=np.float32):
    stored = np.memmap(Path(folder) / name, dtype=dtype, mode="w+", shape=shape)
    rng = np.random.RandomState(0)
    step = 100_000
    for start in range(0, shape[0], step):
        rows = min(step, shape[0] - start)
        stored[start : start + rows] = fill(rng, rows)
    stored.flush()
    return np.memmap(Path(folder) / name, dtype=dtype, mode="r", shape=shape)


def flows(sizes=(100_000, 400_000, 1_600_000), n_features=20):
    from sklearn.linear_model import Ridge

    from skcorr.influence import LinearInfluence, influence_flows

    print("\ninfluence_flows of LinearInfluence(Ridge), memmapped X, 1,000 individuals")
    print(f"{'n_rows':>10}{'data MB':>10}{'peak MB':>10}{'seconds':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for n_rows in sizes:
            X = _memmap(
                folder,
                f"X_{n_rows}.dat",
                (n_rows, n_features),
                lambda rng, rows: rng.normal(size=(rows, n_features)),
                dtype=np.float64,
            )
            y = np.asarray(X[:, 0] - X[:, 1], dtype=np.float64)
            groups = np.arange(n_rows) % 1000
            model = Ridge().fit(X[:10_000], y[:10_000])
            influence = LinearInfluence(model)
            peak, seconds = peak_megabytes(
                lambda X=X, y=y, g=groups, i=influence: influence_flows(
                    i.fit(X, y), X, y, groups=g
                )
            )
            size = X.nbytes / 2**20
            print(f"{n_rows:>10,}{size:>10.0f}{peak:>10.1f}{seconds:>10.2f}")
            del X


def main(n_models=50, sizes=(250_000, 1_000_000, 4_000_000)):
    print("correlation_from_errors (pearson), float32 memmap, 50 models")
    print(f"{'n_samples':>10}{'data MB':>10}{'peak MB':>10}{'seconds':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for n_samples in sizes:
            path = Path(folder) / f"errors_{n_samples}.dat"
            stored = np.memmap(
                path, dtype=np.float32, mode="w+", shape=(n_samples, n_models)
            )
            rng = np.random.RandomState(0)
            step = 100_000
            for start in range(0, n_samples, step):
                rows = min(step, n_samples - start)
                stored[start : start + rows] = rng.normal(size=(rows, n_models))
            stored.flush()
            data = np.memmap(path, dtype=np.float32, mode="r", shape=stored.shape)
            peak, seconds = peak_megabytes(lambda d=data: correlation_from_errors(d))
            size = data.nbytes / 2**20
            print(f"{n_samples:>10,}{size:>10.0f}{peak:>10.1f}{seconds:>10.2f}")
            del stored, data


if __name__ == "__main__":
    main()
    flows()
