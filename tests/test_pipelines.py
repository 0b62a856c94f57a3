"""A skcorr ensemble inside a meta-estimator works wherever a bare one does.

The oracle throughout: the bare ensemble fitted on the pre-transformed data
(``StandardScaler().fit_transform(X)`` then the ensemble). The transforms and
fits are the same computations on the same numbers, so the scores are
compared for exact equality unless said otherwise.
"""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.difficulty import ExampleDifficulty, make_difficulty_scorer
from skcorr.ensemble import (
    CommitteeClassifier,
    SeedEnsembleClassifier,
    SeedEnsembleRegressor,
)
from skcorr.influence import make_reciprocity_scorer
from skcorr.metrics import (
    aggregated_risk,
    correlation_score,
    make_correlation_scorer,
    pairwise_error_correlation,
)
from skcorr.utils.members import find_members, member_outputs

X, y = make_classification(
    n_samples=120, n_features=5, n_informative=2, flip_y=0.2, random_state=0
)
X = X * [1.0, 10.0, 100.0, 0.1, 3.0] + 5.0  # so that scaling changes the numbers
WEIGHTS = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y))
CV = KFold(3)


def _ensemble(**params):
    params = {"n_seeds": 3, "random_state": 0, **params}
    return SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=3, max_features=1), **params
    )


def _pipeline(**params):
    return make_pipeline(StandardScaler(), _ensemble(**params))


def _bare_scores(method="phi", sample_weight=None, fit_weights=None, **params):
    """Per fold: scaler fitted on the train rows, the bare ensemble on the
    scaled train rows, scored on the scaled test rows."""
    scores = []
    for train, test in CV.split(X):
        scaler = StandardScaler().fit(X[train])
        fit = {} if fit_weights is None else {"sample_weight": fit_weights[train]}
        model = _ensemble(**params).fit(scaler.transform(X[train]), y[train], **fit)
        weights = None if sample_weight is None else sample_weight[test]
        scores.append(correlation_score(
            y[test], model.predict_all(scaler.transform(X[test])), method=method,
            sample_weight=weights,
        ))
    return np.array(scores)


# --- the correlation scorer ----------------------------------------------------


def test_cross_validate_of_a_pipeline_equals_the_bare_ensemble():
    scoring = {"corr": make_correlation_scorer("phi"),
               "kappa": make_correlation_scorer("kappa")}
    result = cross_validate(_pipeline(), X, y, cv=CV, scoring=scoring)
    assert not np.isnan(result["test_corr"]).any()
    np.testing.assert_array_equal(result["test_corr"], _bare_scores("phi"))
    np.testing.assert_array_equal(result["test_kappa"], _bare_scores("kappa"))
    single = cross_validate(_pipeline(), X, y, cv=CV,
                            scoring=make_correlation_scorer("phi"))
    np.testing.assert_array_equal(single["test_score"], _bare_scores("phi"))


def test_the_ensemble_sees_the_transformed_x():
    # Trees split the same way on scaled and raw data, so equal scores alone
    # would not show that X went through the scaler: spy on what reaches
    # predict_all.
    pipe = _pipeline().fit(X, y)
    seen = []
    ensemble = pipe[-1]
    original = ensemble.predict_all

    def spy(X_in, **params):
        seen.append(np.asarray(X_in))
        return original(X_in, **params)

    ensemble.predict_all = spy
    make_correlation_scorer()(pipe, X, y)
    np.testing.assert_array_equal(seen[0], pipe[0].transform(X))


