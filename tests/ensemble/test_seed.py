"""Tests of SeedEnsembleClassifier and SeedEnsembleRegressor against manual fits."""

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.decomposition import PCA
from sklearn.ensemble import BaggingClassifier, RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor

X, y = make_classification(
    n_samples=90, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_reg, y_reg = make_regression(n_samples=60, n_features=5, noise=5.0, random_state=0)


def test_members_equal_manual_clones_with_each_seed():
    forest = RandomForestClassifier(n_estimators=4, max_depth=3)
    ensemble = SeedEnsembleClassifier(forest, n_seeds=3, random_state=7).fit(X, y)
    expected_seeds = np.random.RandomState(7).randint(np.iinfo(np.int32).max, size=3)
    np.testing.assert_array_equal(ensemble.seeds_, expected_seeds)
    assert ensemble.member_names_ == [f"seed={s}" for s in expected_seeds]
    manual = [
        clone(forest).set_params(random_state=s).fit(X, y) for s in ensemble.seeds_
    ]
    np.testing.assert_array_equal(
        ensemble.predict_all(X), np.column_stack([m.predict(X) for m in manual])
    )
    np.testing.assert_array_equal(
        ensemble.predict_proba_all(X),
        np.stack([m.predict_proba(X) for m in manual], axis=1),
    )
    assert len(set(map(tuple, ensemble.predict_all(X).T))) > 1  # seeds matter


def test_regressor_members_and_mean_equal_manual_fits():
    tree = DecisionTreeRegressor(max_features=2)
    ensemble = SeedEnsembleRegressor(tree, n_seeds=3, random_state=1).fit(X_reg, y_reg)
    manual = np.column_stack([
        clone(tree).set_params(random_state=s).fit(X_reg, y_reg).predict(X_reg)
        for s in ensemble.seeds_
    ])
    np.testing.assert_array_equal(ensemble.predict_all(X_reg), manual)
    np.testing.assert_allclose(ensemble.predict(X_reg), manual.mean(axis=1))
    np.testing.assert_allclose(
        ensemble.score(X_reg, y_reg),
        1 - ((y_reg - manual.mean(1)) ** 2).sum() / ((y_reg - y_reg.mean()) ** 2).sum(),
    )


def test_every_nested_random_state_of_a_pipeline_gets_the_seed():
    pipe = make_pipeline(PCA(n_components=3, svd_solver="randomized"),
                         DecisionTreeClassifier(max_features=1))
    ensemble = SeedEnsembleClassifier(pipe, n_seeds=2, random_state=0).fit(X, y)
    for member, seed in zip(ensemble.estimators_, ensemble.seeds_, strict=True):
        assert member[0].random_state == seed and member[1].random_state == seed


def test_majority_vote_checked_by_hand():
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=2, max_features=1), n_seeds=4,
        voting="hard", random_state=3,
    ).fit(X, y)
    Y = ensemble.predict_all(X)
    expected = []
    for row in Y:
        counts = {label: list(row).count(label) for label in ensemble.classes_}
        best = max(counts.values())
        expected.append(min(c for c in ensemble.classes_ if counts[c] == best))
    np.testing.assert_array_equal(ensemble.predict(X), expected)
    assert ensemble.score(X, y) == np.mean(ensemble.predict(X) == y)


def test_soft_voting_is_argmax_of_mean_probability():
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=3, max_features=2), n_seeds=3,
        voting="soft", random_state=0,
    ).fit(X, y)
    mean = ensemble.predict_proba_all(X).mean(axis=1)
    np.testing.assert_allclose(ensemble.predict_proba(X), mean)
    np.testing.assert_array_equal(
        ensemble.predict(X), ensemble.classes_[mean.argmax(1)]
    )


def test_string_labels_are_supported():
    labels = np.array(["cat", "dog", "eel"])[y]
    ensemble = SeedEnsembleClassifier(DecisionTreeClassifier(), n_seeds=2,
                                      random_state=0).fit(X, labels)
    assert set(ensemble.predict(X)) <= set(labels)
    assert ensemble.predict_all(X).dtype.kind == "U"


def test_row_and_feature_samples_equal_manual_fits():
    tree = DecisionTreeClassifier(max_depth=3)
    ensemble = SeedEnsembleClassifier(
        tree, n_seeds=3, max_samples=0.6, bootstrap=True, max_features=3,
        random_state=2,
    ).fit(X, y)
    for member, seed, rows, features in zip(
        ensemble.estimators_, ensemble.seeds_, ensemble.estimators_samples_,
        ensemble.estimators_features_, strict=True,
    ):
        assert len(rows) == 54 and len(features) == 3
        manual = clone(tree).set_params(random_state=seed).fit(X[rows][:, features],
                                                                 y[rows])
        np.testing.assert_array_equal(member.predict(X[:, features]),
                                      manual.predict(X[:, features]))


