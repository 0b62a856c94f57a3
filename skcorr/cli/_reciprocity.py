"""``skcorr reciprocity``: inflow, outflow and reciprocity of individuals
(Sundararajan & Krichene 2022)."""

import argparse
import sys
from pathlib import Path

from .._registry import RATINGS_DATASETS
from .._registry import RECIPROCITY_DATASETS as DATASETS
from ._common import (
    LibraryDefault,
    UsageError,
    add_common_options,
    at_least,
    check_output_path,
    check_torch,
    emit,
    findings_text,
    format_table,
    library_default,
    verbosity,
)

MOVIELENS_URL = "https://grouplens.org/datasets/movielens/100k/"

_EPILOG = """\
settings:
  influence_shared     influence functions on the training rows (symmetric:
                       reciprocal by construction)
  influence_leverage   the same with the leave-one-out (leverage) correction
  influence_separate   each individual evaluated on its own held-out rows
  tracin_shared        TracIn of a small skorch net on the training rows
  tracin_separate      TracIn with each individual's own held-out rows
  tracin_ideal         per-step TracInIdeal logged during training
  (with --individuals rows the two separate settings are left out)

attribution check (diabetes and breast_cancer): the linear datamodeling score
(Park et al. 2023) of influence functions, their leverage-corrected form and
TracIn: how well each predicts the change of the held-out loss when its model
is retrained on --lds-subsets random halves of the training rows (1: as
retraining ranks them, 0: chance; 0 subsets: no check)

The three TracIn settings and the ratings datasets train a torch net: without
torch (pip install "skcorr[torch]") diabetes and breast_cancer are measured
with the influence settings alone, and a note on stderr says so.

examples:
  skcorr reciprocity
  skcorr reciprocity --dataset ratings --format json --output ratings.json
  skcorr reciprocity --dataset breast_cancer --n-individuals 40
  skcorr reciprocity --individuals age      # 20 age bins of diabetes
  skcorr reciprocity --individuals rows     # every row its own individual
  skcorr reciprocity --dataset movielens --data-file ml-100k/u.data --max-users 100

MovieLens 100K is not bundled: download ml-100k.zip from
https://grouplens.org/datasets/movielens/100k/ and unzip it.
"""


