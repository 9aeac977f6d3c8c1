"""Padding and resampling for `nn.functional`: pad (constant, reflect, replicate, circular),
interpolate (nearest, nearest-exact, linear, bilinear, trilinear), one_hot."""
from __future__ import annotations

import math

import numpy as np

from .. import _autocast
from .. import _dtype as D
from .._tensor import Tensor, _wrap_dt
from ._util import prim
from .indexing import index_select


class ConstantPadNd(prim):
    """Pad the last dims by (before, after) amounts (negative amounts crop); the gradient of
    padding by p is padding by -p, so backward is this primitive again."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        nd = len(pads)
        lead = x.ndim - nd
        out_shape = list(x.shape[:lead])
        src, dst = [slice(None)] * lead, [slice(None)] * lead
        for i, (a, b) in enumerate(pads):
            n = x.shape[lead + i]
            m = n + a + b
            if m < 0:
                raise RuntimeError(f"pad: the padded size of dimension {lead + i} would be "
                                   f"{m} (input size {n}, padding ({a}, {b}))")
            out_shape.append(m)
            src.append(slice(max(-a, 0), n - max(-b, 0)))
            dst.append(slice(max(a, 0), m - max(b, 0)))
        out = np.full(out_shape, value, dtype=x.dtype)
        out[tuple(dst)] = x[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, g):
        return ConstantPadNd.apply(g, tuple((-a, -b) for a, b in ctx.pads), 0), None, None


def _pairs(pad, ndim: int, op: str = "pad"):
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError(f"{op}: Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"{op}: Padding length should be less than or equal to two times "
                           f"the input dimension but got padding length {len(pad)} and input "
                           f"of dimension {ndim}")
    # pad lists the last dim first; return (before, after) for dims in order
    return tuple((pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2))[::-1]


def _index(vals, dev) -> Tensor:
    return _wrap_dt(np.asarray(vals, np.int64), D.int64, dev)


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad `input` at the ends of its last dimensions.

    Args:
        input (Tensor): any shape.
        pad (tuple of int): `(last_before, last_after, second_last_before, ...)`: pairs
            starting from the last dimension.
        mode (str): `"constant"`, `"reflect"`, `"replicate"` or `"circular"`.
        value (float, optional): the fill of `"constant"` padding. Default: 0.

    Returns:
        Tensor: each padded dimension grows by its two pads.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.pad(tocha.ones(1, 2), (1, 2), value=9)
        tensor([[9., 1., 1., 9., 9.]])
    """
    if _autocast.on and mode in ("reflect", "replicate"):   # PyTorch's float32 list
        fn = globals()["pad"]       # (the argument `pad` hides this function)
        return _autocast.run("reflection_pad2d", fn, input, pad, mode, value)
    pairs = _pairs(pad, input.ndim)
    if mode == "constant":
        if value is None:
            value = 0.0
        return ConstantPadNd.apply(input, pairs, value)
    if value is not None and value != 0:
        raise AssertionError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unsupported padding mode: {mode}")
    nd = len(pairs)
    if not 1 <= nd <= 3 or input.ndim not in (nd + 1, nd + 2):
        raise NotImplementedError(
            f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now "
            f"(got padding of {nd} dims for a {input.ndim}-D input in mode '{mode}')")
    out = input
    lead = input.ndim - nd
    for i, (a, b) in enumerate(pairs):
        d = lead + i
        n = input.shape[d]
        if mode == "reflect":
            if a >= n or b >= n:
                raise RuntimeError(
                    f"Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({a}, {b}) at dimension {d} of input "
                    f"{list(input.shape)}")
            idx = list(range(a, 0, -1)) + list(range(n)) + list(range(n - 2, n - 2 - b, -1))
        elif mode == "replicate":
            if n == 0:
                raise RuntimeError("pad: replicate padding of an empty dimension")
            idx = [0] * a + list(range(n)) + [n - 1] * b
        else:
            if a > n or b > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            idx = list(range(n - a, n)) + list(range(n)) + list(range(b))
        if a < 0 or b < 0:
            idx = list(range(max(-a, 0), n - max(-b, 0)))
        out = index_select(out, d, _index(idx, input._device))
    return out


