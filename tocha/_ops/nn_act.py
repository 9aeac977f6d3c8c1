"""Activation and dropout primitives for `nn.functional`.

Each activation is one primitive whose backward is a second primitive (`...BackwardBackward0`)
computing `grad * f'(x)` in one NumPy pass; that second primitive's own backward is written in
tocha ops, so double backward works. Why primitives rather than composites: a composite GELU
or ELU records 5-8 nodes and temporaries per call, this records one (and one fused pass in
backward), which is what the small-model loops spend their time on.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from .._dtype_ext import scalar_name
from .._tensor import Tensor
from ._lowp import up
from ._util import as_float, prim
from .elementwise import _erf, _sigmoid, exp, tanh, where
from .elementwise import sigmoid as _t_sigmoid

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_K = math.sqrt(2.0 / math.pi)
_C = 0.044715


def _act(name: str, f, d1, d2=None):
    """Build the primitive `name`: forward `f(x, *p)`, derivative `d1(x, *p)` (arrays) and
    second derivative `d2(x_tensor, *p)` in tocha ops (None: zero almost everywhere)."""

    class Grad(prim):
        node_name = name + "BackwardBackward0"

        @staticmethod
        def forward(ctx, g, x, *p):
            if ctx.needs_input_grad:
                ctx.save_for_backward(g, x)
                ctx.p = p
            r = up(g)[0] * d1(up(x)[0], *p)     # bfloat16: in float32, rounded once
            return r.astype(x.dtype, copy=False)

        @staticmethod
        def backward(ctx, gg):
            g, x = ctx.saved_tensors
            n = ctx.needs_input_grad
            dg = Grad.apply(gg, x, *ctx.p) if n[0] else None
            dx = None
            if n[1] and d2 is not None:
                dx = gg * g * d2(x, *ctx.p)
            return dg, dx

    class Fwd(prim):
        node_name = name + "Backward0"

        @staticmethod
        def forward(ctx, x, *p):
            if ctx.needs_input_grad:
                ctx.save_for_backward(x)
                ctx.p = p
            return f(up(x)[0], *p).astype(x.dtype, copy=False)    # (bfloat16: float32)

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return Grad.apply(g, x, *ctx.p)

    Fwd.__name__ = name
    Grad.__name__ = name + "Backward"
    return Fwd


# ---------------------------------------------------------------- GELU
def _gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(_K * (x + _C * x * x * x)))
    return 0.5 * x * (1.0 + _erf(x * _SQRT1_2))


def _gelu_d1(x, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = np.tanh(_K * (x + _C * x2 * x))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _K * (1.0 + 3.0 * _C * x2)
    return 0.5 * (1.0 + _erf(x * _SQRT1_2)) + x * np.exp(-0.5 * x * x) * _INV_SQRT_2PI


def _gelu_d2(x, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = tanh((x + x2 * x * _C) * _K)
        s = 1 - t * t
        u1 = (x2 * (3.0 * _C) + 1) * _K
        u2 = x * (6.0 * _K * _C)
        return s * u1 - x * t * s * u1 * u1 + x * s * u2 * 0.5
    phi = exp(x * x * -0.5) * _INV_SQRT_2PI
    return phi * (2 - x * x)


Gelu = _act("Gelu", _gelu, _gelu_d1, _gelu_d2)


# ---------------------------------------------------------------- SiLU / Mish
def _silu(x):
    return x * _sigmoid(x)


def _silu_d1(x):
    s = _sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _silu_d2(x):
    s = _t_sigmoid(x)
    return s * (1 - s) * (x * (1 - 2 * s) + 2)


Silu = _act("Silu", _silu, _silu_d1, _silu_d2)


def _softplus1(x):
    return np.logaddexp(x, 0.0).astype(x.dtype, copy=False)


def _mish(x):
    return x * np.tanh(_softplus1(x))


def _mish_d1(x):
    tp = np.tanh(_softplus1(x))
    return tp + x * _sigmoid(x) * (1.0 - tp * tp)


def _mish_d2(x):
    from .elementwise import log1p
    s = _t_sigmoid(x)
    tp = tanh(log1p(exp(-x.abs())) + x.clamp(min=0))
    dtp = s * (1 - tp * tp)                      # d tanh(softplus(x)) / dx
    return dtp * 2 + x * (s * (1 - s) * (1 - tp * tp) - s * 2 * tp * dtp)


Mish = _act("Mish", _mish, _mish_d1, _mish_d2)


# ---------------------------------------------------------------- piecewise-linear family
def _leaky(x, slope):
    return np.where(x > 0, x, x * slope)


def _leaky_d1(x, slope):
    return np.where(x > 0, 1.0, slope).astype(x.dtype)


LeakyRelu = _act("LeakyRelu", _leaky, _leaky_d1)


def _hardtanh(x, lo, hi):
    return np.clip(x, lo, hi)


def _hardtanh_d1(x, lo, hi):
    return (x > lo) & (x < hi)


Hardtanh = _act("Hardtanh", _hardtanh, _hardtanh_d1)


def _hardsigmoid(x):
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def _hardsigmoid_d1(x):
    return ((x > -3.0) & (x < 3.0)) * (1.0 / 6.0)


Hardsigmoid = _act("Hardsigmoid", _hardsigmoid, _hardsigmoid_d1)


def _hardswish(x):
    return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0


def _hardswish_d1(x):
    # PyTorch's open interval (-3, 3): the slope is 0 at -3, 1 at 3 (and at NaN)
    return np.where(x <= -3.0, 0.0, np.where(x < 3.0, x / 3.0 + 0.5, 1.0))


def _hardswish_d2(x):
    return ((x > -3) & (x < 3)).to(x.dtype) * (1.0 / 3.0)


Hardswish = _act("Hardswish", _hardswish, _hardswish_d1, _hardswish_d2)


def _threshold(x, th, value):
    # PyTorch replaces x <= th: a NaN is kept (and passes its gradient)
    return np.where(x <= th, value, x)


def _threshold_d1(x, th, value):
    return ~(x <= th)


Threshold = _act("Threshold", _threshold, _threshold_d1)


# ---------------------------------------------------------------- smooth family
def _elu(x, alpha, scale, input_scale):
    # (x second: NumPy returns the second of equal operands, so elu(-0.0) is -0.0 as PyTorch's)
    neg = np.expm1(np.minimum(0.0, x) * input_scale) * (alpha * scale)
    return np.where(x > 0, x * scale, neg)


def _elu_d1(x, alpha, scale, input_scale):
    neg = np.exp(np.minimum(x, 0.0) * input_scale) * (alpha * scale * input_scale)
    return np.where(x > 0, scale, neg)


def _elu_d2(x, alpha, scale, input_scale):
    neg = exp(x.clamp(max=0) * input_scale) * (alpha * scale * input_scale * input_scale)
    return where(x < 0, neg, neg * 0)      # (PyTorch's: 0 at x == 0)


Elu = _act("Elu", _elu, _elu_d1, _elu_d2)
Celu = _act("Celu", _elu, _elu_d1, _elu_d2)


def _softplus(x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, x, np.logaddexp(bx, 0.0) / beta)


def _softplus_d1(x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, 1.0, _sigmoid(bx))


def _softplus_d2(x, beta, threshold):
    bx = x * beta
    s = _t_sigmoid(bx)
    d = s * (1 - s) * beta
    return where(bx > threshold, d * 0, d)


Softplus = _act("Softplus", _softplus, _softplus_d1, _softplus_d2)


def _logsigmoid(x):
    return 0.0 - np.logaddexp(-x, 0.0)     # (0 - v: +0.0 for a large x, as PyTorch's)


def _logsigmoid_d1(x):
    return _sigmoid(-x)


def _logsigmoid_d2(x):
    s = _t_sigmoid(x)
    return -s * (1 - s)


LogSigmoid = _act("LogSigmoid", _logsigmoid, _logsigmoid_d1, _logsigmoid_d2)


# ---------------------------------------------------------------- public wrappers
# PyTorch's CPU kernels of these activations take floats only (the error names the kernel)
_FLOAT_KERNEL = {"gelu": "GeluKernelImpl", "silu": "silu_cpu", "mish": "mish_cpu",
                 "leaky_relu": "leaky_relu_cpu", "hardsigmoid": "hardsigmoid_cpu",
                 "hardswish": "hardswish_cpu", "elu": "elu_cpu", "celu": "elu_cpu",
                 "softplus": "softplus_cpu", "logsigmoid": "log_sigmoid_cpu"}


def _float(x: Tensor, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x._dtype._kind < 2 and op in _FLOAT_KERNEL:
        raise NotImplementedError(f"\"{_FLOAT_KERNEL[op]}\" not implemented for "
                                  f"'{scalar_name(x._dtype)}' ({op} "
                                  f"needs a float tensor: call .float() first)")
    return as_float(x) if x._dtype._kind < 2 else x


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """GELU: x * Phi(x) ('none') or its tanh approximation ('tanh')."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if isinstance(input, Tensor) and input._dtype.is_complex:
        from .complex import refuse
        refuse("gelu", input)
    return Gelu.apply(_float(input, "gelu"), approximate)


