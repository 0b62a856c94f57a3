"""Run skcorr's torch paths on a device, check them against the CPU, time them.

One prepared script for a machine with an accelerator (``--device cuda``):

- ``per_example_gradients(module, loss, X, y, device=...)``;
- ``TracIn(net)``: a skorch net trained on the CPU with a
  ``TracInCheckpoints(checkpoint_epochs=...)`` callback, then moved to the
  device (module, criterion and ``device``; moved back after each call);
- ``TracIn(module, checkpoints, loss=..., device=...)``: the same checkpoints
  given as the callback, with the module and an explicit loss;
- ``grand(module, X, y)`` and ``vog(modules, X, y)``: the modules (one per
  checkpoint) moved to the device, as those functions compute where the
  module lives;
- ``ExampleDifficulty`` of a skorch ``NeuralNetClassifier(device=...)``,
  trained on the device.

The first five compute gradients of the SAME weights (the CPU-trained net's
checkpoints) on the CPU and on the device: only float32 rounding may differ,
so each is checked against a float32 tolerance argued below. Training is not
bit-reproducible across devices (other reduction orders from the first
step, amplified by SGD), so ``ExampleDifficulty`` trained on each device from
the same seeds is judged by how the scores rank the examples: Spearman's rank
correlation of each continuous score's mean over runs (loss, margin, EL2N,
area under the margin, GraNd, VoG) must be at least 0.99. Scores that count
events (forgetting events, first learned, accuracy) are left out: they flip
on examples at a decision boundary, where any rounding may move them.

Each path runs once on the CPU and once on the device (those results are
compared), then ``--rounds`` (at least 5) interleaved rounds of both are
timed (``benchmarks/_harness.py``; wall time, with ``torch.cuda.synchronize``
after each call on CUDA). The throughput is examples (for
``ExampleDifficulty``: example-epochs) per second at the minimum time.
Float32 matrix products are set to full float32 precision (no TF32: its
10-bit mantissa would exceed the tolerance by design, not by a fault).

Run::

    python benchmarks/device_check.py [--device cuda] [--quick] [--out DIR]

Prints one line per path and writes ``results.json`` into ``--out``
(default ``benchmarks/results/device``). Exit status: 0 when every path agrees,
1 when one disagrees or fails, 2 (one line on stderr) when the device is not
available. ``--quick`` sizes everything to run in well under a minute on a
CPU. Needs torch and skorch.
"""

import argparse
import contextlib
import copy
import json
import sys
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "device"

SIZES = {
    "quick": dict(
        n_train=256, n_eval=64, n_features=16, hidden=32, n_classes=3, epochs=4,
        checkpoint_epochs=[1, 2], difficulty_samples=256, n_seeds=2,
        difficulty_epochs=3, net_batch_size=64,
    ),
    "full": dict(
        n_train=8192, n_eval=1024, n_features=32, hidden=256, n_classes=10,
        epochs=6, checkpoint_epochs=[2, 4], difficulty_samples=4096, n_seeds=3,
        difficulty_epochs=6, net_batch_size=256,
    ),
}
DIFFICULTY_SCORES = ["loss", "margin", "el2n", "area_under_margin", "grand", "vog"]
MIN_SPEARMAN = 0.99
MIN_ROUNDS = 5

# Float32 tolerance of one example's gradient, computed on two devices from the
# same weights. Each float32 operation rounds with unit u = eps / 2, and a sum
# of n terms, in any order the kernel chooses, errs by at most n u times the
# sum of the terms' magnitudes (Higham, "Accuracy and Stability of Numerical
# Algorithms", Sec. 3.1); the two devices may err in opposite directions, so
# their difference is bounded by n eps. Along the chain of a gradient of the
# MLP the reductions are the hidden layer (n_features terms), the output layer
# (hidden terms), the softmax (n_classes), the backward product through the
# output layer (n_classes), plus a few elementwise roundings (bias, ReLU, exp,
# log, the difference p - y): n_chain in Setup.gamma. The gradient of the loss
# goes through p = softmax(z), whose error is the logits' absolute error, so the
# relative error of a gradient scales with max(1, max |z|). Bounds of sums by
# magnitudes hold normwise up to the conditioning of the layers' products, for
# which SAFETY leaves a factor 4. The resulting
#     gamma = SAFETY * eps * n_chain * max(1, max |z|)
# bounds ||g_device - g_cpu|| / max ||g||: 3e-4 with --quick, 3e-3 at full size
# (max |z| about 20). It is a worst case: float32 against float64 on the CPU,
# the tolerances below are 4,000 to 100,000 times the error seen, while real
# faults (a wrong device, dtype, layer or mode) differ by O(1). Each path's
# tolerance below builds on gamma.
EPS32 = float(np.finfo(np.float32).eps)
SAFETY = 4
ELEMENTWISE_ROUNDINGS = 8



