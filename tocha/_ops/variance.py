"""var's primitives: Var (PyTorch's gradient 2 / (n - c) * g * (x - mean)) and VarNoDof
(no degree of freedom left); `tocha._ops.reduce.var` picks between them and the composite."""
from __future__ import annotations

import builtins
import math

import numpy as np

from .._tensor import _wrap
from ._util import prim
from .reduce import Mean, Sum, _keep_shape, mean


class _Bare:
    """A ctx for calling a primitive's forward on arrays inside another's forward."""

    needs_input_grad = ()

    def save_for_backward(self, *a) -> None:
        pass


def _wide(x: np.ndarray) -> np.ndarray:
    """x in double precision: PyTorch's CPU var/std accumulate float and half in double (its
    acc_type), so a float32 spread of 1e23 does not overflow in the squares, and the rounded
    result is PyTorch's."""
    if x.dtype.kind == "c":
        return x.astype(np.complex128) if x.dtype.itemsize < 16 else x
    return x.astype(np.float64) if x.dtype.itemsize < 8 or x.dtype.kind == "V" else x


def _var_wide(x: np.ndarray, dims, keepdim: bool, n: int, c) -> np.ndarray:
    """The variance of x over `dims`, in double precision for float32 and narrower."""
    w = _wide(x)
    dev = w - Mean.forward(_Bare(), w, dims, True)
    s = Sum.forward(_Bare(), dev * dev, dims, keepdim, None)
    with np.errstate(all="ignore"):
        return s / builtins.max(n - c, 0)


def _var_grad(x, g, meta):
    """PyTorch's var_backward: 2 / (n - c) * g * (x - mean)."""
    dims, keepdim, n, c = meta
    if not keepdim and dims and len(dims) < x.ndim:
        g = g.reshape(_keep_shape(x.shape, dims))
    k = 2.0 / (n - c) if n != c else math.inf
    return k * g * (x - mean(x, dims, keepdim=True))


class Var(prim):
    """var of a real tensor, with PyTorch's gradient 2 / (n - c) * g * (x - mean): the
    composite's path through the mean summed +-inf terms into NaN where g is infinite (std
    of a value divided by 0)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, n, c):
        ctx.save_for_backward(x)
        ctx.meta = (dims, keepdim, n, c)
        return np.asarray(_var_wide(x, dims, keepdim, n, c), x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _var_grad(x, g, ctx.meta), None, None, None, None


class Std(prim):
    """std of a real tensor: the square root taken in double precision before rounding, as
    PyTorch's (sqrt of the rounded variance differed in ~12 % of float32 results, and
    overflowed where the variance exceeds float32's range), and PyTorch's std_backward: the
    variance's gradient of g / (2 std), 0 where std is 0."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, n, c):
        r = np.asarray(np.sqrt(_var_wide(x, dims, keepdim, n, c)), x.dtype)
        ctx.save_for_backward(x, r)
        ctx.meta = (dims, keepdim, n, c)
        return r

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        gv = (g / (2 * r)).masked_fill(r == 0, 0.0)
        return _var_grad(x, gv, ctx.meta), None, None, None, None


class VarNoDof(prim):
    """var over all elements with no degree of freedom left (numel <= correction): NaN, or inf
    where the values spread. PyTorch's gradient there is where(x == mean, nan, inf) * grad,
    with no path back to x, so a double backward finds nothing of x to differentiate (the
    composite's 2 * (x - mean) / 0 would give one)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, keepdim):
        with np.errstate(all="ignore"):
            dev = x - x.mean()
            r = np.asarray(np.sum(dev * dev, keepdims=keepdim) / x.dtype.type(0), x.dtype)
            ctx.w = np.where(x == x.mean(), np.nan, np.inf).astype(x.dtype)
        return r

    @staticmethod
    def backward(ctx, g):
        return _wrap(ctx.w, g._device) * g, None
