"""Faults: a batch killed part way resumes from its cache, a failing worker is
named and spares the cache, and saved results round-trip.

Member fits are counted with marker files (one per fit), so the count holds
across processes: a subprocess, loky workers and this process alike.
"""

import csv
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import SeedEnsembleClassifier

REPO = Path(__file__).resolve().parents[1]
X, y = make_classification(
    n_samples=60, n_features=5, n_informative=3, random_state=0
)


class MarkedTree(DecisionTreeClassifier):
    """A tree that leaves a marker file per fit, and on request fails or hangs.

    The requests are files too (``fail-<seed>``, ``hang-after-<n>``), not
    parameters, so they do not change joblib's cache key.
    """

    def __init__(self, marker_dir=None, max_depth=3, random_state=None):
        super().__init__(max_depth=max_depth, random_state=random_state)
        self.marker_dir = marker_dir

    def fit(self, X, y, sample_weight=None, check_input=True):
        markers = Path(self.marker_dir)
        seed = self.random_state
        if (markers / f"fail-{seed}").exists():
            raise RuntimeError("worker lost its GPU")
        hang = list(markers.glob("hang-after-*"))
        if hang and len(_fits(markers)) >= int(hang[0].name.rsplit("-", 1)[1]):
            (markers / "hanging").touch()
            time.sleep(120)  # killed here
        super().fit(X, y, sample_weight=sample_weight, check_input=check_input)
        (markers / f"fit-{seed}-{os.getpid()}-{time.monotonic_ns()}").touch()
        return self


def _fits(markers):
    return sorted(Path(markers).glob("fit-*"))


def _ensemble(markers, **params):
    return SeedEnsembleClassifier(
        MarkedTree(marker_dir=str(markers)), n_seeds=5, max_samples=0.8,
        random_state=0, **params,
    )


_BATCH = """
import sys
import numpy as np
from tests.test_faults import X, y, _ensemble
markers, cache, out = sys.argv[1:]
fitted = _ensemble(markers, memory=cache).fit(X, y)
np.save(out, fitted.predict_proba_all(X))
"""


def _run_batch(markers, cache, out):
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_BATCH), str(markers), str(cache),
         str(out)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_a_batch_killed_with_sigkill_resumes_from_its_cache(tmp_path):
    markers, cache = tmp_path / "markers", tmp_path / "cache"
    markers.mkdir()
    (markers / "hang-after-2").touch()
    batch = _run_batch(markers, cache, tmp_path / "killed.npy")
    deadline = time.monotonic() + 60
    while not (markers / "hanging").exists():
        assert batch.poll() is None, batch.communicate()[1].decode()
        assert time.monotonic() < deadline, "the batch never reached member 3"
        time.sleep(0.05)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    assert batch.returncode == -signal.SIGKILL
    assert len(_fits(markers)) == 2  # two members finished before the kill

    (markers / "hang-after-2").unlink()
    resumed = _run_batch(markers, cache, tmp_path / "resumed.npy")
    assert resumed.wait(timeout=120) == 0, resumed.communicate()[1].decode()
    assert len(_fits(markers)) == 5  # only the three missing members were fitted

    reference_markers = tmp_path / "reference"
    reference_markers.mkdir()
    reference = _ensemble(reference_markers).fit(X, y)  # uninterrupted, no cache
    np.testing.assert_array_equal(
        np.load(tmp_path / "resumed.npy"), reference.predict_proba_all(X)
    )