def silu(input: Tensor) -> Tensor:
    return Silu.apply(_float(input, "silu"))


def mish(input: Tensor) -> Tensor:
    return Mish.apply(_float(input, "mish"))


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyRelu.apply(_float(input, "leaky_relu"), float(negative_slope))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return Hardtanh.apply(_float(input, "hardtanh"), float(min_val), float(max_val))


def hardsigmoid(input: Tensor) -> Tensor:
    return Hardsigmoid.apply(_float(input, "hardsigmoid"))


def hardswish(input: Tensor) -> Tensor:
    return Hardswish.apply(_float(input, "hardswish"))


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    return Threshold.apply(_float(input, "threshold"), float(threshold), float(value))


def elu(input: Tensor, alpha: float = 1.0, scale: float = 1.0, input_scale: float = 1.0
        ) -> Tensor:
    return Elu.apply(_float(input, "elu"), float(alpha), float(scale), float(input_scale))


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return Celu.apply(_float(input, "celu"), float(alpha), 1.0, 1.0 / alpha)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return Softplus.apply(_float(input, "softplus"), float(beta), float(threshold))


def logsigmoid(input: Tensor) -> Tensor:
    return LogSigmoid.apply(_float(input, "logsigmoid"))


# ---------------------------------------------------------------- dropout
class Dropout(prim):
    node_name = "MulBackward0"      # PyTorch's CPU dropout is `input * mask`

    @staticmethod
    def forward(ctx, x, p, feature):
        if feature:
            out, mask = _random.feature_dropout(x, p)
        else:
            out, mask = _random.dropout(x, p)
        if ctx.needs_input_grad:
            ctx.save_for_backward(mask)
        return out

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g * mask


def dropout_(input: Tensor, p: float, feature: bool = False) -> Tensor:
    """Training-mode dropout with PyTorch's draws (`input * mask`, mask 0 or 1/(1-p))."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return Dropout.apply(input, float(p), feature)