def add_parser(subparsers):
    n_individuals, max_epochs, lds_subsets = (
        LibraryDefault("skcorr.influence.run_reciprocity_study", name)
        for name in ("n_individuals", "max_epochs", "lds_subsets")
    )
    parser = subparsers.add_parser(
        "reciprocity",
        help="who gives and who gets: influence inflow, outflow and reciprocity",
        description=(
            "Split a dataset among individuals, train a model, and measure how "
            "much influence each individual gives to the others (outflow) and "
            "gets from them (inflow), under several influence settings; "
            "reciprocity compares the two across individuals."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="diabetes",
        choices=DATASETS,
        help="scikit-learn's diabetes or breast_cancer with rows split among "
        "individuals, a synthetic ratings matrix, or MovieLens 100K (with "
        "--data-file), users as individuals (default: diabetes)",
    )
    parser.add_argument(
        "--data-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="for --dataset movielens: MovieLens 100K's u.data, or the unzipped "
        "ml-100k folder holding it",
    )
    parser.add_argument(
        "--max-users",
        type=at_least(1),
        default=None,
        help="for --dataset movielens: keep this many users drawn at random "
        "(default: all 943)",
    )
    parser.add_argument(
        "--n-individuals",
        type=at_least(2),
        default=n_individuals,
        help="individuals the tabular rows are split among (default: "
        "%(default)s)",
    )
    parser.add_argument(
        "--individuals",
        default=None,
        metavar="random|rows|COLUMN",
        help="who the individuals of diabetes or breast_cancer are: rows dealt "
        "at random to --n-individuals (random, the default), each row (rows), "
        "or the rows grouped by a column, e.g. sex or age (its values, or "
        "--n-individuals quantile bins)",
    )
    parser.add_argument(
        "--max-epochs",
        type=at_least(1),
        default=max_epochs,
        help="training epochs of the net traced by TracIn (default: %(default)s)",
    )
    parser.add_argument(
        "--lds-subsets",
        type=_lds_subsets,
        default=lds_subsets,
        help="random halves of the training rows each attribution's model is "
        "retrained on to check it (0: no check; default: "
        "%(default)s)",
    )
    add_common_options(
        parser,
        n_jobs_help="accepted as by every command; this study (one training "
        "run, a few matrix products and the attribution check's small "
        "retrainings) runs in one process whatever the value (default: 1)",
    )
    return parser


def _lds_subsets(text):
    """``--lds-subsets``: 0 or an int >= 3."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0 or value in (1, 2):
        raise argparse.ArgumentTypeError(
            f"must be 0 (no attribution check) or an integer >= 3; got {text!r}"
        )
    return value


def _movielens_options(args):
    """``data_file`` and ``max_users`` for the study, checked as usage."""
    data_file = getattr(args, "data_file", None)
    max_users = getattr(args, "max_users", None)
    if args.dataset != "movielens":
        if data_file is not None or max_users is not None:
            raise UsageError("--data-file and --max-users apply to --dataset movielens")
        return {}
    if data_file is None:
        raise UsageError(
            "--dataset movielens needs --data-file PATH (MovieLens 100K's u.data, "
            f"downloaded from {MOVIELENS_URL})"
        )
    if not data_file.exists():
        raise UsageError(f"--data-file: no such file or folder: {data_file}")
    return {"data_file": data_file, "max_users": max_users}


def check_options(args):
    """Usage errors that need no work: torch for a ratings dataset (measured
    with TracIn only), the MovieLens options; return the latter."""
    if args.dataset in RATINGS_DATASETS:
        check_torch(f"--dataset {args.dataset} (TracIn of a matrix factorisation)")
    return _movielens_options(args)


def compute_study(args):
    """Run :func:`skcorr.influence.run_reciprocity_study` with the parsed
    arguments; without torch, the influence settings alone (the result's
    ``note`` says so)."""
    from ..influence import run_reciprocity_study

    movielens = check_options(args)
    individuals = getattr(args, "individuals", None)
    lds_subsets = getattr(args, "lds_subsets", None)
    if lds_subsets is None:
        lds_subsets = library_default(run_reciprocity_study, "lds_subsets")
    try:
        return run_reciprocity_study(
            args.dataset,
            n_individuals=args.n_individuals,
            individuals=individuals,
            max_epochs=args.max_epochs,
            lds_subsets=lds_subsets,
            tracin="auto",
            random_state=args.random_state,
            verbose=verbosity(args),
            **movielens,
        )
    except (OSError, ValueError) as exc:
        if not movielens and individuals is None:
            raise
        raise UsageError(str(exc)) from exc


def scores_table(scores):
    header = ["setting", *scores.columns]
    rows = [
        [name, *row] for name, row in zip(scores.index, scores.to_numpy(), strict=True)
    ]
    return header, rows


def attribution_table(check):
    """``(header, rows)`` of the study's ``attribution_check`` table."""
    header = ["attribution", *check.columns]
    rows = [
        [name, *row] for name, row in zip(check.index, check.to_numpy(), strict=True)
    ]
    return header, rows


def render_table(results):
    header, rows = scores_table(results["scores"])
    lines = [
        f"Reciprocity on {results['dataset']} (1 = what each individual gives "
        "equals what it gets)",
        "",
        format_table(rows, header),
        "",
        f"Largest givers (outflow) and receivers (inflow), {results['top_setting']}:",
        format_table(
            [
                [giver, outflow, receiver, inflow]
                for (giver, outflow), (receiver, inflow) in zip(
                    results["top_givers"].items(),
                    results["top_receivers"].items(),
                    strict=True,
                )
            ],
            ["giver", "outflow", "receiver", "inflow"],
        ),
    ]
    if results.get("attribution_check") is not None:
        header, rows = attribution_table(results["attribution_check"])
        lines += [
            "",
            "Attribution checked against retraining (linear datamodeling "
            "score, held-out rows; 1 = as retraining, 0 = chance):",
            format_table(rows, header),
        ]
    return "\n".join(lines) + findings_text(results)


def run(args):
    """Run ``skcorr reciprocity`` with parsed arguments; return the exit code."""
    movielens = check_options(args)
    check_output_path(args.output, inputs=[movielens["data_file"]] if movielens else [])
    result = compute_study(args)
    if "note" in result:
        print(f"skcorr reciprocity: note: {result['note']}", file=sys.stderr)
    emit(
        args,
        result.to_dict(),
        table=render_table(result),
        csv_table=scores_table(result["scores"]),
    )
    return 0
