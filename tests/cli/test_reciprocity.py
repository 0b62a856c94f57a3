"""The ``skcorr reciprocity`` command."""

import json

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

from skcorr.cli import main  # noqa: E402


def test_diabetes_table_shows_reciprocal_shared_and_broken_separate(capsys):
    assert main(["reciprocity", "--max-epochs", "3", "--n-individuals", "10"]) == 0
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in printed.splitlines()[2:9]}
    # influence on one shared set is symmetric: flows equal, reciprocity 1
    assert float(rows["influence_shared"][0]) == pytest.approx(1.0)
    assert float(rows["tracin_shared"][0]) == pytest.approx(1.0)
    assert float(rows["influence_separate"][0]) < 0.9
    assert "Largest givers" in printed


def test_json_output_has_scores_and_flows_per_individual(tmp_path, capsys):
    output = tmp_path / "ratings.json"
    argv = ["reciprocity", "--dataset", "ratings", "--max-epochs", "2"]
    assert main([*argv, "--format", "csv", "--output", str(output)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "setting,spearman,pearson,gap,ratio"
    results = json.loads(output.read_text())
    flows = results["flows"]["tracin_separate"]
    assert len(flows) == 50  # one entry per user
    assert set(next(iter(flows.values()))) >= {"inflow", "outflow", "self_influence"}


def test_bad_individual_count_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["reciprocity", "--n-individuals", "1"])
    assert exit_info.value.code == 2
    assert "at least 2" in capsys.readouterr().err
