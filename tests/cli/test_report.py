"""The ``skcorr report`` command: one self-contained HTML page and the numbers."""

import json
import re
import shutil
import struct
import subprocess

import pytest

pytest.importorskip("matplotlib")

from skcorr.cli import _report, main  # noqa: E402


def _images(page):
    return re.findall(r'<img alt="[^"]*" src="data:image/png;base64,', page)


def test_report_writes_page_json_and_csv(tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["report", "--quick", "--out", str(out), "--studies", "errors,reciprocity",
            "--dataset", "wine"]
    assert main(argv) == 0
    assert f"wrote {out / 'report.html'}" in capsys.readouterr().out
    page = (out / "report.html").read_text()
    assert "Do my models fail together?" in page and "Who gives and who gets?" in page
    assert "How hard is each example?" not in page  # not asked for
    assert len(_images(page)) == 4  # heatmap, systemic failure, risk curve, flows
    assert "Z (phik)" in page and "95% high (bootstrap)" in page
    # the measures of the members' outputs, each a table with its legend
    for column in ("same wrong label", "class chance", "CAPA", "term", "cace",
                   "seed_ignored"):
        assert f"<dt>{column}</dt>" in page, column
    assert "bias-variance-diversity (2 trials)" in page
    assert "scikit-learn" in page and "Settings and versions" in page
    assert "http" not in page.replace("https://", "").split("<style>")[0]
    results = json.loads((out / "results.json").read_text())
    assert set(results["results"]) == {"errors", "reciprocity"}
    assert results["results"]["errors"]["not_computed"] == {}
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
    argv = ["report", "--quick", "--quiet", "--dataset", "wine", "--out",
            str(tmp_path), "--studies"]
    assert main([*argv, "errors"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_unknown_study_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--studies", "errors,astrology"])
    assert exit_info.value.code == 2
    assert "unknown study" in capsys.readouterr().err


def _chromium(browser, profile, *options):
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *options,
    ]


@pytest.mark.slow
def test_full_quick_report_renders_in_headless_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    out = tmp_path / "report"
    assert main(["report", "--quick", "--quiet", "--out", str(out)]) == 0
    page = (out / "report.html").read_text()
    # heatmap, systemic failure, risk, spurious, difficulty, flows
    assert len(_images(page)) == 6
    uri = (out / "report.html").as_uri()
    dom = subprocess.run(
        [*_chromium(browser, tmp_path / "profile"), "--dump-dom", uri],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for heading in (
        "Findings",
        "Contents",
        "Do my models fail together?",
        "How few examples teach a spurious pattern?",
        "How hard is each example?",
        "Who gives and who gets?",
        "Settings and versions",
    ):
        assert f">{heading}</h2>" in dom, heading
    assert dom.count("<img") == 6  # heatmap, systemic, risk, spurious, difficulty, flow
    findings = re.search(r'<section id="findings">(.*?)</section>', dom).group(1)
    assert findings.count("<li") >= 4  # at least one finding per study
    assert "p-value" in dom and "<details>" in dom and 'class="legend"' in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [*_chromium(browser, tmp_path / "profile"), f"--screenshot={shot}",
         "--window-size=1280,4000", uri],
        capture_output=True,
        timeout=120,
        check=True,
    )
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280, 4000)
    # A blank page compresses to a few kB; this one holds text and figures.
    assert len(png) > 100_000


def _small_results():
    """Results of the four studies, small and made by hand."""
    import numpy as np
    import pandas as pd

    models = ["a", "b", "c"]
    matrix = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.1], [0.2, 0.1, 1.0]])
    errors = {
        "source": "hand-made", "method": "phik", "models": models,
        "matrix": matrix, "mean_correlation": 0.8 / 3,
        "error_rate": np.array([0.1, 0.2, 0.3]),
        "aggregated_risk": {"k": [1, 2, 3], "observed": [0.4, 0.15, 0.05],
                            "independent": [0.5, 0.1, 0.006],
                            "ratio": [0.8, 1.5, 8.33]},
        "significance": {"method": "phi", "statistic": matrix, "low": matrix - 0.1,
                         "high": matrix + 0.1,
                         "pvalue": np.array([[np.nan, 0.01, 0.3],
                                             [0.01, np.nan, 0.6],
                                             [0.3, 0.6, np.nan]])},
    }
    runs = pd.DataFrame([
        {"model": model, "pattern": pattern, "n_examples": n, "seed": seed,
         "norm": 10.0, "score": 0.01 * n * (seed + 1), "pvalue": 0.001 if n else 1.0,
         "accuracy": 0.9, "baseline_score": 0.0}
        for model in ("logistic", "mlp") for pattern in ("S3", "R3", "S1")
        for n in (0, 5, 20) for seed in (0, 1)
    ])
    from skcorr.difficulty import DifficultyStudy
    from skcorr.ensemble import ErrorStudy
    from skcorr.influence import ReciprocityStudy
    from skcorr.spurious import SpuriousStudy, summarize_spurious_study

    errors = ErrorStudy(**errors)
    spurious = SpuriousStudy(target_class=0, runs=runs,
                             summary=summarize_spurious_study(runs).reset_index())
    rng = np.random.default_rng(0)
    scores = pd.DataFrame({"loss": np.r_[rng.normal(size=49), 40.0],
                           "margin": rng.normal(size=50)})
    difficulty = DifficultyStudy(**{
        "architectures": "sklearn", "n_seeds": 4, "max_epochs": 2,
        "consistency": pd.DataFrame({"loss": [0.9, 0.8], "margin": [0.7, 0.6]},
                                    index=["x", "y"]),
        "runs_needed": pd.DataFrame(
            [{"architecture": "x", "n_runs": n, "median_rank_error": e}
             for n, e in ((1, 0.1), (2, 0.05))]),
        "mean_scores": {"x": scores, "y": scores},
        "fingerprint": pd.DataFrame(
            [{"score": "all", "k": 10, "selection": s, "accuracy": a}
             for s, a in (("t_test", 1.0), ("random", 0.5), ("aggregate", 0.75))]),
        "chance": 0.5,
    })
    flows = pd.DataFrame({"inflow": [1.0, 2, 3, 4, 5], "outflow": [1.2, 2, 3, 4, 5]})
    reciprocity = ReciprocityStudy(**{
        "dataset": "diabetes",
        "scores": pd.DataFrame({"spearman": [1.0], "pearson": [0.99], "gap": [0.97],
                                "ratio": [1.0]}, index=["influence_shared"]),
        "flows": {"influence_shared": flows}, "top_setting": "influence_shared",
    })
    return errors, spurious, difficulty, reciprocity


