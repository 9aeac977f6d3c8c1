"""More of `torch.*`, composed from tocha's existing ops (so gradients come from theirs):
stacking/splitting helpers, products, statistics, windows, scatter views, constants, dtype
info, and the functional forms of in-place Tensor methods (`torch.abs_(x)`).

Each name is exported only where tocha does not define it already (`tocha/__init__.py`).
"""
from __future__ import annotations

import builtins
import itertools
import math

import tocha
from tocha import Tensor
from tocha._tensor import _as_view, _unview

from . import _autocast

e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
newaxis = None
has_lapack = True      # NumPy's linear algebra
has_spectral = True    # NumPy's FFT
has_mkl = False
has_openmp = False

__all__ = [
    "e",
    "has_lapack",
    "has_mkl",
    "has_openmp",
    "has_spectral",
    "inf",
    "nan",
    "newaxis",
    "pi",
]


def _public(fn):
    __all__.append(fn.__name__)
    return fn


# ---------------------------------------------------------------- shapes, stacking, splitting
@_public
def atleast_1d(*tensors):
    """Each tensor with at least 1 dimension (a tuple for several inputs)."""
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = tuple(t.reshape(1) if t.ndim == 0 else t for t in ts)
    return out[0] if len(out) == 1 else out


@_public
def atleast_2d(*tensors):
    """Each tensor with at least 2 dimensions (0-d -> (1, 1), 1-d (n,) -> (1, n))."""
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = tuple(t.reshape(1, 1) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t
                for t in ts)
    return out[0] if len(out) == 1 else out


@_public
def atleast_3d(*tensors):
    """Each tensor with at least 3 dims ((n,) -> (1, n, 1), (m, n) -> (m, n, 1))."""
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors

    def up(t):
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.reshape(1, -1, 1)
        return t.unsqueeze(-1) if t.ndim == 2 else t
    out = tuple(up(t) for t in ts)
    return out[0] if len(out) == 1 else out


@_public
def column_stack(tensors) -> Tensor:
    """Stack 0-d/1-d tensors as columns and concatenate 2-d ones along dim 1."""
    cols = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors]
    return tocha.cat(cols, 1)


@_public
def row_stack(tensors) -> Tensor:
    """Alias of vstack."""
    return tocha.vstack(tensors)


@_public
def dstack(tensors) -> Tensor:
    """Concatenate along the third dimension (after atleast_3d)."""
    return tocha.cat([atleast_3d(t) for t in tensors], 2)


def _split_at(input: Tensor, indices_or_sections, dim: int, op: str):
    if isinstance(indices_or_sections, int) and input.shape[dim] % indices_or_sections:
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {input.shape[dim]} is not divisible by "
                           f"the split_size {indices_or_sections}!")
    return tocha.tensor_split(input, indices_or_sections, dim)


@_public
def hsplit(input: Tensor, indices_or_sections):
    """Split along dim 1 (dim 0 for 1-d tensors)."""
    return _split_at(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit")


@_public
def vsplit(input: Tensor, indices_or_sections):
    """Split along dim 0 (needs at least 2 dims)."""
    if input.ndim < 2:
        raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got "
                           f"a tensor with {input.ndim} dimensions!")
    return _split_at(input, indices_or_sections, 0, "vsplit")


@_public
def dsplit(input: Tensor, indices_or_sections):
    """Split along dim 2 (needs at least 3 dims)."""
    if input.ndim < 3:
        raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got "
                           f"a tensor with {input.ndim} dimensions!")
    return _split_at(input, indices_or_sections, 2, "dsplit")


@_public
def split_with_sizes(input: Tensor, split_sizes, dim: int = 0):
    return tocha.split(input, list(split_sizes), dim)


@_public
def unsafe_split(input: Tensor, split_size, dim: int = 0):
    # (PyTorch's outputs share memory, not views' rules nor version counters)
    return tuple(_unview(t, True) for t in tocha.split(input, split_size, dim))


