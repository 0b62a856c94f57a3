"""SpuriousCurveDisplay draws the summary of the spurious study."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
pd = pytest.importorskip("pandas")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skcorr.plotting import SpuriousCurveDisplay  # noqa: E402
from skcorr.spurious import summarize_spurious_study  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _results():
    """Per-seed rows shaped like run_spurious_study's, built by hand."""
    rng = np.random.RandomState(0)
    rows = []
    for model in ("logistic", "mlp"):
        for pattern in ("S3", "R3"):
            for n in (0, 1, 10, 100):
                for seed in (11, 22, 33):
                    rows.append(
                        {
                            "model": model,
                            "pattern": pattern,
                            "norm": 1.0,
                            "n_examples": n,
                            "seed": seed,
                            "score": rng.rand(),
                            "baseline_score": 0.0,
                            "pvalue": rng.rand(),
                            "accuracy": 0.9,
                        }
                    )
    return pd.DataFrame(rows)


def _half_lengths(container):
    (bars,) = container.lines[2]
    return np.array([abs(seg[1, 1] - seg[0, 1]) / 2 for seg in bars.get_segments()])


def test_lines_are_the_means_and_error_bars_the_standard_errors(tmp_path):
    results = _results()
    display = SpuriousCurveDisplay.from_results(results)
    summary = summarize_spurious_study(results)
    assert len(display.lines_) == len(display.errorbars_) == 4
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["S3 (logistic)", "R3 (logistic)", "S3 (mlp)", "R3 (mlp)"]
    for line, container, (model, pattern) in zip(
        display.lines_,
        display.errorbars_,
        [("logistic", "S3"), ("logistic", "R3"), ("mlp", "S3"), ("mlp", "R3")],
        strict=True,
    ):
        expected = summary.loc[(model, pattern)]
        np.testing.assert_array_equal(line.get_xdata(), [0, 1, 10, 100])
        np.testing.assert_allclose(line.get_ydata(), expected["score"])
        np.testing.assert_allclose(_half_lengths(container), expected["score_sem"])
    assert display.ax_.get_xscale() == "symlog"
    ticks = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert ticks == ["0", "1", "10", "100"]
    assert display.ax_.get_ylabel() == "spurious score"
    display.figure_.savefig(tmp_path / "spurious.png")
    assert (tmp_path / "spurious.png").stat().st_size > 0


def test_summary_input_and_filters_label_by_what_varies():
    summary = summarize_spurious_study(_results())
    display = SpuriousCurveDisplay.from_results(summary, models=["mlp"])
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["S3", "R3"]
    np.testing.assert_allclose(
        display.lines_[1].get_ydata(), summary.loc[("mlp", "R3"), "score"]
    )
    display = SpuriousCurveDisplay.from_results(summary, patterns=["S3"])
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["logistic", "mlp"]


def test_arrays_without_sem_draw_no_error_bars():
    display = SpuriousCurveDisplay([0, 5], [0.1, 0.4], labels=["S1"]).plot()
    assert len(display.lines_) == 1
    np.testing.assert_allclose(_half_lengths(display.errorbars_[0]), [0.0, 0.0])
    np.testing.assert_allclose(display.lines_[0].get_ydata(), [0.1, 0.4])


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="n_points=3"):
        SpuriousCurveDisplay([0, 1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="1 labels for 2 curves"):
        SpuriousCurveDisplay([0, 1], [[0.1, 0.2], [0.3, 0.4]], labels=["a"])
    with pytest.raises(ValueError, match="lack the column"):
        SpuriousCurveDisplay.from_results({"score": [0.1], "n_examples": [0]})
    with pytest.raises(ValueError, match=r"Unknown pattern\(s\) \['S9'\]"):
        SpuriousCurveDisplay.from_results(_results(), patterns=["S9"])
