"""How many threads each operation uses: decided here, and only here.

tocha's own element-wise and reduction kernels are NumPy loops on one thread; the threads that
matter are BLAS's (NumPy's OpenBLAS), used by matmul, linear layers and convolutions. Left to
itself OpenBLAS wakes all its threads for any product above a tiny size. On a quiet machine that
saves a little; on a busy one (a learner's laptop, a shared server) it is a disaster: when one of
its threads is descheduled, the others spin until the scheduler returns, and a 55 us product
becomes a 16 ms one. So the policy is

* small products (fewer than ``PARALLEL_WORK`` multiply-adds) run on **one** thread: they gain
  little from more, and lose the most on a busy machine;
* large ones run on ``get_num_threads()`` threads (by default the machine's CPU count), where the
  parallel part is long enough that a scheduling hiccup costs a small fraction -- but never on
  more threads than the machine has idle cores: once a second the 1-minute load average is
  read, and the cores the *other* runnable processes occupy are left to them. A thread that
  must wait for a busy core is the 16 ms case above; on a quiet machine this changes nothing.

`tocha.set_num_threads(n)` sets the "large" count (``n == 1``: everything on one thread), as
`torch.set_num_threads` does for PyTorch's intra-op pool.

BLAS threads are switched through ``threadpoolctl`` (an optional extra, ``tocha[threads]``),
imported the first time a product is computed. Without it tocha cannot change BLAS's thread
count at run time: BLAS keeps its own default (set ``OPENBLAS_NUM_THREADS`` before starting
Python to choose), the per-op policy is off, and `set_num_threads` warns once saying so.

Differs from PyTorch: there is no inter-op pool; `set_num_interop_threads` only records the
value (with PyTorch's checks) and `get_num_interop_threads` returns it.
"""
from __future__ import annotations

import os
import time
import warnings

__all__ = ["blas_threads", "get_num_interop_threads", "get_num_threads", "set_num_interop_threads",
           "set_num_threads", "status"]

# A product with at least this many multiply-adds (m*n*k, times any batch) uses all threads.
# 2**25 is ~0.7 ms of single-thread float32 work: above it a second thread saves more than
# OpenBLAS's wake-up costs on a quiet machine, and a lost time slice on a busy one stays a
# fraction of the op. The MLP's and LeNet's products are below it; ResNet's 3x3 convs above.
PARALLEL_WORK = 1 << 25

_num_threads = os.cpu_count() or 1    # the "large op" count; PyTorch's default is the cores
_interop: int | None = None           # None: never set
_blas = None                          # threadpoolctl's BLAS controllers, once looked up
_current = 0                          # threads BLAS runs with now (0: not set by tocha yet)
_warned = False
_CPUS = os.cpu_count() or 1
_idle = _CPUS                         # cores not used by other processes (from the load)
_checked = -2.0                       # time.monotonic() of the last look at the load


def _controllers():
    """BLAS libraries loaded in this process (threadpoolctl), or () when it is missing."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _blas = ()
        else:
            # blas only: the OpenMP runtime may be another library's (torch's) pool
            _blas = tuple(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _blas


def _set_blas(n: int) -> None:
    global _current
    for c in _controllers():
        c.set_num_threads(n)
    _current = n


def _idle_cores() -> int:
    """Cores the other runnable processes leave free, from the load average (once a second)."""
    global _idle, _checked
    now = time.monotonic()
    if now - _checked > 1.0:
        _checked = now
        try:
            load = os.getloadavg()[0]
        except (OSError, AttributeError):     # no load average on this platform: trust it
            load = 0.0
        # the load counts this process too (about 1 while it computes)
        _idle = max(1, min(_CPUS, round(_CPUS - max(0.0, load - 1.0))))
    return _idle


def blas_threads(work: int) -> None:
    """Give BLAS the thread count for a product of `work` multiply-adds (call before it)."""
    n = min(_num_threads, _idle_cores()) if work >= PARALLEL_WORK else 1
    if n != _current:
        _set_blas(n)


def _positive_int(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        # PyTorch raises RuntimeError here, not TypeError
        raise RuntimeError(f"{name} expects an int, but got {type(n).__name__}")  # noqa: TRY004
    if n < 1:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


def get_num_threads() -> int:
    """Threads a large operation may use (BLAS products above ``PARALLEL_WORK``)."""
    return _num_threads


def set_num_threads(n: int) -> None:
    """Set the threads large operations use (`torch.set_num_threads`); small ones use one.

    Args:
        n: a positive int.

    Example:
        >>> import tocha
        >>> tocha.set_num_threads(1)      # steadiest on a busy machine
        >>> tocha.get_num_threads()
        1

    Differs from PyTorch: needs ``threadpoolctl`` to reach BLAS; without it this warns once
    and BLAS keeps its own thread count.
    """
    global _num_threads, _current, _warned
    _num_threads = _positive_int("set_num_threads", n)
    _current = 0                       # re-apply at the next product
    if not _controllers() and not _warned:
        _warned = True
        warnings.warn("tocha.set_num_threads: threadpoolctl is not installed, so tocha cannot "
                      "change BLAS's thread count; BLAS keeps its default (set "
                      "OPENBLAS_NUM_THREADS before starting Python instead, or pip install "
                      "threadpoolctl)", RuntimeWarning, stacklevel=2)


def get_num_interop_threads() -> int:
    """The inter-op thread count (recorded only: tocha runs operations one at a time)."""
    return _interop if _interop is not None else (os.cpu_count() or 1)


def set_num_interop_threads(n: int) -> None:
    """Record the inter-op thread count; like PyTorch, only once per process."""
    global _interop
    n = _positive_int("set_num_interop_threads", n)
    if _interop is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has "
                           "started or set_num_interop_threads called")
    _interop = n


def status() -> str:
    """One line saying how threads are controlled here (for bug reports and benchmarks)."""
    libs = _controllers()
    if not libs:
        return ("threads: threadpoolctl missing, BLAS uses its own default; per-op policy off")
    names = ", ".join(f"{c.internal_api} {c.version or ''}".strip() for c in libs)
    return (f"threads: {names}; products >= {PARALLEL_WORK} multiply-adds on up to "
            f"{_num_threads} (idle cores now: {_idle_cores()}), smaller on 1")
