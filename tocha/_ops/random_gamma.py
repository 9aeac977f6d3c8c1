"""Gamma, Dirichlet, Poisson and Binomial samples equal to PyTorch's CPU kernels after
`manual_seed`, with reparameterization gradients (Gamma, Dirichlet).

PyTorch's `_standard_gamma` and `_sample_dirichlet` draw element by element, in memory
order, from the generator: Marsaglia and Tsang's method (boosted by u^(1/alpha) below 1) on
float64 uniforms (`u53`) and float64 Box-Muller normals that share the generator's cached spare
(rng spec 6.2). The arithmetic mirrors the kernel's: float literals (1/3, 0.0331) are float32
values, and for float32 input the boost and `alpha - 1/3` are float32 operations. Gradients:
Gamma's is the implicit reparameterization gradient dx/dalpha = -(dF/dalpha) / (dF/dx) of
the gamma CDF F (dF/dalpha by a central difference of SciPy's `gammainc`); Dirichlet's flows
through the normalisation of its gammas (a pathwise gradient; PyTorch uses another per-sample
formula, so gradients of Dirichlet/Beta samples differ from PyTorch's).
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _wrap_dt
from ._util import prim
from .special import sp

_F1 = np.float32(1.0)
_THIRD_F = float(_F1 / np.float32(3.0))      # 1.0f / 3.0f
_C0331_F = float(np.float32(0.0331))         # 0.0331f
_TWO_PI = 6.283185307179586


def _uniform(g) -> float:
    return g.u53_list(1)[0]


def _normal(g) -> float:
    """One standard normal as at::normal_distribution<double>: Box-Muller, spare cached."""
    if g._spare is not None:
        z, g._spare = g._spare, None
        return z
    u1, u2 = g.u53_list(2)
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = _TWO_PI * u1
    g._spare = r * math.sin(theta)
    return r * math.cos(theta)


def _sample_gamma(alpha: float, f32: bool, g) -> float:
    """PyTorch's sample_gamma for one element (`f32`: the float32 kernel's arithmetic)."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        u = _uniform(g)
        if f32:
            expo = float(_F1 / np.float32(alpha))
            alpha = float(np.float32(alpha) + _F1)
        else:
            expo = 1.0 / alpha
            alpha = alpha + 1.0
        scale *= math.pow(1 - u, expo)
    d = float(np.float32(alpha) - np.float32(_THIRD_F)) if f32 else alpha - _THIRD_F
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = _normal(g)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1 - _uniform(g)
        xx = x * x
        if u < 1.0 - _C0331_F * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _generator():
    from .. import _random_api
    return _random_api._gen(None, "_standard_gamma")


def standard_gamma_array(alpha: np.ndarray) -> np.ndarray:
    """torch._standard_gamma on an array (its dtype; float32 uses the float kernel)."""
    g = _generator()
    a = np.ascontiguousarray(alpha)
    f32 = a.dtype == np.float32
    flat = a.reshape(-1).tolist()
    out = np.array([_sample_gamma(v, f32, g) for v in flat], np.float64).astype(a.dtype)
    tiny = np.finfo(a.dtype).tiny
    return np.maximum(out, tiny).reshape(a.shape)


