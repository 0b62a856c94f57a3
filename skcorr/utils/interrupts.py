"""Ctrl-C stops the work, even inside an estimator that swallows it.

scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` (solvers ``"sgd"``
and ``"adam"``) and skorch's ``NeuralNet`` catch :class:`KeyboardInterrupt` inside
``fit``, warn or print, and return a half-trained model as if training had ended.
Wrapped in :func:`reraise_interrupt`, such a fit still stops at the interrupt, and
the interrupt is raised again when the fit returns, so the caller stops too
instead of scoring, saving or reporting the half-trained model.

SIGINT is recorded by a handler that then raises :class:`KeyboardInterrupt` as
Python's default handler does. The handler is installed only in the main thread
and only while Python's default handler is in place: a program that set its own
SIGINT handler (or ignores SIGINT) keeps it, and in a worker thread, where no
signal arrives, the guard does nothing.
"""

import signal
import threading
from contextlib import contextmanager

_interrupts_seen = 0


def _record_and_interrupt(signum, frame):
    global _interrupts_seen
    _interrupts_seen += 1
    signal.default_int_handler(signum, frame)


def interrupts_seen():
    """How many SIGINTs the guard's handler has recorded in this process."""
    return _interrupts_seen


def _install_handler():
    """Install the recording handler; return the handler to restore, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    current = signal.getsignal(signal.SIGINT)
    if current is not signal.default_int_handler:
        return None  # ours already (a nested guard), or the program's own
    signal.signal(signal.SIGINT, _record_and_interrupt)
    return current


@contextmanager
def reraise_interrupt():
    """Raise again an interrupt that the code inside swallowed.

    Use it around a ``fit`` (or a whole run of fits): when SIGINT arrives while
    the block runs, :class:`KeyboardInterrupt` is raised as usual, and if the
    code inside catches it and returns normally, it is raised again when the
    block ends. Guards nest; only the outermost installs the handler.

    Raises
    ------
    KeyboardInterrupt
        When SIGINT arrived while the block ran.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.utils.interrupts import reraise_interrupt
    >>> X, y = load_iris(return_X_y=True)
    >>> with reraise_interrupt():   # no Ctrl-C: the fit runs as usual
    ...     tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    >>> tree.get_depth() > 0
    True
    """
    seen_before = _interrupts_seen
    previous = _install_handler()
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    raise_if_interrupted(since=seen_before)


def raise_if_interrupted(since=0):
    """Raise :class:`KeyboardInterrupt` if SIGINT was recorded after ``since``.

    Parameters
    ----------
    since : int, default=0
        A count returned earlier by :func:`interrupts_seen`.

    Examples
    --------
    >>> from skcorr.utils.interrupts import interrupts_seen, raise_if_interrupted
    >>> raise_if_interrupted(since=interrupts_seen())   # nothing recorded since
    """
    if _interrupts_seen > since:
        raise KeyboardInterrupt
