"""Elementwise primitives: arithmetic, powers, exp/log, trig, activations, comparisons."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dt
from .._vml import exact
from ..autograd.grad_mode import STATE
from ._util import as_float, broadcast_error, prim

_ndarray = np.ndarray
_PYNUM = (int, float, bool)


# ---------------------------------------------------------------- dtype preparation

def _result_np(a, b):
    """NumPy dtype to compute in, or None when NumPy's own promotion already agrees."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        if a._dtype is b._dtype:
            return None
        return D.result_type(a, b).np
    t, s = (a, b) if ta else (b, a)
    k = t._dtype._kind
    if s.__class__ is float:
        return None if k == 2 else D.get_default_dtype().np
    if s.__class__ is int:
        return None if k >= 1 else D.int64.np
    if s.__class__ is bool:
        return None
    if isinstance(s, (np.generic, np.ndarray)):
        return D.result_type(t, s).np
    raise TypeError(f"unsupported operand type {type(s).__name__} for a tensor op")


def _binary(cls, a, b, op):
    dt = _result_np(a, b)
    try:
        return cls.apply(a, b, dt)
    except ValueError as e:
        sa = a._data.shape if isinstance(a, Tensor) else ()
        sb = b._data.shape if isinstance(b, Tensor) else ()
        if "broadcast" in str(e):
            raise broadcast_error(op, sa, sb) from None
        raise


def _fix(r):
    return r if r.__class__ is _ndarray else np.asarray(r)


# ---------------------------------------------------------------- arithmetic

class Add(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        return np.add(a, b, dtype=dt, casting="unsafe") if dt is not None else a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        return np.subtract(a, b, dtype=dt, casting="unsafe") if dt is not None else a - b

    @staticmethod
    def backward(ctx, g):
        return g, -g


class RSub(prim):
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):        # b - a, b a scalar
        return np.subtract(b, a, dtype=dt, casting="unsafe") if dt is not None else b - a

    @staticmethod
    def backward(ctx, g):
        return -g, None


