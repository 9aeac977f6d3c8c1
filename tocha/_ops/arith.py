"""Elementwise arithmetic: + - * /, powers, integer division and modulus, casts and copies
(re-exported by tocha._ops.elementwise)."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dt
from .._vml import exact
from ..autograd.grad_mode import STATE
from ._lowp import cast_to
from ._util import broadcast_error, prim
from .complex import cj, refuse

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
        return None if k >= 2 else D.get_default_dtype().np
    if s.__class__ is int:
        return None if k >= 1 else D.int64.np
    if s.__class__ is bool:
        return None
    if isinstance(s, (np.generic, np.ndarray, complex)):
        return D.result_type(t, s).np
    raise TypeError(f"unsupported operand type {type(s).__name__} for a tensor op")


def _num(x):
    """A NumPy scalar as the Python number it is to PyTorch (a float64 scalar times a float16
    tensor computes like `* 0.1`, not with the number rounded to float16 first). Not
    np.bool_: PyTorch promotes with it as a float (int64 tensor + np.bool_ is float32)."""
    return x.item() if isinstance(x, np.generic) and x.__class__ is not np.bool_ else x


def _binary(cls, a, b, op):
    b = _num(b)
    dt = _result_np(a, b)
    if dt is not None and cls is Mul and _scalar_operand(b, a):
        return cls.apply(a, b.item(), None)
    try:
        return cls.apply(a, b, dt)
    except ValueError as e:
        sa = a._data.shape if isinstance(a, Tensor) else ()
        sb = b._data.shape if isinstance(b, Tensor) else ()
        if "broadcast" in str(e):
            raise broadcast_error(op, sa, sb) from None
        raise


def _scalar_operand(s, t) -> bool:
    """`s` a 0-d tensor of another dtype that does not require grad, the right operand of
    a float16/bfloat16 tensor `t` of the result's dtype times (or over) it: PyTorch takes it
    as the number it holds, kept in float32 (as the left operand it is rounded first) (x / tensor(70000) is 1.4e-05 in float16; rounding
    70000 to float16 first gave x / inf = 0)."""
    return (s.__class__ is Tensor and t.__class__ is Tensor and s._data.ndim == 0
            and s._dtype is not t._dtype and not s._requires_grad and _lowp(t._data.dtype)
            and D.result_type(t, s) is t._dtype)


def _fix(r):
    return r if r.__class__ is _ndarray else np.asarray(r)


# ---------------------------------------------------------------- arithmetic

class Add(prim):
    _operands = 2       # (x * 2: a slot for the number, as in PyTorch)

    @staticmethod
    def forward(ctx, a, b, dt):
        return np.add(a, b, dtype=dt, casting="unsafe") if dt is not None else a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(prim):
    _operands = 2

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


def _lowp_scalar(ufunc, a, s):
    """ufunc(a, s) for a bfloat16 (or float8) array and a Python number as PyTorch's CPU mul
    and div compute it: the number kept in float32 (their opmath type) and one rounding at the
    end; NumPy would round the number to the array's type first. (PyTorch's add and sub do
    round the number first, as NumPy does.)"""
    return ufunc(a.astype(np.float32), np.float32(s)).astype(a.dtype)


def _lowp(dt) -> bool:
    """float16 or an ml_dtypes type (bfloat16, float8): PyTorch multiplies and divides these
    by a number in float32, the number unrounded (NumPy rounds it to the array's type)."""
    return dt.kind == "V" or dt == np.float16


class Mul(prim):
    _operands = 2

    @staticmethod
    def forward(ctx, a, b, dt):
        n = ctx.needs_input_grad
        if n:
            ctx.save_for_backward(a if len(n) > 1 and n[1] else None, b if n[0] else None)
            if b.__class__ is not _ndarray:
                ctx.scalar = b
        if dt is not None:
            return np.multiply(a, b, dtype=dt, casting="unsafe")
        if b.__class__ is not _ndarray and _lowp(a.dtype):       # float16/bfloat16 * number
            return _lowp_scalar(np.multiply, a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if b is None and ctx.needs_input_grad[0]:
            b = ctx.scalar
        if g._dtype.is_complex:
            a, b = cj(a), cj(b)
        return (g * b if ctx.needs_input_grad[0] else None,
                g * a if ctx.needs_input_grad[1] else None)


class Div(prim):
    _operands = 2

    @staticmethod
    def forward(ctx, a, b, dt):
        n = ctx.needs_input_grad
        if n:
            if b.__class__ is not _ndarray:
                ctx.scalar = b
                ctx.save_for_backward(None, None)
            else:
                ctx.save_for_backward(a if n[1] else None, b)
        if dt is not None:
            return np.true_divide(a, b, dtype=dt, casting="unsafe")
        if b.__class__ is not _ndarray and _lowp(a.dtype):       # float16/bfloat16 / number
            return _lowp_scalar(np.true_divide, a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g._dtype.is_complex:
            return _div_complex(ctx, g, a, b)
        if b is None:
            return g / ctx.scalar, None
        ga = g / b if ctx.needs_input_grad[0] else None
        # PyTorch's chain and its roundings: -g * ((a / b) / b), not -g * a / (b * b)
        gb = -g * ((a / b) / b) if ctx.needs_input_grad[1] else None
        return ga, gb


def _div_complex(ctx, g, a, b):
    if b is None:
        return g / cj(ctx.scalar), None
    a, b = cj(a), cj(b)
    return (g / b if ctx.needs_input_grad[0] else None,
            -g * a / (b * b) if ctx.needs_input_grad[1] else None)


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


class AddAlphaLowp(prim):
    """a + alpha * b for float16/bfloat16 tensors as PyTorch's vectorized kernel: alpha
    rounded to the type, the rest in float32, one rounding (the composite rounded alpha * b
    first); the gradient of b is g * alpha, alpha unrounded (PyTorch's mul by a number).
    Differs from PyTorch: its loop tail (the last numel % 64 elements of each thread's chunk,
    on AVX-512) rounds alpha * b to the type first; tocha does not."""

    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.alpha = alpha
        k = np.float32(np.asarray(alpha, a.dtype))
        return (a.astype(np.float32) + b.astype(np.float32) * k).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g, g * ctx.alpha if ctx.needs_input_grad[1] else None, None


class SubAlphaLowp(AddAlphaLowp):
    node_name = "SubBackward0"


def _alpha_lowp(input, other, alpha) -> bool:
    # (same shapes only: that is where PyTorch's bits were checked; broadcast operands go
    # through its other loops)
    return (isinstance(input, Tensor) and isinstance(other, Tensor) and isinstance(alpha, float)
            and input._dtype is other._dtype and _lowp(input._data.dtype)
            and input._data.shape == other._data.shape)



def add(input: Tensor, other: Tensor | complex, *, alpha: complex = 1,
        out: Tensor | None = None) -> Tensor:
    """input + alpha * other."""
    if alpha != 1 and _alpha_lowp(input, other, alpha):
        return _out(AddAlphaLowp.apply(input, other, alpha), out)
    if alpha != 1:
        other = _scaled(input, other, alpha, "add")
    if not isinstance(input, Tensor):
        input, other = other, input
    return _out(_binary(Add, input, other, "add"), out)


def sub(input: Tensor, other: Tensor | complex, *, alpha: complex = 1,
        out: Tensor | None = None) -> Tensor:
    """input - alpha * other."""
    if isinstance(input, Tensor):
        _check_bool_sub(input, other)       # before alpha turns a bool operand into a number
    if alpha != 1 and _alpha_lowp(input, other, alpha):
        return _out(SubAlphaLowp.apply(input, other, -alpha), out)
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


def rsub(input: Tensor, other: Tensor | complex, *, alpha: complex = 1) -> Tensor:
    """other - alpha * input."""
    if alpha != 1:
        input = input * alpha
    if isinstance(other, Tensor):
        return sub(other, input)
    _check_bool_sub(input, other)
    return _binary(RSub, input, other, "rsub")


def mul(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """input * other."""
    if not isinstance(input, Tensor):
        input, other = other, input
    return _out(_binary(Mul, input, other, "mul"), out)


def div(input: Tensor, other: Tensor | complex, *, rounding_mode: str | None = None,
        out: Tensor | None = None) -> Tensor:
    """input / other (true division; `rounding_mode` 'trunc' or 'floor')."""
    if rounding_mode is not None:
        if rounding_mode == "floor":
            if not isinstance(input, Tensor):
                input = _scalar_as(input, other)
            refuse("floor_divide", input, other)
            r = _nograd_binary(np.floor_divide, input, other, "div")
            return _out(_rounded_div(r, input, other), out)
        if rounding_mode == "trunc":
            q = _nograd_binary(np.true_divide, input, other, "div")
            r = _wrap(np.trunc(q._data))
            dt = D.result_type(input, other)
            return _out(_rounded_div(_wrap(r._data.astype(dt.np)), input, other), out)
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    if not isinstance(input, Tensor):
        # div(number, tensor): the number as a 0-d tensor (PyTorch's wrapped number: one
        # rounding, and DivBackward0 lists it in next_functions as (None, 0)). `number / x`
        # is reciprocal(x) * number instead, as PyTorch's Tensor.__rtruediv__ (operators.py)
        input = _scalar_as(_num(input), other)
        return _out(Div.apply(input, other, _div_dt(input, other)), out)
    other = _num(other)
    dt = _div_dt(input, other)
    if dt is not None and _scalar_operand(other, input):
        return _out(Div.apply(input, other.item(), None), out)
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


def neg(input: Tensor) -> Tensor:
    """-input."""
    if input._dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


negative = neg


# PyTorch's CPU float32/float64 pow by these numbers: its sqrt kernel, 1 / sqrt, and products
# rounded at each step (NumPy's powf rounds once, so x ** 3 or x ** -0.5 differed in the last
# place, and a double backward's cancellation made that visible)
_POW_FAST = {0.5: exact("Sqrt", np.sqrt), -0.5: lambda a: 1 / np.sqrt(a),
             3: lambda a: a * a * a, -2: lambda a: 1 / (a * a)}
_POW_FAST_DT = (np.dtype(np.float32), np.dtype(np.float64))
_F16_DT = np.dtype(np.float16)


class Pow(prim):
    @staticmethod
    def forward(ctx, a, e, dt):
        ctx.save_for_backward(a)
        ctx.e = e
        if getattr(e, "ndim", 0) == 0 and e < 0 and np.dtype(dt or a.dtype).kind in "iu":
            return _int_pow(a, e, dt)
        if dt is None and e.__class__ in _PYNUM and e in _POW_FAST and a.dtype in _POW_FAST_DT:
            return _POW_FAST[e](a)
        if dt is None and a.dtype == _F16_DT:
            # np.power, not `a ** e` (whose scalar fast path is sqrt for 0.5): PyTorch's
            # float16 pow is C's, (-inf) ** 0.5 = inf and (-0.0) ** 0.5 = 0.0
            return np.power(a, e)
        return np.power(a, e, dtype=dt, casting="unsafe") if dt is not None else a ** e

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        e = ctx.e
        if e == 0:
            # not g * 0: an inf gradient gives 0, not NaN
            return zeros_like_(g), None
        if g._dtype.is_complex:
            a, e = cj(a), cj(e)
        # PyTorch's chain g * (e * a ** (e - 1)): its roundings, in a double backward too
        return g * (e * a ** (e - 1)), None


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
        from .compare import where  # (compare and unary import this module)
        from .unary import log
        a, b, out = ctx.saved_tensors
        if g._dtype.is_complex:
            a, b, out = cj(a), cj(b), cj(out)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = g * b * a ** (b - 1)
            ga = where(b == 0, zeros_like_(ga), ga)
        if ctx.needs_input_grad[1]:
            # 0 ** b: the derivative is 0 where b >= 0, -inf (inf * log 0) where b < 0; as in
            # PyTorch, g multiplies the masked derivative (an infinite g then gives NaN)
            d = out * log(a)
            bpos = (b.real if b._dtype.is_complex else b) >= 0
            gb = g * where((a == 0) & bpos, zeros_like_(d), d)
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
        if g._dtype.is_complex:
            return g * cj(out) * cj(np.log(complex(ctx.base))), None
        if ctx.base == 0:       # 0 ** a: 0 where a >= 0, -inf (inf * log 0) where a < 0
            return g * (out * float("-inf")).masked_fill(a >= 0, 0.0), None
        # log of a negative base is NaN (PyTorch's gradient), not Python's math domain error
        lb = math.log(ctx.base) if ctx.base > 0 else math.nan
        return g * out * lb, None


def zeros_like_(x):
    return _wrap_dt(np.zeros_like(x._data), x._dtype, x._device)


def ones_like_(x):
    return _wrap_dt(np.ones_like(x._data), x._dtype, x._device)


def pow(input: Tensor, exponent: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
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


def float_power(input: Tensor, exponent: Tensor | complex) -> Tensor:
    input = input.double() if isinstance(input, Tensor) else input
    exponent = exponent.double() if isinstance(exponent, Tensor) else exponent
    return pow(input, exponent)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


# ---------------------------------------------------------------- casts and copies

class Cast(prim):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dt):
        ctx.src = x.dtype
        x = _dense(x)
        # float16 and ml_dtypes (bfloat16, float8) targets: PyTorch's conversion, cast_to's
        return x.astype(dt) if dt.itemsize >= 4 or dt.kind not in "fV" else cast_to(x, dt)

    @staticmethod
    def backward(ctx, g):
        if g._dtype.is_complex and ctx.src.kind != "c":
            g = g.real      # complex -> real-input cast: the gradient's real part, as PyTorch
        return g.to(D.from_numpy_dtype(ctx.src))


def _dense(a):
    """An expanded array (a zero stride) as a C-contiguous one: astype keeps the input's
    memory order, which for a stride of 0 put the expanded dim innermost, where PyTorch's
    conversion of an expanded tensor is contiguous (x.expand(2, 3).float().view(-1) failed)."""
    if 0 in a.strides and a.size > 1 and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape)):
        return np.ascontiguousarray(a)
    return a


def _cast(x: Tensor, dtype) -> Tensor:
    if dtype._kind < 2 or x._dtype._kind < 2:
        return _wrap_dt(cast_to(_dense(x._data), dtype.np), dtype, x._device)
    return Cast.apply(x, dtype.np)


class Clone(prim):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input: Tensor, *, memory_format: object = None) -> Tensor:
    """A copy that stays in the graph."""
    return Clone.apply(input)


class Fill(prim):
    @staticmethod
    def forward(ctx, x, v):
        return np.full_like(x, v)

    @staticmethod
    def backward(ctx, g):
        # zeros, not g * 0: an infinite g (sqrt at the filled 0) gives 0, not NaN, as PyTorch
        return zeros_like_(g), g.sum()


def fill(input: Tensor, value: complex) -> Tensor:
    return Fill.apply(input, value)


class CopyFrom(prim):
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        # zeros, not g * 0: a NaN gradient of the copy does not reach the overwritten history
        # (PyTorch's CopyBackwards)
        return zeros_like_(g), g


def copy_from(input, src):
    return CopyFrom.apply(input, src)


# ---------------------------------------------------------------- integer division, modulus

_INT_DIVS = ("floor_divide", "remainder", "fmod")


def _nograd_binary(ufunc, a, b, op, out_dtype=None):
    if not isinstance(a, Tensor):
        from .._creation import tensor
        a = tensor(a)
    dt = _result_np(a, b)
    bb = b._data if isinstance(b, Tensor) else b
    if op in _INT_DIVS and np.dtype(dt or a._data.dtype).kind == "b":
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for 'Bool'")
    if op in _INT_DIVS and np.dtype(dt or a._data.dtype).kind in "biu" and a._data.size and \
            np.any(np.asarray(bb) == 0):       # (an empty dividend divides nothing)
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


class RoundedDiv(prim):
    """div with a rounding mode: PyTorch's DivBackward2 gives both operands zeros (not
    g * 0: a NaN gradient gives 0)."""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, value, a, b):
        return value

    @staticmethod
    def backward(ctx, g):
        z = zeros_like_(g)
        return None, z, z


