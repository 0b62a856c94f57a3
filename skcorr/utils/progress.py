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
"""

import contextlib
import sys
from numbers import Integral

from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.parallel import Parallel

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


def parallel_map(tasks, *, progress=None, **parallel_params):
    """Run ``tasks`` through :class:`~sklearn.utils.parallel.Parallel`, ticking
    ``progress`` once per result.

    Parameters
    ----------
    tasks : iterable
        Tasks made by :func:`sklearn.utils.parallel.delayed`.
    progress : tqdm.tqdm or None, default=None
        A bar from :func:`progress_bar`; None, or a disabled bar, runs the
        tasks exactly as ``Parallel(**parallel_params)(tasks)``.
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
        progress.update(len(results))
        return results
    results = []
    with contextlib.closing(parallel(tasks)) as outputs:
        for output in outputs:
            results.append(output)
            progress.update(1)
    return results
