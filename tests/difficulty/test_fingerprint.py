import math

import numpy as np
import pytest
from scipy.stats import ttest_ind
from sklearn.model_selection import train_test_split

from skcorr.difficulty import ArchitectureFingerprinter


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
    model = ArchitectureFingerprinter(n_examples=2).fit(X, y)
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
    one = ArchitectureFingerprinter(n_examples=3).fit(X, y)
    two = ArchitectureFingerprinter(n_examples=3, n_scores=2).fit(both, y)
    np.testing.assert_allclose(two.example_statistic_, one.example_statistic_)


def test_beats_chance_and_the_baselines_on_held_out_runs():
    X, y = _runs()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    accuracy = {
        selection: ArchitectureFingerprinter(
            n_examples=10, selection=selection, random_state=0
        ).fit(X_train, y_train).score(X_test, y_test)
        for selection in ("t_test", "random", "aggregate")
    }
    fitted = ArchitectureFingerprinter(n_examples=10).fit(X_train, y_train)
    assert set(fitted.selected_examples_) <= set(range(10))
    assert accuracy["t_test"] > 1 / 3 + 0.3
    assert accuracy["t_test"] > accuracy["random"]
    assert accuracy["t_test"] > accuracy["aggregate"]


def test_bad_column_count_is_named():
    X, y = _runs(n_runs=4, n_examples=5)
    with pytest.raises(ValueError, match="not a multiple of n_scores=2"):
        ArchitectureFingerprinter(n_scores=2).fit(X, y)