@contextlib.contextmanager
def _net_on(net, device):
    """The fitted skorch net moved to ``device`` (its module, criterion and
    ``device``), as a user moves a trained net; moved back afterwards, since
    the other rows share its module."""
    before = net.device
    try:
        net.device = str(device)
        net.module_.to(device)
        net.criterion_.to(device)
        yield net
    finally:
        net.device = before
        net.module_.to(before)
        net.criterion_.to(before)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda",
                        help="torch device to check against the CPU (default cuda)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: well under a minute on a CPU")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for results.json")
    parser.add_argument("--rounds", type=int, default=MIN_ROUNDS,
                        help=f"timed rounds per path (at least {MIN_ROUNDS})")
    parser.add_argument("--batch-size", type=int, default=256,
                        help="batch_size of the gradient calls (skcorr's default)")
    args = parser.parse_args(argv)
    if args.rounds < MIN_ROUNDS:
        parser.error(f"--rounds must be at least {MIN_ROUNDS}; got {args.rounds}")
    if args.batch_size < 1:
        parser.error(f"--batch-size must be positive; got {args.batch_size}")
    return args


def device_or_exit(name):
    """``torch.device(name)`` if it can hold a tensor, else exit 2 with one line."""
    import torch

    def unavailable(reason):
        print(f"device_check: device {name!r} is not available: {reason}",
              file=sys.stderr)
        sys.exit(2)

    try:
        device = torch.device(name)
    except RuntimeError as exc:
        unavailable(str(exc).splitlines()[0])
    if device.type == "cuda":
        if not torch.cuda.is_available():
            unavailable(f"torch {torch.__version__} sees no CUDA GPU (built with "
                        f"CUDA {torch.version.cuda}); run with --device cpu")
        if device.index is not None and device.index >= torch.cuda.device_count():
            unavailable(f"only {torch.cuda.device_count()} CUDA device(s)")
    elif device.type == "mps" and not torch.backends.mps.is_available():
        unavailable("torch.backends.mps.is_available() is False")
    try:
        torch.zeros(1, device=device)
    except Exception as exc:  # noqa: BLE001 - any failure means unavailable
        unavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return device


def synchronizer(device):
    import torch

    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def device_name(device):
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type


def make_mlp_class():
    import torch

    class MLP(torch.nn.Module):
        """Linear - ReLU - Linear, returning logits."""

        def __init__(self, n_features=16, hidden=32, n_classes=3):
            super().__init__()
            self.hidden = torch.nn.Linear(n_features, hidden)
            self.output = torch.nn.Linear(hidden, n_classes)

        def forward(self, X):
            return self.output(torch.relu(self.hidden(X)))

    return MLP


def make_net(MLP, size, *, max_epochs, device, callbacks=()):
    import torch
    from skorch import NeuralNetClassifier

    return NeuralNetClassifier(
        MLP, module__n_features=size["n_features"], module__hidden=size["hidden"],
        module__n_classes=size["n_classes"], criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD, lr=0.1, optimizer__momentum=0.9,
        batch_size=size["net_batch_size"], max_epochs=max_epochs,
        iterator_train__shuffle=True, train_split=None, callbacks=list(callbacks),
        device=str(device), verbose=0,
    )


def make_data(size):
    from sklearn.datasets import make_classification

    n = size["n_train"] + size["n_eval"]
    X, y = make_classification(
        n_samples=n, n_features=size["n_features"],
        n_informative=min(size["n_features"], 8), n_classes=size["n_classes"],
        n_clusters_per_class=1, flip_y=0.05, random_state=0,
    )
    X = X.astype(np.float32)
    y = y.astype(np.int64)
    n_eval = size["n_eval"]
    return X[n_eval:], y[n_eval:], X[:n_eval], y[:n_eval]


