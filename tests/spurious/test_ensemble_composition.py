"""SpuriousInjectionClassifier inside SeedEnsembleClassifier: one member per
data seed, as the study averages over seeds."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from skcorr.spurious import SpuriousInjectionClassifier, make_pattern, spurious_score

ensemble = pytest.importorskip("skcorr.ensemble")


def test_seed_ensemble_of_injection_classifiers():
    X, y = load_digits(return_X_y=True)
    X, X_test, y, y_test = X[:600] / 16, X[1300:] / 16, y[:600], y[1300:]
    pattern = make_pattern("S3", (8, 8))
    clf = SpuriousInjectionClassifier(
        LogisticRegression(max_iter=500), pattern, 30, target_class=0
    )
    seeds = ensemble.SeedEnsembleClassifier(clf, n_seeds=3, random_state=0).fit(X, y)
    assert seeds.predict_proba_all(X_test).shape == (len(X_test), 3, 10)
    members = seeds.estimators_
    chosen = [tuple(sorted(m.spurious_indices_)) for m in members]
    assert len(set(chosen)) == 3  # each seed patches different rows
    scores = [
        spurious_score(m, X_test, y_test, pattern=pattern, target_class=0)
        for m in members
    ]
    assert min(scores) > 0.1
    # same random_state, same members
    again = ensemble.SeedEnsembleClassifier(clf, n_seeds=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        again.predict_proba_all(X_test), seeds.predict_proba_all(X_test)
    )
