"""Time skcorr's influence tools against their peers, in one run.

- Per-example gradients: ``torch.func`` (vmap of grad) vs a per-sample
  backward loop, on an MLP.
- TracIn influence matrix of a skorch MLP (``--n-train`` x ``--n-eval``, 3
  checkpoints) vs captum's ``TracInCP``; the numbers are compared too.
  Target: >= 10x faster, same numbers. Where captum would take minutes it is
  timed on a subset of training rows and scaled up (said in the output).
- Flows (inflow, outflow, self-influence) in linear time vs summing the full
  ``n x n`` influence matrix, at growing sizes (the matrix only where it fits).
- With a GPU, the TracIn timing again on CUDA.

Run: ``python benchmarks/bench_influence.py`` (``--quick`` for small sizes).
Needs torch, skorch and captum.
"""

import argparse
import copy
import tempfile
import time

import numpy as np
import torch
from sklearn.linear_model import Ridge
from skorch import NeuralNetClassifier

from skcorr.influence import (
    LinearInfluence,
    TracIn,
    TracInCheckpoints,
    influence_flows,
    per_example_gradients,
)


def seconds(function, repeat=1):
    """Best wall time of ``repeat`` calls (the first warms torch.func up)."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


class MLP(torch.nn.Module):
    def __init__(self, n_features=20, n_hidden=64, n_classes=4):
        super().__init__()
        self.hidden = torch.nn.Linear(n_features, n_hidden)
        self.output = torch.nn.Linear(n_hidden, n_classes)

    def forward(self, X):
        return self.output(torch.relu(self.hidden(X)))


def make_data(n_samples, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, 20).astype(np.float32)
    y = (X[:, :4].argmax(1) + (rng.rand(n_samples) < 0.1)).astype(np.int64) % 4
    return X, y


def bench_gradients(n_samples):
    X, y = make_data(n_samples)
    torch.manual_seed(0)
    module, loss = MLP(), torch.nn.CrossEntropyLoss()
    ours, gradients = seconds(
        lambda: per_example_gradients(module, loss, X, y, batch_size=1024), repeat=2
    )
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)

    def loop():
        rows = []
        for i in range(n_samples):
            module.zero_grad()
            loss(module(Xt[i : i + 1]), yt[i : i + 1]).backward()
            rows.append(torch.cat([p.grad.ravel() for p in module.parameters()]))
        return torch.stack(rows).numpy()

    peer, expected = seconds(loop)
    error = np.abs(gradients - expected).max() / np.abs(expected).max()
    print(f"per-example gradients, {n_samples:,} rows, MLP 20-64-4: torch.func "
          f"{ours:.3f} s, per-sample loop {peer:.3f} s, ratio {peer / ours:.1f}x "
          f"(max rel. diff {error:.1e})")


def bench_tracin(n_train, n_eval, captum_rows, device):
    X, y = make_data(n_train + n_eval)
    X_train, y_train, X_eval, y_eval = X[:n_train], y[:n_train], X[n_train:], y[
        n_train:]
    folder = tempfile.mkdtemp()
    torch.manual_seed(0)
    keeper = TracInCheckpoints(epochs=[1, 2, 3], directory=folder)
    net = NeuralNetClassifier(
        MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=3, lr=0.1,
        batch_size=128, train_split=None, callbacks=[keeper], verbose=0,
    ).fit(X_train, y_train)
    tracin = TracIn(net, batch_size=2048, device=device)
    ours, matrix = seconds(
        lambda: tracin.influence(X_eval, y_eval, X_train, y_train), repeat=2
    )
    print(f"TracIn ({device}), {n_eval:,} eval x {n_train:,} train, 3 checkpoints: "
          f"{ours:.2f} s")
    if device != "cpu":
        return
    try:
        from captum.influence import TracInCP
    except ImportError:
        print("  captum not installed: no comparison")
        return
    rows = min(captum_rows, n_train)
    rates = {r["path"]: r["learning_rate"] for r in keeper.checkpoints_}

    def load(module, path):
        module.load_state_dict(torch.load(path, weights_only=True))
        return rates[path]

    def captum_influence(n_rows):
        dataset = torch.utils.data.TensorDataset(
            torch.as_tensor(X_train[:n_rows]), torch.as_tensor(y_train[:n_rows])
        )
        captum = TracInCP(
            copy.deepcopy(net.module_), dataset, checkpoints=list(rates),
            checkpoints_load_func=load,
            loss_fn=torch.nn.CrossEntropyLoss(reduction="none"), batch_size=2048,
        )
        return captum.influence(
            (torch.as_tensor(X_eval), torch.as_tensor(y_eval))
        ).numpy()

    peer, expected = seconds(lambda: captum_influence(rows))
    note = ""
    if rows < n_train:
        # captum's cost is fixed (eval gradients) plus linear in train rows:
        # time it at two sizes and extrapolate the line to n_train
        half, _ = seconds(lambda: captum_influence(rows // 2))
        peer = peer + (peer - half) * (n_train - rows) / (rows - rows // 2)
        note = f" (timed on {rows // 2:,} and {rows:,} train rows, extrapolated)"
    error = np.abs(matrix[:, :rows] - expected).max() / np.abs(expected).max()
    print(f"  captum TracInCP: {peer:.2f} s{note}; ratio "
          f"{peer / ours:.1f}x; max rel. diff {error:.1e}")


def bench_flows(sizes, matrix_limit):
    print("flows (Ridge influence functions, rows as individuals):")
    print(f"  {'rows':>9}{'linear s':>11}{'matrix s':>11}{'ratio':>8}")
    rng = np.random.RandomState(0)
    for n_rows in sizes:
        X = rng.randn(n_rows, 10)
        y = X @ rng.randn(10) + rng.randn(n_rows)
        influence = LinearInfluence(Ridge().fit(X, y)).fit(X, y)
        linear, flows = seconds(lambda: influence_flows(influence, X, y))  # noqa: B023
        if n_rows <= matrix_limit:
            def full():
                matrix = influence.influence(X, y, X, y)  # noqa: B023
                diagonal = np.diag(matrix)
                return matrix.sum(1) - diagonal, matrix.sum(0) - diagonal
            slow, (inflow, outflow) = seconds(full)
            assert np.allclose(inflow, flows.inflow) and np.allclose(
                outflow, flows.outflow)
            print(f"  {n_rows:>9,}{linear:>11.4f}{slow:>11.4f}{slow / linear:>8.1f}")
        else:
            print(f"  {n_rows:>9,}{linear:>11.4f}{'(n x n too big)':>19}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--n-train", type=int, default=10_000)
    parser.add_argument("--n-eval", type=int, default=2_000)
    parser.add_argument("--captum-rows", type=int, default=2_000,
                        help="training rows captum is timed on before scaling up")
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    if args.quick:
        args.n_train, args.n_eval, args.captum_rows = 2_000, 500, 500
    bench_gradients(1_000 if args.quick else 5_000)
    bench_tracin(args.n_train, args.n_eval, args.captum_rows, "cpu")
    if torch.cuda.is_available():
        bench_tracin(args.n_train, args.n_eval, 0, "cuda")
    sizes = [1_000, 5_000, 20_000] if args.quick else [
        1_000, 5_000, 20_000, 200_000]
    bench_flows(sizes, matrix_limit=20_000)


if __name__ == "__main__":
    main()
