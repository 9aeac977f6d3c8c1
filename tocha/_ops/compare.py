"""Elementwise comparisons and selection: clamp, min/max, where, lerp, ==/<, logical and
bitwise ops, isnan/isclose (re-exported by tocha._ops.elementwise)."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dt
from ._util import broadcast_error, prim
from .arith import _binary, _fix, _nograd_binary, _out, zeros_like_
from .complex import refuse

# ---------------------------------------------------------------- clamp, min/max, where, lerp

class ClampT(prim):
    """clamp with tensor bounds and PyTorch's gradients: to input where lo <= x <= hi, to lo
    where x < lo <= hi, to hi where x > hi or lo > hi (ties go to input, not halved)."""

    node_name = "ClampBackward0"
    _operands = 3       # (PyTorch lists a missing bound as (None, 0) too)

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        y = x if lo is None else np.maximum(x, lo)
        return y if hi is None else np.minimum(y, hi)

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        keep = lo_m = hi_m = None
        if lo is not None:
            keep = x >= lo
            lo_m = (x < lo) if hi is None else (x < lo) & (lo <= hi)
        if hi is not None:
            k2 = x <= hi
            keep = k2 if keep is None else keep & k2
            hi_m = (x > hi) if lo is None else (x > hi) | (lo > hi)
        n = ctx.needs_input_grad
        return (g.masked_fill(~keep, 0.0) if n[0] else None,
                g.masked_fill(~lo_m, 0.0) if lo is not None and n[1] else None,
                g.masked_fill(~hi_m, 0.0) if hi is not None and n[2] else None)


class Clamp(prim):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        # x second: NumPy returns the second of equal operands, and PyTorch keeps x there
        # (clamp(-0.0, min=0) is -0.0)
        y = x
        if lo is not None:
            y = np.maximum(lo, y)
        if hi is not None:
            y = np.minimum(hi, y)
        if y is x:
            y = x.copy()
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        m = None
        if ctx.lo is not None:
            m = x >= ctx.lo
        if ctx.hi is not None:
            m2 = x <= ctx.hi
            m = m2 if m is None else m & m2
        # masked, not g * m: an infinite or NaN g (x NaN) gives 0 outside, as PyTorch's where
        return g.masked_fill(~m, 0.0) if m is not None else g


def clamp(input: Tensor, min: Tensor | complex | None = None, max: Tensor | complex | None = None,
          *, out: Tensor | None = None) -> Tensor:
    """Limit values to [min, max]; gradient flows where the input is inside."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if input._dtype.is_complex:
        refuse("clamp", input)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = D.result_type(input, *[v for v in (min, max) if v is not None])
        lo, hi = (None if v is None else v.to(dt) if isinstance(v, Tensor) else
                  _full_like(input.to(dt), v) for v in (min, max))
        try:
            return _out(ClampT.apply(input.to(dt), lo, hi), out)
        except ValueError:      # NumPy's broadcast error: PyTorch's RuntimeError naming shapes
            shapes = [tuple(t._data.shape) for t in (input, lo, hi) if t is not None]
            raise broadcast_error("clamp", *shapes[:2]) from None
    if input._dtype._kind < 2:
        # integer/bool inputs promote with the bounds (float bounds give the default float)
        dt = D.result_type(input, *[v for v in (min, max) if v is not None])
        if dt is not input._dtype:
            input = input.to(dt)
        elif dt._kind == 1:
            min, max = _int_bound(min, dt), _int_bound(max, dt)
    return _out(Clamp.apply(input, min, max), out)


def _int_bound(v, dt):
    """A Python number for an integer tensor, converted as PyTorch converts it (c10's
    overflow check): ints must fit a signed type; an unsigned type also takes negatives down
    to -max, which wrap (-1 in uint8 is 255, -255 is 1); floats must fit the type itself;
    anything else is refused."""
    if v is None or isinstance(v, bool):
        return v
    info = np.iinfo(dt.np)
    if isinstance(v, float):
        if info.min <= v <= info.max:       # (NaN fails too)
            return v
    elif (info.min if info.min < 0 else -info.max) <= v <= info.max:
        return int(np.asarray(v, np.int64).astype(dt.np))
    raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without overflow "
                       f"({v} for a {dt} tensor)")


clip = clamp


def clamp_min(input: Tensor, min: Tensor | complex | None) -> Tensor:
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Tensor | complex | None) -> Tensor:
    return clamp(input, max=max)