def test_a_failing_loky_worker_is_named_and_spares_the_cache(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    seeds = _ensemble(markers).fit(X, y).seeds_
    for marker in _fits(markers):
        marker.unlink()
    cursed = int(seeds[2])
    (markers / f"fail-{cursed}").touch()
    memory = joblib.Memory(tmp_path / "cache", verbose=0)
    with joblib.parallel_config(backend="loky"):
        with pytest.raises(
            RuntimeError,
            match=rf"Member 'seed={cursed}' \(seed={cursed}\) failed to fit: "
            "RuntimeError: worker lost its GPU",
        ):
            _ensemble(markers, memory=memory, n_jobs=2).fit(X, y)
    finished = {int(path.name.split("-")[1]) for path in _fits(markers)}
    assert cursed not in finished and finished  # others finished
    # A worker stopped by the failure may have fitted its member (its marker is
    # written) without storing the result yet: count what the cache holds.
    cached = len(list((tmp_path / "cache").rglob("output.pkl")))
    assert 1 <= cached <= len(finished)

    (markers / f"fail-{cursed}").unlink()
    before = len(_fits(markers))
    _ensemble(markers, memory=memory, n_jobs=2).fit(X, y)
    refitted = len(_fits(markers)) - before
    assert refitted == 5 - cached  # the cache of finished members held


# ---------------------------------------------------------- saved results
def test_errors_json_and_csv_round_trip_bit_for_bit(tmp_path, capsys):
    from skcorr.cli import main
    from skcorr.metrics import pairwise_error_correlation

    rng = np.random.RandomState(0)
    labels = rng.randint(3, size=80)
    Y_pred = np.where(rng.rand(80, 4) < 0.3, (labels[:, None] + 1) % 3,
                      labels[:, None])
    Y_pred[:, 3] = labels  # a model never wrong: its correlations are undefined
    path = tmp_path / "predictions.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "a", "b", "c", "oracle"])
        writer.writerows([[t, *p] for t, p in zip(labels, Y_pred, strict=True)])
    with pytest.warns(Warning, match="model 3 made the same error"):
        expected = pairwise_error_correlation(labels, Y_pred, method="pearson")

    argv = ["errors", "--dataset", str(path), "--target-column", "label",
            "--method", "pearson"]
    with pytest.warns(Warning, match="oracle"):
        assert main([*argv, "--output", str(tmp_path / "out.json")]) == 0
        assert main([*argv, "--output", str(tmp_path / "out.csv")]) == 0
    capsys.readouterr()

    saved = json.loads((tmp_path / "out.json").read_text())
    assert saved["models"] == ["a", "b", "c", "oracle"]
    from_json = np.array(saved["matrix"], dtype=float)  # null (undefined) -> NaN
    np.testing.assert_array_equal(from_json, expected)
    with (tmp_path / "out.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["model", "a", "b", "c", "oracle"]
    assert [row[0] for row in rows[1:]] == ["a", "b", "c", "oracle"]
    from_csv = np.array([row[1:] for row in rows[1:]], dtype=float)
    np.testing.assert_array_equal(from_csv, expected)


def _skorch_ensemble():
    pytest.importorskip("skorch")
    from tests.ensemble.test_seed_skorch import TinyMLP, TinyNetClassifier

    return SeedEnsembleClassifier(
        TinyNetClassifier(TinyMLP, max_epochs=2, lr=0.1, batch_size=16,
                          train_split=None, verbose=0),
        n_seeds=2, random_state=0,
    )


def _injection_classifier():
    from skcorr.spurious import SpuriousInjectionClassifier, make_pattern

    pattern = make_pattern("feature", (5,), columns=[0], value=3.0)
    return SpuriousInjectionClassifier(
        LogisticRegression(), pattern, n_examples=4, target_class=1, random_state=0
    ).fit(X, y)


def _difficulty():
    from skcorr.difficulty import ExampleDifficulty

    return ExampleDifficulty(
        SGDClassifier(loss="log_loss"), scores=["loss", "forgetting_events"],
        n_seeds=2, max_epochs=3, random_state=0,
    ).fit(X, y)


FITTED = {
    "SeedEnsembleClassifier": lambda: SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=3), n_seeds=3, max_features=0.8,
        random_state=0).fit(X, y),
    "SpuriousInjectionClassifier": _injection_classifier,
    "ExampleDifficulty": _difficulty,
    "SeedEnsembleClassifier(skorch)": lambda: _skorch_ensemble().fit(
        X.astype(np.float32), y),
}


def _outputs(fitted):
    if hasattr(fitted, "mean_scores_"):  # ExampleDifficulty
        return [fitted.mean_scores_.to_numpy(), fitted.predictions_,
                fitted.rank("loss")]
    if hasattr(fitted, "predict_all"):
        return [fitted.predict(X), fitted.predict_all(X), fitted.predict_proba_all(X)]
    return [fitted.predict(X), fitted.predict_proba(X), fitted.decision_function(X)]


@pytest.mark.parametrize("name", list(FITTED))
def test_pickled_estimators_predict_identically(name):
    fitted = FITTED[name]()
    restored = pickle.loads(pickle.dumps(fitted))
    for before, after in zip(_outputs(fitted), _outputs(restored), strict=True):
        np.testing.assert_array_equal(after, before)
