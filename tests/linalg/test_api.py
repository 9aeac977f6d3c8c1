"""torch.* / Tensor-method spellings of linalg, special and func (no torch)."""
import math

import numpy as np

import tocha
from tocha.autograd import gradcheck


def test_spellings():
    a = tocha.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=tocha.float64)
    np.testing.assert_allclose(tocha.det(a).item(), 5.0)
    np.testing.assert_allclose(a.inverse().numpy(), np.linalg.inv(a.numpy()))
    np.testing.assert_allclose(tocha.logdet(a).item(), math.log(5.0))
    assert math.isnan(tocha.logdet(-tocha.eye(3, dtype=tocha.float64)).item())
    np.testing.assert_allclose(tocha.lgamma(a).numpy(),
                               np.vectorize(math.lgamma)(a.numpy()))
    U, S, V = tocha.svd(a)
    np.testing.assert_allclose((U * S) @ V.T, a.numpy(), atol=1e-12)
    np.testing.assert_allclose(tocha.vmap(tocha.dot)(a, a).numpy(), (a.numpy() ** 2).sum(1))
    b = a.clone()
    b.digamma_()
    np.testing.assert_allclose(b.numpy(), tocha.special.digamma(a).numpy())
    L = tocha.linalg.cholesky(a)
    np.testing.assert_allclose(tocha.cholesky_inverse(L).numpy(), np.linalg.inv(a.numpy()))


def test_gradcheck_spellings():
    a = tocha.tensor([[2.0, 0.5], [0.3, 3.0]], dtype=tocha.float64, requires_grad=True)
    assert gradcheck(lambda x: x.inverse(), (a,))
    assert gradcheck(lambda x: tocha.logdet(x), (a,))
    assert gradcheck(lambda x: x.polygamma(1), (a,))


def test_out_arguments():
    a = tocha.tensor([[2.0, 1.0], [1.0, 3.0]])
    o = tocha.empty(2, 2)
    assert tocha.linalg.inv(a, out=o) is o
    np.testing.assert_allclose(o.numpy(), np.linalg.inv(a.numpy()), rtol=1e-6)
    q, r = tocha.empty(2, 2), tocha.empty(2, 2)
    res = tocha.linalg.qr(a, out=(q, r))
    assert res.Q is q and res.R is r
    np.testing.assert_allclose((q @ r).numpy(), a.numpy(), rtol=1e-6)
    g = tocha.empty(0)
    tocha.special.gammaln(tocha.tensor([3.0]), out=g)
    np.testing.assert_allclose(g.numpy(), [math.log(2.0)], rtol=1e-6)
    import pytest
    with pytest.raises(TypeError, match="must be tuple of 2 Tensors"):
        tocha.linalg.qr(a, out=q)
