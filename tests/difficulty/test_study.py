import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from skcorr.difficulty._study import run_difficulty_study


def test_small_study_has_every_result():
    archs = {"narrow": MLPClassifier((8,), learning_rate_init=0.01),
             "deep": MLPClassifier((8, 8), learning_rate_init=0.01)}
    results = run_difficulty_study(n_runs=6, n_epochs=3, n_samples=200,
                                   architectures=archs, scores=["loss", "margin"],
                                   n_examples=[5], random_state=0)
    assert list(results.consistency.index) == ["narrow", "deep"]
    assert list(results.consistency.columns) == ["loss", "margin"]
    for _, curve in results.runs_needed.groupby("architecture"):
        errors = curve.sort_values("n_runs")["median_rank_error"].to_numpy()
        assert errors[0] > errors[-1]  # rank error falls with runs
    assert set(results.first_component_share) == {"narrow", "deep"}
    assert len(results.fingerprint) == 3 and results.chance == 0.5
    assert np.isfinite(results.fingerprint["accuracy"]).all()


def test_three_architectures_add_leave_one_architecture_out_rows():
    archs = {name: MLPClassifier(size, learning_rate_init=0.01)
             for name, size in [("a", (4,)), ("b", (8,)), ("c", (4, 4))]}
    results = run_difficulty_study(n_runs=4, n_epochs=2, n_samples=60,
                                   architectures=archs, scores=["loss"],
                                   n_examples=[3], random_state=0)
    table = results.fingerprint.set_index("selection")["accuracy"]
    assert list(table.index) == ["t_test", "random", "aggregate",
                                 "t_test_leave_one_out"]
    assert 0.0 <= table["t_test_leave_one_out"] <= 1.0


def test_needs_two_architectures():
    with pytest.raises(ValueError, match="at least two architectures"):
        run_difficulty_study(n_runs=4, n_epochs=1, n_samples=50,
                             architectures={"one": MLPClassifier((4,))})


def test_torch_architectures_run_in_the_study():
    pytest.importorskip("torch")
    pytest.importorskip("skorch")
    from skcorr.difficulty._study import torch_architectures

    nets = torch_architectures()
    assert sorted(nets) == ["torch_cnn", "torch_mlp"]
    results = run_difficulty_study(n_runs=4, n_epochs=2, n_samples=60,
                                   architectures="torch", scores=["loss"],
                                   n_examples=[3], random_state=0)
    assert list(results.consistency.index) == ["torch_cnn", "torch_mlp"]
    assert results.difficulty["torch_cnn"].scores_["loss"].shape == (60, 4)
    # the two nets learn differently: their per-run losses differ
    assert not np.allclose(results.difficulty["torch_cnn"].scores_["loss"],
                           results.difficulty["torch_mlp"].scores_["loss"])
