"""Normalisation primitives: batch_norm (running stats, momentum, eval), layer_norm, group_norm.

Forward runs on arrays (two-pass mean/variance, biased variance for normalising). Backward is
written in tocha ops; under `create_graph` it recomputes mean and 1/std from the saved input
with tocha ops so that double backward sees their dependence on the input.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import STATE
from ._util import arrays_of, prim, wrapped

__all__ = ["batch_norm", "group_norm", "layer_norm"]


def _stats(x, red, eps):
    mean = x.mean(red, keepdims=True)
    d = x - mean
    var = np.mean(d * d, red, keepdims=True)
    invstd = 1.0 / np.sqrt(var + eps)
    return mean, var, d, invstd.astype(x.dtype, copy=False)


def _up(g, x, w):
    """(g, x, w, dtype) with bfloat16 tensors widened to float32 (PyTorch's backward kernels
    compute in float32 and round each gradient once); dtype None when nothing was widened."""
    if x._data.dtype.kind != "V":
        return g, x, w, None
    return g.float(), x.float(), (None if w is None else w.float()), x._dtype


def _down(grads, lo):
    return grads if lo is None else tuple(None if t is None else t.to(lo) for t in grads)


def _norm_backward(ctx, xr, g_hat, red, eps):
    """Gradient of xhat = (xr - mean(xr)) / std(xr) over `red`, given dL/dxhat (Tensors)."""
    if STATE.enabled:        # create_graph: keep mean/std as functions of x for double backward
        mean = xr.mean(red, keepdim=True)
        d = xr - mean
        invstd = ((d * d).mean(red, keepdim=True) + eps).rsqrt()
        xhat = d * invstd
    else:
        mean, invstd = _wrap(ctx.mean), _wrap(ctx.invstd)
        xhat = (xr - mean) * invstd
    gx = invstd * (g_hat - g_hat.mean(red, keepdim=True)
                   - xhat * (g_hat * xhat).mean(red, keepdim=True))
    return gx, xhat


def _batch_norm_backward_arrays(ctx, x, w, g, need):
    """Batch-norm gradients on arrays, holding one full-size temporary beside ``x̂``.

    dL/dx = invstd * w * (g - mean(g) - x̂ * mean(g * x̂)): the two means are the per-channel
    sums that the bias and weight gradients need anyway (divided by n), so ``g * w`` is never
    formed and ``x̂``'s buffer becomes dL/dx in place. This backward is where a ResNet step's
    memory peaks (all weight gradients are alive by then), so each full array counts.
    """
    red, shape = ctx.red, ctx.shape
    n = x.size // x.shape[1]
    xhat = x - ctx.mean
    xhat *= ctx.invstd
    gsum = g.sum(red, keepdims=True)
    t = g * xhat
    gxsum = t.sum(red, keepdims=True)
    del t
    gw = gxsum.reshape(-1) if w is not None and need[1] else None
    gb = gsum.reshape(-1) if len(need) > 2 and need[2] else None
    if not need[0]:
        return None, gw, gb
    xhat *= gxsum / n
    np.subtract(g, xhat, out=xhat)
    xhat -= gsum / n
    xhat *= ctx.invstd * w.reshape(shape) if w is not None else ctx.invstd
    return xhat, gw, gb


class NativeBatchNorm(prim):
    """Training-mode batch norm over all axes but 1 (statistics of the batch)."""

    node_name = "NativeBatchNormBackward0"
    @staticmethod
    def forward(ctx, x, w, b, eps, running, momentum):
        rm, rv = running
        red = (0,) + tuple(range(2, x.ndim))
        lo = x.dtype if x.dtype.kind == "V" else None   # bfloat16: in float32, rounded once
        mean, var, d, invstd = _stats(x if lo is None else x.astype(np.float32), red, eps)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if lo is not None:      # PyTorch's kernel: stats kept in bfloat16, then in float32
            mean = mean.astype(lo).astype(np.float32)       # x * alpha + beta, alpha = invstd*w
            invstd = invstd.astype(lo).astype(np.float32)
            alpha = invstd if w is None else invstd * w.reshape(shape).astype(np.float32)
            beta = -mean * alpha if b is None else b.reshape(shape).astype(np.float32) - \
                mean * alpha
            y = x.astype(np.float32) * alpha + beta
        else:
            y = d  # d is this call's own temporary: normalised in place, one full array fewer
            y *= invstd
            if w is not None:
                y *= w.reshape(shape)
            if b is not None:
                y += b.reshape(shape)
        if rm is not None or rv is not None:
            n = x.size // x.shape[1]
            if rm is not None:
                rm._data *= (1 - momentum)
                rm._data += (momentum * mean.reshape(-1)).astype(rm._data.dtype)
                rm._bump()
            if rv is not None:
                # running variance takes the unbiased estimate; normalisation used the biased one
                rv._data *= (1 - momentum)
                rv._data += (momentum * var.reshape(-1) * (n / (n - 1))).astype(rv._data.dtype)
                rv._bump()
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            ctx.mean, ctx.invstd, ctx.eps, ctx.red, ctx.shape = mean, invstd, eps, red, shape
        return y if lo is None else y.astype(lo)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        if not STATE.enabled and x._data.dtype.kind != "V":  # (not bfloat16, which goes up)
            # no create_graph: the same array computation, wrapped
            return wrapped(_batch_norm_backward_arrays(ctx, *arrays_of(x, w, g), need))
        g, x, w, lo = _up(g, x, w)
        g_hat = g * w.reshape(ctx.shape) if w is not None else g
        gx, xhat = _norm_backward(ctx, x, g_hat, ctx.red, ctx.eps)
        gw = (g * xhat).sum(ctx.red) if w is not None and need[1] else None
        gb = g.sum(ctx.red) if len(need) > 2 and need[2] else None
        return _down(((gx if need[0] else None), gw, gb), lo)


class BatchNormEval(prim):
    """Batch norm with given statistics (eval mode): an affine map of the input."""

    node_name = "NativeBatchNormBackward0"
    @staticmethod
    def forward(ctx, x, w, b, rm, rv, eps):
        shape = (1, -1) + (1,) * (x.ndim - 2)
        invstd = (1.0 / np.sqrt(rv + eps)).astype(x.dtype, copy=False).reshape(shape)
        mean = rm.reshape(shape).astype(x.dtype, copy=False)
        y = (x - mean) * invstd
        if w is not None:
            y *= w.reshape(shape)
        if b is not None:
            y += b.reshape(shape)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            ctx.mean, ctx.invstd, ctx.shape = mean, invstd, shape
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        invstd = _wrap(ctx.invstd)
        red = (0,) + tuple(range(2, g.ndim))
        gx = gw = gb = None
        if need[0]:
            gx = g * (invstd * w.reshape(ctx.shape) if w is not None else invstd)
        if w is not None and need[1]:
            gw = (g * ((x - _wrap(ctx.mean)) * invstd)).sum(red)
        if len(need) > 2 and need[2]:
            gb = g.sum(red)
        return gx, gw, gb


def _check_param(name, t, n, op):
    if t is not None and (t.ndim != 1 or t.shape[0] != n):
        raise RuntimeError(f"{op}: {name} should contain {n} elements not "
                           f"{t.numel() if t.ndim else 'a 0-d tensor'}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation over (N, C, *): batch statistics when training (updating the
    running ones in place), running statistics otherwise."""
    if not isinstance(input, Tensor):
        raise TypeError(f"batch_norm(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected 2D or higher input (N, C, *), got input of "
                         f"size {list(input.shape)}")
    if input._dtype._kind < 2:
        raise RuntimeError(f"batch_norm: expected a floating point input, got {input._dtype}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_param(name, t, c, "batch_norm")
    if training:
        size = input.numel() // c
        if size == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        # the running buffers travel as a tuple: they are updated in place, not differentiated
        return NativeBatchNorm.apply(input, weight, bias, eps, (running_mean, running_var),
                                     momentum)
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be defined in "
                           "evaluation mode")
    return BatchNormEval.apply(input, weight, bias, running_mean._data, running_var._data, eps)


