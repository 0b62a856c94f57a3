"""The ``skcorr difficulty`` command."""

import csv
import io
import json
import re

import pandas as pd
import pytest

from skcorr.cli import main

QUICK = ["difficulty", "--n-seeds", "4", "--max-epochs", "2", "--n-samples", "120",
         "--k", "5", "--scores", "loss,margin,el2n"]


def test_csv_lists_per_example_scores_under_dataset_rows(tmp_path, capsys):
    output = tmp_path / "study.json"
    assert main([*QUICK, "--format", "csv", "--output", str(output)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    architectures = {row["architecture"] for row in rows}
    assert len(rows) == 120 * len(architectures)
    examples = {int(row["example"]) for row in rows}
    assert len(examples) == 120 and max(examples) < 1797
    results = json.loads(output.read_text())
    hardest = results["hardest"]["mean_loss"]
    loss = {
        int(row["example"]): float(row["loss"])
        for row in rows
        if row["architecture"] == results["hardest"]["architecture"]
    }
    top = max(loss, key=loss.get)
    assert str(top) in hardest and hardest[str(top)] == pytest.approx(loss[top])


def test_too_few_runs_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["difficulty", "--n-seeds", "2"])
    assert exit_info.value.code == 2
    assert "at least 4" in capsys.readouterr().err


def test_variants_table_and_fingerprints_of_every_score(tmp_path, capsys):
    output = tmp_path / "study.json"
    assert main(["difficulty", "--architectures", "variants", "--n-seeds", "4",
                 "--max-epochs", "1", "--n-samples", "120", "--k", "5",
                 "--scores", "loss,margin", "--top", "3", "--output",
                 str(output)]) == 0
    printed = capsys.readouterr().out
    # the table reports consistency, runs needed and fingerprints
    for heading in (
        "Consistency",
        "Runs needed",
        "Reliability of the mean over the runs",
        "First principal component share",
        "Architecture fingerprints",
        "Hardest examples",
    ):
        assert heading in printed
    assert "t_test_leave_one_out" in printed  # five architectures: three or more
    results = json.loads(output.read_text())
    assert len(results["hardest"]["mean_loss"]) == 3  # --top 3
    assert results["architectures"] == "variants"
    assert set(results["consistency"]) == {"sgd", "adam", "low_lr", "wide", "deep"}
    assert results["chance"] == pytest.approx(1 / 5)
    scores = {row["score"] for row in results["fingerprint"]}
    assert scores == {"all", *results["consistency"]["sgd"]} == {
        "all", "loss", "margin"}
    # one reliability row per variant and score, as the table prints them
    reliability = results["reliability"]
    assert [(row["architecture"], row["score"]) for row in reliability] == [
        (name, score) for name in ("sgd", "adam", "low_lr", "wide", "deep")
        for score in ("loss", "margin")]
    for row in reliability:
        runs = row["runs_for_0.9"]  # a whole number, or None (JSON's inf)
        assert runs is None or (runs >= 1 and float(runs).is_integer())
        line = next(line for line in printed.splitlines()
                    if line.split()[:2] == [row["architecture"], row["score"]])
        assert line.split()[-1] == ("inf" if runs is None else str(int(runs)))


def test_unknown_score_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["difficulty", "--scores", "loss,grit"])
    assert exit_info.value.code == 2
    assert "unknown score 'grit'" in capsys.readouterr().err


def test_unknown_architectures_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["difficulty", "--architectures", "resnet"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'resnet'" in capsys.readouterr().err


def test_report_shows_the_reliability_table():
    from skcorr.cli import _report

    table = pd.DataFrame({
        "architecture": ["a", "a"], "score": ["loss", "forgetting_events"],
        "split_half": [0.95, -0.1], "split_half_std": [0.01, 0.2],
        "single_run": [0.66, -0.01], "icc": [0.94, -0.05],
        "runs_for_0.9": [5.0, float("inf")]})
    html = _report._difficulty_reliability({"reliability": table})
    assert "are the runs enough?" in html and "Spearman-Brown" in html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells[:7] == ["a", "loss", "0.95", "0.01", "0.66", "0.94", "5"]
    assert cells[7:9] == ["a", "forgetting_events"] and cells[13] == "inf"
    assert _report._difficulty_reliability({}) == ""  # older results: nothing
