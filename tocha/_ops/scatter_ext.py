"""Scatter-style ops (issue 8): `scatter_reduce`, `index_reduce`, `masked_scatter`, `put`,
`as_strided_scatter`. Each is `torch.<name>` and `Tensor.<name>`, with an in-place form
wired through `Tensor._inplace` (tocha/_tensor_methods.py).

Gradients follow PyTorch's formulas (derivatives.yaml): for amax/amin the gradient is shared
evenly among the elements equal to the result; for prod, zeros are handled exactly.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _unview, _wrap
from ._util import norm_dim, prim

__all__ = ["as_strided_scatter", "index_reduce", "masked_scatter", "put", "scatter_reduce"]

_TW = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
       "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
       "bfloat16": "BFloat16"}
_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
          "amin": np.minimum}


def _identity(reduce: str, dt: np.dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dt.kind == "f" else (np.iinfo(dt).max if dt.kind in "iu" else True)
    low = -np.inf if dt.kind == "f" else (np.iinfo(dt).min if dt.kind in "iu" else False)
    return low if reduce == "amax" else big


def _positions(idx: np.ndarray, d: int) -> tuple:
    pos = list(np.indices(idx.shape, sparse=True))
    pos[d] = idx
    return tuple(pos)


def _reduce_np(x, src, idx, d, reduce, include_self):
    """(result, hit mask, per-position count) of scatter_reduce on arrays."""
    out = x.copy()
    pos = _positions(idx, d)
    sv = src[tuple(slice(0, n) for n in idx.shape)]
    hit = np.zeros(x.shape, bool)
    hit[pos] = True
    if not include_self:
        out[hit] = _identity(reduce, x.dtype)
    _UFUNC[reduce].at(out, pos, sv)
    cnt = np.zeros(x.shape, np.int64)
    np.add.at(cnt, pos, 1)
    if include_self:
        cnt += 1
    if reduce == "mean":
        n = np.maximum(cnt, 1).astype(out.dtype)
        out = out // n if out.dtype.kind in "iub" else out / n
        out = out.astype(x.dtype)
    return out, hit, cnt


class _ScatterReduce(prim):
    node_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx, x, src, d, idx, reduce, include_self):
        out, hit, cnt = _reduce_np(x, src, idx, d, reduce, include_self)
        ctx.d, ctx.idx, ctx.reduce, ctx.include_self = d, idx, reduce, include_self
        ctx.hit, ctx.cnt, ctx.src_shape = hit, cnt, src.shape
        ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, src, out = ctx.saved_tensors
        d, idx, reduce = ctx.d, _wrap(ctx.idx), ctx.reduce
        srcv = src[tuple(slice(0, n) for n in ctx.idx.shape)]
        if reduce == "sum":
            gx, gs = g, g.gather(d, idx)
        elif reduce == "mean":
            gx = g / _wrap(np.maximum(ctx.cnt, 1).astype(g._data.dtype))
            gs = gx.gather(d, idx)
        elif reduce == "prod":
            gx, gs = _prod_grads(ctx, g, x, srcv, out, idx)
        else:
            gx, gs = _extreme_grads(ctx, g, x, srcv, out, idx)
        if not ctx.include_self:
            gx = gx.masked_fill(_wrap(ctx.hit), 0)
        return gx, _pad_to(gs, ctx.src_shape)


class _IndexReduce(_ScatterReduce):
    node_name = "IndexReduceBackward0"


def _prod_grads(ctx, g, x, srcv, out, idx):
    d, inc = ctx.d, ctx.include_self
    masked_x = x.masked_fill(x == 0, 1)
    gx = g * scatter_reduce(masked_x, d, idx, srcv, "prod", include_self=inc) / masked_x
    src_zero = srcv == 0
    nz = x.new_zeros(x.shape).scatter_add(d, idx, src_zero.to(x.dtype)).gather(d, idx)
    single = src_zero & (nz == 1)
    masked_src = srcv.masked_fill(single, 1)
    res_wo = scatter_reduce(x, d, idx, masked_src, "prod", include_self=inc)
    gs = ((g * res_wo).gather(d, idx)).where(
        single, (g * out).gather(d, idx) / srcv.masked_fill(src_zero, 1))
    return gx, gs


def _extreme_grads(ctx, g, x, srcv, out, idx):
    d = ctx.d
    value = out.gather(d, idx)
    x_is = x == out
    if not ctx.include_self:
        x_is = x_is & ~_wrap(ctx.hit)
    s_is = srcv == value
    n = x_is.to(g.dtype).scatter_add(d, idx, s_is.to(g.dtype))
    share = g / n.masked_fill(n == 0, 1)
    return share * x_is.to(g.dtype), s_is.to(g.dtype) * share.gather(d, idx)


def _pad_to(gs: Tensor, shape) -> Tensor:
    if tuple(gs.shape) == tuple(shape):
        return gs
    from ..nn.functional import pad
    p = []
    for have, want in zip(reversed(gs.shape), reversed(shape)):
        p += [0, want - have]
    return pad(gs, p)


def _check_scatter(op, input, dim, index, src):
    if not isinstance(index, Tensor) or index._dtype is not D.int64:
        got = index._dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {got}")
    if src._dtype is not input._dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype (got "
                           f"{input._dtype} and {src._dtype})")
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    ish, ssh, xsh = index._data.shape, src._data.shape, input._data.shape
    if nd and (len(ish) != nd or len(ssh) != nd or any(
            i > s for i, s in zip(ish, ssh)) or any(
            i > x for k, (i, x) in enumerate(zip(ish, xsh)) if k != d)):
        raise RuntimeError(f"{op}(): Expected index {list(ish)} to be smaller than self "
                           f"{list(xsh)} apart from dimension {d} and to be smaller size than "
                           f"src {list(ssh)}")
    n = xsh[d] if nd else 1
    a = index._data
    if a.size and (a.max() >= n or a.min() < -n):
        raise RuntimeError(f"{op}(): index {int(a.max() if a.max() >= n else a.min())} is out "
                           f"of bounds for dimension {d} with size {n}")
    return d, np.where(a < 0, a + n, a)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Reduce `src` into a copy of `input` at `index` along `dim` with `reduce` ("sum",
    "prod", "mean", "amax", "amin"); `include_self=False` leaves input's values out of the
    positions that receive any src element.

    Shapes: index and src have input's number of dims; index is no larger than src, nor
    than input apart from `dim`.

    >>> import tocha
    >>> x = tocha.tensor([1., 2., 3.])
    >>> x.scatter_reduce(0, tocha.tensor([0, 0, 2]), tocha.tensor([5., 6., 7.]), "amax")
    tensor([6., 2., 7.])
    """
    if reduce not in _UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    d, idx = _check_scatter("scatter_reduce", input, dim, index, src)
    return _ScatterReduce.apply(input, src, d, idx, reduce, bool(include_self))


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """Reduce the slices of `source` into a copy of `input` at the 1-D `index` along `dim`
    with `reduce` ("prod", "mean", "amax", "amin").

    >>> import tocha
    >>> tocha.ones(3).index_reduce(0, tocha.tensor([0, 0]), tocha.tensor([2., 3.]), "prod")
    tensor([6., 1., 1.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if not isinstance(index, Tensor) or index._dtype not in (D.int64, D.int32) or \
            index._data.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_reduce_(): self ({_TW.get(input._dtype.name)}) and source "
                           f"({_TW.get(source._dtype.name)}) must have the same scalar type")
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    sh = source._data.shape
    if source._data.ndim != nd or (nd and sh[d] != index._data.size) or any(
            s != x for k, (s, x) in enumerate(zip(sh, input._data.shape)) if k != d):
        raise RuntimeError(f"index_reduce_(): source {list(sh)} must have self's shape "
                           f"{list(input._data.shape)} apart from dimension {d}, of size "
                           f"index.numel() = {index._data.size}")
    shape = [1] * nd
    if nd:
        shape[d] = -1
    full = np.broadcast_to(index._data.astype(np.int64).reshape(shape), sh).copy()
    d, idx = _check_scatter("index_reduce", input, d, _wrap(full), source)
    return _IndexReduce.apply(input, source, d, idx, reduce, bool(include_self))


# ---------------------------------------------------------------- masked_scatter, put

class _MaskedScatter(prim):
    node_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, x, src, mask):
        shape = np.broadcast_shapes(x.shape, mask.shape)
        m = np.broadcast_to(mask, shape)
        out = np.broadcast_to(x, shape).copy()
        k = int(m.sum())
        out[m] = src.reshape(-1)[:k]
        ctx.m, ctx.k, ctx.x_shape, ctx.src_shape = m, k, x.shape, src.shape
        return out

    @staticmethod
    def backward(ctx, g):
        from .reduce import sum_to
        m = _wrap(np.ascontiguousarray(ctx.m))
        gx = sum_to(g.masked_fill(m, 0), ctx.x_shape)
        sel = g.masked_select(m)
        n = int(np.prod(ctx.src_shape))
        if n > ctx.k:
            from .movement import cat
            sel = cat([sel, g.new_zeros(n - ctx.k)])
        return gx, sel.reshape(ctx.src_shape)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of input whose elements where `mask` is True are, in order, the first
    elements of `source` (mask broadcasts with input).

    >>> import tocha
    >>> tocha.zeros(3).masked_scatter(tocha.tensor([True, False, True]), tocha.tensor([1., 2.]))
    tensor([1., 0., 2.])
    """
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        got = mask._dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_TW.get(getattr(got, 'name', ''), got)}")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {_TW.get(input._dtype.name)} and "
                           f"{_TW.get(source._dtype.name)}")
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        from ._util import broadcast_error
        raise broadcast_error("masked_scatter", input._data.shape, mask._data.shape) from None
    if int(np.broadcast_to(mask._data, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return _MaskedScatter.apply(input, source, mask._data)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of input with `source` written (or, with `accumulate`, added) at the flat
    positions `index` (as if input were 1-D; negative positions count from the end).

    >>> import tocha
    >>> tocha.zeros(2, 2).put(tocha.tensor([0, 3]), tocha.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    if not isinstance(index, Tensor) or index._dtype is not D.int64:
        got = index._dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {got}")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {_TW.get(input._dtype.name)} and source.dtype = "
                           f"{_TW.get(source._dtype.name)}")
    if index._data.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source._data.size}, "
                         f"index.numel() = {index._data.size}")
    n = input._data.size
    a = index._data.reshape(-1)
    bad = a[(a >= n) | (a < -n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor of "
                         f"{n} elements.")
    idx = _wrap(np.where(a < 0, a + n, a))
    flat = input.reshape(-1)
    src = source.reshape(-1)
    out = flat.index_add(0, idx, src) if accumulate else flat.index_copy(0, idx, src)
    return _unview(out.reshape(input.shape))


def as_strided_scatter(input: Tensor, src: Tensor, size: Sequence[int],
                       stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """A copy of input with `src` written into its `as_strided(size, stride, offset)` view."""
    out = input.clone()
    view = out.as_strided(size, stride, storage_offset)
    if tuple(view.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(view.shape)}")
    view.copy_(src)
    return out