class Mul(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        n = ctx.needs_input_grad
        if n:
            ctx.save_for_backward(a if len(n) > 1 and n[1] else None, b if n[0] else None)
            if b.__class__ is not _ndarray:
                ctx.scalar = b
        return np.multiply(a, b, dtype=dt, casting="unsafe") if dt is not None else a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if b is None and ctx.needs_input_grad[0]:
            b = ctx.scalar
        return (g * b if ctx.needs_input_grad[0] else None,
                g * a if ctx.needs_input_grad[1] else None)


class Div(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        n = ctx.needs_input_grad
        if n:
            if b.__class__ is not _ndarray:
                ctx.scalar = b
                ctx.save_for_backward(None, None)
            else:
                ctx.save_for_backward(a if n[1] else None, b)
        return np.true_divide(a, b, dtype=dt, casting="unsafe") if dt is not None else a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if b is None:
            return g / ctx.scalar, None
        ga = g / b if ctx.needs_input_grad[0] else None
        gb = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class RDiv(prim):
    node_name = "MulBackward0"   # PyTorch computes scalar / t as t.reciprocal() * scalar

    @staticmethod
    def forward(ctx, a, b, dt):        # b / a, b a scalar
        out = np.true_divide(b, a, dtype=dt, casting="unsafe") if dt is not None else b / a
        ctx.save_for_backward(a)
        ctx.scalar = b
        return out

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * ctx.scalar / (a * a), None


def _div_dt(a, b):
    # true division of integers gives the default float dtype
    dt = _result_np(a, b)
    rk = (np.dtype(dt).kind if dt is not None else
          (a._dtype.np.kind if isinstance(a, Tensor) else b._dtype.np.kind))
    if rk in "biu":
        dt = D.get_default_dtype().np
    return dt


def _scaled(input, other, alpha, op):
    """alpha * other in the result dtype of (input, other): the scaling must not promote
    (float16 - 0.5 * uint8 stays float16), and integer operands take no float alpha."""
    dt = D.result_type(input, other)
    if dt._kind < 2 and isinstance(alpha, float):
        raise RuntimeError(f"{op}(): For integral input tensors, argument alpha must not be a "
                           f"floating point number.")
    if dt is D.bool_ and not isinstance(alpha, bool):
        alpha = bool(alpha)
    if isinstance(other, Tensor):
        return (other if other._dtype is dt else other.to(dt)) * alpha
    return other * alpha


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other."""
    if alpha != 1:
        other = _scaled(input, other, alpha, "add")
    if not isinstance(input, Tensor):
        input, other = other, input
    return _out(_binary(Add, input, other, "add"), out)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    if isinstance(input, Tensor):
        _check_bool_sub(input, other)       # before alpha turns a bool operand into a number
    if alpha != 1:
        other = _scaled(input, other, alpha, "sub")
    if not isinstance(input, Tensor):
        return _out(rsub(other, input), out)
    return _out(_binary(Sub, input, other, "sub"), out)


def _is_bool(v):
    # (np.bool_ is read as a float by PyTorch: only Python bools count)
    return v._dtype is D.bool_ if isinstance(v, Tensor) else isinstance(v, bool)


def _check_bool_sub(a, b):
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    if alpha != 1:
        input = input * alpha
    if isinstance(other, Tensor):
        return sub(other, input)
    _check_bool_sub(input, other)
    return _binary(RSub, input, other, "rsub")


def mul(input, other, *, out=None):
    """input * other."""
    if not isinstance(input, Tensor):
        input, other = other, input
    return _out(_binary(Mul, input, other, "mul"), out)


def div(input, other, *, rounding_mode=None, out=None):
    """input / other (true division; `rounding_mode` 'trunc' or 'floor')."""
    if rounding_mode is not None:
        if rounding_mode == "floor":
            return floor_divide(input, other)
        if rounding_mode == "trunc":
            q = _nograd_binary(np.true_divide, input, other, "div")
            r = _wrap(np.trunc(q._data))
            dt = D.result_type(input, other)
            return _wrap(r._data.astype(dt.np))
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    if not isinstance(input, Tensor):
        # scalar / tensor: integer tensors divide in the default float dtype
        return _out(RDiv.apply(other, input, _div_dt(other, input)), out)
    dt = _div_dt(input, other)
    try:
        return _out(Div.apply(input, other, dt), out)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error("div", input._data.shape,
                                  other._data.shape if isinstance(other, Tensor) else ()) from None
        raise


true_divide = divide = div
multiply = mul
subtract = sub


def _out(res, out):
    if out is None:
        return res
    out.copy_(res) if out._data.shape == res._data.shape else out.set_(res)
    return out


class Neg(prim):
    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return -g


def neg(input):
    """-input."""
    if input._dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


negative = neg


class Pow(prim):
    @staticmethod
    def forward(ctx, a, e, dt):
        ctx.save_for_backward(a)
        ctx.e = e
        if np.ndim(e) == 0 and e < 0 and np.dtype(dt or a.dtype).kind in "iu":
            return _int_pow(a, e, dt)
        return np.power(a, e, dtype=dt, casting="unsafe") if dt is not None else a ** e

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        e = ctx.e
        if e == 0:
            # not g * 0: an inf gradient gives 0, not NaN (g is an array when no graph is built)
            return (zeros_like_(g) if isinstance(g, Tensor) else np.zeros_like(g)), None
        return g * e * a ** (e - 1), None


def _int_pow(a, b, dt):
    """Integer powers with negative exponents, as PyTorch's kernel: 1 ** -k = 1,
    (-1) ** -k = +-1, and 0 for every other base (NumPy refuses them)."""
    dt = np.dtype(dt or np.result_type(a, b))
    a, b = np.asarray(a, dt), np.asarray(b, dt)
    pos = np.power(a, np.where(b < 0, 0, b), dtype=dt)
    neg = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)).astype(dt)
    return np.where(b < 0, neg, pos).astype(dt, copy=False)


class PowT(prim):
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):
        if np.dtype(dt or a.dtype).kind in "iu" and np.any(np.asarray(b) < 0):
            out = _int_pow(a, b, dt)
        else:
            out = np.power(a, b, dtype=dt, casting="unsafe") if dt is not None else np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = g * b * a ** (b - 1)
            ga = where(b == 0, zeros_like_(ga), ga)
        if ctx.needs_input_grad[1]:
            # 0 ** b: 0 where b >= 0, and -inf (inf * log 0) where b < 0, as PyTorch
            gb = where((a == 0) & (b >= 0), zeros_like_(g), g * out * log(a))
        return ga, gb


class RPow(prim):
    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, a, base, dt):      # base ** a, base a scalar
        out = np.power(base, a, dtype=dt, casting="unsafe") if dt is not None else np.power(base, a)
        ctx.save_for_backward(out, a if base == 0 else None)
        ctx.base = base
        return out

    @staticmethod
    def backward(ctx, g):
        out, a = ctx.saved_tensors
        if ctx.base == 0:       # 0 ** a: 0 where a >= 0, -inf (inf * log 0) where a < 0
            return (g * out * float("-inf")).masked_fill(a >= 0, 0.0), None
        return g * out * math.log(ctx.base), None


def zeros_like_(x):
    return _wrap_dt(np.zeros_like(x._data), x._dtype, x._device)


def ones_like_(x):
    return _wrap_dt(np.ones_like(x._data), x._dtype, x._device)


def pow(input, exponent, *, out=None):
    """input ** exponent (tensor or scalar on either side)."""
    if isinstance(input, Tensor) and input._dtype is D.bool_ and _is_bool(exponent):
        if isinstance(exponent, Tensor):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return _out(input.clone() if exponent else ones_like_(input), out)
    if not isinstance(input, Tensor):
        base = input
        dt = _result_np(exponent, base)
        if dt is None and exponent._dtype._kind < 2 and isinstance(base, float):
            dt = D.get_default_dtype().np
        return _out(RPow.apply(exponent, base, dt), out)
    if isinstance(exponent, Tensor):
        return _out(_binary(PowT, input, exponent, "pow"), out)
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    if input._dtype._kind < 2 and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _out(_binary(Pow, input, exponent, "pow"), out)


def float_power(input, exponent):
    input = input.double() if isinstance(input, Tensor) else input
    exponent = exponent.double() if isinstance(exponent, Tensor) else exponent
    return pow(input, exponent)


def square(input):
    return pow(input, 2)


# ---------------------------------------------------------------- unary float functions

def _unary(name, fwd, bwd, save="x", node=None):
    """Build a unary primitive `name` with forward `fwd(x)` and gradient `bwd(g, s)` (s the
    saved input or output)."""
    if save == "y":
        def forward(ctx, x):
            y = fwd(x)
            ctx._saved = (y,)               # save_for_backward(y), minus a call
            return y
    else:
        def forward(ctx, x):
            ctx._saved = (x,)
            return fwd(x)

    def backward(ctx, g):
        s, = ctx.saved_tensors if save else (None,)
        return bwd(g, s)

    ns = {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    if node:
        ns["node_name"] = node
    cls = type(name, (prim,), ns)

    def op(input, *, out=None):
        try:
            k = input._dtype._kind
        except AttributeError:      # a list, a number...: PyTorch's TypeError, not ours
            raise TypeError(f"{name.lower()}(): argument 'input' (position 1) must be Tensor, "
                            f"not {type(input).__name__}") from None
        if out is None and k == 2:
            return cls.apply(input)
        return _out(cls.apply(as_float(input)), out)

    op.__name__ = name.lower()
    op.__doc__ = f"Elementwise {name.lower()} (integer inputs give the default float dtype)."
    op.prim = cls
    return op


def _via64(f):
    """f computed in float64 and rounded once: float32 results then match PyTorch's libm on
    small tensors bit for bit (NumPy's own float32 kernels differ in the last place)."""
    def g(x):
        if x.dtype.kind == "f" and x.itemsize < 8:
            return f(x.astype(np.float64)).astype(x.dtype)
        return f(x)
    return g


exp = _unary("Exp", exact("Exp", _via64(np.exp)), lambda g, y: g * y, save="y")
exp2 = _unary("Exp2", np.exp2, lambda g, y: g * y * math.log(2.0), save="y")
expm1 = _unary("Expm1", np.expm1, lambda g, y: g * (y + 1), save="y")
log = _unary("Log", exact("Ln", _via64(np.log)), lambda g, x: g / x)
log2 = _unary("Log2", np.log2, lambda g, x: g / (x * math.log(2.0)))
log10 = _unary("Log10", np.log10, lambda g, x: g / (x * math.log(10.0)))
log1p = _unary("Log1p", np.log1p, lambda g, x: g / (x + 1), node="Log1PBackward0")
sqrt = _unary("Sqrt", exact("Sqrt", np.sqrt), lambda g, y: g / (y * 2), save="y")
rsqrt = _unary("Rsqrt", lambda x: 1 / np.sqrt(x), lambda g, y: g * (y ** 3) * -0.5, save="y")
sin = _unary("Sin", exact("Sin", _via64(np.sin)), lambda g, x: g * cos(x))
cos = _unary("Cos", exact("Cos", _via64(np.cos)), lambda g, x: -g * sin(x))
tan = _unary("Tan", np.tan, lambda g, y: g * (y * y + 1), save="y")
asin = _unary("Asin", np.arcsin, lambda g, x: g * (1 - x * x) ** -0.5)
acos = _unary("Acos", np.arccos, lambda g, x: -g * (1 - x * x) ** -0.5)
atan = _unary("Atan", np.arctan, lambda g, x: g / (x * x + 1))
sinh = _unary("Sinh", np.sinh, lambda g, x: g * cosh(x))
cosh = _unary("Cosh", np.cosh, lambda g, x: g * sinh(x))
_one_minus_sq = exact("one_minus_sq", lambda y: 1 - y * y)


class TanhGrad(prim):
    """tanh's gradient g * (1 - y*y) (y = tanh(x)) as one primitive: one step of backward
    instead of three, and in exact mode PyTorch's single rounding of 1 - y*y. Its own
    backward gives tanh's double backward."""

    node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * _one_minus_sq(y)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        return gg * (1 - y * y), gg * g * y * -2


# tanh: plain NumPy by default (fast; last-place differences from PyTorch's MKL kernel in
# ~15% of float32 elements), MKL's own kernel under TOCHA_VML=1
tanh = _unary("Tanh", exact("Tanh", np.tanh), lambda g, y: TanhGrad.apply(g, y), save="y")
asinh = _unary("Asinh", np.arcsinh, lambda g, x: g * (x * x + 1) ** -0.5)
acosh = _unary("Acosh", np.arccosh, lambda g, x: g * (x * x - 1) ** -0.5)
atanh = _unary("Atanh", np.arctanh, lambda g, x: g / (1 - x * x))
reciprocal = _unary("Reciprocal", lambda x: 1 / x, lambda g, y: -g * y * y, save="y")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _sigmoid(x):
    # exp of -|x| only: no overflow warnings for large |x|
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid = _unary("Sigmoid", exact("sigmoid", _sigmoid), lambda g, y: g * y * (1 - y), save="y")


def _erf(x):
    # SciPy is optional and slow to import: load it on first use only
    try:
        from scipy.special import erf as sp_erf
    except ImportError:
        from math import erf as m_erf
        return np.vectorize(m_erf, otypes=[x.dtype])(x) if x.size else x.copy()
    return sp_erf(x).astype(x.dtype, copy=False)


erf = _unary("Erf", _erf, lambda g, x: g * exp(-x * x) * (2 / math.sqrt(math.pi)))


class Relu(prim):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        # masked, not multiplied: an inf/NaN gradient where the input was <= 0 gives 0 (as
        # PyTorch's threshold_backward), not inf * 0 = NaN
        if isinstance(g, Tensor):
            return g.masked_fill(y <= 0, 0.0)
        return np.where(y > 0, g, 0)


def relu(input):
    """max(input, 0)."""
    if input._dtype is D.bool_:
        raise RuntimeError("relu: Boolean inputs not supported for relu")
    return Relu.apply(input)


class Abs(prim):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sign(x)


def abs(input, *, out=None):
    if input._dtype is D.bool_:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return _out(Abs.apply(input), out)


absolute = abs


# ---------------------------------------------------------------- piecewise (zero gradient)

def _nodiff(name, fn, float_only=False):
    class _Z(prim):
        node_name = name + "Backward0"

        @staticmethod
        def forward(ctx, x):
            return fn(x)

        @staticmethod
        def backward(ctx, g):
            return zeros_like_(g)       # not g * 0: an inf/NaN gradient gives 0, as PyTorch
    _Z.__name__ = name

    def op(input, *, out=None):
        if input._dtype._kind < 2:
            if float_only:
                raise RuntimeError(f"\"{name.lower()}\" is not implemented for integer tensors")
            if input._dtype is D.bool_:
                if name == "Sign":
                    return _out(input.clone(), out)
                raise NotImplementedError(f"\"{name.lower()}_vml_cpu\" not implemented for "
                                          f"'Bool'")
            # (np.asarray: on a 0-d array NumPy returns a scalar, not an array)
            return _out(_wrap_dt(np.asarray(fn(input._data)).astype(input._data.dtype),
                                 input._dtype, input._device)
                        if name != "Sign" else _wrap(np.asarray(np.sign(input._data))), out)
        return _out(_Z.apply(input), out)
    op.__name__ = name.lower()
    op.__doc__ = f"Elementwise {name.lower()}; its gradient is zero."
    return op


def _sign(x):
    # PyTorch: sign(nan) is 0
    r = np.sign(x)
    return np.where(np.isnan(r), 0, r).astype(x.dtype) if x.dtype.kind == "f" else r


sign = _nodiff("Sign", _sign)
floor = _nodiff("Floor", np.floor)
ceil = _nodiff("Ceil", np.ceil)
trunc = _nodiff("Trunc", np.trunc)
fix = trunc
_round0 = _nodiff("Round", np.round)


def sgn(input):
    return sign(input)


def round(input, *, decimals: int = 0, out=None):
    """Round half to even (PyTorch's rule), to `decimals` places."""
    if decimals == 0:
        return _round0(input, out=out)
    s = 10.0 ** decimals
    return _out(_round0(input * s) / s, out)


class Frac(prim):
    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, g):
        return g


def frac(input):
    if input._dtype._kind < 2:
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{input._dtype}' (frac "
                                  f"needs a float tensor)")
    return Frac.apply(input)


# ---------------------------------------------------------------- clamp, min/max, where, lerp

class ClampT(prim):
    """clamp with tensor bounds and PyTorch's gradients: to input where lo <= x <= hi, to lo
    where x < lo <= hi, to hi where x > hi or lo > hi (ties go to input, not halved)."""

    node_name = "ClampBackward0"

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
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
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
        return g * m if m is not None else g


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to [min, max]; gradient flows where the input is inside."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = D.result_type(input, *[v for v in (min, max) if v is not None])
        lo, hi = (None if v is None else v.to(dt) if isinstance(v, Tensor) else
                  _full_like(input.to(dt), v) for v in (min, max))
        return _out(ClampT.apply(input.to(dt), lo, hi), out)
    if input._dtype._kind < 2:
        # integer/bool inputs promote with the bounds (float bounds give the default float)
        dt = D.result_type(input, *[v for v in (min, max) if v is not None])
        if dt is not input._dtype:
            input = input.to(dt)
        elif dt._kind == 1:
            min, max = _int_bound(min, dt), _int_bound(max, dt)
    return _out(Clamp.apply(input, min, max), out)


def _int_bound(v, dt):
    """A Python number for an integer tensor, converted as PyTorch converts it: ints in the
    range of the type or of its unsigned/signed twin wrap (-1 in uint8 is 255), floats must
    fit the type itself; anything else is refused."""
    if v is None or isinstance(v, bool):
        return v
    info = np.iinfo(dt.np)
    if isinstance(v, float):
        if info.min <= v <= info.max:       # (NaN fails too)
            return v
    elif -(2 ** (info.bits - 1)) <= v <= 2 ** info.bits - 1:
        return int(np.asarray(v, np.int64).astype(dt.np))
    raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without overflow "
                       f"({v} for a {dt} tensor)")


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


