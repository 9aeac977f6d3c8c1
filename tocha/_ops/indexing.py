"""Indexing primitives: getitem/setitem, gather/scatter, index_select, masks, sort/topk."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _autocast
from .. import _dtype as D
from .._tensor import Tensor, _requires_grad_of, _unview, _wrap, _wrap_dt
from ..autograd.grad_mode import STATE
from ._util import norm_dim, prim

_BASIC = (int, slice, type(None), type(Ellipsis))


def _convert(i, allow_bool=True):
    if isinstance(i, Tensor):
        dt = i._dtype
        if dt._kind == 2:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors "
                             f"(got {dt})")
        a = i._data
        if dt is D.uint8:
            a = a.astype(bool)
        return a
    if isinstance(i, (bool, np.bool_)):
        return i
    if isinstance(i, (np.integer,)):
        return int(i)
    if isinstance(i, float):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                         "Variables are valid indices (got float)")
    if isinstance(i, (list, range)):
        a = np.asarray([_convert(v) if isinstance(v, Tensor) else v for v in i])
        if a.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a
    if isinstance(i, np.ndarray):
        return i
    if isinstance(i, slice):
        return slice(*(int(v) if isinstance(v, Tensor) else v for v in (i.start, i.stop,
                                                                          i.step)))
    return i


def np_index(index):
    """Convert a PyTorch-style index to a NumPy index; True if it is basic (a view)."""
    if isinstance(index, tuple):
        conv = tuple(_convert(i) for i in index)
        basic = all(isinstance(i, _BASIC) and not isinstance(i, bool) for i in conv)
    else:
        conv = _convert(index)
        basic = isinstance(conv, _BASIC) and not isinstance(conv, bool)
    if not basic:
        conv = conv if isinstance(conv, tuple) else (conv,)
        for c in conv:
            if isinstance(c, slice) and c.step is not None and c.step <= 0:
                raise ValueError("step must be greater than zero")
    elif isinstance(conv, slice) and conv.step is not None and conv.step <= 0:
        raise ValueError("step must be greater than zero")
    elif isinstance(conv, tuple):
        for c in conv:
            if isinstance(c, slice) and c.step is not None and c.step <= 0:
                raise ValueError("step must be greater than zero")
    return conv, basic


def _index_error(e, shape, idx=None):
    msg = str(e)
    msg = msg.replace("axis", "dimension")
    masks = [i for i in (idx if isinstance(idx, tuple) else (idx,))
             if isinstance(i, np.ndarray) and i.dtype == bool]
    if masks:
        msg += f"; boolean mask of shape {tuple(masks[0].shape)}"
    return IndexError(f"{msg} (indexing a tensor of shape {tuple(shape)})")


class _Index(prim):
    """x[idx]; the gradient scatters g back (adding where advanced indices repeat)."""

    _accumulate = False

    @staticmethod
    def forward(ctx, x, idx):
        ctx.idx, ctx.shape = _kept(ctx, idx), x.shape
        return x[idx]

    @staticmethod
    def backward(ctx, g):
        return IndexGrad.apply(g, ctx.idx, ctx.shape, ctx._fwd._accumulate)


def basic_view(x: np.ndarray, idx: Any) -> np.ndarray:
    """x[idx] for a basic index, always an array view: NumPy returns a scalar copy when ints
    select a single element, `...` keeps it a 0-d view of x's memory."""
    r = x[idx]
    if r.__class__ is not np.ndarray:
        r = x[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
    return r


class Select(_Index):
    """Basic indexing (ints, slices, None, ...): a view."""

    node_name = "SliceBackward0"
    _view = True

    @staticmethod
    def forward(ctx, x, idx):
        ctx.idx, ctx.shape = idx, x.shape
        return basic_view(x, idx)


class SelectInt(Select):
    node_name = "SelectBackward0"


class SelectNone(Select):
    node_name = "UnsqueezeBackward0"


class SelectAlias(Select):
    node_name = "AliasBackward0"


def _basic_cls(idx):
    # PyTorch applies the items in order and names the node after the last one that does
    # something: x[1] Select, x[:, 1:] Slice, x[:, None] Unsqueeze (a full `:` is skipped)
    for i in reversed(idx if isinstance(idx, tuple) else (idx,)):
        if isinstance(i, int):
            return SelectInt
        if i is None:
            return SelectNone
        if isinstance(i, slice) and i != slice(None):
            return Select
    return SelectAlias


class AdvIndex(_Index):
    """Advanced indexing (integer/bool tensors): a copy (contiguous, as PyTorch's; NumPy's
    `x[1:, i]` comes out strided)."""

    node_name = "IndexBackward0"
    _accumulate = True

    @staticmethod
    def forward(ctx, x, idx):
        ctx.idx, ctx.shape = _kept(ctx, idx), x.shape
        return np.ascontiguousarray(x[idx])


class IndexGrad(prim):
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, idx, shape, accumulate):
        ctx.idx = idx
        ctx.accumulate = accumulate
        z = np.zeros(shape, g.dtype)
        if accumulate:
            np.add.at(z, idx, g)
        else:
            z[idx] = g
        return z

    @staticmethod
    def backward(ctx, gg):
        cls = AdvIndex if ctx.accumulate else Select
        return cls.apply(gg, ctx.idx)


