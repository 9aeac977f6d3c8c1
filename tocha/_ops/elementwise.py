"""Elementwise primitives: arithmetic, powers, exp/log, trig, activations, comparisons.

The ops live by concept in arith.py (+ - * /, powers, division, casts), unary.py (exp/log,
trig, activations, rounding) and compare.py (clamp, min/max, where, comparisons, logical and
bitwise ops); this module re-exports every one of them (`E.add`, `x.exp()` delegates here)
and holds the composites built from them."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._dtype_ext import scalar_name
from .._tensor import Tensor, _wrap, _wrap_dt
from ..autograd.grad_mode import STATE
from ._util import as_float, prim
from .arith import (  # noqa: F401 (re-exported: E.<name> and Tensor methods)
    _INT_DIVS,
    _PYNUM,
    Add,
    Cast,
    Clone,
    CopyFrom,
    Div,
    Fill,
    ModGrad,
    Mul,
    Neg,
    NotDifferentiable,
    Pow,
    PowT,
    RPow,
    RSub,
    Sub,
    _binary,
    _cast,
    _check_bool_sub,
    _div_dt,
    _fix,
    _int_pow,
    _is_bool,
    _mod,
    _ndarray,
    _nograd_binary,
    _out,
    _result_np,
    _scalar_as,
    _scaled,
    add,
    clone,
    copy_from,
    div,
    divide,
    fill,
    float_power,
    floor_divide,
    fmod,
    mul,
    multiply,
    neg,
    negative,
    no_derivative,
    ones_like_,
    pow,
    remainder,
    rsub,
    square,
    sub,
    subtract,
    true_divide,
    trunc_divide,
    zeros_like_,
)
from .compare import (  # noqa: F401 (re-exported: E.<name> and Tensor methods)
    _TYPE_NAMES,
    Atan2,
    Clamp,
    ClampT,
    FMax,
    FMin,
    Maximum,
    Minimum,
    Where,
    _bitwise,
    _cmp,
    _full_like,
    _int_bound,
    _logical,
    _minmax_grads,
    _need_tensor,
    _split_grad,
    addcdiv,
    addcmul,
    allclose,
    arctan2,
    atan2,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clamp,
    clamp_max,
    clamp_min,
    clip,
    eq,
    equal,
    fmax,
    fmin,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    le,
    lerp,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    maximum,
    minimum,
    nan_to_num,
    ne,
    not_equal,
    where,
)
from .unary import (  # noqa: F401 (re-exported: E.<name> and Tensor methods)
    Abs,
    Frac,
    Relu,
    TanhGrad,
    _erf,
    _nodiff,
    _one_minus_sq,
    _round0,
    _sigmoid,
    _sign,
    _unary,
    _via64,
    abs,
    absolute,
    acos,
    acosh,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctanh,
    asin,
    asinh,
    atan,
    atanh,
    ceil,
    cos,
    cosh,
    erf,
    exp,
    exp2,
    expm1,
    fix,
    floor,
    frac,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    relu,
    round,
    rsqrt,
    sgn,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    trunc,
)

# ---------------------------------------------------------------- composites

def positive(input: Tensor) -> Tensor:
    """`+input` (the same tensor)."""
    if input._dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class LogAddExp(prim):
    """log(exp(a) + exp(b)) (base 2 when `two`) as PyTorch's CPU kernel computes it,
    max + log1p(exp(-|a - b|)), in float32 for 16-bit floats and rounded once: the composite
    log(exp(a - m) + exp(b - m)) rounded each float16 step and lost every digit where a ~ b."""

    node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b, two):
        ctx.save_for_backward(a, b)
        ctx.two = two
        dt = a.dtype
        if dt.kind == "c":
            return _logaddexp_complex(a, b)
        w = np.dtype(np.float32) if dt.itemsize < 4 else dt
        x, y = a.astype(w, copy=False), b.astype(w, copy=False)
        d = -np.abs(x - y)
        r = np.maximum(x, y) + (np.log1p(np.exp2(d)) * np.asarray(1 / math.log(2), w) if two
                                else np.log1p(np.exp(d)))
        # both infinite and equal: a itself (the formula's inf - inf is NaN)
        return np.where(np.isinf(x) & (x == y), x, r).astype(dt, copy=False)

    @staticmethod
    def backward(ctx, g):
        from .complex import cj
        a, b = ctx.saved_tensors
        if g._dtype.is_complex:
            a, b = cj(a), cj(b)
        n = ctx.needs_input_grad
        up = (lambda t: 2.0 ** t) if ctx.two else exp
        return (g / (1 + up(b - a)) if n[0] else None,
                g / (1 + up(a - b)) if n[1] else None, None)


def _logaddexp_complex(a, b):
    """PyTorch's complex logaddexp: log1p(exp(lo - hi)) + hi, hi the operand of larger real
    part; NaN if the smaller is NaN, the smaller where both real parts are -inf."""
    a, b = np.broadcast_arrays(a, b)
    swap = a.real < b.real
    hi, lo = np.where(swap, b, a), np.where(swap, a, b)
    r = np.log1p(np.exp(lo - hi)) + hi
    r = np.where(np.isneginf(lo.real) & (lo.real == hi.real), lo, r)
    r = np.where(np.isposinf(lo.real) & (lo.real == hi.real), np.log(np.exp(lo) + np.exp(hi)), r)
    return np.where(np.isnan(lo.real) | np.isnan(lo.imag), np.nan + 0j, r).astype(a.dtype)


class LogAddExp2(LogAddExp):
    node_name = "Logaddexp2Backward0"


def logaddexp(input: Tensor, other: Tensor | complex, _two: bool = False) -> Tensor:
    """log(exp(input) + exp(other)) without overflow."""
    dt = D.result_type(input, other)
    dt = dt if dt._kind >= 2 else D.get_default_dtype()
    if dt.is_complex and _two:
        raise NotImplementedError(f"\"logaddexp2_cpu\" not implemented for "
                                  f"'{scalar_name(dt)}'")
    input = input.to(dt)                # bool/int operands: no `-` on bools
    other = other.to(dt) if isinstance(other, Tensor) else _wrap_dt(
        np.asarray(other, dt.np), dt, input._device)
    return (LogAddExp2 if _two else LogAddExp).apply(input, other, _two)


def logaddexp2(input: Tensor, other: Tensor | complex) -> Tensor:
    """log2(2**input + 2**other) without overflow."""
    return logaddexp(input, other, True)


class Hypot(prim):
    """sqrt(a**2 + b**2) without overflow or underflow (the C library's hypot, as PyTorch's
    kernel; 16-bit floats in float32): the composite sqrt(a*a + b*b) gave inf for 1e20 in
    float32 and for 300 in float16. PyTorch's gradients: g * a / result, g * b / result."""

    @staticmethod
    def forward(ctx, a, b):
        w = np.float32 if a.dtype.itemsize < 4 else None
        r = np.hypot(a, b, dtype=w).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, b, r)
        return r

    @staticmethod
    def backward(ctx, g):
        a, b, r = ctx.saved_tensors
        n = ctx.needs_input_grad
        return g * a / r if n[0] else None, g * b / r if n[1] else None


