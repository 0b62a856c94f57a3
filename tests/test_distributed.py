"""joblib's dask backend on a real (local) cluster of two worker processes.

One ``distributed.LocalCluster`` serves the whole module: a seed ensemble, an
example-difficulty fit and a spurious n-sweep run under
``joblib.parallel_config(backend="dask")`` and must equal the local results
bit for bit. A remote cluster is the same code with ``Client("tcp://...")``
(doc/user_guide/scaling.rst).
"""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import SGDClassifier

from skcorr.difficulty import ExampleDifficulty
from skcorr.ensemble import SeedEnsembleClassifier
from skcorr.spurious._study import run_spurious_study

distributed = pytest.importorskip("distributed")

X, y = make_classification(
    n_samples=80, n_features=6, n_informative=4, n_classes=3, random_state=0
)
IMAGES = np.random.RandomState(0).rand(60, 16)
IMAGE_LABELS = np.arange(60) % 3


@pytest.fixture(scope="module")
def dask_client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def _on_dask(function):
    with joblib.parallel_config(backend="dask"):
        return function(n_jobs=2)


def _seed_ensemble(n_jobs):
    return SeedEnsembleClassifier(
        ExtraTreesClassifier(n_estimators=3, max_depth=3), n_seeds=4,
        max_samples=0.7, max_features=4, random_state=0, n_jobs=n_jobs,
    ).fit(X, y)


def test_seed_ensemble_on_dask_equals_local(dask_client):
    expected = _seed_ensemble(n_jobs=1).predict_proba_all(X)
    with joblib.parallel_config(backend="dask"):
        on_dask = _seed_ensemble(n_jobs=2)
        labels_on_dask = on_dask.predict_all(X)
    # Predicting outside dask: a forest's own threaded averaging can differ in
    # the last bit from one thread pool to another; the fitted members may not.
    np.testing.assert_array_equal(on_dask.predict_proba_all(X), expected)
    np.testing.assert_array_equal(labels_on_dask, on_dask.predict_all(X))
    assert len(dask_client.scheduler_info()["workers"]) == 2


def _difficulty(n_jobs):
    fitted = ExampleDifficulty(
        SGDClassifier(loss="log_loss"), scores=["loss", "forgetting_events"],
        n_runs=3, n_epochs=3, random_state=0, n_jobs=n_jobs,
    ).fit(X, y)
    return [fitted.seeds_, fitted.mean_scores_.to_numpy(), fitted.predictions_]


def _spurious_sweep(n_jobs):
    results = run_spurious_study(
        (IMAGES, IMAGE_LABELS, (4, 4)), patterns=("S1",), n_examples=(0, 3),
        models=("logistic",), n_seeds=1, random_state=0, n_jobs=n_jobs,
    )
    return [results[["n_examples", "score", "baseline_score", "norm"]].to_numpy()]


@pytest.mark.parametrize("study", [_difficulty, _spurious_sweep],
                         ids=["ExampleDifficulty", "spurious n-sweep"])
def test_studies_on_dask_equal_local(dask_client, study):
    expected = study(n_jobs=1)
    for got, want in zip(_on_dask(study), expected, strict=True):
        np.testing.assert_array_equal(got, want)