def getitem(input: Tensor, index: Any) -> Tensor:
    """`input[index]`: a view for ints/slices/None/..., a copy for tensor/bool indices."""
    idx, basic = np_index(index)
    try:
        if basic:
            return _basic_cls(idx).apply(input, idx)
        return AdvIndex.apply(input, idx)
    except IndexError as e:
        if input._data.ndim == 0 and not (idx is None or idx is Ellipsis or idx == ()):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                             "number") from None
        raise _index_error(e, input._data.shape, idx) from None


class IndexPut(prim):
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, idx, accumulate):
        ctx.idx = _kept(ctx, idx)
        ctx.accumulate = accumulate
        out = x.copy()
        if accumulate:
            np.add.at(out, idx, v)
        else:
            out[idx] = v
        return out

    @staticmethod
    def backward(ctx, g):
        gx = g if ctx.accumulate else IndexPut.apply(g, 0.0, ctx.idx, False)
        gv = g[ctx.idx if not isinstance(ctx.idx, np.ndarray) else _wrap(ctx.idx)] \
            if ctx.needs_input_grad[1] else None
        return gx, gv


_TW = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
       "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _fits(x, idx, value) -> bool:
    """Whether `value` broadcasts to the region x[idx] (PyTorch checks shapes before dtypes)."""
    try:
        np.broadcast_shapes(value._data.shape, np.empty(x._data.shape, bool)[idx].shape)
    except (ValueError, IndexError):
        return False
    return True


def _private(idx):
    """The index arrays copied, for a recorded op that keeps them for backward: its gradient
    then goes where forward wrote even if an index tensor changes in place later (PyTorch
    refuses that backward instead; tocha computes it, right)."""
    if isinstance(idx, tuple):
        return tuple(i.copy() if isinstance(i, np.ndarray) else i for i in idx)
    return idx.copy() if isinstance(idx, np.ndarray) else idx


def _kept(ctx, idx):
    """`idx` as a recording node keeps it (a private copy; see _private)."""
    return _private(idx) if ctx.needs_input_grad else idx


