"""The linear datamodeling score and exact leave-one-out influence, checked
against hand-worked cases, naive retraining loops and scipy."""

import numpy as np
import pytest
from joblib import Memory
from scipy.stats import spearmanr
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.influence import (
    LinearInfluence,
    leave_one_out_influence,
    linear_datamodeling_score,
    subset_retraining_outputs,
)


def prediction(model, X, y):
    """An output that is the model's prediction (module level: picklable)."""
    return model.predict(X)


def diabetes(n_train=80, n_eval=20):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    return X[:n_train], y[:n_train], X[n_train:n_train + n_eval], y[
        n_train:n_train + n_eval]


def test_additive_model_gets_lds_one_and_its_negation_minus_one():
    # DummyRegressor(mean) on subsets of one size m: f(S) = sum_{i in S} y_i / m
    # = (sum_all - sum_{i not in S} y_i) / m, so the influence -y_i (constant over
    # evaluation rows) predicts the change exactly, up to a positive factor
    rng = np.random.RandomState(0)
    y = rng.randn(40)
    X, X_eval = np.zeros((40, 1)), np.zeros((5, 1))
    retraining = subset_retraining_outputs(
        DummyRegressor(), X, y, X_eval, np.zeros(5), n_subsets=20,
        output=prediction, random_state=0,
    )
    influence = np.tile(-y, (5, 1))
    result = linear_datamodeling_score(retraining, influence)
    # identical ranks: Pearson of two equal rank vectors, 1 up to rounding
    np.testing.assert_allclose(result.per_example, 1.0, rtol=0, atol=1e-12)
    assert result.score == pytest.approx(1.0, abs=1e-12)
    # the actual change is exactly mean(y_S) - mean(y), worked by hand
    subsets = retraining.subsets
    expected = np.array([y[s].mean() for s in subsets]) - y.mean()
    np.testing.assert_allclose(result.actual[:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(result.predicted[:, 0],
                               -(y * ~subsets).sum(axis=1), rtol=1e-12)
    flipped = linear_datamodeling_score(retraining, -influence)
    assert flipped.score == pytest.approx(-1.0, abs=1e-12)
    # exact leave-one-out of the mean, (sum - y_i) / (n - 1) - sum / n, is
    # -y_i / (n - 1) plus a constant: additive here, so its LDS is 1 too
    loo = leave_one_out_influence(DummyRegressor(), X, y, X_eval, np.zeros(5),
                                  output=prediction)
    np.testing.assert_allclose(
        loo[0], (y.sum() - y) / 39 - y.mean(), rtol=1e-12, atol=1e-15)
    assert linear_datamodeling_score(retraining, loo).score == pytest.approx(
        1.0, abs=1e-12)


def test_subsets_have_the_asked_size_and_are_seeded():
    X, y, X_eval, y_eval = diabetes(n_train=30, n_eval=4)
    first = subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                      subset_fraction=0.3, n_subsets=6,
                                      random_state=3)
    assert first.subsets.shape == (6, 30)
    assert first.subsets.sum(axis=1).tolist() == [9] * 6  # round(0.3 * 30)
    assert len({tuple(row) for row in first.subsets}) == 6
    again = subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                      subset_fraction=0.3, n_subsets=6,
                                      random_state=3)
    np.testing.assert_array_equal(first.subsets, again.subsets)
    np.testing.assert_array_equal(first.outputs, again.outputs)


