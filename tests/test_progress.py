"""Progress bars: one per fitted member / job / run / epoch on a terminal,
silent off a terminal, with verbose=0 and with --quiet."""

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import numpy as np
import pytest
import tqdm.auto
import tqdm.std
from joblib import parallel_config
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.parallel import delayed

from skcorr.difficulty import ExampleDifficulty, run_difficulty_study
from skcorr.ensemble import (
    CommitteeClassifier,
    SeedEnsembleClassifier,
    evaluate_batch,
    run_scenario,
)
from skcorr.spurious import run_spurious_study
from skcorr.utils.progress import check_verbose, parallel_map, progress_bar

X, y = load_iris(return_X_y=True)


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


@pytest.fixture
def bars(monkeypatch):
    """Every bar opened, drawn on every update, on a fake terminal.

    Returns ``(bars, terminal)``: the tqdm objects in the order they were
    opened and the text they wrote. The bars write to the fake terminal
    instead of ``sys.stderr`` (pytest's capture resets ``sys.stderr`` during
    the test, so patching it would not last); whether a bar shows is still
    decided by tqdm's ``disable=None`` on that file.
    """
    opened = []
    terminal = _Terminal()

    class Recording(tqdm.std.tqdm):
        def __init__(self, *args, **kwargs):
            assert kwargs["file"] is sys.stderr  # progress_bar writes there
            kwargs.update(mininterval=0, miniters=1, file=terminal)
            super().__init__(*args, **kwargs)
            self.ticks = []
            opened.append(self)

        def update(self, n=1):
            self.ticks.append(n)
            return super().update(n)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)
    return opened, terminal


def _counted(bar, total):
    """The bar counted ``total`` steps, each once."""
    assert bar.total == total
    assert bar.ticks == [1] * total
    assert bar.n == total


# -- the mechanism -------------------------------------------------------------


def test_progress_bar_is_drawn_on_a_terminal(bars):
    opened, stderr = bars
    with progress_bar(3, "things", verbose=1) as bar:
        for _ in range(3):
            bar.update(1)
    _counted(opened[0], 3)
    text = stderr.getvalue()
    assert "things" in text and "%|" in text and "3/3" in text


@pytest.mark.parametrize("verbose", [0, False, np.False_])
def test_verbose_zero_draws_nothing_even_on_a_terminal(bars, capfd, verbose):
    opened, terminal = bars
    with progress_bar(3, "things", verbose=verbose) as bar:
        bar.update(1)
    assert bar.disable and bar.n == 0
    assert terminal.getvalue() == ""
    assert capfd.readouterr() == ("", "")


def test_progress_bar_is_silent_off_a_terminal(capfd):
    # pytest's captured stderr is not a terminal, as a pipe or a file is not
    assert not sys.stderr.isatty()
    with progress_bar(2, "things", verbose=1) as bar:
        bar.update(2)
    assert bar.disable
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_parallel_map_keeps_task_order_and_ticks_once_per_task(bars, n_jobs):
    opened, _ = bars
    with progress_bar(6, "squares", verbose=1) as bar:
        results = parallel_map(
            (delayed(pow)(i, 2) for i in range(6)), progress=bar,
            n_jobs=n_jobs, backend="threading",
        )
    assert results == [i**2 for i in range(6)]
    _counted(opened[0], 6)


def test_parallel_map_backend_without_generators_fills_the_bar_at_the_end(bars):
    opened, _ = bars
    with parallel_config(backend="multiprocessing", n_jobs=2), progress_bar(
        4, "squares", verbose=1
    ) as bar:
        results = parallel_map((delayed(pow)(i, 2) for i in range(4)), progress=bar)
    assert results == [0, 1, 4, 9]
    assert opened[0].ticks == [4] and opened[0].n == 4


def test_parallel_map_without_bar_is_plain_parallel():
    assert parallel_map((delayed(abs)(-i) for i in range(3)), n_jobs=1) == [0, 1, 2]


@pytest.mark.parametrize("verbose", [-1, 1.5, "yes", None, [1]])
def test_check_verbose_refuses_what_is_not_a_bool_or_int(verbose):
    with pytest.raises(InvalidParameterError, match="'verbose' parameter of f "
                       "must be a bool or an int >= 0"):
        check_verbose(verbose, "f")


# -- the ensembles and evaluate_batch --------------------------------------------


