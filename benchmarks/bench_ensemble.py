"""Time SeedEnsemble: parallel speed-up and overhead over a bare loop.

Fits 16 members of a random forest on synthetic data three ways, in one run:

1. a bare loop of ``clone(estimator).set_params(random_state=s).fit(X, y)``;
2. ``SeedEnsembleClassifier(n_jobs=1)`` with the same seeds;
3. ``SeedEnsembleClassifier(n_jobs=-1)``.

Prints the overhead (2 over 1, target < 5%) and the speed-up (2 over 3). Each
timing is the best of ``--repeats`` runs.

    python benchmarks/bench_ensemble.py [--n-samples 2000] [--repeats 3]
"""

import argparse
import os
from time import perf_counter

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

from skcorr.ensemble import SeedEnsembleClassifier

N_MEMBERS = 16


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = perf_counter()
        function()
        times.append(perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    X, y = make_classification(
        n_samples=args.n_samples, n_features=20, n_informative=10, random_state=0
    )
    estimator = RandomForestClassifier(n_estimators=20, max_depth=8, n_jobs=1)
    seeds = SeedEnsembleClassifier(estimator, n_seeds=N_MEMBERS, random_state=0).fit(
        X[:50], y[:50]
    ).seeds_

    def bare_loop():
        return [clone(estimator).set_params(random_state=int(s)).fit(X, y)
                for s in seeds]

    def ensemble(n_jobs):
        return SeedEnsembleClassifier(
            estimator, n_seeds=N_MEMBERS, random_state=0, n_jobs=n_jobs
        ).fit(X, y)

    ensemble(-1)  # start the worker pool once, as a long session would
    loop = best_time(bare_loop, args.repeats)
    sequential = best_time(lambda: ensemble(1), args.repeats)
    parallel = best_time(lambda: ensemble(-1), args.repeats)

    same = np.array_equal(
        np.column_stack([m.predict(X) for m in bare_loop()]),
        ensemble(-1).predict_all(X),
    )
    print(f"{N_MEMBERS} members of {estimator!r} on {X.shape}, "
          f"{os.cpu_count()} CPU cores, best of {args.repeats}")
    print(f"bare loop of clone().fit():      {loop:8.3f} s")
    print(f"SeedEnsemble n_jobs=1:           {sequential:8.3f} s")
    print(f"SeedEnsemble n_jobs=-1:          {parallel:8.3f} s")
    print(f"overhead (n_jobs=1 / loop - 1):  {100 * (sequential / loop - 1):+7.2f} %"
          "   (target < 5%)")
    print(f"speed-up (n_jobs=1 / n_jobs=-1): {sequential / parallel:8.2f} x")
    print(f"same members as the loop:        {same}")


if __name__ == "__main__":
    main()