@pytest.mark.parametrize("classification", [False, True])
def test_equals_a_naive_retraining_loop_and_scipy(classification):
    if classification:
        X, y = load_breast_cancer(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        X, y, X_eval, y_eval = X[:60], y[:60], X[60:75], y[60:75]
        estimator = LogisticRegression()
    else:
        X, y, X_eval, y_eval = diabetes(n_train=60, n_eval=15)
        estimator = Ridge()
    retraining = subset_retraining_outputs(estimator, X, y, X_eval, y_eval,
                                           n_subsets=8, random_state=0)
    model = clone(estimator).fit(X, y)
    influence = LinearInfluence(model).fit(X, y).influence(X_eval, y_eval, X, y)
    result = linear_datamodeling_score(retraining, influence)

    def losses(fitted):
        if classification:
            return -np.log(fitted.predict_proba(X_eval)[np.arange(15), y_eval])
        return (y_eval - fitted.predict(X_eval)) ** 2

    full = losses(clone(estimator).fit(X, y))
    naive_actual, naive_predicted = [], []
    for kept in retraining.subsets:
        naive_actual.append(losses(clone(estimator).fit(X[kept], y[kept])) - full)
        naive_predicted.append([sum(influence[z, i] for i in range(len(y))
                                    if not kept[i]) for z in range(len(y_eval))])
    naive_actual, naive_predicted = np.array(naive_actual), np.array(naive_predicted)
    # the same fits, here on the process's BLAS threads and there on one:
    # float64 solves of 10-30 features agree to ~1e-13 relative; the loss
    # differences are of order 1e-3 or more, so 1e-8 relative is ample
    np.testing.assert_allclose(result.actual, naive_actual, rtol=1e-8, atol=1e-12)
    # a GEMM against a Python sum: reordered float64 sums, ~1e-15 relative
    np.testing.assert_allclose(result.predicted, naive_predicted, rtol=1e-10,
                               atol=1e-12)
    # with the same ranks, two Pearson formulas of ranks agree to ~1e-15
    naive = [spearmanr(naive_predicted[:, z], naive_actual[:, z])[0]
             for z in range(len(y_eval))]
    np.testing.assert_allclose(result.per_example, naive, rtol=0, atol=1e-12)
    assert result.score == pytest.approx(np.mean(naive), abs=1e-12)


def test_leave_one_out_of_least_squares_equals_the_leverage_formula():
    # removing row i moves OLS's parameters by exactly the leverage formula
    # (LinearInfluence with leverage_correction), so its prediction on z moves
    # by x_z . change_i: the closed form as an oracle of the retraining
    X, y, X_eval, y_eval = diabetes(n_train=40, n_eval=6)
    loo = leave_one_out_influence(LinearRegression(), X, y, X_eval, y_eval,
                                  output=prediction)
    model = LinearRegression().fit(X, y)
    change = LinearInfluence(model, leverage_correction=True).fit(
        X, y).leave_one_out_change(X, y)
    expected = np.hstack([X_eval, np.ones((6, 1))]) @ change.T
    # float64 least squares with condition number ~1e2: ~1e-13 absolute
    np.testing.assert_allclose(loo, expected, rtol=1e-8, atol=1e-10)
    # the loss: (y - f_-i)^2 - (y - f)^2, by a naive loop
    loss_loo = leave_one_out_influence(LinearRegression(), X, y, X_eval, y_eval)
    full = (y_eval - model.predict(X_eval)) ** 2
    naive = np.array([
        (y_eval - LinearRegression().fit(np.delete(X, i, 0), np.delete(y, i))
         .predict(X_eval)) ** 2 - full for i in range(40)
    ]).T
    np.testing.assert_allclose(loss_loo, naive, rtol=1e-8, atol=1e-12)


def _outputs_under(backend, **params):
    from joblib import parallel_config

    X, y, X_eval, y_eval = diabetes(n_train=40, n_eval=5)
    with parallel_config(backend=backend):
        return subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                         n_subsets=5, random_state=1, **params)


def _assert_same_retraining(first, second):
    np.testing.assert_array_equal(first.outputs, second.outputs)
    np.testing.assert_array_equal(first.full_outputs, second.full_outputs)
    np.testing.assert_array_equal(first.subsets, second.subsets)


def test_n_jobs_in_threads_gives_bit_identical_outputs():
    serial = _outputs_under("threading", n_jobs=1)
    _assert_same_retraining(serial, _outputs_under("threading", n_jobs=2))


@pytest.mark.slow
def test_n_jobs_in_processes_gives_bit_identical_outputs():
    # loky workers start with their own BLAS threads: the fits run on one
    serial = _outputs_under("loky", n_jobs=1)
    _assert_same_retraining(serial, _outputs_under("loky", n_jobs=2))


