"""Pooling: max_pool1d/2d (with indices), avg_pool1d/2d, adaptive_avg_pool1d/2d,
adaptive_max_pool1d/2d.

Windows are strided views of the (padded) input; reductions run over the window axes in one
NumPy call. Max pooling's backward scatters into the input through the saved flat indices (a
primitive whose own backward is a gather); average pooling and its adjoint are a pair of linear
primitives, each the other's backward. 1-d pooling runs on a height-1 view.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _wrap
from ._util import expand, prim

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
]

_as_strided = np.lib.stride_tricks.as_strided


def _pool_out(h, k, s, p, d, ceil):
    span = h + 2 * p - d * (k - 1) - 1
    if ceil:
        o = -(-span // s) + 1
        if (o - 1) * s >= h + p:      # the last window must start inside the input or left pad
            o -= 1
    else:
        o = span // s + 1
    return o


def _win(xp, kh, kw, sh, sw, dh, dw, oh, ow):
    """(N, C, OH, OW, KH, KW) strided view of the padded input."""
    a, b, c, e = xp.strides
    n, ch = xp.shape[:2]
    return _as_strided(xp, (n, ch, oh, ow, kh, kw), (a, b, c * sh, e * sw, c * dh, e * dw),
                       writeable=False)


def _padded(x, ph, pw, oh, ow, kh, kw, sh, sw, dh, dw, fill):
    """Pad so that every window of the output fits (ceil_mode may need extra far-edge room)."""
    n, c, h, w = x.shape
    hp = max(h + 2 * ph, (oh - 1) * sh + dh * (kh - 1) + 1)
    wp = max(w + 2 * pw, (ow - 1) * sw + dw * (kw - 1) + 1)
    if hp == h and wp == w and not ph and not pw:
        return x
    xp = np.full((n, c, hp, wp), fill, x.dtype)
    xp[:, :, ph:ph + h, pw:pw + w] = x
    return xp


# ---------------------------------------------------------------- max pooling

def _max_pool_fwd(x, ks, st, pd, dl, ceil, need_idx=True):
    """Max over kernel taps: one elementwise maximum per tap over strided views (no window copy);
    indices (first maximum, as PyTorch) from one comparison per tap, only when needed."""
    h, w = x.shape[2:]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = ks, st, pd, dl
    oh, ow = _pool_out(h, kh, sh, ph, dh, ceil), _pool_out(w, kw, sw, pw, dw, ceil)
    xp = _padded(x, ph, pw, oh, ow, kh, kw, sh, sw, dh, dw, -np.inf)
    taps = [xp[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]
    if len(taps) == 1:
        out = np.ascontiguousarray(taps[0])
    else:
        out = np.maximum(taps[0], taps[1])
        for t in taps[2:]:
            np.maximum(out, t, out=out)
    if not need_idx:
        return out, None
    if np.isnan(out).any():
        return _max_pool_nan(xp, out.shape, ks, st, dl, pd, w)
    # local tap index of the first maximum: walk the taps backwards, later hits overwritten
    k = len(taps)
    li = np.full(out.shape, k - 1, np.intp)
    for t in range(k - 2, -1, -1):
        np.copyto(li, t, where=taps[t] == out)
    offs = np.array([i * dh * w + j * dw for i in range(kh) for j in range(kw)], np.int64)
    base = ((np.arange(oh) * sh - ph) * w)[:, None] + (np.arange(ow) * sw - pw)
    return out, np.take(offs, li) + base


def _max_pool_nan(xp, shape, ks, st, dl, pd, w):
    # NaN windows: PyTorch's scan keeps the last NaN; argmax over copied windows handles all
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = ks, st, dl, pd
    n, c, oh, ow = shape
    v = _win(xp, kh, kw, sh, sw, dh, dw, oh, ow).reshape(n, c, oh, ow, kh * kw)
    nan = np.isnan(v)
    score = np.where(nan, np.arange(kh * kw) + 1.0, 0.0)    # last NaN wins where any
    arg = np.where(nan.any(-1), score.argmax(-1), np.nanargmax(np.where(nan, -np.inf, v), -1))
    out = np.take_along_axis(v, arg[..., None], -1)[..., 0]
    r = (np.arange(oh) * sh - ph)[:, None] + (arg // kw) * dh
    q = (np.arange(ow) * sw - pw) + (arg % kw) * dw
    return out, (r * w + q).astype(np.int64)


def _pool2x2(x, need_idx):
    """2x2 stride-2 max pool of x (N, C, H, W) in two pairwise maxima over flat strided views
    (columns, then rows); with `need_idx` also each window's maximum as a flat index into x.
    Ties go left / top, which is PyTorch's first maximum (the top row precedes the bottom one).
    NaN-free inputs only (checked by the caller)."""
    n, c, h, w = x.shape
    oh, ow = h // 2, w // 2
    xc = x if h == 2 * oh and w == 2 * ow else x[:, :, :2 * oh, :2 * ow]
    pairs = np.ascontiguousarray(xc).reshape(-1, 2)
    left, right = pairs[:, 0], pairs[:, 1]
    cols = np.maximum(left, right).reshape(n * c * oh, 2, ow)
    top, bottom = cols[:, 0], cols[:, 1]
    out = np.maximum(top, bottom).reshape(n, c, oh, ow)
    if not need_idx:
        return out, None
    right_wins = np.less(left, right).view(np.int8).reshape(n * c * oh, 2, ow)
    down = np.less(top, bottom).view(np.int8)             # 1 where the bottom row wins
    r0 = right_wins[:, 0]
    off = (r0 + down * (right_wins[:, 1] - r0)).astype(np.intp)   # the winning row's column
    off += down * w
    base = ((np.arange(n * c) * (h * w))[:, None] + np.arange(oh) * (2 * w)).reshape(-1, 1)
    off += base
    off += np.arange(ow) * 2
    return out, off


class MaxPool2x2Scatter(prim):
    """Gradient of 2x2 stride-2 max pooling: g (N, C, OH, OW) put at flat indices into zeros."""

    node_name = "MaxPool2DWithIndicesBackwardBackward0"
    @staticmethod
    def forward(ctx, g, idx, in_shape):
        gx = np.zeros(math.prod(in_shape), g.dtype)
        gx[idx.reshape(-1)] = g.reshape(-1)
        ctx.idx, ctx.out_shape = idx, g.shape
        return gx.reshape(in_shape)

    @staticmethod
    def backward(ctx, gg):
        return MaxPool2x2Gather.apply(gg, ctx.idx, ctx.out_shape)


class MaxPool2x2Gather(prim):
    """Adjoint of `MaxPool2x2Scatter`: each window's value at its maximum."""

    @staticmethod
    def forward(ctx, gg, idx, out_shape):
        ctx.idx, ctx.in_shape = idx, gg.shape
        return gg.reshape(-1)[idx.reshape(-1)].reshape(out_shape)

    @staticmethod
    def backward(ctx, g):
        return MaxPool2x2Scatter.apply(g, ctx.idx, ctx.in_shape)


