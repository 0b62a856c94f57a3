"""SystemicFailureDisplay draws what systemic_failure computes."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skcorr.metrics import systemic_failure  # noqa: E402
from skcorr.plotting import SystemicFailureDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(3, size=100)
    hard = rng.random(100) < 0.3
    wrong = hard[:, None] | (rng.random((100, 3)) < 0.1)
    return y, np.where(wrong, (y[:, None] + 1) % 3, y[:, None])


def test_bars_and_line_show_the_two_distributions(tmp_path):
    y, Y_pred = _labels()
    result = systemic_failure(y, Y_pred)
    display = SystemicFailureDisplay.from_predictions(y, Y_pred, name="toy")
    heights = [bar.get_height() for bar in display.bars_]
    np.testing.assert_allclose(heights, result.observed)
    np.testing.assert_allclose(display.line_.get_ydata(), result.independent)
    assert f"{result.homogenization:.3g}" in display.ax_.get_title()
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels == ["toy: if independent", "toy: observed"] or sorted(labels) == [
        "toy: if independent", "toy: observed"
    ]
    display.figure_.savefig(tmp_path / "systemic.png")
    assert (tmp_path / "systemic.png").stat().st_size > 0


def test_from_estimator_and_from_failures_agree():
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier

    from skcorr.ensemble import SeedEnsembleClassifier

    X, y = load_iris(return_X_y=True)
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=1, max_features=1), n_seeds=3,
        random_state=0,
    ).fit(X, y)
    display = SystemicFailureDisplay.from_estimator(ensemble, X, y, log_scale=True)
    failures = (ensemble.predict_all(X) != y[:, None]).astype(int)
    other = SystemicFailureDisplay.from_failures(failures)
    np.testing.assert_allclose(display.observed, other.observed)
    assert display.ax_.get_yscale() == "log"
    assert display.name == "SeedEnsembleClassifier"


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        SystemicFailureDisplay([0, 1], [0.5, 0.5], [1.0])