def test_sample_weight_in_fit_params_and_routed_to_the_scorer():
    # without routing, `params` go to fit only (Pipeline routes step__param)
    result = cross_validate(
        _pipeline(), X, y, cv=CV,
        scoring={"phi": make_correlation_scorer(), "accuracy": "accuracy"},
        params={"seedensembleclassifier__sample_weight": WEIGHTS},
    )
    np.testing.assert_array_equal(result["test_phi"], _bare_scores(fit_weights=WEIGHTS))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_correlation_scorer().set_score_request(sample_weight=True)
        accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        tree = DecisionTreeClassifier(max_depth=3, max_features=1)
        ensemble = SeedEnsembleClassifier(
            tree.set_fit_request(sample_weight=False), n_seeds=3, random_state=0
        ).set_fit_request(sample_weight=False)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                             ensemble)
        routed = cross_validate(
            pipe, X, y, cv=CV, scoring={"phi": scorer, "acc": accuracy},
            params={"sample_weight": WEIGHTS},
        )
    np.testing.assert_array_equal(routed["test_phi"],
                                  _bare_scores(sample_weight=WEIGHTS))
    assert not np.array_equal(routed["test_phi"], _bare_scores())


def test_nested_pipelines_apply_every_transformer():
    inner = Pipeline([("minmax", MinMaxScaler()), ("ensemble", _ensemble())])
    pipe = make_pipeline(StandardScaler(), "passthrough", inner).fit(X, y)
    X_final = MinMaxScaler().fit_transform(StandardScaler().fit_transform(X))
    bare = _ensemble().fit(X_final, y)
    Y_pred, ensemble = member_outputs(pipe, X, as_frame=False)
    assert ensemble is pipe[-1][-1]
    np.testing.assert_array_equal(Y_pred, bare.predict_all(X_final))
    np.testing.assert_array_equal(
        member_outputs(pipe, X, "predict_proba_all")[0], bare.predict_proba_all(X_final)
    )
    assert make_correlation_scorer("yule_q")(pipe, X, y) == correlation_score(
        y, bare.predict_all(X_final), method="yule_q")



def test_a_search_or_a_frozen_ensemble_as_the_last_step():
    from sklearn.frozen import FrozenEstimator

    X_scaled = StandardScaler().fit_transform(X)
    bare = _ensemble().fit(X_scaled, y)
    expected = correlation_score(y, bare.predict_all(X_scaled), method="phi")
    scorer = make_correlation_scorer("phi")
    searched = make_pipeline(
        StandardScaler(), GridSearchCV(_ensemble(), {"n_seeds": [3]}, cv=2)
    ).fit(X, y)
    assert scorer(searched, X, y) == expected
    frozen = make_pipeline(StandardScaler().fit(X), FrozenEstimator(bare)).fit(X, y)
    assert scorer(frozen, X, y) == expected


def test_grid_search_over_a_pipeline_and_over_a_bare_ensemble():
    scorer = make_correlation_scorer("phi")
    grid = GridSearchCV(
        _pipeline(), {"seedensembleclassifier__n_seeds": [2, 3]}, cv=CV,
        scoring={"phi": scorer, "accuracy": "accuracy"}, refit="accuracy",
    ).fit(X, y)
    for index, n_seeds in enumerate((2, 3)):
        expected = _bare_scores(n_seeds=n_seeds)
        for fold in range(3):
            assert grid.cv_results_[f"split{fold}_test_phi"][index] == expected[fold]
    # the fitted search itself is scored through its best_estimator_
    assert scorer(grid, X, y) == scorer(grid.best_estimator_, X, y)
    bare = GridSearchCV(_ensemble(), {"n_seeds": [2, 3]}, cv=CV,
                        scoring=scorer).fit(X, y)
    assert np.isfinite(bare.cv_results_["mean_test_score"]).all()
    assert scorer(bare, X, y) == scorer(bare.best_estimator_, X, y)


def test_a_committee_in_a_pipeline():
    committee = CommitteeClassifier(
        [("tree", DecisionTreeClassifier(max_depth=2, random_state=0)),
         ("logistic", LogisticRegression())])
    pipe = make_pipeline(StandardScaler(), committee).fit(X, y)
    X_scaled = StandardScaler().fit_transform(X)
    bare = clone(committee).fit(X_scaled, y)
    assert make_correlation_scorer("kappa")(pipe, X, y) == correlation_score(
        y, bare.predict_all(X_scaled), method="kappa")


