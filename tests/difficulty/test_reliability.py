import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr, spearmanr
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.difficulty import (
    difficulty_findings,
    intraclass_correlation,
    runs_for_reliability,
    spearman_brown,
    split_half_reliability,
)
from skcorr.difficulty._reliability import _mean_squares
from skcorr.exceptions import UndefinedCorrelationWarning

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
                          [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)


def parallel_runs(n_samples, n_runs, noise, seed):
    """Runs that are noisy copies of one true score of variance 1: one run
    has reliability 1 / (1 + noise**2)."""
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n_samples, 1)) + noise * rng.normal(
        size=(n_samples, n_runs))


def test_mean_squares_match_shrout_fleiss_analysis_of_table_2():
    # their analysis of variance of Table 2 (BMS, WMS, JMS, EMS), printed to 2 decimals
    np.testing.assert_allclose(_mean_squares(SHROUT_FLEISS),
                               [11.24, 6.26, 32.49, 1.02], atol=0.005)


@pytest.mark.parametrize("kind, average, published", [
    ("oneway", False, 0.17), ("agreement", False, 0.29),
    ("consistency", False, 0.71), ("oneway", True, 0.44),
    ("agreement", True, 0.62), ("consistency", True, 0.91),
])
def test_intraclass_correlation_reproduces_shrout_fleiss(kind, average, published):
    # the paper prints two decimals: half a unit of the last one
    icc = intraclass_correlation(SHROUT_FLEISS, kind=kind, average=average)
    assert icc == pytest.approx(published, abs=0.005)


def test_consistency_of_the_mean_is_cronbachs_alpha():
    # alpha = k / (k - 1) (1 - sum of the runs' variances / variance of the sum)
    S = parallel_runs(40, 5, 1.5, seed=1)
    k = S.shape[1]
    alpha = k / (k - 1) * (1 - S.var(axis=0, ddof=1).sum()
                           / S.sum(axis=1).var(ddof=1))
    # the same quantity by two float64 routes over 200 values: rounding only
    assert intraclass_correlation(S, kind="consistency", average=True) == \
        pytest.approx(alpha, rel=1e-10)


@pytest.mark.parametrize("kind", ["oneway", "agreement", "consistency"])
def test_icc_of_the_mean_is_the_spearman_brown_step_up(kind):
    S = parallel_runs(30, 6, 1.0, seed=2) + np.arange(6)  # runs shifted apart
    single = intraclass_correlation(S, kind=kind)
    mean = intraclass_correlation(S, kind=kind, average=True)
    assert mean == pytest.approx(spearman_brown(single, 6), rel=1e-10)


def test_run_shifts_lower_agreement_but_not_consistency():
    S = parallel_runs(50, 4, 0.5, seed=3)
    shifted = S + np.array([0.0, 2.0, -1.0, 3.0])  # a run that scores all higher
    assert intraclass_correlation(shifted, kind="consistency") == pytest.approx(
        intraclass_correlation(S, kind="consistency"), rel=1e-10)
    assert intraclass_correlation(shifted) < intraclass_correlation(S) - 0.3


def test_spearman_brown_by_hand():
    assert spearman_brown(0.5, 2) == pytest.approx(2 / 3, rel=1e-15)
    assert spearman_brown(0.6, 3) == pytest.approx(1.8 / 2.2, rel=1e-15)
    assert spearman_brown(0.8, 0.5) == pytest.approx(0.4 / 0.6, rel=1e-15)
    r = np.array([0.0, 0.2, 0.7, 1.0])
    np.testing.assert_allclose(spearman_brown(spearman_brown(r, 5), 1 / 5), r,
                               rtol=1e-12)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        spearman_brown(1.2, 2)
    with pytest.raises(InvalidParameterError):
        spearman_brown(0.5, 0)


@pytest.mark.parametrize("method, correlate", [("pearson", pearsonr),
                                               ("spearman", spearmanr)])
def test_split_half_equals_a_loop_over_its_splits(method, correlate):
    S = parallel_runs(60, 10, 1.0, seed=4)
    result = split_half_reliability(S, n_splits=20, method=method, random_state=0)
    assert result.halves.shape == (20, 2, 5)
    r = [correlate(S[:, a].mean(axis=1), S[:, b].mean(axis=1)).statistic
         for a, b in result.halves]
    # the same correlations by two float64 routes over 60 examples
    np.testing.assert_allclose(result.half_correlations, r, rtol=1e-10)
    mean_r = np.mean(r)
    assert result.reliability == pytest.approx(2 * mean_r / (1 + mean_r), rel=1e-10)
    assert result.single_run == pytest.approx(mean_r / (5 - 4 * mean_r), rel=1e-10)
    per_split = 2 * np.array(r) / (1 + np.array(r))
    assert result.std == pytest.approx(per_split.std(), rel=1e-8)
    for a, b in result.halves:  # two disjoint halves
        assert len(set(a) | set(b)) == 10


