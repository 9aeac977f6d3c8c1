"""`torch.futures`: a `Future` holding the result of asynchronous work, `collect_all`,
`wait_all`. tocha runs forked work at once (as PyTorch does outside TorchScript), so its
futures are usually complete when made; `Future()` can still be completed by hand.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Future", "collect_all", "wait_all"]

_UNSET = object()


class Future:
    """A value that becomes available later: `set_result`/`set_exception` complete it;
    `wait()` blocks until then and returns the value (or raises the exception); `then(cb)`
    chains a callback, `add_done_callback(cb)` runs one on completion.

    >>> import tocha
    >>> fut = tocha.futures.Future()
    >>> chained = fut.then(lambda f: f.wait() * 2)
    >>> fut.set_result(5)
    >>> chained.wait()
    10
    """

    def __init__(self, *, devices: list | None = None) -> None:
        self._cond = threading.Condition()
        self._value: Any = _UNSET
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future], None]] = []

    def done(self) -> bool:
        """Whether the future has a result or an exception."""
        return self._value is not _UNSET or self._error is not None

    def wait(self) -> Any:
        """Block until complete; the result, or raise the exception set."""
        with self._cond:
            self._cond.wait_for(self.done)
        return self.value()

    def value(self) -> Any:
        """The result of a completed future (raises its exception)."""
        if not self.done():
            raise RuntimeError("Future.value(): the future is not completed yet; call wait() "
                               "first")
        if self._error is not None:
            raise self._error
        return self._value

    def _complete(self, value: Any, error: BaseException | None) -> None:
        with self._cond:
            if self.done():
                raise RuntimeError("Future can only be marked completed once (set_result or "
                                   "set_exception was already called)")
            self._value, self._error = value, error
            self._cond.notify_all()
            callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb(self)

    def set_result(self, result: Any) -> None:
        """Complete the future with `result`."""
        self._complete(result, None)

    def set_exception(self, result: BaseException) -> None:
        """Complete the future with an exception that `wait()` raises."""
        if not isinstance(result, BaseException):
            raise TypeError(f"set_exception expects an exception, got {type(result).__name__}")
        self._complete(_UNSET, result)

    def add_done_callback(self, callback: Callable[[Future], None]) -> None:
        """Run `callback(self)` when the future completes (now if it already has)."""
        with self._cond:
            if not self.done():
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback: Callable[[Future], Any]) -> Future:
        """A new future completed with `callback(self)` once this one completes."""
        out = Future()

        def run(fut: Future) -> None:
            try:
                out.set_result(callback(fut))
            except Exception as e:  # noqa: BLE001  (the chained future carries the error)
                out.set_exception(e)
        self.add_done_callback(run)
        return out


def collect_all(futures: list[Future]) -> Future:
    """A future completed with the list of `futures` once all of them are complete."""
    out, futs = Future(), list(futures)
    left = [len(futs)]
    lock = threading.Lock()

    def one_done(_: Future) -> None:
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            out.set_result(futs)
    if not futs:
        out.set_result([])
    for f in futs:
        f.add_done_callback(one_done)
    return out


def wait_all(futures: list[Future]) -> list:
    """Wait for every future; their values (raises the first exception met)."""
    return [f.wait() for f in futures]
