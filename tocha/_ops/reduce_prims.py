"""Primitives of tocha/_ops/reduce.py kept apart for that file's size: L2 (the 2-norm,
PyTorch's gradient chain) and NanZero (nansum's NaN-free input, PyTorch's gradient)."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap, _wrap_dt
from ._util import prim
from .reduce import _F16, _c


class L2(prim):
    node_name = "LinalgVectorNormBackward0"     # (x.norm() is linalg.vector_norm in PyTorch)

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


def cumprod_grad_zeros(g, x, out, d: int):
    """cumprod's gradient where x has zeros, as PyTorch's two algorithms compute it (and so
    where an infinite g meets a zero: NaN exactly where PyTorch's has one)."""
    from ..autograd.grad_mode import STATE
    from .movement import cat
    n = x.shape[d]
    if not STATE.enabled:
        return _wrap_dt(_cumprod_grad_np(g._data, x._data, out._data, d), g._dtype, g._device)
    # under create_graph, PyTorch's O(n^2) sum over j >= k of g_j * prod_{i <= j, i != k} x_i
    grads = []
    for k in range(n):
        rest = x.narrow(d, k + 1, n - k - 1)
        before = x.narrow(d, 0, k).prod(d, keepdim=True) if k else None
        after = rest.cumprod(d) if k < n - 1 else None
        if before is None:
            one = _wrap_dt(np.ones(_one_shape(x, d), x._dtype.np), x._dtype, x._device)
            omitted = cat([one, after], d)
        elif after is None:
            omitted = before
        else:
            omitted = cat([before, before.expand_as(after) * after], d)
        grads.append((g.narrow(d, k, n - k) * omitted).sum(d, keepdim=True))
    return cat(grads, d)


def _one_shape(x, d):
    return [1 if i == d else s for i, s in enumerate(x.shape)]


def _rev_cumsum(a, d):
    return np.flip(np.cumsum(np.flip(a, d), d), d)


def _cumprod_grad_np(g, x, out, d):
    """PyTorch's O(n) gradient: before the first zero z1 the usual reversed cumsum of
    out * g over x; at z1 the products around it times g_j up to the second zero; 0 after."""
    zero = x == 0
    cs = np.cumsum(zero, axis=d)
    zero_g = np.zeros((), g.dtype)
    with np.errstate(all="ignore"):
        head = cs == 0
        gi = np.where(head, _rev_cumsum(np.where(head, out * g, zero_g), d) / x, zero_g)
        first = zero & (cs == 1)
        mid = (cs == 1) & ~first
        fac = np.cumprod(np.where(mid, x, np.ones((), x.dtype)), axis=d)
        s = np.sum(fac * np.where(cs == 1, g, zero_g), axis=d, keepdims=True)
        # the product before z1: out at z1 - 1 (1 when z1 is the first element)
        z1 = np.argmax(cs == 1, axis=d)
        z1 = np.expand_dims(z1, d)
        prev = np.take_along_axis(out, np.maximum(z1 - 1, 0), d)
        prev = np.where(z1 == 0, np.ones((), out.dtype), prev)
        gi = np.where(first, s * prev, gi)
    return gi.astype(g.dtype, copy=False)
