import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata, spearmanr
from sklearn.decomposition import PCA
from sklearn.preprocessing import QuantileTransformer

from skcorr.difficulty import (
    difficulty_pca,
    rank_error,
    run_consistency,
    runs_needed,
    score_correlation,
)
from skcorr.exceptions import UndefinedCorrelationWarning


@pytest.fixture
def noisy_runs():
    rng = np.random.RandomState(0)
    truth = rng.normal(size=(200, 1))
    return truth + rng.normal(size=(200, 12))


def test_run_consistency_matches_scipy(noisy_runs):
    S = noisy_runs
    others = [spearmanr(S[:, r], np.delete(S, r, 1).mean(1)).statistic
              for r in range(12)]
    everyone = [spearmanr(S[:, r], S.mean(1)).statistic for r in range(12)]
    np.testing.assert_allclose(run_consistency(S), others)
    np.testing.assert_allclose(run_consistency(S, reference="all"), everyone)


def test_one_run_agrees_less_than_many_runs(noisy_runs):
    # the study's finding: a single run is a noisy estimate of the mean
    S = noisy_runs
    single = spearmanr(S[:, 0], S[:, 6:].mean(1)).statistic
    many = spearmanr(S[:, :6].mean(1), S[:, 6:].mean(1)).statistic
    assert single < many


def test_constant_run_warns(noisy_runs):
    S = noisy_runs.copy()
    S[:, 0] = 1.0
    with pytest.warns(UndefinedCorrelationWarning, match=r"Runs \[0\]"):
        result = run_consistency(S)
    assert np.isnan(result[0]) and np.isfinite(result[1:]).all()


def test_rank_error_oracle(noisy_runs):
    S = noisy_runs
    expected = np.abs(rankdata(S[:, 2]) - rankdata(S.mean(1))) / 200
    np.testing.assert_allclose(rank_error(S)[:, 2], expected)
    np.testing.assert_allclose(rank_error(S[:, 2], S.mean(1)), expected)


def test_runs_needed_falls_with_runs_and_is_reproducible(noisy_runs):
    result = runs_needed(noisy_runs, n_runs=[1, 2, 4, 8], random_state=0,
                         target=0.01)
    assert np.all(np.diff(result.median_rank_error) < 0)
    again = runs_needed(noisy_runs, n_runs=[1, 2, 4, 8], random_state=0)
    np.testing.assert_array_equal(result.errors, again.errors)
    assert result.runs_for_target > 8  # extrapolated, beyond the runs at hand
    easy = runs_needed(noisy_runs, n_runs=[1, 2, 4, 8], random_state=0, target=0.2)
    assert easy.runs_for_target == 1


def test_runs_needed_oracle_for_one_size(noisy_runs):
    S = noisy_runs
    result = runs_needed(S, n_runs=[3], n_repeats=2, random_state=5)
    rng = np.random.RandomState(5)
    expected = []
    for _ in range(2):
        subset = rng.choice(12, 3, replace=False)
        mean = S[:, subset].mean(1)
        expected.append(np.median(np.abs(rankdata(mean) - rankdata(S.mean(1))) / 200))
    np.testing.assert_allclose(result.errors[0], expected)


def test_runs_needed_rejects_too_many_runs(noisy_runs):
    with pytest.raises(ValueError, match=r"n_runs must lie in \[1, 12\]"):
        runs_needed(noisy_runs, n_runs=[20])


def test_score_correlation_matches_scipy(noisy_runs):
    frame = pd.DataFrame(noisy_runs[:, :4], columns=list("abcd"))
    result = score_correlation(frame)
    np.testing.assert_allclose(result.to_numpy(), spearmanr(frame).statistic)
    assert list(result.columns) == list("abcd")
    as_dict = score_correlation({k: frame[k].to_numpy() for k in "abcd"})
    np.testing.assert_allclose(as_dict.to_numpy(), result.to_numpy())


def test_difficulty_pca_matches_sklearn(noisy_runs):
    S = noisy_runs[:, :5]
    normal = QuantileTransformer(n_quantiles=200, output_distribution="normal")
    expected = PCA().fit(normal.fit_transform(S)).explained_variance_ratio_
    result = difficulty_pca(S)
    np.testing.assert_allclose(result.explained_variance_ratio, expected)
    assert result.first_component_share == pytest.approx(expected[0])
