"""3-d convolution and pooling, LP pooling and max-unpooling, composed from tocha's 1-d/2-d
primitives (a 3-d window is a 2-d window over (H, W) for every depth, then a 1-d window over
depth), so their gradients come from those primitives' backward formulas."""
from __future__ import annotations

import tocha
from tocha import Tensor

from .. import _autocast
from .._ops import nn_conv as _conv
from .._ops import nn_pool as _pool
from .._ops.nn_misc import pad as _pad

__all__ = ["adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
           "avg_pool3d", "conv3d", "conv_transpose3d", "lp_pool1d", "lp_pool2d", "lp_pool3d",
           "max_pool3d", "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
           "max_unpool3d"]


def _triple(v, name: str, op: str) -> tuple[int, int, int]:
    if isinstance(v, int):
        return (v, v, v)
    v = tuple(v)
    if len(v) == 1:
        return (v[0],) * 3
    if len(v) != 3:
        raise RuntimeError(f"{op}: expected {name} to be a single integer or a list of 3 "
                           f"integers, got {list(v)}")
    return v


def _batched(op: str, input: Tensor, what: str = "input") -> tuple[Tensor, bool]:
    if input.ndim not in (4, 5):
        raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) {what} to {op}, but got "
                           f"{what} of size: {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _depth_last(x: Tensor) -> Tensor:
    """(N, C, D, H, W) -> (N, C*H*W, D): depth as the 1-d axis of a 1-d op."""
    n, c, d, h, w = x.shape
    return x.permute(0, 1, 3, 4, 2).reshape(n, c * h * w, d)


def _depth_back(y: Tensor, n: int, c: int, h: int, w: int) -> Tensor:
    return y.reshape(n, c, h, w, y.shape[-1]).permute(0, 1, 4, 2, 3)


