"""Helpers shared by the primitives: dtype preparation, dims, error messages."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dt
from ..autograd.function import Function

__all__ = [
    "Function",
    "Tensor",
    "_wrap",
    "_wrap_dt",
    "arrays_of",
    "as_float",
    "broadcast_error",
    "norm_dim",
    "norm_dims",
    "prim",
    "scalar_like",
    "to_tensor",
    "wrapped",
]


class prim(Function):
    """Base of tocha's primitives: forward on arrays, backward on Tensors."""

    _arrays = True


def as_float(x: Tensor) -> Tensor:
    """Integer/bool tensors become the default float dtype (what PyTorch's float ops return)."""
    if x._dtype._kind < 2:      # (complex tensors stay complex)
        return _wrap_dt(x._data.astype(D.get_default_dtype().np), D.get_default_dtype(),
                        x._device)
    return x


def to_tensor(x, like: Tensor | None = None) -> Tensor:
    """Python scalars and arrays as tensors (for ops that need a tensor operand)."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool, complex)):
        dt = D.result_type(like, x)
        return _wrap_dt(np.asarray(x, dtype=dt.np), dt, like._device)
    from .._creation import tensor
    return tensor(x)


def scalar_like(v, x: Tensor) -> Tensor:
    return _wrap_dt(np.asarray(v, dtype=x._dtype.np), x._dtype, x._device)


def broadcast_error(op: str, sa, sb) -> RuntimeError:
    """PyTorch's message for shapes that do not broadcast, naming the op and both shapes."""
    ra, rb = list(sa)[::-1], list(sb)[::-1]
    for i in range(min(len(ra), len(rb))):
        if ra[i] != rb[i] and ra[i] != 1 and rb[i] != 1:
            d = max(len(sa), len(sb)) - 1 - i
            return RuntimeError(
                f"{op}: The size of tensor a ({ra[i]}) must match the size of tensor b ({rb[i]}) "
                f"at non-singleton dimension {d} (shapes {tuple(sa)} and {tuple(sb)} are not "
                f"broadcastable)")
    return RuntimeError(f"{op}: shapes {tuple(sa)} and {tuple(sb)} are not broadcastable")


def norm_dim(d, ndim: int) -> int:
    n = max(ndim, 1)
    if isinstance(d, Tensor):
        d = int(d)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d % n


def norm_dims(dims, ndim: int) -> tuple:
    # None and an empty list both mean every dim (PyTorch: x.sum(dim=()) sums everything)
    if dims is None or (isinstance(dims, (tuple, list)) and not dims):
        return tuple(range(ndim))
    if isinstance(dims, int):
        dims = (dims,)
    out = tuple(sorted(norm_dim(d, ndim) for d in dims))
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out} appears multiple times in the list of dims")
    return out


# ---------------------------------------------------------------- backward helpers
# Small gradient idioms that several backward formulas share.

def arrays_of(*ts) -> list:
    """The arrays of the Tensors `ts` (None stays None): a backward's route on arrays, taken
    when no graph is being built (no create_graph), so that nothing needs recording."""
    return [None if t is None else t._data for t in ts]


def wrapped(arrays) -> tuple:
    """The arrays a backward computed on that route, as Tensors (None stays None)."""
    return tuple(None if a is None else _wrap(a) for a in arrays)


def sum_to(g: Tensor, shape) -> Tensor:
    """Sum `g` down to `shape` (undo broadcasting)."""
    from .reduce import sum_to as _sum_to  # reduce imports this module
    return _sum_to(g, tuple(shape))


def expand(g: Tensor, shape) -> Tensor:
    """Broadcast `g` to `shape`."""
    return g.expand(tuple(shape))


def sum_keep(g: Tensor, dims) -> Tensor:
    """Sum over `dims` keeping them as size 1."""
    return g.sum(dims, keepdim=True)


def exp(x: Tensor) -> Tensor:
    return x.exp()


def swap_last(x: Tensor) -> Tensor:
    """Transpose the last two dims."""
    return x.transpose(-1, -2)


def axpy_(p, g, alpha: float) -> None:
    """p += alpha * g in place with one rounding, as PyTorch's `add_(g, alpha=)` kernel (a
    fused multiply-add); float32/float16 via float64, where the product is exact."""
    if p.dtype.kind == "f" and p.itemsize < 8:
        a = np.float64(np.asarray(alpha, p.dtype))
        p[...] = np.asarray(g, np.float64) * a + p
    else:
        p += np.asarray(alpha * g, p.dtype) if getattr(g, "ndim", 0) else alpha * g
