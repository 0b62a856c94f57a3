"""The ``skcorr reciprocity`` command."""

import json

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

from skcorr.cli import main  # noqa: E402


def test_diabetes_table_shows_reciprocal_shared_and_broken_separate(
    tmp_path, capsys
):
    output = tmp_path / "diabetes.json"
    assert main(["reciprocity", "--max-epochs", "3", "--n-individuals", "10",
                 "--lds-subsets", "4", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in printed.splitlines()[2:9]}
    # influence on one shared set is symmetric: flows equal, reciprocity 1
    assert float(rows["influence_shared"][0]) == pytest.approx(1.0)
    assert float(rows["tracin_shared"][0]) == pytest.approx(1.0)
    assert float(rows["influence_separate"][0]) < 0.9
    assert "Largest givers" in printed
    # the attribution check: a table printed, its numbers in the JSON
    table = printed.split("Attribution checked against retraining")[1]
    check = json.loads(output.read_text())["attribution_check"]
    assert list(check) == ["influence", "influence_leverage", "tracin"]
    for name, values in check.items():
        line = next(row for row in table.splitlines() if row.startswith(name + " "))
        assert float(line.split()[-4]) == pytest.approx(values["lds"], abs=5e-4)
        assert values["n_subsets"] == 4
    assert "linear datamodeling score" in printed.split("Findings:")[1]


def test_bad_lds_subsets_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["reciprocity", "--lds-subsets", "2"])
    assert exit_info.value.code == 2
    assert "0 (no attribution check) or an integer >= 3" in capsys.readouterr().err


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


def test_movielens_file_prints_scores_and_writes_flows_per_user(tmp_path, capsys):
    from ..datasets.movielens_files import write_u_data

    rows = write_u_data(tmp_path / "u.data", n_users=30, n_items=25)
    output = tmp_path / "movielens.json"
    argv = ["reciprocity", "--dataset", "movielens", "--data-file", str(tmp_path),
            "--max-epochs", "2", "--output", str(output)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Reciprocity on movielens")
    assert "tracin_separate" in printed and "Largest givers" in printed
    results = json.loads(output.read_text())
    flows = results["flows"]["tracin_separate"]
    assert sorted(flows, key=int) == [str(user) for user in sorted(set(rows[:, 0]))]
    assert results["scores"]["tracin_shared"]["gap"] == pytest.approx(1.0)
    assert main([*argv[:-2], "--max-users", "7", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "setting,spearman,pearson,gap,ratio"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--dataset", "movielens"], "--dataset movielens needs --data-file PATH"),
        (["--dataset", "ratings", "--data-file", "u.data"], "apply to --dataset movie"),
        (["--dataset", "diabetes", "--max-users", "5"], "apply to --dataset movielens"),
        (["--dataset", "movielens", "--data-file", "{tmp}/none"], "no such file"),
        (["--dataset", "movielens", "--data-file", "{tmp}/bad"], "line 2: expected 4"),
        (["--dataset", "movielens", "--max-users", "0"], "must be at least 1"),
    ],
)
def test_bad_movielens_usage_exits_2_with_one_line(tmp_path, capsys, extra, message):
    (tmp_path / "bad").write_text("1\t2\t3\t4\n1\t2\t3\n")
    argv = ["reciprocity", *(arg.format(tmp=tmp_path) for arg in extra)]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    # the reason is one line, the last (argparse puts its usage above it)
    reason = capsys.readouterr().err.strip().splitlines()[-1]
    assert reason.startswith("skcorr reciprocity: error:") and message in reason


def test_individuals_by_column_and_unknown_column(tmp_path, capsys):
    output = tmp_path / "flows.json"
    assert main(["reciprocity", "--individuals", "sex", "--max-epochs", "3",
                 "--lds-subsets", "0", "--output", str(output)]) == 0
    results = json.loads(output.read_text())
    assert len(results["flows"]["tracin_separate"]) == 2  # one per value of sex
    with pytest.raises(SystemExit) as exit_info:
        main(["reciprocity", "--individuals", "height"])
    assert exit_info.value.code == 2
    assert "got 'height'" in capsys.readouterr().err


def test_report_shows_the_attribution_check_with_its_legend():
    import pandas as pd

    from skcorr.cli import _report
    from skcorr.influence import ReciprocityStudy

    check = pd.DataFrame({"model": ["Ridge"], "lds": [0.875], "lds_sd": [0.2],
                          "n_eval": [40], "n_subsets": [20]},
                         index=pd.Index(["influence"], name="attribution"))
    results = ReciprocityStudy(
        dataset="diabetes", attribution_check=check)
    # the part of the reciprocity section that shows it (without the figure)
    body = _report._attribution_check(results)
    assert "Attribution checked against retraining" in body
    assert "0.875" in body and "linear datamodeling score" in body
    del results["attribution_check"]
    assert _report._attribution_check(results) == ""