class MaxPoolScatter(prim):
    """Gradient of max pooling: g (N, C, *out) added at `idx` into zeros of the input's shape."""

    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, g, idx, in_shape, overlap):
        n, c = g.shape[:2]
        hw = math.prod(in_shape[2:])
        ctx.save_for_backward(idx)
        if overlap:   # windows overlap: indices may repeat, so add them up one by one
            # np.add.at sums in the gradient's dtype in output order, which is PyTorch's
            # sequential float32 order; a float64 bincount held 4x the input in temporaries
            # (ResNet-18's stem pool was the backward pass's memory peak)
            base = (np.arange(n * c) * hw).reshape(n, c, *([1] * (g.ndim - 2)))
            out = np.zeros(n * c * hw, g.dtype)
            np.add.at(out, (idx + base).ravel(), g.ravel())
            return out.reshape(in_shape)
        out = np.zeros((n, c, hw), g.dtype)
        np.put_along_axis(out, idx.reshape(n, c, -1), g.reshape(n, c, -1), 2)
        return out.reshape(in_shape)

    @staticmethod
    def backward(ctx, gg):
        idx, = ctx.saved_tensors
        n, c = idx.shape[:2]
        return gg.reshape(n, c, -1).gather(2, idx.reshape(n, c, -1)).reshape(idx.shape)