def setitem(self: Tensor, index: Any, value: Tensor | complex) -> None:
    """`self[index] = value` in place; recorded by autograd when needed."""
    idx, basic = np_index(index)
    if (not basic and isinstance(value, Tensor) and value._dtype is not self._dtype
            and any(isinstance(i, np.ndarray) and (i.dtype.kind in "iu" and i.ndim or
                                                  i.dtype.kind == "b" and value._data.size > 1
                                                  and _fits(self, idx, value))
                    for i in (idx if isinstance(idx, tuple) else (idx,)))):
        # PyTorch's index_put_ with integer index tensors, or a mask and a many-element value
        # does not cast (basic indexing, and masks with a one-element value, do)
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_TW.get(self._dtype.name)} for the destination and "
                           f"{_TW.get(value._dtype.name)} for the source. Convert the value with "
                           f".to({self._dtype}).")
    if self._dtype._kind == 1 and isinstance(value, (int, float)):
        from .elementwise import _int_bound
        value = _int_bound(value, self._dtype)     # uint8 wraps -1; -1.0 or 300 refused
    elif (not basic and self._dtype._kind == 1 and isinstance(value, Tensor)
          and value._dtype._kind in (1, 2) and value._data.size == 1):
        from .elementwise import _int_bound
        # NaN, inf, and integers out of range (5832 into int8) refused, as for a number
        _int_bound(value._data.reshape(()).item(), self._dtype)
    v_rg = isinstance(value, Tensor) and _requires_grad_of(value)
    if self._check_inplace(v_rg):
        if not isinstance(value, Tensor):
            value = _wrap_dt(np.asarray(value, self._dtype.np), self._dtype, self._device)
        elif value._dtype is not self._dtype:
            value = value.to(self._dtype)
        self._inplace(lambda s, v: IndexPut.apply(s, v, idx, False), value)
        return
    v = value._data if isinstance(value, Tensor) else value
    try:
        self._data[idx] = v
    except ValueError as e:
        if "read-only" in str(e):
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation.") from None
        vs = value._data.shape if isinstance(value, Tensor) else np.shape(value)
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be "
                           f"broadcast to indexing result of shape "
                           f"{list(np.empty(self._data.shape)[idx].shape)}") from None
    except IndexError as e:
        raise _index_error(e, self._data.shape) from None
    self._bump()


class CopySlices(prim):
    """The base of a view after an in-place op on the view: base with the region replaced."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, new, view_fn):
        ctx.view_fn = view_fn
        ctx.shape, ctx.dtype = base.shape, base.dtype
        out = base.copy()
        ctx.view_fn(_wrap(out))._data[...] = new
        return out

    @staticmethod
    def backward(ctx, g):
        region = np.zeros(ctx.shape, bool)
        ctx.view_fn(_wrap(region))._data[...] = True
        # masked, not multiplied: an infinite gradient must not become inf * 0 = NaN
        return (g.masked_fill(_wrap(region), 0.0),
                ctx.view_fn(g) if ctx.needs_input_grad[1] else None)


def index_put(input: Tensor, indices: Tensor, values: Tensor | complex,
              accumulate: bool = False) -> Tensor:
    idx, _ = np_index(tuple(indices))
    return IndexPut.apply(input, values, idx, accumulate)


# ---------------------------------------------------------------- gather / scatter

class Gather(prim):
    @staticmethod
    def forward(ctx, x, dim, idx):
        ctx.dim, ctx.shape, ctx.idx = dim, x.shape, _kept(ctx, idx)
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return scatter_grad(g, ctx.idx, ctx.dim, ctx.shape), None, None


class ScatterAddGrad(prim):
    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx.idx, ctx.dim = idx, dim
        z = np.zeros(shape, g.dtype)
        _scatter_add(z, dim, idx, g)
        return z

    @staticmethod
    def backward(ctx, gg):
        return Gather.apply(gg, ctx.dim, ctx.idx)


def _scatter_add(z, dim, idx, src):
    full = list(np.ix_(*[np.arange(s) for s in idx.shape]))
    full[dim] = idx
    np.add.at(z, tuple(full), src[tuple(slice(0, s) for s in idx.shape)])


def scatter_grad(g, idx, dim, shape):
    """Zeros of `shape` with `g` added at `idx` along `dim` (gather's gradient)."""
    return ScatterAddGrad.apply(g, idx, dim, shape)


def _check_index(index, op):
    if not isinstance(index, Tensor) or index._dtype not in (D.int64, D.int32):
        got = index._dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {got}")


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """out[i][j] = input[index[i][j]][j] (for dim 0)."""
    _check_index(index, "gather")
    d = norm_dim(dim, input._data.ndim)
    if index._data.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    n = input._data.shape[d] if input._data.ndim else 1
    if index._data.size and (index._data.max() >= n or index._data.min() < -n):
        raise RuntimeError(f"index {int(index._data.max())} is out of bounds for dimension {d} "
                           f"with size {n}")
    return Gather.apply(input, d, index._data)


class Scatter(prim):
    @staticmethod
    def forward(ctx, x, src, dim, idx, reduce_add):
        ctx.dim, ctx.idx, ctx.add = dim, _kept(ctx, idx), reduce_add
        out = x.copy()
        if reduce_add:
            _scatter_add(out, dim, idx, np.broadcast_to(src, idx.shape) if np.ndim(src) == 0
                         else src)
        else:
            full = list(np.ix_(*[np.arange(s) for s in idx.shape]))
            full[dim] = idx
            s = np.broadcast_to(src, idx.shape) if np.ndim(src) == 0 else src[
                tuple(slice(0, k) for k in idx.shape)]
            out[tuple(full)] = s
        return out

    @staticmethod
    def backward(ctx, g):
        idx_t = _wrap(ctx.idx)
        gx = g if ctx.add else g.scatter(ctx.dim, idx_t, 0.0)
        gs = None
        if ctx.needs_input_grad[1]:
            gs = g.gather(ctx.dim, idx_t)
        return gx, gs


def scatter(input: Tensor, dim: int, index: Tensor, src: Tensor | None = None, *,
            value: complex | None = None, reduce: str | None = None) -> Tensor:
    _check_index(index, "scatter")
    d = norm_dim(dim, input._data.ndim)
    if src is None:
        src = value
    if isinstance(src, Tensor) and src._dtype is not input._dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (got "
                           f"{input._dtype} and {src._dtype})")
    if not isinstance(src, Tensor):
        src = _wrap_dt(np.asarray(src, input._dtype.np), input._dtype, input._device)
    _scatter_bounds(input, d, index)
    return Scatter.apply(input, src, d, index._data, reduce == "add")


def _scatter_bounds(input: Tensor, d: int, index: Tensor) -> None:
    # PyTorch's RuntimeError naming the index, not NumPy's IndexError about an "axis"
    n = input._data.shape[d] if input._data.ndim else 1
    bad = index._data[(index._data >= n) | (index._data < -n)] if index._data.size else ()
    if len(bad):
        raise RuntimeError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension "
                           f"{d} with size {n}")


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor | None) -> Tensor:
    _check_index(index, "scatter_add")
    if src._dtype is not input._dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (got "
                           f"{input._dtype} and {src._dtype})")
    d = norm_dim(dim, input._data.ndim)
    _scatter_bounds(input, d, index)
    return Scatter.apply(input, src, d, index._data, True)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    if index._dtype._kind != 1:
        raise RuntimeError(f"index_select(): Expected dtype int32/int64 for index, got "
                           f"{index._dtype}")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = norm_dim(dim, input._data.ndim)
    idx = (slice(None),) * d + (index._data.reshape(-1),)
    return getitem(input, idx)