def dirichlet_arrays(alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch._sample_dirichlet: (samples in alpha's dtype, the float64 gammas)."""
    g = _generator()
    a = np.ascontiguousarray(alpha)
    flat = a.astype(np.float64).reshape(-1).tolist()
    gam = np.array([_sample_gamma(v, False, g) for v in flat], np.float64)
    gam = np.maximum(gam, np.finfo(np.float64).tiny).reshape(a.shape)
    total = np.add.reduce(gam, axis=-1, keepdims=True)
    ret = (gam / total).astype(a.dtype)
    hi = np.nextafter(a.dtype.type(1.0), a.dtype.type(0.0))
    return np.clip(ret, np.finfo(a.dtype).tiny, hi), gam


def gamma_grad_array(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """d x / d alpha at fixed CDF value: -(dP/dalpha) / (dP/dx), P = gammainc(alpha, x)."""
    s = sp()
    x64, a64 = np.asarray(x, np.float64), np.asarray(alpha, np.float64)
    h = 1e-5 * np.maximum(a64, 1e-3)
    dp_da = (s.gammainc(a64 + h, x64) - s.gammainc(a64 - h, x64)) / (2 * h)
    with np.errstate(all="ignore"):
        log_pdf = (a64 - 1) * np.log(x64) - x64 - s.gammaln(a64)
        g = -dp_da / np.exp(log_pdf)
    return np.where(np.isfinite(g), g, 0.0)


class StandardGamma(prim):
    """Identity on the sample `x`; its gradient with respect to `alpha` is the implicit
    reparameterization gradient."""

    @staticmethod
    def forward(ctx, alpha, x):
        ctx.save_for_backward(alpha, x)
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        d = gamma_grad_array(x.detach()._data, alpha.detach()._data).astype(x._data.dtype)
        return g * _wrap_dt(d, x._dtype, x._device), None


class DirichletSample(prim):
    """Identity on the sample `x` (= gam / gam.sum(-1)); the gradient with respect to
    `alpha` flows through the gammas: dL/dalpha_j = gam'_j / S (g_j - sum_i g_i x_i)."""

    @staticmethod
    def forward(ctx, alpha, x, gam):
        ctx.save_for_backward(alpha, x, gam)
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        alpha, x, gam = ctx.saved_tensors
        d = gamma_grad_array(gam._data, alpha.detach()._data).astype(x._data.dtype)
        dg = _wrap_dt(d, x._dtype, x._device)
        total = gam.sum(-1, keepdim=True).to(x.dtype)
        inner = (g * x).sum(-1, keepdim=True)
        return dg / total * (g - inner), None, None


def standard_gamma(alpha: Tensor) -> Tensor:
    """Gamma(alpha, 1) samples (PyTorch's values), differentiable in alpha."""
    x = standard_gamma_array(alpha.detach()._data)
    xt = _wrap_dt(x, alpha._dtype, alpha._device)
    if not alpha.requires_grad:
        return xt
    return StandardGamma.apply(alpha, xt)


def sample_dirichlet(alpha: Tensor) -> Tensor:
    """Dirichlet(alpha) samples along the last dim (PyTorch's values), differentiable."""
    x, gam = dirichlet_arrays(alpha.detach()._data)
    xt = _wrap_dt(x, alpha._dtype, alpha._device)
    if not alpha.requires_grad:
        return xt
    from .._tensor import _wrap
    return DirichletSample.apply(alpha, xt, _wrap(gam))


def _sample_poisson(lam: float, g) -> float:
    """PyTorch's sample_poisson for one element: Hoermann's transformed rejection for
    lambda >= 10, else the product-of-uniforms method."""
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = _uniform(g) - 0.5
            v = _uniform(g)
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return float(k)
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return float(k)
    if lam == 0:
        return 0.0
    enlam = math.exp(-lam)
    x, prod = 0, 1.0
    while True:
        prod *= _uniform(g)
        if prod > enlam:
            x += 1
        else:
            return float(x)


def poisson_array(rate: np.ndarray) -> np.ndarray:
    """torch.poisson on an array: PyTorch's values after manual_seed."""
    g = _generator()
    a = np.ascontiguousarray(rate)
    if (a < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    out = [_sample_poisson(v, g) for v in a.astype(np.float64).reshape(-1).tolist()]
    return np.array(out, np.float64).astype(a.dtype).reshape(a.shape)


def poisson_tensor(rate: Tensor) -> Tensor:
    """torch.poisson(rate) with PyTorch's values after manual_seed."""
    return _wrap_dt(poisson_array(rate.detach()._data), rate._dtype, rate._device)


_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k: float) -> float:
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _rounder(f32: bool):
    """The kernel's scalar_t rounding: float32 for float32 tensors, none for float64."""
    if f32:
        return lambda v: float(np.float32(v))
    return float


def _btrs(count: float, prob: float, F, g) -> float:
    """PyTorch's BTRS binomial sampler (transformed rejection), scalar_t rounding `F`."""
    stddev = F(math.sqrt(F(F(count * prob) * F(1 - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = F(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = F(prob / F(1 - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(F(F(count + 1) * prob))
    while True:
        u = _uniform(g) - 0.5
        v = _uniform(g)
        us = 0.5 - abs(u)
        k = F(math.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        cmk1 = F(F(count - k) + 1)
        upper = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + F(count + 1) * math.log((count - m + 1) / cmk1)
                 + (k + 0.5) * math.log(r * cmk1 / F(k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m)
                 - _stirling_tail(k) - _stirling_tail(F(count - k)))
        if v <= upper:
            return k


def _binomial_inversion(count: float, prob: float, F, g) -> float:
    logprob = F(math.log1p(-prob))
    geom_sum, num_geom = 0.0, 0.0
    while True:
        geom_sum += math.ceil(math.log(_uniform(g)) / logprob)
        if geom_sum > count:
            return num_geom
        num_geom = F(num_geom + 1)


def _sample_binomial(count: float, prob: float, F, g) -> float:
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        if F(count * prob) >= 10.0:
            return _btrs(count, prob, F, g)
        return _binomial_inversion(count, prob, F, g)
    q = F(1.0 - prob)
    if F(count * q) >= 10.0:
        return F(count - _btrs(count, q, F, g))
    return F(count - _binomial_inversion(count, q, F, g))


def binomial_array(count: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """torch.binomial(count, prob) on arrays: PyTorch's values after manual_seed."""
    g = _generator()
    c, p = np.broadcast_arrays(np.asarray(count), np.asarray(prob))
    F = _rounder(p.dtype == np.float32)
    out = [_sample_binomial(a, b, F, g) for a, b in zip(c.reshape(-1).tolist(),
                                                        p.reshape(-1).tolist())]
    return np.array(out, np.float64).astype(p.dtype).reshape(p.shape)


def binomial_tensor(count: Tensor, prob: Tensor) -> Tensor:
    """torch.binomial(count, prob) with PyTorch's values after manual_seed."""
    return _wrap_dt(binomial_array(count.detach()._data, prob.detach()._data), prob._dtype,
                    prob._device)