@_public
def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: int = 0):
    return tuple(_unview(t, True) for t in tocha.split(input, list(split_sizes), dim))


@_public
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0):
    return tuple(_unview(t, True) for t in tocha.chunk(input, chunks, dim))


@_public
def block_diag(*tensors) -> Tensor:
    """Tensors (0-d, 1-d or 2-d) placed along the diagonal of one 2-d tensor."""
    mats = [t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t
            for t in tensors]
    if not mats:
        return tocha.zeros(1, 0)
    dt = mats[0].dtype
    for m in mats[1:]:
        dt = tocha.promote_types(dt, m.dtype)
    cols = builtins.sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        right = cols - left - m.shape[1]
        rows.append(tocha.cat([tocha.zeros(m.shape[0], left, dtype=dt), m.to(dt),
                               tocha.zeros(m.shape[0], right, dtype=dt)], 1))
        left += m.shape[1]
    return tocha.cat(rows, 0)


@_public
def cartesian_prod(*tensors) -> Tensor:
    """All combinations of the 1-d inputs' elements, one per row."""
    if len(tensors) == 1:
        return tensors[0]
    k, sizes = len(tensors), [t.shape[0] for t in tensors]
    cols = []
    for i, t in enumerate(tensors):
        shape = [1] * k
        shape[i] = sizes[i]
        cols.append(t.reshape(shape).expand(*sizes).reshape(-1))
    return tocha.stack(cols, 1)


@_public
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Length-r combinations of a 1-d tensor's elements (as itertools), one per row."""
    n = input.shape[0]
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = list(pick(range(n), r))
    if not idx:
        return input.new_empty(0) if r != 1 else input.new_empty(0, 1)
    index = tocha.tensor(idx, dtype=tocha.int64)
    return input[index.reshape(-1)].reshape(len(idx), r)


@_public
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """nonzero() padded with fill_value (or cut) to exactly `size` rows."""
    nz = tocha.nonzero(input)
    if nz.shape[0] >= size:
        return nz[:size]
    pad = tocha.full((size - nz.shape[0], input.ndim), fill_value, dtype=tocha.int64)
    return tocha.cat([nz, pad], 0)