def _full_like(x, v):
    return _wrap_dt(np.full(x._data.shape, v, x._dtype.np), x._dtype, x._device)


def _saving_forward(ufunc, first_of_equals: bool = False):
    """The forward of maximum/minimum/fmax/fmin: `ufunc(a, b)`, both operands saved.
    `first_of_equals`: of two equal operands return the first, as PyTorch's fmin/fmax do in
    every loop (the sign of a zero shows it); NumPy's fmin/fmax pick either, by loop. (PyTorch's
    own minimum/maximum pick the second in their vector loop and the first in the scalar one,
    NumPy's minimum/maximum the second: left as NumPy's.)"""
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        r = ufunc(a, b, dtype=dt, casting="unsafe") if dt is not None else ufunc(a, b)
        if first_of_equals:
            eq = a == b
            if eq.any():
                r = np.where(eq, a, r).astype(r.dtype, copy=False)
        return r
    return staticmethod(forward)


class Maximum(prim):
    forward = _saving_forward(np.maximum)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _minmax_grads(g, a, b, a < b, a > b)


class Minimum(prim):
    forward = _saving_forward(np.minimum)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _minmax_grads(g, a, b, a > b, a < b)


def _minmax_grads(g, a, b, a_loses, b_loses):
    """PyTorch's maximum/minimum gradients: ties split g equally; the loser gets an exact 0
    (masked, so a NaN gradient does not leak into it as 0 * NaN); NaN operands, which
    compare neither way, pass g to both."""
    h = where(a == b, g / 2, g)
    return h.masked_fill(a_loses, 0.0), h.masked_fill(b_loses, 0.0)


