"""Cost of recording training dynamics, and memory of scoring them, in one run.

- Recording overhead: a skorch MLP on digits trained with and without the
  :class:`~skcorr.difficulty.TrainingDynamics` callback (probabilities of the
  training set at every epoch), and an sklearn ``MLPClassifier`` trained epoch
  by epoch with ``partial_fit``, plain or through
  :func:`~skcorr.difficulty.record_dynamics`. Target: < 20% over plain
  training. Best of ``--repeat`` interleaved runs, so a busy machine shows
  less.
- Recording into a memmap: peak Python/numpy memory (``tracemalloc``) of
  ``record_dynamics(..., memmap=...)`` against recording in memory, on a
  large synthetic set, as the number of rows and epochs grows. With the
  memmap only the current epoch's probabilities are held (peak ~ n x classes),
  in memory the whole record (n x epochs x classes).
- Scoring from a memmap: every pointwise and dynamics score over
  ``--n-samples`` x 50 epochs x 10 classes (float32, on disk), read in blocks of
  rows; peak memory stays at the block size as n grows.

Run: ``python benchmarks/bench_difficulty.py`` (``--quick`` for small sizes).
Prints figures; asserts nothing.
"""

import argparse
import inspect
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from skorch import NeuralNetClassifier
from threadpoolctl import threadpool_limits

from skcorr import difficulty
from skcorr.difficulty import TrainingDynamics, record_dynamics

POINTWISE = ("loss", "accuracy", "confidence", "max_confidence", "entropy",
             "margin", "el2n")
DYNAMICS = ("area_under_margin", "forgetting_events", "first_learned",
            "iteration_learned", "unforgettable", "cartography")


