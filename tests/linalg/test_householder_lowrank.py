"""geqrf / orgqr / ormqr, svd_lowrank / pca_lowrank, lobpcg: identities checked with NumPy,
float64 gradcheck, errors."""
import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(5)


def t(*shape, grad=False):
    return tocha.tensor(RNG.standard_normal(shape), requires_grad=grad)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
def test_geqrf_reconstructs(shape):
    x = t(*shape)
    a, tau = tocha.geqrf(x)
    m, n = shape[-2:]
    k = min(m, n)
    q = tocha.ormqr(a, tau, tocha.eye(m, dtype=tocha.float64).expand(*shape[:-2], m, m))
    r = a.triu()[..., :m, :]
    np.testing.assert_allclose((q @ r).numpy(), x.numpy(), atol=1e-12)
    assert tau.shape == (*shape[:-2], k) and not a.requires_grad
    if m >= n:
        np.testing.assert_allclose(tocha.orgqr(a, tau).numpy(), q[..., :n].numpy(), atol=1e-12)
        assert x.geqrf()[0].shape == a.shape and x.geqrf().tau.shape == tau.shape


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_ormqr_grads(left, transpose):
    a, tau = tocha.geqrf(t(4, 3))
    a.requires_grad_()
    tau.requires_grad_()
    c = t(4, 2, grad=True) if left else t(2, 4, grad=True)
    assert gradcheck(lambda a, tau, c: tocha.ormqr(a, tau, c, left, transpose), (a, tau, c))
    assert gradgradcheck(lambda a, c: a.ormqr(tau, c, left, transpose), (a, c))
    q = tocha.orgqr(a, tau)
    assert gradcheck(lambda a: a.orgqr(tau), (a,))
    assert q.shape == (4, 3)


def test_householder_errors():
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tocha.geqrf(t(3))
    with pytest.raises(RuntimeError, match="floating point"):
        tocha.geqrf(tocha.ones(3, 3, dtype=tocha.int64))
    a, tau = tocha.geqrf(t(4, 3))
    with pytest.raises(RuntimeError, match="must be equal to"):
        tocha.ormqr(a, tau, t(3, 3))
    with pytest.raises(RuntimeError, match="one dtype"):
        tocha.ormqr(a, tau, t(4, 2).float())


@pytest.mark.parametrize("shape", [(30, 8), (8, 30), (2, 12, 7)])
def test_svd_lowrank_exact_for_low_rank(shape):
    m, n = shape[-2:]
    low = t(*shape[:-2], m, 3) @ t(*shape[:-2], 3, n)
    tocha.manual_seed(0)
    U, S, V = tocha.svd_lowrank(low, q=5)
    np.testing.assert_allclose((U * S.unsqueeze(-2) @ V.mT).numpy(), low.numpy(), atol=1e-9)
    np.testing.assert_allclose(S.numpy()[..., :3],
                               np.linalg.svd(low.numpy(), compute_uv=False)[..., :3])
    assert U.shape == (*shape[:-2], m, 5) and V.shape == (*shape[:-2], n, 5)


def test_svd_lowrank_repeatable_and_grad():
    a = t(10, 6, grad=True)
    tocha.manual_seed(1)
    s1 = tocha.svd_lowrank(a, q=3)[1]
    tocha.manual_seed(1)
    s2 = tocha.svd_lowrank(a, q=3)[1]
    assert s1.tolist() == s2.tolist()

    def f(a):
        tocha.manual_seed(2)
        return tocha.svd_lowrank(a, q=3, niter=1)[1]
    assert gradcheck(f, (a,))


def test_pca_lowrank():
    x = t(40, 5)
    tocha.manual_seed(0)
    U, S, V = tocha.pca_lowrank(x, q=5)
    xc = x.numpy() - x.numpy().mean(0)
    np.testing.assert_allclose((U * S @ V.mT).numpy(), xc, atol=1e-10)
    np.testing.assert_allclose(S.numpy() ** 2 / 39, np.linalg.eigvalsh(np.cov(xc.T))[::-1])
    assert tocha.pca_lowrank(x).__len__() == 3
    with pytest.raises(ValueError, match="not greater than"):
        tocha.pca_lowrank(x, q=9)
    with pytest.raises(ValueError, match="niter"):
        tocha.pca_lowrank(x, niter=-1)


def test_lobpcg():
    a = t(12, 12)
    A = a @ a.mT
    E, X = tocha.lobpcg(A, k=2)
    w = np.linalg.eigvalsh(A.numpy())
    np.testing.assert_allclose(E.numpy(), w[::-1][:2])
    np.testing.assert_allclose((A @ X).numpy(), (X * E).numpy(), atol=1e-10)
    E2, _ = tocha.lobpcg(A, k=2, largest=False)
    np.testing.assert_allclose(E2.numpy(), w[:2])
    b = t(12, 12)
    B = b @ b.mT + 12 * tocha.eye(12, dtype=tocha.float64)
    E3, X3 = tocha.lobpcg(A, k=2, B=B)
    np.testing.assert_allclose((X3.mT @ B @ X3).numpy(), np.eye(2), atol=1e-10)
    np.testing.assert_allclose((A @ X3).numpy(), (B @ X3 * E3).numpy(), atol=1e-9)
    assert tocha.lobpcg(A, X=t(12, 3))[0].shape == (3,)
    Ag = A.clone().requires_grad_()
    assert gradcheck(lambda A: tocha.lobpcg(A, k=2)[0], (Ag,))
    with pytest.raises(ValueError, match="3 x the number"):
        tocha.lobpcg(A, k=5)
    with pytest.raises(ValueError, match="square"):
        tocha.lobpcg(A[:, :5])
