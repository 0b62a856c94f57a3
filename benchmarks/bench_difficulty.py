"""Cost of recording training dynamics, and memory of scoring them, interleaved.

- Recording overhead: a skorch MLP on digits trained with the
  :class:`~skcorr.difficulty.TrainingDynamics` callback against the same
  training without it (the limit), and an sklearn ``MLPClassifier`` trained
  epoch by epoch through :func:`~skcorr.difficulty.record_dynamics` against a
  bare ``partial_fit`` loop. Goal: < 20% over plain training. The trained
  models must predict the same probabilities (recording changes nothing).
- Recording into a memmap: peak RSS (a fresh process each) of
  ``record_dynamics(..., memmap=...)`` against recording in memory, on a
  synthetic set; the two records must be equal.
- Scoring a float32 memmap of dynamics, ``--n-samples`` x 50 epochs x 10
  classes (1.9 GB at the default 1,000,000): peak RSS of ``el2n`` and
  ``area_under_margin`` read from disk in blocks, against the floor (the
  interpreter with skcorr imported, holding the result). Goal: < 1 GB. The
  scores are checked against the same function on the first rows held in
  memory (to 1e-12).

Torch and BLAS run on one thread (steadier on a shared machine).

Run: ``python benchmarks/bench_difficulty.py [--quick] [--rounds 5]``.
"""

import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from _harness import Bench, max_abs_diff
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from skorch import NeuralNetClassifier
from threadpoolctl import threadpool_limits

from skcorr import difficulty
from skcorr.difficulty import TrainingDynamics, record_dynamics


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


def overhead_cases(bench, epochs):
    X, y = digits()

    def same_model(results):
        ours, plain = results["skcorr"], results["limit"]
        return max_abs_diff(ours.predict_proba(X), plain.predict_proba(X))

    row = bench.case(
        f"TrainingDynamics callback, skorch MLP on digits, {epochs} epochs",
        skcorr=lambda: skorch_net([TrainingDynamics()], epochs).fit(X, y),
        limit=lambda: skorch_net([], epochs).fit(X, y),
        check=same_model, tolerance=0.0,
        tolerance_reason="recording reads the model only: the same seed trains "
        "the same net",
        skcorr_call="NeuralNetClassifier(..., callbacks=[TrainingDynamics()])",
        limit_name="the same training, no callback",
        goal="< 20% over plain training", max_over_limit=1.2,
    )
    if not row.agree:
        row.note = ("the nets differ: the callback's inference pass draws a "
                    "DataLoader seed from torch's global RNG, which moves the "
                    "shuffles of the following epochs")

    def mlp():
        return MLPClassifier((128,), learning_rate_init=0.01, random_state=0)

    def plain_loop():
        model = mlp()
        for _ in range(epochs):
            model.partial_fit(X, y, classes=np.arange(10))
        return model

    def same_record(results):
        # the last epoch's record against the loop's model, and the fitted clone
        ours = results["skcorr"]
        plain = results["limit"].predict_proba(X)
        return max(max_abs_diff(ours.dynamics[:, -1], plain),
                   max_abs_diff(ours.estimator.predict_proba(X), plain))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        bench.case(
            f"record_dynamics, sklearn MLPClassifier on digits, {epochs} epochs",
            skcorr=lambda: record_dynamics(mlp(), X, y, epochs),
            limit=plain_loop,
            check=same_record, tolerance=1e-12,
            tolerance_reason="the last epoch's record is the loop's predict_proba "
            "(the same float64 computation, as float64 or float32 record)",
            skcorr_call="record_dynamics(MLPClassifier(), X, y, max_epochs)",
            limit_name="bare partial_fit loop",
            goal="< 20% over plain training", max_over_limit=1.2,
        )


RECORD_SNIPPET = """
import numpy as np
from sklearn.linear_model import SGDClassifier
from skcorr.difficulty import record_dynamics
rng = np.random.RandomState(0)
X = rng.normal(size=({n}, 8)).astype(np.float32)
y = X[:, :2].sum(1).round().astype(int).clip(-4, 5) + 4
record = record_dynamics(SGDClassifier(loss="log_loss", random_state=0), X, y,
                         {epochs}, classes=np.arange(10){memmap})
np.save(OUT, np.asarray(record.dynamics[::997]))
"""