def peak_megabytes(function):
    """(peak traced MB, seconds, result) of one call."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        return tracemalloc.get_traced_memory()[1] / 2**20, seconds, result
    finally:
        tracemalloc.stop()


def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y.astype(np.int64)


def skorch_net(callbacks, max_epochs):
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10),
        torch.nn.Softmax(dim=-1),
    )
    return NeuralNetClassifier(
        module, max_epochs=max_epochs, lr=0.1, batch_size=64, train_split=None,
        iterator_train__shuffle=True, optimizer=torch.optim.SGD, verbose=0,
        callbacks=callbacks,
    )


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench_overhead(epochs, repeat):
    X, y = digits()
    print(f"Recording overhead on digits ({len(X)} rows), {epochs} epochs, best of "
          f"{repeat}:")
    plain, recorded = np.inf, np.inf
    for _ in range(repeat):  # interleaved, so load on the machine hits both
        plain = min(plain, timed(lambda: skorch_net([], epochs).fit(X, y)))
        recorded = min(recorded, timed(
            lambda: skorch_net([TrainingDynamics()], epochs).fit(X, y)))
    print(f"  skorch MLP      plain {plain:6.2f} s   TrainingDynamics "
          f"{recorded:6.2f} s   overhead {100 * (recorded / plain - 1):+5.1f}%")

    def mlp():
        return MLPClassifier((128,), learning_rate_init=0.01, random_state=0)

    def plain_loop():
        model = mlp()
        for _ in range(epochs):
            model.partial_fit(X, y, classes=np.arange(10))

    plain, recorded = np.inf, np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(repeat):
            plain = min(plain, timed(plain_loop))
            recorded = min(recorded, timed(
                lambda: record_dynamics(mlp(), X, y, epochs)))
    print(f"  sklearn MLP     plain {plain:6.2f} s   record_dynamics  "
          f"{recorded:6.2f} s   overhead {100 * (recorded / plain - 1):+5.1f}%")
    print("  target: < 20% over plain training")


def bench_recording_memory(sizes, epochs, folder):
    print("\nRecording peak memory (tracemalloc), SGDClassifier on synthetic "
          "data, 10 classes:")
    from sklearn.linear_model import SGDClassifier

    print(f"{'n_samples':>10}{'epochs':>8}{'record MB':>11}{'in memory':>11}"
          f"{'memmap':>9}{'ratio':>7}")
    rng = np.random.RandomState(0)
    for n in sizes:
        X = rng.normal(size=(n, 8)).astype(np.float32)
        y = X[:, :2].sum(1).round().astype(int).clip(-4, 5) + 4
        for n_epochs in epochs:
            model = SGDClassifier(loss="log_loss", random_state=0)
            record_mb = n * n_epochs * 10 * 8 / 2**20
            in_memory, _, _ = peak_megabytes(
                lambda m=model, e=n_epochs, X=X, y=y: record_dynamics(
                    m, X, y, e, classes=np.arange(10)))
            prefix = str(Path(folder) / f"record_{n}_{n_epochs}")
            on_disk, _, _ = peak_megabytes(
                lambda m=model, e=n_epochs, p=prefix, X=X, y=y: record_dynamics(
                    m, X, y, e, classes=np.arange(10), memmap=p))
            print(f"{n:>10}{n_epochs:>8}{record_mb:>11.1f}{in_memory:>11.1f}"
                  f"{on_disk:>9.1f}{in_memory / on_disk:>7.1f}")
    print("  memmap peak ~ one epoch of probabilities (n x classes), flat in "
          "epochs; in memory it grows with n x epochs.")


def write_dynamics(path, n_samples, n_epochs, n_classes, block):
    """A float32 memmap of softmax probabilities, written block by block."""
    dynamics = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(n_samples, n_epochs, n_classes)
    )
    rng = np.random.default_rng(0)
    y = rng.integers(0, n_classes, size=n_samples)
    for start in range(0, n_samples, block):
        stop = min(start + block, n_samples)
        logits = rng.standard_normal((stop - start, n_epochs, n_classes),
                                     dtype=np.float32)
        # learning: the true class gains over epochs
        logits[np.arange(stop - start), :, y[start:stop]] += np.linspace(
            -1, 4, n_epochs, dtype=np.float32)
        logits = np.exp(logits - logits.max(-1, keepdims=True))
        dynamics[start:stop] = logits / logits.sum(-1, keepdims=True)
    dynamics.flush()
    return y


def blockwise(score, y, dynamics, block, out_path):
    """A row-wise score over a memmap, ``block`` rows at a time, into a memmap."""
    needs_labels = "y" in inspect.signature(score).parameters
    out = None
    for start in range(0, len(y), block):
        rows = slice(start, start + block)
        if needs_labels:
            result = score(y[rows], dynamics[rows])
        else:  # entropy, max_confidence
            result = score(dynamics[rows])
        if isinstance(result, dict):  # cartography: a Bunch of arrays
            result = np.column_stack(list(result.values()))
        result = np.asarray(result, dtype=np.float32)
        if out is None:
            out = np.lib.format.open_memmap(
                out_path, mode="w+", dtype=np.float32,
                shape=(len(y), *result.shape[1:]),
            )
        out[rows] = result
    out.flush()
    return out


def bench_scoring_memory(sizes, n_epochs, block, folder):
    print(f"\nScoring from a float32 memmap ({n_epochs} epochs x 10 classes), "
          f"blocks of {block} rows, scores written to memmaps:")
    print(f"{'n_samples':>10}{'data MB':>9}{'write s':>9}{'score s':>9}"
          f"{'peak MB':>9}")
    for n in sizes:
        path = Path(folder) / f"dynamics_{n}.npy"
        start = time.perf_counter()
        y = write_dynamics(path, n, n_epochs, 10, block)
        written = time.perf_counter() - start
        dynamics = np.load(path, mmap_mode="r")

        def every_score(y=y, dynamics=dynamics, n=n):
            for name in POINTWISE + DYNAMICS:
                blockwise(getattr(difficulty, name), y, dynamics, block,
                          Path(folder) / f"{name}_{n}.npy")

        peak, seconds, _ = peak_megabytes(every_score)
        print(f"{n:>10}{dynamics.nbytes / 2**20:>9.0f}{written:>9.1f}"
              f"{seconds:>9.1f}{peak:>9.1f}")
        del dynamics
        for file in Path(folder).glob(f"*_{n}.npy"):
            file.unlink()
    block_mb = block * n_epochs * 10 * 8 / 2**20
    print(f"  {len(POINTWISE)} pointwise (per epoch) + {len(DYNAMICS)} dynamics "
          f"scores; one block as float64 is {block_mb:.0f} MB: the peak stays "
          "flat as n grows.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-samples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)  # one core each: steadier on a shared machine
    epochs = 5 if args.quick else 20
    with threadpool_limits(1):
        bench_overhead(epochs, 2 if args.quick else args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        if args.quick:
            bench_recording_memory([20_000, 80_000], [5, 20], folder)
            bench_scoring_memory([20_000, 100_000], 50, 20_000, folder)
        else:
            bench_recording_memory([50_000, 200_000], [5, 20], folder)
            sizes = sorted({args.n_samples // 10, args.n_samples})
            bench_scoring_memory(sizes, 50, 20_000, folder)


if __name__ == "__main__":
    main()