def test_few_runs_use_every_split_once():
    S = parallel_runs(30, 5, 1.0, seed=5)
    result = split_half_reliability(S, n_splits=100, random_state=0)
    # 5 runs: one left out (5 ways), the other four split 2 + 2 (3 ways)
    assert result.halves.shape == (15, 2, 2)
    splits = {frozenset((frozenset(a), frozenset(b))) for a, b in result.halves}
    assert len(splits) == 15
    # the mean of two runs is stepped up to five: factor 5 / 2
    r = result.half_correlation
    assert result.reliability == pytest.approx(2.5 * r / (1 + 1.5 * r), rel=1e-12)
    other = split_half_reliability(S, n_splits=100, random_state=1)
    assert other.reliability == result.reliability  # no randomness left


def test_split_half_is_reproducible_with_random_state():
    S = parallel_runs(40, 12, 1.0, seed=6)
    first = split_half_reliability(S, n_splits=30, random_state=0)
    again = split_half_reliability(S, n_splits=30, random_state=0)
    np.testing.assert_array_equal(first.halves, again.halves)
    assert first.reliability == again.reliability


def test_split_half_matches_the_theoretical_reliability():
    # One run's reliability 1 / (1 + 2**2) = 0.2; the mean of 8 runs: 8 * 0.2 /
    # (1 + 7 * 0.2) = 2/3, of 4 runs (a half): 0.5. A correlation of 0.5 over
    # 2,000 examples has a standard error (1 - 0.5**2) / sqrt(2000) = 0.017,
    # 0.015 after the step-up (derivative 2 / (1 + r)**2 = 0.89); 0.05 is
    # over three of them, and the splits' mean is no noisier than one split.
    S = parallel_runs(2000, 8, 2.0, seed=7)
    result = split_half_reliability(S, method="pearson")
    assert result.reliability == pytest.approx(2 / 3, abs=0.05)
    assert result.single_run == pytest.approx(0.2, abs=0.05)
    assert intraclass_correlation(S, average=True) == pytest.approx(2 / 3, abs=0.05)
    assert intraclass_correlation(S) == pytest.approx(0.2, abs=0.05)


def test_spearman_brown_predicts_the_reliability_of_twice_the_runs():
    # Measured on 6 runs, predicted for 12, measured on 12: the prediction is
    # 12 * 0.25 / (1 + 11 * 0.25) = 0.8 in theory; both estimates carry a
    # standard error near 0.01 over 2,000 examples, hence 0.04.
    S = parallel_runs(2000, 12, math.sqrt(3), seed=8)  # one run: 0.25
    six = split_half_reliability(S[:, :6], method="pearson", random_state=0)
    twelve = split_half_reliability(S, method="pearson", random_state=0)
    assert spearman_brown(six.reliability, 2) == pytest.approx(
        twelve.reliability, abs=0.04)
    assert twelve.reliability == pytest.approx(0.8, abs=0.04)


def test_runs_for_reliability_inverts_spearman_brown():
    S = parallel_runs(500, 8, 2.0, seed=9)
    result = split_half_reliability(S, method="pearson", random_state=0)
    runs = runs_for_reliability(S, target=0.9, method="pearson", random_state=0)
    assert isinstance(runs, int)
    # the fewest runs whose predicted reliability reaches 0.9
    assert spearman_brown(result.single_run, runs) >= 0.9 - 1e-12
    assert spearman_brown(result.single_run, runs - 1) < 0.9
    # the theory's 0.9 * 0.8 / (0.2 * 0.1) = 36 runs, within the noise of r
    assert 25 <= runs <= 50
    # reliable runs: fewer than we have are enough, at least one
    assert runs_for_reliability(parallel_runs(200, 8, 0.1, seed=9)) == 1


def test_runs_that_disagree_need_infinitely_many_runs():
    x = np.arange(20.0)
    S = np.column_stack([x, -x + 4 * np.sin(x)])  # two runs ranked nearly backwards
    r = spearmanr(S[:, 0], S[:, 1]).statistic
    assert -1 < r < -0.5
    with pytest.warns(UserWarning, match="not positive"):
        assert runs_for_reliability(S) == math.inf
    # the reliability as the formula gives it: not one, but reported
    assert split_half_reliability(S).reliability == pytest.approx(2 * r / (1 + r))


