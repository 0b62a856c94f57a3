"""Tests of run_scenario: the study-A scenarios on digits and diabetes.

The directions asserted here (seeds of one algorithm more correlated than
pairs across algorithms, a shared frozen random projection more than
independent ones, correlation rising with the shared fraction) hold on every
random_state from 0 to 7 with quick=True, by margins of 0.05 to 0.5; heads on
one frozen pretrained MLP beat heads on independent ones by 0.15 to 0.34 there.
"""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.utils import Bunch

import skcorr.ensemble._scenarios as scenarios_module
from skcorr.ensemble import SCENARIOS, run_scenario
from skcorr.utils.optional import torch_available as torch_backbone_available

EXTRACTORS = ["pca", "random projection"] + (
    ["mlp"] if torch_backbone_available() else []
)


@pytest.fixture(scope="module")
def results():
    return {name: run_scenario(name, quick=True, n_seeds=3) for name in SCENARIOS}


@pytest.mark.parametrize("name", SCENARIOS)
def test_result_shape_and_contents(results, name):
    result = results[name]
    assert isinstance(result, Bunch)
    assert result.name == name
    matrix = result.matrix
    n_models = len(result.model_names)
    assert isinstance(matrix, np.ndarray)
    assert matrix.shape == (n_models, n_models)
    np.testing.assert_allclose(matrix, matrix.T)
    np.testing.assert_allclose(np.diag(matrix), 1.0)
    assert np.all(np.isfinite(matrix))
    assert result.method in ("phik", "pearson")
    if result.method == "phik":
        assert np.all((matrix >= 0) & (matrix <= 1 + 1e-12))
        assert np.all((result.error_rates > 0) & (result.error_rates < 0.5))
    assert result.error_rates.shape == (n_models,)
    assert isinstance(result.description, str) and result.description.endswith(".")
    assert result.summary and all(isinstance(row, dict) for row in result.summary)
    keys = set(result.summary[0])
    for row in result.summary:
        assert set(row) == keys
        for value in row.values():
            assert type(value) in (str, int, float)


def test_seeds_members_and_direction(results):
    result = results["seeds"]
    assert len(result.model_names) == 2 * 3
    assert result.model_names[0].startswith("mlp/seed=")
    assert result.model_names[-1].startswith("forest/seed=")
    mlp, forest, across = (row["mean_correlation"] for row in result.summary)
    assert [row["n_pairs"] for row in result.summary] == [3, 3, 9]
    assert mlp > across and forest > across


def test_algorithms_summary(results):
    result = results["algorithms"]
    assert result.model_names == [
        "logistic", "k_neighbors", "svc", "forest", "naive_bayes", "mlp"
    ]
    *per_model, overall = result.summary
    assert overall["n_pairs"] == 15
    upper = result.matrix[np.triu_indices(6, k=1)]
    assert overall["mean_correlation"] == pytest.approx(upper.mean())
    for i, row in enumerate(per_model):
        assert row["mean_error_rate"] == pytest.approx(result.error_rates[i])
    # Naive Bayes, the odd one out, errs least like the others.
    naive_bayes = per_model[4]["mean_correlation"]
    assert naive_bayes == min(row["mean_correlation"] for row in per_model)


def test_shared_data_dial_and_leave_one_feature_out(results):
    result = results["shared-data"]
    np.testing.assert_array_equal(result.shared_fractions, [0.0, 0.5, 1.0])
    dial = result.dial_correlations
    assert np.all(np.diff(dial) > 0)
    # Identical rows and a deterministic model: identical members.
    assert dial[-1] == pytest.approx(1.0)
    rows = [row["rows_per_member"] for row in result.summary[:3]]
    # 331 training rows: split three ways at 0, all shared at 1.
    assert rows == pytest.approx([331 / 3, (331 / 3 + 331) / 2, 331], abs=1)
    assert result.model_names[0] == "without age" and len(result.model_names) == 10
    assert result.summary[-1]["setting"] == "leave one feature out"
    assert 0.5 < result.summary[-1]["mean_correlation"] < 1.0
    np.testing.assert_array_equal(result.rmse, result.error_rates)
    assert np.all((result.rmse > 40) & (result.rmse < 80))


