"""Tests of make_correlation_scorer in scikit-learn's model selection tools."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, check_scoring, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    cross_validate,
    validation_curve,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor
from skcorr.metrics import correlation_score, make_correlation_scorer

X, y = make_classification(
    n_samples=120, n_features=5, n_informative=2, flip_y=0.2, random_state=0
)
WEIGHTS = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y))
CV = KFold(3)


def _ensemble():
    return SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=3, max_features=1), n_seeds=3, random_state=0
    )


def _by_hand(sample_weight=None, method="phi"):
    """Per-fold correlation computed without any scorer machinery."""
    scores = []
    for train, test in CV.split(X):
        model = _ensemble().fit(X[train], y[train])
        weights = None if sample_weight is None else sample_weight[test]
        scores.append(
            correlation_score(
                y[test],
                model.predict_all(X[test]),
                method=method,
                sample_weight=weights,
            )
        )
    return np.array(scores)


def test_scorer_equals_correlation_score_of_predict_all():
    model = _ensemble().fit(X, y)
    scorer = make_correlation_scorer("kappa", aggregate="max")
    expected = correlation_score(
        y, model.predict_all(X), method="kappa", aggregate="max"
    )
    assert scorer(model, X, y) == expected
    negated = make_correlation_scorer("kappa", "max", greater_is_better=False)
    assert negated(model, X, y) == -expected
    assert "kappa" in repr(scorer) and "greater_is_better=False" in repr(negated)


def test_cross_validate_single_and_multi_metric():
    scorer = make_correlation_scorer("phi")
    single = cross_validate(_ensemble(), X, y, cv=CV, scoring=scorer)
    np.testing.assert_allclose(single["test_score"], _by_hand())
    # without routing, sklearn sends the weights of `params` to fit only
    multi = cross_validate(
        _ensemble(),
        X,
        y,
        cv=CV,
        scoring={"phi": scorer, "accuracy": "accuracy"},
        params={"sample_weight": WEIGHTS},
    )
    weighted_fits = []
    for train, test in CV.split(X):
        model = _ensemble().fit(X[train], y[train], sample_weight=WEIGHTS[train])
        weighted_fits.append(
            correlation_score(y[test], model.predict_all(X[test]), method="phi")
        )
    np.testing.assert_allclose(multi["test_phi"], weighted_fits)


def test_multi_metric_scorer_passes_sample_weight():
    # sklearn's multi-metric scorer hands sample_weight only to scorers that
    # declare they take it; a plain function scorer fails right there.
    model = _ensemble().fit(X, y)
    multi = check_scoring(
        model, scoring={"phi": make_correlation_scorer(), "acc": "accuracy"}
    )
    scores = multi(model, X, y, sample_weight=WEIGHTS)
    expected = correlation_score(
        y, model.predict_all(X), method="phi", sample_weight=WEIGHTS
    )
    np.testing.assert_allclose(scores["phi"], expected)
    assert scores["phi"] != correlation_score(y, model.predict_all(X), method="phi")
    importances = permutation_importance(
        model,
        X,
        y,
        scoring={"phi": make_correlation_scorer(), "acc": "accuracy"},
        sample_weight=WEIGHTS,
        n_repeats=2,
        random_state=0,
    )
    assert importances["phi"].importances.shape == (5, 2)


def test_grid_and_randomized_search_report_correlation_beside_accuracy():
    grid = GridSearchCV(
        _ensemble(),
        {"n_seeds": [2, 3]},
        cv=CV,
        scoring={"accuracy": "accuracy", "phi": make_correlation_scorer()},
        refit="accuracy",
    ).fit(X, y)
    assert np.allclose(grid.cv_results_["split0_test_phi"][1], _by_hand()[0])
    assert grid.best_params_["n_seeds"] in (2, 3)
    search = RandomizedSearchCV(
        _ensemble(),
        {"estimator__max_depth": [2, 3]},
        n_iter=2,
        cv=CV,
        scoring=make_correlation_scorer(),
        random_state=0,
    ).fit(X, y)
    assert np.isfinite(search.best_score_)


def test_validation_curve_with_a_correlation_scorer():
    train_scores, test_scores = validation_curve(
        _ensemble(),
        X,
        y,
        param_name="estimator__max_depth",
        param_range=[3],
        cv=CV,
        scoring=make_correlation_scorer(),
    )
    np.testing.assert_allclose(test_scores[0], _by_hand())


def test_regression_with_pearson_residuals():
    X_reg, y_reg = make_regression(n_samples=60, n_features=4, noise=10, random_state=0)
    model = SeedEnsembleRegressor(
        DecisionTreeRegressor(max_depth=3, max_features=2), n_seeds=3, random_state=0
    ).fit(X_reg, y_reg)
    residuals = y_reg[:, None] - model.predict_all(X_reg)
    expected = np.corrcoef(residuals.T)[np.triu_indices(3, 1)].mean()
    score = make_correlation_scorer("pearson")(model, X_reg, y_reg)
    np.testing.assert_allclose(score, expected)


def test_metadata_routing_of_sample_weight_to_the_scorer():
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_correlation_scorer().set_score_request(sample_weight=True)
        accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        tree = DecisionTreeClassifier(max_depth=3, max_features=1)
        ensemble = SeedEnsembleClassifier(
            tree.set_fit_request(sample_weight=False), n_seeds=3, random_state=0
        )
        result = cross_validate(
            ensemble,
            X,
            y,
            cv=CV,
            scoring={"phi": scorer, "acc": accuracy},
            params={"sample_weight": WEIGHTS},
        )
    np.testing.assert_allclose(result["test_phi"], _by_hand(WEIGHTS))


def test_estimator_without_members_is_explained():
    model = LogisticRegression().fit(X, y)
    with pytest.raises(TypeError, match="has no predict_all"):
        make_correlation_scorer()(model, X, y)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        make_correlation_scorer("cosine")
