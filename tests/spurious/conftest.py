"""Keep BLAS/OpenMP to one thread: on a shared 2-core machine, oversubscribed
thread pools make tiny fits hundreds of times slower."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    with threadpool_limits(1):
        yield
