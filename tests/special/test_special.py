"""tocha.special: float64 gradcheck (and double backward) of every differentiable function,
values against SciPy/NumPy, 0-d and broadcast shapes, missing derivatives."""
import math

import numpy as np
import pytest
import scipy.special as ss
from _special_cases import CASES, make

import tocha
from tocha.autograd import gradcheck, gradgradcheck

DIFF = sorted(n for n, c in CASES.items() if c[2])


FIRST_CONST = {"zeta", "gammainc", "gammaincc"}    # no derivative in the first argument


def _inputs(name):
    return tuple(tocha.tensor(a, requires_grad=not (i == 0 and name in FIRST_CONST))
                 for i, a in enumerate(make(name)))


def _fn(name):
    return lambda *xs: CASES[name][0](tocha, *xs)


@pytest.mark.parametrize("name", DIFF)
def test_gradcheck(name):
    xs = _inputs(name)
    assert gradcheck(_fn(name), xs, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name", ["gammaln", "digamma", "erfinv", "erfcx", "i0e", "i1",
                                  "ndtri", "log_ndtr", "sinc", "xlog1py", "gammainc", "zeta"])
def test_gradgradcheck(name):
    xs = _inputs(name)
    assert gradgradcheck(_fn(name), xs, atol=1e-5, rtol=1e-3)


def test_values_against_scipy():
    x = np.linspace(0.1, 4.0, 9)
    t = tocha.tensor(x)
    S = tocha.special
    for ours, ref in [(S.gammaln, ss.gammaln), (S.digamma, ss.psi), (S.i0e, ss.i0e),
                      (S.ndtr, ss.ndtr), (S.bessel_y1, ss.y1), (S.erfcx, ss.erfcx),
                      (S.modified_bessel_k1, ss.k1), (S.entr, ss.entr)]:
        np.testing.assert_allclose(ours(t).numpy(), ref(x), 1e-12)
    np.testing.assert_allclose(S.polygamma(3, t).numpy(), ss.polygamma(3, x), 1e-12)
    np.testing.assert_allclose(S.zeta(t + 1, t).numpy(), ss.zeta(x + 1, x), 1e-12)
    np.testing.assert_allclose(S.multigammaln(t + 2, 2).numpy(), ss.multigammaln(x + 2, 2),
                               1e-12)
    np.testing.assert_allclose(S.legendre_polynomial_p(t / 5, 4).numpy(),
                               ss.eval_legendre(4, x / 5), 1e-12)
    np.testing.assert_allclose(S.hermite_polynomial_he(t, 3).numpy(),
                               ss.eval_hermitenorm(3, x), 1e-12)
    np.testing.assert_allclose(S.laguerre_polynomial_l(t, 5).numpy(),
                               ss.eval_laguerre(5, x), 1e-10)
    np.testing.assert_allclose(S.chebyshev_polynomial_u(t / 5, 6).numpy(),
                               ss.eval_chebyu(6, x / 5), 1e-12)


def test_shapes_and_dtypes():
    S = tocha.special
    z = S.gammaln(tocha.tensor(2.5))
    assert z.shape == () and z.dtype == tocha.float32
    np.testing.assert_allclose(z.item(), math.lgamma(2.5), 1e-6)
    r = S.xlog1py(tocha.ones(3, 1), tocha.ones(4))
    assert r.shape == (3, 4)
    assert S.xlog1py(2.0, tocha.ones(2, dtype=tocha.float64)).dtype == tocha.float64
    assert S.i0(tocha.tensor([1, 2])).dtype == tocha.float32
    assert S.chebyshev_polynomial_t(tocha.ones(2), -1).tolist() == [0.0, 0.0]


def test_no_derivative_raises():
    x = tocha.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for 'special_bessel_j0' is not"):
        tocha.special.bessel_j0(x).sum().backward()
    with pytest.raises(NotImplementedError, match="with respect to `input`"):
        tocha.special.gammainc(x, x).sum().backward()
