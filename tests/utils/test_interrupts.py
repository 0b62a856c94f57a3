"""Ctrl-C stops a fit even when the estimator's own loop swallows it.

The oracle is the estimators' own behaviour: scikit-learn's MLP and skorch's
NeuralNet catch KeyboardInterrupt in ``fit`` and return normally. Each test
first shows that (the bare fit returns), then that skcorr's guard raises the
interrupt again. SIGINT is sent to this process from inside the training loop,
so it lands there deterministically.
"""

import os
import signal
import threading
import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron

from skcorr.ensemble import SeedEnsembleClassifier
from skcorr.utils.interrupts import interrupts_seen, reraise_interrupt
from skcorr.utils.seeding import fit_with_seed

rng = np.random.RandomState(0)
X = rng.rand(200, 5).astype(np.float32)
y = (X[:, 0] > 0.5).astype(np.int64)


@pytest.fixture(autouse=True)
def _default_sigint_handler():
    # The guard installs its recorder only over Python's default handler.
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("the test runner replaced Python's SIGINT handler")
    yield
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _interrupt_on_call(monkeypatch, cls, method, call=3):
    """Make ``cls.method`` send SIGINT to this process on its ``call``-th call."""
    original = getattr(cls, method)
    calls = []

    def interrupting(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            os.kill(os.getpid(), signal.SIGINT)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, interrupting)
    return calls


def _mlp():
    return MLPClassifier((8,), max_iter=50, batch_size=20, random_state=0)


def test_bare_mlp_swallows_the_interrupt(monkeypatch):
    # The oracle: scikit-learn catches it, warns and returns a partial fit.
    calls = _interrupt_on_call(monkeypatch, BaseMultilayerPerceptron, "_backprop")
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        model = _mlp().fit(X, y)
    assert model.n_iter_ == 0  # stopped inside the first epoch (10 batches)
    assert len(calls) == 3


def test_guard_raises_the_interrupt_the_mlp_swallowed(monkeypatch):
    _interrupt_on_call(monkeypatch, BaseMultilayerPerceptron, "_backprop")
    seen = interrupts_seen()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(KeyboardInterrupt), reraise_interrupt():
            _mlp().fit(X, y)
    assert interrupts_seen() == seen + 1


@pytest.mark.parametrize(
    "fit",
    [
        lambda: fit_with_seed(_mlp(), 0, X, y),
        lambda: SeedEnsembleClassifier(_mlp(), n_seeds=3, random_state=0).fit(X, y),
    ],
    ids=["fit_with_seed", "SeedEnsembleClassifier"],
)
def test_library_fits_raise_the_interrupt(monkeypatch, fit):
    calls = _interrupt_on_call(monkeypatch, BaseMultilayerPerceptron, "_backprop")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(KeyboardInterrupt):
            fit()
    # Stopped at the interrupt: no further member was trained.
    assert len(calls) == 3


def test_skorch_net_interrupt_is_raised_again(monkeypatch):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")

    def net():
        return skorch.NeuralNetClassifier(
            torch.nn.Sequential(torch.nn.Linear(5, 2)),
            criterion=torch.nn.CrossEntropyLoss, max_epochs=20, batch_size=20,
            train_split=None, verbose=0,
        )

    calls = _interrupt_on_call(monkeypatch, skorch.NeuralNet, "train_step")
    bare = net().fit(X, y)  # the oracle: skorch returns as if training ended
    assert len(bare.history) == 1 and len(calls) == 3
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        fit_with_seed(net(), 0, X, y)
    assert len(calls) == 3


def test_guard_is_silent_without_an_interrupt():
    seen = interrupts_seen()
    with reraise_interrupt(), reraise_interrupt():  # nested guards
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    assert interrupts_seen() == seen


def test_guard_keeps_a_handler_the_program_set():
    def own_handler(signum, frame):
        pass

    previous = signal.signal(signal.SIGINT, own_handler)
    try:
        with reraise_interrupt():
            assert signal.getsignal(signal.SIGINT) is own_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_guard_in_a_worker_thread_leaves_the_handler_alone():
    handlers = []

    def work():
        with reraise_interrupt():
            handlers.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert handlers == [signal.default_int_handler]
