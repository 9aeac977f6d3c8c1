"""torch.special cases shared by the gradcheck tests and the torch oracle: `fn(m, *xs)` runs
on `m = tocha` and `m = torch`; inputs are drawn in each function's domain."""
from __future__ import annotations

import zlib

import numpy as np


def u(lo, hi, *shape):
    return ("u", lo, hi, shape)


def draw(spec, rng):
    _, lo, hi, shape = spec
    return rng.uniform(lo, hi, shape)


S = "special"
# name: (fn, input specs, differentiable)
CASES = {
    "gammaln": (lambda m, x: m.special.gammaln(x), [u(0.2, 5, 3, 4)], True),
    "digamma": (lambda m, x: m.special.digamma(x), [u(0.2, 5, 3, 4)], True),
    "psi": (lambda m, x: m.special.psi(x), [u(-2.7, -2.2, 5)], True),
    "polygamma2": (lambda m, x: m.special.polygamma(2, x), [u(0.3, 4, 5)], True),
    "multigammaln": (lambda m, x: m.special.multigammaln(x, 3), [u(1.2, 4, 5)], True),
    "erf": (lambda m, x: m.special.erf(x), [u(-2, 2, 5)], True),
    "erfc": (lambda m, x: m.special.erfc(x), [u(-2, 2, 5)], True),
    "erfcx": (lambda m, x: m.special.erfcx(x), [u(-2, 3, 5)], True),
    "erfinv": (lambda m, x: m.special.erfinv(x), [u(-0.9, 0.9, 5)], True),
    "expit": (lambda m, x: m.special.expit(x), [u(-3, 3, 5)], True),
    "logit": (lambda m, x: m.special.logit(x), [u(0.1, 0.9, 5)], True),
    "logit_eps": (lambda m, x: m.special.logit(x, 0.2), [u(0.25, 0.75, 5)], True),
    "exp2": (lambda m, x: m.special.exp2(x), [u(-2, 2, 5)], True),
    "expm1": (lambda m, x: m.special.expm1(x), [u(-2, 2, 5)], True),
    "log1p": (lambda m, x: m.special.log1p(x), [u(-0.5, 2, 5)], True),
    "xlogy": (lambda m, x, y: m.special.xlogy(x, y), [u(-2, 2, 3, 1), u(0.2, 2, 4)], True),
    "xlog1py": (lambda m, x, y: m.special.xlog1py(x, y), [u(-2, 2, 3, 1), u(-0.5, 2, 4)],
                True),
    "ndtr": (lambda m, x: m.special.ndtr(x), [u(-3, 3, 5)], True),
    "ndtri": (lambda m, x: m.special.ndtri(x), [u(0.05, 0.95, 5)], True),
    "log_ndtr": (lambda m, x: m.special.log_ndtr(x), [u(-5, 3, 5)], True),
    "i0": (lambda m, x: m.special.i0(x), [u(-3, 3, 5)], True),
    "i0e": (lambda m, x: m.special.i0e(x), [u(-3, 3, 5)], True),
    "i1": (lambda m, x: m.special.i1(x), [u(-3, 3, 5)], True),
    "i1e": (lambda m, x: m.special.i1e(x), [u(-3, 3, 5)], True),
    "sinc": (lambda m, x: m.special.sinc(x), [u(-2, 2, 5)], True),
    "entr": (lambda m, x: m.special.entr(x), [u(0.1, 2, 5)], True),
    "logsumexp": (lambda m, x: m.special.logsumexp(x, 1), [u(-2, 2, 3, 4)], True),
    "softmax": (lambda m, x: m.special.softmax(x, 0), [u(-2, 2, 3, 4)], True),
    "log_softmax": (lambda m, x: m.special.log_softmax(x, -1), [u(-2, 2, 3, 4)], True),
    "zeta": (lambda m, x, q: m.special.zeta(x.detach(), q), [u(1.5, 4, 5), u(0.5, 3, 5)],
             True),
    "gammainc": (lambda m, a, x: m.special.gammainc(a.detach(), x), [u(0.5, 3, 5),
                                                                     u(0.2, 4, 5)], True),
    "gammaincc": (lambda m, a, x: m.special.gammaincc(a.detach(), x), [u(0.5, 3, 5),
                                                                       u(0.2, 4, 5)], True),
    "round": (lambda m, x: m.special.round(x), [u(-3, 3, 5)], False),
    "bessel_j0": (lambda m, x: m.special.bessel_j0(x), [u(-10, 10, 6)], False),
    "bessel_j1": (lambda m, x: m.special.bessel_j1(x), [u(-10, 10, 6)], False),
    "bessel_y0": (lambda m, x: m.special.bessel_y0(x), [u(0.1, 10, 6)], False),
    "bessel_y1": (lambda m, x: m.special.bessel_y1(x), [u(0.1, 10, 6)], False),
    "modified_bessel_i0": (lambda m, x: m.special.modified_bessel_i0(x), [u(-4, 4, 6)], False),
    "modified_bessel_i1": (lambda m, x: m.special.modified_bessel_i1(x), [u(-4, 4, 6)], False),
    "modified_bessel_k0": (lambda m, x: m.special.modified_bessel_k0(x), [u(0.1, 4, 6)], False),
    "modified_bessel_k1": (lambda m, x: m.special.modified_bessel_k1(x), [u(0.1, 4, 6)], False),
    "scaled_modified_bessel_k0": (lambda m, x: m.special.scaled_modified_bessel_k0(x),
                                  [u(0.1, 4, 6)], False),
    "scaled_modified_bessel_k1": (lambda m, x: m.special.scaled_modified_bessel_k1(x),
                                  [u(0.1, 4, 6)], False),
    "spherical_bessel_j0": (lambda m, x: m.special.spherical_bessel_j0(x), [u(-6, 6, 6)],
                            False),
    "airy_ai": (lambda m, x: m.special.airy_ai(x), [u(-4, 3, 6)], False),
}
def _poly_case(name):
    def fn(m, x):
        return getattr(m.special, name)(x, m.tensor([0.0, 1.0, 2.0, 3.0, 5.0, 6.0],
                                                    dtype=x.dtype))
    return fn


for _p in ("chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p"):
    CASES[_p] = (_poly_case(_p), [u(-1.5, 1.5, 6)], False)


def make(name: str):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return [draw(s, rng) for s in CASES[name][1]]
