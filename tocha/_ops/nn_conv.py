"""Convolutions: conv1d/conv2d, conv_transpose1d/2d, unfold/fold (im2col + one batched matmul).

One primitive, `Convolution`, covers the three bilinear maps of a convolution: the forward
conv (x, w) -> y, its adjoint in x ("transposed" conv, (y, w) -> x) and its adjoint in w
((x, g) -> w). Each one's gradients are the other two, so double backward comes free.
1-d convolutions run as 2-d ones on a height-1 view.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from .. import _autocast
from .._tensor import Tensor
from ._util import prim
from .linalg import _gemm

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "fold", "unfold"]

_as_strided = np.lib.stride_tricks.as_strided
# im2col matrices up to this size are kept from forward for the weight gradient. 0: none are.
# Keeping them saves one copy per conv but holds 9x each 3x3 conv's input until backward
# (ResNet-18 at batch 32: ~25 MB more than PyTorch's whole step); memory wins here.
_KEEP_COLS = 0

FWD, ADJ, WGRAD = 0, 1, 2

# One reusable im2col buffer. A fresh multi-megabyte array is page-faulted in on first touch,
# and in a training step (where the allocator hands such blocks back to the OS) that costs
# several times the copy into it. Every conv's im2col matrix is a view of the front of one flat
# buffer (grown to the largest needed up to _SCRATCH_MAX bytes): one buffer instead of one
# per shape keeps the memory a network holds to its largest layer's matrix. The matrix lives
# only for its GEMM (forward) or is rebuilt (weight gradient), so one buffer is almost always
# free; when a view of it is still alive, a fresh array is made instead. Matrices above
# _SCRATCH_MAX get their own array, freed after the GEMM: a buffer kept for ResNet-18's first
# layers (4.7 MB) would sit beside all the gradients at the backward pass's peak.
_SCRATCH: list = []
_SCRATCH_MAX = 256 << 10


def _scratch(shape, dtype):
    """An uninitialised array of `shape`, a view of the shared buffer when that is free."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > _SCRATCH_MAX:
        return np.empty(shape, dtype)
    if _SCRATCH and sys.getrefcount(_SCRATCH[0]) <= 2:   # the list and getrefcount's argument
        buf = _SCRATCH[0]
        if buf.nbytes >= nbytes:
            return buf[:nbytes].view(dtype).reshape(shape)
    elif _SCRATCH:                                       # in use: do not wait, do not grow
        return np.empty(shape, dtype)
    buf = np.empty(nbytes, np.uint8)
    _SCRATCH[:] = [buf]
    return buf.view(dtype).reshape(shape)


def _windows(xp, kh, kw, sh, sw, dh, dw, oh, ow, groups):
    """View (N, G, Cg, KH, KW, OH, OW) of the padded input: the im2col matrix without a copy."""
    n, c, _, _ = xp.shape
    a, b, h, w = xp.strides
    cg = c // groups
    return _as_strided(xp, (n, groups, cg, kh, kw, oh, ow),
                       (a, b * cg, b, h * dh, w * dw, h * sh, w * sw), writeable=False)


def _pad(x, pad):
    (pt, pb), (pl, pr) = pad
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    if pt >= 0 and pb >= 0 and pl >= 0 and pr >= 0:
        xp = np.zeros((n, c, h + pt + pb, w + pl + pr), x.dtype)
        xp[:, :, pt:pt + h, pl:pl + w] = x
        return xp
    # negative padding (conv_transpose with large output_padding crops) is not reachable
    raise RuntimeError("negative padding is not supported")


def _cols(x, kshape, params, oh, ow, scratch=True):
    """im2col: (N, G, Cg*KH*KW, OH*OW) contiguous copy of the padded input's windows (in a
    reused buffer unless `scratch` is False)."""
    (sh, sw), pad, (dh, dw), groups = params
    kh, kw = kshape
    xp = _pad(x, pad)
    v = _windows(xp, kh, kw, sh, sw, dh, dw, oh, ow, groups)
    n, g, cg = v.shape[:3]
    if not scratch:
        return v.reshape(n, g, cg * kh * kw, oh * ow)
    cols = _scratch((n, g, cg * kh * kw, oh * ow), x.dtype)
    np.copyto(cols.reshape(v.shape), v)
    return cols


