"""Tests of CommitteeClassifier and CommitteeRegressor against manual fits."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.ensemble import CommitteeClassifier, CommitteeRegressor

X, y = make_classification(n_samples=80, n_features=5, random_state=0)
X_reg, y_reg = make_regression(n_samples=50, n_features=4, noise=3.0, random_state=0)


def test_members_are_estimators_times_seeds_in_order():
    tree, logistic = DecisionTreeClassifier(max_features=2), LogisticRegression()
    committee = CommitteeClassifier(
        [("tree", tree), ("logistic", logistic)], n_seeds=2, random_state=4
    ).fit(X, y)
    seeds = np.random.RandomState(4).randint(np.iinfo(np.int32).max, size=2)
    assert committee.member_names_ == [
        f"tree/seed={seeds[0]}", f"tree/seed={seeds[1]}",
        f"logistic/seed={seeds[0]}", f"logistic/seed={seeds[1]}",
    ]
    np.testing.assert_array_equal(committee.seeds_, np.tile(seeds, 2))
    manual = [
        clone(est).set_params(random_state=s).fit(X, y)
        for est in (tree, logistic) for s in seeds
    ]
    np.testing.assert_array_equal(
        committee.predict_all(X), np.column_stack([m.predict(X) for m in manual])
    )


def _with_seed(estimators, seed):
    """Copies of ``estimators`` whose random_state (if any) is ``seed``."""
    return [
        (name, clone(est).set_params(random_state=int(seed)))
        if "random_state" in est.get_params() else (name, clone(est))
        for name, est in estimators
    ]


@pytest.mark.parametrize("voting", ["soft", "hard"])
def test_voting_matches_sklearn_voting_classifier(voting):
    estimators = [("nb", GaussianNB()), ("logistic", LogisticRegression()),
                  ("tree", DecisionTreeClassifier(max_depth=3))]
    ours = CommitteeClassifier(estimators, voting=voting, random_state=0).fit(X, y)
    reference = VotingClassifier(
        _with_seed(estimators, ours.seeds_[0]), voting=voting
    ).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    if voting == "soft":
        np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X))


def test_regressor_mean_of_named_members():
    committee = CommitteeRegressor(
        [("tree", DecisionTreeRegressor(max_depth=3)), ("ridge", Ridge())],
        random_state=0,
    ).fit(X_reg, y_reg)
    tree = DecisionTreeRegressor(max_depth=3, random_state=committee.seeds_[0])
    expected = np.column_stack(
        [tree.fit(X_reg, y_reg).predict(X_reg),
         Ridge().fit(X_reg, y_reg).predict(X_reg)]
    )
    np.testing.assert_array_equal(committee.predict_all(X_reg), expected)
    np.testing.assert_allclose(committee.predict(X_reg), expected.mean(axis=1))


def test_nested_parameters_get_and_set_by_name():
    committee = CommitteeRegressor([("tree", DecisionTreeRegressor()),
                                    ("ridge", Ridge())])
    assert committee.get_params()["ridge__alpha"] == 1.0
    committee.set_params(ridge__alpha=3.0, n_seeds=2)
    assert committee.estimators[1][1].alpha == 3.0 and committee.n_seeds == 2
    assert clone(committee).get_params()["ridge__alpha"] == 3.0


@pytest.mark.parametrize(
    "estimators, error, message",
    [
        ([], ValueError, "estimators is empty"),
        ([("a", Ridge()), ("a", Ridge())], ValueError, "unique"),
        ([("bad__name", Ridge())], ValueError, "__"),
        ([("ridge", "not an estimator")], TypeError, "must have fit and predict"),
    ],
)
def test_invalid_estimators_are_explained(estimators, error, message):
    with pytest.raises(error, match=message):
        CommitteeRegressor(estimators).fit(X_reg, y_reg)
