"""Time skcorr's influence tools against captum, a per-sample loop and the bare limit.

Every case runs skcorr, the peer and the limit interleaved (see ``_harness.py``)
and checks the numbers in the same run:

- Per-example gradients of an MLP (20-64-4): ``per_example_gradients``
  against a per-sample ``backward()`` loop; limit one bare ``vmap(grad)``
  over all rows.
- TracIn influence matrix, ``--n-eval`` x ``--n-train`` rows, 3 checkpoints
  of a skorch MLP: ``TracIn.influence`` against captum's ``TracInCP`` on the
  whole case (real calls, no extrapolation); limit ``vmap(grad)`` of both sets
  at each checkpoint and one GEMM.
- TracIn flows with groups (``influence_flows``): skcorr's sparse group sums
  against the same flows with ``np.add.at`` group sums (the previous
  implementation); limit the gradients alone (what the flows must compute).
  And the group sums of one block of gradients alone.
- Flows of ``LinearInfluence`` (Ridge) in linear time against summing the
  full ``n x n`` influence matrix.

Torch runs on one thread (steadier on a shared machine; every contender alike).

Run: ``python benchmarks/bench_influence.py [--quick] [--rounds 5]``. Needs
torch, skorch and captum.
"""

import copy
import tempfile
from unittest import mock

import numpy as np
import torch
from _harness import Bench, max_abs_diff, max_rel_diff
from sklearn.linear_model import Ridge
from skorch import NeuralNetClassifier
from torch.func import functional_call, grad, vmap

from skcorr.influence import (
    LinearInfluence,
    TracIn,
    TracInCheckpoints,
    _flows,
    influence_flows,
    per_example_gradients,
)


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


def bare_gradients(module, state, X, y):
    """All rows' flattened loss gradients in one ``vmap(grad)`` call."""
    def example_loss(parameters, x, target):
        output = functional_call(module, parameters, (x.unsqueeze(0),))
        return torch.nn.functional.cross_entropy(output, target.unsqueeze(0))

    gradients = vmap(grad(example_loss), in_dims=(None, 0, 0))(
        state, torch.as_tensor(X), torch.as_tensor(y))
    return torch.cat([g.reshape(len(X), -1) for g in gradients.values()], dim=1)


def gradients_case(bench, n_samples):
    X, y = make_data(n_samples)
    torch.manual_seed(0)
    module, loss = MLP(), torch.nn.CrossEntropyLoss()
    state = {name: p.detach() for name, p in module.named_parameters()}
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)

    def loop():
        rows = []
        for i in range(n_samples):
            module.zero_grad()
            loss(module(Xt[i : i + 1]), yt[i : i + 1]).backward()
            rows.append(torch.cat([p.grad.ravel() for p in module.parameters()]))
        return torch.stack(rows).numpy()

    bench.case(
        f"per-example gradients, {n_samples:,} rows, MLP 20-64-4",
        skcorr=lambda: per_example_gradients(module, loss, X, y, batch_size=1024),
        peer=loop,
        limit=lambda: bare_gradients(module, state, X, y).numpy(),
        check=lambda r: max(max_rel_diff(r["skcorr"], r["peer"]),
                            max_rel_diff(r["skcorr"], r["limit"])),
        tolerance=1e-5,
        tolerance_reason="float32 gradients by two autograd paths: a few float32 "
        "eps (1.2e-7) of the largest entry, summed over 64 hidden units",
        skcorr_call="per_example_gradients(module, loss, X, y)",
        peer_name="per-sample backward loop", limit_name="one vmap(grad)",
    )


def fit_net(X_train, y_train, folder):
    torch.manual_seed(0)
    keeper = TracInCheckpoints(checkpoint_epochs=[1, 2, 3], directory=folder)
    net = NeuralNetClassifier(
        MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=3, lr=0.1,
        batch_size=128, train_split=None, callbacks=[keeper], verbose=0,
    ).fit(X_train, y_train)
    return net, keeper


def tracin_case(bench, n_train, n_eval):
    from captum.influence import TracInCP

    X, y = make_data(n_train + n_eval)
    X_train, y_train, X_eval, y_eval = (X[:n_train], y[:n_train], X[n_train:],
                                        y[n_train:])
    folder = tempfile.mkdtemp()
    net, keeper = fit_net(X_train, y_train, folder)
    tracin = TracIn(net, batch_size=2048)
    rates = {r["path"]: r["learning_rate"] for r in keeper.checkpoints_}
    states = {path: torch.load(path, weights_only=True) for path in rates}

    def load(module, path):
        module.load_state_dict(torch.load(path, weights_only=True))
        return rates[path]

    dataset = torch.utils.data.TensorDataset(torch.as_tensor(X_train),
                                             torch.as_tensor(y_train))

    def captum():
        influence = TracInCP(
            copy.deepcopy(net.module_), dataset, checkpoints=list(rates),
            checkpoints_load_func=load,
            loss_fn=torch.nn.CrossEntropyLoss(reduction="none"), batch_size=2048,
        )
        return influence.influence(
            (torch.as_tensor(X_eval), torch.as_tensor(y_eval))).numpy()

    def limit():
        total = 0.0
        for path, rate in rates.items():
            train = bare_gradients(net.module_, states[path], X_train, y_train)
            evaluation = bare_gradients(net.module_, states[path], X_eval, y_eval)
            total = total + rate * (evaluation @ train.T)
        return total.numpy()

    bench.case(
        f"TracIn, {n_eval:,} eval x {n_train:,} train x 3 checkpoints (CPU)",
        skcorr=lambda: tracin.influence(X_eval, y_eval, X_train, y_train),
        peer=captum, limit=limit,
        check=lambda r: max(max_rel_diff(r["skcorr"], r["peer"]),
                            max_rel_diff(r["skcorr"], r["limit"])),
        tolerance=1e-4,
        tolerance_reason="float32 gradient dot products over 1,604 parameters: "
        "~sqrt(1604) * 1.2e-7 of the largest entry, and captum sums the "
        "checkpoints in another order",
        skcorr_call="TracIn(net).influence(X_eval, y_eval, X_train, y_train)",
        peer_name="captum TracInCP", limit_name="vmap(grad) + GEMM",
        goal=">= 50x captum; <= 1.1x the limit", min_speedup=50,
        max_over_limit=1.1,
    )
    return net, X_train, y_train