def test_transformed_target_regressor_scores_on_the_original_targets():
    X_reg, y_reg = make_regression(n_samples=80, n_features=4, noise=10,
                                   random_state=0)
    y_reg = y_reg * 50 + 1000
    ensemble = SeedEnsembleRegressor(
        DecisionTreeRegressor(max_depth=3, max_features=2), n_seeds=3, random_state=0)
    model = TransformedTargetRegressor(regressor=ensemble,
                                       transformer=StandardScaler()).fit(X_reg, y_reg)
    Y_pred, inner = member_outputs(model, X_reg, as_frame=False)
    assert inner is model.regressor_
    # independent oracle: the scaler's inverse by hand; 1e-12 relative is a
    # few float64 ulps of the (mean + scale * z) computed in another order
    scaler = model.transformer_
    by_hand = inner.predict_all(X_reg, as_frame=False) * scaler.scale_ + scaler.mean_
    np.testing.assert_allclose(Y_pred, by_hand, rtol=1e-12)
    # the members average to the regressor's own prediction (affine inverse)
    np.testing.assert_allclose(Y_pred.mean(axis=1), model.predict(X_reg), rtol=1e-12)
    residuals = y_reg[:, None] - by_hand
    expected = np.corrcoef(residuals.T)[np.triu_indices(3, 1)].mean()
    score = make_correlation_scorer("pearson")(model, X_reg, y_reg)
    np.testing.assert_allclose(score, expected, rtol=1e-10)
    with pytest.raises(TypeError, match="TransformedTargetRegressor -> "
                       "SeedEnsembleRegressor has no predict_proba_all"):
        member_outputs(model, X_reg, "predict_proba_all")


def test_frames_keep_the_index_of_X():
    frame = pd.DataFrame(X, index=[f"row{i}" for i in range(len(X))])
    pipe = make_pipeline(StandardScaler(), _ensemble().set_output(transform="pandas"))
    pipe.fit(X, y)
    Y_pred, ensemble = member_outputs(pipe, frame)
    assert list(Y_pred.index) == list(frame.index)
    assert list(Y_pred.columns) == ensemble.member_names_


# --- a scorer that cannot score ------------------------------------------------

NO_MEMBERS = r"Pipeline -> LogisticRegression has no predict_all: it needs a fitted"


def test_scorer_names_what_a_pipeline_lacks():
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match=NO_MEMBERS):
        make_correlation_scorer()(pipe, X, y)
    grid = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),
                        {"logisticregression__C": [1.0]}, cv=2).fit(X, y)
    with pytest.raises(TypeError, match="GridSearchCV -> " + NO_MEMBERS):
        make_correlation_scorer()(grid, X, y)
    unrefit = GridSearchCV(_ensemble(), {"n_seeds": [2]}, cv=2, refit=False).fit(X, y)
    with pytest.raises(TypeError, match="needs refit=True"):
        make_correlation_scorer()(unrefit, X, y)
    passthrough = make_pipeline(StandardScaler(), "passthrough").fit(X, y)
    with pytest.raises(TypeError, match="last step of Pipeline is 'passthrough'"):
        make_correlation_scorer()(passthrough, X, y)
    with pytest.raises(TypeError, match="TransformedTargetRegressor has no "
                       "predict_all.*Is it fitted"):
        make_correlation_scorer()(TransformedTargetRegressor(Ridge()), X, y)


@pytest.mark.parametrize("multi", [False, True])
def test_cross_validate_raises_or_warns_with_our_message(multi):
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    scorer = make_correlation_scorer()
    scoring = {"corr": scorer, "accuracy": "accuracy"} if multi else scorer
    with pytest.raises(TypeError, match=NO_MEMBERS):
        cross_validate(pipe, X, y, cv=CV, scoring=scoring, error_score="raise")
    with pytest.warns(UserWarning, match="Scoring failed(.|\n)*" + NO_MEMBERS):
        result = cross_validate(pipe, X, y, cv=CV, scoring=scoring)
    key = "test_corr" if multi else "test_score"
    assert np.isnan(result[key]).all()  # sklearn's error_score, after our warning


