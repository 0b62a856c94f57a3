"""DifficultyDisplay draws score distributions, consistency and cartography."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("pandas")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skcorr.difficulty import ExampleDifficulty, cartography, runs_needed  # noqa: E402
from skcorr.plotting import DifficultyDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import SGDClassifier

    X, y = load_iris(return_X_y=True)
    return ExampleDifficulty(
        SGDClassifier(loss="log_loss"),
        scores=[
            "loss",
            "forgetting_events",
            "cartography_confidence",
            "cartography_variability",
            "cartography_correctness",
        ],
        n_seeds=4,
        max_epochs=4,
        random_state=0,
    ).fit(X, y)


def _scores(n_samples=40, n_runs=6):
    rng = np.random.RandomState(0)
    hard = rng.gamma(2.0, size=(n_samples, 1))
    return {
        "loss": hard + 0.5 * rng.normal(size=(n_samples, n_runs)),
        "margin": hard + rng.normal(size=(n_samples, n_runs)),
    }


def test_one_score_is_a_histogram_of_the_means_over_runs(tmp_path):
    scores = _scores()
    display = DifficultyDisplay.from_scores(scores, score="loss", bins=10)
    assert display.kind_ == "distribution" and display.violins_ is None
    heights = [patch.get_height() for patch in display.hist_]
    expected, _ = np.histogram(scores["loss"].mean(axis=1), bins=10)
    np.testing.assert_array_equal(heights, expected)
    assert display.ax_.get_xlabel() == "loss (mean score over runs)"
    display.figure_.savefig(tmp_path / "hist.png")
    assert (tmp_path / "hist.png").stat().st_size > 0


def test_several_scores_are_standardised_violins(fitted):
    display = DifficultyDisplay.from_estimator(
        fitted, score=["loss", "forgetting_events"]
    )
    assert display.hist_ is None
    assert len(display.violins_["bodies"]) == 2
    ticks = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert ticks == ["loss", "forgetting_events"]
    assert display.ax_.get_ylabel() == "standardised mean score"
    medians = display.violins_["cmedians"].get_segments()
    loss = fitted.scores_["loss"].mean(axis=1)
    expected = (np.median(loss) - loss.mean()) / loss.std()
    np.testing.assert_allclose(medians[0][0, 1], expected)


def test_consistency_draws_runs_needed_and_the_sqrt_reference():
    scores = _scores()
    display = DifficultyDisplay.from_scores(
        scores, kind="consistency", n_repeats=10, random_state=0
    )
    expected = runs_needed(scores["loss"], n_repeats=10, random_state=0)
    line = display.lines_["rank_error"]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 6))
    np.testing.assert_allclose(line.get_ydata(), expected.median_rank_error)
    reference = display.lines_["reference"].get_ydata()
    np.testing.assert_allclose(reference * np.sqrt(np.arange(1, 6)), reference[0])
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend[0] == "median rank error"
    assert legend[1] == f"{reference[0]:.3g} / sqrt(n)"
    assert display.ax_.get_title() == "Consistency of loss"


def test_cartography_map_undoes_the_harder_is_higher_sign(fitted):
    display = DifficultyDisplay.from_estimator(fitted, kind="cartography")
    offsets = display.scatter_.get_offsets()
    np.testing.assert_allclose(
        offsets[:, 0], fitted.scores_["cartography_variability"].mean(axis=1)
    )
    np.testing.assert_allclose(
        offsets[:, 1], -fitted.scores_["cartography_confidence"].mean(axis=1)
    )
    np.testing.assert_allclose(
        display.scatter_.get_array(),
        -fitted.scores_["cartography_correctness"].mean(axis=1),
    )
    assert len(display.figure_.axes) == 2  # map and colour bar


def test_cartography_bunch_of_one_run():
    maps = cartography([0, 1], [[[0.2, 0.8], [0.6, 0.4]], [[0.1, 0.9], [0.3, 0.7]]])
    display = DifficultyDisplay.from_scores(maps, kind="cartography")
    np.testing.assert_allclose(display.scatter_.get_offsets(), [[0.2, 0.4], [0.1, 0.8]])


def test_bad_inputs_are_refused(fitted):
    with pytest.raises(ValueError, match="kind must be one of"):
        DifficultyDisplay.from_scores(_scores(), kind="pca")
    with pytest.raises(ValueError, match=r"Unknown score\(s\) \['vog'\]"):
        DifficultyDisplay.from_scores(_scores(), score="vog")
    with pytest.raises(ValueError, match="cartography_confidence"):
        DifficultyDisplay.from_scores(_scores(), kind="cartography")
    with pytest.raises(ValueError, match="has 3 samples, the others 40"):
        DifficultyDisplay({"loss": _scores()["loss"], "margin": np.ones((3, 2))})
    with pytest.raises(TypeError, match="no scores_"):
        DifficultyDisplay.from_estimator(ExampleDifficulty(fitted.estimator))
