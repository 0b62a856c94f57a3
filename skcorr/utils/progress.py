"""Progress bars for long work: one mechanism for every estimator and study.

:func:`progress_bar` opens a `tqdm <https://tqdm.github.io>`_ bar on stderr
that is shown only when asked for (``verbose`` of 1 or more, the scikit-learn
convention) and only on a terminal: off a terminal (a pipe, a file, a CI log)
tqdm's ``disable=None`` keeps it silent. :func:`parallel_map` runs
:func:`sklearn.utils.parallel.delayed` tasks through
:class:`sklearn.utils.parallel.Parallel` and ticks the bar in the calling
process as each result comes back (``return_as="generator"``), so no
callback crosses processes and any joblib backend works; the results are
returned in the order of the tasks, so they do not depend on ``n_jobs``.

Finer steps (epochs) happen inside the tasks. :func:`counting_epochs` opens a
bar to them for the tasks that run in the calling process (``n_jobs=1``, the
threading backend): each epoch loop calls :func:`tick_epoch`, which ticks the
bar only in the process that opened it. A task that ran elsewhere (a loky or
dask worker) could not tick it; ``parallel_map(ticks=...)`` tops the bar up
by the steps each result reports as unticked, when the result comes back.
"""

import contextlib
import os
import sys
from numbers import Integral

from sklearn.utils.parallel import Parallel

from .fixes import InvalidParameterError
from .parameters import is_bool


def check_verbose(verbose, owner):
    """Refuse a ``verbose`` that is not a bool or a non-negative int.

    Examples
    --------
    >>> from skcorr.utils.progress import check_verbose
    >>> check_verbose(1, "run_spurious_study")
    >>> check_verbose(-1, "run_spurious_study")
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'verbose' ...
    """
    if is_bool(verbose):
        return
    if not isinstance(verbose, Integral) or verbose < 0:
        raise InvalidParameterError(
            f"The 'verbose' parameter of {owner} must be a bool or an int >= 0 "
            f"(0: silent, 1 or more: a progress bar on a terminal); got {verbose!r}."
        )


def progress_bar(total, desc, verbose=1, *, unit="it", leave=False):
    """A progress bar of ``total`` steps on stderr, shown only on a terminal.

    Parameters
    ----------
    total : int
        The number of steps (members, runs, epochs).
    desc : str
        What is counted, written before the bar.
    verbose : bool or int, default=1
        0 or False: never shown. 1 or more: shown when stderr is a terminal
        (tqdm's ``disable=None``), silent otherwise.
    unit : str, default="it"
        The name of one step.
    leave : bool, default=False
        Keep the finished bar on the terminal.

    Returns
    -------
    bar : tqdm.tqdm
        A context manager with ``update(n)``; when disabled, ``update`` does
        nothing and nothing is written.

    Examples
    --------
    >>> from skcorr.utils.progress import progress_bar
    >>> with progress_bar(3, "members", verbose=0) as bar:
    ...     for _ in range(3):
    ...         bar.update(1)
    >>> bar.disable  # verbose=0: never drawn, updates cost nothing
    True
    """
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        leave=leave,
        file=sys.stderr,
        disable=None if verbose else True,
        dynamic_ncols=True,
    )


# (process id, bar) of the bar that epoch loops of this process tick, if any.
_EPOCH_BAR = None


@contextlib.contextmanager
def counting_epochs(bar):
    """Let the epoch loops that run in this process tick ``bar``.

    Parameters
    ----------
    bar : tqdm.tqdm or None
        A bar from :func:`progress_bar` counting epochs; None, or a disabled
        bar, opens nothing.

    Examples
    --------
    >>> from skcorr.utils.progress import counting_epochs, progress_bar, tick_epoch
    >>> with progress_bar(2, "epochs", verbose=0) as bar, counting_epochs(bar):
    ...     tick_epoch()  # a disabled bar is not ticked
    False
    """
    global _EPOCH_BAR
    previous = _EPOCH_BAR
    _EPOCH_BAR = None if bar is None or bar.disable else (os.getpid(), bar)
    try:
        yield
    finally:
        _EPOCH_BAR = previous


def epochs_counted_here():
    """Whether :func:`tick_epoch` ticks a bar in this process (a worker
    process of joblib's loky or dask backends has none)."""
    current = _EPOCH_BAR
    return current is not None and current[0] == os.getpid()


def tick_epoch():
    """Tick the epoch bar opened by :func:`counting_epochs` in this process,
    if any (tqdm's bars are thread-safe); return whether one was ticked."""
    current = _EPOCH_BAR
    if current is None or current[0] != os.getpid():
        return False
    current[1].update(1)
    return True


def parallel_map(tasks, *, progress=None, ticks=None, **parallel_params):
    """Run ``tasks`` through :class:`~sklearn.utils.parallel.Parallel`, ticking
    ``progress`` once per result.

    Parameters
    ----------
    tasks : iterable
        Tasks made by :func:`sklearn.utils.parallel.delayed`.
    progress : tqdm.tqdm or None, default=None
        A bar from :func:`progress_bar`; None, or a disabled bar, runs the
        tasks exactly as ``Parallel(**parallel_params)(tasks)``.
    ticks : callable, default=None
        ``ticks(result)``: the steps to count for one result (default 1), e.g.
        the epochs a task could not tick itself (see :func:`counting_epochs`).
    **parallel_params
        Passed to :class:`~sklearn.utils.parallel.Parallel` (``n_jobs``,
        ``backend``, ``verbose``...).

    Returns
    -------
    results : list
        The results in the order of ``tasks``, whatever ``n_jobs`` or backend.

    Notes
    -----
    With a bar shown, the results are drawn one by one
    (``return_as="generator"``) and the bar ticks in the calling process as
    each comes back, in task order. A backend that cannot yield results one
    by one (joblib's ``multiprocessing``) runs the batch whole and the bar
    fills at its end.

    Examples
    --------
    >>> from sklearn.utils.parallel import delayed
    >>> from skcorr.utils.progress import parallel_map, progress_bar
    >>> with progress_bar(3, "squares", verbose=0) as bar:
    ...     parallel_map((delayed(pow)(i, 2) for i in range(3)), progress=bar)
    [0, 1, 4]
    """
    if progress is None or progress.disable:
        return Parallel(**parallel_params)(tasks)
    try:
        parallel = Parallel(return_as="generator", **parallel_params)
    except ValueError as exc:  # a backend without generators
        if "return_as" not in str(exc):
            raise
        results = Parallel(**parallel_params)(tasks)
        steps = len(results) if ticks is None else sum(map(ticks, results))
        if steps:
            progress.update(steps)
        return results
    results = []
    with contextlib.closing(parallel(tasks)) as outputs:
        for output in outputs:
            results.append(output)
            steps = 1 if ticks is None else ticks(output)
            if steps:
                progress.update(steps)
    return results
