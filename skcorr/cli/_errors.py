"""``skcorr errors``: fit several models and measure how their errors are
correlated (Li, Sarna, Lin 2025)."""

import argparse
import time

import numpy as np

from ..metrics import error_findings
from ..utils.interrupts import reraise_interrupt
from ..utils.validation import TASKS
from ._common import (
    SKLEARN_DATASETS,
    UsageError,
    add_common_options,
    at_least,
    check_output_path,
    emit,
    findings_text,
    format_table,
    load_sklearn_dataset,
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
    from ..metrics import METHODS

    parser = subparsers.add_parser(
        "errors",
        help="fit several models and measure how their errors are correlated",
        description=(
            "Fit several scikit-learn models on a dataset (or read released or "
            "your own predictions), then print each model's error rate, the "
            "pairwise error-correlation matrix and the aggregated risk: how often "
            "k models fail on the same sample, against independent failures."
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
        default=0.25,
        help="held-out fraction for scikit-learn datasets (default: 0.25)",
    )
    parser.add_argument(
        "--scenario",
        choices=("seeds", "algorithms", "shared-data", "backbone"),
        default=None,
        help="run one of the study's scenarios instead of --dataset: seeds "
        "(same algorithm, different seeds, vs across algorithms), algorithms, "
        "shared-data (shared fraction of rows; leave-one-feature-out members) "
        "or backbone (heads on one frozen extractor vs independent ones)",
    )
    parser.add_argument(
        "--seeds",
        type=at_least(2),
        default=5,
        help="members per algorithm or setting in a --scenario (default: 5)",
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


# Trees of the forest, iterations of the boosting and of the MLP: the
# scikit-learn defaults (the MLP given room to converge), or the quick report's
# smaller models (same five families, a few seconds in all).
MODEL_SIZES = {
    "classification": {"full": (100, 100, 1000), "quick": (30, 30, 300)},
    "regression": {"full": (100, 100, 3000), "quick": (30, 30, 1000)},
}


def _classifiers(random_state, size="full"):
    trees, boosting, mlp = MODEL_SIZES["classification"][size]
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def scaled(model):
        return make_pipeline(StandardScaler(), model)

    return {
        "logistic_regression": scaled(LogisticRegression(max_iter=2000)),
        "random_forest": RandomForestClassifier(
            n_estimators=trees, random_state=random_state
        ),
        "gradient_boosting": HistGradientBoostingClassifier(
            max_iter=boosting, random_state=random_state
        ),
        "k_neighbors": scaled(KNeighborsClassifier()),
        "mlp": scaled(
            MLPClassifier(
                hidden_layer_sizes=(64,), max_iter=mlp, random_state=random_state
            )
        ),
    }


def _regressors(random_state, size="full"):
    trees, boosting, mlp = MODEL_SIZES["regression"][size]
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def scaled(model):
        return make_pipeline(StandardScaler(), model)

    return {
        "linear_regression": LinearRegression(),
        "ridge": scaled(Ridge(alpha=10.0)),
        "random_forest": RandomForestRegressor(
            n_estimators=trees, random_state=random_state
        ),
        "gradient_boosting": HistGradientBoostingRegressor(
            max_iter=boosting, random_state=random_state
        ),
        "k_neighbors": scaled(KNeighborsRegressor()),
        "mlp": scaled(
            MLPRegressor(
                hidden_layer_sizes=(64,), max_iter=mlp, random_state=random_state
            )
        ),
    }


def _fit_predict(model, X_train, y_train, X_test):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with reraise_interrupt():
            return model.fit(X_train, y_train).predict(X_test)


def _fit_models(name, args):
    """Fit the default models on a bundled dataset; ``(y_test, Y_pred, names)``."""
    from sklearn.model_selection import train_test_split
    from sklearn.utils.parallel import delayed

    from ..utils.progress import parallel_map, progress_bar

    X, y = load_sklearn_dataset(name)
    regression = name == "diabetes"
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        test_size=args.test_size,
        random_state=args.random_state,
        stratify=None if regression else y,
    )
    models = (_regressors if regression else _classifiers)(
        args.random_state, getattr(args, "model_size", "full")
    )
    with progress_bar(
        len(models), f"fitting models on {name}", verbosity(args), unit="model"
    ) as progress:
        predictions = parallel_map(
            (
                delayed(_fit_predict)(model, X_train, y_train, X_test)
                for model in models.values()
            ),
            progress=progress,
            n_jobs=args.n_jobs,
        )
    return y_test, np.column_stack(predictions), list(models)


def _run_scenario(args):
    """Fit a scenario's members; ``(y_true, Y_pred, names, source, summary)``."""
    from ..ensemble import run_scenario

    scenario = run_scenario(
        args.scenario,
        random_state=args.random_state,
        n_seeds=args.seeds,
        n_jobs=args.n_jobs,
        verbose=verbosity(args),
    )
    source = f"scenario {args.scenario!r}: {scenario.description}"
    return (
        scenario.y_true,
        scenario.Y_pred,
        list(scenario.model_names),
        source,
        scenario.summary,
    )


def _gather_errors(args):
    """Errors, model names, task, a description of the source and a summary
    table (scenarios only)."""
    from ..metrics._errors import compute_errors

    dataset = args.dataset
    summary = None
    if args.scenario is not None:
        y_true, Y_pred, names, source, summary = _run_scenario(args)
    elif dataset.startswith("corr_ml:"):
        from ..datasets import CORR_ML_DATASETS, load_corr_ml_errors

        release = dataset.split(":", 1)[1]
        if release not in CORR_ML_DATASETS:
            raise UsageError(
                f"unknown Corr_ML release {release!r}; choose one of "
                f"{', '.join(CORR_ML_DATASETS)}"
            )
        data = load_corr_ml_errors(release)
        source = f"errors released with Li et al. (2025): {data.DESCR}"
        return data.errors.astype(float), data.model_names, data.task, source, None
    elif dataset in SKLEARN_DATASETS:
        y_true, Y_pred, names = _fit_models(dataset, args)
        source = (
            f"scikit-learn's {dataset}: {len(names)} models fitted, errors on "
            f"{len(y_true)} held-out samples (random_state={args.random_state})"
        )
    elif _is_csv(dataset):
        y_true, Y_pred, names = read_prediction_csv(
            dataset, _target_column(args), args.task
        )
        source = f"predictions of {len(names)} models read from {dataset}"
        try:
            errors, _, task = compute_errors(
                y_true, Y_pred, task=args.task, min_models=2
            )
        except ValueError as exc:  # the user's file: a usage error
            raise UsageError(f"{dataset}: {_with_task_hint(exc)}") from exc
        return errors, names, task, source, None
    else:
        raise UsageError(
            f"unknown dataset {dataset!r}; choose one of "
            f"{', '.join(SKLEARN_DATASETS)}, corr_ml:NAME, or a .csv file"
        )
    # Bundled data and scenarios: a ValueError here is a bug, not a usage error.
    # Their task is known (the scenarios classify digits); a regressor whose
    # predictions happen to be whole numbers must not make it ambiguous.
    known_task = "classification"
    if dataset == "diabetes" and args.scenario is None:
        known_task = "regression"
    errors, _, task = compute_errors(y_true, Y_pred, task=known_task, min_models=2)
    return errors, names, task, source, summary


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


def _failures(errors, task, tolerance):
    if task == "classification":
        if tolerance is not None:
            raise UsageError("--tolerance applies to regression only")
        return errors
    if tolerance is None:
        return None
    return (np.abs(errors) > tolerance).astype(float)


def compute_study(args):
    """Run the study and return its results as a dict of plain values."""
    from ..metrics._pairwise import pairwise_correlation_of_errors
    from ..metrics._risk import risk_from_failures
    from ..metrics._score import aggregate_pairs

    start = time.perf_counter()
    errors, names, task, source, summary = _gather_errors(args)
    method = args.method
    if method == "auto":
        method = "phik" if task == "classification" else "pearson"
    try:
        matrix = pairwise_correlation_of_errors(errors, method, model_names=names)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    results = {
        "dataset": args.dataset,
        "source": source,
        "task": task,
        "method": method,
        "models": names,
        "matrix": matrix,
        "mean_correlation": aggregate_pairs(matrix),
    }
    if summary is not None:
        results["scenario"] = args.scenario
        results["summary"] = summary
    if task == "classification":
        results["error_rate"] = errors.mean(axis=0)
    else:
        results["rmse"] = np.sqrt(np.mean(errors**2, axis=0))
    failures = _failures(errors, task, args.tolerance)
    if failures is not None:
        risk = risk_from_failures(failures)
        results["aggregated_risk"] = {
            "k": risk.k,
            "observed": risk.observed,
            "independent": risk.independent,
            "ratio": risk.ratio,
        }
    results["significance"], results["significance_warnings"] = _significance(
        errors, task
    )
    results["findings"] = error_findings(results)
    results["seconds"] = time.perf_counter() - start
    return results


def _significance(errors, task):
    """Analytic p-values and 95% intervals of each pair's error correlation:
    phi of the 0/1 errors (classification) or Pearson of the residuals
    (regression), with the warnings it gave (few samples, constant errors)."""
    import warnings

    from ..metrics import error_correlation_significance

    errors = np.asarray(errors)
    classification = task == "classification"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Against a zero target, the predictions -errors have the errors as
        # their residuals and as their 0/1 error indicators.
        significance = error_correlation_significance(
            np.zeros(errors.shape[0]),
            errors.astype(int) if classification else -errors,
            method="phi" if classification else "pearson",
            test="analytic",
            task=task,
        )
    return significance, [str(warning.message) for warning in caught]


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
    return "\n".join(lines) + findings_text(results)


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
    results = compute_study(args)
    emit(
        args,
        results,
        table=render_table(results),
        csv_table=matrix_table(results["matrix"], results["models"]),
    )
    return 0