class MaxPool2DWithIndices(prim):
    @staticmethod
    def forward(ctx, x, ks, st, pd, dl, ceil, need_idx=True):
        one_d = x.ndim == 3
        x4 = x.reshape(x.shape[:2] + (1,) + x.shape[2:]) if one_d else x
        ctx.sel = None
        if (not need_idx and ks == (2, 2) and st == (2, 2) and pd == (0, 0) and dl == (1, 1)
                and x4.ndim == 4):
            # the common nn.MaxPool2d(2): pairwise maxima; no indices, only two selections
            out, sel = _pool2x2(x4, bool(ctx.needs_input_grad))
            if sel is None or not np.isnan(out).any():    # NaN windows: the general path
                ctx.sel, ctx.in_shape = sel, x.shape
                idx = np.zeros((0,), np.int64)     # indices neither returned nor needed
                ctx.mark_non_differentiable(idx)
                return out, idx
        out, idx = _max_pool_fwd(x4, ks, st, pd, dl, ceil, need_idx or bool(ctx.needs_input_grad))
        if idx is None:
            idx = np.zeros((0,), np.int64)     # indices neither returned nor needed
        if one_d:
            out = out.reshape(out.shape[:2] + (-1,))
            idx = idx.reshape(idx.shape[:2] + (-1,)) if idx.ndim == 4 else idx
        ctx.mark_non_differentiable(idx)
        ctx.in_shape = x.shape
        ctx.overlap = ks[0] > st[0] or ks[1] > st[1] or dl != (1, 1)
        ctx.idx = idx
        return out, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        if ctx.sel is not None:
            return MaxPool2x2Scatter.apply(g, ctx.sel, ctx.in_shape)
        return MaxPoolScatter.apply(g, ctx.idx, ctx.in_shape, ctx.overlap)


def _tup(v, n, name, op, default=None):
    if v is None or (isinstance(v, (list, tuple)) and len(v) == 0 and default is not None):
        return default
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            v = tuple(v) * n
        if len(v) != n:
            raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of {n} "
                               f"ints")
        return tuple(int(i) for i in v)
    return (int(v),) * n


def _pool_args(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{op}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor for "
                           f"input, but got input of size {list(input.shape)}")
    ks = _tup(kernel_size, nd, "kernel_size", op)
    st = _tup(stride, nd, "stride", op, default=ks)
    pd = _tup(padding, nd, "padding", op)
    dl = _tup(dilation, nd, "dilation", op)
    if any(k <= 0 for k in ks):
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, but got {list(ks)}")
    if any(s <= 0 for s in st):
        raise RuntimeError(f"{op}: stride must be greater than zero, but got {list(st)}")
    if any(d <= 0 for d in dl):
        raise RuntimeError(f"{op}: dilation must be greater than zero, but got {list(dl)}")
    for p, k in zip(pd, ks):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={dl[0]}")
    sp = input.shape[-nd:]
    outs = [_pool_out(h, k, s, p, d, ceil_mode) for h, k, s, p, d in zip(sp, ks, st, pd, dl)]
    if any(o < 1 for o in outs):
        raise RuntimeError(f"{op}: Given input size: ({'x'.join(str(s) for s in input.shape[-nd - 1:])})."
                           f" Calculated output size: ({input.shape[-nd - 1]}x"
                           f"{'x'.join(str(o) for o in outs)}). Output size is too small")
    if nd == 1:
        ks, st, pd, dl = (1,) + ks, (1,) + st, (0,) + pd, (1,) + dl
    return ks, st, pd, dl


def _max_pool(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices=True):
    ks, st, pd, dl = _pool_args(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode)
    if input._dtype.is_complex:     # (complex numbers have no order to take a max in)
        from .complex import refuse
        refuse("max_pool", input)
    if input._dtype._kind < 2:
        raise RuntimeError(f"\"{op}\" not implemented for '{input._dtype}'")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if nd == 1:     # PyTorch runs 1-d pooling as 2-d on an unsqueezed height-1 input
        input = input.unsqueeze(-2)
    out, idx = MaxPool2DWithIndices.apply(input, ks, st, pd, dl, bool(ceil_mode),
                                          bool(return_indices))
    if nd == 1:
        out = out.squeeze(-2)
        idx = idx.squeeze(-2) if return_indices else idx
    if unbatched:
        out = out.squeeze(0)
        idx = idx.squeeze(0) if return_indices else idx
    return out, idx


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = False):
    """2-d max pooling; returns (output, indices), indices flat into each input H*W plane."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """2-d max pooling (`nn.MaxPool2d`).

    Args:
        input (Tensor): `(N, C, H, W)` or `(C, H, W)`.
        kernel_size (int or tuple): window size.
        stride (int or tuple, optional): Default: `kernel_size`.
        padding (int or tuple): Default: 0.
        dilation (int or tuple): Default: 1.
        ceil_mode (bool): round the output size up. Default: False.
        return_indices (bool): also return the argmax indices. Default: False.

    Returns:
        Tensor: `(N, C, H_out, W_out)` (and the indices with `return_indices`).

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.max_pool2d(tocha.arange(16.0).reshape(1, 1, 4, 4), 2).flatten()
        tensor([ 5.,  7., 13., 15.])
    """
    out, idx = _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation,
                         ceil_mode, return_indices)
    return (out, idx) if return_indices else out


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = False):
    """1-d max pooling; returns (output, indices)."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """1-d max pooling over (N, C, L)."""
    out, idx = _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation,
                         ceil_mode, return_indices)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------- average pooling

def _divisor(h, oh, k, s, p, ceil, include_pad):
    start = np.arange(oh) * s - p
    end = np.minimum(start + k, h + p)
    size = end - start
    if include_pad:
        return size
    return np.minimum(end, h) - np.maximum(start, 0)


class AvgPool2D(prim):
    """Linear: x -> window sums / divisor. Its backward is `AvgPool2DAdjoint`, and back."""

    @staticmethod
    def forward(ctx, x, ks, st, pd, ceil, div, out_hw):
        one_d = x.ndim == 3
        x4 = x.reshape(x.shape[:2] + (1,) + x.shape[2:]) if one_d else x
        (kh, kw), (sh, sw), (ph, pw) = ks, st, pd
        oh, ow = out_hw
        xp = _padded(x4, ph, pw, oh, ow, kh, kw, sh, sw, 1, 1, 0)
        v = _win(xp, kh, kw, sh, sw, 1, 1, oh, ow)
        lo = x.dtype if x.dtype.kind == "V" else None   # bfloat16: in float32, rounded once
        out = v.sum((4, 5), dtype=np.float32 if lo else None) if kh * kw > 1 else \
            np.array(v[..., 0, 0], dtype=np.float32 if lo else None)
        out /= div.astype(out.dtype)
        ctx.args = (ks, st, pd, ceil, div, out_hw)
        ctx.in_shape = x.shape
        out = out if lo is None else out.astype(lo)
        return out.reshape(out.shape[:2] + (ow,)) if one_d else out

    @staticmethod
    def backward(ctx, g):
        return AvgPool2DAdjoint.apply(g, ctx.in_shape, *ctx.args)


class AvgPool2DAdjoint(prim):
    node_name = "AvgPool2DBackwardBackward0"
    @staticmethod
    def forward(ctx, g, in_shape, ks, st, pd, ceil, div, out_hw):
        one_d = len(in_shape) == 3
        (kh, kw), (sh, sw), (ph, pw) = ks, st, pd
        oh, ow = out_hw
        n, c = g.shape[:2]
        h, w = (1,) + in_shape[2:] if one_d else in_shape[2:]
        gd = g.reshape(n, c, oh, ow) / div.astype(g.dtype)
        hp = max(h + 2 * ph, (oh - 1) * sh + kh)
        wp = max(w + 2 * pw, (ow - 1) * sw + kw)
        buf = np.zeros((n, c, hp, wp), g.dtype)
        for i in range(kh):
            for j in range(kw):
                buf[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += gd
        out = np.ascontiguousarray(buf[:, :, ph:ph + h, pw:pw + w])
        ctx.args = (ks, st, pd, ceil, div, out_hw)
        return out.reshape(in_shape)

    @staticmethod
    def backward(ctx, gg):
        return AvgPool2D.apply(gg, *ctx.args)


def _avg_pool(op, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    ks, st, pd, _ = _pool_args(op, nd, input, kernel_size, stride, padding, 1, ceil_mode)
    if input._dtype._kind < 2:
        raise RuntimeError(f"\"{op}\" not implemented for '{input._dtype}'")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if nd == 1:
        input = input.unsqueeze(-2)
    h, w = tuple(input.shape[2:])
    oh = _pool_out(h, ks[0], st[0], pd[0], 1, ceil_mode)
    ow = _pool_out(w, ks[1], st[1], pd[1], 1, ceil_mode)
    if divisor_override is not None:
        div = np.full((oh, ow), divisor_override, np.float64)
    else:
        dh = _divisor(h, oh, ks[0], st[0], pd[0], ceil_mode, count_include_pad)
        dw = _divisor(w, ow, ks[1], st[1], pd[1], ceil_mode, count_include_pad)
        div = (dh[:, None] * dw[None, :]).astype(np.float64)
    out = AvgPool2D.apply(input, ks, st, pd, bool(ceil_mode), div, (oh, ow))
    if nd == 1:
        out = out.squeeze(-2)
    return out.squeeze(0) if unbatched else out


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    """2-d average pooling over (N, C, H, W)."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-d average pooling over (N, C, L)."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


# ---------------------------------------------------------------- adaptive pooling

def _bounds(h, o):
    i = np.arange(o)
    return (i * h) // o, -((-(i + 1) * h) // o)


def _avg_matrix(h, o, dtype):
    """(o, h) matrix whose row i averages PyTorch's adaptive window i."""
    s, e = _bounds(h, o)
    j = np.arange(h)
    m = (j[None, :] >= s[:, None]) & (j[None, :] < e[:, None])
    return (m / (e - s)[:, None]).astype(dtype)


