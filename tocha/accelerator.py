"""`tocha.accelerator`: the device-agnostic accelerator API, as PyTorch's CPU-only build has it.

Current tutorials pick their device with it; on tocha (CPU/NumPy) there is no accelerator:

>>> import tocha
>>> device = (tocha.accelerator.current_accelerator().type
...           if tocha.accelerator.is_available() else "cpu")
>>> device
'cpu'
"""
from __future__ import annotations

import warnings

from ._backend import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index",
           "current_stream", "device_count", "device_index", "empty_cache",
           "empty_host_cache", "get_device_capability", "get_memory_info", "is_available",
           "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
           "memory_stats", "reset_accumulated_memory_stats", "reset_peak_memory_stats",
           "set_device_idx", "set_device_index", "set_stream", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def _no_accelerator(*args, **kwargs):
    raise RuntimeError(_NONE)


def is_available() -> bool:
    """False: tocha computes on the CPU only (CPU is not an accelerator)."""
    return False


def device_count() -> int:
    """0: the number of accelerator devices."""
    return 0


def current_accelerator(check_available: bool = False) -> _device | None:
    """None: the accelerator this build was compiled for (PyTorch's CPU build has none)."""
    return None


def current_device_index() -> int:
    raise RuntimeError(_NONE)


def current_device_idx() -> int:
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /) -> None:
    raise RuntimeError(_NONE)


def set_device_idx(device, /) -> None:
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    set_device_index(device)


def set_stream(stream) -> None:
    raise TypeError("set_stream(): expected a tocha.Stream; tocha has no accelerator streams")


# every query about an accelerator device raises PyTorch's RuntimeError on a CPU-only build
(current_stream, synchronize, empty_cache, empty_host_cache, get_device_capability,
 get_memory_info, max_memory_allocated, max_memory_reserved, memory_allocated, memory_reserved,
 memory_stats, reset_accumulated_memory_stats, reset_peak_memory_stats) = (_no_accelerator,) * 13


class device_index:
    """`with tocha.accelerator.device_index(i):`; None does nothing, an index raises."""

    def __init__(self, device: int | None, /) -> None:
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            raise RuntimeError(_NONE)
        return self

    def __exit__(self, *exc) -> bool:
        return False


def __getattr__(name: str):
    from ._missing import missing_attr
    raise missing_attr(__name__, name)
