"""Time skcorr's error-correlation metrics against their peers and the GEMM, in one run.

Every case runs skcorr, the real peer and the limit interleaved (see
``_harness.py``) and checks that the numbers agree:

- Pearson on residuals: pandas ``DataFrame.corr``; limit ``R.T @ R``.
- phi_K on 0/1 error indicators (uint8): the ``phik`` package
  (``DataFrame.phik_matrix``, numerical integration pair by pair); limit the
  float32 GEMM ``E.T @ E`` of the indicators already as float32 (exact while
  counts stay below 2**24: the cheapest exact product).
- Kendall's tau-b on continuous residuals: ``scipy.stats.kendalltau`` on each
  pair (O(n log n) per pair, Knight's algorithm); no limit.
- Kuncheva's pairwise measures (Q statistic, disagreement, double fault):
  DESlib's ``deslib.util.diversity`` functions, real calls, one per pair, on a
  subset of pairs (a pure-Python loop over samples: all pairs would take
  minutes); their time times (all pairs / pairs timed) is the peer figure.
  Install it with ``pip install --no-deps deslib`` (its pins would downgrade
  scikit-learn). Limit the float32 ``E.T @ E``, as for phi_K.

Sizes: 50 models x 10,000 samples, and 10 models x 1,000,000 samples (the
validation passes against one GEMM); ``--quick`` shrinks both.

Run: ``python benchmarks/bench_metrics.py [--quick] [--rounds 5]``.
"""

import itertools
import warnings

import numpy as np
from _harness import Bench, max_abs_diff

from skcorr.metrics import correlation_from_errors

KUNCHEVA = {"yule_q": "Q_statistic", "disagreement": "disagreement_measure",
            "double_fault": "double_fault"}


def make_errors(n_samples, n_models, seed=0):
    """Correlated residuals (float64) and 0/1 error indicators (uint8)."""
    rng = np.random.RandomState(seed)
    shared = rng.normal(size=(n_samples, 1))
    residuals = shared * rng.uniform(0.2, 1.5, n_models) + rng.normal(
        size=(n_samples, n_models)
    )
    return residuals, (residuals > 1.0).astype(np.uint8)


def subset_of_pairs(n_models, n_pairs, seed=0):
    pairs = list(itertools.combinations(range(n_models), 2))
    if len(pairs) <= n_pairs:
        return pairs, len(pairs)
    rng = np.random.RandomState(seed)
    chosen = sorted(rng.choice(len(pairs), n_pairs, replace=False))
    return [pairs[k] for k in chosen], len(pairs)


def gemm(matrix):
    return lambda: matrix.T @ matrix


def pearson_case(bench, residuals):
    import pandas as pd

    n, m = residuals.shape
    frame = pd.DataFrame(residuals)
    bench.case(
        f"Pearson, {m} models x {n:,} samples (float64 residuals)",
        skcorr=lambda: correlation_from_errors(residuals, method="pearson"),
        peer=lambda: frame.corr().to_numpy(),
        limit=gemm(residuals),
        check=lambda r: max_abs_diff(r["skcorr"], r["peer"]),
        tolerance=1e-12,
        tolerance_reason="both sum n float64 products; correlations are <= 1 and "
        "the centred sums err by ~n*eps relative (2e-12 at n=1e6)",
        skcorr_call="correlation_from_errors(R, method='pearson')",
        peer_name="pandas DataFrame.corr", limit_name="R.T @ R",
        goal="<= 2x the GEMM", max_over_limit=2,
    )


def phik_case(bench, indicators, max_pairs, against_phik=True, dtype=np.uint8):
    import pandas as pd
    import phik  # noqa: F401 - registers DataFrame.phik_matrix

    n, m = indicators.shape
    as_float = indicators.astype(np.float32)
    # phik_matrix over a subset of columns: all pairs among them
    n_columns = m
    while n_columns * (n_columns - 1) // 2 > max_pairs:
        n_columns -= 1
    columns = list(range(n_columns))
    frame = pd.DataFrame(indicators[:, columns].astype(np.int64))
    given = indicators.astype(dtype)
    n_pairs, timed_pairs = m * (m - 1) // 2, n_columns * (n_columns - 1) // 2

    def peer():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return frame.phik_matrix(interval_cols=[], njobs=1,
                                     verbose=False).to_numpy()

    note = "" if timed_pairs == n_pairs else (
        f"phik timed on {timed_pairs} of {n_pairs} pairs (columns 0-"
        f"{n_columns - 1}), time x {n_pairs / timed_pairs:.1f}")
    bench.case(
        f"phi_K, {m} models x {n:,} samples ({np.dtype(dtype).name} indicators)",
        skcorr=lambda: correlation_from_errors(given, method="phik"),
        peer=peer,
        limit=gemm(as_float),
        check=lambda r: max_abs_diff(r["skcorr"][np.ix_(columns, columns)],
                                     r["peer"]),
        tolerance=1e-4,
        tolerance_reason="phik finds the correlation of a bivariate normal by "
        "numerical integration and root finding (its tolerance ~1e-5 on rho)",
        skcorr_call="correlation_from_errors(E, method='phik')",
        peer_name="phik phik_matrix", limit_name="E.T @ E (float32)",
        peer_scale=n_pairs / timed_pairs,
        goal=">= 1000x phik; <= 2x the GEMM" if against_phik else "<= 2x the GEMM",
        min_speedup=1000 if against_phik else None, max_over_limit=2,
        note=note,
    )