@_public
def unravel_index(indices, shape):
    """Flat indices -> a tuple of coordinate tensors for `shape`."""
    idx = indices if isinstance(indices, Tensor) else tocha.tensor(indices)
    if idx.dtype.is_floating_point or idx.dtype is tocha.bool:
        raise TypeError("expected 'indices' to be integer dtype, but got "
                        f"{idx.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    total = math.prod(shape)
    if bool(((idx < -total) | (idx >= total)).any()):
        raise ValueError("indices must be in range [-prod(shape), prod(shape) - 1]")
    idx = tocha.where(idx < 0, idx + total, idx)
    out = []
    for s in reversed(shape):
        out.append(idx % s)
        idx = idx // s
    return tuple(reversed(out))


# ---------------------------------------------------------------- products and statistics
@_public
def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Sum over the last `dims` dims of a and the first of b, or over the listed dim pairs."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    elif isinstance(dims, Tensor):
        da, db = dims[0].tolist(), dims[1].tolist()
        da, db = ([da], [db]) if isinstance(da, int) else (da, db)
    else:
        da, db = dims
        da, db = ([da], [db]) if isinstance(da, int) else (list(da), list(db))
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da, db = [d % a.ndim for d in da], [d % b.ndim for d in db]
    for x, y in zip(da, db, strict=True):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[x]} in dim {x} and second has size {b.shape[y]} in "
                               f"dim {y}")
    fa, fb = [d for d in range(a.ndim) if d not in da], [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    am = a.permute(*fa, *da).reshape(math.prod(a.shape[d] for d in fa), k)
    bm = b.permute(*db, *fb).reshape(k, math.prod(b.shape[d] for d in fb))
    return (am @ bm).reshape(*[a.shape[d] for d in fa], *[b.shape[d] for d in fb])


@_public
def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product: blocks input[i] * other."""
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    a_sh = [s for d in range(nd) for s in (a.shape[d], 1)]
    b_sh = [s for d in range(nd) for s in (1, b.shape[d])]
    out = a.reshape(a_sh) * b.reshape(b_sh)
    return _unview(out.reshape([a.shape[d] * b.shape[d] for d in range(nd)]))


@_public
def chain_matmul(*matrices) -> Tensor:
    """Product of 2-d matrices, left to right."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = matrices[0]
    out = matrices[0]
    for m in matrices[1:]:
        out = out @ m
    return out


@_public
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("addbmm", addbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    return beta * input + alpha * tocha.bmm(batch1, batch2).sum(0)


@_public
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2)."""
    return beta * input + alpha * tocha.outer(vec1, vec2)


@_public
def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (a view for real tensors)."""
    return input.transpose(-2, -1)


@_public
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """3-vector cross product along `dim` (default: the first dim of size 3)."""
    if dim is None:
        dim = next((d for d in range(input.ndim) if input.shape[d] == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a = [input.select(dim, i) for i in range(3)]
    b = [other.select(dim, i) for i in range(3)]
    return tocha.stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                        a[0] * b[1] - a[1] * b[0]], dim)


@_public
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """p-norm of input - other."""
    return (input - other).norm(p)


@_public
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """Pairwise p-norm distances between the rows of x1 (.., P, M) and x2 (.., R, M)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("cdist", cdist, x1, x2, p, compute_mode)
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if p == math.inf:
        from ._ops.linalg_decomp import ChebyshevDist
        return ChebyshevDist.apply(diff)
    return diff.norm(p, -1)


@_public
def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """Covariance of the rows (variables) of a 2-d input over its columns (observations)."""
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if not x.dtype.is_floating_point:
        x = x.to(tocha.get_default_dtype())
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        n = x.shape[1]
        avg = x.mean(1, keepdim=True)
        norm = n - correction
        xm = x - avg
        c = xm @ xm.T / norm
    else:
        w = w.to(x.dtype)
        wsum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / wsum
        if aweights is None:
            norm = wsum - correction
        else:
            norm = wsum - correction * (w * aweights).sum() / wsum
        xm = x - avg
        c = (xm * w) @ xm.T / norm
    # (PyTorch's result is a view of its product, as reshape's here)
    return c.reshape(()) if input.ndim < 2 else _as_view(c)


@_public
def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal().sqrt()
    return (c / d.unsqueeze(1) / d.unsqueeze(0)).clamp(-1, 1)


@_public
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(input))) along dim, shifted by the max for stability."""
    if input.numel() == 0:
        return input.clone()
    m = input.detach().amax(dim, keepdim=True)
    m = tocha.where(tocha.isfinite(m), m, tocha.zeros_like(m))
    return (input - m).exp().cumsum(dim).log() + m


@_public
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along `dim` rescaled so its p-norm is at most maxnorm."""
    dims = [d for d in range(input.ndim) if d != dim % input.ndim]
    norms = input.norm(p, dims, keepdim=True)
    scale = tocha.where(norms > maxnorm, maxnorm / (norms + 1e-7), tocha.ones_like(norms))
    return input * scale


@_public
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Vandermonde matrix: columns x^(N-1), ..., x^0 (reversed if increasing)."""
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    powers = tocha.arange(n, dtype=tocha.int64)
    if not increasing:
        powers = powers.flip(0)
    base = x if x.dtype.is_floating_point else x.to(tocha.int64)
    return base.unsqueeze(-1) ** powers


def _trap_spacing(y: Tensor, x, dx, dim: int):
    if x is not None:
        return x.diff(dim=dim if x.ndim == y.ndim else -1) if isinstance(x, Tensor) else x
    return 1 if dx is None else dx


@_public
def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Trapezoidal rule along dim, with sample points x or spacing dx."""
    n = y.shape[dim]
    if n == 0:
        return y.sum(dim)
    avg = (y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) / 2
    return (avg * _trap_spacing(y, x, dx, dim)).sum(dim)


@_public
def trapz(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    return trapezoid(y, x, dx=dx, dim=dim)


@_public
def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Running trapezoidal integral along dim (one shorter than y)."""
    n = y.shape[dim]
    avg = (y.narrow(dim, 1, max(n - 1, 0)) + y.narrow(dim, 0, max(n - 1, 0))) / 2
    return (avg * _trap_spacing(y, x, dx, dim)).cumsum(dim)


@_public
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Histogram of equal-width bins between min and max (the data's range when equal).

    As PyTorch's: float inputs only; a range that is not finite (NaN or inf in the data when
    no range is given) is an error, not an empty histogram; each element's bin is
    (x - min) * bins / (max - min) in the input's dtype."""
    if not input.dtype.is_floating_point:
        name = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool"}.get(str(input.dtype).split(".")[-1])
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{name}\'')
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           f"dimension 0")
    lo, hi = float(min), float(max)
    if hi < lo:
        raise RuntimeError("torch.histc: max must be larger than min")
    data = input.detach().reshape(-1)
    if lo == hi and data.numel():
        lo, hi = float(data.min()), float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    lo_t, hi_t = (tocha.tensor(v, dtype=input.dtype) for v in (lo, hi))
    data = data[(data >= lo_t) & (data <= hi_t)]
    idx = ((data - lo_t) * bins / (hi_t - lo_t)).floor().to(tocha.int64).clamp(0, bins - 1)
    return tocha.bincount(idx, minlength=bins).to(input.dtype)