def recording_memory_case(bench, n, epochs, folder):
    memmap = f", memmap={str(Path(folder) / 'record')!r}"
    record_mb = n * epochs * 10 * 8 / 2**20
    bench.memory_case(
        f"record_dynamics peak RSS, SGDClassifier, {n:,} rows x {epochs} epochs x "
        f"10 classes (record {record_mb:,.0f} MB as float64)",
        skcorr=RECORD_SNIPPET.format(n=n, epochs=epochs, memmap=memmap),
        peer=RECORD_SNIPPET.format(n=n, epochs=epochs, memmap=""),
        check=lambda r: max_abs_diff(r["skcorr"], r["peer"]),
        tolerance=0.0, tolerance_reason="the same probabilities, stored elsewhere",
        skcorr_call="record_dynamics(..., memmap=path)",
        peer_name="recorded in memory",
    )


def write_dynamics(path, n_samples, n_epochs, n_classes, block=20_000):
    """A float32 memmap of softmax probabilities, written block by block."""
    dynamics = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(n_samples, n_epochs, n_classes)
    )
    rng = np.random.default_rng(0)
    y = rng.integers(0, n_classes, size=n_samples)
    trend = np.linspace(-1, 3, n_epochs, dtype=np.float32)
    for start in range(0, n_samples, block):
        stop = min(start + block, n_samples)
        logits = rng.standard_normal((stop - start, n_epochs, n_classes),
                                     dtype=np.float32) * 1.5
        logits[np.arange(stop - start), :, y[start:stop]] += trend
        logits = np.exp(logits - logits.max(-1, keepdims=True))
        dynamics[start:stop] = logits / logits.sum(-1, keepdims=True)
    dynamics.flush()
    del dynamics
    return y


SCORE_SNIPPET = """
import numpy as np
from skcorr import difficulty
y = np.load({labels!r})
dynamics = np.load({path!r}, mmap_mode="r")
scores = difficulty.{score}(y, dynamics)
np.save(OUT, np.asarray(scores[:{check_rows}]))
"""

FLOOR_SNIPPET = """
import numpy as np
from skcorr import difficulty
y = np.load({labels!r})
dynamics = np.load({path!r}, mmap_mode="r")
scores = np.ones({shape})  # the result alone
np.save(OUT, scores[:{check_rows}])
"""


def scoring_memory_cases(bench, n, folder, check_rows=20_000):
    path, labels = Path(folder) / "dynamics.npy", Path(folder) / "y.npy"
    np.save(labels, write_dynamics(path, n, 50, 10))
    y = np.load(labels)
    dynamics = np.load(path, mmap_mode="r")
    data_mb = dynamics.nbytes / 2**20
    for score, shape in (("el2n", (n, 50)), ("area_under_margin", (n,))):
        expected = getattr(difficulty, score)(
            y[:check_rows], np.array(dynamics[:check_rows]))
        bench.memory_case(
            f"{score} peak RSS, float32 memmap {n:,} x 50 epochs x 10 classes "
            f"({data_mb:,.0f} MB on disk)",
            skcorr=SCORE_SNIPPET.format(labels=str(labels), path=str(path),
                                        score=score, check_rows=check_rows),
            limit=FLOOR_SNIPPET.format(labels=str(labels), path=str(path),
                                       shape=shape, check_rows=check_rows),
            check=lambda r, e=expected: max_abs_diff(r["skcorr"], e),
            tolerance=1e-12,
            tolerance_reason="the same float64 arithmetic per row, in blocks or "
            f"at once (checked on the first {check_rows:,} rows)",
            skcorr_call=f"difficulty.{score}(y, memmap)",
            limit_name="interpreter + skcorr + the result",
            goal="< 1 GB" if n >= 1_000_000 else "flat in n",
            max_over_limit=None,
        )
        if n >= 1_000_000:
            row = bench.rows[-1]
            row.goal_met = bool(row.skcorr["min"] < 1024)
    del dynamics


def main():
    bench = Bench("bench_difficulty", description=__doc__.splitlines()[0])

    def options(parser):
        parser.add_argument("--n-samples", type=int, default=1_000_000)

    args = bench.parse(options)
    torch.set_num_threads(1)
    with threadpool_limits(1):
        overhead_cases(bench, 5 if args.quick else 20)
    with tempfile.TemporaryDirectory() as folder:
        recording_memory_case(bench, 20_000 if args.quick else 200_000, 20, folder)
        scoring_memory_cases(bench, 50_000 if args.quick else args.n_samples,
                             folder)
    bench.write()


if __name__ == "__main__":
    main()
