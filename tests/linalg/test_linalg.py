"""tocha.linalg: float64 gradcheck of every differentiable case, double backward of the
main ones, values against NumPy, and PyTorch's errors."""
import numpy as np
import pytest
from _linalg_cases import CASES, make

import tocha
from tocha.autograd import gradcheck, gradgradcheck


def _outputs(name):
    xs = [tocha.tensor(a) for a in make(name)]
    r = CASES[name][0](tocha, *xs)
    return len(r) if isinstance(r, (tuple, list)) else 1


def _fn(name, k):
    def f(*xs):
        r = CASES[name][0](tocha, *xs)
        return r[k] if isinstance(r, (tuple, list)) else r
    return f


NO_GRAD = {"lu_factor"}   # pivots-dependent piecewise function: checked in the oracle only


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    xs = [tocha.tensor(a, requires_grad=True) for a in make(name)]
    for k in range(_outputs(name)):
        assert gradcheck(_fn(name, k), tuple(xs), eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", ["inv", "det", "solve_bcast", "cholesky", "qr", "eigh",
                                  "svd_tall", "pinv", "matrix_exp", "solve_tri_upper",
                                  "vector_norm_p3_dim", "lu_solve"])
def test_gradgradcheck(name):
    xs = [tocha.tensor(a, requires_grad=True) for a in make(name)]
    assert gradgradcheck(_fn(name, _outputs(name) - 1), tuple(xs), atol=1e-4, rtol=1e-3)


def test_values_against_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 4, 4)) + 4 * np.eye(4)
    b = rng.standard_normal((2, 4, 3))
    t = tocha.tensor
    L = tocha.linalg
    np.testing.assert_allclose(L.inv(t(a)).numpy(), np.linalg.inv(a))
    np.testing.assert_allclose(L.solve(t(a), t(b)).numpy(), np.linalg.solve(a, b))
    np.testing.assert_allclose(L.det(t(a)).numpy(), np.linalg.det(a))
    s = a @ np.swapaxes(a, -1, -2)
    np.testing.assert_allclose(L.cholesky(t(s)).numpy(), np.linalg.cholesky(s))
    np.testing.assert_allclose(L.eigvalsh(t(s)).numpy(), np.linalg.eigvalsh(s))
    np.testing.assert_allclose(L.svdvals(t(b)).numpy(), np.linalg.svd(b, compute_uv=False))
    np.testing.assert_allclose(L.pinv(t(b)).numpy(), np.linalg.pinv(b), atol=1e-12)
    np.testing.assert_allclose(L.matrix_power(t(a), 3).numpy(), np.linalg.matrix_power(a, 3))
    np.testing.assert_allclose(L.norm(t(b)).item(), np.linalg.norm(b))
    np.testing.assert_allclose(L.matrix_norm(t(b), "nuc").numpy(),
                               np.linalg.norm(b, "nuc", axis=(-2, -1)))
    P, Lo, U = L.lu(t(a))
    np.testing.assert_allclose((P @ Lo @ U).numpy(), a, atol=1e-12)
    Q, R = L.qr(t(b))
    np.testing.assert_allclose((Q @ R).numpy(), b, atol=1e-12)
    np.testing.assert_allclose(L.cross(t(b[..., :3]), t(a[..., :3])).numpy(),
                               np.cross(b[..., :3], a[..., :3]))
    assert L.vector_norm(t(b), 0).item() == b.size
    assert L.matrix_rank(t(np.ones((3, 3)))).item() == 1


def test_zero_norm_gradient_is_zero():
    x = tocha.zeros(3, requires_grad=True)
    tocha.linalg.vector_norm(x).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_errors():
    L = tocha.linalg
    with pytest.raises(RuntimeError, match="A must be batches of square matrices, but they are "
                       "2 by 3 matrices"):
        L.inv(tocha.ones(2, 3))
    with pytest.raises(L.LinAlgError, match="The diagonal element 1 is zero"):
        L.inv(tocha.zeros(3, 3))
    with pytest.raises(L.LinAlgError, match="leading minor of order 2 is not positive"):
        L.cholesky(tocha.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as "
                       "input. Got Long"):
        L.det(tocha.ones(2, 2, dtype=tocha.int64))
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        L.solve(tocha.ones(3), tocha.ones(3))
    with pytest.raises(RuntimeError, match="Incompatible shapes of A and B"):
        L.solve(tocha.eye(3), tocha.ones(2))
    with pytest.raises(RuntimeError, match="square matrices"):
        L.eigvals(tocha.ones(2, 3))
    r = L.inv_ex(tocha.zeros(2, 2))
    assert r.info.item() == 1 and r.info.dtype == tocha.int32
    assert L.cholesky_ex(tocha.tensor([[1.0, 2.0], [2.0, 1.0]])).info.item() == 2
