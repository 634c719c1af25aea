"""Runtime defaults: how many CPU threads the kit's tiny torch models use.

On 2 cores the kit's models (a few thousand parameters, batches of tens) train as fast on one
thread as on two when the machine is quiet, and many times faster when the cores are shared
(Binder, a workshop laptop running other things): thread hand-offs then stall.
``benchmarks/run.py --threads`` measures this; the result is in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import contextlib

import torch

from trustlab._validate import check_int

__all__ = ["DEFAULT_NUM_THREADS", "blas_threads", "torch_threads"]

#: Threads used by trustlab's training loops unless a caller asks otherwise.
DEFAULT_NUM_THREADS = 1


@contextlib.contextmanager
def torch_threads(num_threads=None):
    """Run a block with ``torch.set_num_threads(num_threads)`` and restore the old value after.

    ``None`` means :data:`DEFAULT_NUM_THREADS`. The global setting is restored even if the
    block raises, so importing or calling trustlab never leaves torch changed.

    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    n = DEFAULT_NUM_THREADS if num_threads is None else check_int("num_threads", num_threads, 1)
    previous = torch.get_num_threads()
    if n != previous:
        torch.set_num_threads(n)
    try:
        yield n
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


@contextlib.contextmanager
def blas_threads(num_threads=None):
    """Run a block with the BLAS library (OpenBLAS/MKL, used by numpy and scikit-learn) limited
    to ``num_threads`` threads (``None``: :data:`DEFAULT_NUM_THREADS`), restored afterwards.

    The same reason as for torch: measured on 2 shared cores (load 10), a scikit-learn
    ``LogisticRegression`` on 2,700 bios took 11.7 s with two BLAS threads and 0.95 s with one.
    """
    from threadpoolctl import threadpool_limits

    n = DEFAULT_NUM_THREADS if num_threads is None else check_int("num_threads", num_threads, 1)
    with threadpool_limits(limits=n, user_api="blas"):
        yield n
