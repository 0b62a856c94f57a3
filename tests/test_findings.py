"""Findings: sentences computed from each study's numbers, checked against
numbers worked by hand on small results."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from skcorr.difficulty import difficulty_findings
from skcorr.influence import reciprocity_findings
from skcorr.metrics import error_findings
from skcorr.spurious import spurious_findings
from skcorr.utils.findings import Finding, format_number


@pytest.mark.parametrize(
    "value, text",
    [(0.000686, "0.000686"), (0.0, "0"), (12.345, "12.3"), (108765.4, "109000"),
     (1.5e12, "1.50e+12"), (2.04e-8, "2.04e-08"), (7, "7"), (np.int64(3), "3"),
     (np.float32(0.5), "0.5"), (float("nan"), "nan"), (True, "True"), ("a", "a")],
)
def test_format_number_three_significant_figures(value, text):
    assert format_number(value) == text


def _runs(pvalues_at_20, scores_at_20=(0.3, 0.5), model="mlp", pattern="S3"):
    return pd.DataFrame({
        "model": [model] * 4, "pattern": [pattern] * 4,
        "n_examples": [0, 0, 20, 20], "seed": [0, 1, 0, 1],
        "score": [0.0, 0.02, *scores_at_20], "pvalue": [1.0, 1.0, *pvalues_at_20],
    })


def test_spurious_finding_says_learnt_when_most_seeds_are_significant():
    (finding,) = spurious_findings(_runs((0.01, 0.001)))
    assert finding.holds and finding.study == "spurious"
    assert finding.evidence["first_learnt"] == ("S3", 20)
    assert finding.evidence["largest_score"] == pytest.approx(0.4)  # (0.3+0.5)/2
    assert "learns 1 of 1 pattern(s)" in finding.text
    assert "n = 20 (S3)" in finding.text and "0.4 (S3, n = 20)" in finding.text


@pytest.mark.parametrize("pvalues", [(0.01, 0.2), (0.2, 0.3), (0.05, 0.05)])
def test_spurious_finding_says_not_significant_when_half_or_fewer_seeds_are(
    pvalues,
):
    # one seed of two (or none) below 0.05 is not "most seeds"; 0.05 itself
    # is not below 0.05
    (finding,) = spurious_findings(_runs(pvalues))
    assert not finding.holds
    assert "not significant" in finding.text and "any n" in finding.text
    assert "learns" not in finding.text


def test_spurious_baseline_never_counts_as_learnt():
    runs = _runs((0.2, 0.3)).assign(pvalue=[0.0, 0.0, 0.2, 0.3])
    assert not spurious_findings(runs)[0].holds


def test_spurious_one_finding_per_model_first_n_is_the_smallest():
    learnt = _runs((0.01, 0.01), model="mlp")
    early = learnt.assign(n_examples=[0, 0, 5, 5], pattern="R3")
    other = _runs((0.5, 0.5), model="logistic")
    findings = spurious_findings(pd.concat([learnt, early, other]))
    assert [f.evidence["model"] for f in findings] == ["mlp", "logistic"]
    assert findings[0].evidence["first_learnt"] == ("R3", 5)
    assert findings[0].evidence["n_learnt"] == 2 and not findings[1].holds


@pytest.mark.parametrize(
    "results, match",
    [({"model": ["a"]}, "lack the column"), (_runs((0.1, 0.1)).iloc[:0], "no runs")],
)
def test_spurious_findings_bad_input(results, match):
    with pytest.raises(ValueError, match=match):
        spurious_findings(results)


def _difficulty(t_test, aggregate, chance=0.5, **extra):
    return {
        "chance": chance,
        "consistency": pd.DataFrame({"loss": [0.9, 0.7], "margin": [0.8, 0.6]},
                                    index=["a", "b"]),
        "fingerprint": pd.DataFrame({
            "score": ["all"] * 4, "k": [1, 1, 10, 10],
            "selection": ["t_test", "aggregate"] * 2,
            "accuracy": [0.3, 0.5, t_test, aggregate]}),
        **extra,
    }


def test_difficulty_consistency_finding_from_the_table():
    consistency, _ = difficulty_findings(_difficulty(0.9, 0.6))
    assert consistency.evidence["mean_spearman"] == pytest.approx(0.75)
    assert consistency.evidence["lowest"] == ("b", "margin", 0.6)
    assert consistency.evidence["highest"] == ("a", "loss", 0.9)
    assert "0.75 (from 0.6, b/margin, to 0.9, a/loss)" in consistency.text


def test_difficulty_fingerprint_binomial_test_against_chance():
    # 2 architectures x 10 runs: ceil(0.5 * 20) = 10 held-out runs, 9 right
    _, finding = difficulty_findings(_difficulty(0.9, 0.6, n_seeds=10))
    expected = binomtest(9, 10, 0.5, alternative="greater").pvalue  # 0.0107
    assert finding.evidence["pvalue"] == pytest.approx(expected, rel=1e-12)
    assert finding.evidence["n_test_runs"] == 10 and finding.holds
    assert "accuracy 0.9, above chance 0.5" in finding.text
    assert "binomial p = 0.0107 over 10 held-out runs" in finding.text
    assert "all examples gives 0.6" in finding.text


def test_difficulty_fingerprint_not_significant_is_said():
    # 7 of 10: p = 0.17, above chance but not significantly
    _, finding = difficulty_findings(_difficulty(0.7, 0.6, n_seeds=10))
    assert not finding.holds and "not significantly above chance" in finding.text
    _, finding = difficulty_findings(_difficulty(0.4, 0.6, n_seeds=10))
    assert not finding.holds and "no better than chance" in finding.text


def test_difficulty_without_run_counts_says_no_test_ran():
    _, finding = difficulty_findings(_difficulty(0.9, 0.6))
    assert "no test" in finding.text and "pvalue" not in finding.evidence


def test_difficulty_findings_bad_input():
    with pytest.raises(ValueError, match=r"lack \['fingerprint'\]"):
        difficulty_findings({"consistency": None, "chance": 0.5})


def _reciprocity(inflow, outflow, gap=0.9):
    flows = pd.DataFrame({"inflow": inflow, "outflow": outflow})
    scores = pd.DataFrame({"gap": [gap, 1.0]},
                          index=["tracin_separate", "tracin_shared"])
    return {"scores": scores, "flows": {"tracin_separate": flows},
            "top_setting": "tracin_separate"}


def test_reciprocity_perfect_ranks_are_reciprocal():
    top, shared = reciprocity_findings(
        _reciprocity([1.0, 2, 3, 4, 5, 6], [1.5, 2, 3.5, 4, 5.5, 6])
    )
    assert top.evidence["spearman"] == pytest.approx(1.0) and top.holds
    assert top.evidence["pvalue"] < 0.05
    assert "follows what they give" in top.text and "gap score 0.9" in top.text
    assert shared.holds and "tracin_shared" in shared.text


def test_reciprocity_reversed_ranks_are_not_reciprocal():
    (top, _) = reciprocity_findings(
        _reciprocity([1.0, 2, 3, 4, 5, 6], [6.0, 5, 4, 3, 2, 1])
    )
    assert top.evidence["spearman"] == pytest.approx(-1.0)
    assert not top.holds and "does not significantly follow" in top.text


def test_reciprocity_too_few_individuals():
    (top, _) = reciprocity_findings(_reciprocity([1.0, 2], [2.0, 1]))
    assert not top.holds and "too few" in top.text


def test_reciprocity_constant_flows_are_undefined_not_reciprocal():
    (top, _) = reciprocity_findings(_reciprocity([1.0] * 5, [1.0, 2, 3, 4, 5]))
    assert not top.holds and "undefined (constant flows)" in top.text


def test_reciprocity_findings_bad_input():
    with pytest.raises(ValueError, match="top_setting"):
        reciprocity_findings({"scores": None, "flows": {}})


def _errors(observed_all, independent_all, pvalues=None):
    results = {
        "models": ["a", "b", "c"], "method": "phik", "mean_correlation": 0.4,
        "matrix": np.array([[1, 0.5, 0.4], [0.5, 1, 0.3], [0.4, 0.3, 1]]),
        "aggregated_risk": {"k": [1, 2, 3], "observed": [0.3, 0.2, observed_all],
                            "independent": [0.3, 0.1, independent_all]},
    }
    if pvalues is not None:
        pvalue = np.full((3, 3), np.nan)
        pvalue[0, 1] = pvalue[1, 0] = pvalues[0]
        pvalue[0, 2] = pvalue[2, 0] = pvalues[1]
        pvalue[1, 2] = pvalue[2, 1] = pvalues[2]
        results["significance"] = {"pvalue": pvalue}
    return results


def test_error_finding_joint_failure_ratio():
    # 25.4% observed against 3.6% if independent: 7.06x
    joint, _ = error_findings(_errors(0.254, 0.036))
    assert joint.evidence["ratio"] == pytest.approx(0.254 / 0.036)
    assert joint.holds
    assert joint.text == ("All 3 models fail together on 25.4% of the test "
                          "samples, 7.06x the 3.6% expected if they failed "
                          "independently.")


def test_error_finding_no_more_than_independent():
    joint, _ = error_findings(_errors(0.01, 0.02))
    assert not joint.holds and "no more than the 2% expected" in joint.text


def test_error_finding_counts_significant_pairs():
    _, correlation = error_findings(_errors(0.1, 0.01, pvalues=(0.01, 0.2, 0.049)))
    assert correlation.evidence["n_significant"] == 2 and correlation.holds
    assert "2 of the 3 pair(s) are significantly correlated" in correlation.text
    _, correlation = error_findings(_errors(0.1, 0.01, pvalues=(0.05, 0.2, 0.5)))
    assert not correlation.holds
    assert "no pair is significantly correlated" in correlation.text


def test_error_finding_without_risk_or_pvalues():
    results = _errors(0.1, 0.01)
    del results["aggregated_risk"]
    (correlation,) = error_findings(results)
    assert "mean phik error correlation over the 3 pair(s) is 0.4" in (
        correlation.text
    )
    assert "no p-values" in correlation.text


def test_error_finding_with_every_pair_undefined():
    # models that never err: every correlation NaN, no largest pair
    results = _errors(0.0, 0.0)
    results["matrix"] = np.full((3, 3), np.nan)
    results["mean_correlation"] = float("nan")
    _, correlation = error_findings(results)
    assert correlation.evidence["largest"] is None


def test_error_findings_bad_input():
    with pytest.raises(ValueError, match="matrix"):
        error_findings({"models": [], "mean_correlation": 0.0})


def test_finding_to_dict_is_plain():
    finding = Finding("errors", "t", True, {"ratio": 7.0})
    assert finding.to_dict() == {"study": "errors", "text": "t", "holds": True,
                                 "evidence": {"ratio": 7.0}}
    assert math.isclose(finding.evidence["ratio"], 7.0)
