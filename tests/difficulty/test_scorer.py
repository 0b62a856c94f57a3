import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_validate,
    validation_curve,
)

from skcorr.difficulty import (
    ExampleDifficulty,
    el2n,
    loss,
    make_difficulty_scorer,
    run_consistency,
)


@pytest.fixture
def data():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    return X[::2], np.array(["a", "b", "c"])[y[::2]]


def test_mean_and_quantile_match_the_score_functions(data):
    X, y = data
    model = LogisticRegression(max_iter=500).fit(X, y)
    y_index = np.searchsorted(model.classes_, y)
    proba = model.predict_proba(X)
    assert make_difficulty_scorer("loss")(model, X, y) == pytest.approx(
        -loss(y_index, proba).mean()
    )
    scorer = make_difficulty_scorer("el2n", aggregate="quantile", quantile=0.9,
                                    greater_is_better=True)
    assert scorer(model, X, y) == pytest.approx(
        np.quantile(el2n(y_index, proba), 0.9)
    )
    weights = np.arange(len(y), dtype=float)
    assert make_difficulty_scorer("loss")(model, X, y, sample_weight=weights) == \
        pytest.approx(-np.average(loss(y_index, proba), weights=weights))


def test_works_in_grid_search_and_cross_validate(data):
    X, y = data
    scoring = {"loss": make_difficulty_scorer("loss"),
               "margin": make_difficulty_scorer("margin", aggregate="quantile")}
    grid = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 10.0]},
                        scoring=scoring, refit="loss", cv=3).fit(X, y)
    assert grid.best_params_ == {"C": 10.0}  # a weakly regularised fit is surer
    result = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3,
                            scoring=make_difficulty_scorer("loss"))
    assert np.all(result["test_score"] < 0)


def test_consistency_of_example_difficulty(data):
    X, y = data
    difficulty = ExampleDifficulty(SGDClassifier(loss="log_loss"), scores=["loss"],
                                   n_seeds=3, max_epochs=3, random_state=0).fit(X, y)
    scorer = make_difficulty_scorer("loss", aggregate="consistency")
    assert scorer(difficulty, X, y) == pytest.approx(
        run_consistency(difficulty.scores_["loss"]).mean()
    )
    with pytest.raises(ValueError, match="sample_weight has nothing to weight"):
        scorer(difficulty, X, y, sample_weight=np.ones(len(y)))
    train, valid = validation_curve(
        ExampleDifficulty(SGDClassifier(loss="log_loss"), scores=["loss"],
                          n_seeds=3, max_epochs=2, random_state=0),
        X, y, param_name="max_epochs", param_range=[1, 3],
        cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring=scorer,
    )
    assert valid.shape == (2, 2) and np.isfinite(valid).all()


def test_errors_are_named(data):
    X, y = data
    with pytest.raises(ValueError, match="cannot be computed from held-out"):
        make_difficulty_scorer("forgetting_events")
    model = LogisticRegression(max_iter=500).fit(X[y != "c"], y[y != "c"])
    with pytest.raises(ValueError, match=r"\['c'\] were not seen"):
        make_difficulty_scorer("loss")(model, X, y)
    with pytest.raises(ValueError, match="did not compute 'margin'"):
        difficulty = ExampleDifficulty(SGDClassifier(loss="log_loss"),
                                       scores=["loss"], n_seeds=2, max_epochs=2,
                                       random_state=0).fit(X, y)
        make_difficulty_scorer("margin", aggregate="consistency")(difficulty, X, y)