class Setup:
    """The CPU-trained net, its checkpoints as modules, and the data."""

    def __init__(self, size):
        import torch

        from skcorr.influence import TracInCheckpoints

        self.size = size
        self.MLP = make_mlp_class()
        self.X_train, self.y_train, self.X_eval, self.y_eval = make_data(size)
        self.keeper = TracInCheckpoints(checkpoint_epochs=size["checkpoint_epochs"])
        with torch.random.fork_rng():
            torch.manual_seed(0)
            self.net = make_net(self.MLP, size, max_epochs=size["epochs"],
                                device="cpu", callbacks=[self.keeper])
            self.net.fit(self.X_train, self.y_train)
        self.modules = []
        for index in range(len(self.keeper)):
            module = copy.deepcopy(self.net.module_)
            module.load_state_dict(self.keeper.load(index))
            module.eval()
            self.modules.append(module)
        self._on = {}
        self.n_params = sum(p.numel() for p in self.net.module_.parameters())

    def modules_on(self, device):
        key = str(device)
        if key not in self._on:
            self._on[key] = [copy.deepcopy(m).to(device) for m in self.modules]
        return self._on[key]

    # the scales the tolerances need, from the CPU -------------------------
    def gamma(self):
        """Relative float32 error of one example's gradient (see the top)."""
        import torch

        size = self.size
        n_chain = (size["n_features"] + size["hidden"] + 2 * size["n_classes"]
                   + ELEMENTWISE_ROUNDINGS)
        X = torch.as_tensor(np.concatenate([self.X_train, self.X_eval]))
        with torch.no_grad():
            self.max_logit = max(float(m(X).abs().max()) for m in self.modules)
        return SAFETY * EPS32 * n_chain * max(1.0, self.max_logit)

    def max_input_gradient_norm(self):
        """max over checkpoints and examples of ||d p_y / d x|| (for VoG)."""
        import torch

        X = torch.as_tensor(self.X_train).requires_grad_(True)
        y = torch.as_tensor(self.y_train)
        largest = 0.0
        for module in self.modules:
            p_y = torch.softmax(module(X), dim=1).gather(1, y[:, None]).sum()
            (gradient,) = torch.autograd.grad(p_y, X)
            largest = max(largest, float(gradient.norm(dim=1).max()))
        return largest