@_public
def bucketize(input, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False, out=None) -> Tensor:
    """Index of the bucket of each value (boundaries sorted ascending)."""
    x = input if isinstance(input, Tensor) else tocha.tensor(input)
    out = tocha.searchsorted(boundaries, x, right=right)
    return out.to(tocha.int32) if out_int32 else out


# ---------------------------------------------------------------- diagonals and scatters
@_public
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Put the last dim of input on the (offset) diagonal of new dims dim1, dim2."""
    n = input.shape[-1] + abs(offset)
    # out[..., i, j] = input[..., k] where (i, j) = (k, k + offset) or (k - offset, k)
    k = input.shape[-1]
    sel = tocha.zeros(k, n, n, dtype=input.dtype)
    for i in range(k):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        sel[i, r, c] = 1
    out = (input.unsqueeze(-1).unsqueeze(-1) * sel).sum(-3)
    nd = out.ndim
    d1, d2 = dim1 % nd, dim2 % nd
    if (d1, d2) != (nd - 2, nd - 1):
        out = out.movedim((nd - 2, nd - 1), (d1, d2))
    return out


@_public
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A 2-d tensor with the flattened input on its (offset) diagonal."""
    return diag_embed(input.reshape(-1), offset)


@_public
def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """A copy of input whose diagonal (as `input.diagonal(offset, dim1, dim2)`) is src."""
    nd = input.ndim
    d1, d2 = dim1 % nd, dim2 % nd
    x = input.movedim((d1, d2), (nd - 2, nd - 1))
    n1, n2 = x.shape[-2], x.shape[-1]
    k = src.shape[-1]
    sel = tocha.zeros(k, n1, n2, dtype=input.dtype)
    for i in range(k):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        sel[i, r, c] = 1
    mask = sel.sum(0)
    out = x * (1 - mask) + (src.unsqueeze(-1).unsqueeze(-1) * sel).sum(-3)
    return _unview(out.movedim((nd - 2, nd - 1), (d1, d2)))