def masked_fill(input: Tensor, mask: Tensor, value: complex) -> Tensor:
    """Copy of input with `value` where mask is True."""
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask._dtype if isinstance(mask, Tensor) else type(mask).__name__}")
    from .elementwise import where
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value._data.ndim} dimension(s).")
        v = value.to(input._dtype)
    else:
        from .complex import real_value
        from .elementwise import _int_bound
        value = real_value(value, input._dtype)
        if input._dtype._kind == 1 and isinstance(value, int):
            value = _int_bound(value, input._dtype)      # uint8 wraps -1, as PyTorch
        v = _wrap_dt(np.asarray(value, input._dtype.np), input._dtype, input._device)
    try:
        np.broadcast_shapes(mask._data.shape, input._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_fill: the shape of the mask {tuple(mask._data.shape)} must "
                           f"be broadcastable to the input's {tuple(input._data.shape)}") from None
    return where(mask, v, input)       # the broadcast shape, as PyTorch's out-of-place op


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_select: the shape of the mask {tuple(mask._data.shape)} "
                           f"must be broadcastable to the input's "
                           f"{tuple(input._data.shape)}") from None
    x = input.expand(shape)
    m = np.broadcast_to(mask._data, shape)
    return getitem(x, _wrap(m))


def take(input: Tensor, index: Tensor) -> Tensor:
    return _unview(getitem(input.reshape(-1), index.reshape(-1)).reshape(index._data.shape))


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return take(input, indices)
    return gather(input, dim, indices)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    if input._data.ndim == 0 and not as_tuple:
        return _wrap(np.zeros((int(bool(input._data)), 0), np.int64))
    nz = np.nonzero(input._data) if input._data.ndim else ()
    if as_tuple:
        if input._data.ndim == 0:
            return (_wrap(np.zeros(int(bool(input._data)), np.int64)),)
        return tuple(_wrap(a.astype(np.int64)) for a in nz)
    return _wrap(np.stack(nz, axis=1).astype(np.int64) if nz else np.zeros((0, 0), np.int64))


