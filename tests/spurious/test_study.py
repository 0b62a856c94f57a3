"""The study's qualitative findings on digits, with small settings."""

import numpy as np
import pytest

from skcorr.spurious import SpuriousStudy, run_spurious_study, summarize_spurious_study

pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def study():
    return run_spurious_study(
        patterns=("S1", "S3", "R3"),
        n_examples=(0, 5, 60),
        models=("logistic",),
        n_seeds=2,
        random_state=0,
    )


@pytest.fixture(scope="module")
def results(study):
    return study.runs


def test_result_has_the_shape_of_every_study(study):
    assert isinstance(study, SpuriousStudy)
    assert study.study == "spurious" and study.n_seeds == 2
    assert study.settings["patterns"] == ["S1", "S3", "R3"]
    # the summary is summarize_spurious_study of the runs, as a flat table
    expected = summarize_spurious_study(study.runs).reset_index()
    np.testing.assert_array_equal(study.summary["score"], expected["score"])
    assert len(study.summary) == 3 * 3  # pattern x n
    assert set(study.tables) == {"summary", "runs"}
    plain = study.to_dict()
    assert len(plain["runs"]) == len(study.runs) == 3 * 3 * 2
    assert plain["findings"][0]["text"] == study.findings[0].text


def test_score_near_zero_at_zero_and_rising_with_n(results):
    summary = summarize_spurious_study(results)
    for pattern in ("S3", "R3"):
        curve = summary.loc[("logistic", pattern)]["score"].to_numpy()
        assert curve[0] < 0.05
        assert curve[-1] > curve[0] + 0.05
    at_zero = results[results.n_examples == 0]
    np.testing.assert_allclose(at_zero.score, at_zero.baseline_score)


def test_larger_norm_larger_score(results):
    top = results[results.n_examples == 60].groupby("pattern")[["norm", "score"]]
    top = top.mean()
    assert top.loc["S1", "norm"] < top.loc["S3", "norm"]
    assert top.loc["S1", "score"] < top.loc["S3", "score"]


def test_same_random_state_same_results_whatever_n_jobs(results):
    again = run_spurious_study(
        patterns=("S1", "S3", "R3"),
        n_examples=(0, 5, 60),
        models=("logistic",),
        n_seeds=2,
        random_state=0,
        n_jobs=2,
    )
    np.testing.assert_array_equal(again.runs.score, results.score)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"Unknown dataset 'cifar10'; use one of "
                       r"\['digits', 'mnist'\]"):
        run_spurious_study("cifar10")
    with pytest.raises(ValueError, match="training split has only"):
        run_spurious_study(n_examples=(0, 1000), models=("logistic",), n_seeds=1)
    with pytest.raises(ValueError, match="Unknown model"):
        run_spurious_study(patterns=("S1",), n_examples=(0,), models=("svm",))
