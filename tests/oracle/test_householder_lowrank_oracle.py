"""geqrf / orgqr / ormqr (values and gradients), svd_lowrank / pca_lowrank (same random
draws after the same seed), lobpcg, and the Tensor methods geqrf/orgqr/ormqr/histc/histogram
against PyTorch 2.13."""
import numpy as np
import pytest
import torch

import tocha

RNG = np.random.default_rng(6)


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 4, 4), (0, 3)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_geqrf_orgqr(shape, dtype):
    a = RNG.standard_normal(shape)
    A, T = tocha.geqrf(tocha.tensor(a, dtype=getattr(tocha, dtype)))
    B, U = torch.geqrf(torch.tensor(a, dtype=getattr(torch, dtype)))
    tol = 1e-12 if dtype == "float64" else 1e-5
    for x, y in ((A, B), (T, U)):
        assert tuple(x.shape) == tuple(y.shape) and str(x.dtype)[6:] == str(y.dtype)[6:]
        np.testing.assert_allclose(x.numpy(), y.numpy(), atol=tol)
    if shape[-2] >= shape[-1]:
        np.testing.assert_allclose(tocha.orgqr(A, T).numpy(), torch.orgqr(B, U).numpy(),
                                   atol=tol)
        np.testing.assert_allclose(A.orgqr(T).numpy(), B.orgqr(U).numpy(), atol=tol)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 4)])
def test_ormqr_values_and_grads(left, transpose, shape):
    B, U = torch.geqrf(torch.tensor(RNG.standard_normal(shape)))
    m = shape[-2]
    c = RNG.standard_normal(shape[:-2] + ((m, 2) if left else (2, m)))
    res = []
    for mod in (tocha, torch):
        a = mod.tensor(B.numpy(), requires_grad=True)
        tau = mod.tensor(U.numpy(), requires_grad=True)
        cc = mod.tensor(c, requires_grad=True)
        out = a.ormqr(tau, cc, left, transpose)
        (out * out).sum().backward()
        res.append([out.detach().numpy(), a.grad.numpy(), tau.grad.numpy(), cc.grad.numpy()])
    for x, y in zip(*res):
        np.testing.assert_allclose(x, y, atol=1e-10)


@pytest.mark.parametrize("fn,kw", [("svd_lowrank", {"q": 3}), ("svd_lowrank", {"q": 4,
                                                                                 "niter": 1}),
                                   ("pca_lowrank", {"q": 3}), ("pca_lowrank",
                                                               {"center": False})])
@pytest.mark.parametrize("shape", [(20, 8), (8, 20), (2, 10, 6)])
def test_lowrank_same_draws(fn, kw, shape):
    """Same seed, same draws: the same factors up to the sign of each singular pair."""
    a = RNG.standard_normal(shape)
    res = []
    for mod in (tocha, torch):
        mod.manual_seed(3)
        res.append([x.numpy() for x in getattr(mod, fn)(mod.tensor(a), **kw)])
    (U, S, V), (U2, S2, V2) = res
    np.testing.assert_allclose(S, S2, atol=1e-8)
    np.testing.assert_allclose(np.abs(U), np.abs(U2), atol=1e-8)
    np.testing.assert_allclose(np.abs(V), np.abs(V2), atol=1e-8)
    np.testing.assert_allclose((U * S[..., None, :]) @ np.swapaxes(V, -1, -2),
                               (U2 * S2[..., None, :]) @ np.swapaxes(V2, -1, -2), atol=1e-8)


def test_svd_lowrank_singular_value_grads():
    a = RNG.standard_normal((12, 6))
    grads = []
    for mod in (tocha, torch):
        x = mod.tensor(a, requires_grad=True)
        mod.manual_seed(0)
        mod.svd_lowrank(x, q=3)[1].sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-8)


@pytest.mark.parametrize("kw", [{"k": 2}, {"k": 3, "largest": False}, {"k": 2, "B": True}])
def test_lobpcg(kw):
    a = RNG.standard_normal((15, 15))
    b = RNG.standard_normal((15, 15))
    res = []
    for mod in (tocha, torch):
        A = mod.tensor(a @ a.T, requires_grad=True)
        kw2 = dict(kw)
        if kw2.pop("B", False):
            kw2["B"] = mod.tensor(b @ b.T + 15 * np.eye(15))
        mod.manual_seed(0)
        E, X = mod.lobpcg(A, **kw2)
        if "B" not in kw2:  # PyTorch has no backward with B yet (tocha's is eigh's)
            E.sum().backward()
        res.append((E.detach().numpy(), np.abs(X.detach().numpy()),
                    A.grad.numpy() if A.grad is not None else 0))
    for x, y in zip(*res):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_tensor_histc_histogram_methods():
    d = RNG.standard_normal(30)
    np.testing.assert_allclose(tocha.tensor(d).histc(5, -1, 1).numpy(),
                               torch.tensor(d).histc(5, -1, 1).numpy())
    h, e = tocha.tensor(d).histogram(4)
    h2, e2 = torch.tensor(d).histogram(4)
    np.testing.assert_allclose(h.numpy(), h2.numpy())
    np.testing.assert_allclose(e.numpy(), e2.numpy())
