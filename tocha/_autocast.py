"""Autocast state and the one hook ops call (`torch.autocast` on CPU, PyTorch's op lists).

Each listed op's entry function starts with ``if _autocast.on: return _autocast.run(...)``:
when no CPU autocast region is active that is a single module-global test. `run` casts the
op's floating tensor arguments as PyTorch's CPU autocast does (to the region's dtype for the
lower-precision list, to float32 for the float32 list, to the widest type for the promote
list; float64 tensors are never cast), then calls the op with autocast off for its insides
(PyTorch excludes autocast below an autocast kernel too). Casts of leaf tensors that require
grad (weights) are cached for the region while the cache is enabled.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from . import _dtype as D

# PyTorch 2.13's CPU lists (the ops tocha has); the rest run in their inputs' dtype
LOWER = frozenset({
    "conv1d", "conv2d", "conv3d", "bmm", "mm", "linalg_vecdot", "baddbmm", "addmm", "addbmm",
    "linear", "matmul", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "prelu",
    "scaled_dot_product_attention", "einsum", "lstm"})
FP32 = frozenset({
    "avg_pool3d", "binary_cross_entropy", "grid_sampler", "polar", "prod", "quantile",
    "nanquantile", "stft", "cdist", "trace", "view_as_complex", "cholesky", "cholesky_inverse",
    "cholesky_solve", "inverse", "lu_solve", "orgqr", "ormqr", "pinverse", "max_pool3d",
    "max_unpool2d", "max_unpool3d", "adaptive_avg_pool3d", "reflection_pad1d",
    "reflection_pad2d", "replication_pad1d", "replication_pad2d", "replication_pad3d",
    "mse_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d", "hinge_embedding_loss",
    "poisson_nll_loss", "smooth_l1_loss", "cross_entropy", "l1_loss", "huber_loss",
    "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss",
    "ctc_loss", "kl_div", "multilabel_margin_loss", "binary_cross_entropy_with_logits",
    "qr", "svd", "triangular_solve", "fractional_max_pool2d", "fractional_max_pool3d",
    "adaptive_max_pool3d", "linalg_solve", "linalg_svdvals", "linalg_cond", "linalg_eigvalsh"})
PROMOTE = frozenset({"stack", "cat", "index_copy"})
# ops tocha builds from listed ones where PyTorch has its own unlisted kernel: they run with
# autocast off inside, casting nothing
PLAIN = frozenset({"mv", "dot", "outer"})

on = False                      # CPU autocast active: the only thing ops test
_DEVICES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
            "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
            "privateuseone")
_AVAILABLE = frozenset({"cpu", "cuda", "mps", "xpu", "hpu", "xla", "ipu", "mtia", "maia",
                        "privateuseone"})
_state: dict[str, list] = {}      # device type: [enabled, dtype]
_cache_enabled = [True]
_nesting = [0]
_cache: dict[tuple[int, D.dtype], tuple[Any, Any]] = {}


def _sync() -> None:
    global on
    on = bool(_state.get("cpu", (False,))[0])


def _device(device_type: str) -> list:
    st = _state.get(device_type)
    if st is None:
        if device_type.split(":")[0] not in _DEVICES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICES)} device type at start of "
                               f"device string: {device_type}")
        st = _state[device_type] = [False, None]
    return st


def is_available(device_type: str) -> bool:
    _device(device_type)
    return device_type in _AVAILABLE


def is_enabled(device_type: str) -> bool:
    return bool(_device(device_type)[0])


def set_enabled(device_type: str, enabled: bool) -> None:
    _device(device_type)[0] = bool(enabled)
    _sync()


def get_dtype(device_type: str) -> D.dtype:
    st = _device(device_type)
    return st[1] or (D.bfloat16 if device_type == "cpu" else D.float16)


def set_dtype(device_type: str, dtype: D.dtype) -> None:
    _device(device_type)[1] = dtype


def cache_enabled() -> bool:
    return _cache_enabled[0]


# ---- torch.* functions ----

def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for `device_type` (no argument: CUDA, as in PyTorch)."""
    return is_enabled("cuda" if device_type is None else device_type)