class AdaptiveAvgPool2D(prim):
    """out = Ph @ x @ Pw^T with the separable averaging matrices (linear)."""

    @staticmethod
    def forward(ctx, x, out_hw):
        h, w = x.shape[-2:]
        oh, ow = out_hw
        lo = x.dtype if x.dtype.kind == "V" else None   # bfloat16: in float32, rounded once
        if lo is not None:
            x = x.astype(np.float32)
        if oh == 1 and ow == 1:
            out = x.mean((-2, -1), keepdims=True)
            ctx.mats = None
        else:
            ph, pw = _avg_matrix(h, oh, x.dtype), _avg_matrix(w, ow, x.dtype)
            out = np.matmul(ph, np.matmul(x, pw.T))
            ctx.mats = (ph, pw) if lo is None else (ph.astype(lo), pw.astype(lo))
        ctx.in_shape = x.shape
        return out if lo is None else out.astype(lo)

    @staticmethod
    def backward(ctx, g):
        if ctx.mats is None:
            h, w = ctx.in_shape[-2:]
            return expand(g * (1.0 / (h * w)), ctx.in_shape)
        ph, pw = ctx.mats
        return _wrap(ph.T) @ g @ _wrap(pw)


def _out_sizes(output_size, sp, nd, op):
    if isinstance(output_size, int) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise ValueError(f"{op}: output_size must be an int or a tuple of {nd} ints, got "
                         f"{output_size}")
    out = tuple(s if o is None else int(o) for o, s in zip(output_size, sp))
    if any(o < 0 for o in out):
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(map(str, out))}}}")
    return out


def _adaptive_check(op, nd, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2) or any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(f"{op}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Adaptive 2-d average pooling to `output_size` (H', W'), None keeps a size."""
    _adaptive_check("adaptive_avg_pool2d", 2, input)
    osz = _out_sizes(output_size, tuple(input.shape[-2:]), 2, "adaptive_avg_pool2d")
    if input._dtype._kind < 2:
        raise RuntimeError(f"\"adaptive_avg_pool2d\" not implemented for '{input._dtype}'")
    if osz == (1, 1):       # global average pooling is a mean (PyTorch's node is MeanBackward1)
        return input.mean((-2, -1), keepdim=True)
    return AdaptiveAvgPool2D.apply(input, osz)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Adaptive 1-d average pooling over (N, C, L)."""
    _adaptive_check("adaptive_avg_pool1d", 1, input)
    osz = _out_sizes(output_size, tuple(input.shape[-1:]), 1, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1,) + osz).squeeze(-2)


class AdaptiveMaxPool2D(prim):
    @staticmethod
    def forward(ctx, x, out_hw):
        n, c, h, w = x.shape
        oh, ow = out_hw
        if h % oh == 0 and w % ow == 0:
            k = (h // oh, w // ow)
            out, idx = _max_pool_fwd(x, k, k, (0, 0), (1, 1), False)
        else:
            hs, he = _bounds(h, oh)
            ws, we = _bounds(w, ow)
            out = np.empty((n, c, oh, ow), x.dtype)
            idx = np.empty((n, c, oh, ow), np.int64)
            # variable windows: one small reduction per output cell (batch/channels vectorised)
            for i in range(oh):
                for j in range(ow):
                    blk = x[:, :, hs[i]:he[i], ws[j]:we[j]].reshape(n, c, -1)
                    a = blk.argmax(-1)
                    bw = we[j] - ws[j]
                    out[:, :, i, j] = np.take_along_axis(blk, a[..., None], -1)[..., 0]
                    idx[:, :, i, j] = (hs[i] + a // bw) * w + ws[j] + a % bw
        ctx.mark_non_differentiable(idx)
        ctx.in_shape = x.shape
        ctx.idx = idx
        return out, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.in_shape, True)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Adaptive 2-d max pooling to `output_size`; `return_indices` also returns indices."""
    _adaptive_check("adaptive_max_pool2d", 2, input)
    if input._dtype.is_complex:
        from .complex import refuse
        refuse("adaptive_max_pool", input)
    osz = _out_sizes(output_size, tuple(input.shape[-2:]), 2, "adaptive_max_pool2d")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    out, idx = AdaptiveMaxPool2D.apply(input, osz)
    if unbatched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Adaptive 1-d max pooling over (N, C, L)."""
    _adaptive_check("adaptive_max_pool1d", 1, input)
    osz = _out_sizes(output_size, tuple(input.shape[-1:]), 1, "adaptive_max_pool1d")
    out, idx = adaptive_max_pool2d(input.unsqueeze(-2), (1,) + osz, True)
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out