def add_at_group_sums(influence, X, y, codes, n_groups, role, sample_weight=None):
    """The previous implementation of the group sums, with ``np.add.at``."""
    sums, weights = [], []
    for index, weight, rows, features in influence.weighted_feature_blocks(
        X, y, role, sample_weight
    ):
        if index == len(sums):
            sums.append(np.zeros((n_groups, features.shape[1])))
            weights.append(weight)
        np.add.at(sums[index], codes[rows], features)
    return list(zip(weights, sums, strict=True))


def flows_case(bench, net, X_train, y_train, n_groups):
    tracin = TracIn(net, batch_size=2048)
    groups = np.random.RandomState(0).randint(n_groups, size=len(X_train))

    def with_add_at():
        with mock.patch.object(_flows, "group_sums", add_at_group_sums):
            return influence_flows(tracin, X_train, y_train, groups=groups)

    def gradients_only():
        return [tracin._to_numpy(block) for *_, block in
                tracin.feature_blocks(X_train, y_train, "train")]

    def flows_vector(flows):
        return np.concatenate([flows.self_influence, flows.inflow, flows.outflow])

    bench.case(
        f"TracIn flows, {len(X_train):,} rows in {n_groups:,} groups x 3 "
        "checkpoints",
        skcorr=lambda: influence_flows(tracin, X_train, y_train, groups=groups),
        peer=with_add_at, limit=gradients_only,
        check=lambda r: max_rel_diff(flows_vector(r["skcorr"]),
                                     flows_vector(r["peer"])),
        tolerance=1e-12,
        tolerance_reason="the same float64 sums in another association: each "
        "within (rows per group) * 1.1e-16 of sum|x|",
        skcorr_call="influence_flows(TracIn(net), X, y, groups=groups)",
        peer_name="same flows, np.add.at group sums",
        limit_name="the gradients alone",
    )
    # the group sums of one block alone
    features = gradients_only()[0][:2048]
    codes = groups[:2048]

    def block_sums(function):
        class Given:
            @staticmethod
            def weighted_feature_blocks(X, y, role, sample_weight=None):
                yield 0, 1.0, slice(0, len(features)), features

        return function(Given, None, None, codes, n_groups, "train")[0][1]

    bench.case(
        f"group sums of one block, {features.shape[0]:,} rows x "
        f"{features.shape[1]:,} gradient entries into {n_groups:,} groups",
        skcorr=lambda: block_sums(_flows.group_sums),
        peer=lambda: block_sums(add_at_group_sums),
        limit=lambda: features.sum(0),
        check=lambda r: max_abs_diff(r["skcorr"], r["peer"]),
        tolerance=1e-12,
        tolerance_reason="one block: the same sums in the same row order "
        "(bit-identical in practice); gradients are < 10 in magnitude",
        skcorr_call="influence._flows.group_sums (sparse one-hot product)",
        peer_name="np.add.at", limit_name="features.sum(0) (one read)",
    )


def linear_flows_case(bench, n_rows):
    rng = np.random.RandomState(0)
    X = rng.randn(n_rows, 10)
    y = X @ rng.randn(10) + rng.randn(n_rows)
    influence = LinearInfluence(Ridge().fit(X, y)).fit(X, y)

    def full():
        matrix = influence.influence(X, y, X, y)
        diagonal = np.diag(matrix)
        return np.concatenate([matrix.sum(1) - diagonal, matrix.sum(0) - diagonal])

    def linear():
        flows = influence_flows(influence, X, y)
        return np.concatenate([flows.inflow, flows.outflow])

    bench.case(
        f"LinearInfluence (Ridge) flows, {n_rows:,} rows as individuals",
        skcorr=linear, peer=full,
        check=lambda r: max_rel_diff(r["skcorr"], r["peer"]),
        tolerance=1e-10,
        tolerance_reason="float64 sums of n terms in another order: n * eps of "
        "the largest flow",
        skcorr_call="influence_flows(LinearInfluence(Ridge()).fit(X, y), X, y)",
        peer_name="sums of the n x n matrix",
    )


def main():
    bench = Bench("bench_influence", description=__doc__.splitlines()[0])

    def options(parser):
        parser.add_argument("--n-train", type=int, default=2_000)
        parser.add_argument("--n-eval", type=int, default=500)

    args = bench.parse(options)
    torch.set_num_threads(1)  # one core each: steadier on a shared machine
    if args.quick:
        args.n_train, args.n_eval = 500, 200
    gradients_case(bench, 500 if args.quick else 2_000)
    net, X_train, y_train = tracin_case(bench, args.n_train, args.n_eval)
    X, y = make_data(2_000 if args.quick else 20_000, seed=1)
    flows_case(bench, net, X, y, n_groups=200 if args.quick else 1_000)
    linear_flows_case(bench, 1_000 if args.quick else 5_000)
    bench.write()


if __name__ == "__main__":
    main()
