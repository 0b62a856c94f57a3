"""The displays render with Agg and show what the metrics computed."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skcorr.datasets import load_corr_ml_errors  # noqa: E402
from skcorr.metrics import (  # noqa: E402
    aggregated_risk,
    correlation_from_errors,
    pairwise_error_correlation,
)
from skcorr.plotting import AggregatedRiskDisplay, ErrorCorrelationDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=200)
    hard = rng.rand(200) < 0.3
    wrong = (hard[:, None] & (rng.rand(200, 4) < [0.9, 0.8, 0.2, 0.1])) | (
        rng.rand(200, 4) < 0.05
    )
    return y, np.where(wrong, (y[:, None] + 1) % 3, y[:, None])


def test_heatmap_shows_the_matrix_with_names_and_annotations(tmp_path):
    data = load_corr_ml_errors("eurosat", as_frame=True)
    display = ErrorCorrelationDisplay.from_errors(data.errors, method="phik")
    expected = correlation_from_errors(data.errors.to_numpy(), method="phik")
    np.testing.assert_allclose(display.im_.get_array(), expected)
    ticks = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert ticks == data.model_names
    assert display.text_.shape == (8, 8)
    assert display.text_[0, 1].get_text() == f"{expected[0, 1]:.2f}"
    assert len(display.figure_.axes) == 2  # heatmap and colour bar
    display.figure_.savefig(tmp_path / "heatmap.png")
    assert (tmp_path / "heatmap.png").stat().st_size > 0


def test_clustered_order_puts_correlated_models_together():
    y, Y_pred = _labels()
    Y_pred = Y_pred[:, [0, 2, 1, 3]]  # interleave the two correlated pairs
    display = ErrorCorrelationDisplay.from_predictions(
        y, Y_pred, method="phi", model_names=["a", "c", "b", "d"], cluster=True
    )
    order = list(display.order_)
    assert abs(order.index(0) - order.index(2)) == 1  # a next to b
    matrix = pairwise_error_correlation(y, Y_pred, method="phi")
    np.testing.assert_allclose(
        display.im_.get_array(), matrix[np.ix_(display.order_, display.order_)]
    )


def test_nan_cells_read_nan():
    y, Y_pred = _labels()
    Y_pred[:, 3] = y
    with pytest.warns(UserWarning, match="model 3"):
        display = ErrorCorrelationDisplay.from_predictions(y, Y_pred, method="phi")
    assert display.text_[3, 0].get_text() == "nan"


def test_from_estimator_needs_members():
    from sklearn.linear_model import LogisticRegression

    y, Y_pred = _labels()
    with pytest.raises(TypeError, match="no predict_all"):
        ErrorCorrelationDisplay.from_estimator(LogisticRegression(), Y_pred, y)


def test_risk_display_draws_observed_and_independent_rates():
    y, Y_pred = _labels()
    display = AggregatedRiskDisplay.from_predictions(y, Y_pred, name="four")
    risk = aggregated_risk(y, Y_pred)
    np.testing.assert_allclose(display.lines_["observed"].get_ydata(), risk.observed)
    np.testing.assert_allclose(
        display.lines_["independent"].get_ydata(), risk.independent
    )
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["four: observed", "four: if independent"]
    assert display.ax_.get_yscale() == "log"


def test_mismatched_names_are_refused():
    with pytest.raises(ValueError, match="2 model names for a matrix of 3"):
        ErrorCorrelationDisplay(np.eye(3), model_names=["a", "b"])
