"""The ``skcorr report`` command: one self-contained HTML page and the numbers."""

import json
import re
import shutil
import subprocess

import pytest

pytest.importorskip("matplotlib")

from skcorr.cli import _report, main  # noqa: E402


def _images(page):
    return re.findall(r'<img alt="[^"]*" src="data:image/png;base64,', page)


def test_report_writes_page_json_and_csv(tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["report", "--quick", "--out", str(out), "--studies", "errors,reciprocity"]
    assert main(argv) == 0
    assert f"wrote {out / 'report.html'}" in capsys.readouterr().out
    page = (out / "report.html").read_text()
    assert "Do my models fail together?" in page and "Who gives and who gets?" in page
    assert "How hard is each example?" not in page  # not asked for
    assert len(_images(page)) == 3  # heatmap, risk curve, flows
    assert "scikit-learn" in page and "Settings and versions" in page
    assert "http" not in page.replace("https://", "").split("<style>")[0]
    results = json.loads((out / "results.json").read_text())
    assert set(results["results"]) == {"errors", "reciprocity"}
    assert results["failures"] == {}
    assert results["settings"]["mode"] == "quick"
    header = (out / "errors_matrix.csv").read_text().splitlines()[0]
    assert header.split(",")[1:] == results["results"]["errors"]["models"]
    assert (out / "reciprocity.csv").exists()


def test_a_failing_study_is_shown_and_sets_exit_code_1(tmp_path, monkeypatch, capsys):
    def broken(args, settings):
        raise RuntimeError("simulated failure")

    monkeypatch.setitem(_report.RUNNERS, "errors", ("Broken study", broken))
    out = tmp_path / "report"
    assert main(["report", "--quick", "--out", str(out), "--studies", "errors"]) == 1
    assert "study errors failed: RuntimeError: simulated failure" in (
        capsys.readouterr().err
    )
    page = (out / "report.html").read_text()
    assert "simulated failure" in page and 'class="failed"' in page
    assert json.loads((out / "results.json").read_text())["failures"] == {
        "errors": "RuntimeError: simulated failure"
    }


def test_quiet_prints_nothing(tmp_path, capsys):
    argv = ["report", "--quick", "--quiet", "--out", str(tmp_path), "--studies"]
    assert main([*argv, "errors"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_unknown_study_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--studies", "errors,astrology"])
    assert exit_info.value.code == 2
    assert "unknown study" in capsys.readouterr().err


@pytest.mark.slow
def test_full_quick_report_renders_in_headless_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed")
    out = tmp_path / "report"
    assert main(["report", "--quick", "--quiet", "--out", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert len(_images(page)) == 5  # heatmap, risk, spurious, difficulty, flows
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (out / "report.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for heading in (
        "Do my models fail together?",
        "How few examples teach a spurious pattern?",
        "How hard is each example?",
        "Who gives and who gets?",
        "Settings and versions",
    ):
        assert heading in dom
    assert dom.count("<img") == 5


def test_quick_settings_are_smaller_than_full_in_every_study():
    quick, full = _report.SETTINGS["quick"], _report.SETTINGS["full"]
    assert set(quick) == set(full) == set(_report.STUDIES)
    assert quick["errors"]["model_size"] == "quick"
    assert full["errors"]["model_size"] == "full"
    for study, key in [("spurious", "patterns"), ("spurious", "n_examples"),
                       ("difficulty", "n_examples")]:
        assert set(quick[study][key]) < set(full[study][key]), (study, key)
    for study, key in [("spurious", "seeds"), ("difficulty", "seeds"),
                       ("difficulty", "epochs"), ("reciprocity", "max_epochs")]:
        assert quick[study][key] < full[study][key], (study, key)
    assert quick["difficulty"]["n_samples"] < 1797  # full: all of digits


def test_format_csv_prints_one_row_per_study(tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["report", "--quick", "--out", str(out), "--studies", "reciprocity"]
    assert main([*argv, "--format", "csv", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "study,status,seconds,reason"
    assert lines[1].startswith("reciprocity,ok,") and len(lines) == 2


def test_output_inside_the_report_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "report"
    out.mkdir()
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--out", str(out), "--output", str(out / "numbers.json")])
    assert exit_info.value.code == 2
    assert "is inside --out" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # nothing ran, nothing was written
