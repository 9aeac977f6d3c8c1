"""Reductions: sum, mean, max/min, var/std, norm, logsumexp, softmax, cumulative ops."""
from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from .. import _autocast
from .. import _dtype as D
from .._dtype_ext import scalar_name
from .._tensor import Tensor, _unview, _wrap, _wrap_dt
from ._util import as_float, expand, norm_dim, norm_dims, prim
from .complex import cj, refuse, view_as_real


def _rdims(dim, nd: int) -> tuple:
    """The dims a reduction runs over; a 0-d tensor's only dim (0 or -1) is no axis at all."""
    dims = norm_dims(dim, nd)
    return () if nd == 0 else dims


def _keep_shape(in_shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(in_shape))


def _grad_expand(g, in_shape, dims, keepdim):
    """Bring a reduced gradient back to the input's shape (arrays or Tensors)."""
    if not keepdim and dims and len(dims) < len(in_shape):   # dims None: all reduced
        g = g.reshape(_keep_shape(in_shape, dims))
    return expand(g, in_shape)


_F16 = np.dtype(np.float16)


def _acc_dtype(x):
    # float16 sums accumulate in float32 (as PyTorch does); ints/bools sum to int64
    k = x.dtype
    if k.kind == "f":
        return np.float32 if k is _F16 else None
    if k.kind == "V":               # bfloat16 (ml_dtypes) sums accumulate in float32 too
        return np.float32
    if k.kind in "biu":
        return np.int64
    return None


def _wide(x, axes):
    """float64 when NumPy would add a long float32/float16 reduction one element at a time.

    NumPy sums pairwise only along the innermost axis it loops over; reducing an outer axis
    (`x.sum(0)` of an (n, k) array) accumulates sequentially, and float32 drifts by ~n * eps
    (3e6 x 0.1 over dim 0 is off by 80). PyTorch's kernels stay accurate there, so those
    reductions accumulate in float64; the innermost-axis ones keep NumPy's pairwise float32
    sum, which matches PyTorch's bits more often than float64 rounding does."""
    if x.dtype.kind != "f" or x.dtype.itemsize == 8 or x.ndim < 2:
        return None
    if axes is None:
        return None
    last = x.ndim - 1
    n = 1
    for a in axes:
        if a == last or a == -1:
            return None
        n *= x.shape[a]
    return np.float64 if n > 256 else None


class SumTo(prim):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return sum_to_array(x, shape)

    @staticmethod
    def backward(ctx, g):
        return expand(g, ctx.in_shape)


