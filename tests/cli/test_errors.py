"""The ``skcorr errors`` command, run as a user would."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from skcorr.cli import main
from skcorr.datasets import load_corr_ml_errors
from skcorr.metrics import (
    ambiguity_decomposition,
    correlation_from_errors,
    disagreement_rate,
    pairwise_error_agreement,
    pairwise_error_correlation,
)


def test_corr_ml_release_prints_the_paper_matrix_and_writes_json(tmp_path, capsys):
    output = tmp_path / "california.json"
    models = load_corr_ml_errors("california")
    assert (
        main(["errors", "--dataset", "corr_ml:california", "--output", str(output)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "Error correlation (pearson)" in printed
    assert "pass --tolerance" in printed
    results = json.loads(output.read_text())
    assert results["models"] == models.model_names
    np.testing.assert_allclose(
        results["matrix"], correlation_from_errors(models.errors), atol=1e-12
    )
    # residuals are all the ambiguity decomposition reads (y - f_j); the rest
    # is named with why it cannot be computed from them
    expected = ambiguity_decomposition(np.zeros(len(models.errors)), -models.errors)
    assert results["ambiguity"]["ensemble_error"] == expected.ensemble_error
    # and, from its definition: the squared mean residual, averaged
    np.testing.assert_allclose(results["ambiguity"]["ensemble_error"],
                               (models.errors.mean(axis=1) ** 2).mean(), rtol=1e-12)
    assert set(results["not_computed"]) == {
        "error_agreement", "capa", "bias_variance_diversity", "label_free_error"}
    assert "Not computed:" in printed and "Decompositions" in printed


def test_bundled_data_fits_five_models_and_reports_risk(tmp_path, capsys):
    # breast_cancer, smaller than the default digits
    output = tmp_path / "breast_cancer.csv"
    argv = ["errors", "--dataset", "breast_cancer", "--output", str(output),
            "--n-jobs", "2"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Aggregated risk" in printed and "phik" in printed
    # the measures of the members' outputs, each with its own table
    for heading in ("same wrong label", "probabilistic CAPA", "Decompositions",
                    "bias-variance-diversity (2 trials)", "Label-free test error"):
        assert heading in printed, heading
    assert "Not computed" not in printed
    with output.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0][1:] == [
        "logistic_regression",
        "random_forest",
        "gradient_boosting",
        "k_neighbors",
        "mlp",
    ]
    matrix = np.array([row[1:] for row in rows[1:]], dtype=float)
    np.testing.assert_allclose(np.diag(matrix), 1.0)


def test_user_csv_of_predictions(tmp_path, capsys):
    rng = np.random.RandomState(0)
    y = rng.randint(3, size=60)
    Y_pred = np.where(rng.rand(60, 3) < 0.3, (y[:, None] + 1) % 3, y[:, None])
    path = tmp_path / "predictions.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "label", "b", "c"])
        writer.writerows(
            [[p[0], t, p[1], p[2]] for t, p in zip(y, Y_pred, strict=True)]
        )
    argv = ["errors", "--dataset", str(path), "--target-column", "label"]
    assert main([*argv, "--method", "kappa", "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    expected = pairwise_error_correlation(y, Y_pred, method="kappa")
    np.testing.assert_allclose(results["matrix"], expected)
    np.testing.assert_allclose(results["aggregated_risk"]["k"], [1, 2, 3])
    # labels read as text: the same agreement as of the integer labels
    agreement = pairwise_error_agreement(y, Y_pred)
    np.testing.assert_allclose(results["error_agreement"]["agreement"],
                               agreement.agreement, rtol=1e-15)
    assert results["capa"]["kind"] == "discrete"
    assert set(results["not_computed"]) == {
        "ambiguity", "bias_variance_diversity", "label_free_error"}


@pytest.mark.parametrize(
    "argv, reason",
    [
        (["errors", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["errors", "--dataset", "corr_ml:imagenet"], "unknown Corr_ML release"),
        (
            ["errors", "--dataset", "corr_ml:california", "--method", "phik"],
            "needs 0/1 error indicators",
        ),
        (["errors", "--dataset", "missing.csv"], "no such file"),
        (["errors", "--output", "out.txt"], "must end in .csv or .json"),
        (
            ["errors", "--dataset", "corr_ml:cifar10", "--tolerance", "1"],
            "regression only",
        ),
    ],
)
def test_bad_usage_exits_2_with_one_line(argv, reason, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert reason in err and len(err.splitlines()) == 1


def test_python_dash_m_runs_the_same_command():
    out = subprocess.run(
        [sys.executable, "-m", "skcorr", "errors", "--dataset", "corr_ml:mnist"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Error correlation (phik)" in out.stdout
    help_text = subprocess.run(
        [sys.executable, "-m", "skcorr", "errors", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "examples:" in help_text


def test_scenario_prints_its_summary_and_matrix(capsys):
    # The scenarios' effects (seeds, shared data, shared backbone) are tested
    # on the library in tests/ensemble/test_scenarios.py; here the command's
    # summary and matrix are those of run_scenario.
    from skcorr.ensemble import run_scenario

    argv = ["errors", "--scenario", "seeds", "--n-seeds", "2", "--format", "json"]
    assert main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["scenario"] == "seeds"
    expected = run_scenario("seeds", n_seeds=2, random_state=0)
    assert results["models"] == expected.model_names
    assert [row["pairs"] for row in results["summary"]] == [
        row["pairs"] for row in expected.summary]
    np.testing.assert_allclose(results["matrix"], expected.matrix, atol=1e-12)
    # the label-free estimate of each algorithm: the disagreement of its
    # seeds against their mean error
    for row in results["label_free_error"]["runs"]:
        runs = expected.Y_pred[:, expected.groups[row["model"]]]
        assert row["estimate"] == disagreement_rate(runs)
        assert row["error"] == (runs != expected.y_true[:, None]).mean(0).mean()
    assert [row["model"] for row in results["label_free_error"]["runs"]] == [
        "mlp", "forest"]


def test_shared_data_scenario_measures_residuals(capsys):
    # a regression scenario: Pearson of residuals, RMSE per model
    argv = ["errors", "--scenario", "shared-data", "--n-seeds", "2", "--format",
            "json"]
    assert main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["task"] == "regression" and results["method"] == "pearson"
    assert len(results["rmse"]) == len(results["models"]) == 10


def test_scenario_needs_two_seeds(capsys):
    with pytest.raises(SystemExit):
        main(["errors", "--scenario", "seeds", "--n-seeds", "1"])
    assert "at least 2" in capsys.readouterr().err