def test_grid_search_raises_with_error_score_raise():
    search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),
                          {"logisticregression__C": [0.1, 1.0]}, cv=CV,
                          scoring=make_correlation_scorer(), error_score="raise")
    with pytest.raises(TypeError, match=NO_MEMBERS):
        search.fit(X, y)


def test_find_members_walks_to_the_method():
    pipe = make_pipeline(StandardScaler(), _ensemble()).fit(X, y)
    final, route = find_members(pipe, "predict_proba_all")
    assert final is pipe[-1] and [kind for kind, _ in route] == ["transform"]
    bare = _ensemble().fit(X, y)
    assert find_members(bare) == (bare, [])


# --- the displays ----------------------------------------------------------------


def test_displays_from_a_pipeline_equal_the_bare_ensemble():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skcorr.plotting import AggregatedRiskDisplay, ErrorCorrelationDisplay

    pipe = _pipeline().fit(X, y)
    X_scaled = StandardScaler().fit_transform(X)
    bare = _ensemble().fit(X_scaled, y)
    display = ErrorCorrelationDisplay.from_estimator(pipe, X, y, method="phi")
    expected = pairwise_error_correlation(y, bare.predict_all(X_scaled), method="phi")
    np.testing.assert_array_equal(np.asarray(display.matrix), np.asarray(expected))
    labels = [t.get_text() for t in display.ax_.get_xticklabels()]
    assert labels == bare.member_names_
    risk = AggregatedRiskDisplay.from_estimator(pipe, X, y)
    expected = aggregated_risk(y, bare.predict_all(X_scaled))
    np.testing.assert_array_equal(risk.observed, np.asarray(expected["observed"]))
    grid = GridSearchCV(_pipeline(), {"seedensembleclassifier__n_seeds": [3]},
                        cv=2).fit(X, y)
    from_grid = ErrorCorrelationDisplay.from_estimator(grid, X, y, method="phi")
    from_best = ErrorCorrelationDisplay.from_estimator(grid.best_estimator_, X, y,
                                                       method="phi")
    np.testing.assert_array_equal(np.asarray(from_grid.matrix),
                                  np.asarray(from_best.matrix))
    with pytest.raises(TypeError, match=NO_MEMBERS):
        ErrorCorrelationDisplay.from_estimator(
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), X, y)
    with pytest.raises(TypeError, match=NO_MEMBERS):
        AggregatedRiskDisplay.from_estimator(
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), X, y)
    plt.close("all")


# --- the other scorers -----------------------------------------------------------


def _difficulty(scores=("loss",)):
    return ExampleDifficulty(SGDClassifier(loss="log_loss", random_state=0),
                             scores=list(scores), n_seeds=2, max_epochs=2,
                             random_state=0)


def test_difficulty_scorers_on_a_pipeline():
    X_small, y_small = X[:60], y[:60]
    X_scaled = StandardScaler().fit_transform(X_small)
    pipe = make_pipeline(StandardScaler(), _difficulty()).fit(X_small, y_small)
    bare = _difficulty().fit(X_scaled, y_small)
    scorer = make_difficulty_scorer("loss", aggregate="consistency")
    np.testing.assert_array_equal(scorer(pipe, X_small, y_small),
                                  scorer(bare, X_scaled, y_small))
    # in a multi-metric cross_validate too (sklearn looks a response method up)
    margin = make_difficulty_scorer("margin", aggregate="consistency")
    result = cross_validate(
        make_pipeline(StandardScaler(), _difficulty(scores=["loss", "margin"])),
        X_small, y_small, cv=2, error_score="raise",
        scoring={"loss": scorer, "margin": margin})
    assert np.isfinite(result["test_loss"]).all()
    with pytest.raises(ValueError, match=r"scores a fitted ExampleDifficulty \(alone, "
                       r"as the last step of a Pipeline.*got Pipeline\."):
        scorer(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), X, y)
    with pytest.raises(NotFittedError, match="ExampleDifficulty instance is not "):
        scorer(make_pipeline(StandardScaler(), _difficulty()), X, y)
    # mean and quantile read the aggregated predict_proba of the pipeline
    ensemble_pipe = _pipeline(voting="soft").fit(X, y)
    X_scaled = StandardScaler().fit_transform(X)
    bare_ensemble = _ensemble(voting="soft").fit(X_scaled, y)
    for loss in (make_difficulty_scorer("loss"),
                 make_difficulty_scorer("margin", aggregate="quantile")):
        assert loss(ensemble_pipe, X, y) == loss(bare_ensemble, X_scaled, y)
    with pytest.raises(TypeError, match="Pipeline has no predict_proba: difficulty "
                       "scorers need .*voting='auto' \\(the default\\) or 'soft'"):
        make_difficulty_scorer("loss")(_pipeline(voting="hard").fit(X, y), X, y)