def sum_to_array(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """SumTo's computation on an array (also used by backwards that run on arrays)."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    # (np.add.reduce: np.sum's Python wrapper costs more than the sum on small tensors)
    r = np.add.reduce(x, axis=axes, keepdims=True, dtype=_wide(x, axes) or _acc_dtype(x)) \
        if axes else x
    r = r.reshape(shape)
    return r.astype(x.dtype, copy=False) if r is not x else x.copy()


def sum_to(x: Tensor, shape) -> Tensor:
    """Sum a broadcast tensor down to `shape` (the engine's unbroadcast)."""
    shape = tuple(shape)
    if x._data.shape == shape:
        return x
    return SumTo.apply(x, shape)


def _c(r):
    """A reduction's result C-contiguous, as PyTorch allocates it (NumPy keeps the input's
    memory order, so .view() of a reduced transposed tensor failed where PyTorch's works)."""
    return r if r.flags.c_contiguous else np.ascontiguousarray(r)


class Sum(prim):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dt):     # dims None: every dim
        ctx.meta = (x.shape, dims, keepdim)
        if dt is not None:
            return _c(np.add.reduce(x, axis=dims, keepdims=keepdim, dtype=dt))
        k = x.dtype
        if k.kind == "f" and k is not _F16:
            w = _wide(x, dims) if x.size > 256 else None
            if w is not None:
                return _c(np.add.reduce(x, axis=dims, keepdims=keepdim, dtype=w).astype(k))
            return _c(np.add.reduce(x, axis=dims, keepdims=keepdim))
        r = np.add.reduce(x, axis=dims, keepdims=keepdim, dtype=_wide(x, dims) or _acc_dtype(x))
        return _c(r.astype(k) if k is _F16 or k.kind == "V" else r)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        if dims is None:                    # a full sum: g is 0-d (or all ones if keepdim)
            return expand(g, shape)
        return _grad_expand(g, shape, dims, keepdim)


class SumDim(Sum):
    node_name = "SumBackward1"


def sum(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        dtype: D.dtype | None = None) -> Tensor:
    """Sum of all elements, or over `dim` (int or tuple)."""
    nd = input._data.ndim
    dt = dtype.np if dtype is not None else None
    if dim is None:
        return Sum.apply(input, None, keepdim, dt)    # None: every dim
    return SumDim.apply(input, _rdims(dim, nd), keepdim, dt)


class Mean(prim):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.in_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.n = n
        if x.dtype is _F16 or x.dtype.kind == "V":     # float32 accumulation (bfloat16 too)
            return _c(np.mean(x, axis=dims, keepdims=keepdim, dtype=np.float32)
                      .astype(x.dtype))
        w = _wide(x, dims) if x.size > 256 else None
        if w is not None:
            return _c((np.add.reduce(x, axis=dims, keepdims=keepdim, dtype=w) / n)
                      .astype(x.dtype))
        # sum / n without np.mean's Python-level wrapper (costly on small tensors)
        return _c(np.true_divide(np.add.reduce(x, axis=dims, keepdims=keepdim), n,
                                 dtype=x.dtype))

    @staticmethod
    def backward(ctx, g):
        return _grad_expand(g / ctx.n, ctx.in_shape, ctx.dims, ctx.keepdim)


class MeanDim(Mean):
    node_name = "MeanBackward1"


def mean(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
         dtype: D.dtype | None = None) -> Tensor:
    """Mean of all elements, or over `dim`."""
    if dtype is not None:
        input = input.to(dtype)
    if input._dtype._kind < 2:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {scalar_name(input._dtype)}")
    nd = input._data.ndim
    if dim is None:
        return Mean.apply(input, tuple(range(nd)), keepdim)
    return MeanDim.apply(input, _rdims(dim, nd), keepdim)



class Prod(prim):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        dt = np.int64 if x.dtype.kind in "biu" else None
        out = _c(np.prod(x, axis=dim, keepdims=keepdim, dtype=dt))
        ctx.save_for_backward(x, out)   # the returned array: a graph tensor in backward
        ctx.dim, ctx.keepdim, ctx.in_shape = dim, keepdim, x.shape
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return g
        dim = ctx.dim
        dims = tuple(range(x.ndim)) if dim is None else (dim,)
        g = _grad_expand(g, ctx.in_shape, dims, ctx.keepdim)
        if not bool((x == 0).any()):
            # PyTorch's g * (result / x) where no element is 0 (its bits: an overflowed
            # float16 product gives inf everywhere, not the finite products of the others)
            q = _grad_expand(out, ctx.in_shape, dims, ctx.keepdim) / x
            return g * (cj(q) if g._dtype.is_complex else q)
        if g._dtype.is_complex:
            x = cj(x)
        # product of all the other elements, exact also where x has zeros
        if dim is None:
            flat = x.reshape(-1)
            return (g.reshape(-1) * _prod_others(flat, 0)).reshape(ctx.in_shape)
        return g * _prod_others(x, dim)


class ProdDim(Prod):
    node_name = "ProdBackward1"


def _prod_others(x, dim):
    n = x.shape[dim]
    ones_shape = list(x.shape)
    ones_shape[dim] = 1
    one = _wrap_dt(np.ones(ones_shape, x._dtype.np), x._dtype, x._device)
    from .movement import cat
    left = cat([one, x.narrow(dim, 0, n - 1)], dim).cumprod(dim) if n > 1 else one
    rev = x.flip(dim)
    right = cat([one, rev.narrow(dim, 0, n - 1)], dim).cumprod(dim).flip(dim) if n > 1 else one
    return left * right


def prod(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
         dtype: D.dtype | None = None) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("prod", prod, input, dim, keepdim, dtype=dtype)
    if dtype is not None:
        input = input.to(dtype)
    d = None if dim is None else norm_dim(dim, input._data.ndim)
    if d is not None and input._data.ndim == 0:     # a 0-d tensor's dim: the whole tensor
        return ProdDim.apply(input, None, keepdim)
    return (Prod if d is None else ProdDim).apply(input, d, keepdim)


class Cumsum(prim):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        if x.dtype.kind in "biu":
            return _c(np.cumsum(x, axis=dim, dtype=np.int64))
        if x.dtype.itemsize < 8:
            # PyTorch's CPU kernel accumulates float32/float16 in float64: a float32 running
            # sum drifts (10**6 x 0.1 would give 100958, not 100000)
            # (in place on a float64 copy: NumPy's cumsum with dtype= is ~2.5x slower)
            w = x.astype(np.float64)
            np.cumsum(w, axis=dim, out=w)
            return _c(w.astype(x.dtype))
        return _c(np.cumsum(x, axis=dim))

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim)