class NativeLayerNorm(prim):
    @staticmethod
    def forward(ctx, x, w, b, nd, eps):
        red = tuple(range(x.ndim - nd, x.ndim))
        lo = x.dtype if x.dtype.kind == "V" else None   # bfloat16: in float32, rounded once
        mean, _, d, invstd = _stats(x if lo is None else x.astype(np.float32), red, eps)
        y = d * invstd
        if w is not None:
            y *= w
        if b is not None:
            y += b
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            ctx.mean, ctx.invstd, ctx.eps, ctx.red = mean, invstd, eps, red
        return y if lo is None else y.astype(lo)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        g, x, w, lo = _up(g, x, w)
        g_hat = g * w if w is not None else g
        gx, xhat = _norm_backward(ctx, x, g_hat, ctx.red, ctx.eps)
        lead = tuple(range(g.ndim - len(ctx.red)))
        gw = (g * xhat).sum(lead) if w is not None and need[1] else None
        gb = g.sum(lead) if len(need) > 2 and need[2] else None
        return _down(((gx if need[0] else None), gw, gb), lo)


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing `normalized_shape` dims, then scale and shift elementwise."""
    if getattr(input, "_dtype", None) is not None and input._dtype.is_complex:
        from .complex import refuse
        refuse("layer_norm", input)
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    ns = tuple(int(s) for s in normalized_shape)
    nd = len(ns)
    if nd == 0 or tuple(input.shape[input.ndim - nd:]) != ns or input.ndim < nd:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size"
                           f"{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(ns)}")
    if input._dtype._kind < 2:
        raise RuntimeError(f"layer_norm: expected a floating point input, got {input._dtype}")
    return NativeLayerNorm.apply(input, weight, bias, nd, eps)


class NativeGroupNorm(prim):
    @staticmethod
    def forward(ctx, x, w, b, groups, eps):
        n, c = x.shape[:2]
        xr = x.reshape(n, groups, -1)
        lo = x.dtype if x.dtype.kind == "V" else None   # bfloat16: in float32, rounded once
        mean, _, d, invstd = _stats(xr if lo is None else xr.astype(np.float32), (2,), eps)
        y = (d * invstd).reshape(x.shape)
        shape = (1, c) + (1,) * (x.ndim - 2)
        if w is not None:
            y *= w.reshape(shape)
        if b is not None:
            y += b.reshape(shape)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            ctx.mean, ctx.invstd, ctx.eps, ctx.shape = mean, invstd, eps, shape
            ctx.groups = groups
        return y if lo is None else y.astype(lo)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        n = x.shape[0]
        g, x, w, lo = _up(g, x, w)
        g_hat = g * w.reshape(ctx.shape) if w is not None else g
        gx, xhat = _norm_backward(ctx, x.reshape(n, ctx.groups, -1),
                                  g_hat.reshape(n, ctx.groups, -1), (2,), ctx.eps)
        red = (0,) + tuple(range(2, g.ndim))
        gw = (g * xhat.reshape(x.shape)).sum(red) if w is not None and need[1] else None
        gb = g.sum(red) if len(need) > 2 and need[2] else None
        return _down(((gx.reshape(x.shape) if need[0] else None), gw, gb), lo)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each group of channels of (N, C, *) over its channels and positions."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    c = input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {input.shape} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} "
                               f"and input of shape {list(input.shape)}")
    if input._dtype._kind < 2:
        raise RuntimeError(f"group_norm: expected a floating point input, got {input._dtype}")
    return NativeGroupNorm.apply(input, weight, bias, int(num_groups), eps)
