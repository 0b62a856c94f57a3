from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from skcorr.difficulty import (
    DifficultyStudy,
    intraclass_correlation,
    run_difficulty_study,
    runs_for_reliability,
    split_half_reliability,
)
from skcorr.difficulty._study import _fingerprint_table


def test_small_study_has_every_result():
    archs = {"narrow": MLPClassifier((8,), learning_rate_init=0.01),
             "deep": MLPClassifier((8, 8), learning_rate_init=0.01)}
    results = run_difficulty_study(n_seeds=6, max_epochs=3, n_samples=200,
                                   architectures=archs, scores=["loss", "margin"],
                                   k=[5], random_state=0)
    assert list(results.consistency.index) == ["narrow", "deep"]
    assert list(results.consistency.columns) == ["loss", "margin"]
    for _, curve in results.runs_needed.groupby("architecture"):
        errors = curve.sort_values("n_runs")["median_rank_error"].to_numpy()
        assert errors[0] > errors[-1]  # rank error falls with runs
    assert set(results.first_component_share) == {"narrow", "deep"}
    assert results.chance == 0.5
    fingerprint = results.fingerprint
    # every score together, then each alone; two architectures: no leave-one-out
    assert list(fingerprint["score"].unique()) == ["all", "loss", "margin"]
    for _, rows in fingerprint.groupby("score"):
        assert list(rows["selection"]) == ["t_test", "random", "aggregate"]
    assert np.isfinite(fingerprint["accuracy"]).all()
    # the shape every study's result has, and what the command line prints
    assert isinstance(results, DifficultyStudy) and results.study == "difficulty"
    assert results.settings["n_seeds"] == 6 and results.n_seeds == 6
    assert set(results.tables) == {"consistency", "runs_needed", "reliability",
                                   "fingerprint"}
    # the reliability table is the public functions' numbers: 6 runs split in
    # 10 ways, all used (no randomness), so equal bit for bit
    reliability = results.reliability.set_index(["architecture", "score"])
    assert list(reliability.index) == [(a, s) for a in ("narrow", "deep")
                                       for s in ("loss", "margin")]
    for (name, score), row in reliability.iterrows():
        S = results.difficulty[name].scores_[score]
        split = split_half_reliability(S, n_splits=126)
        assert row["split_half"] == split.reliability
        assert row["single_run"] == split.single_run
        assert row["icc"] == intraclass_correlation(S, average=True)
        assert row["runs_for_0.9"] == runs_for_reliability(S, target=0.9)
    assert any("split-half reliability" in f.text for f in results.findings)
    for name, fit in results.difficulty.items():
        mean = results.mean_scores[name]
        np.testing.assert_array_equal(mean.index, results.sample_indices)
        np.testing.assert_array_equal(mean["loss"], fit.mean_scores_["loss"])
    hardest = results.hardest["mean_loss"]
    assert results.hardest["architecture"] == "narrow" and len(hardest) == 10
    assert hardest.iloc[0] == results.mean_scores["narrow"]["loss"].max()
    plain = results.to_dict()
    assert "difficulty" not in plain and "sample_indices" not in plain
    assert len(plain["fingerprint"]) == len(fingerprint)


def test_three_architectures_add_leave_one_architecture_out_rows():
    archs = {name: MLPClassifier(size, learning_rate_init=0.01)
             for name, size in [("a", (4,)), ("b", (8,)), ("c", (4, 4))]}
    results = run_difficulty_study(n_seeds=4, max_epochs=2, n_samples=60,
                                   architectures=archs, scores=["loss"],
                                   k=[3], random_state=0)
    table = results.fingerprint.set_index("selection")["accuracy"]
    assert list(table.index) == ["t_test", "random", "aggregate",
                                 "t_test_leave_one_out"]
    assert 0.0 <= table["t_test_leave_one_out"] <= 1.0


def test_needs_two_architectures():
    with pytest.raises(ValueError, match="at least two architectures"):
        run_difficulty_study(n_seeds=4, max_epochs=1, n_samples=50,
                             architectures={"one": MLPClassifier((4,))})


