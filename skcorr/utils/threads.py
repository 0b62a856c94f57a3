"""The thread settings a model runs under, so its numbers do not depend on the
process, thread or joblib backend it runs in."""

from contextlib import contextmanager

from joblib import parallel_config


@contextmanager
def member_threads():
    """Run one member's fit or prediction on one BLAS/OpenMP thread, with
    nested joblib calls of ``n_jobs=None`` run one at a time.

    The numbers a model computes can depend, in their last bits, on how many
    threads sum its products: a linear model fitted in a process with two
    BLAS threads differs from one fitted in a dask or loky worker that has
    one, and a forest whose ``n_jobs=None`` picks up the dask backend inside a
    worker averages its trees in the order its threads finish. Inside this
    block both are fixed, so a member gives the same numbers in any process,
    thread or backend.

    The OpenMP limit and the joblib setting belong to the thread. The BLAS
    (OpenBLAS) limit is process-wide and threadpoolctl lets one thread at a
    time set it; callers that run members in threads therefore also hold
    :func:`blas_single_thread` in the calling thread around them.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> from skcorr.utils.threads import member_threads
    >>> with member_threads():
    ...     print({info["num_threads"] for info in threadpool_info()})
    {1}
    """
    # One limiter for BLAS and OpenMP both (user_api=None: every library
    # threadpoolctl controls).
    with _controller().limit(limits=1, user_api=None), parallel_config(
        backend="threading", n_jobs=1
    ):
        yield


@contextmanager
def blas_single_thread():
    """One BLAS thread for the whole process, set from the calling thread.

    Held around a :class:`~sklearn.utils.parallel.Parallel` call whose tasks
    may run in threads of this process: the threads share the BLAS thread
    pool but cannot set its size themselves (threadpoolctl ignores the
    threads that do not control it). Worker processes set their own in
    :func:`member_threads`.
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield


def _controller():
    """threadpoolctl's controller of the thread pools loaded in this process.

    ``threadpool_limits`` builds a new controller on each call, walking every
    loaded library (about 1.3 ms, once per member fitted). threadpoolctl's
    ``get_cached_controller`` (3.8.0 has it) keeps one and builds it again
    whenever ``sys.modules`` has grown, which is how a new BLAS or OpenMP
    library arrives (an import of torch, say): the libraries loaded when a
    block starts are limited, as with ``threadpool_limits``. Without it (an
    older threadpoolctl) a new controller is built each time.
    """
    import threadpoolctl

    cached = getattr(threadpoolctl, "get_cached_controller", None)
    return cached() if cached is not None else threadpoolctl.ThreadpoolController()
