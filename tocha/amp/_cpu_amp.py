"""`torch.cpu.amp`: the deprecated CPU spellings of `torch.amp.autocast` / `GradScaler`."""
from __future__ import annotations

import warnings
from typing import Any

from .. import _dtype as D
from . import autocast_mode, grad_scaler

__all__ = ["GradScaler", "autocast"]


class autocast(autocast_mode.autocast):
    """`torch.cpu.amp.autocast(...)`: `torch.amp.autocast("cpu", ...)`, with PyTorch's
    deprecation warning."""

    def __init__(self, enabled: bool = True, dtype: D.dtype = D.bfloat16,
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cpu', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """`torch.cpu.amp.GradScaler(...)`: `torch.amp.GradScaler("cpu", ...)`, deprecated."""

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cpu', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cpu", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval,
                         enabled=enabled)


def __getattr__(name: str) -> Any:
    from .._missing import missing_attr
    raise missing_attr(__name__, name)
