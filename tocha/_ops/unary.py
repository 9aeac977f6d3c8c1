"""Elementwise unary functions: exp/log, trig, activations, abs, rounding (re-exported by
tocha._ops.elementwise)."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dt
from .._vml import exact
from ._util import prim
from .arith import _cast, _out, zeros_like_
from .complex import cj, refuse

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
        if g._dtype.is_complex:
            s = cj(s)   # PyTorch: g times the conjugate derivative (see tocha/_ops/complex.py)
        return bwd(g, s)

    ns = {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    if node:
        ns["node_name"] = node
    cls = type(name, (prim,), ns)

    def op(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        try:
            k = input._dtype._kind
        except AttributeError:      # a list, a number...: PyTorch's TypeError, not ours
            raise TypeError(f"{name.lower()}(): argument 'input' (position 1) must be Tensor, "
                            f"not {type(input).__name__}") from None
        if out is None and k == 2:
            return cls.apply(input)
        # (an integer input through _cast: an expanded one comes out C-contiguous, as PyTorch's)
        return _out(cls.apply(_cast(input, D.get_default_dtype()) if k < 2 else input), out)

    op.__name__ = name.lower()
    op.__doc__ = f"Elementwise {name.lower()} (integer inputs give the default float dtype)."
    op.prim = cls
    return op


def _via64(f):
    """f computed in float64 and rounded once: float32 results then match PyTorch's libm on
    small tensors bit for bit (NumPy's own float32 kernels differ in the last place)."""
    def g(x):
        if x.dtype.kind == "f" and x.itemsize < 8:
            # (C order for an expanded x: NumPy's 'K' gave a zero-stride array a layout
            # PyTorch's result has not, and flatten() then copied where PyTorch's views)
            return f(x.astype(np.float64, order="C" if 0 in x.strides else "K")).astype(
                x.dtype)
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
        if gg._dtype.is_complex:
            g, y = cj(g), cj(y)
        return gg * (1 - y * y), gg * g * y * -2


# tanh: plain NumPy by default (fast; last-place differences from PyTorch's MKL kernel in
# ~15% of float32 elements), MKL's own kernel under TOCHA_VML=1
tanh = _unary("Tanh", exact("Tanh", np.tanh), lambda g, y: TanhGrad.apply(g, y), save="y")
asinh = _unary("Asinh", np.arcsinh, lambda g, x: g * (x * x + 1) ** -0.5)
acosh = _unary("Acosh", np.arccosh, lambda g, x: g * (
    (x * x - 1) ** -0.5 if not x._dtype.is_complex else (x - 1) ** -0.5 * (x + 1) ** -0.5))
atanh = _unary("Atanh", np.arctanh, lambda g, x: g / (1 - x * x))
# PyTorch's -g * (y * y): y * y first (an overflowing square times a zero g is NaN there)
reciprocal = _unary("Reciprocal", lambda x: 1 / x, lambda g, y: -g * (y * y), save="y")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _sigmoid(x):
    if x.dtype.kind == "V":         # bfloat16: in float32, rounded once (PyTorch's kernel)
        return _sigmoid(x.astype(np.float32)).astype(x.dtype)
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    # PyTorch's formula 1 / (1 + exp(-x)), float16 in float32: 0 where exp(-x) overflows
    # (x < -88.72 in float32), not the subnormal exp(x) of the form e / (1 + e); it is also
    # ~3x faster than choosing a form by sign, and equals PyTorch's bits more often
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    with np.errstate(over="ignore"):
        r = 1 / (1 + np.exp(-w))
    return np.asarray(r).astype(x.dtype, copy=False)


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


_INT_LIKE = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}


def _relu_grad(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``g`` with 0 where ``y <= 0`` (PyTorch's threshold_backward: a NaN output passes).

    For float32/float64 the gradient's bits are cleared under an integer mask: np.where's
    masked loop is scalar, about 3x slower than the four SIMD passes here.
    """
    it = _INT_LIKE.get(g.dtype)
    if it is None or y.shape != g.shape:
        return np.where(y <= 0, 0, g)
    keep = (y <= 0).view(np.uint8).astype(it)
    keep -= 1  # 0 -> all ones (keep), 1 -> 0 (clear)
    return np.bitwise_and(g.view(it), keep).view(g.dtype)


class Relu(prim):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        # against an array of zeros, not the number 0: NumPy's loop for a broadcast scalar
        # operand is not vectorised (128x256 float32: 13 us -> 5.5 us, the same bits)
        # (x second: of equal operands NumPy returns the second, so relu(-0.0) is -0.0, as
        # PyTorch's)
        y = np.maximum(np.zeros(x.shape, x.dtype), x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return ReluGrad.apply(g, y)


class ReluGrad(prim):
    """relu's gradient as one primitive: g masked where y <= 0 -- masked, not multiplied, so
    an inf/NaN gradient where the input was <= 0 gives 0 (PyTorch's threshold_backward), not
    inf * 0 = NaN. Its own backward (the same mask on gg) is relu's double backward."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(y)
        return _relu_grad(y, g)

    @staticmethod
    def backward(ctx, gg):
        y, = ctx.saved_tensors
        return ReluGrad.apply(gg, y), None


def relu(input: Tensor) -> Tensor:
    """max(input, 0)."""
    if input._dtype is D.bool_:
        raise RuntimeError("relu: Boolean inputs not supported for relu")
    refuse("clamp", input)
    return Relu.apply(input)


class Abs(prim):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if x._dtype.is_complex:
            return g * sgn(x)
        return g * sign(x)


def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:
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

    def op(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        if input._dtype.is_complex:
            refuse(name.lower() if name != "Round" else "round", input)
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
    return np.where(np.isnan(r), 0, r).astype(x.dtype) if x.dtype.kind in "fV" else r


sign = _nodiff("Sign", _sign)
floor = _nodiff("Floor", np.floor)
ceil = _nodiff("Ceil", np.ceil)
trunc = _nodiff("Trunc", np.trunc)
fix = trunc
_round0 = _nodiff("Round", np.round)


def sgn(input: Tensor) -> Tensor:
    if input._dtype.is_complex:
        from .complex import _sgn_complex
        return _sgn_complex(input)
    return sign(input)


def round(input: Tensor, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:
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


def frac(input: Tensor) -> Tensor:
    refuse("frac", input)
    if input._dtype._kind < 2:
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{input._dtype}' (frac "
                                  f"needs a float tensor)")
    return Frac.apply(input)