def test_constant_scores_are_undefined_with_a_warning():
    S = np.ones((10, 4))
    with pytest.warns(UndefinedCorrelationWarning, match="Every split"):
        assert np.isnan(split_half_reliability(S).reliability)
    with pytest.warns(UndefinedCorrelationWarning, match="every score is the same"):
        assert np.isnan(intraclass_correlation(S))
    # each run gives all examples one score: no ranking to agree on
    runs = np.ones((10, 4)) * np.array([1.0, 2.0, 3.0, 4.0])
    with pytest.warns(UndefinedCorrelationWarning, match="one score"):
        assert np.isnan(intraclass_correlation(runs, kind="consistency"))
    # ... while absolute agreement is 0: examples do not differ, runs do
    assert intraclass_correlation(runs) == pytest.approx(0.0, abs=1e-12)


def test_partly_constant_splits_are_named_in_a_warning():
    rng = np.random.RandomState(10)
    S = np.zeros((8, 4))
    S[:, :2] = rng.normal(size=(8, 2))  # runs 2 and 3 score every example 0
    with pytest.warns(UndefinedCorrelationWarning, match="1 of 3 splits"):
        result = split_half_reliability(S)
    # the split {0, 1} | {2, 3} is undefined; the other two are averaged
    undefined = [set(a) for a, b in result.halves[np.isnan(result.half_correlations)]]
    assert undefined in ([{0, 1}], [{2, 3}])
    mean_r = np.nanmean(result.half_correlations)
    assert result.reliability == pytest.approx(2 * mean_r / (1 + mean_r), rel=1e-12)


@pytest.mark.parametrize("function", [split_half_reliability, runs_for_reliability,
                                      intraclass_correlation])
def test_bad_scores_raise(function):
    with pytest.raises(ValueError, match="NaN"):
        function(np.array([[1.0, np.nan], [2.0, 3.0], [3.0, 1.0]]))
    with pytest.raises(ValueError, match="at least 2 runs"):
        function(np.ones((5, 1)))
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_runs\)"):
        function(np.ones(5))


def test_split_half_needs_three_examples_and_a_known_method():
    with pytest.raises(ValueError, match="at least 3 samples"):
        split_half_reliability(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(InvalidParameterError):
        split_half_reliability(np.ones((5, 2)), method="kendall")
    with pytest.raises(InvalidParameterError):
        intraclass_correlation(np.ones((5, 2)), kind="ICC2")


def _findings_with(reliability, n_seeds=10):
    consistency = pd.DataFrame({"loss": [0.8, 0.7]}, index=["a", "b"])
    fingerprint = pd.DataFrame({"score": ["all"], "k": [10],
                                "selection": ["aggregate"], "accuracy": [0.6]})
    return difficulty_findings({"consistency": consistency, "chance": 0.5,
                                "fingerprint": fingerprint, "n_seeds": n_seeds,
                                "reliability": reliability})


def test_reliability_finding_names_the_least_reliable_pair():
    table = pd.DataFrame({
        "architecture": ["a", "a", "b"], "score": ["loss", "forgetting", "loss"],
        "split_half": [0.96, 0.6, 0.92], "split_half_std": [0.01, 0.05, 0.02],
        "single_run": [0.7, 0.13, 0.53], "icc": [0.95, 0.5, 0.9],
        "runs_for_0.9": [4.0, 60.0, 8.0]})
    _, finding = _findings_with(table)
    assert not finding.holds  # one pair of three misses 0.9
    assert finding.evidence["reaching_target"] == 2
    assert finding.evidence["lowest"] == ("a", "forgetting", 0.6)
    assert finding.evidence["mean_split_half"] == pytest.approx(2.48 / 3)
    assert "over the 10 runs" in finding.text and "a/forgetting" in finding.text
    assert "needs 60 runs" in finding.text
    table["split_half"] = [0.96, 0.95, 0.92]
    _, finding = _findings_with(table)
    assert finding.holds and "3 of 3" in finding.text


def test_reliability_finding_says_when_runs_never_agree_or_scores_are_constant():
    table = pd.DataFrame({
        "architecture": ["a", "a"], "score": ["loss", "flat"],
        "split_half": [-0.2, np.nan], "split_half_std": [0.1, np.nan],
        "single_run": [-0.1, np.nan], "icc": [-0.1, np.nan],
        "runs_for_0.9": [np.inf, np.nan]})
    _, finding = _findings_with(table)
    assert not finding.holds and "never reaches it" in finding.text
    assert "1 constant score(s)" in finding.text
    assert finding.evidence["constant_scores"] == 1
