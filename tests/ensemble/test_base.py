"""Tests of what every ensemble shares: parallel fitting, determinism across
joblib backends, cached and resumed fits, member outputs and errors."""

import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor

X, y = make_classification(
    n_samples=80, n_features=6, n_informative=4, n_classes=3, random_state=0
)


def _ensemble(**params):
    return SeedEnsembleClassifier(
        ExtraTreesClassifier(n_estimators=3, max_depth=3),
        n_seeds=4,
        max_samples=0.7,
        max_features=4,
        random_state=0,
        **params,
    )


def test_same_random_state_same_predictions_for_any_n_jobs():
    sequential = _ensemble(n_jobs=1).fit(X, y)
    parallel = _ensemble(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(sequential.seeds_, parallel.seeds_)
    np.testing.assert_array_equal(
        sequential.predict_proba_all(X), parallel.predict_proba_all(X)
    )


def test_fitted_ensemble_pickles_and_clones():
    ensemble = _ensemble().fit(X, y)
    restored = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_array_equal(restored.predict_all(X), ensemble.predict_all(X))
    fresh = clone(ensemble)
    assert not hasattr(fresh, "estimators_")
    assert fresh.get_params()["max_features"] == 4


def test_predict_all_as_dataframe_named_by_member():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, index=np.arange(100, 180))
    ensemble = _ensemble().fit(X, y)
    as_frame = ensemble.predict_all(frame, as_frame=True)
    assert list(as_frame.columns) == ensemble.member_names_
    assert list(as_frame.index) == list(range(100, 180))
    np.testing.assert_array_equal(as_frame.to_numpy(), ensemble.predict_all(X))
    assert isinstance(ensemble.predict_all(X), np.ndarray)
    ensemble.set_output(transform="pandas")
    assert isinstance(ensemble.predict_all(X), pd.DataFrame)
    assert isinstance(clone(ensemble).fit(X, y).predict_all(X), pd.DataFrame)
    assert isinstance(ensemble.predict_all(X, as_frame=False), np.ndarray)
    with pytest.raises(ValueError, match="'default' or 'pandas'"):
        ensemble.set_output(transform="polars")


class SeedFailingTree(DecisionTreeClassifier):
    """A tree whose fit fails for one given seed."""

    def fit(self, X, y, sample_weight=None):
        if self.random_state == FAILING_SEED[0]:
            raise ValueError("this seed is cursed")
        return super().fit(X, y, sample_weight=sample_weight)


FAILING_SEED = [None]


def test_failing_member_is_named_with_its_seed():
    seeds = SeedEnsembleClassifier(DecisionTreeClassifier(), n_seeds=3,
                                   random_state=1).fit(X, y).seeds_
    FAILING_SEED[0] = int(seeds[1])
    try:
        with pytest.raises(
            ValueError, match=rf"Member 'seed={seeds[1]}' \(seed={seeds[1]}\).*cursed"
        ):
            SeedEnsembleClassifier(SeedFailingTree(), n_seeds=3, random_state=1).fit(
                X, y
            )
    finally:
        FAILING_SEED[0] = None


def test_members_without_predict_proba_fail_clearly():
    ensemble = SeedEnsembleClassifier(LinearSVC(), n_seeds=2, random_state=0)
    assert not hasattr(ensemble, "predict_proba_all")
    with pytest.raises(AttributeError) as raised:
        ensemble.fit(X, y).predict_proba_all(X)
    # available_if chains the explanation as the cause of its generic message
    assert "LinearSVC" in str(raised.value.__cause__)
    assert "CalibratedClassifierCV" in str(raised.value.__cause__)
    with pytest.raises(AttributeError, match="needs members that have predict_proba"):
        ensemble.set_params(voting="soft").fit(X, y)
    hard = SeedEnsembleClassifier(
        DecisionTreeClassifier(), n_seeds=2, voting="hard"
    ).fit(X, y)
    with pytest.raises(AttributeError) as raised:
        hard.predict_proba(X)
    assert "not available with voting='hard'" in str(raised.value.__cause__)
    assert "use voting='auto' or 'soft'" in str(raised.value.__cause__)
    # voting="auto" (the default) without probabilities: hard vote, and
    # predict_proba names the members that lack them.
    auto = SeedEnsembleClassifier(LinearSVC(), n_seeds=2, random_state=0).fit(X, y)
    assert not hasattr(auto, "predict_proba")
    with pytest.raises(AttributeError) as raised:
        auto.predict_proba(X)
    assert "LinearSVC" in str(raised.value.__cause__)


class CountingTree(DecisionTreeRegressor):
    """A tree that counts its successful fits and fails on demand."""

    fits = 0
    fail_seeds = set()

    def fit(self, X, y, sample_weight=None):
        if self.random_state in CountingTree.fail_seeds:
            raise RuntimeError("killed part way")
        CountingTree.fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def _regression_ensemble(memory):
    return SeedEnsembleRegressor(
        CountingTree(max_features=3), n_seeds=3, max_samples=0.8,
        random_state=0, memory=memory,
    )


def test_memory_skips_refitting_finished_members(tmp_path):
    CountingTree.fits, CountingTree.fail_seeds = 0, set()
    first = _regression_ensemble(str(tmp_path)).fit(X, y)
    assert CountingTree.fits == 3
    again = _regression_ensemble(joblib.Memory(str(tmp_path), verbose=0)).fit(X, y)
    assert CountingTree.fits == 3  # nothing refitted
    np.testing.assert_array_equal(again.predict_all(X), first.predict_all(X))
    # different data means a different cache key
    _regression_ensemble(str(tmp_path)).fit(X[:60], y[:60])
    assert CountingTree.fits == 6
    _regression_ensemble(tmp_path).fit(X[:60], y[:60])  # a path works too
    assert CountingTree.fits == 6


def test_a_run_killed_part_way_resumes_with_identical_results(tmp_path):
    CountingTree.fits, CountingTree.fail_seeds = 0, set()
    reference = _regression_ensemble(None).fit(X, y)
    assert CountingTree.fits == 3
    CountingTree.fits = 0
    CountingTree.fail_seeds = {int(reference.seeds_[1])}
    with pytest.raises(RuntimeError, match="killed part way"):
        _regression_ensemble(str(tmp_path)).fit(X, y)
    assert CountingTree.fits == 1  # the first member finished and was cached
    CountingTree.fail_seeds = set()
    resumed = _regression_ensemble(str(tmp_path)).fit(X, y)
    assert CountingTree.fits == 3  # only the two unfinished members were fitted
    np.testing.assert_array_equal(resumed.predict_all(X), reference.predict_all(X))
