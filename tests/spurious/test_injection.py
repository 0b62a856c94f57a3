import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from skcorr.spurious import (
    SpuriousInjectionClassifier,
    SpuriousInjector,
    make_pattern,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400], y[:400]


def test_rows_chosen_as_in_the_study(digits):
    X, y = digits
    pattern = make_pattern("S2", (8, 8), value_range=(0, 16))
    injector = SpuriousInjector(pattern, n_examples=7, target_class=3, random_state=5)
    X_res, y_res = injector.fit_resample(X, y)
    expected = np.random.RandomState(5).choice(np.where(y == 3)[0], 7, replace=False)
    np.testing.assert_array_equal(injector.spurious_indices_, expected)
    np.testing.assert_array_equal(y_res, y)
    changed = np.flatnonzero((X_res != X).any(axis=1))
    assert set(changed) <= set(expected)
    np.testing.assert_array_equal(X_res[expected], pattern.apply(X[expected]))
    others = np.setdiff1d(np.arange(len(X)), expected)
    np.testing.assert_array_equal(X_res[others], X[others])
    # fit alone chooses the same rows
    np.testing.assert_array_equal(
        injector.fit(X, y).spurious_indices_, injector.spurious_indices_
    )


def test_same_random_state_same_result(digits):
    X, y = digits
    pattern = make_pattern("R1", (8, 8), value_range=(0, 16), random_state=0)
    a = SpuriousInjector(pattern, 10, 0, random_state=1).fit_resample(X, y)[0]
    b = SpuriousInjector(pattern, 10, 0, random_state=1).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)


def test_zero_examples_patch_nothing(digits):
    X, y = digits
    injector = SpuriousInjector(make_pattern("S3", (8, 8)), 0, target_class=0)
    X_res, _ = injector.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    assert injector.spurious_indices_.shape == (0,)


def test_integer_data_becomes_float():
    X = np.zeros((4, 4), dtype=int)
    X_res, _ = SpuriousInjector(
        make_pattern("R1", (2, 2), random_state=0), 1, 1, random_state=0
    ).fit_resample(X, [0, 1, 0, 1])
    assert X_res.dtype == np.float64 and X_res.sum() > 0


def test_too_many_examples_and_unknown_class_and_size(digits):
    X, y = digits
    pattern = make_pattern("S1", (8, 8))
    n_zeros = int((y == 0).sum())
    with pytest.raises(ValueError, match=f"exceeds the {n_zeros} examples"):
        SpuriousInjector(pattern, n_zeros + 1, 0).fit_resample(X, y)
    with pytest.raises(ValueError, match="target_class=11 is not among"):
        SpuriousInjector(pattern, 1, 11).fit_resample(X, y)
    with pytest.raises(ValueError, match="is for images of shape"):
        SpuriousInjector(make_pattern("S1", (28, 28)), 1, 0).fit_resample(X, y)
    with pytest.raises(ValueError, match="n_examples"):
        SpuriousInjector(pattern, -1, 0).fit_resample(X, y)


def test_tabular_spurious_feature_value():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = (rng.rand(60) > 0.5).astype(int)
    pattern = make_pattern("feature", (5,), columns=[4], value=10.0)
    X_res, _ = SpuriousInjector(pattern, 5, 1, random_state=0).fit_resample(X, y)
    assert (X_res[:, 4] == 10.0).sum() == 5
    assert (y[X_res[:, 4] == 10.0] == 1).all()


def test_classifier_injects_in_fit_only(digits):
    X, y = digits
    pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    clf = SpuriousInjectionClassifier(
        LogisticRegression(max_iter=500), pattern, 20, target_class=0, random_state=0
    ).fit(X, y)
    X_res, _ = SpuriousInjector(pattern, 20, 0, random_state=0).fit_resample(X, y)
    direct = LogisticRegression(max_iter=500).fit(X_res, y)
    np.testing.assert_allclose(clf.predict_proba(X), direct.predict_proba(X))
    np.testing.assert_array_equal(clf.predict(X), direct.predict(X))
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    assert clf.spurious_indices_.shape == (20,)


def test_classifier_without_predict_proba_hides_it(digits):
    from sklearn.svm import LinearSVC

    clf = SpuriousInjectionClassifier(LinearSVC(), make_pattern("S1", (8, 8)), 1)
    assert not hasattr(clf, "predict_proba")
    assert hasattr(clf, "decision_function")
