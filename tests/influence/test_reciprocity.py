import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn import config_context
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.influence import (
    LinearInfluence,
    influence_flows,
    make_reciprocity_scorer,
    reciprocity_score,
)

from .conftest import fit_small_net, make_classification_data

FLOWS = {"inflow": np.array([1.0, 2.0, 4.0, -1.0]),
         "outflow": np.array([2.0, 2.0, 3.0, 1.0])}


def test_scores_follow_their_hand_formulas():
    inflow, outflow = FLOWS["inflow"], FLOWS["outflow"]
    assert reciprocity_score(FLOWS) == pytest.approx(
        spearmanr(inflow, outflow)[0])
    assert reciprocity_score(FLOWS, method="pearson") == pytest.approx(
        np.corrcoef(inflow, outflow)[0, 1])
    assert reciprocity_score(FLOWS, method="gap") == pytest.approx(1 - 4 / 16)
    assert reciprocity_score(FLOWS, method="ratio") == pytest.approx(
        np.median([0.5, 1.0, 4 / 3, -1.0]))
    same = {"inflow": inflow, "outflow": inflow}
    for method in ("spearman", "pearson", "gap", "ratio"):
        assert reciprocity_score(same, method=method) == pytest.approx(1.0)


def test_undefined_scores_warn_and_bad_input_is_named():
    constant = {"inflow": [1.0, 1.0, 1.0], "outflow": [1.0, 2.0, 3.0]}
    with pytest.warns(UndefinedCorrelationWarning, match="constant"):
        assert np.isnan(reciprocity_score(constant))
    with pytest.raises(ValueError, match="method must be one of"):
        reciprocity_score(FLOWS, method="kendall")
    with pytest.raises(ValueError, match="'inflow' and 'outflow'"):
        reciprocity_score({"inflow": [1.0, 2.0]})
    with pytest.raises(ValueError, match="at least two individuals"):
        reciprocity_score({"inflow": [1.0], "outflow": [1.0]})
    with pytest.raises(ValueError, match="n_individuals"):
        make_reciprocity_scorer(n_individuals=1)


def _manual_score(scorer, model, X, y):
    """Oracle: the full influence matrix of the fitted model, summed by hand."""
    individual, contributes = scorer.split(len(X))
    influence = LinearInfluence(model).fit(X[contributes], y[contributes])
    matrix = influence.influence(X[~contributes], y[~contributes],
                                 X[contributes], y[contributes])
    gives, gets = individual[contributes], individual[~contributes]
    inflow = [matrix[np.ix_(gets == u, gives != u)].sum() for u in range(5)]
    outflow = [matrix[np.ix_(gets != u, gives == u)].sum() for u in range(5)]
    return spearmanr(inflow, outflow)[0]


def test_scorer_equals_full_matrix_oracle_and_is_seeded():
    X, y = load_diabetes(return_X_y=True)
    model = Ridge().fit(X[:300], y[:300])
    scorer = make_reciprocity_scorer(n_individuals=5, random_state=3)
    score = scorer(model, X[300:], y[300:])
    assert score == pytest.approx(_manual_score(scorer, model, X[300:], y[300:]))
    assert score == scorer(model, X[300:], y[300:])
    assert -1 <= score <= 1


def test_scorer_in_cross_validate_and_grid_search_with_a_pipeline():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:240], y[:240]
    pipeline = make_pipeline(StandardScaler(), LogisticRegression())
    scoring = {"reciprocity": make_reciprocity_scorer(n_individuals=6),
               "gap": make_reciprocity_scorer(method="gap", n_individuals=6),
               "accuracy": "accuracy"}
    result = cross_validate(pipeline, X, y, cv=3, scoring=scoring)
    assert np.isfinite(result["test_reciprocity"]).all()
    assert ((result["test_gap"] >= 0) & (result["test_gap"] <= 1)).all()
    search = GridSearchCV(
        pipeline, {"logisticregression__C": [0.1, 1.0]}, cv=2,
        scoring=make_reciprocity_scorer(n_individuals=6),
    ).fit(X, y, logisticregression__sample_weight=np.ones(len(y)))
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_scorer_uses_tracin_for_a_skorch_net():
    X, y = make_classification_data(n_samples=60)
    net, _ = fit_small_net(X, y)
    score = make_reciprocity_scorer(n_individuals=4)(net, X, y)
    assert -1 <= score <= 1
    with pytest.raises(TypeError, match="skorch nets"):
        make_reciprocity_scorer()(StandardScaler().fit(X), X, y)
    with pytest.raises(ValueError, match="held-out rows"):
        make_reciprocity_scorer(n_individuals=40)(net, X, y)


def test_scorer_weights_rows_as_copies_of_them():
    # integer weights give and get as repeated rows would: the flows of the
    # weighted fold equal influence_flows over the rows repeated
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = LogisticRegression().fit(X, y)
    X_fold, y_fold = X[:120], y[:120]
    weights = np.random.RandomState(0).randint(1, 4, size=120)
    scorer = make_reciprocity_scorer(method="pearson", n_individuals=6)
    individual, contributes = scorer.split(120)
    repeat = np.repeat(np.arange(120), weights)
    given, got = repeat[contributes[repeat]], repeat[~contributes[repeat]]
    influence = LinearInfluence(model).fit(X_fold[given], y_fold[given])
    flows = influence_flows(
        influence, X_fold[given], y_fold[given], groups=individual[given],
        X_eval=X_fold[got], y_eval=y_fold[got], eval_groups=individual[got],
    )
    expected = reciprocity_score(flows, method="pearson")
    assert scorer(model, X_fold, y_fold, sample_weight=weights) == pytest.approx(
        expected, rel=1e-10)
    # unit weights change nothing; other weights change the score
    unweighted = scorer(model, X_fold, y_fold)
    assert scorer(model, X_fold, y_fold, sample_weight=np.ones(120)) == (
        pytest.approx(unweighted, rel=1e-12))
    assert abs(expected - unweighted) > 1e-3


def test_scorer_gets_routed_sample_weight_in_cross_validate():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:240], y[:240]
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=240)
    with config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight=True),
        )
        scorer = make_reciprocity_scorer(n_individuals=6).set_score_request(
            sample_weight=True)
        weighted = cross_validate(pipeline, X, y, cv=3, scoring=scorer,
                                  params={"sample_weight": weights})
        plain = cross_validate(pipeline, X, y, cv=3,
                               scoring=make_reciprocity_scorer(n_individuals=6))
    assert np.isfinite(weighted["test_score"]).all()
    assert not np.allclose(weighted["test_score"], plain["test_score"])