def _batch_last(n, oh, ow):
    """Whether to lay the im2col matrix out batch-last, (G, Cg*KH*KW, OH*OW*N): one large gemm
    instead of N small ones, which wins when the outputs are small (N gemm calls dominate)."""
    return n >= 4 and oh * ow < 256


def _live(k, d, s, p0, size, out):
    """[lo, hi): the kernel taps along one axis that read some real input, not only padding."""
    live = []
    for i in range(k):
        r = max(0, -(-(p0 - i * d) // s))           # first output whose tap i is at >= p0
        if r < out and i * d + r * s < p0 + size:
            live.append(i)
    return (live[0], live[-1] + 1) if live else (0, 0)


def _taps(x_hw, kshape, params, out_hw):
    """(i0, i1, j0, j1): the kernel window that touches the image. Small late layers pad more
    than they hold (ResNet-18's 1x1 maps: 8 of a 3x3 kernel's 9 taps see only zeros); the
    batch-last paths leave the other taps out of the GEMMs, which then do 1/9 of the work."""
    (sh, sw), ((pt, _), (pl, _)), (dh, dw), _ = params
    return (_live(kshape[0], dh, sh, pt, x_hw[0], out_hw[0])
            + _live(kshape[1], dw, sw, pl, x_hw[1], out_hw[1]))


def _cols_bl(x, kshape, params, oh, ow, taps):
    """Batch-last im2col (G, Cg*KH'*KW', OH*OW*N) of the live taps (`_taps`): the copy moves
    runs of OW*N values."""
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), groups = params
    i0, i1, j0, j1 = taps
    n, c, h, w = x.shape
    if pt or pb or pl or pr:
        xt = np.zeros((c, h + pt + pb, w + pl + pr, n), x.dtype)
        xt[:, pt:pt + h, pl:pl + w] = x.transpose(1, 2, 3, 0)
    else:
        xt = np.ascontiguousarray(x.transpose(1, 2, 3, 0))
    xt = xt[:, i0 * dh:, j0 * dw:]
    a, b, e, f = xt.strides
    cg = c // groups
    v = _as_strided(xt, (groups, cg, i1 - i0, j1 - j0, oh, ow, n),
                    (a * cg, a, b * dh, e * dw, b * sh, e * sw, f), writeable=False)
    cols = _scratch((groups, cg * (i1 - i0) * (j1 - j0), oh * ow * n), x.dtype)
    np.copyto(cols.reshape(v.shape), v)
    return cols


def _out_size(h, k, s, p0, p1, d):
    return (h + p0 + p1 - d * (k - 1) - 1) // s + 1


def _conv_fwd(x, w, params):
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), groups = params
    n, _, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = _out_size(h, kh, sh, pt, pb, dh)
    ow = _out_size(wd, kw, sw, pl, pr, dw)
    wm = w.reshape(groups, o // groups, cg * kh * kw)
    if _batch_last(n, oh, ow):
        taps = _taps((h, wd), (kh, kw), params, (oh, ow))
        i0, i1, j0, j1 = taps
        if (i1 - i0, j1 - j0) != (kh, kw):
            wm = w[:, :, i0:i1, j0:j1].reshape(groups, o // groups, -1)
        cols = _cols_bl(x, (kh, kw), params, oh, ow, taps)
        out = _gemm(wm, cols).reshape(o, oh, ow, n)          # G gemms
        if not _KEEP_COLS:
            cols = None          # freed before the transposed copy below
        return np.ascontiguousarray(out.transpose(3, 0, 1, 2)), cols
    cols = _cols(x, (kh, kw), params, oh, ow)
    out = _gemm(wm, cols)                     # (N, G, Og, P): N*G gemms in C
    return out.reshape(n, o, oh, ow), cols


def _col2im(cols, out_hw, kshape, params):
    """Adjoint of im2col: scatter-add (N, C, KH, KW, OH, OW) windows into an (N, C, H, W) image."""
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
    n, c, kh, kw, oh, ow = cols.shape
    h, wd = out_hw
    buf = np.zeros((n, c, h + pt + pb, wd + pl + pr), cols.dtype)
    # loop over kernel taps only (KH*KW strided adds); batch and channels stay vectorised
    for i in range(kh):
        r0 = i * dh
        rows = slice(r0, r0 + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            c0 = j * dw
            buf[:, :, rows, c0:c0 + sw * (ow - 1) + 1:sw] += cols[:, :, i, j]
    if pt or pb or pl or pr:
        buf = buf[:, :, pt:pt + h, pl:pl + wd]
    return buf


def _conv_adj(y, w, out_hw, params):
    """Adjoint of the conv in its input (= transposed conv): (N, O, OH, OW) -> (N, C, H, W)."""
    groups = params[3]
    n, o, oh, ow = y.shape
    _, cg, kh, kw = w.shape
    if n < 4:
        wm = w.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)
        cols = _gemm(wm, y.reshape(n, groups, o // groups, oh * ow))   # (N, G, CgKK, P)
        cols = cols.reshape(n, groups * cg, kh, kw, oh, ow)
        x = _col2im(cols, out_hw, (kh, kw), params)
        return x if x.flags.c_contiguous else np.ascontiguousarray(x)
    # Batch-last layout (channels, rows, cols, batch): the scatter-adds then move contiguous
    # runs of OW*N values (much faster than N*C short rows). One GEMM per kernel tap, each
    # added into the image as soon as it is made: the (KH*KW*C, OH*OW*N) matrix that one big
    # GEMM would produce (9x the input for a 3x3 conv) never exists, which keeps the backward
    # pass's peak memory at PyTorch's, and the tap's block is still in cache when it is added.
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
    og = o // groups
    yt = np.ascontiguousarray(y.reshape(n, groups, og, oh, ow).transpose(1, 2, 3, 4, 0))
    yt = yt.reshape(groups, og, oh * ow * n)
    h, wd = out_hw
    i0, i1, j0, j1 = _taps(out_hw, (kh, kw), params, (oh, ow))   # taps landing only in
    wt = np.ascontiguousarray(                                      # padding are left out
        w.reshape(groups, og, cg, kh, kw)[:, :, :, i0:i1, j0:j1].transpose(3, 4, 0, 2, 1))
    buf = np.zeros((groups, cg, h + pt + pb, wd + pl + pr, n), y.dtype)
    tap = np.empty((groups, cg, oh * ow * n), y.dtype)
    for i in range(i0, i1):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(j0, j1):
            c0 = j * dw
            _gemm(wt[i - i0, j - j0], yt, tap)
            buf[:, :, rows, c0:c0 + sw * (ow - 1) + 1:sw] += tap.reshape(groups, cg, oh, ow, n)
    del yt, tap                  # freed before the transposed copy below (backward's peak)
    buf = buf[:, :, pt:pt + h, pl:pl + wd]
    return np.ascontiguousarray(buf.transpose(4, 0, 1, 2, 3)).reshape(n, groups * cg, h, wd)


def _conv_wgrad(x, g, wshape, params, cols=None):
    """Adjoint of the conv in its weight: sum over batch and positions of g (x) windows."""
    groups = params[3]
    n, o, oh, ow = g.shape
    kh, kw = wshape[2:]
    if _batch_last(n, oh, ow):
        return _wgrad_bl(x, g, wshape, params)
    if cols is None:
        cols = _cols(x, (kh, kw), params, oh, ow)
    gm = g.reshape(n, groups, o // groups, oh * ow)
    # one small gemm per (sample, group), then a sum over samples: cheaper than copying both
    # operands into (positions x batch)-major layouts for a single big gemm
    r = _gemm(gm, cols.swapaxes(-1, -2))
    r = r[0] if n == 1 else r.sum(0)
    return r.reshape(wshape)


def _wgrad_bl(x, g, wshape, params):
    """Weight gradient in the batch-last layout, one GEMM per live kernel tap:
    dW[:, :, i, j] = g (Og, OH*OW*N) @ window_ij(x)^T. Each tap's window is copied on its own
    (one input-sized block) instead of all KH*KW at once (the 9x im2col matrix): this runs in
    backward, when the gradients already made sit beside the activations still saved, and
    that 9x matrix was what put the step's peak above PyTorch's."""
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), groups = params
    n, o, oh, ow = g.shape
    kh, kw = wshape[2:]
    c, h, wd = x.shape[1:]
    og, cg = o // groups, c // groups
    i0, i1, j0, j1 = _taps((h, wd), (kh, kw), params, (oh, ow))
    xt = np.zeros((groups, cg, h + pt + pb, wd + pl + pr, n), x.dtype)
    xt[:, :, pt:pt + h, pl:pl + wd] = x.reshape(n, groups, cg, h, wd).transpose(1, 2, 3, 4, 0)
    gt = np.ascontiguousarray(g.reshape(n, groups, og, oh * ow).transpose(1, 2, 3, 0))
    gt = gt.reshape(groups, og, oh * ow * n)
    out = np.zeros((kh, kw, groups, og, cg), x.dtype)  # taps that see only padding: zero
    win = np.empty((groups, cg, oh, ow, n), x.dtype)
    for i in range(i0, i1):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(j0, j1):
            np.copyto(win, xt[:, :, rows, j * dw:j * dw + sw * (ow - 1) + 1:sw])
            # g @ win^T: BLAS takes the transposed operand as a flag, no copy
            _gemm(gt, win.reshape(groups, cg, -1).swapaxes(1, 2), out[i, j])
    del xt, gt, win
    return np.ascontiguousarray(out.reshape(kh, kw, o, cg).transpose(2, 3, 0, 1))


def _as4d(a, one_d):
    return a.reshape(a.shape[:2] + (1,) + a.shape[2:]) if one_d else a


class Convolution(prim):
    """mode FWD: (x, w, b) -> conv; ADJ: (y, w, b) -> transposed conv of spatial size `hw`;
    WGRAD: (x, g) -> weight gradient of shape `hw`."""

    @staticmethod
    def forward(ctx, a, b, bias, params, mode, hw, cols=None):
        one_d = a.ndim == 3
        lo = a.dtype if a.dtype.kind == "V" else b.dtype if b.dtype.kind == "V" else None
        if lo is not None:      # bfloat16: in float32, rounded once (PyTorch's kernel)
            a0, b0 = a, b
            a, b = a.astype(np.float32), b.astype(np.float32)
            bias = None if bias is None else bias.astype(np.float32)
        a4, b4 = _as4d(a, one_d), _as4d(b, one_d)
        keep = None
        if mode == FWD:
            out, keep = _conv_fwd(a4, b4, params)
        elif mode == ADJ:
            out = _conv_adj(a4, b4, hw, params)
        else:
            out = _conv_wgrad(a4, b4, hw[:2] + (1,) + hw[2:] if one_d else hw, params, cols)
            out = out.reshape(hw)
        if bias is not None:
            out += bias.reshape(1, -1, 1, 1)
        if one_d and mode != WGRAD:
            out = out.reshape(out.shape[:2] + out.shape[3:])
        if ctx.needs_input_grad:
            ctx.save_for_backward(*((a, b) if lo is None else (a0, b0)))
            ctx.params, ctx.mode, ctx.a_shape, ctx.b_shape = params, mode, a.shape, b.shape
            ctx.has_bias = bias is not None
            # the forward's im2col matrix is the weight gradient's operand: keep it if small
            ctx.cols = keep if (mode == FWD and keep is not None and ctx.needs_input_grad[1]
                                and keep.nbytes <= _KEEP_COLS) else None
        return out if lo is None else out.astype(lo)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        p, mode, need = ctx.params, ctx.mode, ctx.needs_input_grad
        ga = gb = gbias = None
        sp_a = tuple(ctx.a_shape[2:])
        sp_a = (1,) + sp_a if len(sp_a) == 1 else sp_a
        if mode == FWD:             # y = conv(x, w)
            # the weight gradient first: its transients then do not sit beside the
            # input-sized input gradient (the backward pass's memory peak)
            if need[1]:
                cols, ctx.cols = ctx.cols, None
                gb = Convolution.apply(a, g, None, p, WGRAD, tuple(ctx.b_shape), cols)
            if need[0]:
                ga = Convolution.apply(g, b, None, p, ADJ, sp_a)
        elif mode == ADJ:           # x = conv_T(y, w)
            if need[0]:
                ga = Convolution.apply(g, b, None, p, FWD, None)
            if need[1]:
                gb = Convolution.apply(g, a, None, p, WGRAD, tuple(ctx.b_shape))
        else:                       # w = wgrad(x, g)
            if need[0]:
                ga = Convolution.apply(b, g, None, p, ADJ, sp_a)
            if need[1]:
                gb = Convolution.apply(a, g, None, p, FWD, None)
        if ctx.has_bias and len(need) > 2 and need[2]:
            gbias = g.sum((0, 2) if g.ndim == 3 else (0, 2, 3))
        return ga, gb, gbias


# ---------------------------------------------------------------- argument handling

def _tup(v, n, name, op):
    if isinstance(v, Tensor):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            v = tuple(v) * n
        if len(v) != n:
            raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                               f"{n} values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
        return tuple(int(i) for i in v)
    return (int(v),) * n


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check(op, x, w, bias, groups, nd, transposed):
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}(): argument 'input' and 'weight' must be Tensors, got "
                        f"{type(x).__name__} and {type(w).__name__}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"{op}: expected weight to be {nd + 2}-dimensional (out_channels, "
                           f"in_channels/groups, *kernel), but got weight of size "
                           f"{_fmt(w.shape)}")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{op}, but got input of size: {_fmt(x.shape)}")
    if x._dtype is not w._dtype or (bias is not None and bias._dtype is not x._dtype):
        raise RuntimeError(f"{op}: expected input, weight and bias to have the same dtype, got "
                           f"{x._dtype}, {w._dtype}" + (f" and {bias._dtype}" if bias is not None
                                                       else "") + "; convert with .to(dtype)")
    if x._dtype._kind < 2:
        raise RuntimeError(f"{op}: expected a floating point input, got {x._dtype}")
    if groups < 1:
        raise RuntimeError("non-positive groups is not supported")
    c = x.shape[-nd - 1]
    if transposed:
        if w.shape[0] != c:
            raise RuntimeError(
                f"Given transposed=1, weight of size {_fmt(w.shape)}, expected input"
                f"{_fmt(x.shape)} to have {w.shape[0]} channels, but got {c} channels instead")
        if c % groups:
            raise RuntimeError(f"{op}: in_channels ({c}) must be divisible by groups ({groups})")
        oc = w.shape[1] * groups
    else:
        if w.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                               f"{groups} at dimension 0, but got weight of size "
                               f"{_fmt(w.shape)} instead")
        if c != w.shape[1] * groups:
            raise RuntimeError(
                f"Given groups={groups}, weight of size {_fmt(w.shape)}, expected input"
                f"{_fmt(x.shape)} to have {w.shape[1] * groups} channels, but got {c} channels "
                f"instead")
        oc = w.shape[0]
    if bias is not None and tuple(bias.shape) != (oc,):
        raise RuntimeError(f"Given weight of size {_fmt(w.shape)}, expected bias to be "
                           f"1-dimensional with {oc} elements, but got bias of size "
                           f"{_fmt(bias.shape)} instead")


def _convnd(op, nd, input, weight, bias, stride, padding, dilation, groups):
    _check(op, input, weight, bias, groups, nd, False)
    stride = _tup(stride, nd, "stride", op)
    dilation = _tup(dilation, nd, "dilation", op)
    ks = tuple(weight.shape[2:])
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # total d*(k-1); PyTorch puts the odd extra element on the right/bottom
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                         for d, k in zip(dilation, ks))
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             f"{{'valid', 'same'}}")
    else:
        pads = tuple((p, p) for p in _tup(padding, nd, "padding", op))
        if any(p < 0 for p, _ in pads):
            raise RuntimeError("negative padding is not supported")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    sp = tuple(input.shape[2:])
    for i in range(nd):
        if sp[i] + sum(pads[i]) < dilation[i] * (ks[i] - 1) + 1:
            raise RuntimeError(
                f"{op}: Calculated padded input size per channel: "
                f"({' x '.join(str(s + sum(p)) for s, p in zip(sp, pads))}). Kernel size: "
                f"({' x '.join(str(d * (k - 1) + 1) for d, k in zip(dilation, ks))}). "
                f"Kernel size can't be greater than actual input size")
    if nd == 1:
        params = ((1, stride[0]), ((0, 0), pads[0]), (1, dilation[0]), groups)
    else:
        params = (stride, pads, dilation, groups)
    out = Convolution.apply(input, weight, bias, params, FWD, None)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-d convolution (cross-correlation): (N, C, L) * (O, C/g, K) -> (N, O, L_out)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv1d", conv1d, **locals())
    return _convnd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """A 2-d convolution (cross-correlation) of images with given filters (`nn.Conv2d`).

    Args:
        input (Tensor): `(N, C_in, H, W)` or `(C_in, H, W)`.
        weight (Tensor): filters `(C_out, C_in / groups, kH, kW)`.
        bias (Tensor, optional): `(C_out,)`.
        stride (int or tuple): Default: 1.
        padding (int, tuple or str): zeros on each side, or `"same"`/`"valid"`. Default: 0.
        dilation (int or tuple): Default: 1.
        groups (int): Default: 1.

    Returns:
        Tensor: `(N, C_out, H_out, W_out)`, `H_out = (H + 2*padding - dilation*(kH-1) - 1)
        // stride + 1`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.conv2d(tocha.ones(1, 1, 3, 3), tocha.ones(1, 1, 2, 2))  # sums of 2x2 windows
        tensor([[[[4., 4.],
                  [4., 4.]]]])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv2d", conv2d, **locals())
    return _convnd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(op, nd, input, weight, bias, stride, padding, output_padding, groups,
                      dilation):
    _check(op, input, weight, bias, groups, nd, True)
    stride = _tup(stride, nd, "stride", op)
    padding = _tup(padding, nd, "padding", op)
    output_padding = _tup(output_padding, nd, "output_padding", op)
    dilation = _tup(dilation, nd, "dilation", op)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    for op_, s, d in zip(output_padding, stride, dilation):
        if op_ >= s and op_ >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, "
                               f"but got output_padding: {list(output_padding)}, stride: "
                               f"{list(stride)}, dilation: {list(dilation)}")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    ks = tuple(weight.shape[2:])
    sp = tuple(input.shape[2:])
    out_sp = tuple((h - 1) * s - 2 * p + d * (k - 1) + o + 1 for h, s, p, d, k, o in
                   zip(sp, stride, padding, dilation, ks, output_padding))
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(f"{op}: given input size per channel {_fmt(sp)}, the calculated "
                           f"output size {_fmt(out_sp)} is too small")
    # the transposed conv's padding is the forward conv's; output_padding extends the far edge
    if nd == 1:
        params = ((1, stride[0]), ((0, 0), (padding[0], padding[0])), (1, dilation[0]), groups)
        hw = (1, out_sp[0])
    else:
        params = (stride, tuple((p, p) for p in padding), dilation, groups)
        hw = out_sp
    out = Convolution.apply(input, weight, bias, params, ADJ, hw)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed 1-d convolution: (N, C, L) * (C, O/g, K) -> (N, O, L_out)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv_transpose1d", conv_transpose1d, **locals())
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed 2-d convolution: (N, C, H, W) * (C, O/g, KH, KW) -> (N, O, H', W')."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv_transpose2d", conv_transpose2d, **locals())
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


# ---------------------------------------------------------------- unfold / fold

class Im2Col(prim):
    @staticmethod
    def forward(ctx, x, ks, params):
        n, c, h, w = x.shape
        (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
        oh, ow = _out_size(h, ks[0], sh, pt, pb, dh), _out_size(w, ks[1], sw, pl, pr, dw)
        ctx.ks, ctx.params, ctx.hw = ks, params, (h, w)
        return _cols(x, ks, params, oh, ow, False).reshape(n, c * ks[0] * ks[1], oh * ow)

    @staticmethod
    def backward(ctx, g):
        return Col2Im.apply(g, ctx.hw, ctx.ks, ctx.params)


class Col2Im(prim):
    @staticmethod
    def forward(ctx, cols, hw, ks, params):
        n, ckk, _ = cols.shape
        (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
        oh = _out_size(hw[0], ks[0], sh, pt, pb, dh)
        ow = _out_size(hw[1], ks[1], sw, pl, pr, dw)
        c = ckk // (ks[0] * ks[1])
        ctx.ks, ctx.params = ks, params
        x = _col2im(cols.reshape(n, c, ks[0], ks[1], oh, ow), hw, ks, params)
        return np.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, g):
        return Im2Col.apply(g, ctx.ks, ctx.params)


def _fold_params(kernel_size, dilation, padding, stride, op):
    ks = _tup(kernel_size, 2, "kernel_size", op)
    d = _tup(dilation, 2, "dilation", op)
    p = _tup(padding, 2, "padding", op)
    s = _tup(stride, 2, "stride", op)
    if any(v <= 0 for v in ks + d + s) or any(v < 0 for v in p):
        raise RuntimeError(f"{op}: expected kernel_size, dilation and stride to be positive and "
                           f"padding non-negative, got kernel_size={ks}, dilation={d}, "
                           f"padding={p}, stride={s}")
    return ks, (s, ((p[0], p[0]), (p[1], p[1])), d, 1)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding local blocks (im2col): (N, C, H, W) -> (N, C*KH*KW, L)."""
    ks, params = _fold_params(kernel_size, dilation, padding, stride, "unfold")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got "
                           f"{input.ndim}D)")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    h, w = input.shape[2:]
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
    if _out_size(h, ks[0], sh, pt, pb, dh) < 1 or _out_size(w, ks[1], sw, pl, pr, dw) < 1:
        raise RuntimeError(f"unfold: the kernel {ks} with dilation {(dh, dw)} does not fit the "
                           f"padded input of size ({h + pt + pb}, {w + pl + pr})")
    out = Im2Col.apply(input, ks, params)
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum sliding local blocks back into an image (col2im): (N, C*KH*KW, L) -> (N, C, H, W)."""
    ks, params = _fold_params(kernel_size, dilation, padding, stride, "fold")
    hw = _tup(output_size, 2, "output_size", "fold")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                           f"supported (got {input.ndim}D)")
    unbatched = input.ndim == 2
    if unbatched:
        input = input.unsqueeze(0)
    (sh, sw), ((pt, pb), (pl, pr)), (dh, dw), _ = params
    oh = _out_size(hw[0], ks[0], sh, pt, pb, dh)
    ow = _out_size(hw[1], ks[1], sw, pl, pr, dw)
    kk = ks[0] * ks[1]
    if input.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={input.shape[1]} and "
                           f"kernel_size={ks}")
    if input.shape[2] != oh * ow:
        raise RuntimeError(f"Given output_size={hw}, kernel_size={ks}, dilation={(dh, dw)}, "
                           f"padding={(pt, pl)}, stride={(sh, sw)}, expected size of input's "
                           f"dimension 2 to match the calculated number of sliding blocks "
                           f"{oh} * {ow} = {oh * ow}, but got input.size(2)={input.shape[2]}.")
    out = Col2Im.apply(input, hw, ks, params)
    return out.squeeze(0) if unbatched else out