def max_abs_diff(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if (np.isnan(a) != np.isnan(b)).any():
        return float("inf")
    return float(np.nanmax(np.abs(a - b), initial=0.0))


def gradient_paths(setup, batch_size):
    """The paths that differentiate the same weights on both devices.

    Each item: (name, public call, run(device) -> ndarray,
    tolerance(reference) -> (tolerance, reason), items, unit).
    """
    import torch

    from skcorr.difficulty import grand, vog
    from skcorr.influence import TracIn, per_example_gradients

    s = setup
    final = s.modules[-1]
    n_train, n_eval = len(s.X_train), len(s.X_eval)
    K = len(s.modules)
    gamma = s.gamma()
    P = s.n_params

    def gradients(device):
        return per_example_gradients(
            final, torch.nn.CrossEntropyLoss(), s.X_train, s.y_train,
            batch_size=batch_size, device=device)

    def gradients_tolerance(reference):
        # ||g_device - g_cpu|| <= gamma ||g||: every entry within gamma max ||g||
        scale = float(np.linalg.norm(reference, axis=1).max())
        return gamma * scale, "gamma * max ||g_i||"

    def tracin_net(device):
        # the net on the device (its module, criterion and device moved): the
        # net's own get_loss puts the targets on net.device, so TracIn of a
        # net computes where the net is
        with _net_on(s.net, device) as net:
            return TracIn(net, batch_size=batch_size).influence(
                s.X_eval, s.y_eval, s.X_train, s.y_train)

    def tracin_module(device):
        return TracIn(final, s.keeper, loss=torch.nn.CrossEntropyLoss(),
                      batch_size=batch_size, device=device).influence(
            s.X_eval, s.y_eval, s.X_train, s.y_train)

    self_influence = {}

    def tracin_tolerance(reference):
        # influence(i, j) = sum_k eta_k g_ik . g_jk. Both gradients err by gamma
        # (relative, normwise) and the dot product of P terms by P eps times
        # sum |terms| <= sqrt(SI_i SI_j) (Cauchy-Schwarz over checkpoints and
        # parameters, SI the self-influence); so the difference is at most
        # (2 gamma + SAFETY P eps) sqrt(max SI_eval max SI_train).
        if not self_influence:
            tracin = TracIn(final, s.keeper, loss=torch.nn.CrossEntropyLoss())
            self_influence["eval"] = tracin.self_influence(s.X_eval, s.y_eval).max()
            self_influence["train"] = tracin.self_influence(
                s.X_train, s.y_train).max()
        scale = float(np.sqrt(self_influence["eval"] * self_influence["train"]))
        return ((2 * gamma + SAFETY * P * EPS32) * scale,
                "(2 gamma + 4 P eps) sqrt(max SI_eval max SI_train)")

    def grand_scores(device):
        return grand(s.modules_on(device)[-1], s.X_train, s.y_train,
                     output="logits", batch_size=batch_size)

    def grand_tolerance(reference):
        # | ||g + d|| - ||g|| | <= ||d|| <= gamma ||g||, plus the norm's own sum
        # of P squares
        return ((gamma + SAFETY * P * EPS32) * float(reference.max()),
                "(gamma + 4 P eps) max GraNd")

    def vog_scores(device):
        return vog(s.modules_on(device), s.X_train, s.y_train, output="logits",
                   batch_size=batch_size)

    def vog_tolerance(reference):
        # VoG_i = mean over d inputs of the variance over K checkpoints of the
        # input gradient of p_y. Each gradient errs by at most gamma G (G: the
        # largest ||d p_y / dx||), a deviation from the mean by 2 gamma G, and a
        # deviation is at most 2 G; squaring, summing over inputs (Cauchy-
        # Schwarz) and checkpoints: |dVoG| <= K / (K - 1) (8 gamma + 4 gamma^2)
        # G^2 / d. The variance itself is taken in float64.
        G = s.max_input_gradient_norm()
        d = s.size["n_features"]
        return (K / (K - 1) * (8 * gamma + 4 * gamma**2) * G**2 / d,
                "K/(K-1) (8 gamma + 4 gamma^2) G^2 / d")

    return [
        ("per_example_gradients", "per_example_gradients(module, loss, X, y, "
         "device=...)", gradients, gradients_tolerance, n_train, "examples/s"),
        ("TracIn (skorch net)", "TracIn(net on the device).influence(X_eval, "
         "y_eval, X_train, y_train)", tracin_net, tracin_tolerance, n_train,
         f"train examples/s (x {n_eval} eval, {K} checkpoints)"),
        ("TracIn (module, callback)", "TracIn(module, TracInCheckpoints, loss=..., "
         "device=...).influence(...)", tracin_module, tracin_tolerance, n_train,
         f"train examples/s (x {n_eval} eval, {K} checkpoints)"),
        ("grand", "grand(module.to(device), X, y)", grand_scores, grand_tolerance,
         n_train, "examples/s"),
        ("vog", "vog([module.to(device), ...], X, y)", vog_scores, vog_tolerance,
         n_train, f"examples/s ({K} checkpoints)"),
    ]


def difficulty_path(setup):
    """ExampleDifficulty of a skorch net trained on each device."""
    from scipy.stats import spearmanr

    from skcorr.difficulty import ExampleDifficulty

    size = setup.size
    n = size["difficulty_samples"]
    X = np.concatenate([setup.X_train, setup.X_eval])[:n]
    y = np.concatenate([setup.y_train, setup.y_eval])[:n]

    def fit(device):
        net = make_net(setup.MLP, size, max_epochs=size["difficulty_epochs"],
                       device=device)
        difficulty = ExampleDifficulty(
            net, scores=DIFFICULTY_SCORES, n_seeds=size["n_seeds"],
            max_epochs=size["difficulty_epochs"], random_state=0,
        ).fit(X, y)
        return difficulty.mean_scores_

    def compare(reference, got):
        details = {}
        for name in DIFFICULTY_SCORES:
            a, b = reference[name].to_numpy(), got[name].to_numpy()
            rho = 1.0 if np.array_equal(a, b) else float(spearmanr(a, b).statistic)
            details[name] = {"spearman": rho, "max_abs_diff": max_abs_diff(a, b)}
        worst = min(detail["spearman"] for detail in details.values())
        return 1.0 - worst, details

    items = n * size["n_seeds"] * size["difficulty_epochs"]
    return ("ExampleDifficulty (skorch net)",
            "ExampleDifficulty(NeuralNetClassifier(..., device=...), scores=...)"
            ".fit(X, y)", fit, compare, items, "example-epochs/s")


def timed_rounds(run_cpu, run_device, rounds, device):
    """Min and median wall seconds of each, interleaved (the harness)."""
    from _harness import interleave

    sync_device = synchronizer(device)

    def on_device():
        result = run_device()
        sync_device()
        return result

    timings = interleave({"cpu": run_cpu, "device": on_device}, rounds,
                         warmup=False)
    return {name: timing.summary() for name, (_, timing) in timings.items()}


def check(name, call, run, tolerance_or_compare, items, unit, device, rounds,
          compare_scores=False):
    import torch

    cpu = torch.device("cpu")
    row = {"what": name, "call": call, "device": str(device), "items": items,
           "unit": unit}
    try:
        reference = run(cpu)
    except Exception as exc:  # noqa: BLE001 - reported, the other paths go on
        return {**row, "agreed": False, "error": f"on the CPU: {exc!r}",
                "traceback": traceback.format_exc()}
    try:
        got = run(device)
        synchronizer(device)()
    except Exception as exc:  # noqa: BLE001 - a path that fails on the device
        return {**row, "agreed": False, "error": f"on {device}: {exc!r}",
                "traceback": traceback.format_exc()}
    if compare_scores:
        difference, details = tolerance_or_compare(reference, got)
        tolerance = 1.0 - MIN_SPEARMAN
        reason = (f"1 - min Spearman over {DIFFICULTY_SCORES} <= "
                  f"{tolerance:.2g} (training is not bit-reproducible across "
                  "devices: ranks, not numbers, are compared)")
        identical = all(detail["max_abs_diff"] == 0 for detail in details.values())
        row["scores"] = details
    else:
        difference = max_abs_diff(got, reference)
        tolerance, reason = tolerance_or_compare(reference)
        identical = bool(np.array_equal(got, reference))
    row.update(max_diff=difference, tolerance=tolerance, tolerance_reason=reason,
               agreed=bool(difference <= tolerance), bit_identical=identical)
    timings = timed_rounds(lambda: run(cpu), lambda: run(device), rounds, device)
    row["timings"] = timings
    row["throughput"] = items / timings["device"]["min"]
    row["cpu_throughput"] = items / timings["cpu"]["min"]
    return row


def format_row(row):
    name = f"{row['what']:<31}"
    if "error" in row:
        return f"{name} ERROR {row['error'][:300]}"
    agreed = "yes" if row["agreed"] else "NO"
    difference = "1 - spearman" if "scores" in row else "max diff"
    identical = ", bit-identical" if row["bit_identical"] else ""
    return (f"{name} {difference} {row['max_diff']:.3g}  tolerance "
            f"{row['tolerance']:.3g}  agreed {agreed}{identical}  "
            f"{row['throughput']:,.0f} {row['unit']} on {row['device']} "
            f"(cpu {row['cpu_throughput']:,.0f})")


def main(argv=None):
    args = parse_args(argv)
    device = device_or_exit(args.device)
    import torch
    from _harness import machine

    torch.set_float32_matmul_precision("highest")
    torch.backends.cudnn.allow_tf32 = False
    size = SIZES["quick" if args.quick else "full"]
    started = time.perf_counter()
    setup = Setup(size)
    rows = []
    for path in gradient_paths(setup, args.batch_size):
        rows.append(check(*path, device, args.rounds))
        print(format_row(rows[-1]), flush=True)
    rows.append(check(*difficulty_path(setup), device, args.rounds,
                      compare_scores=True))
    print(format_row(rows[-1]), flush=True)
    all_agree = all(row["agreed"] for row in rows)
    payload = {
        "device": str(device), "device_name": device_name(device),
        "quick": args.quick, "rounds": args.rounds, "batch_size": args.batch_size,
        "sizes": size, "n_params": setup.n_params, "gamma": setup.gamma(),
        "max_abs_logit": setup.max_logit,
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
        "torch_threads": torch.get_num_threads(),
        "machine": machine(), "seconds": time.perf_counter() - started,
        "all_agree": all_agree, "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(payload, indent=1,
                                                      default=float))
    verdict = "every path agrees" if all_agree else "SOME PATH DISAGREES OR FAILS"
    print(f"{verdict}; {payload['seconds']:.1f} s; {args.out / 'results.json'}")
    return 0 if all_agree else 1


if __name__ == "__main__":
    sys.exit(main())