def cumsum(input: Tensor, dim: int, *, dtype: D.dtype | None = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if input._data.ndim == 0:       # (dim checked; integers still widen to int64)
        norm_dim(dim, 0)
        return _unview(Cumsum.apply(input.reshape(1), 0).reshape(()))
    return Cumsum.apply(input, norm_dim(dim, input._data.ndim))


class Cumprod(prim):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        if x.dtype.kind in "biu":
            out = np.cumprod(x, axis=dim, dtype=np.int64)
        elif x.dtype.kind == "f" and x.dtype.itemsize < 8:
            # PyTorch's CPU kernel accumulates float32 in float64 (float16 in float32) and
            # rounds each output: a float32 running product sticks at the smallest subnormal
            # where the true product underflows to 0
            # (in place on a float64 copy: NumPy's cumprod with dtype= is 3x slower)
            out = x.astype(np.float64 if x.dtype.itemsize == 4 else np.float32)
            np.cumprod(out, axis=dim, out=out)
            out = out.astype(x.dtype)
        else:
            out = np.cumprod(x, axis=dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx.dim
        if x.shape[d] == 1:     # out is x: g as is, with no path back to x (PyTorch's too)
            return g
        if g._dtype.is_complex:
            x, out = cj(x), cj(out)
        if bool((x == 0).any()):
            from .reduce_prims import cumprod_grad_zeros
            return cumprod_grad_zeros(g, x, out, d)
        return (g * out).flip(d).cumsum(d).flip(d) / x


def cumprod(input: Tensor, dim: int, *, dtype: D.dtype | None = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if input._data.ndim == 0:
        norm_dim(dim, 0)
        return _unview(Cumprod.apply(input.reshape(1), 0).reshape(()))
    return Cumprod.apply(input, norm_dim(dim, input._data.ndim))


# ---------------------------------------------------------------- max/min family

class MaxAll(prim):
    node_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, x, is_max):
        r = np.max(x) if is_max else np.min(x)
        ctx.save_for_backward(x, r)
        return r

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        m = (x == r) | (x.isnan() & r.isnan())
        # ties share the gradient evenly (PyTorch's rule for max()/min() without dim); the
        # others get an exact 0 (masked: a NaN gradient must not leak as NaN * 0)
        return (g / m.sum()).expand(x.shape).masked_fill(~m, 0.0)


class MinAll(MaxAll):
    node_name = "MinBackward1"


class Amax(prim):
    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        r = np.max(x, axis=dims, keepdims=True) if is_max else np.min(x, axis=dims,
                                                                       keepdims=True)
        ctx.save_for_backward(x, r)
        ctx.dims, ctx.keepdim, ctx.in_shape = dims, keepdim, x.shape
        return _c(r if keepdim else np.squeeze(r, axis=dims))

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        m = (x == r).to(g.dtype)
        g = _grad_expand(g, ctx.in_shape, ctx.dims, ctx.keepdim)
        return g * m / m.sum(ctx.dims, keepdim=True)


class Amin(Amax):
    node_name = "AminBackward0"


class MaxDim(prim):
    node_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        idx = np.argmax(x, axis=dim, keepdims=True) if is_max else np.argmin(x, axis=dim,
                                                                             keepdims=True)
        if x.dtype.kind in "fV":     # (V: bfloat16)
            # NaN wins, as in PyTorch
            nanpos = np.isnan(x)
            if nanpos.any():
                has = nanpos.any(axis=dim, keepdims=True)
                idx = np.where(has, np.argmax(nanpos, axis=dim, keepdims=True), idx)
        vals = np.take_along_axis(x, idx, axis=dim)
        ctx.dim, ctx.keepdim, ctx.in_shape = dim, keepdim, x.shape
        ctx.idx = idx
        if not keepdim:
            vals, idx = np.squeeze(vals, axis=dim), np.squeeze(idx, axis=dim)
        idx = idx.astype(np.int64)
        ctx.mark_non_differentiable(idx)
        return vals, idx

    @staticmethod
    def backward(ctx, g, gi=None):
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        from .indexing import scatter_grad
        return scatter_grad(g, ctx.idx, ctx.dim, ctx.in_shape)


class MinDim(MaxDim):
    node_name = "MinBackward0"


class _MinMax(tuple):
    """`(values, indices)` named result, as torch.return_types.max."""

    def __new__(cls, vals, idx):
        return tuple.__new__(cls, (vals, idx))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _named(name):
    return type(name, (_MinMax,), {"_name": name})


_max_t, _min_t = _named("max"), _named("min")
_sort_t, _topk_t = _named("sort"), _named("topk")
_kth_t, _median_t, _mode_t = _named("kthvalue"), _named("median"), _named("mode")


def _nonempty(name: str, input: Tensor, dims) -> None:
    """PyTorch's IndexError for a reduction over a dim of size 0 (NumPy's is a ValueError
    about identities, or an index out of bounds)."""
    shape = input._data.shape
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _minmax(input, dim, keepdim, other, is_max):
    from .elementwise import maximum, minimum
    if input._dtype.is_complex and dim is None and other is None:
        refuse("max" if is_max else "min", input)
    elif input._dtype.is_complex and not isinstance(dim, Tensor) and other is None:
        refuse("max_dim" if is_max else "min_dim", input)
    if isinstance(dim, Tensor):
        return (maximum if is_max else minimum)(input, dim)
    if other is not None:
        return (maximum if is_max else minimum)(input, other)
    if input._data.size == 0 and dim is None:
        raise RuntimeError(f"{'max' if is_max else 'min'}(): Expected reduction dim to be "
                           f"specified for input.numel() == 0. Specify the reduction dim with "
                           f"the 'dim' argument.")
    if dim is None:
        return (MaxAll if is_max else MinAll).apply(input, is_max)
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    if nd == 0:
        return (_max_t if is_max else _min_t)(input.clone(), _wrap(np.array(0)))
    _nonempty("max" if is_max else "min", input, (d,))
    v, i = (MaxDim if is_max else MinDim).apply(input, d, keepdim, is_max)
    return (_max_t if is_max else _min_t)(v, i)


def max(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        other: Tensor | None = None) -> Tensor | tuple[Tensor, ...]:
    """Largest element, or (values, indices) along `dim`, or elementwise with a tensor."""
    return _minmax(input, dim, keepdim, other, True)


def min(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        other: Tensor | None = None) -> Tensor | tuple[Tensor, ...]:
    return _minmax(input, dim, keepdim, other, False)


def amax(input: Tensor, dim: int | Sequence[int] | None = (), keepdim: bool = False) -> Tensor:
    refuse("amax", input)
    return Amax.apply(input, _amdims("amax", input, dim), keepdim, True)


def amin(input: Tensor, dim: int | Sequence[int] | None = (), keepdim: bool = False) -> Tensor:
    refuse("amin", input)
    return Amin.apply(input, _amdims("amin", input, dim), keepdim, False)


def _amdims(name, input, dim):
    dims = _rdims(dim if dim != () else None, input._data.ndim)
    if input._data.size == 0 and dim in ((), None):
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                           f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                           f"argument.")
    _nonempty(name, input, dims)
    return dims


def _arg(input, dim, keepdim, is_max):
    refuse("argmax" if is_max else "argmin", input)
    if input._dtype is D.bool_:
        raise RuntimeError(f"\"{'argmax' if is_max else 'argmin'}_cpu\" not implemented for "
                           f"'Bool'")
    x = input._data
    f = np.argmax if is_max else np.argmin
    if dim is None and not x.size:
        raise IndexError(f"{'argmax' if is_max else 'argmin'}(): Expected reduction dim to be "
                         f"specified for input.numel() == 0.")
    if dim is not None and x.ndim:
        _nonempty("argmax" if is_max else "argmin", input, (norm_dim(dim, x.ndim),))
    if dim is None:
        r = f(x.reshape(-1))
        if keepdim:
            r = np.asarray(r).reshape((1,) * x.ndim)
        return _wrap(np.asarray(r, np.int64, order="C"), input._device)
    d = norm_dim(dim, x.ndim)
    if x.ndim == 0:
        return _wrap(np.array(0, np.int64))
    return _wrap(np.asarray(f(x, axis=d, keepdims=keepdim), np.int64), input._device)


def argmax(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, True)


def argmin(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, False)


def aminmax(input: Tensor, *, dim: int | Sequence[int] | None = None,
            keepdim: bool = False) -> tuple[Tensor, ...]:
    if dim is not None and input._data.ndim and not input._data.shape[norm_dim(dim,
                                                                              input._data.ndim)]:
        raise IndexError(f"aminmax: Expected reduction dim {norm_dim(dim, input._data.ndim)} "
                         f"to have non-zero size.")
    return amin(input, dim if dim is not None else (), keepdim), amax(
        input, dim if dim is not None else (), keepdim)


# ---------------------------------------------------------------- statistics

def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def var(input: Tensor, dim: int | Sequence[int] | None = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Variance (Bessel-corrected by default)."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    if input._dtype is D.float16 or input._data.dtype.kind == "V":   # accumulate in float32
        return var(input.float(), dim, None, keepdim, correction=c).to(input._dtype)
    nd = input._data.ndim
    dims = _rdims(dim, nd)
    n = 1
    for d in dims:
        n *= input._data.shape[d]
    if (dim is None or nd == 0) and n - c <= 0 and input._data.dtype.kind == "f":
        return VarNoDof.apply(input, keepdim)
    if input._data.dtype.kind == "f":
        return Var.apply(input, dims if dims else tuple(range(nd)), keepdim, n, c)
    mu = mean(input, dims, keepdim=True)
    dev = input - mu
    if dev._dtype.is_complex:       # |dev|^2: a real variance, as PyTorch's
        dev = view_as_real(dev)
        s = sum(dev * dev, dims + (dev._data.ndim - 1,), keepdim=keepdim)
        if keepdim:
            s = s.squeeze(-1)
        return s / builtins.max(n - c, 0)
    s = sum(dev * dev, dims, keepdim=keepdim)
    return s / builtins.max(n - c, 0)


class StdSqrt(prim):
    """sqrt of a variance whose gradient is 0 where the variance is 0 (PyTorch's std_backward
    masks it there: a constant input has std 0 and gradient 0, not 0 * inf = NaN)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, v):
        r = np.sqrt(v)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return (g / (2 * r)).masked_fill(r == 0, 0.0)


def std(input: Tensor, dim: int | Sequence[int] | None = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Standard deviation (Bessel-corrected by default); gradient 0 at zero spread."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    if input._data.dtype.kind == "f" and input._dtype is not D.float16:
        nd = input._data.ndim
        dims = _rdims(dim, nd)
        n = 1
        for d in dims:
            n *= input._data.shape[d]
        if not ((dim is None or nd == 0) and n - c <= 0):
            return Std.apply(input, dims if dims else tuple(range(nd)), keepdim, n, c)
    return StdSqrt.apply(var(input, dim, None, keepdim, correction=c))


def var_mean(input: Tensor, dim: int | Sequence[int] | None = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, ...]:
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input: Tensor, dim: int | Sequence[int] | None = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, ...]:
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def norm(input: Tensor, p: float | str | None = "fro", dim: int | Sequence[int] | None = None,
         keepdim: bool = False, dtype: D.dtype | None = None) -> Tensor:
    """Vector p-norm (or Frobenius) over all elements or `dim`."""
    if dtype is None and input._dtype._kind < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input._dtype} (norm)")
    x = input if dtype is None else input.to(dtype)
    if x._dtype.is_complex:     # a norm only sees the moduli
        x = x.abs()
    if p == "fro" or p == 2 or p is None:
        return _l2(x, dim, keepdim)
    if p == float("inf"):
        return x.abs().amax(dim if dim is not None else (), keepdim)
    if p == float("-inf"):
        return x.abs().amin(dim if dim is not None else (), keepdim)
    if p == 1:
        return x.abs().sum(dim, keepdim)
    if p == "nuc":      # the nuclear norm of the matrices over dim (the last two by default)
        from ..linalg import matrix_norm
        return matrix_norm(input if dtype is None else x, "nuc", (-2, -1) if dim is None
                           else dim, keepdim)
    # any other p: linalg's primitive, with PyTorch's gradient (0 where the norm is 0, and
    # where x is 0 for p < 1; p == 0 counts non-zeros and has a zero gradient)
    from .linalg_decomp import VectorNorm
    half = x._dtype in (D.float16, D.bfloat16)      # accumulated in float32, as PyTorch's
    r = VectorNorm.apply(x.float() if half else x, float(p), _rdims(dim, x._data.ndim), keepdim)
    return r.to(x._dtype) if half else r


def _l2(x, dim, keepdim):
    dims = _rdims(dim, x._data.ndim)
    return L2.apply(x, dims, keepdim)


class LogSumExp(prim):
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        m = np.max(x, axis=dims, keepdims=True, initial=-np.inf)  # initial: empty slices
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        if x.dtype.kind == "V" or x.dtype == _F16:  # PyTorch composes 16-bit ops (each rounds),
            s = np.sum(np.exp(x - m), axis=dims, keepdims=True, dtype=np.float32)   # f32 sum
            r = np.log(s.astype(x.dtype)) + m
        else:
            r = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        ctx.kshape = r.shape
        out = _c(r if keepdim else np.squeeze(r, axis=dims))
        ctx.save_for_backward(x, out)     # the returned array: a graph tensor in backward
        return out

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        if g._dtype.is_complex:
            x, r = cj(x), cj(r)
        r = r.reshape(ctx.kshape)
        g = g.reshape(ctx.kshape)
        return g * (x - r).exp()


def logsumexp(input: Tensor, dim: int | Sequence[int] | None, keepdim: bool = False) -> Tensor:
    input = as_float(input)
    return LogSumExp.apply(input, _rdims(dim, input._data.ndim), keepdim)


# ---------------------------------------------------------------- boolean reductions

def all(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    r = np.all(input._data, axis=None if dim is None else _rdims(dim, input._data.ndim),
               keepdims=keepdim)
    # uint8 in, uint8 out (PyTorch's legacy rule); bool otherwise
    return _wrap(np.asarray(r, np.uint8 if input._dtype is D.uint8 else bool, order="C"),
                 input._device)


def any(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    r = np.any(input._data, axis=None if dim is None else _rdims(dim, input._data.ndim),
               keepdims=keepdim)
    return _wrap(np.asarray(r, np.uint8 if input._dtype is D.uint8 else bool, order="C"),
                 input._device)


def count_nonzero(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    r = np.count_nonzero(input._data, axis=None if dim is None else _rdims(
        dim, input._data.ndim))
    return _wrap(np.asarray(r, np.int64, order="C"), input._device)


# ---------------------------------------------------------------- order statistics

def _median_pos(x, d):
    """Where the median sits in the stable ascending order along `d` (kept as size 1): the
    lower middle, or, in a slice holding NaN, its first NaN (NaN is the median, as in
    PyTorch; the sort puts NaNs last)."""
    n = x.shape[d] if x.ndim else 1
    k = np.full(x.shape[:d] + (1,) + x.shape[d + 1:] if x.ndim else (1,), (n - 1) // 2)
    if x.dtype.kind in "fV":     # (V: bfloat16)
        nans = np.isnan(x).sum(axis=d, keepdims=True) if x.ndim else np.isnan(x).reshape(1)
        k = np.where(nans > 0, n - nans, k)
    return k


def median(input: Tensor, dim: int | Sequence[int] | None = None,
           keepdim: bool = False) -> Tensor | tuple[Tensor, ...]:
    """Lower median (PyTorch's rule: no averaging of the two middle values)."""
    refuse("median", input)
    from .indexing import gather
    if input._dtype is D.bool_ and input._data.size:
        raise NotImplementedError("\"median_out\" not implemented for 'Bool'")
    if dim is None:
        flat = input.reshape(-1)
        if not flat._data.size:
            from .elementwise import no_derivative
            # PyTorch's NaN cast as x86 casts it: int32/int64 the lowest value, narrower
            # integers 0, bool True
            k = flat._dtype.np
            v = (np.nan if k.kind in "fV" else np.iinfo(k).min if k.kind == "i" and
                 k.itemsize >= 4 else 0 if k.kind in "iu" else True)
            return no_derivative(_wrap_dt(np.asarray(v, k), flat._dtype, flat._device),
                                 "median", input)
        order = np.argsort(flat._data, kind="stable")
        # a new tensor (flat[i] alone would be a view of the input)
        return flat[int(order[_median_pos(flat._data, 0)][0])].clone()
    d = norm_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return _median_t(input.clone(), _wrap(np.array(0)))
    _nonempty("median", input, (d,))
    order = np.argsort(input._data, axis=d, kind="stable")
    idx = np.take_along_axis(order, _median_pos(input._data, d), d).astype(np.int64)
    vals = gather(input, d, _wrap(idx))
    if not keepdim:
        vals = _unview(vals.squeeze(d))
        idx = idx.squeeze(d)
    return _median_t(vals, _wrap(idx))


def nanmean(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    """Mean of the non-NaN elements."""
    if input._dtype._kind < 2:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                           f"but got {scalar_name(input._dtype)}")
    m = ~input.isnan()
    return NanZero.apply(input).sum(dim, keepdim) / m.sum(dim, keepdim)


def nansum(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    return NanZero.apply(input).sum(dim, keepdim)


def _float_default():
    return D.get_default_dtype()


# the 2-norm's and nansum's primitives live in tocha/_ops/reduce_prims.py (this file's size)
from .reduce_prims import L2, NanZero

# softmax and log_softmax live in tocha/_ops/softmax.py (this file's size); still reachable here
from .softmax import LogSoftmax, Softmax, log_softmax, softmax  # noqa: F401

# var's primitives live in tocha/_ops/variance.py (this file's size)
from .variance import Std, Var, VarNoDof
