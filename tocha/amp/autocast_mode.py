"""`torch.autocast` / `torch.amp.autocast`: a region (context manager or decorator) where the
ops of PyTorch's autocast lists run in a lower-precision dtype (tocha/_autocast.py holds the
lists and the hook). On CPU the default dtype is bfloat16; float16 is accepted too."""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from .. import _autocast as _ac
from .. import _dtype as D

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

_LOW = ("bfloat16", "float16")


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast supports `device_type` (cpu, cuda, mps, xpu, ... as PyTorch says)."""
    return _ac.is_available(device_type)


class autocast:
    """Run the ops inside in mixed precision (PyTorch's `torch.autocast`).

    Args:
        device_type: "cpu" (or "cuda", accepted for device-agnostic code: tocha's tensors
            live on the CPU, so a CUDA region changes nothing).
        dtype: the lower-precision dtype; default `get_autocast_dtype(device_type)`
            (bfloat16 on CPU).
        enabled: False makes the region a no-op (and disables an enclosing one).
        cache_enabled: reuse the cast of a weight within the region (default: the global
            `is_autocast_cache_enabled()`).

    Inside a CPU region, matmul/linear/conv/bmm/... compute in bfloat16, losses and
    reductions that need range (mse_loss, cross_entropy, prod, cdist, ...) in float32, and
    cat/stack promote to the widest input type; other ops keep their inputs' dtype.

    >>> import tocha
    >>> with tocha.autocast("cpu"):
    ...     y = tocha.ones(2, 3) @ tocha.ones(3, 4)
    >>> y.dtype
    tocha.bfloat16
    """

    def __init__(self, device_type: str, dtype: D.dtype | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(  # noqa: TRY004 (PyTorch raises ValueError)
                f"Expected `device_type` of type `str`, got: "
                             f"`{type(device_type)}`")
        _ac.is_available(device_type)          # RuntimeError for a malformed device string
        self.device = device_type
        self.fast_dtype = _ac.get_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = _ac.cache_enabled() if cache_enabled is None else cache_enabled
        if enabled and device_type == "cuda":
            from .. import cuda
            if not cuda.is_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                              "autocast.", stacklevel=2)
                enabled = False
        if enabled and device_type == "cpu" and self.fast_dtype.name not in _LOW:
            kind = device_type.upper()
            warnings.warn(f"In {kind} autocast, but the target dtype is not supported. "
                          f"Disabling autocast.\n{kind} Autocast only supports dtypes of "
                          f"torch.bfloat16, torch.float16 currently.", stacklevel=2)
            enabled = False
        self._enabled = bool(enabled)

    def __enter__(self) -> None:
        self.prev_cache_enabled = _ac.cache_enabled()
        self.prev = _ac.is_enabled(self.device)
        self.prev_fastdtype = _ac.get_dtype(self.device)
        _ac.set_enabled(self.device, self._enabled)
        _ac.set_dtype(self.device, self.fast_dtype)
        _ac.autocast_increment_nesting()
        _ac.set_autocast_cache_enabled(self._cache_enabled)

    def __exit__(self, exc_type: object, exc_val: object, exc_tb: object) -> bool:
        if _ac.autocast_decrement_nesting() == 0:
            _ac.clear_autocast_cache()
        _ac.set_enabled(self.device, self.prev)
        _ac.set_dtype(self.device, self.prev_fastdtype)
        _ac.set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def decorate_autocast(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


def custom_fwd(fwd: Callable | None = None, *, device_type: str = "cpu",
               cast_inputs: D.dtype | None = None) -> Callable:
    """Decorator for a custom Function's forward: with `cast_inputs`, run it with autocast off
    and floating tensor inputs cast to that dtype when autocast is on; otherwise run it under
    the autocast state of the caller (recorded for `custom_bwd`)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args: Any, **kwargs: Any) -> Any:
        ctx = args[0]
        ctx._fwd_used_autocast = _ac.is_enabled(device_type)
        ctx._dtype = _ac.get_dtype(device_type)
        if cast_inputs is None or not ctx._fwd_used_autocast:
            return fwd(*args, **kwargs)
        cast = (lambda t: _ac._cast(t, cast_inputs))
        args = (ctx,) + tuple(_ac._map(a, cast) for a in args[1:])
        kwargs = {k: _ac._map(v, cast) for k, v in kwargs.items()}
        with autocast(device_type, enabled=False):
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd: Callable | None = None, *, device_type: str = "cpu") -> Callable:
    """Decorator for a custom Function's backward: runs it under the forward's autocast
    state (as recorded by `custom_fwd`)."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args: Any, **kwargs: Any) -> Any:
        ctx = args[0]
        with autocast(device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd
