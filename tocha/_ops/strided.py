"""Strided views (diagonal, unfold, as_strided): NumPy arrays with computed strides over
the memory of their input, and their gradients, which add back where each element was read."""
from __future__ import annotations

import numpy as np

from ._util import prim


def _as_strided(x, shape, strides):
    """`np.lib.stride_tricks.as_strided`, but built on the array that owns the memory, so
    that `.base` chains (storage_offset, `_base`) still lead to it; read-only when x is."""
    own = x
    while isinstance(own.base, np.ndarray):
        own = own.base
    # (an empty result of an empty x can start past the owner's empty buffer: NumPy's
    # ndarray() would refuse it, as_strided does not)
    if not own.flags.c_contiguous or 0 in shape:
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)
    off = x.__array_interface__["data"][0] - own.__array_interface__["data"][0]
    r = np.ndarray(shape, x.dtype, own, off, strides)
    if not x.flags.writeable:
        r.flags.writeable = False
    return r


def _diag_view(x, offset, d1, d2):
    """The (d1, d2) diagonal of array `x` as its last dim: a strided view (writable when x
    is), as PyTorch's diagonal."""
    y = np.moveaxis(x, (d1, d2), (-2, -1))
    r, c = y.shape[-2:]
    i0, j0 = min(max(0, -offset), r), min(max(0, offset), c)
    n = max(0, min(r - i0, c - j0))
    y = y[..., i0:, j0:]
    return _as_strided(y, y.shape[:-2] + (n,), y.strides[:-2] + (y.strides[-2] + y.strides[-1],))


class Diagonal(prim):
    _view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.meta = (x.shape, offset, d1, d2)
        return _diag_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalGrad.apply(g, *ctx.meta)


class DiagonalGrad(prim):
    """Zeros of the input's shape with `g` on the diagonal (diagonal's gradient)."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.meta = (offset, d1, d2)
        z = np.zeros(shape, g.dtype)
        _diag_view(z, offset, d1, d2)[...] = g
        return z

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.meta)


def _strided(x, geometry, args):
    shape, strides = geometry(x.shape, tuple(s // x.itemsize for s in x.strides), *args)
    return _as_strided(x, shape, tuple(s * x.itemsize for s in strides))


class _Strided(prim):
    """A view of `x` whose shape and element strides `geometry(shape, strides, *args)`
    computes; its gradient adds `g` back where each output element reads (windows may
    overlap)."""

    _view = True

    @staticmethod
    def forward(ctx, x, geometry, *args):
        ctx.meta = (x.shape, geometry, args)
        return _strided(x, geometry, args)

    @staticmethod
    def backward(ctx, g):
        return StridedGrad.apply(g, *ctx.meta)


class StridedGrad(prim):
    @staticmethod
    def forward(ctx, g, shape, geometry, args):
        pos = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
        idx = _strided(pos, geometry, args).reshape(-1)
        ctx.view = (_VIEW_OF[geometry], geometry, args)
        z = np.zeros(pos.size, g.dtype)
        np.add.at(z, idx, g.reshape(-1))
        return z.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        cls, geometry, args = ctx.view
        return cls.apply(gg, geometry, *args)


class Unfold(_Strided):
    node_name = "UnfoldBackward0"


def _unfold_geometry(shape, strides, d, size, step):
    if not shape:
        return (size,), (1,)
    n = (shape[d] - size) // step + 1
    return (shape[:d] + (n,) + shape[d + 1:] + (size,),
            strides[:d] + (strides[d] * step,) + strides[d + 1:] + (strides[d],))


class AsStrided(_Strided):
    node_name = "AsStridedBackward0"


def _as_strided_geometry(shape, strides, size, stride):
    return size, stride


# the view primitive of each geometry (StridedGrad's own gradient is that view again)
_VIEW_OF = {_unfold_geometry: Unfold, _as_strided_geometry: AsStrided}


def view_dtype(input, dtype):
    """`x.view(dtype)`: the same memory read as another dtype (PyTorch's `view.dtype`).

    Outside autograd (the result never requires grad), but it shares the version counter, as
    PyTorch's does. A larger element joins the last dim's elements, so that dim must be
    contiguous and divide evenly; the errors are PyTorch's."""
    from .._dtype_ext import scalar_name
    from .._tensor import _wrap
    old, new = input._dtype.itemsize, dtype.itemsize
    if old != new:
        why = f"to view {scalar_name(input._dtype)} as {scalar_name(dtype)} " \
              f"(different element sizes)"
        if input.dim() == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {why}")
        if input.stride(-1) != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {why}, but got {input.stride(-1)}")
        if new > old:
            _check_divisible(input, new // old, why)
    t = _wrap(input._data.view(dtype.np), input._device)
    if input._vc is None:
        input._vc = [0]
    t._vc = input._vc
    return t


def _check_divisible(input, ratio: int, why: str) -> None:
    """PyTorch's conditions for joining `ratio` elements into one."""
    checks = [("self.size(-1)", input.shape[-1]), ("self.storage_offset()",
                                                    input.storage_offset())]
    checks += [(f"self.stride({i})", s) for i, s in enumerate(input.stride()[:-1])]
    for what, n in checks:
        if n % ratio:
            raise RuntimeError(f"{what} must be divisible by {ratio} {why}, but got {n}")