@_public
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of input whose `select(dim, index)` is src."""
    out = input.clone()
    out.select(dim, index).copy_(src)
    return out


@_public
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None,
                  step: int = 1) -> Tensor:
    """A copy of input whose slice start:end:step along dim is src."""
    out = input.clone()
    idx = [slice(None)] * input.ndim
    idx[dim] = slice(start, end, step)
    out[tuple(idx)] = src
    return out


# view ops and their `*_copy` forms: the op, then a copy
_COPIES = {"alias_copy": "view_as", "detach_copy": "detach", "diagonal_copy": "diagonal",
           "expand_copy": "expand", "narrow_copy": "narrow", "permute_copy": "permute",
           "select_copy": "select", "slice_copy": None, "split_copy": "split",
           "split_with_sizes_copy": "split", "squeeze_copy": "squeeze", "t_copy": "t",
           "transpose_copy": "transpose", "unbind_copy": "unbind", "unfold_copy": "unfold",
           "unsqueeze_copy": "unsqueeze", "view_copy": "view", "as_strided_copy": None}


def _copy_op(name: str, method: str):
    def fn(input: Tensor, *args, **kwargs):
        if name == "alias_copy":
            return input.clone()
        out = getattr(input, method)(*args, **kwargs)
        return tuple(o.clone() for o in out) if isinstance(out, (tuple, list)) else out.clone()
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"`input.{method}(...)`, copied (not a view)."
    return fn


for _name, _method in _COPIES.items():
    if _method is not None and hasattr(Tensor, _method):
        globals()[_name] = _copy_op(_name, _method)
        __all__.append(_name)


# ---------------------------------------------------------------- the functional forms of
# in-place Tensor methods: torch.abs_(x) is x.abs_()
_INPLACE = {n: n for n in (
    "abs_", "acos_", "asin_", "atan_", "ceil_", "clamp_", "clamp_max_", "clamp_min_",
    "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "exp2_", "exp_", "expm1_",
    "fill_", "floor_", "frac_", "log10_", "log1p_", "log2_", "log_", "logit_",
    "nan_to_num_", "neg_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_",
    "sigmoid_", "sin_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_",
    "zero_", "acosh_", "asinh_", "atanh_", "erfc_", "i0_", "sinc_", "gcd_", "lcm_",
    "ldexp_",
)}
_INPLACE.update({"arccos_": "acos_", "arcsin_": "asin_", "arctan_": "atan_",
                 "arccosh_": "acosh_", "arcsinh_": "asinh_", "arctanh_": "atanh_",
                 "fix_": "trunc_", "negative_": "neg_"})


def _inplace_op(name: str, method: str):
    def fn(input: Tensor, *args, **kwargs) -> Tensor:
        return getattr(input, method)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"`input.{method}(...)`: in place, returns input."
    return fn


for _name, _method in _INPLACE.items():
    if hasattr(Tensor, _method):
        globals()[_name] = _inplace_op(_name, _method)
        __all__.append(_name)


# ---------------------------------------------------------------- elementwise composites
def _t(x, like: Tensor) -> Tensor:
    return x if isinstance(x, Tensor) else tocha.tensor(x, dtype=like.dtype)


@_public
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, `values` where input == 0, 1 where input > 0."""
    v = _t(values, input)
    if isinstance(values, Tensor) and values.dtype != input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return tocha.where(input == 0, v, (input > 0).to(tocha.promote_types(input.dtype, v.dtype)))


@_public
def copysign(input: Tensor, other) -> Tensor:
    """|input| with the sign of other (the sign bit: -0.0 counts as negative)."""
    o = _t(other, input)
    x = input if input.dtype.is_floating_point else input.to(tocha.get_default_dtype())
    return tocha.where(tocha.signbit(o), -x.abs(), x.abs())


