"""``skcorr difficulty``: how hard each example is, and how far one run's score
can be trusted (Kwok et al. 2024)."""

import argparse
import time

from ._common import (
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
  first component  share of variance of the first principal component of the
                   quantile-normalised scores (one dominant notion of difficulty)
  fingerprints     held-out accuracy of telling the architecture of a run from its
                   scores on k examples: t-test selection vs random vs aggregate,
                   every score together ("all") and each score alone
  hardest          the examples with the highest mean loss over runs

examples:
  skcorr difficulty
  skcorr difficulty --seeds 20 --epochs 15 --n-jobs 2
  skcorr difficulty --architectures variants --seeds 40 --epochs 40 --n-jobs 2
  skcorr difficulty --n-samples 500 --format csv --output scores.csv
"""


# What each --architectures choice trains, for the help and the report.
ARCHITECTURES = {
    "sklearn": "three MLPs of different width and depth",
    "variants": "five variants of one MLP (SGD, Adam, a lower learning rate, "
    "wider, deeper)",
    "torch": 'a small CNN and an MLP as skorch nets (needs pip install '
    '"skcorr[torch]")',
}


def add_parser(subparsers):
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
        "--dataset", default="digits", choices=("digits",), help="(default: digits)"
    )
    parser.add_argument(
        "--architectures",
        default="sklearn",
        choices=tuple(ARCHITECTURES),
        help="; ".join(f"{name}: {text}" for name, text in ARCHITECTURES.items())
        + " (default: sklearn)",
    )
    parser.add_argument(
        "--seeds",
        type=at_least(4),
        default=10,
        help="seeded runs per architecture, at least 4 (default: 10)",
    )
    parser.add_argument(
        "--epochs", type=at_least(1), default=10, help="epochs per run (default: 10)"
    )
    parser.add_argument(
        "--n-samples",
        type=at_least(10),
        default=None,
        help="use a random subset of this many examples (default: all)",
    )
    parser.add_argument(
        "--n-examples",
        type=comma_list("count", at_least(1)),
        default=[1, 10, 100],
        help="comma-separated numbers of examples the architecture "
        "fingerprints keep (default: 1,10,100)",
    )
    parser.add_argument(
        "--top",
        type=at_least(1),
        default=10,
        help="hardest examples to list (default: 10)",
    )
    add_common_options(parser)
    return parser


def check_options(args):
    """Usage errors that need no work: torch for ``--architectures torch``."""
    if args.architectures == "torch":
        check_torch("--architectures torch (skorch nets)")


def compute_study(args):
    from ..difficulty import run_difficulty_study

    check_options(args)
    start = time.perf_counter()
    study = run_difficulty_study(
        args.dataset,
        architectures=args.architectures,
        n_runs=args.seeds,
        n_epochs=args.epochs,
        n_samples=args.n_samples,
        n_examples=tuple(args.n_examples),
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        verbose=verbosity(args),
    )
    mean_scores = {}
    for name, fit in study.difficulty.items():
        scores = fit.mean_scores_.copy()
        scores.index = study.sample_indices  # rows of the dataset
        mean_scores[name] = scores
    first_name, first = next(iter(mean_scores.items()))
    hardest = first["loss"].nlargest(args.top) if "loss" in first else None
    return {
        "dataset": args.dataset,
        "architectures": args.architectures,
        "runs_per_architecture": args.seeds,
        "epochs": args.epochs,
        "consistency": study.consistency,
        "runs_needed": study.runs_needed.to_dict(orient="records"),
        "first_component_share": study.first_component_share,
        "fingerprint": study.fingerprint.to_dict(orient="records"),
        "chance": study.chance,
        "hardest": {"architecture": first_name, "mean_loss": hardest},
        "mean_scores": mean_scores,
        "findings": study.findings,
        "seconds": time.perf_counter() - start,
    }


def fingerprint_table(results):
    """Headers and rows of the fingerprint accuracies: one row per score and
    number of examples, one column per selection."""
    selections = ["t_test", "random", "aggregate", "t_test_leave_one_out"]
    table = {}
    for row in results["fingerprint"]:
        key = (row["score"], row["n_examples"])
        table.setdefault(key, {})[row["selection"]] = row["accuracy"]
    present = [s for s in selections if any(s in row for row in table.values())]
    rows = [
        [score, k, *(row.get(s) for s in present)] for (score, k), row in table.items()
    ]
    return ["score", "examples", *present], rows


def _scores_table(results):
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
        f"{results['runs_per_architecture']} runs per architecture, "
        f"{results['epochs']} epochs",
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
    for row in results["runs_needed"]:
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
    results = compute_study(args)
    emit(args, results, table=render_table(results), csv_table=_scores_table(results))
    return 0