def test_page_states_findings_with_contents_legends_and_folded_tables():
    from skcorr.difficulty import difficulty_findings
    from skcorr.influence import reciprocity_findings
    from skcorr.metrics import error_findings
    from skcorr.spurious import spurious_findings

    errors, spurious, difficulty, reciprocity = _small_results()
    fingerprint = {**difficulty, "n_seeds": 4}
    sections = [
        ("Errors", _report._errors_body(errors, "digits")),
        ("Spurious", _report._spurious_body(spurious)),
        ("Difficulty", _report._difficulty_body(difficulty)),
        ("Reciprocity", _report._reciprocity_body(reciprocity)),
    ]
    findings = [
        ("Errors", error_findings(errors)),
        ("Spurious", spurious_findings(spurious["runs"])),
        ("Difficulty", difficulty_findings(fingerprint)),
        ("Reciprocity", reciprocity_findings(reciprocity)),
    ]
    page = _report._html.page("t", sections, findings)
    # the findings come first, then the contents, then the sections
    order = [page.index(key) for key in
             ('id="findings"', 'id="toc"', 'id="errors"', 'id="reciprocity"')]
    assert order == sorted(order)
    toc = re.search(r'<nav id="toc">(.*?)</nav>', page).group(1)
    assert re.findall(r'href="#([^"]+)"', toc) == [
        "findings", "errors", "spurious", "difficulty", "reciprocity"]
    summary = re.search(r'<section id="findings">(.*?)</section>', page).group(1)
    # 5% observed against 0.6% if independent: 8.33x
    assert "All 3 models fail together on 5% of the test samples, 8.33x the 0.6%" in (
        summary)
    assert "1 of the 3 pair(s) are significantly correlated" in summary
    assert "logistic learns 3 of 3 pattern(s)" in summary
    # every table has a legend under it naming its columns
    assert page.count("<table>") == page.count("</table>")
    shown = re.sub(r"<details>.*?</details>", "", page)
    n_tables = shown.count("</table>")
    assert n_tables == 7  # models, pairs, risk, spurious, 2 difficulty, reciprocity
    assert shown.count('</table><dl class="legend">') == n_tables
    for column in ("p-value", "95% low, 95% high", "seeds significant",
                   "pattern norm", "gap", "ratio", "if independent"):
        assert f"<dt>{column}</dt>" in page, column
    # 18 spurious rows: the top 10 shown, all 18 folded in <details>
    spurious_html = sections[1][1]
    assert "<details><summary>All 18 rows</summary>" in spurious_html
    assert spurious_html.split("<details>")[0].count("<tr>") == 1 + 10
    # one formatter: no 6.86e-04 beside 0.000
    assert "e-0" not in re.sub(r"<img[^>]*>", "", page)
    assert ">0.000<" not in page
    # results given without a systemic failure: heatmap, risk, spurious,
    # difficulty, flows
    assert len(_images(page)) == 5


