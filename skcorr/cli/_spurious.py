"""``skcorr spurious``: how few patched examples a model needs to learn a
spurious pattern (Yang, Chou, Chaudhuri 2022)."""

import argparse
import time
from pathlib import Path

import numpy as np

from ._common import (
    UsageError,
    add_common_options,
    at_least,
    check_output_path,
    comma_list,
    emit,
    findings_text,
    format_table,
    integer,
    read_npz,
    verbosity,
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
        type=comma_list("pattern", str, PATTERNS),
        default=list(PATTERNS),
        help="comma-separated patterns (default: all)",
    )
    parser.add_argument(
        "--n-examples",
        type=comma_list("count", integer(0)),
        default=[0, 1, 3, 5, 10, 20, 100],
        help="comma-separated distinct numbers of patched examples, each >= 0 "
        "(default: 0,1,3,5,10,20,100)",
    )
    parser.add_argument(
        "--models",
        type=comma_list("model", str, MODELS),
        default=list(MODELS),
        help="comma-separated model families (default: logistic,mlp)",
    )
    parser.add_argument(
        "--target-class",
        type=integer(),
        default=0,
        help="class whose images are patched: one of the integer labels y (default: 0)",
    )
    parser.add_argument(
        "--seeds", type=at_least(1), default=3, help="data seeds per cell (default: 3)"
    )
    add_common_options(parser)
    return parser


def _load_dataset(name):
    """``"digits"``, or ``(X, y, image_shape, value_range)`` from a .npz file."""
    if name == "digits":
        return name
    path = Path(name)
    if path.suffix.lower() != ".npz":
        raise UsageError(f"--dataset must be digits or a .npz file; got {name!r}")
    data = read_npz(path, ("X", "y", "image_shape"), optional=("value_range",))
    X, y = data["X"], data["y"]
    if X.dtype.kind not in "biuf" or X.ndim != 2:
        raise UsageError(
            f"{path}: X must be numbers of shape (n_samples, n_pixels), images "
            f"stored flat; got dtype {X.dtype} and shape {X.shape}"
        )
    if not np.isfinite(X).all():
        raise UsageError(
            f"{path}: X holds {int((~np.isfinite(X)).sum())} NaN or infinite values"
        )
    if y.dtype.kind not in "biu" or y.shape != (len(X),):
        raise UsageError(
            f"{path}: y must be one integer class label per row of X, shape "
            f"({len(X)},); got dtype {y.dtype} and shape {y.shape} (text labels "
            "are not supported: number the classes, as --target-class names one "
            "by its integer)"
        )
    shape = data["image_shape"]
    if (
        shape.dtype.kind not in "iu"
        or shape.ndim != 1
        or len(shape) not in (2, 3)
        or (shape < 1).any()
    ):
        raise UsageError(
            f"{path}: image_shape must be 2 or 3 positive integers, e.g. [28, 28] "
            f"or [32, 32, 3]; got {shape.tolist()!r}"
        )
    image_shape = tuple(int(size) for size in shape)
    if int(np.prod(image_shape)) != X.shape[1]:
        raise UsageError(
            f"{path}: image_shape {list(image_shape)} holds "
            f"{int(np.prod(image_shape))} pixels but X has {X.shape[1]} columns"
        )
    value_range = (0.0, 1.0)
    if "value_range" in data:
        bounds = data["value_range"]
        if (
            bounds.dtype.kind not in "biuf"
            or bounds.shape != (2,)
            or not np.isfinite(bounds).all()
            or not bounds[0] < bounds[1]
        ):
            raise UsageError(
                f"{path}: value_range must be two finite numbers [low, high] with "
                f"low < high; got {bounds.tolist()!r}"
            )
        value_range = (float(bounds[0]), float(bounds[1]))
    return X, y, image_shape, value_range


def load_digits_labels():
    from sklearn.datasets import load_digits

    return load_digits().target


def compute_study(args):
    from ..spurious import run_spurious_study, summarize_spurious_study

    start = time.perf_counter()
    dataset = _load_dataset(args.dataset)
    labels = np.unique(load_digits_labels() if dataset == "digits" else dataset[1])
    if args.target_class not in labels:
        raise UsageError(
            f"--target-class {args.target_class} is not a class of "
            f"{args.dataset}; its classes are {labels.tolist()}"
        )
    try:
        raw = run_spurious_study(
            dataset,
            patterns=tuple(args.patterns),
            n_examples=tuple(sorted(args.n_examples)),
            models=tuple(args.models),
            target_class=args.target_class,
            n_seeds=args.seeds,
            random_state=args.random_state,
            n_jobs=args.n_jobs,
            verbose=verbosity(args),
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
        "findings": raw.attrs["findings"],
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
    ) + findings_text(results)


def run(args):
    """Run ``skcorr spurious`` with parsed arguments; return the exit code."""
    inputs = [] if args.dataset == "digits" else [args.dataset]
    check_output_path(args.output, inputs=inputs)
    results = compute_study(args)
    emit(args, results, table=render_table(results), csv_table=_summary_table(results))
    return 0
