"""torch.special: special functions (gamma family, error functions, Bessel functions,
orthogonal polynomials, ...), with gradients where PyTorch has them.

Functions NumPy lacks are computed with SciPy (the optional extra 'scipy', imported on first
use, with an ImportError naming the fix when it is missing). Results are computed in float64
and rounded once, so float32 values may differ from PyTorch's float32 kernels in the last
place.
"""
from __future__ import annotations

import math

from .. import _ops
from .._ops import special as _S
from .._ops._util import as_float, to_tensor
from .._tensor import Tensor

airy_ai = _S.airy_ai
bessel_j0, bessel_j1, bessel_y0, bessel_y1 = (_S.bessel_j0, _S.bessel_j1, _S.bessel_y0,
                                              _S.bessel_y1)
modified_bessel_i0, modified_bessel_i1 = _S.modified_bessel_i0, _S.modified_bessel_i1
modified_bessel_k0, modified_bessel_k1 = _S.modified_bessel_k0, _S.modified_bessel_k1
scaled_modified_bessel_k0 = _S.scaled_modified_bessel_k0
scaled_modified_bessel_k1 = _S.scaled_modified_bessel_k1
spherical_bessel_j0 = _S.spherical_bessel_j0
digamma = psi = _S.digamma
gammaln = _S.gammaln
polygamma = _S.polygamma
erfc, erfcx, erfinv = _S.erfc, _S.erfcx, _S.erfinv
ndtr, ndtri, log_ndtr = _S.ndtr, _S.ndtri, _S.log_ndtr
i0, i0e, i1, i1e = _S.i0, _S.i0e, _S.i1, _S.i1e
sinc, entr = _S.sinc, _S.entr
xlog1py, zeta, gammainc, gammaincc = _S.xlog1py, _S.zeta, _S.gammainc, _S.gammaincc
chebyshev_polynomial_t = _S.chebyshev_polynomial_t
chebyshev_polynomial_u = _S.chebyshev_polynomial_u
chebyshev_polynomial_v = _S.chebyshev_polynomial_v
chebyshev_polynomial_w = _S.chebyshev_polynomial_w
shifted_chebyshev_polynomial_t = _S.shifted_chebyshev_polynomial_t
shifted_chebyshev_polynomial_u = _S.shifted_chebyshev_polynomial_u
shifted_chebyshev_polynomial_v = _S.shifted_chebyshev_polynomial_v
shifted_chebyshev_polynomial_w = _S.shifted_chebyshev_polynomial_w
hermite_polynomial_h = _S.hermite_polynomial_h
hermite_polynomial_he = _S.hermite_polynomial_he
laguerre_polynomial_l = _S.laguerre_polynomial_l
legendre_polynomial_p = _S.legendre_polynomial_p

_E, _R = _ops.elementwise, _ops.reduce


def erf(input: Tensor, *, out=None) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt."""
    return _E.erf(input)


def expit(input: Tensor, *, out=None) -> Tensor:
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    return _E.sigmoid(input)


def exp2(input: Tensor, *, out=None) -> Tensor:
    """2 ** x."""
    return _E.exp2(input)


def expm1(input: Tensor, *, out=None) -> Tensor:
    """exp(x) - 1, accurate near 0."""
    return _E.expm1(input)


def log1p(input: Tensor, *, out=None) -> Tensor:
    """log(1 + x), accurate near 0."""
    return _E.log1p(input)


def logit(input: Tensor, eps: float | None = None, *, out=None) -> Tensor:
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given."""
    return _E.logit(input, eps)


def xlogy(input, other, *, out=None) -> Tensor:
    """x * log(y), 0 where x == 0."""
    return _E.xlogy(input, other)


def round(input: Tensor, *, decimals: int = 0, out=None) -> Tensor:
    """Round half to even (to `decimals` places)."""
    return _E.round(input, decimals=decimals)


def logsumexp(input: Tensor, dim, keepdim: bool = False, *, out=None) -> Tensor:
    """log(sum(exp(x))) over `dim`, computed stably."""
    return _R.logsumexp(input, dim, keepdim)


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`."""
    return _R.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably."""
    return _R.log_softmax(input, dim, dtype=dtype)


def multigammaln(input: Tensor, p: int, *, out=None) -> Tensor:
    """Log of the multivariate gamma function of dimension `p`:
    p(p-1)/4 log(pi) + sum_{j<p} gammaln(x - j/2) (defined for x > (p-1)/2)."""
    x = as_float(to_tensor(input))
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got {p}")
    from .._ops.movement import stack
    terms = stack([gammaln(x - j / 2) for j in range(p)], -1).sum(-1)
    return terms + p * (p - 1) / 4 * math.log(math.pi)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("annotations", "math",
                                                                      "Tensor", "as_float",
                                                                      "to_tensor")]

from ..linalg._common import wrap_out_functions as _wrap_out

_wrap_out(globals(), __all__)
