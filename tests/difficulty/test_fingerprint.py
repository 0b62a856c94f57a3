import math

import numpy as np
import pytest
from scipy.stats import ttest_ind
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from skcorr.difficulty import (
    ArchitectureFingerprinter,
    leave_one_architecture_out_score,
)


def _runs(n_runs=30, n_examples=300, n_sensitive=10, shift=1.0, seed=0):
    """Three architectures; a few examples are sensitive to architecture."""
    rng = np.random.RandomState(seed)
    labels = np.repeat(["mlp", "wide", "cnn"], n_runs)
    shared = rng.normal(size=n_examples)  # one notion of difficulty
    X = shared + rng.normal(size=(labels.size, n_examples))
    offsets = {"mlp": 0.0, "wide": shift, "cnn": -shift}
    for name, offset in offsets.items():
        X[labels == name, :n_sensitive] += offset
    return X, labels


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
def test_statistic_matches_scipy_welch():
    X, y = _runs(n_runs=6, n_examples=8)
    X[:, 3] = 1.0  # constant example: NaN p-values count as 1
    model = ArchitectureFingerprinter(k=2).fit(X, y)
    Z = (X - X.mean()) / X.std()
    expected = []
    for e in range(8):
        values = []
        for a, b in [("cnn", "mlp"), ("cnn", "wide"), ("mlp", "wide")]:
            p = ttest_ind(Z[y == a, e], Z[y == b, e], equal_var=False).pvalue
            values.append(-math.log((1.0 if np.isnan(p) else p) + 1e-15))
        expected.append(np.mean(values))
    np.testing.assert_allclose(model.example_statistic_, expected)
    assert model.example_statistic_[3] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(model.selected_examples_,
                                  np.argsort(-np.array(expected))[:2])


def test_several_scores_are_averaged():
    X, y = _runs(n_runs=6, n_examples=8)
    both = np.hstack([X, 2 * X + 1])  # the same score twice, rescaled
    one = ArchitectureFingerprinter(k=3).fit(X, y)
    two = ArchitectureFingerprinter(k=3, n_scores=2).fit(both, y)
    np.testing.assert_allclose(two.example_statistic_, one.example_statistic_)


def test_beats_chance_and_the_baselines_on_held_out_runs():
    X, y = _runs()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    accuracy = {
        selection: ArchitectureFingerprinter(
            k=10, selection=selection, random_state=0
        ).fit(X_train, y_train).score(X_test, y_test)
        for selection in ("t_test", "random", "aggregate")
    }
    fitted = ArchitectureFingerprinter(k=10).fit(X_train, y_train)
    assert set(fitted.selected_examples_) <= set(range(10))
    assert accuracy["t_test"] > 1 / 3 + 0.3
    assert accuracy["t_test"] > accuracy["random"]
    assert accuracy["t_test"] > accuracy["aggregate"]


def test_bad_column_count_is_named():
    X, y = _runs(n_runs=4, n_examples=5)
    with pytest.raises(ValueError, match="not a multiple of n_scores=2"):
        ArchitectureFingerprinter(n_scores=2).fit(X, y)


# ------------------------------------------------ leave one architecture out
def _marked_runs(n_runs=20, n_examples=40, seed=0):
    """Example 0 marks mlp, example 1 marks wide, example 2 marks cnn."""
    rng = np.random.RandomState(seed)
    labels = np.repeat(["mlp", "wide", "cnn"], n_runs)
    X = rng.normal(size=(labels.size, n_examples))
    for column, name in enumerate(["mlp", "wide", "cnn"]):
        X[labels == name, column] += 5.0
    return X, labels


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
def test_excluded_architecture_takes_no_part_in_the_t_tests():
    X, y = _runs(n_runs=6, n_examples=8)
    model = ArchitectureFingerprinter(k=2,
                                      exclude_from_selection=["wide"]).fit(X, y)
    Z = (X - X.mean()) / X.std()
    p = ttest_ind(Z[y == "cnn"], Z[y == "mlp"], axis=0, equal_var=False).pvalue
    np.testing.assert_allclose(model.example_statistic_, -np.log(p + 1e-15))
    # the classifier still knows every architecture
    assert set(model.predict(X)) <= {"cnn", "mlp", "wide"}
    assert model.classes_.tolist() == ["cnn", "mlp", "wide"]


