"""joblib's dask backend on a real (local) cluster of two worker processes.

One ``distributed.LocalCluster`` serves the whole module: a seed ensemble
(fitted and predicted, call after call), an evaluate_batch grid, an
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
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skcorr.difficulty import ExampleDifficulty
from skcorr.ensemble import SeedEnsembleClassifier, evaluate_batch
from skcorr.spurious import run_spurious_study

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
        max_samples=0.7, max_features=4, voting="soft", random_state=0,
        n_jobs=n_jobs,
    ).fit(X, y)


def _outputs(ensemble):
    return {
        "predict_proba_all": ensemble.predict_proba_all(X),
        "predict_all": ensemble.predict_all(X),
        "predict_proba": ensemble.predict_proba(X),
        "predict": ensemble.predict(X),
    }


def test_seed_ensemble_on_dask_equals_local(dask_client):
    """Fitted on the cluster and predicted under the dask backend, call after
    call: a forest member with ``n_jobs=None`` would pick up the dask backend
    inside a worker and sum its trees in the order its threads finish (the last
    bit of 5 calls in 8 differed); members predict in the calling process on
    one thread each, so every call is bit-identical to the local one."""
    expected = _outputs(_seed_ensemble(n_jobs=1))
    with joblib.parallel_config(backend="dask"):
        on_dask = _seed_ensemble(n_jobs=2)
        for _ in range(5):  # before the fix, 5 calls in 8 differed
            for method, values in _outputs(on_dask).items():
                np.testing.assert_array_equal(values, expected[method], err_msg=method)
    assert len(dask_client.scheduler_info()["workers"]) == 2


def test_evaluate_batch_on_dask_equals_local(dask_client):
    """Scores computed in the workers (log-loss from a forest's probabilities,
    ROC AUC from a linear model's decision_function) equal the local ones."""
    binary = y == 0

    def batch(n_jobs):
        results = evaluate_batch(
            {"trees": ExtraTreesClassifier(n_estimators=4, max_depth=3),
             "logistic": LogisticRegression()},
            X, binary, seeds=2, cv=3, scoring=["neg_log_loss", "roc_auc"],
            n_jobs=n_jobs,
        )
        return [results[["test_neg_log_loss", "test_roc_auc"]].to_numpy(),
                *[frame.to_numpy() for frame in results.attrs["predictions"]]]

    expected = batch(n_jobs=1)
    for _ in range(3):
        for got, want in zip(_on_dask(batch), expected, strict=True):
            np.testing.assert_array_equal(got, want)


def _thread_probe_class():
    """A classifier that records the threads it was given; defined in a
    function so that dask's cloudpickle sends the class itself to the workers."""
    from joblib import effective_n_jobs
    from sklearn.base import BaseEstimator, ClassifierMixin
    from threadpoolctl import threadpool_info

    def threads():
        blas = max((info["num_threads"] for info in threadpool_info()), default=1)
        return blas, effective_n_jobs(None)

    class ThreadProbe(ClassifierMixin, BaseEstimator):
        predicted_with = []

        def fit(self, X, y):
            self.classes_ = np.unique(y)
            self.fitted_with_ = threads()
            return self

        def predict(self, X):
            type(self).predicted_with.append(threads())
            return np.full(len(X), self.classes_[0])

    return ThreadProbe


def test_members_fit_and_predict_on_one_thread_anywhere(dask_client):
    """What makes BLAS-heavy members (a LogisticRegression on 2000 x 200 rows
    differed by up to 1.6e-13 between the 2-thread parent and a 1-thread
    worker) identical: every member fits and predicts with one BLAS/OpenMP
    thread and nested joblib calls of n_jobs=None run one at a time, in the
    calling process as in a worker."""
    probe = _thread_probe_class()
    # (loky workers: tests/test_determinism.py.)
    for backend in ("dask", "threading", "sequential"):
        probe.predicted_with.clear()
        with joblib.parallel_config(backend=backend):
            fitted = SeedEnsembleClassifier(
                probe(), n_seeds=3, random_state=0, n_jobs=2
            ).fit(X, y)
            fitted.predict_all(X)
        assert [m.fitted_with_ for m in fitted.estimators_] == [(1, 1)] * 3, backend
        assert probe.predicted_with == [(1, 1)] * 3, backend


def _difficulty(n_jobs):
    fitted = ExampleDifficulty(
        SGDClassifier(loss="log_loss"), scores=["loss", "forgetting_events"],
        n_seeds=3, max_epochs=3, random_state=0, n_jobs=n_jobs,
    ).fit(X, y)
    return [fitted.seeds_, fitted.mean_scores_.to_numpy(), fitted.predictions_]


def _spurious_sweep(n_jobs):
    results = run_spurious_study(
        (IMAGES, IMAGE_LABELS, (4, 4)), patterns=("S1",), n_examples=(0, 3),
        models=("logistic",), n_seeds=1, random_state=0, n_jobs=n_jobs,
    )
    return [results.runs[["n_examples", "score", "baseline_score", "norm"]].to_numpy()]


@pytest.mark.parametrize("study", [_difficulty, _spurious_sweep],
                         ids=["ExampleDifficulty", "spurious n-sweep"])
def test_studies_on_dask_equal_local(dask_client, study):
    expected = study(n_jobs=1)
    for got, want in zip(_on_dask(study), expected, strict=True):
        np.testing.assert_array_equal(got, want)
