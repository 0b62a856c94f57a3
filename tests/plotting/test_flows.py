"""FlowDisplay draws inflow against outflow with the reciprocity score."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
pd = pytest.importorskip("pandas")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from skcorr.plotting import FlowDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _flows():
    """Flows shaped like influence_flows' Bunch, built by hand."""
    return {
        "individuals": np.array(["ann", "bob", "cy", "dee"]),
        "self_influence": np.array([1.0, 1.0, 1.0, 1.0]),
        "inflow": np.array([0.5, 2.0, 1.0, 4.0]),
        "outflow": np.array([1.0, 1.5, 3.0, 3.5]),
    }


def test_points_are_the_flows_with_the_diagonal_and_the_score(tmp_path):
    flows = _flows()
    display = FlowDisplay.from_flows(flows, annotate=True)
    np.testing.assert_allclose(
        display.scatter_.get_offsets(),
        np.column_stack([flows["outflow"], flows["inflow"]]),
    )
    np.testing.assert_allclose(display.line_.get_xdata(), [0.5, 4.0])
    np.testing.assert_allclose(display.line_.get_ydata(), [0.5, 4.0])
    rho = spearmanr(flows["inflow"], flows["outflow"]).statistic
    assert display.reciprocity == pytest.approx(rho)
    assert display.text_.get_text() == f"spearman = {rho:.2f}"
    names = [label.get_text() for label in display.labels_]
    assert names == ["ann", "bob", "cy", "dee"]
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["individuals", "inflow = outflow"]
    assert display.ax_.get_xlabel().startswith("outflow")
    assert display.ax_.get_ylabel().startswith("inflow")
    display.figure_.savefig(tmp_path / "flows.png")
    assert (tmp_path / "flows.png").stat().st_size > 0


def test_data_frame_of_influence_flows():
    from sklearn.linear_model import Ridge

    from skcorr.influence import LinearInfluence, influence_flows, reciprocity_score

    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = X @ [1.0, 2.0, 0.0] + rng.randn(40)
    X_eval = rng.randn(40, 3)
    y_eval = X_eval @ [1.0, 2.0, 0.0] + rng.randn(40)
    influence = LinearInfluence(Ridge().fit(X, y)).fit(X, y)
    groups = np.arange(40) % 8
    flows = influence_flows(
        influence,
        X,
        y,
        groups=groups,
        X_eval=X_eval,
        y_eval=y_eval,
        eval_groups=groups,
        as_frame=True,
    )
    display = FlowDisplay.from_flows(flows, method="gap", annotate=True)
    np.testing.assert_allclose(
        display.scatter_.get_offsets(), flows[["outflow", "inflow"]].to_numpy()
    )
    expected = reciprocity_score(flows, method="gap")
    assert display.text_.get_text() == f"gap = {expected:.2f}"
    assert [label.get_text() for label in display.labels_] == [str(i) for i in range(8)]


def test_without_a_score_nothing_is_written():
    display = FlowDisplay([1.0, 2.0], [2.0, 1.0]).plot()
    assert display.text_ is None and display.labels_ == []
    assert len(display.ax_.collections) == 1 and len(display.ax_.lines) == 1


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="must hold 'outflow'"):
        FlowDisplay.from_flows({"inflow": [1.0, 2.0]})
    with pytest.raises(ValueError, match="got shapes"):
        FlowDisplay([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="3 individuals for 2 flows"):
        FlowDisplay([1.0, 2.0], [1.0, 2.0], individuals=["a", "b", "c"])