def test_bagging_without_sampling_agrees_on_a_deterministic_estimator():
    # BaggingClassifier with every row and column and a deterministic estimator
    # fits identical members: so does a seed ensemble, with the same mean proba.
    logistic = LogisticRegression(max_iter=500)
    ours = SeedEnsembleClassifier(logistic, n_seeds=3, voting="soft", random_state=0)
    bagging = BaggingClassifier(logistic, n_estimators=3, bootstrap=False,
                                random_state=0)
    np.testing.assert_allclose(
        ours.fit(X, y).predict_proba(X), bagging.fit(X, y).predict_proba(X),
        rtol=1e-6,
    )
    np.testing.assert_array_equal(ours.predict(X), bagging.predict(X))


def test_members_that_miss_a_class_get_zero_probability_for_it():
    order = np.argsort(y, kind="stable")  # sorted labels: disjoint parts miss classes
    X_sorted, y_sorted = X[order], y[order]
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=2), n_seeds=3, shared_fraction=0.0,
        random_state=0,
    ).fit(X_sorted, y_sorted)
    proba = ensemble.predict_proba_all(X_sorted)
    assert proba.shape == (90, 3, 3)
    for index, member in enumerate(ensemble.estimators_):
        columns = np.searchsorted(ensemble.classes_, member.classes_)
        np.testing.assert_array_equal(proba[:, index, columns],
                                      member.predict_proba(X_sorted))
        missing = np.setdiff1d(np.arange(3), columns)
        assert np.all(proba[:, index, missing] == 0)


def test_shared_fraction_one_gives_identical_training_sets():
    ensemble = SeedEnsembleRegressor(
        LinearRegression(), n_seeds=3, shared_fraction=1.0, random_state=0
    ).fit(X_reg, y_reg)
    assert all(len(rows) == 60 for rows in ensemble.estimators_samples_)
    Y = ensemble.predict_all(X_reg)
    np.testing.assert_allclose(Y, np.repeat(Y[:, :1], 3, axis=1))


def test_sample_weight_reaches_every_member():
    weights = np.random.RandomState(0).uniform(0, 2, size=len(y_reg))
    tree = DecisionTreeRegressor(max_depth=3)
    ensemble = SeedEnsembleRegressor(tree, n_seeds=2, random_state=0)
    ensemble.fit(X_reg, y_reg, sample_weight=weights)
    for member, seed in zip(ensemble.estimators_, ensemble.seeds_, strict=True):
        manual = clone(tree).set_params(random_state=seed).fit(
            X_reg, y_reg, sample_weight=weights
        )
        np.testing.assert_array_equal(member.predict(X_reg), manual.predict(X_reg))


def test_sample_weight_with_an_estimator_that_refuses_it():
    from sklearn.neighbors import KNeighborsRegressor

    with pytest.raises(ValueError, match="does not accept sample_weight"):
        SeedEnsembleRegressor(KNeighborsRegressor(), n_seeds=2).fit(
            X_reg, y_reg, sample_weight=np.ones(60)
        )


def test_metadata_routing_sends_requested_weights():
    weights = np.random.RandomState(1).uniform(0, 2, size=len(y_reg))
    with sklearn.config_context(enable_metadata_routing=True):
        tree = DecisionTreeRegressor(max_depth=3).set_fit_request(sample_weight=True)
        routed = SeedEnsembleRegressor(tree, n_seeds=2, random_state=0).fit(
            X_reg, y_reg, sample_weight=weights
        )
        manual = clone(tree).set_params(random_state=routed.seeds_[0]).fit(
            X_reg, y_reg, sample_weight=weights
        )
        np.testing.assert_array_equal(routed.estimators_[0].predict(X_reg),
                                      manual.predict(X_reg))
        # as for any scikit-learn router, metadata that nobody requested is an error
        unrequested = DecisionTreeRegressor().set_fit_request(sample_weight=False)
        with pytest.raises(TypeError, match="sample_weight.*not routed"):
            SeedEnsembleRegressor(unrequested, n_seeds=1).fit(
                X_reg, y_reg, sample_weight=weights
            )
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing"):
        SeedEnsembleRegressor(DecisionTreeRegressor()).fit(X_reg, y_reg, groups=y_reg)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_seeds": 0}, "n_seeds"),
        ({"max_samples": 1.5}, "max_samples"),
        ({"shared_fraction": 2.0}, "shared_fraction"),
        ({"shared_fraction": 0.5, "bootstrap": True}, "leave max_samples=None"),
    ],
)
def test_invalid_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        SeedEnsembleClassifier(DecisionTreeClassifier(), **params).fit(X, y)
