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


class Var(prim):
    """var of a real tensor: the mean, sum and division of the composite it replaced (the same
    bits), with PyTorch's gradient 2 / (n - c) * g * (x - mean): the composite's path through
    the mean summed +-inf terms into NaN where g is infinite (std of a value divided by 0)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, n, c):
        ctx.save_for_backward(x)
        ctx.meta = (dims, keepdim, n, c)
        dev = x - Mean.forward(_Bare(), x, dims, True)
        s = Sum.forward(_Bare(), dev * dev, dims, keepdim, None)
        with np.errstate(all="ignore"):
            return np.asarray(s / builtins.max(n - c, 0), x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        dims, keepdim, n, c = ctx.meta
        if not keepdim and dims and len(dims) < x.ndim:
            g = g.reshape(_keep_shape(x.shape, dims))
        k = 2.0 / (n - c) if n != c else math.inf
        return k * g * (x - mean(x, dims, keepdim=True)), None, None, None, None


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
