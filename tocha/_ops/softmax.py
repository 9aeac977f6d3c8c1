"""softmax and log_softmax: one fused, numerically stable primitive each (re-exported by
tocha._ops.reduce, whose functions the Tensor methods name)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D
from .._dtype_ext import scalar_name
from .._tensor import Tensor, _wrap_dt
from ..autograd.grad_mode import STATE
from ._lowp import down, up
from ._util import exp, norm_dim, prim, sum_keep
from .complex import refuse


def _max_keep(x, dim):
    """x's maxima along `dim`, kept as size 1 (-inf for an empty dim).

    A classifier's logits, (N, C) with few classes, are reduced across the rows of a
    transposed copy: NumPy otherwise reduces them row by row, ~3x slower at 128x10 (the
    maximum is the same value either way)."""
    if x.ndim == 2 and dim == 1 and x.shape[1] <= 32 and x.shape[0] >= 64:
        return np.ascontiguousarray(x.T).max(axis=0, initial=-np.inf)[:, None]
    return x.max(axis=dim, keepdims=True, initial=-np.inf)


def _c(y):
    """C-contiguous, as PyTorch allocates softmax's result (NumPy keeps the input's order)."""
    return y if y.flags.c_contiguous else np.ascontiguousarray(y)


_F16 = np.dtype(np.float16)


def _up(x):
    """x in float32 for PyTorch's reduced-precision softmax kernels (bfloat16, float16:
    float32 inside, rounded once; float16 computed in float16 summed 1000 terms 10x less
    accurately), and the dtype to round back to."""
    return (x.astype(np.float32), _F16) if x.dtype == _F16 else up(x)


class Softmax(prim):
    @staticmethod
    def forward(ctx, x, dim):
        x, lo = _up(x)                  # bfloat16, float16: in float32, rounded once
        e = np.exp(x - _max_keep(x, dim))
        s = np.sum(e, axis=dim, keepdims=True)
        if lo is _F16 and dim != x.ndim - 1:    # PyTorch's kernel there rounds exp first
            e = e.astype(_F16).astype(np.float32)
        y = _c(down(e / s, lo))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        gy = g * y
        return gy - y * sum_keep(gy, ctx.dim)


class LogSoftmax(prim):
    @staticmethod
    def forward(ctx, x, dim):
        x, lo = _up(x)                  # bfloat16, float16: in float32, rounded once
        # (float16 along a dim other than the last: PyTorch's kernel keeps all in float32)
        keep32 = lo is _F16 and dim != x.ndim - 1
        # the array methods, and s reused for the result: at a classifier's (batch, classes)
        # sizes the np.max/np.sum wrappers and a third array cost more than the arithmetic
        s = x - _max_keep(x, dim)
        total = np.exp(s).sum(axis=dim, keepdims=True)
        if keep32:
            y = down(s - np.log(total), lo)
        elif lo is not None:    # PyTorch's kernel keeps the sum and its log in the 16-bit type
            total = total.astype(lo).astype(np.float32)
            y = down(s - np.log(total).astype(lo).astype(np.float32), lo)
        elif s.__class__ is np.ndarray:
            y = np.subtract(s, np.log(total), out=s)
        else:                   # (a 0-d input: NumPy's arithmetic gives a scalar)
            y = np.asarray(s - np.log(total))
        y = _c(y)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        if g.__class__ is Tensor and not STATE.enabled:
            # nothing to record: exp(y) (tocha's kernel, same bits) and the rest on arrays
            gd = g._data
            r = exp(y)._data
            r *= gd.sum(ctx.dim, keepdims=True)
            np.subtract(gd, r, out=r)
            return _wrap_dt(r, g._dtype, g._device)
        return g - exp(y) * sum_keep(g, ctx.dim)


def _softmax_dim(input, dim, name):
    if input._dtype._kind < 2 and not input._data.size:     # PyTorch lets empty ones through
        if dim is not None:
            norm_dim(dim, input._data.ndim)     # (a dim out of range still raises)
        return None
    if input._dtype._kind < 2:
        raise NotImplementedError(
            f"\"{name}_lastdim_kernel_impl\" not implemented for "
            f"'{scalar_name(input._dtype)}' ({name} needs a float "
            f"tensor: call .float() first or pass dtype=)")
    if dim is None:
        import warnings
        nd = input._data.ndim
        dim = 0 if nd in (0, 1, 3) else 1
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                      f"call to include dim=X as an argument.", stacklevel=3)
    return norm_dim(dim, input._data.ndim)


def softmax(input: Tensor, dim: int | None = None, dtype: D.dtype | None = None,
            **kw: Any) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`."""
    return _softmax_call(Softmax, "softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype: D.dtype | None = None,
                **kw: Any) -> Tensor:
    """x - logsumexp(x) along `dim` (one fused, stable primitive)."""
    return _softmax_call(LogSoftmax, "log_softmax", input, dim, dtype)


def _softmax_call(cls, name: str, input: Tensor, dim, dtype) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    d = _softmax_dim(input, dim, name)
    if input._dtype.is_complex:
        refuse(name if d != input._data.ndim - 1 else name + "_last", input)
    return input.clone() if d is None else cls.apply(input, d)
