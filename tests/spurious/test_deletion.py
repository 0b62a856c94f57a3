import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skcorr.spurious import (
    SpuriousInjector,
    incremental_retraining,
    influence_removal,
    make_pattern,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def test_binary_logistic_update_matches_exact_retraining():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] - X[:, 1] + rng.normal(size=300) > 0).astype(int)
    model = LogisticRegression(C=0.5, tol=1e-12, max_iter=1000).fit(X, y)
    for method, share in (("newton", 0.02), ("first_order", 0.2)):
        result = influence_removal(model, X, y, [3, 17, 40], method=method)
        ref = result.retrained
        moved = np.abs(model.coef_ - ref.coef_).max()
        assert moved > 0.01  # the removal matters
        atol = share * moved
        np.testing.assert_allclose(result.estimator.coef_, ref.coef_, atol=atol)
        np.testing.assert_allclose(
            result.estimator.intercept_, ref.intercept_, atol=atol
        )


def test_multinomial_update_moves_most_of_the_way(digits):
    X, y = digits
    model = LogisticRegression(tol=1e-12, max_iter=5000).fit(X, y)
    original = model.coef_.copy()
    for method, share in (("newton", 0.15), ("first_order", 0.4)):
        result = influence_removal(model, X, y, [0, 5, 9], method=method)
        ref = result.retrained
        before = np.abs(model.coef_ - ref.coef_).max()
        after = np.abs(result.estimator.coef_ - ref.coef_).max()
        assert after < share * before
    np.testing.assert_array_equal(model.coef_, original)  # left unchanged


def test_unpenalised_and_no_intercept_variants(digits):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    model = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12).fit(X, y)
    result = influence_removal(model, X, y, [1, 2], method="newton")
    moved = np.abs(model.coef_ - result.retrained.coef_).max()
    np.testing.assert_allclose(
        result.estimator.coef_, result.retrained.coef_, atol=0.02 * moved
    )


def test_incremental_retraining_with_sgd_keeps_original(digits):
    X, y = digits
    sgd = SGDClassifier(random_state=0, max_iter=20, tol=None).fit(X, y)
    coef = sgd.coef_.copy()
    result = incremental_retraining(sgd, X, y, remove=[0, 1, 2], epochs=3)
    np.testing.assert_array_equal(sgd.coef_, coef)
    assert not np.allclose(result.estimator.coef_, coef)
    assert result.retrained is not None


def test_scores_are_reported_with_a_pattern(digits):
    X, y = digits
    pattern = make_pattern("S3", (8, 8))
    injector = SpuriousInjector(pattern, 30, 0, random_state=0)
    X_patched, _ = injector.fit_resample(X, y)
    model = LogisticRegression(max_iter=1000).fit(X_patched, y)
    X_eval, y_eval = load_digits(return_X_y=True)
    X_eval, y_eval = X_eval[1000:] / 16, y_eval[1000:]
    result = influence_removal(
        model,
        X_patched,
        y,
        injector.spurious_indices_,
        X_eval=X_eval,
        y_eval=y_eval,
        pattern=pattern,
        target_class=0,
    )
    assert result.score_before > 0.2
    assert result.score_retrained < 0.05
    assert result.score_retrained <= result.score_after <= result.score_before


def test_bad_inputs(digits):
    X, y = digits
    model = LogisticRegression(max_iter=300).fit(X, y)
    with pytest.raises(ValueError, match="out of range"):
        influence_removal(model, X, y, [10_000])
    with pytest.raises(ValueError, match="Pass X_eval"):
        influence_removal(model, X, y, [1], pattern=make_pattern("S1", (8, 8)))
    with pytest.raises(ValueError, match="L2"):
        influence_removal(
            LogisticRegression(l1_ratio=1.0, solver="saga", max_iter=5000).fit(X, y),
            X,
            y,
            [1],
        )
    with pytest.raises(TypeError, match="supports scikit-learn's LogisticRegression"):
        from sklearn.neighbors import KNeighborsClassifier

        influence_removal(KNeighborsClassifier().fit(X, y), X, y, [1])


def test_removing_every_row_of_the_target_class(digits):
    X, y = digits
    X_eval, y_eval = X[:200], y[:200]
    pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    model = SGDClassifier(loss="log_loss", random_state=0).fit(X, y)
    every_nine = np.flatnonzero(y == 9)
    # the model retrained from scratch cannot predict class 9: refused, named
    with pytest.raises(ValueError, match="every training row of target_class=9"):
        incremental_retraining(model, X, y, remove=every_nine, X_eval=X_eval,
                               y_eval=y_eval, pattern=pattern, target_class=9,
                               epochs=1)
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    torch.manual_seed(0)
    net = skorch.NeuralNetClassifier(
        torch.nn.Linear(64, 10), criterion=torch.nn.CrossEntropyLoss, max_epochs=1,
        lr=0.01, train_split=None, verbose=0,
    ).fit(X.astype(np.float32), y.astype(np.int64))
    result = incremental_retraining(
        net, X.astype(np.float32), y.astype(np.int64), remove=every_nine,
        X_eval=X_eval.astype(np.float32), y_eval=y_eval, pattern=pattern,
        target_class=9, epochs=1, reference=False,
    )
    # skorch re-infers classes from each call's y; the retrained net keeps all 10
    np.testing.assert_array_equal(result.estimator.classes_, np.arange(10))
    assert np.isfinite(result.score_after)
