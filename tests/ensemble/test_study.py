"""run_error_study: the error-correlation study as a library function."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skcorr.ensemble import (
    CommitteeClassifier,
    ErrorStudy,
    error_study_models,
    run_error_study,
)
from skcorr.metrics import (
    aggregated_risk,
    correlation_score,
    error_correlation_interval,
    error_correlation_significance,
    pairwise_error_correlation,
    phik_significance,
    samples_for_half_width,
)
from skcorr.utils.fixes import InvalidParameterError


def _labels(seed=0, n=80):
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n)
    wrong = rng.rand(n, 4) < [0.2, 0.3, 0.25, 0.4]
    wrong[:, 1] |= wrong[:, 0] & (rng.rand(n) < 0.7)  # b fails with a
    Y_pred = np.where(wrong, (y[:, None] + 1) % 3, y[:, None])
    return y, pd.DataFrame(Y_pred, columns=list("abcd"))


def test_given_predictions_give_the_public_metrics():
    y, Y_pred = _labels()
    study = run_error_study((y, Y_pred), data_name="p.csv")
    assert isinstance(study, ErrorStudy) and study.study == "errors"
    assert study.task == "classification" and study.method == "phik"
    assert study.models == ["a", "b", "c", "d"] and study.dataset == "p.csv"
    assert study.source == "predictions of 4 models read from p.csv"
    # the same computation as the public metrics: bit-identical
    np.testing.assert_array_equal(
        study.matrix, pairwise_error_correlation(y, Y_pred, method="phik"))
    assert study.mean_correlation == correlation_score(y, Y_pred, method="phik")
    risk = aggregated_risk(y, Y_pred)
    for key in ("k", "observed", "independent", "ratio"):
        np.testing.assert_array_equal(study.aggregated_risk[key], risk[key])
    significance = error_correlation_significance(y, Y_pred, method="phi")
    np.testing.assert_array_equal(study.significance["pvalue"],
                                  significance["pvalue"])
    np.testing.assert_array_equal(study.error_rate,
                                  (Y_pred.to_numpy() != y[:, None]).mean(axis=0))
    assert "All 4 models fail together" in study.findings[0].text


def test_uncertainty_is_the_public_interval_and_significance_metrics():
    y, Y_pred = _labels()
    study = run_error_study((y, Y_pred), quick=True, random_state=3)
    u = study.uncertainty
    # the study measures the same 0/1 error matrix (its errors against a zero
    # target) with the same seeds: the same computation on the same data, so
    # bit-identical
    options = dict(method="phik", n_resamples=199, random_state=3)
    pairs = error_correlation_interval(y, Y_pred, **options)
    np.testing.assert_array_equal(u["low"], pairs.low)
    np.testing.assert_array_equal(u["high"], pairs.high)
    plan = samples_for_half_width(y, Y_pred, half_width=0.05, aggregate="mean",
                                  **options)
    assert (u["score_low"], u["score_high"]) == (plan.intervals.low,
                                                 plan.intervals.high)
    assert u["samples_for_half_width"] == plan.n_samples_needed
    np.testing.assert_array_equal(
        u["zscore"], phik_significance(y, Y_pred, random_state=3).zscore)
    assert u["n_resamples"] == 199 and u["n_samples"] == len(y)
    # stated in the findings and carried by the JSON
    text = " ".join(finding.text for finding in study.findings)
    assert "95% bootstrap interval" in text and "needs about" in text
    assert json.loads(json.dumps(study.to_dict()))["uncertainty"]["n_resamples"] == 199


def test_regressors_fail_beyond_the_tolerance():
    rng = np.random.RandomState(0)
    y = rng.normal(size=60)
    Y_pred = y[:, None] + rng.normal(scale=[0.5, 1.0, 2.0], size=(60, 3))
    plain = run_error_study((y, Y_pred))
    assert plain.task == "regression" and plain.method == "pearson"
    assert "aggregated_risk" not in plain  # a failure needs a tolerance
    np.testing.assert_allclose(
        plain.rmse, np.sqrt(((Y_pred - y[:, None]) ** 2).mean(axis=0)), rtol=1e-12)
    assert plain.models == ["model_0", "model_1", "model_2"]
    study = run_error_study((y, Y_pred, ["x", "y", "z"]), tolerance=1.0)
    expected = aggregated_risk(y, Y_pred, tolerance=1.0)
    np.testing.assert_array_equal(study.aggregated_risk["observed"],
                                  expected.observed)
    assert study.models == ["x", "y", "z"]


def test_the_five_model_families():
    assert list(error_study_models("classification")) == [
        "logistic_regression", "random_forest", "gradient_boosting",
        "k_neighbors", "mlp"]
    quick = error_study_models("regression", quick=True)
    assert quick["random_forest"].n_estimators == 30
    assert error_study_models("regression")["random_forest"].n_estimators == 100


def test_bundled_data_is_fitted_by_a_committee(monkeypatch):
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    from skcorr.ensemble import _study

    def models(task, quick=False):  # small, seeded members
        return {"tree": DecisionTreeClassifier(max_depth=3),
                "logistic": LogisticRegression(max_iter=200)}

    monkeypatch.setattr(_study, "error_study_models", models)
    study = run_error_study("wine", random_state=3)
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=3, stratify=y)
    committee = CommitteeClassifier(list(models("classification").items()),
                                    random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        committee.fit(X_train, y_train)
    errors = committee.predict_all(X_test, as_frame=False) != y_test[:, None]
    assert study.models == ["tree", "logistic"]
    np.testing.assert_array_equal(study.error_rate, errors.mean(axis=0))
    assert study.settings["random_state"] == 3


def test_result_is_plain_json_with_tables():
    y, Y_pred = _labels()
    study = run_error_study((y, Y_pred), method="pearson")
    plain = json.loads(json.dumps(study.to_dict()))
    assert plain["models"] == study.models and plain["study"] == "errors"
    assert plain["findings"][0]["text"] == study.findings[0].text
    tables = study.tables
    assert set(tables) == {"matrix", "per_model", "aggregated_risk"}
    np.testing.assert_array_equal(tables["matrix"].to_numpy(), study.matrix)
    assert list(tables["matrix"].columns) == study.models


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"dataset": "cifar10"}, "unknown dataset 'cifar10'"),
        ({"dataset": "corr_ml:imagenet"}, "unknown Corr_ML release"),
        ({"dataset": "wine", "task": "regression"}, "task of dataset='wine'"),
        ({"dataset": "wine", "scenario": "seeds"}, "chooses its own data"),
        ({"dataset": "corr_ml:cifar10", "tolerance": 1.0}, "regression only"),
        ({"dataset": "corr_ml:california", "method": "phik"}, "0/1"),
    ],
)
def test_parameters_that_do_not_fit_are_refused(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        run_error_study(**kwargs)
