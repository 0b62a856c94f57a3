"""Time the spurious-correlation study and its measurements, interleaved, in one run.

- The study's n-sweep on digits (:func:`run_spurious_study`: patterns x
  n in (0, 1, 3, 5, 10, 20, 100) x models x seeds) with ``n_jobs=2`` (or
  ``--n-jobs``) against ``n_jobs=1``; the two tables must be identical. The
  ratio is of wall time (the work runs in worker processes, whose CPU time
  this process does not see).
- The spurious score per 10,000 test images (digits resampled), for a
  logistic regression, an sklearn MLP and a skorch net, against a naive loop
  that predicts one image at a time, clean then patched (real calls on
  ``--naive-rows`` images, time x 10,000 / naive rows); limit two
  ``predict_proba`` calls (clean, patched) on the images outside the target
  class, the ones the score is about. The score on the
  naive loop's images is checked against the loop's.
- Injection: :class:`SpuriousInjector` ``fit_resample`` on 10,000 rows
  against a bare copy of ``X`` (what any injection must at least do).

Run: ``python benchmarks/bench_spurious.py [--quick] [--rounds 5]``.
"""

import warnings

import numpy as np
import torch
from _harness import Bench
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch import NeuralNetClassifier

from skcorr.spurious import (
    SpuriousInjector,
    SpuriousMLP,
    make_pattern,
    run_spurious_study,
    spurious_score,
)

N_EXAMPLES = (0, 1, 3, 5, 10, 20, 100)


def sweep_case(bench, patterns, models, n_seeds, n_jobs):
    cells = len(patterns) * len(N_EXAMPLES) * len(models) * n_seeds

    def sweep(jobs):
        return run_spurious_study(patterns=patterns, n_examples=N_EXAMPLES,
                                  models=models, n_seeds=n_seeds,
                                  n_jobs=jobs).runs

    sweep(n_jobs)  # start the worker pool once, as a long session would
    bench.case(
        f"spurious n-sweep on digits, {cells} fits ({'/'.join(patterns)}, "
        f"{'/'.join(models)}, {n_seeds} seeds), n_jobs={n_jobs}",
        skcorr=lambda: sweep(n_jobs), peer=lambda: sweep(1),
        check=lambda r: 0.0 if r["skcorr"].equals(r["peer"]) else np.inf,
        tolerance=0.0,
        tolerance_reason="same random_state: the same table whatever n_jobs",
        skcorr_call=f"run_spurious_study(..., n_jobs={n_jobs})",
        peer_name="the same, n_jobs=1", ratio_basis="min",
        goal=f"speed-up towards {n_jobs}x (wall)",
    )


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


def score_cases(bench, naive_rows):
    n_test = 10_000
    X, y, X_test, y_test = digits_images(n_test)
    pattern = make_pattern("S3", (8, 8), value_range=(0.0, 16.0), random_state=0)
    subset = slice(0, naive_rows)
    others = X_test[y_test != 0].astype(np.float64)  # the rows the score uses
    for name, model in fitted_models(X, y).items():
        def check(results, model=model):
            ours = spurious_score(model, X_test[subset], y_test[subset],
                                  pattern=pattern, target_class=0)
            return abs(ours - results["peer"])

        bench.case(
            f"spurious score, {name}, {n_test:,} digits images (S3)",
            skcorr=lambda m=model: spurious_score(
                m, X_test, y_test, pattern=pattern, target_class=0),
            peer=lambda m=model: naive_score(m, X_test[subset], y_test[subset],
                                             pattern, 0),
            limit=lambda m=model: (m.predict_proba(others),
                                   m.predict_proba(pattern.apply(others))),
            check=check, tolerance=0.0,
            tolerance_reason="a fraction of the same thresholded differences "
            "(on the naive loop's images)",
            skcorr_call="spurious_score(model, X, y, pattern=..., target_class=0)",
            peer_name="one image at a time", limit_name="2 x predict_proba",
            peer_scale=n_test / naive_rows,
            note=f"naive loop timed on {naive_rows:,} images, time x "
            f"{n_test / naive_rows:g}",
        )


def injection_case(bench):
    _, _, X, y = digits_images(10_000)
    pattern = make_pattern("R2", (8, 8), value_range=(0.0, 16.0), random_state=0)
    injector = SpuriousInjector(pattern, n_examples=100, target_class=0,
                                random_state=0)

    def changed_rows(results):
        X_patched, _ = results["skcorr"]
        return abs(int((X_patched != X).any(axis=1).sum()) - 100)

    bench.case(
        "SpuriousInjector.fit_resample, 10,000 rows, n=100 (R2)",
        skcorr=lambda: injector.fit_resample(X, y),
        limit=lambda: np.array(X, dtype=np.float64, copy=True),
        check=changed_rows, tolerance=0,
        tolerance_reason="exactly n=100 rows patched",
        skcorr_call="SpuriousInjector(pattern, n_examples=100).fit_resample(X, y)",
        limit_name="a copy of X",
    )


def main():
    bench = Bench("bench_spurious", description=__doc__.splitlines()[0])

    def options(parser):
        parser.add_argument("--n-jobs", type=int, default=2)
        parser.add_argument("--naive-rows", type=int, default=500)

    args = bench.parse(options)
    torch.set_num_threads(1)
    if args.quick:
        sweep_case(bench, ("S3",), ("logistic",), 1, args.n_jobs)
    else:
        sweep_case(bench, ("S3", "R2"), ("logistic",), 2, args.n_jobs)
    score_cases(bench, 100 if args.quick else args.naive_rows)
    injection_case(bench)
    bench.write()


if __name__ == "__main__":
    main()