def test_leave_one_architecture_out_selects_without_the_classified_one():
    X, y = _marked_runs()
    train, test = np.arange(60) % 2 == 0, np.arange(60) % 2 == 1
    template = ArchitectureFingerprinter(k=2, random_state=0)
    result = leave_one_architecture_out_score(template, X[train], y[train],
                                              X[test], y[test])
    # without mlp, only wide and cnn are compared: examples 1 and 2 win
    assert {k: set(v) for k, v in result.selected_examples.items()} == {
        "mlp": {1, 2}, "wide": {0, 2}, "cnn": {0, 1}
    }
    # each held-out run is judged by the model that never selected with its label
    for label in ("mlp", "wide", "cnn"):
        model = ArchitectureFingerprinter(
            k=2, random_state=0, exclude_from_selection=[label]
        ).fit(X[train], y[train])
        mine = test & (y == label)
        hits = model.predict(X[mine]) == label
        assert result.per_architecture[label] == np.mean(hits)
    per_architecture = list(result.per_architecture.values())
    assert result.accuracy == pytest.approx(np.mean(per_architecture))
    # the marks of the other two still tell the left-out one apart: all-low
    assert result.accuracy > 0.9


def test_leave_one_architecture_out_loses_a_mark_only_one_architecture_has():
    X, y = _marked_runs()
    X[:, 2] = np.random.RandomState(1).normal(size=60)  # cnn loses its mark
    train, test = np.arange(60) % 2 == 0, np.arange(60) % 2 == 1
    template = ArchitectureFingerprinter(k=2, random_state=0)
    full = clone(template).fit(X[train], y[train])
    assert set(full.selected_examples_) == {0, 1}
    assert full.score(X[test], y[test]) == 1.0
    result = leave_one_architecture_out_score(template, X[train], y[train],
                                              X[test], y[test])
    # without mlp, mlp's own mark (example 0) is not selected: mlp and cnn
    # runs now look alike, and the mlp runs are mostly lost
    assert 0 not in result.selected_examples["mlp"]
    assert 1 not in result.selected_examples["wide"]
    assert result.per_architecture["mlp"] < 0.5
    assert result.accuracy < 0.8


def test_leave_one_architecture_out_errors():
    X, y = _marked_runs(n_runs=4)
    template = ArchitectureFingerprinter(k=2)
    two = np.isin(y, ["mlp", "wide"])
    with pytest.raises(ValueError, match="at least three architectures"):
        leave_one_architecture_out_score(template, X[two], y[two], X[two], y[two])
    with pytest.raises(ValueError, match="t-test selection"):
        leave_one_architecture_out_score(
            ArchitectureFingerprinter(selection="random"), X, y, X, y)
    with pytest.raises(TypeError, match="ArchitectureFingerprinter"):
        leave_one_architecture_out_score(object(), X, y, X, y)
    with pytest.raises(ValueError, match="not in y: \\['gpt'\\]"):
        ArchitectureFingerprinter(exclude_from_selection=["gpt"]).fit(X, y)
    with pytest.raises(ValueError, match="two architectures not excluded"):
        ArchitectureFingerprinter(exclude_from_selection=["mlp", "cnn"]).fit(X, y)


# ----------------------------------------------------- k-means + Hungarian
def test_kmeans_clusters_are_matched_one_to_one_by_the_hungarian_algorithm():
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    # blob 1 holds 5 'a' and 4 'b' runs: a majority vote would call it 'a'
    # and leave 'b' without a cluster; the matching gives each class one
    blob = np.repeat([0, 1, 1, 2], [6, 5, 4, 5])
    y = np.repeat(["a", "a", "b", "c"], [6, 5, 4, 5])
    X = centres[blob] + 0.01 * rng.normal(size=(blob.size, 2))
    model = ArchitectureFingerprinter(k=2, classifier="kmeans",
                                      random_state=0).fit(X, y)
    assert sorted(model.cluster_classes_) == [0, 1, 2]
    np.testing.assert_array_equal(model.predict(centres), ["a", "b", "c"])
    assert not hasattr(model, "predict_proba")
    decision = model.decision_function(centres)
    np.testing.assert_array_equal(model.classes_[decision.argmax(1)],
                                  ["a", "b", "c"])


def test_kmeans_fingerprints_held_out_runs_and_binary_decisions_agree():
    X, y = _runs(shift=3.0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    model = ArchitectureFingerprinter(k=10, classifier="kmeans",
                                      random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.9
    binary = y != "cnn"
    model = ArchitectureFingerprinter(k=5, classifier="kmeans",
                                      random_state=0).fit(X[binary], y[binary])
    decision = model.decision_function(X[binary])
    assert decision.shape == (binary.sum(),)
    np.testing.assert_array_equal(model.classes_[(decision > 0).astype(int)],
                                  model.predict(X[binary]))


@parametrize_with_checks(
    [ArchitectureFingerprinter(classifier="kmeans", random_state=0)]
)
def test_kmeans_variant_passes_the_estimator_checks(estimator, check):
    # tests/test_common.py checks the default (logistic) fingerprinter
    check(estimator)
