"""skcorr on ray's joblib backend gives the results of a local run.

doc/user_guide/scaling.rst shows ``joblib.parallel_config(backend="ray")``;
this test runs it on a local ray (two CPUs, bound to 127.0.0.1, no
dashboard, no network) and compares with the default backend. Skipped when
ray is not installed (``pip install "skcorr[ray]"``) and, being slow, unless
``--runslow`` is given.
"""

import os

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import SeedEnsembleClassifier, evaluate_batch

ray = pytest.importorskip(
    "ray", reason="ray is not installed: pip install 'skcorr[ray]' to run this test"
)
ray_joblib = pytest.importorskip("ray.util.joblib")

# ray.init takes about 5 s here, but the module as a whole (start-up, two
# worker processes, shutdown) takes 20-30 s on two busy cores: too long for
# the default run. `pytest --runslow tests/test_ray.py` runs it.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray():
    """A local ray on 127.0.0.1 with two CPUs, shut down after the module."""
    if ray.is_initialized():  # pragma: no cover - someone else's ray
        pytest.skip("a ray session is already running in this process")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    ray_joblib.register_ray()
    yield ray
    ray.shutdown()


class _WorkerTree(DecisionTreeClassifier):
    """A decision tree that records the process it was fitted in."""

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight=sample_weight)
        self.fit_pid_ = os.getpid()
        return self


def _data():
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )


def test_seed_ensemble_on_ray_matches_local(local_ray):
    X, y = _data()
    ensemble = SeedEnsembleClassifier(
        _WorkerTree(max_depth=3), n_seeds=4, max_samples=0.8,
        random_state=0, n_jobs=1,
    )
    expected = ensemble.fit(X, y).predict_proba_all(X)
    with joblib.parallel_config(backend="ray"):
        on_ray = SeedEnsembleClassifier(
            _WorkerTree(max_depth=3), n_seeds=4, max_samples=0.8,
            random_state=0, n_jobs=2,
        ).fit(X, y)
    # Same seeds, same rows, same deterministic fits: bit-identical.
    np.testing.assert_array_equal(on_ray.predict_proba_all(X), expected)
    np.testing.assert_array_equal(on_ray.seeds_, ensemble.seeds_)
    # The members were fitted in ray's worker processes, not here by accident.
    assert {member.fit_pid_ for member in ensemble.estimators_} == {os.getpid()}
    assert os.getpid() not in {member.fit_pid_ for member in on_ray.estimators_}


def test_evaluate_batch_on_ray_matches_local(local_ray):
    X, y = _data()
    estimators = {
        "tree": DecisionTreeClassifier(max_depth=3),
        "logistic": LogisticRegression(max_iter=500),
    }
    expected = evaluate_batch(estimators, X, y, seeds=2, cv=3, n_jobs=2)
    with joblib.parallel_config(backend="ray"):
        on_ray = evaluate_batch(estimators, X, y, seeds=2, cv=3, n_jobs=2)
    columns = [name for name in expected.columns if name != "fit_time"]
    assert columns == [name for name in on_ray.columns if name != "fit_time"]
    assert len(on_ray) == 2 * 2 * 3
    # Same jobs in the same order, scored on the same rows: identical scores.
    for column in columns:
        assert on_ray[column].tolist() == expected[column].tolist(), column
    for fold_ray, fold_local in zip(
        on_ray.attrs["predictions"], expected.attrs["predictions"], strict=True
    ):
        assert fold_ray.equals(fold_local)
