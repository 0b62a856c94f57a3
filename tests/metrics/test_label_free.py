"""Label-free error estimate from the disagreement of seeded members."""

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import SeedEnsembleClassifier
from skcorr.metrics import (
    class_aggregated_calibration_error,
    disagreement_error_estimate,
    disagreement_rate,
    make_disagreement_scorer,
)


def _by_pairs(Y, weights=None):
    rates = [
        np.average(Y[:, a] != Y[:, b], weights=weights)
        for a, b in itertools.combinations(range(Y.shape[1]), 2)
    ]
    return np.mean(rates)


def test_rate_is_the_mean_over_pairs():
    rng = np.random.default_rng(0)
    Y = rng.integers(4, size=(50, 5))
    weights = rng.random(50)
    assert disagreement_rate(Y) == pytest.approx(_by_pairs(Y), rel=1e-12)
    assert disagreement_rate(Y, sample_weight=weights) == pytest.approx(
        _by_pairs(Y, weights), rel=1e-12
    )
    labels = np.array(["x", "y", "z", "w"])
    assert disagreement_rate(pd.DataFrame(labels[Y])) == pytest.approx(_by_pairs(Y))


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_features=1, max_depth=3),
        n_seeds=4,
        random_state=0,
    )
    return make_pipeline(StandardScaler(), ensemble).fit(X[::2], y[::2]), X, y


def test_estimate_of_a_fitted_ensemble_and_its_scorer(fitted):
    pipe, X, y = fitted
    Y_pred = pipe[-1].predict_all(pipe[:-1].transform(X[1::2]))
    expected = _by_pairs(Y_pred)
    assert expected > 0
    assert disagreement_error_estimate(pipe, X[1::2]) == pytest.approx(expected)
    scorer = make_disagreement_scorer()
    assert scorer(pipe, X[1::2], y[1::2]) == pytest.approx(-expected)
    assert make_disagreement_scorer(greater_is_better=True)(
        pipe, X[1::2], None
    ) == pytest.approx(expected)
    weights = np.arange(75) % 3
    assert scorer(pipe, X[1::2], y[1::2], sample_weight=weights) == pytest.approx(
        -_by_pairs(Y_pred, weights)
    )


def test_scorer_in_multi_metric_cross_validate():
    X, y = load_iris(return_X_y=True)
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_features=1, max_depth=2),
        n_seeds=3,
        random_state=0,
    )
    scores = cross_validate(
        ensemble,
        X,
        y,
        cv=3,
        error_score="raise",
        scoring={"disagreement": make_disagreement_scorer(), "accuracy": "accuracy"},
    )
    assert (scores["test_disagreement"] < 0).all()


def test_identical_members_warn():
    X, y = load_iris(return_X_y=True)
    ensemble = SeedEnsembleClassifier(
        LogisticRegression(max_iter=500), n_seeds=3, random_state=0
    ).fit(X, y)
    with pytest.warns(UserWarning, match="same label on every sample"):
        assert disagreement_error_estimate(ensemble, X) == 0


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2 models"):
        disagreement_rate([[0], [1]])
    with pytest.raises(ValueError, match="two-dimensional"):
        disagreement_rate([0, 1, 1])
    with pytest.raises(TypeError, match="no predict_all"):
        disagreement_error_estimate(
            LogisticRegression().fit([[0], [1]], [0, 1]), [[0.0]]
        )


def _cace_by_definition(y, Y):
    n, m = Y.shape
    total = 0.0
    for level in range(m + 1):
        q = level / m
        joint = marginal = 0.0
        for k in np.unique(np.concatenate([y, Y.ravel()])):
            share = (Y == k).sum(axis=1) == level
            joint += np.mean(share & (y == k))
            marginal += np.mean(share)
        total += abs(joint - q * marginal)
    return total


def test_cace_by_definition_bounds_the_gap():
    for seed in range(5):
        rng = np.random.default_rng(seed)
        y = rng.integers(3, size=40)
        wrong = rng.random((40, 4)) < rng.uniform(0.1, 0.6)
        Y = np.where(wrong, rng.integers(3, size=(40, 4)), y[:, None])
        cace = class_aggregated_calibration_error(y, Y)
        assert cace == pytest.approx(_cace_by_definition(y, Y), rel=1e-12)
        error = np.mean(Y != y[:, None])
        with_replacement = disagreement_rate(Y) * 3 / 4
        assert abs(error - with_replacement) <= cace + 1e-12  # Jiang et al. Thm 4.2
    weights = np.arange(40) % 3
    repeated = np.repeat(np.arange(40), weights)
    assert class_aggregated_calibration_error(
        y, Y, sample_weight=weights
    ) == pytest.approx(_cace_by_definition(y[repeated], Y[repeated]), rel=1e-12)


def test_scorer_repr_rebuilds_it():
    assert repr(make_disagreement_scorer()) == "make_disagreement_scorer()"
    assert repr(make_disagreement_scorer(greater_is_better=True)) == (
        "make_disagreement_scorer(greater_is_better=True)"
    )