def kendall_case(bench, residuals, what="continuous residuals"):
    from scipy.stats import kendalltau

    n, m = residuals.shape
    pairs = list(itertools.combinations(range(m), 2))

    def peer():
        matrix = np.eye(m)
        for i, j in pairs:
            matrix[i, j] = matrix[j, i] = kendalltau(
                residuals[:, i], residuals[:, j]).statistic
        return matrix

    bench.case(
        f"Kendall tau-b, {m} models x {n:,} samples ({what})",
        skcorr=lambda: correlation_from_errors(residuals, method="kendall"),
        peer=peer,
        check=lambda r: max_abs_diff(r["skcorr"], r["peer"]),
        tolerance=1e-12,
        tolerance_reason="tau-b is a ratio of integer pair counts (exact below "
        "2**53) and one square root: a few eps",
        skcorr_call="correlation_from_errors(R, method='kendall')",
        peer_name="scipy kendalltau per pair",
        goal="at least scipy's speed", min_speedup=1,
    )


def kuncheva_cases(bench, indicators, max_pairs, methods=tuple(KUNCHEVA),
                   against_deslib=True):
    from deslib.util import diversity

    n, m = indicators.shape
    pairs, n_pairs = subset_of_pairs(m, max_pairs)
    as_float = indicators.astype(np.float32)
    truth = np.zeros(n, dtype=np.int64)  # an error is a prediction of 1
    for method in methods:
        name = KUNCHEVA[method]
        function = getattr(diversity, name)

        def peer(function=function):
            return np.array([function(truth, indicators[:, i], indicators[:, j])
                             for i, j in pairs])

        bench.case(
            f"{method}, {m} models x {n:,} samples (uint8 indicators)",
            skcorr=lambda method=method: correlation_from_errors(
                indicators, method=method),
            peer=peer,
            limit=gemm(as_float),
            check=lambda r: max_abs_diff(
                [r["skcorr"][i, j] for i, j in pairs], r["peer"]),
            tolerance=1e-12,
            tolerance_reason="both are ratios of exact counts over n in float64",
            skcorr_call=f"correlation_from_errors(E, method={method!r})",
            peer_name=f"DESlib diversity.{name}", limit_name="E.T @ E (float32)",
            peer_scale=n_pairs / len(pairs),
            goal=(">= 1000x DESlib; <= 2x the GEMM" if against_deslib
                  else "<= 2x the GEMM"),
            min_speedup=1000 if against_deslib else None, max_over_limit=2,
            note=(f"DESlib timed on {len(pairs)} of {n_pairs} pairs (real calls),"
                  f" time x {n_pairs / len(pairs):.1f}"
                  if len(pairs) < n_pairs else ""),
        )


def main():
    bench = Bench("bench_metrics", description=__doc__.splitlines()[0])
    args = bench.parse()
    if args.quick:
        wide, long, kendall = (5_000, 20), (200_000, 10), (2_000, 10)
        kendall_long = (100_000, 4)
        phik_pairs, deslib_pairs = 45, 10
    else:
        wide, long, kendall = (10_000, 50), (1_000_000, 10), (10_000, 10)
        kendall_long = (1_000_000, 4)
        phik_pairs, deslib_pairs = 190, 40
    residuals, indicators = make_errors(*wide)
    pearson_case(bench, residuals)
    phik_case(bench, indicators, phik_pairs)
    phik_case(bench, indicators, phik_pairs, dtype=np.float64)
    kuncheva_cases(bench, indicators, deslib_pairs)
    residuals, indicators = make_errors(*long)
    pearson_case(bench, residuals)
    phik_case(bench, indicators, 3, against_phik=False)
    kuncheva_cases(bench, indicators, 3, methods=("yule_q",), against_deslib=False)
    del residuals, indicators
    residuals, _ = make_errors(*kendall)
    kendall_case(bench, residuals)
    kendall_case(bench, np.round(residuals, 1), "residuals rounded to 0.1: ties")
    residuals, _ = make_errors(*kendall_long)
    kendall_case(bench, residuals)
    bench.write()


if __name__ == "__main__":
    main()
