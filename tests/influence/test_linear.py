import numpy as np
import pytest
from scipy.stats import pearsonr
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
)
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from skcorr.influence import LinearInfluence


def _parameters(model):
    coef = np.atleast_2d(model.coef_)
    intercept = np.atleast_1d(model.intercept_)
    return np.hstack([coef, intercept[:, None]]).ravel()


def _example_losses(model, X, y):
    if isinstance(model, LogisticRegression):
        proba = model.predict_proba(X)
        return -np.log(proba[np.arange(len(y)), np.searchsorted(model.classes_, y)])
    return (y - model.predict(X)) ** 2


def _leave_one_out(model, X, y, X_eval, y_eval, rows):
    """Exact retraining without each row: parameter and eval-loss changes."""
    base_params = _parameters(model)
    base_losses = _example_losses(model, X_eval, y_eval)
    params, losses = [], []
    for row in rows:
        keep = np.arange(len(X)) != row
        refit = clone(model).fit(X[keep], y[keep])
        params.append(_parameters(refit) - base_params)
        losses.append(_example_losses(refit, X_eval, y_eval) - base_losses)
    return np.array(params), np.array(losses).T  # (n_rows, p), (n_eval, n_rows)


def _diabetes(n=120, start=0):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X[start : start + n], y[start : start + n]


def _breast_cancer(n=100, start=0):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X[start : start + n], y[start : start + n]


@pytest.mark.parametrize("model", [LinearRegression(), Ridge(alpha=10.0),
                                   Ridge(alpha=3.0, fit_intercept=False)])
def test_leverage_corrected_change_is_exact_leave_one_out_for_least_squares(model):
    X, y = _diabetes(60)
    model = clone(model).fit(X, y)
    influence = LinearInfluence(model, leverage_correction=True).fit(X, y)
    expected, _ = _leave_one_out(model, X, y, X[:1], y[:1], range(len(X)))
    if not model.fit_intercept:
        expected = expected[:, :-1]
    np.testing.assert_allclose(influence.leave_one_out_change(X, y), expected,
                               rtol=1e-7, atol=1e-7)


def test_least_squares_self_influence_is_the_leverage_formula():
    # removing row i raises its own squared residual from r^2 to (r / (1-h))^2
    X, y = _diabetes(60)
    model = LinearRegression().fit(X, y)
    influence = LinearInfluence(model).fit(X, y)
    design = np.hstack([X, np.ones((len(X), 1))])
    leverage = np.einsum("ij,jk,ik->i", design, np.linalg.inv(design.T @ design),
                         design)
    residual = y - model.predict(X)
    np.testing.assert_allclose(influence.self_influence(X, y),
                               2 * residual**2 * leverage, rtol=1e-8)


@pytest.mark.parametrize(
    "model",
    [Ridge(alpha=5.0), LogisticRegression(C=0.5, tol=1e-10, max_iter=1000),
     LogisticRegression(C=2.0, tol=1e-10, max_iter=1000)],
)
def test_gradient_of_the_objective_vanishes_with_sklearn_scaling(model):
    # the regularisation is scaled as sklearn's objective: sum of gradients
    # plus the penalty gradient is zero at the fitted parameters
    if isinstance(model, Ridge):
        X, y = _diabetes()
    else:
        X, y = _breast_cancer()
    model = clone(model).fit(X, y)
    influence = LinearInfluence(model)
    gradients, _ = influence._gradients_and_factors(X, y)
    total = gradients.sum(0) + influence._penalty_diagonal * _parameters(model)
    assert np.abs(total).max() < 1e-4 * np.abs(gradients).sum(0).max()


@pytest.mark.parametrize(
    "data, model",
    [
        (_diabetes, Ridge(alpha=1.0)),
        (_diabetes, LinearRegression()),
        (_breast_cancer, LogisticRegression(C=1.0, tol=1e-10, max_iter=1000)),
    ],
)
def test_influence_correlates_with_leave_one_out_retraining(data, model):
    # held-out evaluation rows, as in Koh & Liang (2017)
    X, y = data()
    X_eval, y_eval = data(n=40, start=400)
    model = clone(model).fit(X, y)
    _, actual = _leave_one_out(model, X, y, X_eval, y_eval, range(len(X)))
    predicted = LinearInfluence(model).fit(X, y).influence(X_eval, y_eval, X, y)
    assert pearsonr(predicted.ravel(), actual.ravel())[0] > 0.95


