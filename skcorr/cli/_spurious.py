"""``skcorr spurious``: how few patched examples a model needs to learn a
spurious pattern (Yang, Chou, Chaudhuri 2022)."""

import argparse
import time
from pathlib import Path

import numpy as np

from ._common import (
    UsageError,
    add_output_options,
    add_run_options,
    at_least,
    check_output_path,
    emit,
    format_table,
)

PATTERNS = ("S1", "S2", "S3", "R1", "R2", "R3", "core")
MODELS = ("logistic", "mlp")

_EPILOG = """\
patterns (on the 8x8 digits, scaled from the study's 28x28 sizes):
  S1, S2, S3    white corner squares of 1, 2 and 3 pixels
  R1, R2, R3    one fixed uniform noise image at 0.25, 0.5 and 1.0, added and clipped
  core          a vertical bar

examples:
  skcorr spurious
  skcorr spurious --dataset my_images.npz --patterns S1,S3 --target-class 3
  skcorr spurious --patterns S3,R3 --n-examples 0,1,5,20 --seeds 5
  skcorr spurious --models mlp --format csv --output spurious.csv
"""


def _list_of(kind, parse, allowed=None):
    def parse_list(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"give at least one {kind}")
        try:
            values = [parse(item) for item in items]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a list of {kind}s: {text!r}"
            ) from None
        unknown = [v for v in values if allowed is not None and v not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {unknown}; choose from {', '.join(allowed)}"
            )
        return values

    return parse_list


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "spurious",
        help="how few patched examples it takes to learn a spurious pattern",
        description=(
            "Patch n training digits of one class with a pattern (labels "
            "untouched), train, and measure the spurious score: the share of test "
            "images whose target-class probability rises by more than 0.1 when the "
            "pattern is added; with a one-sided Welch test against n = 0."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        help="scikit-learn's 8x8 digits (default), or a .npz file of your own "
        "images: arrays X (n_samples, n_pixels), y, image_shape (e.g. [28, 28] "
        "or [32, 32, 3]) and optionally value_range (default [0, 1])",
    )
    parser.add_argument(
        "--patterns",
        type=_list_of("pattern", str, PATTERNS),
        default=list(PATTERNS),
        help="comma-separated patterns (default: all)",
    )
    parser.add_argument(
        "--n-examples",
        type=_list_of("count", int),
        default=[0, 1, 3, 5, 10, 20, 100],
        help="comma-separated numbers of patched examples (default: 0,1,3,5,10,20,100)",
    )
    parser.add_argument(
        "--models",
        type=_list_of("model", str, MODELS),
        default=list(MODELS),
        help="comma-separated model families (default: logistic,mlp)",
    )
    parser.add_argument(
        "--target-class", type=int, default=0, help="class whose images are patched"
    )
    parser.add_argument(
        "--seeds", type=at_least(1), default=3, help="data seeds per cell (default: 3)"
    )
    add_run_options(parser)
    add_output_options(parser)
    return parser


def _load_dataset(name):
    """``"digits"``, or ``(X, y, image_shape, value_range)`` from a .npz file."""
    if name == "digits":
        return name
    path = Path(name)
    if path.suffix != ".npz":
        raise UsageError(f"--dataset must be digits or a .npz file; got {name!r}")
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    with np.load(path, allow_pickle=False) as data:
        missing = [key for key in ("X", "y", "image_shape") if key not in data]
        if missing:
            raise UsageError(
                f"{path} lacks the array(s) {missing}; it needs X, y and image_shape"
            )
        value_range = tuple(data["value_range"]) if "value_range" in data else (0, 1)
        image_shape = tuple(int(size) for size in data["image_shape"])
        return data["X"], data["y"], image_shape, value_range


def compute_study(args):
    from ..spurious import run_spurious_study, summarize_spurious_study

    if min(args.n_examples) < 0:
        raise UsageError("--n-examples must be counts >= 0")
    start = time.perf_counter()
    dataset = _load_dataset(args.dataset)
    try:
        raw = run_spurious_study(
            dataset,
            patterns=tuple(args.patterns),
            n_examples=tuple(sorted(set(args.n_examples))),
            models=tuple(args.models),
            target_class=args.target_class,
            n_seeds=args.seeds,
            random_state=args.random_state,
            n_jobs=args.n_jobs,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    summary = summarize_spurious_study(raw).reset_index()
    return {
        "dataset": args.dataset,
        "target_class": args.target_class,
        "seeds": args.seeds,
        "summary": summary.to_dict(orient="records"),
        "runs": raw.to_dict(orient="records"),
        "seconds": time.perf_counter() - start,
    }


def _summary_table(results):
    header = [
        "model",
        "pattern",
        "n_examples",
        "norm",
        "score",
        "score_sem",
        "significant",
        "accuracy",
    ]
    rows = [[row[key] for key in header] for row in results["summary"]]
    return header, rows


def render_table(results):
    counts = sorted({row["n_examples"] for row in results["summary"]})
    cells = {}
    for row in results["summary"]:
        key = (row["model"], row["pattern"], round(row["norm"], 1))
        cells.setdefault(key, {})[row["n_examples"]] = row["score"]
    rows = [[*key, *(cells[key].get(n) for n in counts)] for key in cells]
    return "\n".join(
        [
            f"Spurious score on {results['dataset']} (target class "
            f"{results['target_class']}, mean of {results['seeds']} seeds), by "
            "number of patched training examples:",
            "",
            format_table(rows, ["model", "pattern", "norm", *map(str, counts)]),
            "",
            "Higher = the model tied the pattern to the target class. The paper's "
            "claims: the score rises with n and with the pattern's norm.",
        ]
    )


def run(args):
    """Run ``skcorr spurious`` with parsed arguments; return the exit code."""
    check_output_path(args.output)
    results = compute_study(args)
    emit(args, results, table=render_table(results), csv_table=_summary_table(results))
    return 0
