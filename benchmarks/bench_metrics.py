"""Time skcorr's error-correlation metrics against their peers, in one run.

Peers, on the same data:

- Pearson: pandas ``DataFrame.corr`` and a bare numpy matrix product ``R.T @ R``
  (the floor any correlation matrix pays); target: skcorr within 2x of the floor.
- phi_K: the ``phik`` package (``DataFrame.phik_matrix``, pair by pair with
  numerical integration); target: skcorr at least 100x faster.
- Q statistic, disagreement, double fault: a DESlib-style loop over pairs that
  counts the four cells of each pair's table.

Sizes: 50 models x 10,000 samples and 200 models x 100,000 samples. Where a peer
would take minutes, it is timed on a random subset of pairs and scaled up to all
pairs (said in the output).

Run: ``python benchmarks/bench_metrics.py`` (add ``--quick`` for the small size only).
"""

import argparse
import itertools
import time
import warnings

import numpy as np

from skcorr.metrics import correlation_from_errors


def best_time(function, repeat=3):
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def make_errors(n_samples, n_models, seed=0):
    """Correlated residuals and 0/1 error indicators of ``n_models`` models."""
    rng = np.random.RandomState(seed)
    shared = rng.normal(size=(n_samples, 1))
    residuals = shared * rng.uniform(0.2, 1.5, n_models) + rng.normal(
        size=(n_samples, n_models)
    )
    indicators = (residuals > 1.0).astype(np.float64)
    return residuals, indicators


def deslib_pair_loop(indicators, measure, pairs):
    """Per-pair counting as DESlib's ``deslib.util.diversity`` does it."""
    n_samples = indicators.shape[0]
    out = {}
    for i, j in pairs:
        wrong_i, wrong_j = indicators[:, i] == 1, indicators[:, j] == 1
        n00 = np.sum(wrong_i & wrong_j) / n_samples
        n11 = np.sum(~wrong_i & ~wrong_j) / n_samples
        n10 = np.sum(wrong_i & ~wrong_j) / n_samples
        n01 = np.sum(~wrong_i & wrong_j) / n_samples
        if measure == "yule_q":
            out[i, j] = (n11 * n00 - n01 * n10) / (n11 * n00 + n01 * n10)
        elif measure == "disagreement":
            out[i, j] = n01 + n10
        else:
            out[i, j] = n00
    return out


def time_on_pairs(function, n_models, max_pairs, seed=0):
    """Time ``function(pairs)`` on all pairs, or on a random subset scaled up."""
    pairs = list(itertools.combinations(range(n_models), 2))
    if len(pairs) <= max_pairs:
        return best_time(lambda: function(pairs), repeat=1), ""
    rng = np.random.RandomState(seed)
    subset = [pairs[k] for k in rng.choice(len(pairs), max_pairs, replace=False)]
    seconds = best_time(lambda: function(subset), repeat=1)
    return seconds * len(pairs) / max_pairs, f" (from {max_pairs} pairs, scaled)"


def phik_package(indicators, pairs):
    import pandas as pd

    columns = sorted({k for pair in pairs for k in pair})
    frame = pd.DataFrame(indicators[:, columns].astype(int))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(pairs) == len(columns) * (len(columns) - 1) // 2:
            return frame.phik_matrix(interval_cols=[], njobs=1, verbose=False)
        from phik.phik import phik_from_hist2d

        return [
            phik_from_hist2d(pd.crosstab(indicators[:, i], indicators[:, j]).to_numpy())
            for i, j in pairs
        ]


def run(n_samples, n_models, max_pairs):
    import pandas as pd

    residuals, indicators = make_errors(n_samples, n_models)
    print(f"\n== {n_models} models x {n_samples:,} samples ==")
    rows = []

    numpy_floor = best_time(lambda: residuals.T @ residuals)
    ours = best_time(lambda: correlation_from_errors(residuals, method="pearson"))
    frame = pd.DataFrame(residuals)
    pandas_time = best_time(lambda: frame.corr(), repeat=1)
    rows.append(("pearson", "numpy R.T @ R", numpy_floor, ours, ""))
    rows.append(("pearson", "pandas DataFrame.corr", pandas_time, ours, ""))

    ours = best_time(lambda: correlation_from_errors(indicators, method="phik"))
    peer, note = time_on_pairs(
        lambda pairs: phik_package(indicators, pairs), n_models, max_pairs
    )
    rows.append(("phik", "phik package", peer, ours, note))

    for measure in ("yule_q", "disagreement", "double_fault"):
        ours = best_time(
            lambda m=measure: correlation_from_errors(indicators, method=m)
        )
        peer, note = time_on_pairs(
            lambda pairs, m=measure: deslib_pair_loop(indicators, m, pairs),
            n_models,
            max_pairs * 20,
        )
        rows.append((measure, "DESlib-style pair loop", peer, ours, note))

    print(
        f"{'method':<13}{'peer':<24}{'peer s':>10}{'skcorr s':>10}{'peer/skcorr':>13}"
    )
    for method, peer_name, peer_s, ours_s, note in rows:
        print(
            f"{method:<13}{peer_name:<24}{peer_s:>10.4f}{ours_s:>10.4f}"
            f"{peer_s / ours_s:>13.1f}{note}"
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size only")
    parser.add_argument(
        "--max-pairs",
        type=int,
        default=200,
        help="pairs the phik package is timed on before scaling up (default 200)",
    )
    args = parser.parse_args()
    sizes = [(10_000, 50)] if args.quick else [(10_000, 50), (100_000, 200)]
    for n_samples, n_models in sizes:
        run(n_samples, n_models, args.max_pairs)


if __name__ == "__main__":
    main()