def _full_like(x, v):
    return _wrap_dt(np.full(x._data.shape, v, x._dtype.np), x._dtype, x._device)


class Maximum(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        r = np.maximum(a, b, dtype=dt, casting="unsafe") if dt is not None else np.maximum(a, b)
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _minmax_grads(g, a, b, a < b, a > b)


class Minimum(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b, dtype=dt, casting="unsafe") if dt is not None else np.minimum(a, b)

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


def maximum(input, other, *, out=None):
    _need_tensor("maximum", other)
    return _out(_binary(Maximum, input, other, "maximum"), out)


def minimum(input, other, *, out=None):
    _need_tensor("minimum", other)
    return _out(_binary(Minimum, input, other, "minimum"), out)


def fmax(input, other, *, out=None):
    """maximum, except that a NaN loses to a number (NumPy's fmax, as PyTorch)."""
    _need_tensor("fmax", other)
    return _out(_binary(FMax, input, other, "fmax"), out)


def fmin(input, other, *, out=None):
    """minimum, except that a NaN loses to a number."""
    _need_tensor("fmin", other)
    return _out(_binary(FMin, input, other, "fmin"), out)


class FMax(prim):
    """fmax with PyTorch's gradient: all of g to input where input >= other or other is NaN
    (ties included), the rest to other."""

    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return np.fmax(a, b, dtype=dt, casting="unsafe") if dt is not None else np.fmax(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(g, (a >= b) | isnan(b))


class FMin(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return np.fmin(a, b, dtype=dt, casting="unsafe") if dt is not None else np.fmin(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(g, (a <= b) | isnan(b))


def _split_grad(g, to_a):
    return g.masked_fill(~to_a, 0.0), g.masked_fill(to_a, 0.0)


class Where(prim):
    @staticmethod
    def forward(ctx, c, a, b, dt):
        ctx.save_for_backward(c)
        r = np.where(c, a, b)
        return r.astype(dt, copy=False) if dt is not None else r

    @staticmethod
    def backward(ctx, g):
        c, = ctx.saved_tensors
        z = zeros_like_(g)
        return None, where(c, g, z), where(c, z, g)


def where(condition, input=None, other=None, *, out=None):
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
        return _out(Where.apply(condition, input, other, dt.np), out)
    except ValueError:
        raise RuntimeError(f"where: shapes of condition {tuple(condition._data.shape)}, input "
                           f"{tuple(input._data.shape)} and other {tuple(other._data.shape)} are "
                           f"not broadcastable") from None


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}


def lerp(input, end, weight):
    """input + weight * (end - input); float16 computed in float32 and rounded once (as
    PyTorch's kernel: float16 steps lose bits)."""
    if input._dtype is D.float16 and isinstance(end, Tensor) and end._dtype is D.float16:
        w = weight.float() if isinstance(weight, Tensor) else weight
        return lerp(input.float(), end.float(), w).to(D.float16)
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 / tensor2


class Atan2(prim):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b, dtype=dt, casting="unsafe") if dt is not None else np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # at (0, 0) PyTorch's gradient is 0, not 0 / 0
        d = (a * a + b * b).masked_fill(~((a != 0) | (b != 0)), float("inf"))
        return g * b / d, -g * a / d


def atan2(input, other):
    _need_tensor("atan2", other)
    dt = D.result_type(input, other)
    if dt._kind < 2:        # integers give the default float dtype
        dt = D.get_default_dtype()
    if input._dtype is not dt:
        input = input.to(dt)
    if isinstance(other, Tensor) and other._dtype is not dt:
        other = other.to(dt)
    return _binary(Atan2, input, other, "atan2")


arctan2 = atan2


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace nan/inf by finite numbers; gradient flows where the input was finite."""
    if input._dtype._kind < 2:
        return input.clone()
    fi = np.finfo(input._dtype.np)
    hi = fi.max if posinf is None else posinf
    lo = fi.min if neginf is None else neginf
    arr = np.nan_to_num(input._data, nan=nan, posinf=hi, neginf=lo)
    fill = _wrap_dt(arr, input._dtype, input._device)
    return where(isfinite(input), input, fill)


# ---------------------------------------------------------------- casts and copies

class Cast(prim):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dt):
        ctx.src = x.dtype
        return x.astype(dt)

    @staticmethod
    def backward(ctx, g):
        return g.to(D.from_numpy_dtype(ctx.src))


def _cast(x: Tensor, dtype) -> Tensor:
    if dtype._kind < 2 or x._dtype._kind < 2:
        return _wrap_dt(x._data.astype(dtype.np), dtype, x._device)
    return Cast.apply(x, dtype.np)


class Clone(prim):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    """A copy that stays in the graph."""
    return Clone.apply(input)


class Fill(prim):
    @staticmethod
    def forward(ctx, x, v):
        return np.full_like(x, v)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g.sum()


def fill(input, value):
    return Fill.apply(input, value)


class CopyFrom(prim):
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g


def copy_from(input, src):
    return CopyFrom.apply(input, src)


# ---------------------------------------------------------------- no-gradient ops

_INT_DIVS = ("floor_divide", "remainder", "fmod")


def _nograd_binary(ufunc, a, b, op, out_dtype=None):
    if not isinstance(a, Tensor):
        from .._creation import tensor
        a = tensor(a)
    dt = _result_np(a, b)
    bb = b._data if isinstance(b, Tensor) else b
    if op in _INT_DIVS and np.dtype(dt or a._data.dtype).kind == "b":
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for 'Bool'")
    if op in _INT_DIVS and np.dtype(dt or a._data.dtype).kind in "biu" and np.any(
            np.asarray(bb) == 0):
        raise RuntimeError(f"{op}: integer division by zero (ZeroDivisionError); operands "
                           f"{a._dtype} and {getattr(b, '_dtype', type(b).__name__)}")
    try:
        r = ufunc(a._data, bb, dtype=dt, casting="unsafe") if dt is not None and out_dtype is \
            None else ufunc(
            a._data if dt is None else a._data.astype(dt), bb)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(op, a._data.shape,
                                  b._data.shape if isinstance(b, Tensor) else ()) from None
        raise
    return _wrap(_fix(r), a._device)


def _cmp(ufunc, name):
    def op(input, other, *, out=None):
        if not isinstance(input, Tensor):
            from .._creation import tensor
            input = tensor(input)
        if isinstance(other, Tensor) and other._dtype is not input._dtype:
            dt = D.result_type(input, other).np
            a, b = input._data.astype(dt, copy=False), other._data.astype(dt, copy=False)
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


def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


def _logical(ufunc, name):
    def op(input, other=None):
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
    def op(input, other=None):
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


def isnan(input):
    """A bool tensor, True where `input` is NaN (not differentiable).

    >>> import tocha
    >>> tocha.tensor([1.0, float("nan")]).isnan()
    tensor([False,  True])
    """
    return _wrap(_fix(np.isnan(input._data)), input._device)


def isinf(input):
    return _wrap(_fix(np.isinf(input._data)), input._device)


def isfinite(input):
    return _wrap(_fix(np.isfinite(input._data)), input._device)


def isposinf(input):
    return _wrap(_fix(np.isposinf(input._data)), input._device)


def isneginf(input):
    return _wrap(_fix(np.isneginf(input._data)), input._device)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _wrap(_fix(np.isclose(input._data, other._data, rtol, atol, equal_nan)),
                 input._device)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol, atol, equal_nan))


class NotDifferentiable(prim):
    """Passes a computed value through; its backward raises, as PyTorch's ops whose derivative
    is not implemented do (their outputs require grad, so using them in a loss is an error,
    not a silently missing gradient)."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, value, name, *inputs):
        ctx.name = name
        return value

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError(f"the derivative for '{ctx.name}' is not implemented.")


def no_derivative(out: Tensor, name: str, *inputs) -> Tensor:
    """`out` marked as PyTorch marks a non-differentiable op's float result."""
    if (out._dtype._kind == 2 and STATE.enabled
            and any(isinstance(t, Tensor) and t._requires_grad for t in inputs)):
        return NotDifferentiable.apply(out._data, name, *inputs)
    return out


def _scalar_as(v, other):
    """A Python number operand as a 0-d tensor of the dtype it promotes to with `other` (a
    float16 tensor keeps float16: `0.5 // x`)."""
    if isinstance(other, Tensor) and isinstance(v, (bool, int, float)):
        dt = D.result_type(other, v)
        return _wrap_dt(np.asarray(v, dt.np), dt, other._device)
    from .._creation import tensor
    return tensor(v)


def floor_divide(input, other):
    """Floor of input / other (no gradient, like PyTorch: backward through it raises)."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    return no_derivative(_nograd_binary(np.floor_divide, input, other, "floor_divide"),
                         "floor_divide", input, other)


def remainder(input, other):
    """Python-style modulus (sign of the divisor); gradient 1 for input."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    return _mod(np.mod, "floor", input, other, "remainder")


def fmod(input, other):
    """C-style modulus (sign of the dividend); gradient 1 for input."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    return _mod(np.fmod, "trunc", input, other, "fmod")


def _mod(ufunc, rounding, input, other, name):
    exact = _nograd_binary(ufunc, input, other, name)
    if not (STATE.enabled and (input._requires_grad or (
            isinstance(other, Tensor) and other._requires_grad))):
        return exact
    if input._dtype is not exact._dtype:        # a bool/int dividend: no `-` on bools
        input = input.to(exact._dtype)
    return ModGrad.apply(exact._data, input, other, rounding)


class ModGrad(prim):
    """The value of remainder/fmod (computed by NumPy) with PyTorch's gradients: 1 for the
    dividend, -q for the divisor (q = a / b rounded: floor for remainder, trunc for fmod).
    Not input - q * other, which is NaN where other is infinite (inf * 0)."""

    @staticmethod
    def forward(ctx, value, a, b, rounding):
        ctx.save_for_backward(a, b if isinstance(b, np.ndarray) else None)
        ctx.b, ctx.rounding = b, rounding
        return value

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        gb = None
        if n[2]:
            gb = -g * div(a.detach(), b.detach(), rounding_mode=ctx.rounding)
        return None, g if n[1] else None, gb, None


def trunc_divide(input, other):
    return div(input, other, rounding_mode="trunc")


# ---------------------------------------------------------------- composites

def positive(input):
    """`+input` (the same tensor)."""
    if input._dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def logaddexp(input, other):
    """log(exp(input) + exp(other)) without overflow."""
    dt = D.result_type(input, other)
    dt = dt if dt._kind == 2 else D.get_default_dtype()
    input = input.to(dt)                # bool/int operands: no `-` on bools
    other = other.to(dt) if isinstance(other, Tensor) else other
    m = maximum(input, other).detach()
    m = where(isfinite(m), m, zeros_like_(m))
    return m + log(exp(input - m) + exp(other - m))


def hypot(input, other):
    """sqrt(input**2 + other**2)."""
    dt = D.result_type(input, other)
    dt = dt if dt._kind == 2 else D.get_default_dtype()
    input = input.to(dt)        # integers squared in their own dtype would overflow (int8)
    other = other.to(dt) if isinstance(other, Tensor) else other
    return sqrt(input * input + other * other)


def deg2rad(input):
    return as_float(input) * (math.pi / 180.0)


def rad2deg(input):
    return as_float(input) * (180.0 / math.pi)


def logit(input, eps=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    x = as_float(input)
    if eps is not None:
        x = clamp(x, eps, 1 - eps)
        return log(x / (1 - x))
    return Logit.apply(x)


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
        return where(bad, _full_like(g, float("nan")), g / (x * (1 - x)))


def xlogy(input, other):
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


def signbit(input):
    """True where the sign bit is set (including -0.0)."""
    return _wrap(_fix(np.signbit(input._data)), input._device)