def _joins_graph(out: Tensor, inputs) -> bool:
    """Whether `out`, a float result computed from `inputs` outside autograd, must be recorded
    (requires_grad, not _requires_grad: a view whose base joined a graph in place does)."""
    return (out._dtype._kind == 2 and STATE.enabled
            and any(isinstance(t, Tensor) and t.requires_grad for t in inputs))


def _rounded_div(r: Tensor, a, b) -> Tensor:
    return RoundedDiv.apply(r._data, a, b) if _joins_graph(r, (a, b)) else r


def no_derivative(out: Tensor, name: str, *inputs: object) -> Tensor:
    """`out` marked as PyTorch marks a non-differentiable op's float result."""
    if _joins_graph(out, inputs):
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


def floor_divide(input: Tensor, other: Tensor | complex) -> Tensor:
    """Floor of input / other (no gradient, like PyTorch: backward through it raises)."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    refuse("floor_divide", input, other)
    return no_derivative(_nograd_binary(np.floor_divide, input, other, "floor_divide"),
                         "floor_divide", input, other)


def remainder(input: Tensor, other: Tensor | complex) -> Tensor:
    """Python-style modulus (sign of the divisor); gradient 1 for input."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    return _mod(_np_remainder, "floor", input, other, "remainder")


def _np_remainder(a, b, **kw):
    """np.mod with PyTorch's sign for a zero result: fmod's, the dividend's (NumPy gives it the
    divisor's sign, and 1 / remainder(0., -0.7) was -inf)."""
    r = np.mod(a, b, **kw)
    if r.dtype.kind == "f":
        zero = r == 0
        if zero.any():
            r = np.where(zero, np.copysign(r, a), r).astype(r.dtype, copy=False)
    return r


