"""More math ops (issue 8): `gcd`, `lcm`, `nextafter`, `frexp`, `cummax`/`cummin`, `mode`,
`nanmedian`, `nanquantile`. Each is `torch.<name>` and `Tensor.<name>`; gcd/lcm/nextafter
also have in-place forms (wired through `Tensor._inplace` in tocha/_tensor_methods.py).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _unview, _wrap
from ._util import norm_dim, prim
from .arith import _nograd_binary, no_derivative
from .reduce import _mode_t, _named

__all__ = ["cummax", "cummin", "frexp", "gcd", "lcm", "mode", "nanmedian", "nanquantile",
           "nextafter"]

_cummax_t, _cummin_t, _nanmedian_t = _named("cummax"), _named("cummin"), _named("nanmedian")
_TW = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
       "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
       "bfloat16": "BFloat16"}


def _kinds(op: str, allowed: str, *ts) -> None:
    for t in ts:
        if isinstance(t, Tensor) and t._data.dtype.kind not in allowed:
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                      f"'{_TW.get(t._dtype.name, t._dtype.name)}'")


def _promoted_check(op: str, allowed: str, a, b) -> None:
    _kinds(op, allowed, a, b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        dt = D.promote_types(a._dtype, b._dtype)
        if np.dtype(dt.np).kind not in allowed:
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for "
                                      f"'{_TW.get(dt.name, dt.name)}'")


def gcd(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (always >= 0).

    >>> import tocha
    >>> tocha.gcd(tocha.tensor([4, -6]), tocha.tensor([6, 4]))
    tensor([2, 2])
    """
    _promoted_check("gcd", "iub", input, other)
    return _nograd_binary(np.gcd, input, other, "gcd")