def test_difficulty_violin_leaves_outliers_out_and_says_so():
    errors, spurious, difficulty, reciprocity = _small_results()
    figure = _report._difficulty_figure(difficulty)
    label = figure.axes[1].get_ylabel()
    # 1-99% of 50 values keeps 48 per score: 2 x 2 left out
    assert "1-99% quantiles; 4 values outside not drawn" in label
    __import__("matplotlib.pyplot").pyplot.close(figure)


def test_spurious_figure_has_one_panel_per_model_and_distinct_series():
    errors, spurious, difficulty, reciprocity = _small_results()
    figure = _report._spurious_figure(spurious["runs"])
    assert [ax.get_title() for ax in figure.axes] == ["logistic", "mlp"]
    lines = [container.lines[0] for container in figure.axes[0].containers]
    styles = {(line.get_color(), line.get_linestyle(), line.get_marker())
              for line in lines}
    assert len(styles) == 3  # three patterns, three looks
    __import__("matplotlib.pyplot").pyplot.close(figure)


def test_quick_settings_are_smaller_than_full_in_every_study():
    quick, full = _report.SETTINGS["quick"], _report.SETTINGS["full"]
    assert set(quick) == set(full) == set(_report.STUDIES)
    assert quick["errors"]["quick"] is True
    assert full["errors"]["quick"] is False
    for study, key in [("spurious", "patterns"), ("spurious", "n_examples"),
                       ("difficulty", "k")]:
        assert set(quick[study][key]) < set(full[study][key]), (study, key)
    for study, key in [("spurious", "n_seeds"), ("difficulty", "n_seeds"),
                       ("difficulty", "max_epochs"), ("reciprocity", "max_epochs")]:
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


@pytest.mark.parametrize(
    "quantile_range", [(0.99, 0.01), (0.5, 0.5), (-0.1, 0.9), (0.1, 1.5), "ab",
                       (0.1,), None.__class__, (float("nan"), 0.9)],
)
def test_difficulty_quantile_range_is_checked(quantile_range):
    import numpy as np

    from skcorr.plotting import DifficultyDisplay

    display = DifficultyDisplay({"a": np.arange(10.0), "b": np.arange(10.0)})
    with pytest.raises(ValueError, match=r"quantile_range must be two numbers"):
        display.plot(quantile_range=quantile_range)


def test_forty_spurious_curves_all_look_different():
    import matplotlib.pyplot as plt
    import numpy as np

    from skcorr.plotting import SpuriousCurveDisplay

    display = SpuriousCurveDisplay([0, 1], np.zeros((2, 40))).plot(legend=False)
    looks = {(line.get_color(), line.get_linestyle(), line.get_marker())
             for line in display.lines_}
    assert len(looks) == 40
    plt.close(display.figure_)