def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)


def sort(input: Tensor, dim: int = -1, descending: bool = False,
         stable: bool = False) -> tuple[Tensor, ...]:
    """(values, indices) sorted along `dim`."""
    from .complex import refuse
    from .reduce import _sort_t
    refuse("sort", input)
    d = norm_dim(dim, input._data.ndim)
    x = input._data
    if input._data.ndim == 0:
        return _sort_t(input.clone(), _wrap(np.array(0)))
    if descending:
        # stable descending: sort the negated order keys (NaN first, as PyTorch)
        # (kind V: bfloat16 and float8, stored by ml_dtypes, negate as floats do)
        key = -x if x.dtype.kind in "fiV" else ~x if x.dtype.kind == "b" else -x.astype(np.int64)
        idx = np.argsort(key, axis=d, kind="stable")
        if x.dtype.kind in "fV":
            nan = np.isnan(np.take_along_axis(x, idx, d))
            if nan.any():
                idx = np.take_along_axis(idx, np.argsort(~nan, axis=d, kind="stable"), d)
    else:
        idx = np.argsort(x, axis=d, kind="stable")
    idx = idx.astype(np.int64)
    return _sort_t(gather(input, d, _wrap(idx)), _wrap(idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    return sort(input, dim, descending, stable)[1]


def msort(input: Tensor) -> Tensor:
    return sort(input, 0)[0]


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> tuple[Tensor, ...]:
    from .complex import refuse
    from .reduce import _topk_t
    refuse("topk", input)
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    if k > n or k < 0:
        raise RuntimeError(f"topk(): selected index k out of range (k={k}, size {n} at dim {d})")
    if input._data.ndim == 0:
        return _topk_t(input.clone(), _wrap(np.array(0)))
    v, i = sort(input, d, descending=largest)
    # new contiguous tensors, as PyTorch's (a narrow of the sort would be a view)
    return _topk_t(_fresh(v.narrow(d, 0, k)), _fresh(i.narrow(d, 0, k)))


def _fresh(t: Tensor) -> Tensor:
    """A new contiguous tensor with t's values (contiguous() would return a contiguous view
    itself, and an in-place op on it would then go through the view machinery)."""
    return t.clone() if t.is_contiguous() else t.contiguous()


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> tuple[Tensor, ...]:
    from .complex import refuse
    from .reduce import _kth_t
    refuse("kthvalue", input)
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} of a "
                           f"tensor of shape {tuple(input._data.shape)} (k={k})")
    if input._data.ndim == 0:
        return _kth_t(input.clone(), _wrap(np.array(0)))
    v, i = sort(input, d)
    v, i = v.narrow(d, k - 1, 1), i.narrow(d, k - 1, 1)
    if not keepdim:
        v, i = v.squeeze(d), i.squeeze(d)
    return _kth_t(_fresh(v), _fresh(i))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Tensor | tuple[Tensor, ...]:
    if input._dtype.is_complex:
        from .complex import refuse
        refuse("unique", input)
    x = input._data
    if dim is None:
        # each NaN is its own value (PyTorch's sort-based unique: NaN != NaN)
        u, inv, cnt = np.unique(x.reshape(-1), return_inverse=True, return_counts=True,
                                equal_nan=False)
        inv = inv.reshape(x.shape)
    else:
        u, inv, cnt = np.unique(x, return_inverse=True, return_counts=True,
                                axis=norm_dim(dim, x.ndim))
    from .elementwise import no_derivative
    res = [no_derivative(_wrap(u, input._device), "_unique2", input)]
    if return_inverse:
        res.append(_wrap(inv.astype(np.int64)))
    if return_counts:
        res.append(_wrap(cnt.astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Tensor | tuple[Tensor, ...]:
    x = input._data.reshape(-1)
    if x.size == 0:
        return unique(input, return_inverse=return_inverse, return_counts=return_counts)
    keep = np.concatenate([[True], x[1:] != x[:-1]])
    res = [_wrap(x[keep])]
    if return_inverse:
        res.append(_wrap((np.cumsum(keep) - 1).reshape(input._data.shape).astype(np.int64)))
    if return_counts:
        pos = np.flatnonzero(np.concatenate([keep, [True]]))
        res.append(_wrap(np.diff(pos).astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool",
               "bfloat16": "BFloat16", "complex64": "ComplexFloat"}


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    w = weights._data if weights is not None else None
    if input._dtype._kind != 1 or input._dtype is D.bool_:
        raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                  f"'{_TORCH_TYPE.get(input._dtype.name, input._dtype.name)}'")
    if input._data.ndim != 1 or (input._data.size and input._data.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if w is not None and w.shape != input._data.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    r = np.bincount(input._data, w, minlength)
    return _wrap(r if w is not None else r.astype(np.int64))


def searchsorted(sorted_sequence: Tensor, values: Tensor | complex, *, right: bool = False,
                 side: str | None = None) -> Tensor:
    side = side or ("right" if right else "left")
    v = values._data if isinstance(values, Tensor) else values
    s = sorted_sequence._data
    if s.ndim <= 1:
        return _wrap(np.asarray(np.searchsorted(s, v, side=side), np.int64))
    # batched: row i of `values` is searched in row i of the sequence
    v = np.asarray(v)
    if v.shape[:-1] != s.shape[:-1]:
        raise RuntimeError(f"searchsorted(): boundaries {tuple(s.shape)} and input "
                           f"{tuple(v.shape)} must have the same leading dimensions")
    rows = [np.searchsorted(a, b, side=side) for a, b in zip(s.reshape(-1, s.shape[-1]),
                                                            v.reshape(-1, v.shape[-1]))]
    return _wrap(np.asarray(rows, np.int64).reshape(v.shape))


def _grad_enabled():
    return STATE.enabled


# ---------------------------------------------------------------- index_* composites

def _dim_index(input, dim, index, op):
    if not isinstance(index, Tensor) or index._dtype._kind != 1 or index._data.ndim > 1:
        raise IndexError(f"{op}(): index must be a 1-D int64 tensor, got "
                         f"{index._dtype if isinstance(index, Tensor) else type(index).__name__}")
    d = norm_dim(dim, input._data.ndim)
    return d, (slice(None),) * d + (index._data.reshape(-1),)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: complex = 1) -> Tensor:
    """input with `alpha * source` added at `index` along `dim` (repeated indices add up)."""
    _, idx = _dim_index(input, dim, index, "index_add")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_add_(): self ({_TW.get(input._dtype.name)}) and source "
                           f"({_TW.get(source._dtype.name)}) must have the same scalar type")
    src = source * alpha if alpha != 1 else source
    if src._dtype is not input._dtype:
        src = src.to(input._dtype)
    exp = np.empty(input._data.shape, np.int8)[idx].shape
    if tuple(src._data.shape) != exp:
        raise RuntimeError(f"index_add(): source of shape {tuple(src._data.shape)} does not "
                           f"match the indexed shape {exp} of input {tuple(input._data.shape)}")
    return IndexPut.apply(input, src, idx, True)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """input with `source` written at `index` along `dim`."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("index_copy", index_copy, input, dim, index, source)
    _, idx = _dim_index(input, dim, index, "index_copy")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_TW.get(input._dtype.name)} and (source) "
                           f"{_TW.get(source._dtype.name)}")
    return IndexPut.apply(input, source, idx, False)


def index_fill(input: Tensor, dim: int, index: Tensor, value: complex) -> Tensor:
    """input with `value` at `index` along `dim`."""
    d, idx = _dim_index(input, dim, index, "index_fill")
    mask = np.zeros(input._data.shape[d] if input._data.ndim else 1, bool)
    mask[idx[-1]] = True
    shape = [1] * input._data.ndim
    if shape:
        shape[d] = mask.size
    return masked_fill(input, _wrap(mask.reshape(shape)), value)


def isin(elements: Tensor | complex, test_elements: Tensor | complex, *,
         assume_unique: bool = False, invert: bool = False) -> Tensor:
    """True where an element of `elements` is in `test_elements`."""
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.asarray(np.isin(e, t, invert=invert)))