def test_shared_backbone_more_correlated_than_independent(results):
    result = results["backbone"]
    table = {(row["extractor"], row["backbone"]): row for row in result.summary}
    assert len(table) == 2 * len(EXTRACTORS)
    assert list(dict.fromkeys(row["extractor"] for row in result.summary)) == (
        EXTRACTORS
    )
    shared = table["random projection", "shared (frozen)"]["mean_correlation"]
    independent = table["random projection", "independent"]["mean_correlation"]
    assert shared > independent + 0.1
    # The headline matrix: shared heads first, then independent ones.
    assert result.model_names[0] == "shared/logistic"
    assert result.model_names[5] == "independent/logistic"
    block = result.groups["random projection", "shared (frozen)"].matrix
    np.testing.assert_allclose(result.matrix[:5, :5], block)


def test_heads_on_one_learned_backbone_err_together(results):
    """The deep-learning case: a skorch MLP pretrained on the labels, frozen,
    against the same heads each on its own MLP (own seed, own rows)."""
    if not torch_backbone_available():
        pytest.skip("torch and skorch are needed for the MLP backbone")
    result = results["backbone"]
    table = {(row["extractor"], row["backbone"]): row for row in result.summary}
    shared = table["mlp", "shared (frozen)"]
    independent = table["mlp", "independent"]
    assert shared["mean_correlation"] > independent["mean_correlation"] + 0.1
    assert shared["n_pairs"] == independent["n_pairs"] == 10
    # The rows are the mean over the pairs of the group's own matrix, and its
    # error rates those of the group's predictions.
    for backbone, row in [("shared (frozen)", shared), ("independent", independent)]:
        group = result.groups["mlp", backbone]
        upper = group.matrix[np.triu_indices(5, k=1)]
        assert row["mean_correlation"] == pytest.approx(upper.mean())
        errors = (group.Y_pred != result.y_true[:, None]).mean(axis=0)
        np.testing.assert_allclose(group.error_rates, errors)
        assert row["mean_error_rate"] == pytest.approx(errors.mean())
    # A pretrained backbone is a good one: the heads on it err rarely.
    assert shared["mean_error_rate"] < 0.1


def test_backbone_without_torch_skips_the_mlp(results, monkeypatch):
    monkeypatch.setattr(scenarios_module, "torch_backbone_available", lambda: False)
    result = run_scenario("backbone", quick=True, n_seeds=3)
    kinds = [row["extractor"] for row in result.summary]
    assert kinds == ["pca", "pca", "random projection", "random projection"]
    # The MLP's seeds are drawn after the others': their numbers do not move.
    assert result.summary == results["backbone"].summary[:4]
    np.testing.assert_array_equal(result.matrix, results["backbone"].matrix)


@pytest.mark.parametrize("name", ["seeds", "backbone"])
def test_same_random_state_same_result(results, name):
    again = run_scenario(name, quick=True, n_seeds=3)
    np.testing.assert_array_equal(again.matrix, results[name].matrix)
    assert again.summary == results[name].summary
    other = run_scenario(name, quick=True, n_seeds=3, random_state=1)
    assert not np.array_equal(other.matrix, results[name].matrix)


def test_parallel_members_give_the_same_result(results):
    with parallel_backend("threading"):
        parallel = run_scenario("shared-data", quick=True, n_seeds=3, n_jobs=2)
    np.testing.assert_array_equal(parallel.matrix, results["shared-data"].matrix)
    np.testing.assert_array_equal(
        parallel.dial_correlations, results["shared-data"].dial_correlations
    )


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(ValueError, match="name.*backbone"):
        run_scenario("foundation")


def test_too_few_seeds_is_an_error():
    with pytest.raises(ValueError, match="n_seeds"):
        run_scenario("seeds", n_seeds=1)
