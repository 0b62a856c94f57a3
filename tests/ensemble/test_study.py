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
    ambiguity_decomposition,
    bias_variance_diversity_decomposition,
    class_aggregated_calibration_error,
    correlation_score,
    disagreement_rate,
    error_correlation_interval,
    error_correlation_significance,
    pairwise_capa,
    pairwise_error_agreement,
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


MEMBER_MEASURES = ("error_agreement", "capa", "ambiguity",
                   "bias_variance_diversity", "label_free_error")


def test_given_labels_give_agreement_and_discrete_capa_and_say_what_is_missing():
    y, Y_pred = _labels()
    study = run_error_study((y, Y_pred))
    # the public metrics on the same labels: the same computation, bit-identical
    expected = pairwise_error_agreement(y, Y_pred.to_numpy())
    for key in ("agreement", "class_chance", "both_wrong"):
        np.testing.assert_array_equal(study.error_agreement[key], expected[key])
    assert study.error_agreement["uniform_chance"] == 0.5  # 3 classes
    np.testing.assert_array_equal(study.capa["matrix"],
                                  pairwise_capa(y, Y_pred.to_numpy()))
    assert study.capa["kind"] == "discrete"
    # b copies a's errors, always with the label (y + 1) % 3: every joint
    # error agrees, by construction
    assert study.error_agreement["agreement"][0, 1] == 1.0
    # what labels cannot give is named with its reason, and absent
    assert set(study.not_computed) == {"ambiguity", "bias_variance_diversity",
                                       "label_free_error"}
    assert "probabilities" in study.not_computed["ambiguity"]
    assert "seed" in study.not_computed["label_free_error"]
    for key in study.not_computed:
        assert key not in study
    text = " ".join(finding.text for finding in study.findings)
    assert "give the same wrong label" in text and "CAPA" in text


def test_two_classes_make_agreement_on_errors_trivial_and_say_so():
    rng = np.random.RandomState(0)
    y = rng.randint(2, size=60)
    Y_pred = np.where(rng.rand(60, 3) < 0.3, 1 - y[:, None], y[:, None])
    study = run_error_study((y, Y_pred))
    # one wrong label only: every joint error agrees, as chance says
    assert study.error_agreement["uniform_chance"] == 1.0
    assert study.error_agreement["mean_agreement"] == 1.0
    finding = next(f for f in study.findings if "With two classes" in f.text)
    assert finding.holds is False


def test_error_indicators_alone_compute_none_of_the_member_measures():
    study = run_error_study("corr_ml:mnist")
    assert set(study.not_computed) == set(MEMBER_MEASURES)
    assert all("0/1" in reason or "one fit" in reason
               for reason in study.not_computed.values())
    assert not any(key in study for key in MEMBER_MEASURES)