def test_multinomial_influence_and_leverage_correction_track_retraining():
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X, y, X_eval, y_eval = X[::2], y[::2], X[1::2], y[1::2]
    model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10)
    model.fit(X, y)
    rows = range(0, len(X), 3)
    expected, actual = _leave_one_out(model, X, y, X_eval, y_eval, rows)
    first_order = LinearInfluence(model).fit(X, y)
    corrected = LinearInfluence(model, leverage_correction=True).fit(X, y)
    assert first_order.n_params_ == 3 * 14
    predicted = first_order.influence(X_eval, y_eval, X[::3], y[::3])
    assert pearsonr(predicted.ravel(), actual.ravel())[0] > 0.9
    error_first = np.abs(first_order.leave_one_out_change(X[::3], y[::3]) - expected)
    error_corrected = np.abs(
        corrected.leave_one_out_change(X[::3], y[::3]) - expected
    )
    assert error_corrected.sum() < error_first.sum()


def test_shared_set_influence_is_symmetric_unless_leverage_corrected():
    X, y = _diabetes(40)
    model = Ridge(alpha=1.0).fit(X, y)
    plain = LinearInfluence(model).fit(X, y).influence(X, y, X, y)
    np.testing.assert_allclose(plain, plain.T, rtol=1e-10, atol=1e-10)
    corrected = LinearInfluence(model, leverage_correction=True).fit(X, y)
    matrix = corrected.influence(X, y, X, y)
    assert not np.allclose(matrix, matrix.T)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_logistic_hessian_against_finite_differences():
    """The Hessian of scikit-learn's objective ``sum_i L_i + ||W||^2 / (2C)``
    (the one that influence_removal steps with) against central differences of
    its gradient; multinomial, 10 classes, 650 parameters."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16, y[:400]
    model = LogisticRegression(max_iter=500).fit(X, y)

    def gradient(theta):
        m = LogisticRegression(C=model.C)
        m.classes_ = model.classes_
        m.coef_, m.intercept_ = theta[:, :-1].copy(), theta[:, -1].copy()
        data = LinearInfluence(m).loss_gradients(X, y).sum(axis=0)
        penalty = np.hstack([theta[:, :-1], np.zeros((len(theta), 1))]) / model.C
        return data + penalty.reshape(-1)

    theta = np.hstack([model.coef_, model.intercept_[:, None]])
    hessian = LinearInfluence(model).fit(X, y).hessian_
    v = np.random.RandomState(0).normal(size=theta.shape) * 1e-5
    fd = (gradient(theta + v) - gradient(theta - v)) / 2
    # central differences of a smooth objective: O(|v|^3) ~ 1e-15, far below
    np.testing.assert_allclose(fd, hessian @ v.ravel(), atol=1e-9)


def test_errors_name_the_problem():
    X, y = _breast_cancer(60)
    with pytest.raises(TypeError, match="supports LinearRegression"):
        LinearInfluence(Lasso().fit(X, y))
    with pytest.raises(ValueError, match="liblinear"):
        LinearInfluence(LogisticRegression(solver="liblinear").fit(X, y))
    with pytest.raises(ValueError, match="l1_ratio"):
        LinearInfluence(LogisticRegression(l1_ratio=1, solver="saga").fit(X, y))
    model = LogisticRegression().fit(X, y)
    influence = LinearInfluence(model)
    with pytest.raises(ValueError, match="not fitted"):
        influence.self_influence(X, y)
    influence.fit(X, y)
    with pytest.raises(ValueError, match="unseen by the estimator"):
        influence.self_influence(X[:2], [0, 7])
    with pytest.raises(ValueError, match="features"):
        influence.self_influence(X[:, :3], y)
    with pytest.raises(ValueError, match="one regression target"):
        LinearInfluence(Ridge().fit(X, np.c_[y, y]))


def _weighted_leave_one_out_parameters(model, X, y, weights):
    base = _parameters(model)
    changes = []
    for row in range(len(X)):
        keep = np.arange(len(X)) != row
        refit = clone(model).fit(X[keep], y[keep], sample_weight=weights[keep])
        changes.append(_parameters(refit) - base)
    return np.array(changes)


@pytest.mark.parametrize("model", [LinearRegression(), Ridge(alpha=10.0)])
def test_weighted_least_squares_leave_one_out_is_exact(model):
    # a fit with sample_weight: removing row i (and its weight) refits exactly
    X, y = _diabetes(50)
    weights = np.random.RandomState(0).uniform(0.2, 3.0, size=len(y))
    model = clone(model).fit(X, y, sample_weight=weights)
    influence = LinearInfluence(model, leverage_correction=True).fit(
        X, y, sample_weight=weights
    )
    expected = _weighted_leave_one_out_parameters(model, X, y, weights)
    np.testing.assert_allclose(
        influence.leave_one_out_change(X, y, sample_weight=weights), expected,
        rtol=1e-7, atol=1e-7,
    )


def test_integer_weights_give_the_hessian_of_repeated_rows():
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    counts = np.random.RandomState(1).randint(1, 4, size=len(y))
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=2000).fit(
        X, y, sample_weight=counts
    )
    weighted = LinearInfluence(model).fit(X, y, sample_weight=counts)
    repeated = LinearInfluence(model).fit(np.repeat(X, counts, axis=0),
                                          np.repeat(y, counts))
    # float64 sums of ~180 weighted and ~360 repeated rank-one terms, in other
    # orders: error <~ n * eps64 * max|H| ~ 4e-14 * max|H| (1e-14 seen). Small
    # off-diagonal entries (1e-4 of the largest) then carry relative errors of
    # up to 8e-13 (seen with OpenBLAS Sandybridge kernels): atol from the scale.
    np.testing.assert_allclose(weighted.hessian_, repeated.hessian_, rtol=1e-10,
                               atol=1e-12 * np.abs(repeated.hessian_).max())


@pytest.mark.parametrize(
    "model", [Ridge(alpha=5.0), LogisticRegression(C=0.5, tol=1e-10, max_iter=1000)]
)
def test_weighted_objective_gradient_vanishes(model):
    # sum_i w_i grad L_i + penalty gradient = 0 at the weighted fit
    X, y = _diabetes() if isinstance(model, Ridge) else _breast_cancer()
    weights = np.random.RandomState(2).uniform(0.1, 4.0, size=len(y))
    model = clone(model).fit(X, y, sample_weight=weights)
    influence = LinearInfluence(model)
    gradients, _ = influence._gradients_and_factors(X, y)
    total = (weights[:, None] * gradients).sum(0) + (
        influence._penalty_diagonal * _parameters(model)
    )
    assert np.abs(total).max() < 1e-4 * np.abs(gradients).sum(0).max()


def test_weighted_logistic_influence_tracks_weighted_retraining():
    X, y = _breast_cancer()
    weights = np.random.RandomState(3).uniform(0.2, 3.0, size=len(y))
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(
        X, y, sample_weight=weights
    )
    expected = _weighted_leave_one_out_parameters(model, X, y, weights)
    influence = LinearInfluence(model).fit(X, y, sample_weight=weights)
    predicted = influence.leave_one_out_change(X, y, sample_weight=weights)
    assert pearsonr(predicted.ravel(), expected.ravel())[0] > 0.95
    # ignoring the weights predicts the weighted refits worse
    unweighted = LinearInfluence(model).fit(X, y).leave_one_out_change(X, y)
    assert (np.abs(predicted - expected).sum()
            < np.abs(unweighted - expected).sum())


def test_bad_sample_weight_is_refused():
    X, y = _diabetes(30)
    influence = LinearInfluence(LinearRegression().fit(X, y))
    with pytest.raises(ValueError, match="Negative values in data"):
        influence.fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(29,\)"):
        influence.fit(X, y, sample_weight=np.ones(len(y) - 1))
    influence.fit(X, y)
    with pytest.raises(ValueError, match="Negative values in data"):
        influence.leave_one_out_change(X, y, sample_weight=-np.ones(len(y)))