def test_seed_ensemble_bar_counts_every_member_and_n_jobs_changes_nothing(bars):
    opened, stderr = bars
    fits = [
        SeedEnsembleClassifier(
            DecisionTreeClassifier(), n_seeds=5, max_samples=0.8, random_state=3,
            n_jobs=n_jobs, verbose=1,
        ).fit(X, y)
        for n_jobs in (1, 2)
    ]
    assert len(opened) == 2
    for bar in opened:
        _counted(bar, 5)
    assert "fitting members" in stderr.getvalue()
    silent = SeedEnsembleClassifier(
        DecisionTreeClassifier(), n_seeds=5, max_samples=0.8, random_state=3
    ).fit(X, y)
    # the same computation on the same data: bit-identical
    for fit in fits:
        np.testing.assert_array_equal(
            fit.predict_proba_all(X), silent.predict_proba_all(X)
        )
        np.testing.assert_array_equal(fit.seeds_, silent.seeds_)


def test_committee_bar_counts_members_times_seeds(bars):
    opened, _ = bars
    CommitteeClassifier(
        [("tree", DecisionTreeClassifier()), ("bayes", GaussianNB())],
        n_seeds=2, random_state=0, verbose=True,
    ).fit(X, y)
    _counted(opened[0], 4)


def test_ensemble_verbose_zero_prints_nothing(capfd):
    SeedEnsembleClassifier(DecisionTreeClassifier(), n_seeds=3).fit(X, y)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_evaluate_batch_bar_counts_every_job(bars):
    opened, _ = bars
    models = {"tree": DecisionTreeClassifier(), "bayes": GaussianNB()}
    shown = evaluate_batch(models, X, y, seeds=2, cv=3, verbose=1, n_jobs=2)
    _counted(opened[0], 2 * 2 * 3)
    silent = evaluate_batch(models, X, y, seeds=2, cv=3)
    np.testing.assert_array_equal(
        shown.drop(columns="fit_time").to_numpy(),
        silent.drop(columns="fit_time").to_numpy(),
    )


@pytest.mark.parametrize("verbose", [-1, 0.5, "1"])
def test_evaluate_batch_refuses_bad_verbose(verbose):
    with pytest.raises(InvalidParameterError, match="'verbose' parameter of "
                       "evaluate_batch"):
        evaluate_batch({"tree": DecisionTreeClassifier()}, X, y, seeds=1,
                       verbose=verbose)


# -- difficulty ------------------------------------------------------------------


def test_example_difficulty_bar_counts_every_epoch(bars):
    opened, _ = bars
    make = lambda n_jobs, verbose: ExampleDifficulty(  # noqa: E731
        SGDClassifier(loss="log_loss"), n_seeds=3, max_epochs=2, random_state=0,
        n_jobs=n_jobs, verbose=verbose,
    ).fit(X, y)
    shown = [make(n_jobs, 1) for n_jobs in (1, 2)]
    in_process, in_workers = opened
    # n_jobs=1: the bar ticks at each of the 3 runs x 2 epochs, as they train
    _counted(in_process, 6)
    # loky workers cannot tick the caller's bar: each run adds its 2 epochs
    # when it comes back
    assert (in_workers.total, in_workers.ticks, in_workers.n) == (6, [2, 2, 2], 6)
    with parallel_config(backend="threading", n_jobs=2):
        make(None, 1)  # threads run in this process: ticked epoch by epoch
    _counted(opened[2], 6)
    silent = make(None, 0)
    for fit in shown:
        np.testing.assert_array_equal(fit.predictions_, silent.predictions_)
        for name, scores in silent.scores_.items():
            np.testing.assert_array_equal(fit.scores_[name], scores)


def test_example_difficulty_of_a_skorch_net_ticks_every_epoch(bars):
    skorch = pytest.importorskip("skorch")
    import torch

    opened, _ = bars
    net = skorch.NeuralNetClassifier(
        torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=-1)),
        train_split=None, verbose=0, batch_size=50,
    )
    ExampleDifficulty(net, n_seeds=2, max_epochs=3, scores=["loss"], random_state=0,
                      verbose=1).fit(X.astype(np.float32), y)
    _counted(opened[0], 2 * 3)  # the TrainingDynamics callback ticks each epoch


@pytest.mark.parametrize("verbose", [-1, 0.5, "1"])
def test_example_difficulty_refuses_bad_verbose(verbose):
    with pytest.raises(InvalidParameterError, match="'verbose' parameter"):
        ExampleDifficulty(SGDClassifier(loss="log_loss"), verbose=verbose).fit(X, y)


