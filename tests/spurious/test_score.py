import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate, validation_curve

from skcorr.spurious import (
    SpuriousInjectionClassifier,
    make_pattern,
    make_spurious_scorer,
    spurious_score,
    spurious_significance,
)
from skcorr.spurious._score import spurious_indicators


class _FixedProba:
    """A 'model' whose probability of class 1 is the first feature."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        p = np.clip(np.asarray(X)[:, 0], 0, 1)
        return np.column_stack([1 - p, p])


def test_score_by_hand():
    X = np.array([[0.0, 0], [0.5, 0], [0.95, 0], [0.2, 0]])
    y = np.array([0, 0, 0, 1])
    # the pattern sets feature 0 to 1: p_1 rises by 1, 0.5, 0.05, 0.8
    pattern = make_pattern("feature", (2,), columns=[0], value=1.0)
    model = _FixedProba()
    kw = dict(pattern=pattern, target_class=1)
    assert spurious_score(model, X, y, **kw) == pytest.approx(2 / 3)
    assert spurious_score(model, X, y, exclude_target=False, **kw) == 0.75
    assert spurious_score(model, X, y, threshold=0.6, **kw) == pytest.approx(1 / 3)
    assert spurious_score(
        model, X, y, sample_weight=[1, 0, 1, 5], **kw
    ) == pytest.approx(0.5)
    ind, kept = spurious_indicators(model, X, y, **kw)
    np.testing.assert_array_equal(ind, [1, 1, 0])
    np.testing.assert_array_equal(kept, [True, True, True, False])


def test_errors_are_clear():
    pattern = make_pattern("feature", (2,), columns=[0])
    model = _FixedProba()
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="needs their labels: pass y"):
        spurious_score(model, X, pattern=pattern, target_class=1)
    with pytest.raises(ValueError, match="target_class=7 is not a class"):
        spurious_score(model, X, [0, 0, 1], pattern=pattern, target_class=7)
    with pytest.raises(ValueError, match="No test row is left"):
        spurious_score(model, X, [1, 1, 1], pattern=pattern, target_class=1)
    with pytest.raises(ValueError, match="is for images of shape"):
        spurious_score(
            model, np.zeros((3, 5)), [0, 0, 0], pattern=pattern, target_class=1
        )


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:900], y[:900], X[900:], y[900:]


def _clf(pattern, n):
    return SpuriousInjectionClassifier(
        LogisticRegression(max_iter=300), pattern, n, target_class=0, random_state=0
    )


def test_main_curve_with_validation_curve_rises_from_zero(digits):
    X, y, _, _ = digits
    pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    scorer = make_spurious_scorer(pattern=pattern, target_class=0)
    _, test = validation_curve(
        _clf(pattern, 0),
        X,
        y,
        param_name="n_examples",
        param_range=[0, 3, 20, 60],
        cv=3,
        scoring=scorer,
    )
    curve = test.mean(axis=1)
    assert curve[0] < 0.02
    assert curve[-1] > curve[0] + 0.2
    assert np.all(np.diff(curve) >= -0.05)


def test_scorer_in_grid_search_and_multimetric_cross_validate(digits):
    X, y, _, _ = digits
    pattern = make_pattern("S2", (8, 8), value_range=(0, 16))
    scorer = make_spurious_scorer(pattern=pattern, target_class=0)
    grid = GridSearchCV(
        _clf(pattern, 0), {"n_examples": [0, 40]}, scoring=scorer, cv=2
    ).fit(X, y)
    assert grid.best_params_ == {"n_examples": 40}
    result = cross_validate(
        _clf(pattern, 40),
        X,
        y,
        cv=2,
        scoring={"spurious": scorer, "accuracy": "accuracy"},
    )
    assert result["test_spurious"].shape == (2,)
    assert result["test_accuracy"].min() > 0.8
    assert "threshold=0.1" in repr(scorer)


def test_significance_is_welch_one_sided(digits):
    X, y, X_test, y_test = digits
    pattern = make_pattern("R3", (8, 8), value_range=(0, 16), random_state=0)
    model, base = _clf(pattern, 40).fit(X, y), _clf(pattern, 0).fit(X, y)
    kw = dict(pattern=pattern, target_class=0)
    result = spurious_significance(model, base, X_test, y_test, **kw)
    a, _ = spurious_indicators(model, X_test, y_test, **kw)
    b, _ = spurious_indicators(base, X_test, y_test, **kw)
    expected = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.score == spurious_score(model, X_test, y_test, **kw)
    assert result.pvalue < 0.01
    same = spurious_significance(base, base, X_test, y_test, **kw)
    assert same.pvalue == pytest.approx(0.5) and same.score == same.baseline_score


def test_significance_of_constant_indicators_is_defined():
    model = _FixedProba()
    X, y = np.full((4, 2), 0.99), np.zeros(4)
    pattern = make_pattern("feature", (2,), columns=[0], value=1.0)
    result = spurious_significance(model, model, X, y, pattern=pattern, target_class=1)
    assert (result.statistic, result.pvalue) == (0.0, 1.0)
    X[:, 0] = 0.0
    result = spurious_significance(
        model, _FixedProba(), X, y, pattern=pattern, target_class=1, threshold=-2
    )
    assert result.pvalue == 1.0
