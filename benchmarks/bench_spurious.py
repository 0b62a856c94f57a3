"""Time the spurious-correlation study and its measurements, in one run.

- The study's n-sweep on digits (:func:`run_spurious_study`: patterns x
  n in (0, 1, 3, 5, 10, 20, 100) x models x seeds) with ``n_jobs=1`` and
  ``n_jobs=2`` (or ``--n-jobs``), and whether both give the same table.
- The spurious score itself per 10,000 test images (digits resampled), for a
  logistic regression, an sklearn MLP and a skorch net, against a naive loop
  that predicts one image at a time, clean then patched (timed on
  ``--naive-rows`` images and scaled to 10,000, said in the output).
- Injection: :class:`SpuriousInjector` ``fit_resample`` on 10,000 rows
  against a bare copy of ``X`` (what any injection must at least do).

Run: ``python benchmarks/bench_spurious.py`` (``--quick`` for a smaller sweep).
Prints figures; asserts nothing.
"""

import argparse
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch import NeuralNetClassifier

from skcorr.spurious import SpuriousInjector, SpuriousMLP, make_pattern, spurious_score
from skcorr.spurious._study import run_spurious_study

N_EXAMPLES = (0, 1, 3, 5, 10, 20, 100)


def seconds(function, repeat=1):
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_sweep(patterns, models, n_seeds, n_jobs):
    cells = len(patterns) * len(N_EXAMPLES) * len(models) * n_seeds
    print(f"n-sweep on digits: patterns {patterns}, models {models}, "
          f"{n_seeds} seeds, n in {N_EXAMPLES} ({cells} fits + "
          f"{len(models) * n_seeds} baselines)")

    def sweep(jobs):
        return run_spurious_study(patterns=patterns, n_examples=N_EXAMPLES,
                                  models=models, n_seeds=n_seeds, n_jobs=jobs)

    serial, first = seconds(lambda: sweep(1))
    parallel, second = seconds(lambda: sweep(n_jobs))
    same = first.equals(second)
    print(f"  n_jobs=1 {serial:6.1f} s   n_jobs={n_jobs} {parallel:6.1f} s   "
          f"speed-up {serial / parallel:4.2f}x   same table: {same}")
    top = first[first["n_examples"] == max(N_EXAMPLES)]
    print("  mean score at n=100:",
          top.groupby(["model", "pattern"])["score"].mean().round(3).to_dict())


def digits_images(n_rows, seed=0):
    X, y = load_digits(return_X_y=True)
    rows = np.random.RandomState(seed).randint(len(X), size=n_rows)
    return X, y, X[rows], y[rows]


def fitted_models(X, y):
    scale = FunctionTransformer(lambda X: X / 16.0)
    logistic = make_pipeline(scale, LogisticRegression(max_iter=1000)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = make_pipeline(
            scale, MLPClassifier((64,), max_iter=100, random_state=0)
        ).fit(X, y)
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        SpuriousMLP, module__n_features=64, module__hidden=(64,),
        criterion=torch.nn.CrossEntropyLoss, max_epochs=10, lr=0.1,
        batch_size=64, train_split=None, verbose=0,
    ).fit((X / 16.0).astype(np.float32), y)
    net_scaled = make_pipeline(
        FunctionTransformer(lambda X: (X / 16.0).astype(np.float32)), net
    )
    return {"logistic": logistic, "sklearn MLP": mlp, "skorch MLP": net_scaled}


def naive_score(model, X, y, pattern, target_class, threshold=0.1):
    """One image at a time: p_t(patched) - p_t(clean) > threshold."""
    column = list(model.classes_).index(target_class)
    hits, kept = 0, 0
    for row, label in zip(X, y, strict=True):
        if label == target_class:
            continue
        clean = model.predict_proba(row[None])[0, column]
        patched = model.predict_proba(pattern.apply(row[None]))[0, column]
        hits += patched - clean > threshold
        kept += 1
    return hits / kept


def bench_score(naive_rows):
    X, y, X_test, y_test = digits_images(10_000)
    pattern = make_pattern("S3", (8, 8), value_range=(0.0, 16.0), random_state=0)
    print(f"\nSpurious score per 10,000 test images (digits resampled), pattern "
          f"S3; naive loop timed on {naive_rows} images and scaled:")
    print(f"{'model':>12}{'skcorr s':>10}{'naive s':>10}{'ratio':>8}{'agree':>7}")
    for name, model in fitted_models(X, y).items():
        fast, score = seconds(lambda m=model: spurious_score(
            m, X_test, y_test, pattern=pattern, target_class=0), repeat=3)
        slow, naive = seconds(lambda m=model: naive_score(
            m, X_test[:naive_rows], y_test[:naive_rows], pattern, 0))
        slow *= 10_000 / naive_rows
        subset = spurious_score(model, X_test[:naive_rows], y_test[:naive_rows],
                                pattern=pattern, target_class=0)
        print(f"{name:>12}{fast:>10.3f}{slow:>10.2f}{slow / fast:>7.0f}x"
              f"{str(bool(np.isclose(subset, naive))):>7}")
        del score


def bench_injection():
    _, _, X, y = digits_images(10_000)
    pattern = make_pattern("R2", (8, 8), value_range=(0.0, 16.0), random_state=0)
    injector = SpuriousInjector(pattern, n_examples=100, target_class=0,
                                random_state=0)
    inject, _ = seconds(lambda: injector.fit_resample(X, y), repeat=5)
    copy, _ = seconds(lambda: np.array(X, dtype=np.float64, copy=True), repeat=5)
    print(f"\nInjection, 10,000 rows, n=100 (R2): fit_resample {1e3 * inject:.2f} ms"
          f", bare copy of X {1e3 * copy:.2f} ms, ratio {inject / copy:.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--naive-rows", type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.quick:
        bench_sweep(("S3",), ("logistic",), 2, args.n_jobs)
    else:
        bench_sweep(("S3", "R2"), ("logistic", "mlp"), 2, args.n_jobs)
    bench_score(args.naive_rows)
    bench_injection()


if __name__ == "__main__":
    main()