def test_difficulty_study_bar_per_architecture_and_per_epoch(bars):
    opened, _ = bars
    run_difficulty_study(
        n_seeds=4, max_epochs=2, n_samples=100, k=[5], scores=["loss"],
        architectures={"a": SGDClassifier(loss="log_loss"),
                       "b": MLPClassifier((8,))},
        verbose=1,
    )
    study, *runs = opened
    _counted(study, 2)
    assert len(runs) == 2
    for bar in runs:
        _counted(bar, 4 * 2)  # each architecture's 4 runs x 2 epochs


# -- the other studies -----------------------------------------------------------


def test_spurious_study_bar_counts_baselines_and_cells(bars):
    opened, _ = bars
    kwargs = dict(patterns=("S3", "S1"), n_examples=(0, 5), models=("logistic",),
                  n_seeds=2)
    shown = run_spurious_study(**kwargs, verbose=1, n_jobs=2)
    # 2 baselines (model x seed), then 1 x 2 x 2 x 2 cells
    _counted(opened[0], 2 + 8)
    silent = run_spurious_study(**kwargs)
    np.testing.assert_array_equal(shown.runs["score"], silent.runs["score"])


def test_scenario_bar_per_ensemble(bars):
    opened, _ = bars
    shown = run_scenario("seeds", quick=True, n_seeds=2, verbose=1)
    assert len(opened) == 2  # the MLP seeds, then the forest seeds
    for bar in opened:
        _counted(bar, 2)
    silent = run_scenario("seeds", quick=True, n_seeds=2)
    np.testing.assert_array_equal(shown.Y_pred, silent.Y_pred)


@pytest.mark.parametrize(
    "call",
    [
        lambda v: run_spurious_study(patterns=("S3",), n_examples=(0, 1),
                                     models=("logistic",), n_seeds=1, verbose=v),
        lambda v: run_scenario("seeds", quick=True, verbose=v),
        lambda v: run_difficulty_study(n_seeds=4, verbose=v),
    ],
    ids=["spurious", "scenario", "difficulty"],
)
@pytest.mark.parametrize("verbose", [-1, 0.5, "1"])
def test_studies_refuse_bad_verbose(call, verbose):
    with pytest.raises(InvalidParameterError, match="'verbose' parameter"):
        call(verbose)


def test_reciprocity_study_bar_counts_every_epoch(bars):
    pytest.importorskip("skorch")
    from skcorr.influence import run_reciprocity_study

    opened, _ = bars
    shown = run_reciprocity_study("diabetes", max_epochs=3, lds_subsets=0,
                                  verbose=1)
    _counted(opened[0], 3)
    silent = run_reciprocity_study("diabetes", max_epochs=3, lds_subsets=0)
    np.testing.assert_array_equal(shown["scores"].to_numpy(),
                                  silent["scores"].to_numpy())


@pytest.mark.parametrize("verbose", [-1, 0.5, "1"])
def test_reciprocity_study_refuses_bad_verbose(verbose):
    from skcorr.influence import run_reciprocity_study

    with pytest.raises(InvalidParameterError, match="'verbose' parameter of "
                       "run_reciprocity_study"):
        run_reciprocity_study("diabetes", tracin=False, verbose=verbose)


# -- the command line --------------------------------------------------------------

_COMMAND = [sys.executable, "-m", "skcorr", "errors", "--dataset", "wine"]
_ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "80"}


def _run_with_terminal_stderr(args):
    """Run ``args`` with stderr on a pseudo-terminal; return what it wrote there."""
    controller, terminal = pty.openpty()
    # a terminal of 80 columns: a new pseudo-terminal has 0, where tqdm
    # draws an empty bar
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=terminal, env=_ENV,
        )
    finally:
        os.close(terminal)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the other end closed: the command ended
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
        returncode = process.wait(timeout=60)
    assert returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_cli_off_a_terminal_prints_no_bar():
    done = subprocess.run(_COMMAND, capture_output=True, text=True, env=_ENV,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # warnings off: nothing at all on stderr
    assert "%|" not in done.stdout and "model/s" not in done.stdout


def test_cli_on_a_terminal_shows_a_bar_unless_quiet():
    shown = _run_with_terminal_stderr(_COMMAND)
    assert "%|" in shown and "fitting members" in shown
    quiet = _run_with_terminal_stderr([*_COMMAND, "--quiet"])
    assert "%|" not in quiet and "fitting members" not in quiet


@pytest.mark.parametrize("command", ["errors", "spurious", "difficulty",
                                     "reciprocity", "report"])
def test_every_command_takes_quiet(command):
    from skcorr.cli import build_parser

    parser = build_parser()
    help_text = parser._subparsers._group_actions[0].choices[command].format_help()
    assert "--quiet" in help_text
