"""Primitives of tocha/_ops/reduce.py kept apart for that file's size: L2 (the 2-norm,
PyTorch's gradient chain) and NanZero (nansum's NaN-free input, PyTorch's gradient)."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from ._util import prim
from .reduce import _F16, _c


class L2(prim):
    node_name = "NormBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        # float16 squares overflow, bfloat16 sums stall: both accumulate in float32
        w = x.astype(np.float32) if x.dtype == _F16 or x.dtype.kind == "V" else x
        r = np.sqrt(np.sum(w * w, axis=dims, keepdims=True)).astype(x.dtype, copy=False)
        ctx.kshape = r.shape
        out = _c(r if keepdim else np.squeeze(r, axis=dims))
        # save the returned array itself: it comes back as a graph tensor (double backward)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        r = r.reshape(ctx.kshape)
        g = g.reshape(ctx.kshape)
        # the subgradient at 0 is 0, as in PyTorch; its chain g * (x / r) and roundings, and
        # so its double backward, NaN at 0 (the 0 / 0 masked, but 0 * its derivative kept)
        return g * (x / r).masked_fill(r == 0, 0.0)



class NanZero(prim):
    """x with NaNs replaced by 0, and PyTorch's nansum gradient g * (x is not NaN): a
    product, not a mask, so an infinite g (nanmean over no number: g / 0) gives NaN there."""

    @staticmethod
    def forward(ctx, x):
        nan = np.isnan(x)
        ctx.keep = ~nan
        return np.where(nan, np.zeros((), x.dtype), x)

    @staticmethod
    def backward(ctx, g):
        return g * _wrap(ctx.keep)