def set_autocast_enabled(*args: Any) -> None:
    """`set_autocast_enabled(device_type, enabled)` (or `(enabled)`: CUDA)."""
    device_type, enabled = args if len(args) == 2 else ("cuda", args[0])
    set_enabled(device_type, enabled)


def is_autocast_cpu_enabled() -> bool:
    """Deprecated: `is_autocast_enabled("cpu")`."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_enabled("cpu")


def set_autocast_cpu_enabled(enabled: bool) -> None:
    """Deprecated: `set_autocast_enabled("cpu", enabled)`."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_enabled("cpu", enabled)


def get_autocast_dtype(device_type: str) -> D.dtype:
    """The dtype autocast regions on `device_type` compute in (bfloat16 on CPU)."""
    return get_dtype(device_type)


def set_autocast_dtype(device_type: str, dtype: D.dtype) -> None:
    """Set the dtype autocast regions on `device_type` use when given none."""
    set_dtype(device_type, dtype)


def get_autocast_cpu_dtype() -> D.dtype:
    """Deprecated: `get_autocast_dtype("cpu")`."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_dtype("cpu")


def set_autocast_cpu_dtype(dtype: D.dtype) -> None:
    """Deprecated: `set_autocast_dtype("cpu", dtype)`."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_dtype("cpu", dtype)


def is_autocast_cache_enabled() -> bool:
    """Whether autocast regions reuse the casts of weights (leaf tensors requiring grad)."""
    return _cache_enabled[0]


def set_autocast_cache_enabled(enabled: bool) -> None:
    """Turn the weight-cast cache of autocast regions on or off."""
    _cache_enabled[0] = bool(enabled)


def clear_autocast_cache() -> None:
    """Drop the casts of weights cached by autocast regions."""
    _cache.clear()


def autocast_increment_nesting() -> int:
    """Count one more open autocast region; returns the new depth."""
    _nesting[0] += 1
    return _nesting[0]


def autocast_decrement_nesting() -> int:
    """Count one region closed; returns the new depth (0: the cache may be cleared)."""
    _nesting[0] -= 1
    return _nesting[0]


API = ("is_autocast_enabled", "set_autocast_enabled", "is_autocast_cpu_enabled",
       "set_autocast_cpu_enabled", "get_autocast_dtype", "set_autocast_dtype",
       "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "is_autocast_cache_enabled",
       "set_autocast_cache_enabled", "clear_autocast_cache", "autocast_increment_nesting",
       "autocast_decrement_nesting")


# ---- casting ----

def _eligible(t) -> bool:
    from ._tensor import Tensor
    return isinstance(t, Tensor) and t._dtype._kind == 2 and t._dtype is not D.float64 \
        and t._device.type == "cpu"


def _cast(t, dt: D.dtype):
    if not _eligible(t) or t._dtype is dt:
        return t
    if _cache_enabled[0] and t._grad_fn is None and t._requires_grad:
        key = (id(t), dt)
        hit = _cache.get(key)
        if hit is not None and hit[0] is t:
            return hit[1]
        out = t.to(dt)
        _cache[key] = (t, out)       # holding t keeps its id from being reused
        return out
    return t.to(dt)


def _map(x, fn):
    if isinstance(x, (list, tuple)):
        return type(x)(_map(v, fn) for v in x)
    return fn(x)


def _leaves(x, acc: list) -> list:
    if isinstance(x, (list, tuple)):
        for v in x:
            _leaves(v, acc)
    elif _eligible(x):
        acc.append(x._dtype)
    return acc


def _target(name: str, args, kwargs) -> D.dtype | None:
    if name in LOWER:
        return get_dtype("cpu")
    if name in FP32:
        return D.float32
    if name in PLAIN:
        return None
    dts = _leaves(list(args) + list(kwargs.values()), [])
    if not dts:
        return None
    out = dts[0]
    for d in dts[1:]:
        out = D.promote_types(out, d)
    return out


def run(name: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call op `fn` (named as in PyTorch's autocast lists) under the active CPU autocast."""
    global on
    dt = _target(name, args, kwargs)
    if dt is not None:
        cast = (lambda t: _cast(t, dt))
        args = tuple(_map(a, cast) for a in args)
        kwargs = {k: _map(v, cast) for k, v in kwargs.items()}
    on = False
    try:
        return fn(*args, **kwargs)
    finally:
        _sync()
