"""voting="auto" (the default): soft when every member has probabilities.

The oracle is BaggingClassifier's rule written out by hand: the mean of the
members' own ``predict_proba`` (each member refitted here with its seed), and
scikit-learn's ``roc_auc_score`` / ``log_loss`` on it.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer, log_loss, roc_auc_score
from sklearn.model_selection import cross_val_score, cross_validate
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import CommitteeClassifier, SeedEnsembleClassifier

X, y = make_classification(n_samples=120, n_features=6, n_informative=4, random_state=0)
X3, y3 = make_classification(
    n_samples=90, n_features=6, n_informative=4, n_classes=3, random_state=1
)
TREE = DecisionTreeClassifier(max_depth=3, max_features=2)


def _mean_member_proba(template, seeds, X_train, y_train, X_test):
    """BaggingClassifier's averaging, by hand, over independently refitted members."""
    members = [
        clone(template).set_params(random_state=int(s)).fit(X_train, y_train)
        for s in seeds
    ]
    return np.mean([member.predict_proba(X_test) for member in members], axis=0)


def test_default_voting_is_auto_and_soft_for_members_with_probabilities():
    ensemble = SeedEnsembleClassifier(TREE, n_seeds=4, random_state=0)
    assert ensemble.voting == "auto"
    assert hasattr(ensemble, "predict_proba")  # before fit, from the template
    ensemble.fit(X3, y3)
    expected = _mean_member_proba(TREE, ensemble.seeds_, X3, y3, X3)
    # Same trees, same sums of the same float64 leaves in the same order:
    # bit for bit.
    np.testing.assert_array_equal(ensemble.predict_proba(X3), expected)
    np.testing.assert_array_equal(
        ensemble.predict(X3), ensemble.classes_[np.argmax(expected, axis=1)]
    )
    np.testing.assert_array_equal(
        ensemble.predict_log_proba(X3), np.log(expected)
    )
    soft = clone(ensemble).set_params(voting="soft").fit(X3, y3)
    np.testing.assert_array_equal(soft.predict(X3), ensemble.predict(X3))


def test_roc_auc_and_log_loss_scoring_work_by_default():
    ensemble = SeedEnsembleClassifier(TREE, n_seeds=3, random_state=0)
    train, test = np.arange(80), np.arange(80, 120)
    fitted = clone(ensemble).fit(X[train], y[train])
    proba = _mean_member_proba(TREE, fitted.seeds_, X[train], y[train], X[test])
    assert get_scorer("roc_auc")(fitted, X[test], y[test]) == roc_auc_score(
        y[test], proba[:, 1]
    )
    assert get_scorer("neg_log_loss")(fitted, X[test], y[test]) == -log_loss(
        y[test], proba
    )
    # cross_val_score turns a failing scorer into NaN plus a warning: none here.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = cross_val_score(ensemble, X, y, cv=3, scoring="roc_auc")
    assert np.all(np.isfinite(scores)) and np.all(scores > 0.5)


def test_auto_is_a_majority_vote_when_a_member_lacks_probabilities():
    auto = SeedEnsembleClassifier(LinearSVC(), n_seeds=3, random_state=0).fit(X3, y3)
    hard = SeedEnsembleClassifier(
        LinearSVC(), n_seeds=3, voting="hard", random_state=0
    ).fit(X3, y3)
    np.testing.assert_array_equal(auto.predict(X3), hard.predict(X3))
    assert not hasattr(auto, "predict_proba")
    assert not hasattr(auto, "predict_log_proba")
    # one member without probabilities is enough to fall back to the vote
    committee = CommitteeClassifier(
        [("svc", LinearSVC()), ("logistic", LogisticRegression())], random_state=0
    ).fit(X3, y3)
    assert not hasattr(committee, "predict_proba")
    votes = committee.predict_all(X3)
    agree = votes[:, 0] == votes[:, 1]
    np.testing.assert_array_equal(committee.predict(X3)[agree], votes[agree, 0])
    # tie between two members: the first class of classes_, as documented
    tied = ~agree
    assert tied.any()
    np.testing.assert_array_equal(
        committee.predict(X3)[tied], np.minimum(votes[tied, 0], votes[tied, 1])
    )


def test_auto_follows_the_members_after_set_params():
    ensemble = SeedEnsembleClassifier(LinearSVC(), n_seeds=2, random_state=0)
    assert not hasattr(ensemble, "predict_proba")
    ensemble.set_params(estimator=CalibratedClassifierCV(LinearSVC(), cv=3))
    assert hasattr(ensemble, "predict_proba")
    ensemble.fit(X, y)
    scores = cross_validate(ensemble, X, y, cv=2, scoring=["roc_auc", "neg_log_loss"])
    assert np.all(np.isfinite(scores["test_roc_auc"]))
    assert np.all(np.isfinite(scores["test_neg_log_loss"]))


def test_committee_auto_is_soft_when_all_members_have_probabilities():
    estimators = [("tree", TREE), ("logistic", LogisticRegression())]
    auto = CommitteeClassifier(estimators, n_seeds=2, random_state=0).fit(X3, y3)
    members = [
        clone(estimator).set_params(random_state=int(seed)).fit(X3, y3)
        for (_, estimator) in estimators
        for seed in auto.seeds_[:2]
    ]
    expected = np.mean([m.predict_proba(X3) for m in members], axis=0)
    # the same member outputs, averaged in a different order (mean over an
    # axis vs a list): float64 sums of 4 values in [0, 1], so a few ulps.
    np.testing.assert_allclose(auto.predict_proba(X3), expected, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(
        auto.predict(X3), auto.classes_[np.argmax(auto.predict_proba(X3), axis=1)]
    )


@pytest.mark.parametrize("voting", ["vote", "Auto", None, 1])
def test_unknown_voting_is_refused(voting):
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"'voting' parameter.*'auto'"):
        SeedEnsembleClassifier(TREE, n_seeds=2, voting=voting).fit(X, y)
