"""Ctrl-C on the command line, as a user presses it, while a network trains.

Each test runs a ``skcorr`` study in a subprocess with one step of a network's
training loop trapped: on its third call (by default) the step announces itself
in a marker file and waits. The test then sends SIGINT, which lands inside the
network's own fit loop (scikit-learn's MLP and skorch's NeuralNet both swallow it
there). The command must stop: exit code 130, one line on stderr, no result
file and no output folder.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

TRAPPED_CLI = textwrap.dedent(
    """
    import importlib, os, sys, time
    from pathlib import Path

    marker = Path(os.environ["SKCORR_TEST_MARKER"])
    module_name, class_name, method = os.environ["SKCORR_TEST_TRAP"].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    original = getattr(cls, method)
    calls = []

    def trapped(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == int(os.environ["SKCORR_TEST_TRAP_CALL"]):
            marker.write_text("training")
            time.sleep(120)  # the test's SIGINT arrives here, in the fit loop
        return original(self, *args, **kwargs)

    setattr(cls, method, trapped)
    from skcorr.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)

MLP_STEP = (
    "sklearn.neural_network._multilayer_perceptron:BaseMultilayerPerceptron:_backprop"
)
SKORCH_STEP = "skorch.net:NeuralNet:train_step"


def _interrupt_while_training(tmp_path, trap, argv, call=3):
    marker = tmp_path / "training.marker"
    env = {
        **os.environ,
        "SKCORR_TEST_MARKER": str(marker),
        "SKCORR_TEST_TRAP": trap,
        "SKCORR_TEST_TRAP_CALL": str(call),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", TRAPPED_CLI, *argv], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                out, err = process.communicate(timeout=10)
                pytest.fail(f"no network trained: rc={process.returncode}\n{err}")
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, out, err


@pytest.mark.parametrize(
    "trap, argv",
    [
        (MLP_STEP, ["spurious", "--models", "mlp", "--patterns", "S3",
                    "--n-examples", "0,5", "--n-seeds", "1",
                    "--output", "result.json"]),
        (MLP_STEP, ["errors", "--dataset", "diabetes", "--output", "result.csv"]),
        (SKORCH_STEP, ["difficulty", "--architectures", "torch", "--n-seeds", "4",
                       "--max-epochs", "2", "--output", "result.json"]),
    ],
    ids=["spurious-mlp", "errors-mlp", "difficulty-skorch"],
)
def test_sigint_while_a_network_trains_stops_the_command(tmp_path, trap, argv):
    if trap == SKORCH_STEP:
        pytest.importorskip("skorch")
    rc, out, err = _interrupt_while_training(tmp_path, trap, argv)
    assert rc == 130, err
    lines = err.strip().splitlines()
    assert lines == [f"skcorr {argv[0]}: interrupted; no results were written"]
    assert out == ""
    # Nothing but the marker is left behind: no result, no temporary file.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["training.marker"]


def test_sigint_during_the_report_leaves_no_folder(tmp_path):
    # The report's first fit is the errors study's logistic regression: trapped
    # there, the interrupt lands early (the networks' case is covered above).
    rc, out, err = _interrupt_while_training(
        tmp_path, "sklearn.linear_model:LogisticRegression:fit",
        ["report", "--quick", "--out", "report_folder"], call=1,
    )
    assert rc == 130, err
    assert err.strip().splitlines()[-1] == (
        "skcorr report: interrupted; no results were written"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["training.marker"]


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly(tmp_path):
    # As ``skcorr errors --format json | head -c 0``: the pipe is closed before
    # the command prints; no traceback, the exit code of a SIGPIPE death.
    process = subprocess.Popen(
        [sys.executable, "-m", "skcorr", "errors", "--dataset", "corr_ml:cifar10",
         "--format", "json", "--output", "result.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 128 + signal.SIGPIPE
    assert err == ""
    # The result file was complete before the printing began.
    assert json.loads((tmp_path / "result.json").read_text())