def _same_padding(weight: Tensor, dilation) -> tuple[tuple[int, int], ...]:
    total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:], strict=True)]
    return tuple((t // 2, t - t // 2) for t in total)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """3-d convolution: (N, C, D, H, W) * (O, C/g, KD, KH, KW) -> (N, O, D', H', W').

    One 2-d convolution per kernel depth over all output depths at once, summed."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv3d", conv3d, **locals())
    x, unbatched = _batched("conv3d", input)
    if weight.ndim != 5:
        raise RuntimeError(f"conv3d: expected a 5-d weight (out, in/groups, kD, kH, kW), got "
                           f"size {list(weight.shape)}")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(x.shape)} to have "
                           f"{weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           "channels instead")
    sd, sh, sw = _triple(stride, "stride", "conv3d")
    dil = _triple(dilation, "dilation", "conv3d")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "['valid', 'same']")
        if padding == "same" and (sd, sh, sw) != (1, 1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions")
        pads = _same_padding(weight, dil) if padding == "same" else ((0, 0),) * 3
    else:
        pads = tuple((p, p) for p in _triple(padding, "padding", "conv3d"))
    x = _pad(x, (pads[2][0], pads[2][1], pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
    n, c, d, h, w = x.shape
    kd = weight.shape[2]
    d_out = (d - dil[0] * (kd - 1) - 1) // sd + 1
    if d_out <= 0:
        raise RuntimeError(f"conv3d: calculated output depth {d_out} is too small (input "
                           f"depth {d} with padding, kernel {kd}, dilation {dil[0]})")
    out = None
    for k in range(kd):
        start = k * dil[0]
        xs = x[:, :, start:start + (d_out - 1) * sd + 1:sd]
        xs = xs.permute(0, 2, 1, 3, 4).reshape(n * d_out, c, h, w)
        y = _conv.conv2d(xs, weight[:, :, k], None, (sh, sw), 0, dil[1:], groups)
        out = y if out is None else out + y
    out = out.reshape(n, d_out, *out.shape[1:]).permute(0, 2, 1, 3, 4)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out.squeeze(0) if unbatched else out


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """Transposed 3-d convolution: (N, C, D, H, W) * (C, O/g, KD, KH, KW) -> (N, O, D', H', W').

    One transposed 2-d convolution per kernel depth, placed at its output depths, summed."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("conv_transpose3d", conv_transpose3d, **locals())
    x, unbatched = _batched("conv_transpose3d", input)
    sd, sh, sw = _triple(stride, "stride", "conv_transpose3d")
    pd, ph, pw = _triple(padding, "padding", "conv_transpose3d")
    od, oh, ow = _triple(output_padding, "output_padding", "conv_transpose3d")
    dd, dh, dw = _triple(dilation, "dilation", "conv_transpose3d")
    if weight.ndim != 5 or weight.shape[0] != x.shape[1]:
        raise RuntimeError(f"conv_transpose3d: expected a weight of size ({x.shape[1]}, "
                           f"out/groups, kD, kH, kW), got {list(weight.shape)}")
    n, c, d, h, w = x.shape
    kd = weight.shape[2]
    full = (d - 1) * sd + dd * (kd - 1) + 1 + od
    xs = x.permute(0, 2, 1, 3, 4).reshape(n * d, c, h, w)
    out = None
    for k in range(kd):
        y = _conv.conv_transpose2d(xs, weight[:, :, k], None, (sh, sw), (ph, pw), (oh, ow),
                                   groups, (dh, dw))
        y = y.reshape(n, d, *y.shape[1:]).permute(0, 2, 1, 3, 4)  # (N, O, D, H', W')
        if sd > 1:  # output depths k*dd + i*sd: interleave sd-1 zero planes
            y = _pad(y.unsqueeze(3), (0, 0, 0, 0, 0, sd - 1)).reshape(
                y.shape[0], y.shape[1], d * sd, *y.shape[3:])[:, :, :(d - 1) * sd + 1]
        before = k * dd
        y = _pad(y, (0, 0, 0, 0, before, full - before - y.shape[2]))
        out = y if out is None else out + y
    out = out[:, :, pd:full - pd]
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out.squeeze(0) if unbatched else out


def _pool3d_args(op, kernel_size, stride, padding, dilation):
    ks = _triple(kernel_size, "kernel_size", op)
    st = ks if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _triple(stride, "stride", op)
    return ks, st, _triple(padding, "padding", op), _triple(dilation, "dilation", op)


def max_pool3d_with_indices(input: Tensor, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] = 0, dilation: int | tuple[int, ...] = 1,
                            ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """3-d max pooling and the flat (D*H*W) index of each maximum."""
    x, unbatched = _batched("max_pool3d", input)
    ks, st, pd, dl = _pool3d_args("max_pool3d", kernel_size, stride, padding, dilation)
    n, c, d, h, w = x.shape
    y, idx = _pool.max_pool2d_with_indices(x.reshape(n, c * d, h, w), ks[1:], st[1:], pd[1:],
                                           dl[1:], ceil_mode)
    ho, wo = y.shape[-2:]
    y, idx = y.reshape(n, c, d, ho, wo), idx.reshape(n, c, d, ho, wo)
    z, di = _pool.max_pool1d_with_indices(_depth_last(y), ks[0], st[0], pd[0], dl[0], ceil_mode)
    out = _depth_back(z, n, c, ho, wo)
    di = _depth_back(di, n, c, ho, wo)
    flat = di * (h * w) + idx.gather(2, di)
    if unbatched:
        out, flat = out.squeeze(0), flat.squeeze(0)
    return out, flat


def max_pool3d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """3-d max pooling over (N, C, D, H, W) (or unbatched (C, D, H, W))."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("max_pool3d", max_pool3d, **locals())
    out, idx = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, idx) if return_indices else out


def avg_pool3d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """3-d average pooling; each window's divisor is the product of its per-axis counts, so
    it is a 2-d average over (H, W) followed by a 1-d average over depth."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("avg_pool3d", avg_pool3d, **locals())
    x, unbatched = _batched("avg_pool3d", input)
    ks, st, pd, _ = _pool3d_args("avg_pool3d", kernel_size, stride, padding, 1)
    n, c, d, h, w = x.shape
    if divisor_override is not None:  # window sums, then the given divisor
        y = _pool.avg_pool2d(x.reshape(n, c * d, h, w), ks[1:], st[1:], pd[1:], ceil_mode,
                             count_include_pad, 1)
        ho, wo = y.shape[-2:]
        z = _pool.avg_pool1d(_depth_last(y.reshape(n, c, d, ho, wo)), ks[0], st[0], pd[0],
                             ceil_mode, True) * ks[0] / divisor_override
    else:
        y = _pool.avg_pool2d(x.reshape(n, c * d, h, w), ks[1:], st[1:], pd[1:], ceil_mode,
                             count_include_pad)
        ho, wo = y.shape[-2:]
        z = _pool.avg_pool1d(_depth_last(y.reshape(n, c, d, ho, wo)), ks[0], st[0], pd[0],
                             ceil_mode, count_include_pad)
    out = _depth_back(z, n, c, ho, wo)
    return out.squeeze(0) if unbatched else out


def _size3(output_size, x: Tensor) -> tuple[int, int, int]:
    sizes = _triple(output_size, "output_size", "adaptive_pool3d")
    return tuple(x.shape[2 + i] if s is None else s for i, s in enumerate(sizes))


def adaptive_avg_pool3d(input: Tensor, output_size: int | tuple[int, ...]) -> Tensor:
    """Adaptive 3-d average pooling to (D_out, H_out, W_out) (None keeps a size)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("adaptive_avg_pool3d", adaptive_avg_pool3d, input, output_size)
    x, unbatched = _batched("adaptive_avg_pool3d", input)
    do, ho, wo = _size3(output_size, x)
    n, c, d, h, w = x.shape
    y = _pool.adaptive_avg_pool2d(x.reshape(n, c * d, h, w), (ho, wo)).reshape(n, c, d, ho, wo)
    out = _depth_back(_pool.adaptive_avg_pool1d(_depth_last(y), do), n, c, ho, wo)
    return out.squeeze(0) if unbatched else out


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """Adaptive 3-d max pooling and the flat (D*H*W) index of each maximum."""
    x, unbatched = _batched("adaptive_max_pool3d", input)
    do, ho, wo = _size3(output_size, x)
    n, c, d, h, w = x.shape
    y, idx = _pool.adaptive_max_pool2d(x.reshape(n, c * d, h, w), (ho, wo), True)
    y, idx = y.reshape(n, c, d, ho, wo), idx.reshape(n, c, d, ho, wo)
    z, di = _pool.adaptive_max_pool1d(_depth_last(y), do, True)
    out, di = _depth_back(z, n, c, ho, wo), _depth_back(di, n, c, ho, wo)
    flat = di * (h * w) + idx.gather(2, di)
    if unbatched:
        out, flat = out.squeeze(0), flat.squeeze(0)
    return out, flat


def adaptive_max_pool3d(input: Tensor, output_size: int | tuple[int, ...],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Adaptive 3-d max pooling to (D_out, H_out, W_out)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("adaptive_max_pool3d", adaptive_max_pool3d, **locals())
    out, idx = adaptive_max_pool3d_with_indices(input, output_size)
    return (out, idx) if return_indices else out


def _lp_pool(op, nd, input, norm_type, kernel_size, stride, ceil_mode):
    ks = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
    pool = {1: _pool.avg_pool1d, 2: _pool.avg_pool2d, 3: avg_pool3d}[nd]
    arg = ks[0] if nd == 1 else ks
    if stride is not None:
        out = pool(input.pow(norm_type), arg, stride, 0, ceil_mode=ceil_mode)
    else:
        out = pool(input.pow(norm_type), arg, padding=0, ceil_mode=ceil_mode)
    numel = 1
    for k in ks:
        numel *= k
    return (tocha.sign(out) * out.abs().relu()).mul(numel).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling: (sum over the window of x^p)^(1/p), over (N, C, L)."""
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over (N, C, H, W)."""
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over (N, C, D, H, W)."""
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


def _max_unpool(op, nd, input, indices, kernel_size, stride, padding, output_size):
    ks = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
    st = ks if stride is None else ((stride,) * nd if isinstance(stride, int) else tuple(stride))
    pd = (padding,) * nd if isinstance(padding, int) else tuple(padding)
    unbatched = input.ndim == nd + 1
    if unbatched:
        input, indices = input.unsqueeze(0), indices.unsqueeze(0)
    if input.shape != indices.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    sp = tuple(input.shape[2:])
    default = tuple((s - 1) * t - 2 * p + k for s, t, p, k in zip(sp, st, pd, ks, strict=True))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-nd:]
    n, c = input.shape[:2]
    total = 1
    for s in size:
        total *= s
    flat_idx = indices.reshape(n, c, -1)
    if flat_idx.numel() and (int(flat_idx.max()) >= total or int(flat_idx.min()) < 0):
        bad = int(flat_idx.max()) if int(flat_idx.max()) >= total else int(flat_idx.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    out = tocha.zeros(n, c, total, dtype=input.dtype)
    out = out.scatter(2, flat_idx, input.reshape(n, c, -1))
    out = out.reshape(n, c, *size)
    return out.squeeze(0) if unbatched else out


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: list[int] | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool1d: maxima put back at their indices, zeros elsewhere."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: list[int] | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool2d: maxima put back at their indices, zeros elsewhere."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("max_unpool2d", max_unpool2d, **locals())
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: list[int] | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool3d: maxima put back at their indices, zeros elsewhere."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)