def lcm(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise least common multiple of integer tensors (always >= 0)."""
    _promoted_check("lcm", "iub", input, other)
    return _nograd_binary(np.lcm, input, other, "lcm")


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next float after `input` towards `other` (no gradient, as in PyTorch)."""
    _promoted_check("nextafter", "f", input, other)
    out = _nograd_binary(np.nextafter, input, other, "nextafter")
    return no_derivative(out, "nextafter", input, other)


class _Frexp(prim):
    node_name = "FrexpBackward0"

    @staticmethod
    def forward(ctx, x):
        m, e = np.frexp(x)
        ctx.e = e
        ctx.mark_non_differentiable(e)
        return m, e.astype(np.int32)

    @staticmethod
    def backward(ctx, gm, ge):
        # mantissa = x / 2**e with e piecewise constant
        return gm / _wrap(np.exp2(ctx.e).astype(gm._data.dtype))


class _FrexpResult(tuple):
    """`(mantissa, exponent)`, as torch.return_types.frexp."""

    mantissa = property(lambda self: self[0])
    exponent = property(lambda self: self[1])

    def __repr__(self) -> str:
        return (f"torch.return_types.frexp(\nmantissa={self[0]!r},\nexponent={self[1]!r})")


def frexp(input: Tensor) -> tuple[Tensor, Tensor]:
    """Split into mantissa in [0.5, 1) (by magnitude) and int32 exponent:
    `input == mantissa * 2 ** exponent`.

    >>> import tocha
    >>> tocha.frexp(tocha.tensor([8.0])).exponent
    tensor([4], dtype=tocha.int32)
    """
    if not input._dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = _Frexp.apply(input)
    return _FrexpResult((m, e))


# ---------------------------------------------------------------- cumulative max / min

class _CumExt(prim):
    @staticmethod
    def forward(ctx, x, d, is_max):
        acc = np.maximum if is_max else np.minimum
        vals = acc.accumulate(x, axis=d) if x.ndim else x.copy()
        # the index is the last place the running extreme was (re)reached (PyTorch's >= / <=);
        # a NaN becomes the extreme and stays, and each later NaN takes its place
        if x.dtype.kind == "f":
            upd = (x == vals) | np.isnan(x)
        else:
            upd = x == vals
        shape = [1] * x.ndim
        if x.ndim:
            shape[d] = x.shape[d]
        pos = np.arange(x.shape[d] if x.ndim else 1).reshape(shape)
        idx = np.where(upd, pos, 0)
        idx = np.maximum.accumulate(idx, axis=d) if x.ndim else idx
        ctx.idx, ctx.d, ctx.shape = idx.astype(np.int64), d, x.shape
        ctx.mark_non_differentiable(ctx.idx)
        return vals, ctx.idx

    @staticmethod
    def backward(ctx, g, gi):
        if not ctx.shape:
            return g
        return g.new_zeros(ctx.shape).scatter_add(ctx.d, _wrap(ctx.idx), g)


class _CumMax(_CumExt):
    node_name = "CummaxBackward0"


class _CumMin(_CumExt):
    node_name = "CumminBackward0"


def _cum(input: Tensor, dim: int, is_max: bool):
    if input._dtype is D.bool_:
        vals, idx = _cum(input.to(D.uint8), dim, is_max)
        return vals.to(D.bool_), idx
    d = norm_dim(dim, input._data.ndim)
    return (_CumMax if is_max else _CumMin).apply(input, d, is_max)


def cummax(input: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """Running maximum along `dim` and where it was last reached.

    >>> import tocha
    >>> tocha.cummax(tocha.tensor([1., 3., 2.]), 0).indices
    tensor([0, 1, 1])
    """
    return _cummax_t(*_cum(input, dim, True))


def cummin(input: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """Running minimum along `dim` and where it was last reached."""
    return _cummin_t(*_cum(input, dim, False))


# ---------------------------------------------------------------- mode, nanmedian, nanquantile

def _mode_index(x: np.ndarray) -> np.ndarray:
    """Per row of a 2-D array: index of the last occurrence of the smallest most frequent
    value (PyTorch's CPU rule)."""
    out = np.empty(x.shape[0], np.int64)
    for r, row in enumerate(x):
        _, inv, counts = np.unique(row, return_inverse=True, return_counts=True)
        best = int(np.argmax(counts))        # first maximum: the smallest value
        out[r] = np.flatnonzero(inv.reshape(-1) == best)[-1]
    return out


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """Most frequent value along `dim` (ties: the smallest) and its last index.

    >>> import tocha
    >>> tocha.mode(tocha.tensor([2, 1, 2, 1])).values
    tensor(1)
    """
    from .indexing import gather
    nd = input._data.ndim
    if nd == 0:
        return _mode_t(input.clone(), _wrap(np.array(0)))
    d = norm_dim(dim, nd)
    x = np.moveaxis(input._data, d, -1)
    if x.shape[-1] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    idx = _mode_index(x.reshape(-1, x.shape[-1])).reshape(x.shape[:-1])
    idx = np.expand_dims(idx, d)
    vals = gather(input, d, _wrap(idx))
    if not keepdim:
        vals, idx = _unview(vals.squeeze(d)), idx.squeeze(d)
    return _mode_t(vals, _wrap(idx))


def nanmedian(input: Tensor, dim: int | None = None,
              keepdim: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Lower median ignoring NaN (NaN only where a slice is all NaN); with `dim`, also the
    indices. Differs from PyTorch: an all-NaN slice's index is its first NaN (PyTorch's is
    unspecified)."""
    from .indexing import gather
    from .reduce import median
    if not input._dtype.is_floating_point:
        return median(input, dim, keepdim) if dim is not None else median(input)
    if dim is None:
        flat = input.reshape(-1)
        if not flat._data.size:
            return median(flat)
        v, _ = nanmedian(flat, 0)
        return v
    nd = input._data.ndim
    if nd == 0:
        return _nanmedian_t(input.clone(), _wrap(np.array(0)))
    d = norm_dim(dim, nd)
    if not input._data.shape[d]:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    x = input._data
    order = np.argsort(x, axis=d, kind="stable")            # NaNs sort last
    k = np.sum(~np.isnan(x), axis=d, keepdims=True)
    pos = np.maximum(k - 1, 0) // 2
    idx = np.take_along_axis(order, pos, d).astype(np.int64)
    vals = gather(input, d, _wrap(idx))
    if not keepdim:
        vals, idx = _unview(vals.squeeze(d)), idx.squeeze(d)
    return _nanmedian_t(vals, _wrap(idx))


_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def nanquantile(input: Tensor, q: float | Tensor, dim: int | None = None,
                keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
    """`quantile` ignoring NaN (NaN only for an all-NaN slice). `q`: a float or 1-D tensor
    in [0, 1]; with a tensor q the result gets a leading dim of len(q).

    >>> import tocha
    >>> tocha.nanquantile(tocha.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    return quantile_(input, q, dim, keepdim, interpolation, True)


def quantile_(input: Tensor, q: float | Tensor, dim: int | None, keepdim: bool,
              interpolation: str, ignore_nan: bool) -> Tensor:
    """quantile (`ignore_nan` False: NaN for a slice holding one, as PyTorch's, which
    then picks the sorted slice's last element) and nanquantile."""
    from .compare import lerp
    from .indexing import gather
    if interpolation not in _INTERP:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    if not input._dtype.is_floating_point:
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qa = np.asarray(q._data if isinstance(q, Tensor) else q, dtype=input._data.dtype)
    if qa.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if np.any((qa < 0) | (qa > 1)):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    if isinstance(q, Tensor) and q._dtype is not input._dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    x = input.reshape(-1) if dim is None else input.movedim(norm_dim(dim, input.ndim), -1)
    if x.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    s, _ = x.sort(-1)                                              # NaNs last
    k = (~np.isnan(s._data)).sum(-1, keepdims=True)                # (..., 1)
    n = s._data.shape[-1]
    pos = qa.reshape(-1) * np.maximum((k if ignore_nan else n) - 1, 0)  # (..., nq)
    if not ignore_nan:
        pos = np.where(k < n, np.asarray(n - 1, pos.dtype), pos)
    lo, hi = np.floor(pos), np.ceil(pos)
    if interpolation == "nearest":
        lo = hi = np.round(pos)
    elif interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    a = gather(s, -1, _wrap(lo.astype(np.int64)))
    b = gather(s, -1, _wrap(hi.astype(np.int64)))
    # PyTorch's lerp (its two formulas: lerp(-inf, x, 0.9) is -inf, not -inf + inf)
    if interpolation == "linear":
        out = lerp(a, b, _wrap((pos - lo).astype(s._data.dtype)))
    elif interpolation == "midpoint":
        out = lerp(a, b, 0.5)
    else:
        out = a
    if ignore_nan:
        allnan = _wrap(np.broadcast_to(k == 0, out._data.shape).copy())
        out = out.masked_fill(allnan, float("nan"))
    out = out.movedim(-1, 0)                                       # (nq, ...)
    if keepdim:
        out = _keep(out, input, dim)
    return _unview(out[0] if scalar_q else out)


def _keep(out: Tensor, input: Tensor, dim: int | None) -> Tensor:
    if dim is None:
        return out.reshape((out.shape[0],) + (1,) * input.ndim)
    return out.unsqueeze(1 + norm_dim(dim, input.ndim))