def test_random_influence_scores_near_zero():
    # independent random influence rows: each example's Spearman has mean 0
    # (sign symmetry) and variance about 1 / (M - 1), independently across
    # examples given the subsets, so the mean over 20 examples and M = 30
    # subsets has standard deviation 1 / sqrt(29 * 20) = 0.042; 0.21 is 5 of them
    X, y, X_eval, y_eval = diabetes(n_train=60, n_eval=20)
    retraining = subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                           n_subsets=30, random_state=0)
    noise = np.random.RandomState(0).randn(20, 60)
    assert abs(linear_datamodeling_score(retraining, noise).score) < 0.21


class CountingRegressor(RegressorMixin, BaseEstimator):
    """A mean predictor that counts its fits (in this process)."""

    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_memory_caches_every_fit(tmp_path):
    X, y, X_eval, y_eval = diabetes(n_train=20, n_eval=3)
    memory = Memory(str(tmp_path), verbose=0)
    CountingRegressor.fits = 0
    first = subset_retraining_outputs(CountingRegressor(), X, y, X_eval, y_eval,
                                      n_subsets=4, random_state=0, memory=memory)
    assert CountingRegressor.fits == 5  # 4 subsets and the full model
    again = subset_retraining_outputs(CountingRegressor(), X, y, X_eval, y_eval,
                                      n_subsets=4, random_state=0,
                                      memory=str(tmp_path))
    assert CountingRegressor.fits == 5
    np.testing.assert_array_equal(first.outputs, again.outputs)


def test_constant_outputs_warn_and_are_left_out_of_the_mean():
    X, y = np.zeros((10, 1)), np.arange(10.0)
    retraining = subset_retraining_outputs(DummyRegressor(), X, y, X[:2], y[:2],
                                           n_subsets=5, output=prediction,
                                           random_state=0)
    influence = np.vstack([-y, np.zeros(10)])  # row 1 predicts no change at all
    with pytest.warns(UserWarning, match="1 of 2 evaluation rows"):
        result = linear_datamodeling_score(retraining, influence)
    assert np.isnan(result.per_example[1])
    assert result.score == result.per_example[0]


def test_errors_name_the_problem():
    X, y, X_eval, y_eval = diabetes(n_train=10, n_eval=3)
    retraining = subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                           n_subsets=3, random_state=0)
    with pytest.raises(ValueError, match="transposed"):
        linear_datamodeling_score(retraining, np.zeros((10, 3)))
    with pytest.raises(ValueError, match=r"\(3, 10\)"):
        linear_datamodeling_score(retraining, np.zeros((3, 9)))
    with pytest.raises(ValueError, match="NaN"):
        linear_datamodeling_score(retraining, np.full((3, 10), np.nan))
    with pytest.raises(TypeError, match="subset_retraining_outputs"):
        linear_datamodeling_score({"outputs": 1}, np.zeros((3, 10)))
    with pytest.raises(ValueError, match="at least 1 row"):
        subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                  subset_fraction=0.01)
    with pytest.raises(InvalidParameterError, match="subset_fraction"):
        subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval, subset_fraction=1)
    with pytest.raises(InvalidParameterError, match="n_subsets"):
        subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval, n_subsets=True)
    with pytest.raises(InvalidParameterError, match="output"):
        subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval, output="margin")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        subset_retraining_outputs(Ridge(), X, y[:5], X_eval, y_eval)
    with pytest.raises(ValueError, match="one number per evaluation row"):
        subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval, n_subsets=3,
                                  output=lambda model, X, y: np.zeros(2))
    # a classifier whose subset lacks an evaluation label
    labels = np.array([0] * 5 + [1] * 4 + [2])
    with pytest.raises(ValueError, match="were not in the rows"):
        leave_one_out_influence(LogisticRegression(), X, labels, X[9:], labels[9:])


@pytest.mark.slow
def test_linear_influence_on_diabetes_predicts_retraining_well():
    X, y, X_eval, y_eval = diabetes(n_train=300, n_eval=100)
    retraining = subset_retraining_outputs(Ridge(), X, y, X_eval, y_eval,
                                           n_subsets=100, random_state=0, n_jobs=2)
    model = Ridge().fit(X, y)
    influence = LinearInfluence(model).fit(X, y).influence(X_eval, y_eval, X, y)
    assert linear_datamodeling_score(retraining, influence).score > 0.8
