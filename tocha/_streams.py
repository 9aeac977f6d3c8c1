"""`torch.Stream`, `torch.Event`, `torch.fork`/`torch.wait`, `torch.AVG`/`torch.SUM`,
`torch.StorageBase` and `torch.random.thread_safe_generator`, as PyTorch's CPU build has them.

On the CPU work runs in order on one stream: streams and events are bookkeeping objects
whose `query()` is True and whose `synchronize()` returns at once; recording an event raises
PyTorch's "cpu backend doesn't support events". `fork` runs its function at once (as PyTorch
does outside TorchScript) and returns a completed `Future`.
"""
from __future__ import annotations

import enum
from typing import Any

from ._backend import device as _device
from ._storage import UntypedStorage
from .futures import Future

__all__ = ["AVG", "SUM", "AggregationType", "Event", "StorageBase", "Stream", "fork",
           "thread_safe_generator", "wait"]

# PyTorch's storages derive from torch._C.StorageBase; tocha's one storage class stands in
StorageBase = UntypedStorage
_NO_THREAD_GENERATOR = None  # the global generator
_NO_EVENTS = "cpu backend doesn't support events."


def _cpu(dev, what: str) -> _device:
    d = _device("cpu") if dev is None else _device(dev)
    if d.type != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices "
                           f"({what} on {d}: tocha runs on the CPU only)")
    return d


class Stream:
    """An ordered queue of work on a device; on the CPU all work is already in order.

    >>> import tocha
    >>> s = tocha.Stream()
    >>> s.query()
    True
    """

    def __init__(self, device=None, *, priority: int = 0) -> None:
        self.device = _cpu(device, "torch.Stream")
        self.stream_id = 0

    device_type = property(lambda self: 0)
    device_index = property(lambda self: -1)

    def query(self) -> bool:
        """True: every piece of work queued on a CPU stream has completed."""
        return True

    def synchronize(self) -> None:
        """Return once the stream's work is done (at once on the CPU)."""

    def wait_event(self, event: Event) -> None:
        """Make future work wait for `event` (nothing to wait for on the CPU)."""

    def wait_stream(self, stream: Stream) -> None:
        """Make future work wait for `stream`'s (nothing to wait for on the CPU)."""

    def record_event(self, event: Event | None = None) -> Event:
        """Raises as PyTorch's CPU build: events are not recorded on the CPU."""
        raise RuntimeError(_NO_EVENTS)

    def is_capturing(self) -> bool:
        return False

    @property
    def native_handle(self) -> int:
        raise RuntimeError("Backend doesn't support getting stream native handle.")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and other.device == self.device

    def __hash__(self) -> int:
        return hash(("torch.Stream", str(self.device), self.stream_id))

    def __repr__(self) -> str:
        return "torch.Stream device_type=cpu, device_index=-1, stream_id=0"


class Event:
    """A marker in a stream's work, for dependencies and timing. On the CPU `query()` is
    True, `synchronize()`/`wait()` return at once and `record()` raises (PyTorch's CPU
    build has no events)."""

    def __init__(self, device=None, *, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False) -> None:
        self.device = _cpu(device, "torch.Event")
        self.event_id = 0
        self._timing = bool(enable_timing)

    def query(self) -> bool:
        return True

    def record(self, stream: Stream | None = None) -> None:
        raise RuntimeError(_NO_EVENTS)

    def synchronize(self) -> None:
        """Return once the event completed (at once: nothing is pending on the CPU)."""

    def wait(self, stream: Stream | None = None) -> None:
        """Make `stream` wait for the event (nothing to wait for on the CPU)."""

    def elapsed_time(self, end_event: Event) -> float:
        if not (self._timing and getattr(end_event, "_timing", False)):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise ValueError("Both events must be recorded before calculating elapsed time.")

    def ipc_handle(self):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue "
                                  "if you need this!")

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue "
                                  "if you need this!")

    def __repr__(self) -> str:
        return (f"torch.Event device_type=cpu, device_index=-1, event_flag={int(self._timing)}"
                f", event_id={self.event_id}")


def fork(func, *args: Any, **kwargs: Any) -> Future:
    """Run `func(*args, **kwargs)` and return a Future with its result (or exception).

    >>> import tocha
    >>> tocha.wait(tocha.fork(lambda a, b: a + b, 1, b=2))
    3
    """
    fut = Future()
    try:
        fut.set_result(func(*args, **kwargs))
    except Exception as e:  # noqa: BLE001  (the future carries the error to wait())
        fut.set_exception(e)
    return fut


def wait(future: Future) -> Any:
    """The value of a Future from `fork` (waiting for it)."""
    if not isinstance(future, Future):
        raise TypeError(f"wait(): expected a torch.Future, got {type(future).__name__}")
    return future.wait()


class AggregationType(enum.Enum):
    """How values are aggregated (TorchScript's enum behind `torch.SUM` and `torch.AVG`)."""

    SUM = 0
    AVG = 1

    def __int__(self) -> int:
        return self.value

    __index__ = __int__


SUM, AVG = AggregationType.SUM, AggregationType.AVG


def thread_safe_generator():
    """The generator to use for random numbers in DataLoader code: None (the global
    generator) in the main process and in process workers, which is everywhere in tocha
    (its DataLoader has no thread workers)."""
    return _NO_THREAD_GENERATOR
