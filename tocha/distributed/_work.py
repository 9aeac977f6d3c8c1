"""Work objects and the communication thread that runs every MPI call of a process.

One thread per process issues all MPI calls in submission order (as PyTorch's process groups
keep one queue per group), so collectives started from autograd hooks overlap with the rest of
backward: NumPy releases the GIL while it computes and the thread polls MPI meanwhile. It
polls with short sleeps rather than blocking in MPI, because MPI's blocking calls spin and would
take a core from the computation they are meant to hide behind.
"""
from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from datetime import timedelta

__all__ = ["CommThread", "DistBackendError", "DistError", "Pending", "Work"]


class DistError(RuntimeError):
    """A distributed operation failed (PyTorch's `torch.distributed.DistError`)."""


class DistBackendError(DistError):
    """The communication backend failed or timed out (`torch.distributed.DistBackendError`)."""


class Work:
    """Handle of an operation started with ``async_op=True``: ``wait()``, ``is_completed()``.

    ``wait()`` blocks until the operation finished on this rank and then writes its result
    into the output tensors; it raises the operation's error, or ``DistBackendError`` when the
    process group's timeout passes first (another rank failed or runs something else).
    """

    def __init__(self, name: str, timeout: float, finish: Callable | None = None) -> None:
        self._name = name
        self._timeout = timeout
        self._finish = finish
        self._event = threading.Event()
        self._error: BaseException | None = None
        self._result = None
        self._finished = False

    def _set(self, result=None, error: BaseException | None = None) -> None:
        self._result, self._error = result, error
        self._event.set()

    def is_completed(self) -> bool:
        return self._event.is_set()

    def is_success(self) -> bool:
        return self._event.is_set() and self._error is None

    def exception(self):
        return self._error

    def wait(self, timeout: timedelta | float | None = None) -> bool:
        """Block until done (at most the group's timeout); then results are in place."""
        limit = _seconds(timeout) if timeout is not None else self._timeout
        if not self._event.wait(limit):
            raise timeout_error(self._name, limit)
        if self._error is not None:
            raise self._error
        if not self._finished:
            self._finished = True
            if self._finish is not None:
                self._finish(self._result)
        return True

    def result(self):
        self.wait()
        return self._result

    def get_future(self):
        return _Future(self)


class _Future:
    def __init__(self, work: Work) -> None:
        self._work = work

    def wait(self):
        return self._work.result()

    def value(self):
        return self._work.result()

    def done(self) -> bool:
        return self._work.is_completed()


_broken: list[str] = []


def _seconds(t) -> float:
    return t.total_seconds() if isinstance(t, timedelta) else float(t)


# TOCHA_MPI_POLL=wait: block in MPI (it spins on a core; lowest latency when cores are free)
_MODE = os.environ.get("TOCHA_MPI_POLL", "sleep")
_local = threading.local()  # .deadline: (time, name, seconds) for polls in a caller's thread


def timeout_error(name: str, limit: float) -> DistBackendError:
    _broken.append(name)
    return DistBackendError(
        f"{name} timed out after {limit:g} s waiting for the other ranks: a rank failed, was "
        "killed, or is running a different collective (every rank must call the same "
        "collectives in the same order). Raise the limit with "
        "init_process_group(timeout=timedelta(...)).")


def poll(MPI, reqs: list, spin: float = 5e-3) -> None:
    """Drive requests to completion: test back to back for `spin` seconds, then sleep briefly
    between tests (see module doc); give up at the caller's deadline, if any."""
    deadline = getattr(_local, "deadline", None)
    if _MODE == "wait" and deadline is None:
        MPI.Request.Waitall(reqs)
        return
    # test without yielding for the first 5 ms: a yield on a busy machine waits a whole time
    # slice, and MPI moves a large message in many small steps, each needing a test
    start = time.perf_counter()
    nap = 0.0
    while not MPI.Request.Testall(reqs):
        now = time.perf_counter()
        if now - start > spin and _MODE != "wait":
            nap = min(2e-4, nap + 1e-5)
            time.sleep(nap)
        if deadline is not None and now > deadline[0]:
            raise timeout_error(deadline[1], deadline[2])


class Pending:
    """Returned by a submitted callable that only posts requests (send/recv): the thread goes
    on with later operations and sets the Work to `then()` once `reqs` complete, so that
    matching sends and receives queued in either order never deadlock."""

    def __init__(self, reqs: list, then: Callable, statuses: list | None = None) -> None:
        self.reqs, self.then, self.statuses = reqs, then, statuses


class CommThread:
    """Runs submitted callables one at a time on a daemon thread; each sets its Work."""

    def __init__(self) -> None:
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: list[tuple[Work, Pending]] = []
        self._lock = threading.Lock()
        self._outstanding = 0  # submitted and not finished (queued or running)
        self._thread = threading.Thread(target=self._loop, name="tocha-mpi", daemon=True)
        self._thread.start()

    def submit(self, work: Work, fn: Callable) -> Work:
        if _broken:
            raise DistBackendError(
                f"{work._name}: the process group is unusable since {_broken[0]} timed out; "
                "its communication thread is still blocked, so no later collective can run")
        with self._lock:
            self._outstanding += 1
        self._q.put((work, fn))
        return work

    def run_now(self, work: Work, fn: Callable, timeout: float) -> bool:
        """Run a blocking call in the caller's thread when nothing is queued before it (saves
        two thread switches per small collective); False when it must queue."""
        with self._lock:
            if self._outstanding or _broken:
                return False
            self._outstanding += 1
        _local.deadline = (time.perf_counter() + timeout, work._name, timeout)
        try:
            work._set(fn())
        except BaseException as e:  # noqa: BLE001  (raised by work.wait())
            work._set(error=e)
        finally:
            _local.deadline = None
            with self._lock:
                self._outstanding -= 1
        return True

    def _loop(self) -> None:
        while True:
            if self._pending:
                try:
                    work, fn = self._q.get(timeout=2e-4)
                except queue.Empty:
                    self._check_pending()
                    continue
            else:
                work, fn = self._q.get()
            if work is None:
                return
            try:
                r = fn()
                if isinstance(r, Pending):
                    self._pending.append((work, r))
                else:
                    work._set(r)
            except BaseException as e:  # noqa: BLE001  (handed to the waiting thread)
                work._set(error=e)
            with self._lock:
                self._outstanding -= 1
            self._check_pending()

    def _check_pending(self) -> None:
        from ._mpi import mpi
        MPI = mpi()
        keep = []
        for work, p in self._pending:
            try:
                if not MPI.Request.Testall(p.reqs, p.statuses):
                    keep.append((work, p))
                    continue
                work._set(p.then())
            except BaseException as e:  # noqa: BLE001
                work._set(error=e)
        self._pending = keep

    def stop(self) -> None:
        self._q.put((None, None))
        self._thread.join(timeout=5)