# ---------------------------------------------------------------- interpolate
def _out_sizes(input, size, scale_factor, nsp, recompute):
    in_sizes = input.shape[2:]
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = [int(s) for s in size] if isinstance(size, (list, tuple)) else [int(size)] * nsp
        if len(sizes) != nsp:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(in_sizes)} and output size of {sizes}. Please provide "
                             f"input tensor in (N, C, d1, d2, ...,dK) format and output size "
                             f"in (o1, o2, ...,oK) format.")
        return sizes, [None] * nsp
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sf = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * nsp
    if len(sf) != nsp:
        raise ValueError(f"Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of "
                         f"{list(in_sizes)} and scale_factor of shape {sf}. Please provide "
                         f"input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                         f"(s1, s2, ...,sK) format.")
    sizes = [math.floor(float(n) * float(s)) for n, s in zip(in_sizes, sf)]
    return sizes, ([None] * nsp if recompute else [float(s) for s in sf])


def _nearest_idx(n_in, n_out, scale, exact, dt):
    j = np.arange(n_out, dtype=dt)
    s = dt.type(1.0 / scale) if scale is not None else dt.type(n_in) / dt.type(n_out)
    if exact:
        src = np.floor((j + dt.type(0.5)) * s)
    else:
        if n_out == n_in:
            return np.arange(n_out)
        if n_out == 2 * n_in and scale is None:
            return np.arange(n_out) >> 1
        src = np.floor(j * s)
    return np.minimum(src.astype(np.int64), n_in - 1)


def _linear_idx(n_in, n_out, scale, align_corners, dt):
    j = np.arange(n_out, dtype=dt)
    if align_corners:
        s = dt.type(n_in - 1) / dt.type(n_out - 1) if n_out > 1 else dt.type(0)
        src = j * s
    else:
        s = dt.type(1.0 / scale) if scale is not None else dt.type(n_in) / dt.type(n_out)
        src = np.maximum(s * (j + dt.type(0.5)) - dt.type(0.5), dt.type(0))
    i0 = np.minimum(src.astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam1 = (src - i0.astype(dt)).astype(dt)
    lam0 = (dt.type(1) - lam1).astype(dt)
    return i0, i1, lam0, lam1


_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, ...) input: nearest, nearest-exact, (bi/tri)linear.

    Differs from PyTorch: 'bicubic', 'area' and antialias are not implemented (clear error).
    """
    nsp = input.ndim - 2
    if nsp < 1:     # (PyTorch's type: NotImplementedError)
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (interpolate expects (N, C, ...), got shape {tuple(input.shape)})")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if mode in _LINEAR and _LINEAR[mode] != nsp:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR[mode] + 2}D input")
    if mode not in ("nearest", "nearest-exact") and mode not in _LINEAR or antialias:
        raise NotImplementedError(f"interpolate: mode '{mode}'"
                                  f"{' with antialias' if antialias else ''} is not supported "
                                  f"by tocha (use nearest, nearest-exact, linear, bilinear or "
                                  f"trilinear)")
    sizes, scales = _out_sizes(input, size, scale_factor, nsp, recompute_scale_factor)
    dt = input._data.dtype if input._dtype._kind == 2 else np.dtype(np.float32)
    out = input
    dev = input._device
    if mode in ("nearest", "nearest-exact"):
        for k in range(nsp):
            idx = _nearest_idx(input.shape[2 + k], sizes[k], scales[k],
                               mode == "nearest-exact", np.dtype(np.float32))
            out = index_select(out, 2 + k, _index(idx, dev))
        return out
    ac = bool(align_corners)
    # separable: innermost dim first, as PyTorch's kernel combines the corners
    for k in reversed(range(nsp)):
        d = 2 + k
        i0, i1, l0, l1 = _linear_idx(input.shape[d], sizes[k], None if ac else scales[k], ac,
                                     dt)
        shape = [1] * input.ndim
        shape[d] = sizes[k]
        w0 = _wrap_dt(l0.reshape(shape), input._dtype, dev)
        w1 = _wrap_dt(l1.reshape(shape), input._dtype, dev)
        out = index_select(out, d, _index(i0, dev)) * w0 + \
            index_select(out, d, _index(i1, dev)) * w1
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot encoding: index `i` becomes a vector of zeros with a 1 at position `i`.

    Args:
        tensor (Tensor): int64 class indices, any shape.
        num_classes (int): length of each vector; -1 means `tensor.max() + 1`. Default: -1.

    Returns:
        Tensor: int64, of shape `(*tensor.shape, num_classes)`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.one_hot(tocha.tensor([0, 2]), num_classes=3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor) or tensor._dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    t = tensor._data
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    elif t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (t[..., None] == np.arange(num_classes)).astype(np.int64)
    return _wrap_dt(out, D.int64, tensor._device)
