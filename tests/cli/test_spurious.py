"""The ``skcorr spurious`` command."""

import json

import pytest

from skcorr.cli import main


def test_table_rises_with_patched_examples_for_a_strong_pattern(capsys):
    argv = ["spurious", "--patterns", "R3", "--n-examples", "0,20", "--n-seeds", "1"]
    assert main([*argv, "--models", "logistic"]) == 0
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if line.startswith("logistic"))
    _, pattern, norm, at_zero, at_twenty = row.split()
    assert pattern == "R3" and float(norm) > 0
    assert float(at_twenty) > float(at_zero) + 0.2


def test_json_and_csv_outputs(tmp_path, capsys):
    output = tmp_path / "spurious.json"
    argv = ["spurious", "--patterns", "S2", "--n-examples", "0,5", "--n-seeds", "2"]
    argv += ["--models", "logistic", "--format", "csv", "--output", str(output)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,pattern,n_examples,norm,score")
    assert len(lines) == 3  # n = 0 and n = 5
    results = json.loads(output.read_text())
    assert len(results["runs"]) == 4  # two counts x two seeds
    assert {run["seed"] for run in results["runs"]} == {
        run["seed"] for run in results["runs"][:2]
    }


@pytest.mark.parametrize(
    "argv, reason",
    [
        (["spurious", "--patterns", "S9"], "unknown pattern"),
        (["spurious", "--n-examples", "0,x"], "not a list of counts"),
        (["spurious", "--n-seeds", "0"], "at least 1"),
        (["spurious", "--n-examples", "0,5000", "--models", "logistic"], "only"),
    ],
)
def test_bad_usage_exits_2(argv, reason, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert reason in capsys.readouterr().err


def test_user_images_from_an_npz_file(tmp_path, capsys):
    import numpy as np

    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 60)
    X = rng.rand(180, 10, 10) * 0.5
    X[y == 1, 5:, :] += 0.4  # classes differ in their lower half
    X[y == 2, :, 5:] += 0.4
    path = tmp_path / "images.npz"
    np.savez(path, X=X.reshape(180, -1), y=y, image_shape=[10, 10])
    argv = ["spurious", "--dataset", str(path), "--patterns", "R3"]
    argv += ["--n-examples", "0,30", "--n-seeds", "1", "--models", "logistic"]
    assert main([*argv, "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    scores = {row["n_examples"]: row["score"] for row in summary}
    assert scores[30] > scores[0]


@pytest.mark.parametrize(
    "content, reason",
    [
        ({"X": [[0.0]], "y": [0]}, "lacks the array(s) ['image_shape']"),
        (None, "no such"),
    ],
)
def test_bad_npz_exits_2(tmp_path, capsys, content, reason):
    import numpy as np

    path = tmp_path / "images.npz"
    if content is not None:
        np.savez(path, **content)
    with pytest.raises(SystemExit) as exit_info:
        main(["spurious", "--dataset", str(path)])
    assert exit_info.value.code == 2
    assert reason in capsys.readouterr().err
