"""Models whose classes are defined in ``__main__`` (a notebook or a script).

Such a class reaches a loky or dask worker by value (cloudpickle), but a fitted
model used to travel back by reference, with the standard pickle: PicklingError
under loky, a hang under dask. Each test writes a script to ``tmp_path`` that
defines a torch module and a scikit-learn estimator subclass in ``__main__``,
runs it in a fresh interpreter with a timeout (no result in time fails as a
hang), and compares the predictions of
every backend with the ``n_jobs=1`` run bit for bit (same members, same seeds,
same single-threaded arithmetic: the same computation).
"""

import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json
    import sys

    import joblib
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.tree import DecisionTreeClassifier

    from skcorr.ensemble import SeedEnsembleClassifier

    WITH_NET = sys.argv[2] == "net"
    if WITH_NET:
        import torch
        from skorch import NeuralNetClassifier

        torch.set_num_threads(1)

        class Module(torch.nn.Module):
            def __init__(self, hidden=8):
                super().__init__()
                self.layers = torch.nn.Sequential(
                    torch.nn.Linear(6, hidden), torch.nn.ReLU(),
                    torch.nn.Dropout(0.2), torch.nn.Linear(hidden, 2),
                )

            def forward(self, X):
                return self.layers(X)
    else:
        Module = None


    class ShallowTree(DecisionTreeClassifier):
        def __init__(self, max_depth=2, random_state=None):
            super().__init__(max_depth=max_depth, random_state=random_state)


    def ensembles(n_jobs):
        ensembles = {
            "tree": SeedEnsembleClassifier(
                ShallowTree(), n_seeds=3, max_features=4, random_state=0,
                n_jobs=n_jobs,
            ),
        }
        if WITH_NET:
            net = NeuralNetClassifier(
                Module, criterion=torch.nn.CrossEntropyLoss, max_epochs=3,
                lr=0.1, train_split=None, verbose=0,
            )
            ensembles["net"] = SeedEnsembleClassifier(
                net, n_seeds=2, random_state=0, n_jobs=n_jobs
            )
        return ensembles


    def outputs(n_jobs):
        X, y = make_classification(n_samples=60, n_features=6, random_state=0)
        X = X.astype(np.float32)
        result = {}
        for name, ensemble in ensembles(n_jobs).items():
            ensemble.fit(X, y)
            result[name] = ensemble.predict_proba_all(X).tolist()
            # the members come back as instances of this script's classes
            result[name + "_main_classes"] = [
                type(getattr(m, "module_", m)) in (Module, ShallowTree)
                for m in ensemble.estimators_
            ]
        return result


    if __name__ == "__main__":
        backend = sys.argv[1]
        reference = outputs(n_jobs=1)
        if backend == "loky":
            with joblib.parallel_config(backend="loky"):
                got = outputs(n_jobs=2)
        else:
            import distributed

            processes = backend == "dask-processes"
            with distributed.Client(
                processes=processes, n_workers=2, threads_per_worker=1,
                dashboard_address=None,
            ), joblib.parallel_config(backend="dask"):
                got = outputs(n_jobs=2)
        if backend == "loky":  # memory= cannot hash __main__ classes there
            import tempfile

            try:
                ensembles(2)["tree"].set_params(memory=tempfile.mkdtemp()).fit(
                    *make_classification(n_samples=30, n_features=6)
                )
                got["memory_error"] = None
            except Exception as exc:
                got["memory_error"] = f"{type(exc).__name__}: {exc}"
            reference["memory_error"] = got["memory_error"]
        print("RESULT" + json.dumps({"reference": reference, "got": got}))
    """
)


def _run(tmp_path, backend, models, timeout):
    script = tmp_path / "notebook_models.py"
    script.write_text(SCRIPT)
    try:
        completed = subprocess.run(
            [sys.executable, str(script), backend, models], capture_output=True,
            text=True, timeout=timeout, cwd=tmp_path,
        )
    except subprocess.TimeoutExpired as exc:
        stderr = (exc.stderr or b"")[-2000:]
        pytest.fail(f"{backend}: no result within {timeout} s (a hang): {stderr}")
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(
        line for line in completed.stdout.splitlines() if line.startswith("RESULT")
    )
    return json.loads(line[len("RESULT"):])


def _check(result, models):
    # floats through JSON round-trip exactly; NaN would not compare equal
    assert result["got"] == result["reference"]
    assert result["got"]["tree_main_classes"] == [True, True, True]
    if models == "net":
        assert result["got"]["net_main_classes"] == [True, True]


def test_main_module_skorch_module_on_loky(tmp_path):
    """Failed with PicklingError before: skorch pickles its module with the
    standard pickle, which cannot find a ``__main__`` class in a worker.
    (About 20 s, mostly torch imported by two loky workers.)"""
    pytest.importorskip("skorch")
    result = _run(tmp_path, "loky", "net", timeout=180)
    _check(result, "net")
    assert result["got"]["memory_error"].startswith(
        "PicklingError: memory= cannot cache this member in a worker process"
    )
    assert "Define the class in an importable module" in result["got"][
        "memory_error"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["dask-threads", "dask-processes"])
def test_main_module_skorch_module_on_dask(tmp_path, backend):
    pytest.importorskip("skorch")
    pytest.importorskip("distributed")
    _check(_run(tmp_path, backend, "net", timeout=180), "net")
