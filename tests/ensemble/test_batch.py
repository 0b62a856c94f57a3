"""Tests of evaluate_batch against a hand-written loop."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import evaluate_batch

pytest.importorskip("pandas")
X, y = make_classification(n_samples=60, n_features=5, random_state=0)
ESTIMATORS = {"tree": DecisionTreeClassifier(max_features=2),
              "logistic": LogisticRegression()}


def test_table_and_predictions_equal_a_manual_loop():
    cv = KFold(3)
    results = evaluate_batch(ESTIMATORS, X, y, seeds=[4, 9], cv=cv,
                             scoring={"acc": "accuracy"})
    assert list(results.columns) == ["estimator", "seed", "fold", "test_acc",
                                     "fit_time"]
    assert len(results) == 2 * 2 * 3
    for row in results.itertuples():
        train, test = list(cv.split(X))[row.fold]
        model = clone(ESTIMATORS[row.estimator]).set_params(random_state=row.seed)
        y_pred = model.fit(X[train], y[train]).predict(X[test])
        assert row.test_acc == accuracy_score(y[test], y_pred)
        stored = results.attrs["predictions"][row.fold][
            f"{row.estimator}/seed={row.seed}"
        ]
        np.testing.assert_array_equal(stored.to_numpy(), y_pred)
        np.testing.assert_array_equal(stored.index, test)


def test_cached_batch_resumes_identically(tmp_path):
    first = evaluate_batch(ESTIMATORS, X, y, seeds=2, cv=2, scoring="accuracy",
                           memory=str(tmp_path))
    again = evaluate_batch(ESTIMATORS, X, y, seeds=2, cv=2, scoring="accuracy",
                           memory=str(tmp_path))
    np.testing.assert_array_equal(first["test_score"], again["test_score"])
    np.testing.assert_array_equal(first["fit_time"], again["fit_time"])  # cached


def test_empty_inputs_are_explained():
    with pytest.raises(ValueError, match="estimators is empty"):
        evaluate_batch({}, X, y, seeds=1)
    with pytest.raises(ValueError, match="seeds is empty"):
        evaluate_batch(ESTIMATORS, X, y, seeds=[])
