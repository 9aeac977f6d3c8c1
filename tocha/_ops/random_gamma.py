"""Gamma samples from tocha's generator, with the implicit reparameterization gradient.

PyTorch's `_standard_gamma` kernel is not reproduced bit for bit: samples come from
Marsaglia and Tsang's method driven by tocha's own normal and uniform streams (so they are
reproducible after `manual_seed`, but differ from PyTorch's values)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dt
from ._util import prim
from .special import sp


def _draw(n: int, kind: str) -> np.ndarray:
    from .. import _dtype as D
    from .._random_api import rand, randn
    f = randn if kind == "n" else rand
    return f(n, dtype=D.float64)._data


def _marsaglia_tsang(alpha: np.ndarray) -> np.ndarray:
    """Gamma(alpha, 1) draws for alpha >= 1 (float64, flat)."""
    d = alpha - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    out = np.empty_like(alpha)
    todo = np.arange(alpha.size)
    while todo.size:
        x = _draw(todo.size, "n")
        u = _draw(todo.size, "u")
        v = (1.0 + c[todo] * x) ** 3
        with np.errstate(all="ignore"):
            ok = (v > 0) & (np.log(u) < 0.5 * x * x + d[todo] - d[todo] * v
                            + d[todo] * np.log(np.where(v > 0, v, 1.0)))
        out[todo[ok]] = d[todo[ok]] * v[ok]
        todo = todo[~ok]
    return out


def standard_gamma_array(alpha: np.ndarray) -> np.ndarray:
    a = np.asarray(alpha, np.float64).reshape(-1)
    small = a < 1
    boosted = np.where(small, a + 1.0, a)
    x = _marsaglia_tsang(np.where(boosted > 0, boosted, 1.0))
    if small.any():
        u = _draw(int(small.sum()), "u")
        x[small] = x[small] * u ** (1.0 / np.where(a[small] > 0, a[small], 1.0))
    x = np.where(a == 0, 0.0, x)
    return x.reshape(np.shape(alpha))


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


def standard_gamma(alpha: Tensor) -> Tensor:
    """Gamma(alpha, 1) samples (float dtype of alpha), differentiable in alpha."""
    x = standard_gamma_array(alpha.detach()._data).astype(alpha._data.dtype)
    xt = _wrap_dt(x, alpha._dtype, alpha._device)
    if not alpha.requires_grad:
        return xt
    return StandardGamma.apply(alpha, xt)
