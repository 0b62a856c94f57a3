"""Bad input to the ``skcorr`` command: one line on stderr and exit code 2.

Five classes (issue 12): output files, input files, numeric and list options,
the task of a CSV of predictions, and output safety (CSV formulas, HTML,
terminal escapes). Most cases call ``main`` in-process to stay fast; each class
has a test that runs ``python -m skcorr`` as a user would.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from skcorr.cli import (
    _common,
    _difficulty,
    _errors,
    _html,
    _reciprocity,
    _report,
    _spurious,
    main,
)

STUDIES = {
    "errors": _errors,
    "spurious": _spurious,
    "difficulty": _difficulty,
    "reciprocity": _reciprocity,
}


def usage_error(argv, capsys):
    """The one line ``main(argv)`` writes on stderr as it exits with code 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def run_skcorr(argv, cwd):
    """``python -m skcorr argv``: ``(exit code, stdout, stderr lines)``."""
    done = subprocess.run(
        [sys.executable, "-m", "skcorr", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr.strip().splitlines()


def write_predictions(path, header, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def predictions(tmp_path):
    """A small, valid CSV of three classifiers' predictions."""
    rows = [[0, 0, 1, 0], [1, 1, 1, 0], [1, 0, 1, 1], [0, 0, 0, 1], [1, 1, 0, 1]]
    return write_predictions(tmp_path / "p.csv", ["y_true", "a", "b", "c"], rows)


@pytest.fixture
def no_study(monkeypatch):
    """Make every study fail loudly: a usage error must come before any work."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the study ran before the usage was checked")

    for module in STUDIES.values():
        monkeypatch.setattr(module, "compute_study", forbidden)
    for name, (title, _) in list(_report.RUNNERS.items()):
        monkeypatch.setitem(_report.RUNNERS, name, (title, forbidden))


def listing(folder):
    return sorted(os.listdir(folder))


# -- 1. output files -----------------------------------------------------------


@pytest.mark.parametrize("command", list(STUDIES))
@pytest.mark.parametrize(
    "output, message",
    [
        (
            "missing/out.csv",
            "--output: the folder {tmp}/missing does not exist; create it first",
        ),
        ("folder.csv", "--output: {tmp}/folder.csv is a folder; name a file to write"),
        (
            "file/out.json",
            "--output: {tmp}/file is not a folder, so out.json cannot go in it",
        ),
        ("out.txt", "--output must end in .csv or .json; got 'out.txt'"),
    ],
)
def test_output_problems_are_found_before_any_work(
    tmp_path, capsys, no_study, command, output, message
):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "file").write_text("in the way")
    before = listing(tmp_path)
    line = usage_error([command, "--output", str(tmp_path / output)], capsys)
    assert line == f"skcorr {command}: error: " + message.format(tmp=tmp_path)
    assert listing(tmp_path) == before  # nothing created


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_an_unwritable_output_folder_is_found_before_any_work(capsys, no_study):
    # As root every permission bit is ignored; /proc refuses new files anyway.
    line = usage_error(["errors", "--output", "/proc/out.csv"], capsys)
    assert line.startswith("skcorr errors: error: --output: cannot write into /proc")


def test_output_must_not_overwrite_the_input(predictions, capsys, no_study):
    line = usage_error(
        ["errors", "--dataset", str(predictions), "--output", str(predictions)], capsys
    )
    assert "is the input file; write the results elsewhere" in line


def test_an_interrupted_write_leaves_the_old_result_and_no_temporary_file(
    predictions, tmp_path, monkeypatch, capsys
):
    output = tmp_path / "result.csv"
    output.write_text("old result\n")
    before = listing(tmp_path)
    calls = []
    original = _common._csv_cell

    def interrupted(cell):
        calls.append(cell)
        if len(calls) == 6:  # within the first rows: the file is half written
            raise KeyboardInterrupt
        return original(cell)

    monkeypatch.setattr(_common, "_csv_cell", interrupted)
    argv = ["errors", "--dataset", str(predictions), "--output", str(output)]
    assert main(argv) == 130
    assert "interrupted" in capsys.readouterr().err
    assert output.read_text() == "old result\n"
    assert listing(tmp_path) == before
    # a new file is not created at all
    new = tmp_path / "new.json"
    calls.clear()
    # what turns the results into JSON (imported where it is used) fails
    monkeypatch.setattr("skcorr.utils.results.to_jsonable", lambda value: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        main(["errors", "--dataset", str(predictions), "--output", str(new)])
    assert listing(tmp_path) == before


def test_atomic_write_replaces_only_when_complete(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    with pytest.raises(RuntimeError):
        with _common.atomic_write(path) as handle:
            handle.write("partial")
            raise RuntimeError("failed half way")
    assert path.read_text() == "old" and listing(tmp_path) == ["out.json"]
    with _common.atomic_write(path) as handle:
        handle.write("new")
    assert path.read_text() == "new" and listing(tmp_path) == ["out.json"]
    assert os.stat(path).st_mode & 0o777 == 0o640  # the old file's permissions
    fresh = tmp_path / "fresh.csv"
    _common.write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(fresh).st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    "setup, out, message",
    [
        (None, "file", "--out: {tmp}/file is a file, not a folder"),
        (
            None,
            "missing/report",
            "--out: the folder {tmp}/missing does not exist; create it first",
        ),
        (
            "foreign",
            "foreign",
            "--out: {tmp}/foreign already holds files that are not from this "
            "command ('notes.txt'); choose a new or empty folder",
        ),
    ],
)
def test_report_out_problems_are_found_before_any_work(
    tmp_path, capsys, no_study, setup, out, message
):
    (tmp_path / "file").write_text("in the way")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "report.html").write_text("old")
    (tmp_path / "foreign" / "notes.txt").write_text("mine")
    before = listing(tmp_path)
    line = usage_error(["report", "--quick", "--out", str(tmp_path / out)], capsys)
    assert line == "skcorr report: error: " + message.format(tmp=tmp_path)
    assert listing(tmp_path) == before
    assert listing(tmp_path / "foreign") == ["notes.txt", "report.html"]


def _fake_errors_study(args, settings):
    from skcorr.ensemble import ErrorStudy

    header = ["model", "a"]
    result = ErrorStudy(models=["a"], findings=[], study="errors", settings={})
    return result, _html.paragraph("fake"), {"errors_matrix": (header, [])}


def test_report_replaces_an_earlier_report_only_when_complete(
    tmp_path, monkeypatch, capsys
):
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("old page")
    (out / "spurious.csv").write_text("old table")  # not written again: removed
    monkeypatch.setitem(_report.RUNNERS, "errors", ("Fake", _fake_errors_study))

    def interrupted(args, settings):
        raise KeyboardInterrupt

    monkeypatch.setitem(_report.RUNNERS, "spurious", ("Stopped", interrupted))
    argv = ["report", "--quick", "--quiet", "--out", str(out)]
    assert main([*argv, "--studies", "errors,spurious"]) == 130
    assert listing(out) == ["report.html", "spurious.csv"]  # as it was
    assert (out / "report.html").read_text() == "old page"
    assert listing(tmp_path) == ["report"]  # no temporary folder left
    capsys.readouterr()
    assert main([*argv, "--studies", "errors"]) == 0
    assert listing(out) == ["errors_matrix.csv", "report.html", "results.json"]
    assert "fake" in (out / "report.html").read_text()
    assert listing(tmp_path) == ["report"]
    # a new folder appears only when complete
    fresh = tmp_path / "fresh"
    assert main([*argv[:-1], str(fresh), "--studies", "errors,spurious"]) == 130
    assert listing(tmp_path) == ["report"]
    assert main([*argv[:-1], str(fresh), "--studies", "errors"]) == 0
    assert listing(fresh) == ["errors_matrix.csv", "report.html", "results.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(fresh).st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's 0o700


def test_output_problems_exit_2_in_a_subprocess(tmp_path):
    code, out, err = run_skcorr(
        ["errors", "--dataset", "corr_ml:mnist", "--output", "missing/out.csv"],
        tmp_path,
    )
    assert code == 2 and out == ""
    assert err == [
        "skcorr errors: error: --output: the folder missing does not exist; "
        "create it first"
    ]
    code, _, err = run_skcorr(["report", "--out", "missing/report"], tmp_path)
    assert code == 2 and len(err) == 1 and "missing does not exist" in err[0]
    assert listing(tmp_path) == []


# -- 2. input files ------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty; it needs a header row and data rows"),
        (b"\n\n", "is empty; it needs a header row and data rows"),
        (b"y_true,a,b\n", "has a header but no data row"),
        (b"y_true,a,b\n1,1,0\n0,1\n", "line 3: 2 fields, but the header has 3"),
        (b"y_true,a,b\n1,1,0,1\n", "line 2: 4 fields, but the header has 3"),
        (b"y_true,a,b\n1,,0\n", "line 2, column 'a': empty cell"),
        (b"y_true,a,b\n1,1,0\n0, ,1\n", "line 3, column 'a': empty cell"),
        (b"y_true,a,b\n1,1,NA\n", "line 2, column 'b': 'NA' is a missing value"),
        (b"y_true,a,b\n1,nan,0\n", "line 2, column 'a': 'nan' is a missing value"),
        (
            b"y_true,a,a\n1,1,0\n",
            "the header names columns 2 and 3 both 'a'; every column needs its own",
        ),
        (
            b"y_true,a,y_true\n1,1,0\n",
            "the header names columns 1 and 3 both 'y_true'",
        ),
        (b"y_true,,b\n1,1,0\n", "column 2 of the header (line 1) has no name"),
        (b"label,a\n1,1\n", "has no column 'y_true' (the true targets); its columns"),
        (
            b" y_true,a\n1,1\n",
            "'y_true' (the true targets) (' y_true' has extra spaces)",
        ),
        (b"y_true\n1\n", "has no prediction column besides 'y_true'"),
        (b"y_true;a\n1;1\n", "(is the file separated by semicolons? skcorr reads"),
        (b"y_true\ta\n1\t1\n", "(is the file separated by tabs?"),
        (
            "y_true,modèle\n1,1\n".encode("latin-1"),
            "is not UTF-8 text (byte 0xe8 on line 1); save it as UTF-8",
        ),
        ("y_true,a\n1,1\n".encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
        (b'y_true,a\n1,"1\n', "line 2: unexpected end of data"),
        (
            b"y_true,a,b\n1,01,0\n0,1,000\n",
            "'1' (line 2, column 'y_true') and '01' (line 2, column 'a') are two "
            "spellings of the number 1; write every label the same way",
        ),
        (
            b"y_true,a,b\n1,1.0,0\n0,0,1\n",
            "'1' (line 2, column 'y_true') and '1.0' (line 2, column 'a') are two",
        ),
        (
            b"y_true,a,b\ncat,dog,0.5\n",
            "'0.5' (line 2, column 'b') is a number with a fraction but 'cat'",
        ),
        (b"y_true,a,b\n1,1,1e999\n", "line 2, column 'b': '1e999' is not a finite"),
    ],
)
def test_bad_prediction_csv_is_one_line_naming_file_line_and_column(
    tmp_path, capsys, content, message
):
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    line = usage_error(["errors", "--dataset", str(path)], capsys)
    assert line.startswith(f"skcorr errors: error: {path}")
    assert message in line


def test_an_unreadable_file_or_an_odd_name_is_still_one_line(
    predictions, tmp_path, monkeypatch, capsys
):
    odd = tmp_path / "two\nlines\x1b[2J.csv"
    line = usage_error(["errors", "--dataset", str(odd)], capsys)
    assert line.endswith("no such file: " + str(tmp_path) + "/two lines\\x1b[2J.csv")

    def refused(self):
        raise PermissionError(13, "Permission denied")

    # as root no permission bit refuses a read: simulated
    monkeypatch.setattr(type(predictions), "read_bytes", refused)
    line = usage_error(["errors", "--dataset", str(predictions)], capsys)
    assert line.endswith(f"cannot read {predictions}: Permission denied")


def test_a_huge_header_field_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("y_true,a," + "m" * 200_000 + "\n1,1,1\n")
    line = usage_error(["errors", "--dataset", str(path)], capsys)
    assert f"{path}, line 1: field larger than field limit" in line


@pytest.mark.parametrize("make", ["folder", "fifo"])
def test_a_dataset_that_is_not_a_regular_file(tmp_path, capsys, make):
    path = tmp_path / "p.csv"
    if make == "folder":
        path.mkdir()
        expected = f"--dataset: {path} is a folder, not a file"
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)  # reading it would block forever
        expected = f"--dataset: {path} is not a regular file"
    assert usage_error(["errors", "--dataset", str(path)], capsys).endswith(expected)
    npz = tmp_path / "x.npz"
    npz.mkdir()
    line = usage_error(["spurious", "--dataset", str(npz)], capsys)
    assert line.endswith(f"--dataset: {npz} is a folder, not a file")


def _result(argv, capsys):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_bom_and_blank_lines_read_like_the_plain_file(predictions, tmp_path, capsys):
    plain = _result(["errors", "--dataset", str(predictions)], capsys)
    text = predictions.read_text()
    odd = tmp_path / "odd.csv"
    lines = text.splitlines()
    odd.write_bytes(
        ("\n".join([lines[0], "", *lines[1:3], "", "", *lines[3:]]) + "\n\n").encode(
            "utf-8-sig"
        )
    )
    assert odd.read_bytes().startswith(b"\xef\xbb\xbfy_true,")
    result = _result(["errors", "--dataset", str(odd)], capsys)
    assert result["models"] == ["a", "b", "c"]  # not '\ufeffy_true' trouble
    assert result["matrix"] == plain["matrix"]  # same cells, same arithmetic
    assert result["error_rate"] == plain["error_rate"]
    # a row number in a message counts the blank lines too
    odd.write_text(text.replace("1,1,1,0\n", "\n1,1,1\n"))
    line = usage_error(["errors", "--dataset", str(odd)], capsys)
    assert "line 4: 3 fields, but the header has 4" in line


def test_zero_padded_labels_never_match_silently(tmp_path, capsys):
    rows = [["01", "1", "01"], ["000", "0", "000"], ["01", "01", "1"], ["2", "03", "3"]]
    path = write_predictions(tmp_path / "p.csv", ["y_true", "a", "b"], rows)
    line = usage_error(["errors", "--dataset", str(path)], capsys)
    assert "'01' (line 2, column 'y_true') and '1' (line 2, column 'a')" in line
    assert "--task classification" in line
    # as text labels: "1" is not "01", "0" is not "000"
    argv = ["errors", "--dataset", str(path), "--task", "classification"]
    result = _result(argv, capsys)
    assert result["task"] == "classification"
    assert result["error_rate"] == [3 / 4, 2 / 4]  # counted by hand from rows
    # as numbers they are the same values
    argv[-1] = "regression"
    assert _result(argv, capsys)["rmse"] == [0.5, 0.5]  # residuals 0, 0, 0, -1


def test_numbers_and_text_labels_still_read(tmp_path, capsys):
    rows = [["cat", "cat", "dog"], ["dog", "cat", "dog"], ["cat", "cat", "cat"]]
    path = write_predictions(tmp_path / "p.csv", ["y_true", "a", "b"], rows)
    result = _result(["errors", "--dataset", str(path)], capsys)
    assert result["error_rate"] == [1 / 3, 1 / 3]
    # regression values where 0.5 and 0.50 are one number
    rows = [["0.5", "0.50", "1"], ["1.25", "1", "1.25"], ["2", "2.5", "2.0"]]
    path = write_predictions(tmp_path / "r.csv", ["y_true", "a", "b"], rows)
    result = _result(["errors", "--dataset", str(path)], capsys)
    assert result["task"] == "regression"
    # residuals (0, 0.25, -0.5) and (-0.5, 0, 0): exact in binary floats
    np.testing.assert_allclose(
        result["rmse"], [np.sqrt((0.25**2 + 0.5**2) / 3), np.sqrt(0.25 / 3)]
    )


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda p: p.write_bytes(b"not a zip file"),
            "is not a .npz archive (it does not start like one)",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04broken"),
            "is not a readable .npz file",
        ),
        (
            lambda p: p.write_bytes(_npy_bytes(np.zeros(3))),
            "holds a single array, not a .npz archive of named arrays",
        ),
        (
            lambda p: _npz(p, X=np.zeros((4, 4)), labels=[0, 1, 0, 1]),
            "lacks the array(s) ['y', 'image_shape']; it needs X, y, image_shape "
            "and has 'X', 'labels'",
        ),
        (
            lambda p: _npz(
                p,
                X=np.zeros((4, 4)),
                y=np.array([{}, 1, 2, 3], dtype=object),
                image_shape=[2, 2],
            ),
            "array 'y' holds Python objects",
        ),
        (
            lambda p: _npz(
                p, X=np.zeros((4, 4)), y=["a", "b", "a", "b"], image_shape=[2, 2]
            ),
            "y must be one integer class label per row of X, shape (4,); got dtype <U1",
        ),
        (
            lambda p: _npz(p, X=np.zeros((4, 4)), y=[0.0, 1, 0, 1], image_shape=[2, 2]),
            "got dtype float64",
        ),
        (
            lambda p: _npz(p, X=np.zeros((4, 5)), y=[0, 1, 0, 1], image_shape=[2, 2]),
            "image_shape [2, 2] holds 4 pixels but X has 5 columns",
        ),
        (
            lambda p: _npz(p, X=np.zeros((4, 4)), y=[0, 1, 0, 1], image_shape=[4]),
            "image_shape must be 2 or 3 positive integers",
        ),
        (
            lambda p: _npz(
                p, X=np.full((4, 4), np.nan), y=[0, 1, 0, 1], image_shape=[2, 2]
            ),
            "X holds 16 NaN or infinite values",
        ),
        (
            lambda p: _npz(
                p,
                X=np.zeros((4, 4)),
                y=[0, 1, 0, 1],
                image_shape=[2, 2],
                value_range=[1, 0],
            ),
            "value_range must be two finite numbers [low, high] with low < high",
        ),
        (
            lambda p: _npz(p, X=np.zeros((4, 4)), y=[1, 2, 1, 2], image_shape=[2, 2]),
            "--target-class 0 is not a class of",
        ),
    ],
)
def test_bad_npz_is_one_line_naming_file_and_key(tmp_path, capsys, make, message):
    path = tmp_path / "images.npz"
    make(path)
    line = usage_error(["spurious", "--dataset", str(path)], capsys)
    assert str(path) in line and message in line


def test_input_problems_exit_2_in_a_subprocess(tmp_path):
    (tmp_path / "p.csv").write_bytes("y_true,é\n1,1\n".encode("latin-1"))
    code, out, err = run_skcorr(["errors", "--dataset", "p.csv"], tmp_path)
    assert code == 2 and out == ""
    assert err == [
        "skcorr errors: error: p.csv is not UTF-8 text (byte 0xe9 on line 1); "
        "save it as UTF-8, e.g. iconv -f latin1 -t utf-8"
    ]


# -- 3. options ----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["errors", "--random-state", "-1"],
            "argument --random-state: must be at least 0; got -1",
        ),
        (
            ["errors", "--random-state", "4294967296"],
            "argument --random-state: must be at most 4294967295",
        ),
        (
            ["spurious", "--random-state", "1.5"],
            "argument --random-state: not an integer: '1.5'",
        ),
        (
            ["reciprocity", "--random-state", "1_0"],
            "argument --random-state: not an integer: '1_0'",
        ),
        (
            ["errors", "--n-jobs", "0"],
            "argument --n-jobs: must be a positive integer or -1 (every core); got 0",
        ),
        (["difficulty", "--n-jobs", "-2"], "argument --n-jobs: must be a positive"),
        (["report", "--n-jobs", "two"], "argument --n-jobs: not an integer: 'two'"),
        (["errors", "--test-size", "1"], "argument --test-size: must be in (0, 1)"),
        (["errors", "--test-size", "nan"], "argument --test-size: not a finite"),
        (["errors", "--tolerance", "-1"], "argument --tolerance: must be >= 0"),
        (["errors", "--tolerance", "inf"], "argument --tolerance: not a finite"),
        (["errors", "--n-seeds", "1"], "argument --n-seeds: must be at least 2; got 1"),
        (["spurious", "--n-seeds", "0"], "argument --n-seeds: must be at least 1"),
        (
            ["spurious", "--n-examples", "0,-1"],
            "argument --n-examples: not a list of "
            "counts: '0,-1' ('-1': must be at least 0; got -1)",
        ),
        (
            ["spurious", "--n-examples", "0,5,5"],
            "argument --n-examples: count '5' is given twice",
        ),
        (["spurious", "--n-examples", "0,2.5"], "'2.5': not an integer"),
        (["spurious", "--n-examples", "0,"], "empty count at position 2 of '0,'"),
        (["spurious", "--n-examples", ""], "give at least one count"),
        (
            ["spurious", "--patterns", "S1,,S3"],
            "argument --patterns: empty pattern at position 2 of 'S1,,S3'",
        ),
        (["spurious", "--patterns", "S1,S1"], "pattern 'S1' is given twice"),
        (
            ["spurious", "--patterns", "s1"],
            "unknown pattern 's1' in 's1'; choose from S1, S2",
        ),
        (["spurious", "--models", "mlp,tree"], "unknown model 'tree'"),
        (
            ["spurious", "--target-class", "x"],
            "argument --target-class: not an integer",
        ),
        (
            ["difficulty", "--max-epochs", "0"],
            "argument --max-epochs: must be at least 1",
        ),
        (
            ["difficulty", "--n-samples", "5"],
            "argument --n-samples: must be at least 10",
        ),
        (["difficulty", "--top", "0"], "argument --top: must be at least 1"),
        (
            ["reciprocity", "--max-users", "-3"],
            "argument --max-users: must be at least 1",
        ),
        (
            ["reciprocity", "--max-epochs", "1e3"],
            "argument --max-epochs: not an integer",
        ),
        (
            ["reciprocity", "--n-individuals", "1"],
            "argument --n-individuals: must be at least 2",
        ),
        (
            ["report", "--studies", "errors,errors"],
            "argument --studies: study 'errors' is given twice",
        ),
        (["report", "--studies", "errors,"], "empty study at position 2"),
    ],
)
def test_bad_option_is_one_line_naming_it(capsys, no_study, argv, message):
    line = usage_error(argv, capsys)
    assert line.startswith(f"skcorr {argv[0]}: error: ")
    assert message in line
    assert line.endswith(f"(see 'skcorr {argv[0]} --help')")


@pytest.mark.parametrize(
    "argv",
    [
        ["errors", "--seeds", "2"],
        ["spurious", "--seeds", "1"],
        ["difficulty", "--seeds", "4"],
        ["difficulty", "--epochs", "2"],
        ["difficulty", "--n-examples", "5"],
    ],
)
def test_renamed_options_are_refused(capsys, no_study, argv):
    # 0.1.0.dev0 renamed --seeds to --n-seeds, --epochs to --max-epochs and
    # difficulty's --n-examples to --k, with no aliases kept
    line = usage_error(argv, capsys)
    assert f"unrecognized arguments: {argv[1]} {argv[2]}" in line


def test_good_options_parse_to_their_values():
    args = _errors_args("--random-state", "4294967295", "--n-jobs", "-1")
    assert (args.random_state, args.n_jobs) == (2**32 - 1, -1)
    parser = _parser()
    args = parser.parse_args(
        ["spurious", "--n-examples", "5, 0,20", "--patterns", "S1, core"]
    )
    assert args.n_examples == [5, 0, 20] and args.patterns == ["S1", "core"]


def _parser():
    from skcorr.cli import build_parser

    return build_parser()


def _errors_args(*argv):
    return _parser().parse_args(["errors", *argv])


def test_bad_options_exit_2_in_a_subprocess(tmp_path):
    code, out, err = run_skcorr(["spurious", "--random-state", "-1"], tmp_path)
    assert code == 2 and out == ""
    assert err == [
        "skcorr spurious: error: argument --random-state: must be at least 0; got "
        "-1 (see 'skcorr spurious --help')"
    ]


# -- 4. the task of a CSV of predictions ------------------------------------------


def test_task_names_how_to_read_the_cells(tmp_path, capsys):
    rows = [["cat", "cat", "1.5"], ["dog", "dog", "2"]]
    path = write_predictions(tmp_path / "p.csv", ["y_true", "a", "b"], rows)
    line = usage_error(
        ["errors", "--dataset", str(path), "--task", "regression"], capsys
    )
    assert f"{path}, line 2, column 'y_true': 'cat' is not a finite number" in line
    assert "--task regression needs numbers in every column" in line
    line = usage_error(["errors", "--dataset", str(path), "--task", "cubism"], capsys)
    assert "argument --task: invalid choice: 'cubism'" in line


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--task", "regression"],
            "--task applies to a .csv --dataset of "
            "predictions; the task of --dataset digits is known",
        ),
        (
            ["--dataset", "corr_ml:mnist", "--task", "classification"],
            "the task of --dataset corr_ml:mnist is known",
        ),
        (
            ["--scenario", "seeds", "--task", "regression"],
            "the task of --scenario seeds is known",
        ),
        (["--target-column", "label"], "--target-column applies to a .csv --dataset"),
    ],
)
def test_csv_options_do_not_apply_to_other_data(capsys, no_study, argv, message):
    assert message in usage_error(["errors", *argv], capsys)


def test_an_ambiguous_task_from_the_metrics_asks_for_task(
    predictions, monkeypatch, capsys
):
    from skcorr.ensemble import _study

    def ambiguous(y_true, Y_pred, task="auto", min_models=1):
        raise ValueError(
            "Cannot tell classification from regression; pass task='classification' "
            "or task='regression'."
        )

    # the check run_error_study makes of the predictions it is given
    monkeypatch.setattr(_study, "check_predictions", ambiguous)
    line = usage_error(["errors", "--dataset", str(predictions)], capsys)
    assert line == (
        f"skcorr errors: error: {predictions}: Cannot tell classification from "
        "regression; pass task='classification' or task='regression'. On the "
        "command line: --task classification or --task regression."
    )


def test_a_value_error_that_is_a_bug_still_shows_a_traceback(monkeypatch):
    from skcorr.ensemble import _study

    def broken(*args, **kwargs):
        raise ValueError("a bug in skcorr")

    monkeypatch.setattr(_study, "check_predictions", broken)
    monkeypatch.setattr(
        _study,
        "_fit_models",
        lambda *args: ([0, 1], [[0, 1], [1, 1]], ["a", "b"], None),
    )
    with pytest.raises(ValueError, match="a bug in skcorr"):
        main(["errors", "--dataset", "wine"])


def test_task_exits_2_in_a_subprocess(tmp_path):
    write_predictions(tmp_path / "p.csv", ["y_true", "a", "b"], [["x", "1", "2"]])
    code, out, err = run_skcorr(
        ["errors", "--dataset", "p.csv", "--task", "regression"], tmp_path
    )
    assert code == 2 and out == ""
    assert err == [
        "skcorr errors: error: p.csv, line 2, column 'y_true': 'x' is not a finite "
        "number; --task regression needs numbers in every column"
    ]


# -- 5. output safety ---------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_cells_never_start_a_formula(tmp_path):
    path = tmp_path / "t.csv"
    rows = [[name, -0.5, "-0.5", "1e-3", np.float64(-2.0), -3] for name in FORMULAS]
    _common.write_csv(path, ["model", *FORMULAS], rows)
    with path.open(newline="") as handle:
        header, *body = list(csv.reader(handle))
    assert header == ["model", *("'" + name for name in FORMULAS)]
    for name, row in zip(FORMULAS, body, strict=True):
        assert row == ["'" + name, "-0.5", "-0.5", "1e-3", "-2.0", "-3"]


def test_model_names_from_a_csv_are_neutralised_in_every_output(tmp_path, capsys):
    names = ['=HYPERLINK("http://evil","x")', "@cmd", "plain\x1b[31m"]
    rows = [[0, 0, 1, 1], [1, 1, 1, 0], [1, 0, 1, 1], [0, 0, 0, 1], [1, 1, 0, 0]]
    path = write_predictions(tmp_path / "p.csv", ["y_true", *names], rows)
    output = tmp_path / "out.csv"
    argv = ["errors", "--dataset", str(path), "--method", "pearson"]
    assert main([*argv, "--format", "csv", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    for text in (printed, output.read_text()):
        table = list(csv.reader(text.splitlines()))
        assert table[0] == ["model", "'" + names[0], "'" + names[1], names[2]]
        assert [row[0] for row in table[1:]] == table[0][1:]
        values = np.array([row[1:] for row in table[1:]], dtype=float)
        assert (values < 0).any()  # negative correlations stay numbers
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "plain\\x1b[31m" in printed
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["models"] == names  # JSON as is


def test_html_escapes_user_text():
    evil = "<script>alert(\"x\")</script> & 'quote'"
    html = _html.page(
        evil,
        [(evil, _html.table([evil], [[evil, 1.5]]) + _html.paragraph(evil, "note"))],
    )
    assert "<script>" not in html
    # title, h1, h2, the anchor, th, td and p
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 7
    # The anchor is a slug of letters, digits and dashes: nothing to escape.
    assert re.findall(r'id="([^"]*)"', html) == [
        "toc", "script-alert--x----script-----quote"
    ]


def test_report_escapes_a_failing_study_message(tmp_path, monkeypatch, capsys):
    def broken(args, settings):
        raise RuntimeError("<img src=x onerror=alert(1)>")

    monkeypatch.setitem(_report.RUNNERS, "errors", ("Broken", broken))
    out = tmp_path / "r"
    assert (
        main(["report", "--quick", "--quiet", "--out", str(out), "--studies", "errors"])
        == 1
    )
    page = (out / "report.html").read_text()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_output_safety_in_a_subprocess(tmp_path):
    write_predictions(
        tmp_path / "p.csv", ["y_true", "=1+1", "b"], [[0, 0, 1], [1, 1, 1], [1, 0, 0]]
    )
    code, out, err = run_skcorr(
        ["errors", "--dataset", "p.csv", "--format", "csv", "--output", "o.csv"],
        tmp_path,
    )
    assert code == 0, err
    assert out.splitlines()[0] == "model,'=1+1,b"
    assert (tmp_path / "o.csv").read_text().splitlines()[0] == "model,'=1+1,b"
    assert sorted(os.listdir(tmp_path)) == ["o.csv", "p.csv"]  # no temporary file