def _small_models(task, quick=False):
    """Two small members: a randomised tree and a fit that ignores its seed."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if task == "classification":
        return {"tree": DecisionTreeClassifier(max_depth=3, max_features=2),
                "logistic": LogisticRegression(max_iter=200)}
    return {"tree": DecisionTreeRegressor(max_depth=3, max_features=3),
            "ridge": Ridge()}


def _fitted_twice(name, task, random_state):
    """The committee the study fits, refitted here: two seeds per model."""
    import sklearn.datasets

    from skcorr.ensemble import CommitteeRegressor

    X, y = getattr(sklearn.datasets, f"load_{name}")(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=random_state,
        stratify=y if task == "classification" else None)
    Committee = CommitteeClassifier if task == "classification" else CommitteeRegressor
    committee = Committee(list(_small_models(task).items()), n_seeds=2,
                          random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        committee.fit(X_train, y_train)
    return committee, X_test, y_test


def test_bundled_classifiers_give_every_member_measure(monkeypatch):
    from skcorr.ensemble import _study

    monkeypatch.setattr(_study, "error_study_models", _small_models)
    study = run_error_study("wine", random_state=3)
    committee, X_test, y_test = _fitted_twice("wine", "classification", 3)
    labels = committee.predict_all(X_test, as_frame=False)  # tree, tree, lr, lr
    proba = committee.predict_proba_all(X_test)
    classes = committee.classes_
    first = labels[:, ::2]
    np.testing.assert_array_equal(study.error_rate,
                                  (first != y_test[:, None]).mean(axis=0))
    assert study.not_computed == {}
    # each number is its public metric on the same outputs: bit-identical
    expected = pairwise_error_agreement(y_test, first, labels=classes)
    np.testing.assert_array_equal(study.error_agreement["agreement"],
                                  expected.agreement)
    np.testing.assert_array_equal(study.error_agreement["class_chance"],
                                  expected.class_chance)
    assert study.error_agreement["uniform_chance"] == 0.5  # 3 classes
    np.testing.assert_array_equal(
        study.capa["matrix"], pairwise_capa(y_test, proba[:, ::2], labels=classes))
    assert study.capa["kind"] == "probabilistic"
    # the Brier score's ambiguity: each class against its 0/1 indicator
    parts = [ambiguity_decomposition((y_test == k).astype(float), proba[:, ::2, k])
             for k in classes]
    for key in ("ensemble_error", "average_error", "ambiguity"):
        assert study.ambiguity[key] == sum(part[key] for part in parts)
    # and, independently, the Brier score of the averaged probabilities
    one_hot = (y_test[:, None] == classes).astype(float)
    brier = ((proba[:, ::2].mean(axis=1) - one_hot) ** 2).sum(axis=1).mean()
    # sums of a few dozen float64 squares of values in [0, 1]: 1e-12
    np.testing.assert_allclose(study.ambiguity["ensemble_error"], brier, rtol=1e-12)
    smooth = [(p + 1e-6) / (1 + 3 * 1e-6) for p in (proba[:, ::2], proba[:, 1::2])]
    terms = bias_variance_diversity_decomposition(
        y_test, smooth, loss="cross_entropy", labels=classes)
    for key in ("expected_risk", "average_bias", "average_variance", "diversity"):
        assert study.bias_variance_diversity[key] == terms[key]
    assert study.bias_variance_diversity["n_trials"] == 2
    tree, logistic = study.label_free_error["runs"]
    assert tree["estimate"] == disagreement_rate(labels[:, :2])
    assert tree["error"] == (labels[:, :2] != y_test[:, None]).mean(axis=0).mean()
    assert tree["cace"] == class_aggregated_calibration_error(y_test, labels[:, :2])
    # lbfgs ignores the seed: identical runs, flagged, estimating nothing
    assert logistic["seed_ignored"] and logistic["estimate"] == 0.0
    assert tree["seed_ignored"] is False
    text = " ".join(finding.text for finding in study.findings)
    assert "logistic ignores the seed" in text and "Brier score" in text
    # each finding carries the numbers it states
    evidence = {finding.text.split()[0]: finding.evidence
                for finding in study.findings}
    assert evidence["Averaging"]["ambiguity"] == study.ambiguity["ambiguity"]
    assert evidence["Over"]["diversity"] == terms.diversity
    assert evidence["Without"]["runs"][0]["estimate"] == tree["estimate"]
    assert json.loads(json.dumps(study.to_dict()))["label_free_error"]["runs"][0][
        "model"] == "tree"
    assert {"agreement", "decompositions", "label_free_error"} <= set(study.tables)


def test_bundled_regressors_give_both_decompositions(monkeypatch):
    from skcorr.ensemble import _study

    monkeypatch.setattr(_study, "error_study_models", _small_models)
    study = run_error_study("diabetes", random_state=1)
    committee, X_test, y_test = _fitted_twice("diabetes", "regression", 1)
    Y = committee.predict_all(X_test, as_frame=False)
    expected = ambiguity_decomposition(y_test, Y[:, ::2])
    for key in ("ensemble_error", "average_error", "ambiguity"):
        assert study.ambiguity[key] == expected[key]
    terms = bias_variance_diversity_decomposition(y_test, [Y[:, ::2], Y[:, 1::2]])
    for key in ("expected_risk", "average_bias", "average_variance", "diversity"):
        assert study.bias_variance_diversity[key] == terms[key]
    assert study.bias_variance_diversity["loss"] == "squared"
    assert set(study.not_computed) == {"error_agreement", "capa",
                                       "label_free_error"}


def test_result_is_plain_json_with_tables():
    y, Y_pred = _labels()
    study = run_error_study((y, Y_pred), method="pearson")
    plain = json.loads(json.dumps(study.to_dict()))
    assert plain["models"] == study.models and plain["study"] == "errors"
    assert plain["findings"][0]["text"] == study.findings[0].text
    tables = study.tables
    # labels only: the pairs' agreement and discrete CAPA, no decomposition
    assert set(tables) == {"matrix", "per_model", "aggregated_risk", "agreement"}
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