def test_torch_architectures_run_in_the_study():
    pytest.importorskip("torch")
    pytest.importorskip("skorch")
    from skcorr.difficulty._study import torch_architectures

    nets = torch_architectures()
    assert sorted(nets) == ["torch_cnn", "torch_mlp"]
    results = run_difficulty_study(n_seeds=4, max_epochs=2, n_samples=60,
                                   architectures="torch", scores=["loss"],
                                   k=[3], random_state=0)
    assert list(results.consistency.index) == ["torch_cnn", "torch_mlp"]
    assert results.difficulty["torch_cnn"].scores_["loss"].shape == (60, 4)
    # the two nets learn differently: their per-run losses differ
    assert not np.allclose(results.difficulty["torch_cnn"].scores_["loss"],
                           results.difficulty["torch_mlp"].scores_["loss"])


def _fit_stub(scores):
    return SimpleNamespace(n_seeds=next(iter(scores.values())).shape[1],
                           scores_=scores)


def test_each_score_alone_is_fingerprinted_from_its_own_block():
    # "signal" tells the architectures apart on example 3; "noise" never does
    rng = np.random.RandomState(0)
    fits = {}
    for shift, name in [(0.0, "a"), (4.0, "b")]:
        signal = rng.normal(size=(30, 20))  # (examples, runs)
        signal[3] += shift
        fits[name] = _fit_stub({"signal": signal,
                                "noise": rng.normal(size=(30, 20))})
    table = _fingerprint_table(fits, ["signal", "noise"], [1], rng)
    t_test = table[table["selection"] == "t_test"].set_index("score")["accuracy"]
    assert t_test["signal"] == 1.0 and t_test["all"] == 1.0
    assert t_test["noise"] < 0.8  # nothing to find: about chance (20 test runs)


def test_sensitive_examples_fingerprint_better_than_baselines_one_score_at_a_time():
    # The claim of the slow test below, on runs whose truth is known: five
    # architectures differ on 3 of 60 examples (each its own shift there),
    # not in their mean over all examples. Each score alone tells held-out
    # runs apart better from its 10 most sensitive examples than from 10
    # random ones (which rarely hold a sensitive one) or from its mean.
    rng = np.random.RandomState(0)
    fits = {}
    for shift, name in enumerate("abcde"):
        scores = {}
        for score in ("loss", "margin"):
            values = rng.normal(size=(60, 6))  # (examples, runs)
            values[:3] += 1.5 * shift
            values -= values.mean(axis=0)  # the same mean over examples
            scores[score] = values
        fits[name] = _fit_stub(scores)
    table = _fingerprint_table(fits, ["loss", "margin"], [10], rng)
    per_score = table[table["score"] != "all"]
    accuracy = per_score.groupby("selection")["accuracy"].mean()
    assert accuracy["t_test"] > accuracy["random"] + 0.03
    assert accuracy["t_test"] > accuracy["aggregate"] + 0.03
    assert accuracy["t_test_leave_one_out"] > 1 / 5 + 0.2


@pytest.mark.slow
def test_variants_fingerprint_digits_better_than_baselines_one_score_at_a_time():
    # Kwok et al. (2024): close relatives trained to convergence differ on a
    # few sensitive examples more than in their mean score over all examples.
    # On digits (five MLP variants, 20 runs each, 40 epochs) each score alone
    # tells held-out runs apart better from its 10 most sensitive examples
    # than from 10 random examples or from its mean over every example.
    results = run_difficulty_study(n_seeds=20, max_epochs=40, architectures="variants",
                                   k=[10], random_state=0, n_jobs=2)
    per_score = results.fingerprint[results.fingerprint["score"] != "all"]
    accuracy = per_score.groupby("selection")["accuracy"].mean()
    assert accuracy["t_test"] > accuracy["random"] + 0.03
    assert accuracy["t_test"] > accuracy["aggregate"] + 0.03
    # examples chosen without the architecture being classified still work
    assert accuracy["t_test_leave_one_out"] > results.chance + 0.2