def fmod(input: Tensor, other: Tensor | complex) -> Tensor:
    """C-style modulus (sign of the dividend); gradient 1 for input."""
    if not isinstance(input, Tensor):
        input = _scalar_as(input, other)
    return _mod(np.fmod, "trunc", input, other, "fmod")


def _mod(ufunc, rounding, input, other, name):
    refuse(name, input, other)
    exact = _nograd_binary(ufunc, input, other, name)
    if not _joins_graph(exact, (input, other)):
        return exact
    if input._dtype is not exact._dtype:        # a bool/int dividend: no `-` on bools
        input = input.to(exact._dtype)
    node = _MOD_NODES[name, isinstance(other, Tensor)]
    return node.apply(exact._data, input, other, rounding)


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
            # (not detached: the rounded quotient joins the graph, as PyTorch's, with its
            # zero gradient)
            gb = -g * div(a, b, rounding_mode=ctx.rounding)
        return None, g if n[1] else None, gb, None


# PyTorch's node names: Backward0 for a number divisor (one next_function), 1 for a tensor
_MOD_NODES = {
    (op, tensor): type(f"{op.capitalize()}Grad", (ModGrad,), {
        "node_name": f"{op.capitalize()}Backward{int(tensor)}", "__module__": __name__})
    for op in ("remainder", "fmod") for tensor in (False, True)}


def trunc_divide(input: Tensor, other: Tensor | complex) -> Tensor:
    return div(input, other, rounding_mode="trunc")