@_public
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^input + 2^other), computed stably."""
    from ._ops.elementwise import logaddexp2 as _logaddexp2
    return _logaddexp2(input, other)


@_public
def sinc(input: Tensor) -> Tensor:
    """sin(pi x) / (pi x), 1 at 0."""
    x = input if input.dtype.is_floating_point else input.to(tocha.get_default_dtype())
    px = x * math.pi
    safe = tocha.where(x == 0, tocha.ones_like(px), px)
    return tocha.where(x == 0, tocha.ones_like(px), safe.sin() / safe)


@_public
def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """input * 2^other."""
    x = input if input.dtype.is_floating_point else input.to(tocha.get_default_dtype())
    return x * tocha.exp2(other.to(x.dtype))


@_public
def isreal(input: Tensor) -> Tensor:
    """True everywhere for real dtypes (complex: where the imaginary part is 0)."""
    if input.dtype.is_complex:
        return input.imag == 0
    return tocha.ones_like(input, dtype=tocha.bool)


def _shift_operands(input, other, kernel: str):
    """(x, other) for a shift: integer and bool operands only, as PyTorch's kernels."""
    from ._dtype_ext import scalar_name
    x = input if isinstance(input, Tensor) else tocha.tensor(input)
    for t in (x, other):
        dt = t.dtype if isinstance(t, Tensor) else (
            tocha.get_default_dtype() if isinstance(t, float) else None)
        if dt is not None and (dt.is_floating_point or dt.is_complex):
            raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(dt)}\'')
    return x, _t(other, x)


@_public
def bitwise_left_shift(input, other) -> Tensor:
    """input << other for integer tensors (input * 2^other)."""
    x, n = _shift_operands(input, other, "lshift_cpu")
    return x * (2 ** n)


@_public
def bitwise_right_shift(input, other) -> Tensor:
    """input >> other for integer tensors (arithmetic shift: floor division by 2^other)."""
    x, n = _shift_operands(input, other, "rshift_cpu")
    return x.div(2 ** n, rounding_mode="floor")


@_public
def frobenius_norm(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """sqrt of the sum of squares over `dim`."""
    return (input * input).sum(dim, keepdim=keepdim).sqrt()


@_public
def native_dropout(input: Tensor, p: float, train: bool | None):
    """(dropout(input), the boolean keep-mask)."""
    if not train:
        return input.clone(), tocha.ones_like(input, dtype=tocha.bool)
    keep = tocha.empty(input.shape, dtype=input.dtype).bernoulli_(1 - p).to(tocha.bool)
    scale = 0.0 if p == 1 else 1 / (1 - p)
    return input * keep * scale, keep


@_public
def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1):
    """Central differences inside, one-sided at the edges (edge_order 1), per dim; `spacing`
    is one number or one per dim."""
    if edge_order != 1:
        raise RuntimeError("torch.gradient only supports edge_order=1 in tocha")
    dims = list(range(input.ndim)) if dim is None else \
        ([dim] if isinstance(dim, int) else list(dim))
    hs = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(hs) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                           f"a list of length {len(dims)} but got a list of length {len(hs)}")
    out = []
    for d, h in zip(dims, hs, strict=True):
        h = float(h.item()) if isinstance(h, Tensor) else float(h)
        n = input.shape[d]
        if n < 2:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
        first = (input.narrow(d, 1, 1) - input.narrow(d, 0, 1)) / h
        last = (input.narrow(d, n - 1, 1) - input.narrow(d, n - 2, 1)) / h
        mid = (input.narrow(d, 2, n - 2) - input.narrow(d, 0, n - 2)) / (2 * h)
        out.append(tocha.cat([first, mid, last], d))
    return tuple(out)


@_public
def quantile(input: Tensor, q, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear", out=None) -> Tensor:
    """The q-th quantiles along dim (all elements when None), interpolating as asked
    ('linear', 'lower', 'higher', 'nearest', 'midpoint')."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("quantile", quantile, **locals())
    from ._ops.math_ext import quantile_
    return quantile_(input, q, dim, keepdim, interpolation, False)