def test_difficulty_scorer_of_a_binary_problem_uses_both_columns():
    # oracle: the mean log loss of the true class, from predict_proba itself
    model = LogisticRegression().fit(X, y)
    proba = model.predict_proba(X)
    expected = -np.log(proba[np.arange(len(y)), y]).mean()
    score = make_difficulty_scorer("loss")(model, X, y)
    # the same logs summed in another order: float64, 1e-12 relative
    np.testing.assert_allclose(-score, expected, rtol=1e-12)


def test_difficulty_display_from_a_pipeline():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skcorr.plotting import DifficultyDisplay

    pipe = make_pipeline(StandardScaler(), _difficulty()).fit(X[:60], y[:60])
    display = DifficultyDisplay.from_estimator(pipe)
    np.testing.assert_array_equal(display.scores["loss"], pipe[-1].scores_["loss"])
    with pytest.raises(TypeError,
                       match="Pipeline -> LogisticRegression has no scores_"):
        DifficultyDisplay.from_estimator(
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y))
    plt.close("all")


def test_reciprocity_scorer_through_nested_pipelines_and_a_search():
    X_reg, y_reg = make_regression(n_samples=80, n_features=4, noise=5,
                                   random_state=0)
    scorer = make_reciprocity_scorer(method="gap", n_individuals=4)
    nested = make_pipeline(StandardScaler(),
                           make_pipeline(MinMaxScaler(), Ridge())).fit(X_reg, y_reg)
    X_final = MinMaxScaler().fit_transform(StandardScaler().fit_transform(X_reg))
    bare = Ridge().fit(X_final, y_reg)
    assert scorer(nested, X_reg, y_reg) == scorer(bare, X_final, y_reg)
    grid = GridSearchCV(Ridge(), {"alpha": [1.0]}, cv=2).fit(X_reg, y_reg)
    assert scorer(grid, X_reg, y_reg) == scorer(grid.best_estimator_, X_reg, y_reg)


def test_spurious_scorer_reads_the_pipeline_on_raw_inputs():
    from sklearn.datasets import load_digits

    from skcorr.spurious import make_pattern, make_spurious_scorer

    X_img, y_img = load_digits(return_X_y=True)
    X_img, y_img = X_img[:200], y_img[:200]
    pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    pipe = make_pipeline(StandardScaler(), SeedEnsembleClassifier(
        LogisticRegression(max_iter=200), n_seeds=2, random_state=0, voting="soft",
    )).fit(X_img, y_img)
    scorer = make_spurious_scorer(pattern=pattern, target_class=0, threshold=0.0)
    # oracle: the pattern goes on the raw pixels, the pipeline scales them
    kept = y_img != 0
    clean = pipe.predict_proba(X_img[kept])[:, 0]
    patched = pipe.predict_proba(pattern.apply(X_img[kept]))[:, 0]
    expected = np.mean(patched - clean > 0.0)
    assert 0 < expected < 1
    assert scorer(pipe, X_img, y_img) == expected
    result = cross_validate(pipe, X_img, y_img, cv=2, error_score="raise",
                            scoring={"spurious": scorer, "accuracy": "accuracy"})
    assert np.isfinite(result["test_spurious"]).all()
