"""torch.* and Tensor-method spellings of linalg/special/func (torch.det, x.inverse(),
torch.lgamma, torch.vmap, ...) against PyTorch: values, dtypes and gradients."""
import warnings

import numpy as np
import pytest
import torch

import tocha

R = np.random.default_rng(5)
A = R.standard_normal((3, 3)) + 3 * np.eye(3)
S = A @ A.T
P = R.uniform(0.5, 3.0, (2, 3))
B = R.standard_normal((3, 2))

CASES = {
    "lgamma": lambda m, a: m.lgamma(a), "digamma": lambda m, a: a.digamma(),
    "polygamma": lambda m, a: m.polygamma(2, a), "polygamma_m": lambda m, a: a.polygamma(1),
    "erfinv": lambda m, a: (a / 4).erfinv(), "erfc": lambda m, a: m.erfc(a),
    "i0": lambda m, a: a.i0(), "sinc": lambda m, a: m.sinc(a),
    "mvlgamma": lambda m, a: (a + 2).mvlgamma(2), "igammac": lambda m, a: m.igammac(
        a.detach(), a),
    "det": lambda m, a: m.det(m.tensor(A) * a[0, 0]), "logdet": lambda m, a: (
        m.tensor(S) + a[0, 0]).logdet(),
    "slogdet": lambda m, a: m.slogdet(m.tensor(A) * a[0, 0])[1],
    "inverse": lambda m, a: (m.tensor(A) + a[0, 0]).inverse(),
    "pinverse": lambda m, a: m.pinverse(a),
    "cholesky": lambda m, a: m.cholesky(m.tensor(S) * a[0, 0]),
    "cholesky_solve": lambda m, a: m.cholesky_solve(m.tensor(B) * a[0, 0],
                                                    m.linalg.cholesky(m.tensor(S))),
    "cholesky_inverse": lambda m, a: m.cholesky_inverse(m.linalg.cholesky(m.tensor(S))
                                                        * a[0, 0]),
    "svd_S": lambda m, a: m.svd(a)[1], "qr_R": lambda m, a: m.qr(a.mT)[1].abs(),
    "lu_solve": lambda m, a: m.lu_solve(m.tensor(B) * a[0, 0], *m.lu(m.tensor(A))),
    "lu_unpack": lambda m, a: m.lu_unpack(*m.linalg.lu_factor(m.tensor(A) * a[0, 0]))[2],
    "matrix_power": lambda m, a: (m.tensor(A) * a[0, 0]).matrix_power(3),
    "matrix_exp": lambda m, a: m.matrix_exp(m.tensor(A) * a[0, 0] * 0.1),
    "cross": lambda m, a: m.cross(a, a.flip(0), dim=1),
    "triangular_solve": lambda m, a: m.triangular_solve(m.tensor(B), m.tensor(A) * a[0, 0],
                                                        upper=False)[0],
    "vmap": lambda m, a: m.vmap(m.outer)(a, a),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_grads(name):
    res = []
    for m in (tocha, torch):
        a = m.tensor(P, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = CASES[name](m, a)
        (g,) = m.autograd.grad(out.sum(), a, allow_unused=True)
        res.append((out.detach(), g))
    (o1, g1), (o2, g2) = res
    assert tuple(o1.shape) == tuple(o2.shape)
    assert str(o1.dtype).split(".")[-1] == str(o2.dtype).split(".")[-1]
    np.testing.assert_allclose(o1.numpy(), o2.numpy(), 1e-9, 1e-11)
    assert (g1 is None) == (g2 is None)
    if g2 is not None:
        np.testing.assert_allclose(g1.numpy(), g2.numpy(), 1e-7, 1e-9)


def test_inplace_and_int_outputs():
    for name in ("lgamma_", "digamma_", "erfinv_", "i0_", "sinc_", "erfc_"):
        a, b = tocha.tensor(P / 4), torch.tensor(P / 4)
        getattr(a, name)()
        getattr(b, name)()
        np.testing.assert_allclose(a.numpy(), b.numpy(), 1e-10, err_msg=name)
    la, lb = tocha.lu(tocha.tensor(A), get_infos=True), torch.lu(torch.tensor(A),
                                                                  get_infos=True)
    for x, y in zip(la, lb):
        assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1]
        np.testing.assert_allclose(x.numpy(), y.numpy(), 1e-12)
