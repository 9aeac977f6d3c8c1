"""`tocha.cpu`: the CPU as a device module (`torch.cpu`), for device-agnostic code
(`torch.get_device_module(device).synchronize()`). NumPy runs synchronously, so streams and
events are trivial.

>>> import tocha
>>> tocha.cpu.is_available(), tocha.cpu.device_count(), tocha.cpu.current_device()
(True, 1, 'cpu')
"""
from __future__ import annotations

import contextlib
import sys

__all__ = [
    "Event",
    "Stream",
    "StreamContext",
    "current_device",
    "current_stream",
    "device_count",
    "get_capabilities",
    "is_available",
    "is_initialized",
    "set_device",
    "stream",
    "synchronize",
]


class Stream:
    """The CPU's one stream (work runs as it is issued)."""

    def __init__(self, priority: int = -1) -> None:
        self.priority = priority

    def wait_stream(self, stream) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def query(self) -> bool:
        return True


class Event:
    """A CPU event: always complete."""

    def query(self) -> bool:
        return True

    def record(self, stream=None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream=None) -> None:
        pass


_stream = Stream()


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """Only 'cpu' (or index 0) exists: nothing to select."""


def synchronize(device=None) -> None:
    """Nothing to wait for: NumPy computes synchronously."""


def current_stream(device=None) -> Stream:
    return _stream


class StreamContext(contextlib.AbstractContextManager):
    """`with tocha.cpu.stream(s):` (a no-op on the CPU)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def __exit__(self, *exc) -> None:
        return None


def stream(stream) -> StreamContext:
    return StreamContext(stream)


def get_capabilities() -> dict:
    """The CPU's vector capability as NumPy reports it."""
    from .backends.cpu import get_cpu_capability
    return {"cpu_capability": get_cpu_capability()}


# torch.cpu.amp: the deprecated spellings of torch.amp's autocast/GradScaler; registered as
# a submodule so `import torch.cpu.amp` works although this module is not a package
from .amp import _cpu_amp as amp

sys.modules[__name__ + ".amp"] = amp
__path__: list[str] = []    # a package to the import system: `import torch.cpu.amp` resolves


def __getattr__(name: str):
    from ._missing import missing_attr
    raise missing_attr(__name__, name)
