"""Same random_state, bit-identical results, whatever n_jobs or joblib backend.

Every estimator and function of skcorr that takes a seed and ``n_jobs`` is run
sequentially (``n_jobs=1``), then with ``n_jobs=2`` under the loky (processes)
and threading backends, and must give exactly the same numbers. The dask
backend is checked on a real cluster in tests/test_distributed.py.
"""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.difficulty import ExampleDifficulty
from skcorr.ensemble import (
    CommitteeClassifier,
    SeedEnsembleClassifier,
    SeedEnsembleRegressor,
    evaluate_batch,
)
from skcorr.metrics import error_correlation_significance
from skcorr.spurious import run_spurious_study

X, y = make_classification(
    n_samples=80, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_reg, y_reg = make_regression(n_samples=80, n_features=5, noise=5.0, random_state=0)
IMAGES = np.random.RandomState(0).rand(60, 16)
IMAGE_LABELS = np.arange(60) % 3


def seed_ensemble_classifier(n_jobs):
    fitted = SeedEnsembleClassifier(
        ExtraTreesClassifier(n_estimators=3, max_depth=3), n_seeds=4,
        max_samples=0.7, bootstrap=True, max_features=4, random_state=0,
        n_jobs=n_jobs,
    ).fit(X, y)
    return [fitted.seeds_, fitted.predict_proba_all(X)]


def seed_ensemble_regressor(n_jobs):
    fitted = SeedEnsembleRegressor(
        DecisionTreeRegressor(max_depth=4, max_features=3), n_seeds=4,
        shared_fraction=0.5, random_state=0, n_jobs=n_jobs,
    ).fit(X_reg, y_reg)
    return [fitted.seeds_, fitted.predict_all(X_reg)]


def committee_classifier(n_jobs):
    fitted = CommitteeClassifier(
        [("tree", DecisionTreeClassifier(max_features=3)),
         ("mlp", MLPClassifier(hidden_layer_sizes=(8,), max_iter=30))],
        n_seeds=2, voting="soft", random_state=0, n_jobs=n_jobs,
    ).fit(X, y)
    return [fitted.seeds_, fitted.predict_proba_all(X)]


def batch(n_jobs):
    results = evaluate_batch(
        {"tree": DecisionTreeClassifier(max_features=3),
         "sgd": SGDClassifier(max_iter=20, tol=None)},
        X, y, seeds=2, cv=2, scoring="accuracy", n_jobs=n_jobs,
    )
    return [results["test_score"].to_numpy(),
            *[frame.to_numpy() for frame in results.attrs["predictions"]]]


def example_difficulty(n_jobs):
    fitted = ExampleDifficulty(
        SGDClassifier(loss="log_loss"), scores=["loss", "el2n", "forgetting_events"],
        n_seeds=3, max_epochs=3, random_state=0, n_jobs=n_jobs,
    ).fit(X, y)
    return [fitted.seeds_, fitted.mean_scores_.to_numpy(), fitted.predictions_]


def spurious_study(n_jobs):
    results = run_spurious_study(
        (IMAGES, IMAGE_LABELS, (4, 4)), patterns=("S1", "R1"), n_examples=(0, 3),
        models=("logistic",), n_seeds=2, random_state=0, n_jobs=n_jobs,
    )
    return [results.runs[["score", "baseline_score", "pvalue", "norm"]].to_numpy()]


def bootstrap_significance(n_jobs):
    # No n_jobs of its own: run inside each backend, it must not care.
    Y_pred = np.column_stack([
        LogisticRegression(C=c).fit(X[:40], y[:40]).predict(X) for c in (0.01, 1.0)
    ] + [DecisionTreeClassifier(random_state=0).fit(X[:40], y[:40]).predict(X)])
    result = error_correlation_significance(
        y, Y_pred, test="bootstrap", n_resamples=99, random_state=0
    )
    return [np.asarray(value) for key, value in sorted(result.items())
            if isinstance(value, np.ndarray)]


def skorch_seed_ensemble(n_jobs):
    pytest.importorskip("skorch")
    torch = pytest.importorskip("torch")
    from tests.ensemble.test_seed_skorch import TinyMLP, TinyNetClassifier

    net = TinyNetClassifier(
        TinyMLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=2, lr=0.1,
        batch_size=32, iterator_train__shuffle=True, train_split=None, verbose=0,
    )
    fitted = SeedEnsembleClassifier(net, n_seeds=2, random_state=0,
                                    n_jobs=n_jobs).fit(X, y)
    return [fitted.seeds_, fitted.predict_proba_all(X)]


def skorch_example_difficulty(n_jobs):
    # its runs seed the global generators: threads must not interleave them
    pytest.importorskip("skorch")
    torch = pytest.importorskip("torch")
    from tests.ensemble.test_seed_skorch import TinyMLP, TinyNetClassifier

    net = TinyNetClassifier(
        TinyMLP, criterion=torch.nn.CrossEntropyLoss, lr=0.1, batch_size=16,
        iterator_train__shuffle=True, train_split=None, verbose=0,
    )
    fitted = ExampleDifficulty(net, scores=["loss", "forgetting_events"], n_seeds=4,
                               max_epochs=3, random_state=0, n_jobs=n_jobs).fit(X, y)
    return [fitted.seeds_, fitted.mean_scores_.to_numpy()]


STUDIES = [
    seed_ensemble_classifier, seed_ensemble_regressor, committee_classifier,
    batch, example_difficulty, spurious_study, bootstrap_significance,
    skorch_seed_ensemble, skorch_example_difficulty,
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("study", STUDIES, ids=lambda study: study.__name__)
def test_bit_identical_across_n_jobs_and_backends(study):
    expected = study(n_jobs=1)
    for backend in ("loky", "threading"):
        with joblib.parallel_config(backend=backend):
            result = study(n_jobs=2)
        for got, want in zip(result, expected, strict=True):
            np.testing.assert_array_equal(got, want, err_msg=backend)
    again = study(n_jobs=1)  # and a rerun in the same process
    for got, want in zip(again, expected, strict=True):
        np.testing.assert_array_equal(got, want)