def _need_tensor(op, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


def maximum(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    _need_tensor("maximum", other)
    refuse("maximum", input, other)
    return _out(_binary(Maximum, input, other, "maximum"), out)


def minimum(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    _need_tensor("minimum", other)
    refuse("minimum", input, other)
    return _out(_binary(Minimum, input, other, "minimum"), out)


def fmax(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """maximum, except that a NaN loses to a number (NumPy's fmax, as PyTorch)."""
    _need_tensor("fmax", other)
    refuse("fmax", input, other)
    return _out(_binary(FMax, input, other, "fmax"), out)


def fmin(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """minimum, except that a NaN loses to a number."""
    _need_tensor("fmin", other)
    refuse("fmin", input, other)
    return _out(_binary(FMin, input, other, "fmin"), out)


class FMax(prim):
    """fmax with PyTorch's gradient: all of g to input where input >= other or other is NaN
    (ties included), the rest to other."""

    forward = _saving_forward(np.fmax, first_of_equals=True)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(g, (a >= b) | isnan(b))


class FMin(prim):
    forward = _saving_forward(np.fmin, first_of_equals=True)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(g, (a <= b) | isnan(b))


def _split_grad(g, to_a):
    return g.masked_fill(~to_a, 0.0), g.masked_fill(to_a, 0.0)


class Where(prim):
    """where(c, a, b), its arguments in the order (a, b, c): the condition gets no edge, as in
    PyTorch (WhereBackward0's next_functions are a's and b's)."""

    _operands = 2

    @staticmethod
    def forward(ctx, a, b, c, dt):
        ctx.save_for_backward(c)
        r = np.where(c, a, b)
        return r.astype(dt, copy=False) if dt is not None else r

    @staticmethod
    def backward(ctx, g):
        c, = ctx.saved_tensors
        z = zeros_like_(g)
        need = ctx.needs_input_grad
        return (where(c, g, z) if need[0] else None), (where(c, z, g) if need[1] else None)


def where(condition: Tensor, input: Tensor | None = None, other: Tensor | complex | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """Pick `input` where `condition` holds, else `other`; with one argument, nonzero indices."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if condition._dtype is not D.bool_:
        if condition._dtype is D.uint8:
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {_TYPE_NAMES.get(condition._dtype.name)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from .._creation import tensor
        input = tensor(input)
    if not isinstance(input, Tensor):
        dt = D.result_type(other, input)
        input = _wrap_dt(np.asarray(input, dt.np), dt, other._device)
    if not isinstance(other, Tensor):
        dt = D.result_type(input, other)
        other = _wrap_dt(np.asarray(other, dt.np), dt, input._device)
    dt = D.result_type(input, other)
    try:
        return _out(Where.apply(input, other, condition, dt.np), out)
    except ValueError:
        raise RuntimeError(f"where: shapes of condition {tuple(condition._data.shape)}, input "
                           f"{tuple(input._data.shape)} and other {tuple(other._data.shape)} are "
                           f"not broadcastable") from None


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}


def lerp(input: Tensor, end: Tensor | complex, weight: Tensor | complex) -> Tensor:
    """input + weight * (end - input); float16 computed in float32 and rounded once (as
    PyTorch's kernel: float16 steps lose bits)."""
    half = input._dtype
    if half in (D.float16, D.bfloat16) and isinstance(end, Tensor) and end._dtype is half:
        w = weight.float() if isinstance(weight, Tensor) else weight
        return lerp(input.float(), end.float(), w).to(half)
    dt = D.result_type(input, end)
    input, end = (t.to(dt) if isinstance(t, Tensor) and t._dtype is not dt else
                  t if isinstance(t, Tensor) else _wrap_dt(np.asarray(t, dt.np), dt, input._device)
                  for t in (input, end))
    if isinstance(weight, Tensor) and weight._dtype is not dt and dt._kind >= 2:
        weight = weight.to(dt)
    return (Lerp if isinstance(weight, Tensor) else LerpScalar).apply(input, end, weight)


class Lerp(prim):
    """PyTorch's two formulas: from `input` for |weight| < 0.5, from `end` otherwise (exact
    at weight 1; lerp(0, inf, 0.5) is inf - inf = NaN), each one fused multiply-add, which
    float32 gets exactly from float64 arithmetic rounded once."""

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w if isinstance(w, np.ndarray) else None)
        ctx.w = w
        dt = a.dtype
        if not isinstance(w, np.ndarray):
            return _lerp_scalar(a, b, w, dt)
        d = b - a
        one_minus = np.subtract(1, w, dtype=dt) if dt.kind in "fc" else 1 - w
        if dt == np.float32:
            a, b, d, w, one_minus = (v.astype(np.float64) for v in (a, b, d, w, one_minus))
        with np.errstate(invalid="ignore", over="ignore"):
            r = np.where(np.abs(w) < 0.5, a + w * d, b - d * one_minus)
        return r.astype(dt, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        w = ctx.w if w is None else w
        n = ctx.needs_input_grad
        if g._dtype.is_complex:
            from .complex import cj
            w, a, b = (cj(v) if isinstance(v, Tensor) else complex(v).conjugate()
                       for v in (w, a, b))
        return (g * (1 - w) if n[0] else None, g * w if n[1] else None,
                g * (b - a) if len(n) > 2 and n[2] else None)


def _lerp_scalar(a, b, w, dt):
    """lerp with a number weight: one formula, in place (float64 temporaries allocated
    fresh cost page faults: 450 us against 28 us at 128x256)."""
    small = abs(w) < 0.5
    with np.errstate(invalid="ignore", over="ignore"):
        if dt != np.float32:
            d = np.asarray(b - a)
            return np.asarray(a + w * d if small else b - d * (1 - w)).astype(dt, copy=False)
        # float32: PyTorch's fused multiply-add, exact through float64 (the number is a
        # float32 to its float32 kernel)
        w32 = np.float32(w)
        r = np.asarray(b - a).astype(np.float64)
        if small:
            r *= np.float64(w32)
            r += a
        else:
            r *= -np.float64(np.float32(1) - w32)
            r += b
    return r.astype(np.float32)


class LerpScalar(Lerp):
    node_name = "LerpBackward0"


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: complex = 1) -> Tensor:
    return input + value * tensor1 * tensor2


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: complex = 1) -> Tensor:
    return input + value * tensor1 / tensor2


class Atan2(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b, dtype=dt, casting="unsafe") if dt is not None else np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # PyTorch's chain g * b * recip, g * -a * recip, recip = 1 / (a a + b b) (its roundings);
        # at (0, 0) recip is 0 (PyTorch's gradient there is 0, not 0 * inf)
        recip = (a * a + b * b).reciprocal().masked_fill(~((a != 0) | (b != 0)), 0.0)
        return g * b * recip, g * -a * recip


def atan2(input: Tensor, other: Tensor | complex) -> Tensor:
    _need_tensor("atan2", other)
    refuse("atan2", input, other)
    dt = D.result_type(input, other)
    if dt._kind < 2:        # integers give the default float dtype
        dt = D.get_default_dtype()
    if input._dtype is not dt:
        input = input.to(dt)
    if isinstance(other, Tensor) and other._dtype is not dt:
        other = other.to(dt)
    return _binary(Atan2, input, other, "atan2")


arctan2 = atan2


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace nan/inf by finite numbers; gradient flows where the input was finite."""
    if input._dtype._kind < 2:
        return input.clone()
    fi = np.finfo(input._dtype.np)
    hi = fi.max if posinf is None else posinf
    lo = fi.min if neginf is None else neginf
    arr = np.nan_to_num(input._data, nan=nan, posinf=hi, neginf=lo)
    fill = _wrap_dt(arr, input._dtype, input._device)
    return where(isfinite(input), input, fill)


def _astype(x, dt):
    """x as dt; an expanded x (a zero stride) in C order: NumPy's 'K' order gave it a
    transposed layout, and the comparison's result then one PyTorch's has not."""
    return x.astype(dt, copy=False, order="C" if 0 in x.strides else "K")


def _cmp(ufunc, name):
    ordered = name not in ("eq", "ne")      # (<, >, ...: refused on complex tensors)
    def op(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
        if not isinstance(input, Tensor):
            from .._creation import tensor
            input = tensor(input)
        if ordered and (input._dtype.is_complex or isinstance(other, Tensor)):
            refuse(name, input, other)
        if isinstance(other, Tensor) and other._dtype is not input._dtype:
            dt = D.result_type(input, other).np
            a, b = _astype(input._data, dt), _astype(other._data, dt)
        else:
            a = input._data
            b = other._data if isinstance(other, Tensor) else other
        try:
            r = ufunc(a, b)
        except ValueError as e:
            if "broadcast" in str(e):
                raise broadcast_error(name, input._data.shape, other._data.shape) from None
            raise
        return _out(_wrap(_fix(r), input._device), out)
    op.__name__ = name
    op.__doc__ = f"Elementwise {name} (a bool tensor, no gradient)."
    return op


eq = _cmp(np.equal, "eq")
ne = _cmp(np.not_equal, "ne")
lt = _cmp(np.less, "lt")
le = _cmp(np.less_equal, "le")
gt = _cmp(np.greater, "gt")
ge = _cmp(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input: Tensor, other: Tensor | complex) -> bool:
    """True if both tensors have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


def _logical(ufunc, name):
    def op(input: Tensor, other: Tensor | complex | None = None) -> Tensor:
        a = input._data
        if other is None:
            return _wrap(_fix(ufunc(a.astype(bool))), input._device)
        b = other._data if isinstance(other, Tensor) else other
        return _wrap(_fix(ufunc(a.astype(bool), np.asarray(b).astype(bool))), input._device)
    op.__name__ = name
    return op


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")
logical_not = _logical(np.logical_not, "logical_not")


def _bitwise(ufunc, name):
    def op(input: Tensor, other: Tensor | complex | None = None) -> Tensor:
        if not isinstance(input, Tensor):   # `0.5 | t` (the reflected operator): and/or/xor
            input, other = other, input     # are symmetric
        bad = input if input._dtype._kind >= 2 else other if isinstance(
            other, Tensor) and other._dtype._kind >= 2 else None
        if bad is not None or isinstance(other, float):
            dn = bad._dtype.name if bad is not None else D.get_default_dtype().name
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for "
                                      f"'{_TYPE_NAMES.get(dn, dn)}'")
        if other is None:
            return _wrap(_fix(ufunc(input._data)), input._device)
        return _nograd_binary(ufunc, input, other, name)
    op.__name__ = name
    return op


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
bitwise_not = _bitwise(np.invert, "bitwise_not")


def isnan(input: Tensor) -> Tensor:
    """A bool tensor, True where `input` is NaN (not differentiable).

    >>> import tocha
    >>> tocha.tensor([1.0, float("nan")]).isnan()
    tensor([False,  True])
    """
    return _wrap(_fix(np.isnan(input._data)), input._device)


def isinf(input: Tensor) -> Tensor:
    return _wrap(_fix(np.isinf(input._data)), input._device)


def isfinite(input: Tensor) -> Tensor:
    return _wrap(_fix(np.isfinite(input._data)), input._device)


def isposinf(input: Tensor) -> Tensor:
    return _wrap(_fix(np.isposinf(input._data)), input._device)


def isneginf(input: Tensor) -> Tensor:
    return _wrap(_fix(np.isneginf(input._data)), input._device)


def isclose(input: Tensor, other: Tensor | complex, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    return _wrap(_fix(np.isclose(input._data, other._data, rtol, atol, equal_nan)),
                 input._device)


def allclose(input: Tensor, other: Tensor | complex, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol, atol, equal_nan))

