"""Members fit and predict on one BLAS/OpenMP thread, in any thread or backend.

The numbers of a BLAS-heavy model can differ in their last bits with the
number of threads that sum its products, and a forest with ``n_jobs=None``
picks up whatever joblib backend is active; skcorr.ensemble._validation.
member_threads fixes both so that results do not depend on ``n_jobs`` or the
backend (tests/test_distributed.py checks the same on a dask cluster).
"""

import threading

import joblib
import numpy as np
import pytest
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification

from skcorr.ensemble import SeedEnsembleClassifier, evaluate_batch
from skcorr.utils.threads import blas_single_thread, member_threads

threadpoolctl = pytest.importorskip("threadpoolctl")

X, y = make_classification(n_samples=40, n_features=4, random_state=0)


def _threads():
    info = threadpoolctl.threadpool_info()
    return max((lib["num_threads"] for lib in info), default=1), effective_n_jobs(None)


class ThreadProbe(ClassifierMixin, BaseEstimator):
    """Records the threads it fits and predicts with."""

    predicted_with = []
    lock = threading.Lock()

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.fitted_with_ = _threads()
        return self

    def predict(self, X):
        with self.lock:
            self.predicted_with.append(_threads())
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("backend", ["threading", "sequential"])
@pytest.mark.parametrize("n_jobs", [None, 2])
def test_ensemble_members_run_on_one_thread(backend, n_jobs):
    ThreadProbe.predicted_with.clear()
    before = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()]
    with joblib.parallel_config(backend=backend, n_jobs=4):
        fitted = SeedEnsembleClassifier(
            ThreadProbe(), n_seeds=3, random_state=0, n_jobs=n_jobs
        ).fit(X, y)
        fitted.predict_all(X)
    assert [member.fitted_with_ for member in fitted.estimators_] == [(1, 1)] * 3
    assert ThreadProbe.predicted_with == [(1, 1)] * 3
    # The limits are the user's again afterwards.
    assert [lib["num_threads"] for lib in threadpoolctl.threadpool_info()] == before


def test_evaluate_batch_scores_on_one_thread():
    ThreadProbe.predicted_with.clear()
    with joblib.parallel_config(backend="threading"):
        evaluate_batch({"probe": ThreadProbe()}, X, y, seeds=2, cv=2, n_jobs=2)
    # Each job predicts twice: once for its score, once for the predictions.
    assert ThreadProbe.predicted_with == [(1, 1)] * 8


def test_member_threads_in_a_worker_thread_after_the_main_thread():
    """threadpoolctl lets one thread at a time set OpenBLAS's limit; a block
    entered in the main thread must hand control back for later threads."""
    with member_threads():
        pass
    seen = []

    def work():
        with blas_single_thread(), member_threads():
            seen.append(_threads())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == [(1, 1)]


class PartialFitProbe(ClassifierMixin, BaseEstimator):
    """A partial_fit classifier that records the threads of each epoch."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y):
        return self.partial_fit(X, y, classes=np.unique(y))

    def partial_fit(self, X, y, classes=None):
        self.classes_ = np.asarray(classes)
        self.epochs_with_ = [*getattr(self, "epochs_with_", []), _threads()]
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))


@pytest.mark.parametrize("backend", ["threading", "sequential"])
@pytest.mark.parametrize("n_jobs", [None, 2])
def test_example_difficulty_runs_on_one_thread(backend, n_jobs, monkeypatch):
    from skcorr.difficulty import ExampleDifficulty, _estimator

    seen = []
    fit_and_score = _estimator._fit_and_score_run

    def recording(estimator, *args):
        result = fit_and_score(estimator, *args)
        seen.append(_threads())
        return result

    monkeypatch.setattr(_estimator, "_fit_and_score_run", recording)
    with joblib.parallel_config(backend=backend, n_jobs=4):
        ExampleDifficulty(PartialFitProbe(), scores=["loss"], n_seeds=3, max_epochs=2,
                          random_state=0, n_jobs=n_jobs).fit(X, y)
    # Each run (its epochs and its scores) on one BLAS/OpenMP thread, with
    # nested joblib calls run one at a time, as the ensembles' members.
    assert seen == [(1, 1)] * 3