def hypot(input: Tensor, other: Tensor | complex) -> Tensor:
    """sqrt(input**2 + other**2), without overflow."""
    dt = D.result_type(input, other)
    dt = dt if dt._kind == 2 else D.get_default_dtype()
    input = input.to(dt)        # integers squared in their own dtype would overflow (int8)
    other = other.to(dt) if isinstance(other, Tensor) else _wrap_dt(
        np.asarray(other, dt.np), dt, input._device)
    return Hypot.apply(input, other)


def deg2rad(input: Tensor) -> Tensor:
    return as_float(input) * (math.pi / 180.0)


def rad2deg(input: Tensor) -> Tensor:
    return as_float(input) * (180.0 / math.pi)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    x = as_float(input)
    if eps is not None:
        return LogitEps.apply(x, float(eps))
    return Logit.apply(x)


class LogitEps(prim):
    """log(p / (1 - p)) of p clamped to [eps, 1 - eps], with PyTorch's gradient
    where(eps <= p <= 1 - eps, g / (p (1 - p)), 0): the branch not taken still enters a
    double backward (0 * a NaN gradient is NaN there, as PyTorch's)."""

    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        c = np.clip(x, np.asarray(eps, x.dtype), np.asarray(1 - eps, x.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            q = c / (1 - c)
            # (float32's log through float64, rounded once: tocha's log)
            return np.log(q.astype(np.float64)).astype(q.dtype) if q.dtype.itemsize < 8 \
                else np.log(q)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        lo, hi = ctx.eps, 1 - ctx.eps
        # PyTorch's two kernels: a NaN p passes g / (p (1 - p)) = NaN, except under
        # create_graph, whose differentiable form keeps only lo <= p <= hi
        inside = (x >= lo) & (x <= hi) if STATE.enabled else ~((x < lo) | (x > hi))
        return where(inside, g / (x * (1 - x)), _full_like(g, 0.0)), None


class Logit(prim):
    """log(p / (1 - p)); outside [0, 1] the value is NaN and so is the gradient (PyTorch's
    where(p < 0 | p > 1, NaN, g / (p (1 - p))), whose own gradient there is 0)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        bad = (x < 0) | (x > 1)
        # + 0.0 takes -0 to +0: at p = -0 PyTorch's kernel gives g * inf, not g / -0
        return where(bad, _full_like(g, float("nan")), g / (x * (1 - x) + 0.0))


def xlogy(input: Tensor, other: Tensor | complex) -> Tensor:
    """input * log(other), and 0 where input is 0 (unless other is NaN)."""
    if not isinstance(input, Tensor):
        input = _wrap_dt(np.asarray(input, other._dtype.np), other._dtype, other._device)
    if not isinstance(other, Tensor):
        # a Python number takes the promoted dtype (0.5 must not become uint8 0)
        dt = D.result_type(input, other)
        dt = dt if dt._kind == 2 else D.get_default_dtype()
        other = _wrap_dt(np.asarray(other, dt.np), dt, input._device)
    dt = D.result_type(input, other)
    dt = dt if dt._kind == 2 else D.get_default_dtype()
    input, other = input.to(dt), other.to(dt)       # (float16, int64) stays float16
    return _binary(Xlogy, input, other, "xlogy")


class Xlogy(prim):
    """x * log(y), 0 where x is 0 (unless y is NaN). Its gradient in x is xlogy(g, y), which
    is 0 where g is 0 even if log(y) is infinite (g * log(0) would be NaN), as PyTorch's."""

    node_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = a * np.log(b)
        return np.where((a == 0) & ~np.isnan(b), 0, r).astype(r.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        ga = xlogy(g, b).masked_fill((a == 0) & (b <= 0), 0.0) if n[0] else None
        gb = g * a / b if n[1] else None
        return ga, gb


def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (including -0.0)."""
    return _wrap(_fix(np.signbit(input._data)), input._device)
