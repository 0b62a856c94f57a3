"""Peak memory of the error-correlation metrics as the number of samples grows.

The error matrix is a float32 ``numpy.memmap`` on disk; skcorr reads it in blocks
of rows, so the peak of Python/numpy allocations (``tracemalloc``) should stay
flat while the data grows. The same matrix loaded into memory is shown for scale.

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


def main(n_models=50, sizes=(250_000, 1_000_000, 4_000_000)):
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
