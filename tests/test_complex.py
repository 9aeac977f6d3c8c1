"""Complex dtypes: creation, promotion, views, conjugates, errors, and complex autograd
(conjugate-Wirtinger convention, checked by finite differences on both parts)."""
import cmath
import math

import numpy as np
import pytest

import tocha
from tocha._ops._util import prim
from tocha.autograd import gradcheck, gradgradcheck


def _cz(*shape, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return tocha.tensor(a, dtype=tocha.complex128, requires_grad=True)


def _rz(*shape, seed=1):
    rng = np.random.default_rng(seed)
    return tocha.tensor(rng.standard_normal(shape), requires_grad=True, dtype=tocha.float64)


# ---------------------------------------------------------------- dtypes and creation

def test_dtype_objects_and_aliases():
    assert tocha.cfloat is tocha.complex64 and tocha.cdouble is tocha.complex128
    assert tocha.chalf is tocha.complex32
    assert tocha.complex64.is_complex and not tocha.complex64.is_floating_point
    assert tocha.complex64.itemsize == 8 and tocha.complex32.itemsize == 4
    assert tocha.complex64.to_real() is tocha.float32
    assert tocha.float64.to_complex() is tocha.complex128


def test_complex32_is_named_but_refused():
    with pytest.raises(TypeError, match="complex32"):
        tocha.zeros(2, dtype=tocha.complex32)
    with pytest.raises(TypeError, match="complex32"):
        tocha.ones(2).chalf()


def test_tensor_of_python_complex():
    t = tocha.tensor([1 + 2j, 3])
    assert t.dtype is tocha.complex64 and t.is_complex() and tocha.is_complex(t)
    assert t[0].item() == 1 + 2j and isinstance(t[1].item(), complex)
    tocha.set_default_dtype(tocha.float64)
    try:
        assert tocha.tensor(1j).dtype is tocha.complex128
    finally:
        tocha.set_default_dtype(tocha.float32)


def test_creation_with_complex_dtype():
    z = tocha.zeros(2, 3, dtype=tocha.complex64)
    assert z.dtype is tocha.complex64 and z.shape == (2, 3)
    assert tocha.ones(2, dtype=tocha.cdouble).numpy().tolist() == [1 + 0j, 1 + 0j]


def test_complex_and_polar():
    re, im = tocha.tensor([1.0, -2.0]), tocha.tensor([0.5, 3.0])
    assert tocha.complex(re, im).numpy().tolist() == [1 + 0.5j, -2 + 3j]
    p = tocha.polar(tocha.tensor([2.0], dtype=tocha.float64),
                    tocha.tensor([math.pi / 3], dtype=tocha.float64))
    assert p.dtype is tocha.complex128
    assert abs(p.item() - cmath.rect(2.0, math.pi / 3)) < 1e-15
    with pytest.raises(RuntimeError, match="scalar type"):
        tocha.complex(re, im.double())


def test_randn_complex_halves_the_variance():
    tocha.manual_seed(0)
    z = tocha.randn(20000, dtype=tocha.complex64)
    assert z.dtype is tocha.complex64
    assert abs(z.real.var().item() - 0.5) < 0.03 and abs(z.imag.var().item() - 0.5) < 0.03


# ---------------------------------------------------------------- promotion

@pytest.mark.parametrize("a,b,r", [
    ("float64", "complex64", "complex128"), ("int64", "complex64", "complex64"),
    ("bool", "complex128", "complex128"), ("complex64", "complex128", "complex128"),
    ("float16", "complex64", "complex64"), ("float16", "complex32", "complex32"),
])
def test_promote_types(a, b, r):
    assert tocha.promote_types(getattr(tocha, a), getattr(tocha, b)) is getattr(tocha, r)
    assert tocha.promote_types(getattr(tocha, b), getattr(tocha, a)) is getattr(tocha, r)


def test_python_complex_scalars_promote():
    assert (tocha.ones(2, dtype=tocha.int32) * 1j).dtype is tocha.complex64
    assert (tocha.ones(2, dtype=tocha.float64) + 1j).dtype is tocha.complex128
    assert (tocha.ones(2) * 1j).numpy().tolist() == [1j, 1j]
    assert (tocha.zeros(2, dtype=tocha.complex64) + 1.5).dtype is tocha.complex64
    # a dimensioned float64 tensor with a 0-d complex64 one: complex128
    r = tocha.ones(2, dtype=tocha.float64) * tocha.tensor(1j)
    assert r.dtype is tocha.complex128


# ---------------------------------------------------------------- views and parts

def test_view_as_real_shares_memory():
    z = tocha.tensor([1 + 2j, 3 - 4j])
    r = tocha.view_as_real(z)
    assert r.shape == (2, 2) and r.dtype is tocha.float32
    r[0, 1] = 9.0
    assert z[0].item() == 1 + 9j
    c = tocha.view_as_complex(r)
    c[1] = 5j
    assert r[1].tolist() == [0.0, 5.0]


def test_view_as_complex_errors():
    with pytest.raises(RuntimeError, match="last dimension of size 2"):
        tocha.view_as_complex(tocha.zeros(3))
    with pytest.raises(RuntimeError, match="stride 1"):
        tocha.view_as_complex(tocha.zeros(2, 2).t().contiguous().t())
    with pytest.raises(RuntimeError, match="only supported for complex"):
        tocha.view_as_real(tocha.zeros(2))


def test_real_imag_are_writable_views():
    z = tocha.tensor([1 + 2j, 3 - 4j])
    z.real[1] = 7.0
    z.imag.mul_(2)
    assert z.numpy().tolist() == [1 + 4j, 7 - 8j]
    z.imag = tocha.tensor([0.0, 1.0])
    assert z.numpy().tolist() == [1 + 0j, 7 + 1j]
    x = tocha.tensor([1.0])
    assert tocha.real(x) is x
    with pytest.raises(RuntimeError, match="non-complex"):
        tocha.imag(x)


def test_conj_family():
    z = tocha.tensor([1 + 2j])
    c = z.conj()
    assert c.item() == 1 - 2j and c.is_conj() and not z.is_conj()
    assert not c.resolve_conj().is_conj() and c.resolve_conj().item() == 1 - 2j
    assert not z.conj_physical().is_conj() and z.conj_physical().item() == 1 - 2j
    x = tocha.tensor([1.0])
    assert x.conj() is x and not x.conj().is_conj() and not z.is_neg()
    assert tocha.resolve_neg(z) is z
    z.conj_physical_()
    assert z.item() == 1 - 2j


def test_angle_abs_sgn_isreal_casts():
    z = tocha.tensor([3 + 4j, 0j, -2 + 0j])
    assert np.allclose(z.abs().numpy(), [5, 0, 2]) and z.abs().dtype is tocha.float32
    assert np.allclose(z.angle().numpy(), [math.atan2(4, 3), 0, math.pi])
    assert np.allclose(z.sgn().numpy(), [0.6 + 0.8j, 0, -1])
    assert z.isreal().tolist() == [False, True, True]
    assert tocha.angle(tocha.tensor([-1.0, 2.0])).tolist() == [np.float32(math.pi), 0.0]
    assert tocha.ones(1).cfloat().dtype is tocha.complex64
    assert tocha.ones(1).cdouble().dtype is tocha.complex128


def test_mH_and_adjoint():
    m = tocha.tensor([[1 + 1j, 2], [3j, 4]])
    assert m.mH.numpy().tolist() == [[1 - 1j, -3j], [2, 4]]
    assert tocha.adjoint(m).numpy().tolist() == m.mH.numpy().tolist()
    with pytest.raises(RuntimeError, match="matrices"):
        _ = tocha.tensor([1j]).mH


def test_printing_dtype_suffix():
    assert repr(tocha.tensor([1 + 2j])) == "tensor([1.+2.j])"
    assert repr(tocha.tensor([1 + 2j], dtype=tocha.complex128)) == \
        "tensor([1.+2.j], dtype=tocha.complex128)"
    assert repr(tocha.complex64) == "tocha.complex64"


# ---------------------------------------------------------------- refused ops

@pytest.mark.parametrize("fn,exc", [
    (lambda z: z < 1, NotImplementedError), (lambda z: z.max(), NotImplementedError),
    (lambda z: z.max(0), RuntimeError), (lambda z: z.clamp(0, 1), NotImplementedError),
    (lambda z: z.sort(), RuntimeError), (lambda z: z.argmax(), RuntimeError),
    (lambda z: tocha.maximum(z, z), RuntimeError), (lambda z: z.sign(), NotImplementedError),
    (lambda z: z.floor(), NotImplementedError), (lambda z: z % 2, NotImplementedError),
    (lambda z: z.topk(1), RuntimeError), (lambda z: z.relu(), NotImplementedError),
])
def test_ordered_ops_refuse_complex(fn, exc):
    with pytest.raises(exc):
        fn(tocha.tensor([1 + 1j, 2 - 1j]))


def test_equality_is_allowed():
    z = tocha.tensor([1 + 1j, 2 - 1j])
    assert (z == z.clone()).tolist() == [True, True] and (z != 1 + 1j).tolist() == [False, True]


# ---------------------------------------------------------------- autograd

_UNARY = [
    lambda z: z * z, lambda z: z.exp(), lambda z: z.log(), lambda z: z.sin(),
    lambda z: z.sqrt(), lambda z: z.reciprocal(), lambda z: z.tanh(), lambda z: z.sigmoid(),
    lambda z: z ** 3, lambda z: (1 + 2j) / z, lambda z: z.abs(), lambda z: z.angle(),
    lambda z: z.sgn(), lambda z: z.conj() * z, lambda z: z.real * z.imag,
    lambda z: tocha.view_as_real(z).sum(-1), lambda z: z.sum(0), lambda z: z.mean(),
    lambda z: z.conj_physical() * (2 - 1j), lambda z: z.mH.conj(),
]


@pytest.mark.parametrize("i", range(len(_UNARY)))
def test_gradcheck_unary(i):
    z = _cz(2, 3)
    assert gradcheck(_UNARY[i], (z,))
    assert gradgradcheck(_UNARY[i], (z,))


@pytest.mark.parametrize("fn", [
    lambda a, b: a * b, lambda a, b: a / b, lambda a, b: a + 2 * b, lambda a, b: a @ b.mT,
    lambda a, b: a[0] @ b[1], lambda a, b: tocha.mm(a, b.mT), lambda a, b: a - b.conj(),
])
def test_gradcheck_binary_complex_complex(fn):
    assert gradcheck(fn, (_cz(2, 3), _cz(2, 3, seed=5)))


@pytest.mark.parametrize("fn", [
    lambda x, z: x * z, lambda x, z: z / x, lambda x, z: x.to(z.dtype) @ z.mT,
    lambda x, z: x.to(tocha.complex128) * z,
])
def test_gradcheck_real_with_complex(fn):
    assert gradcheck(fn, (_rz(2, 3), _cz(2, 3)))


def test_gradcheck_complex_and_polar_builders():
    a, b = _rz(3), _rz(3, seed=2)
    assert gradcheck(lambda x, y: tocha.complex(x, y) ** 2, (a, b))
    assert gradcheck(lambda x, y: tocha.polar(x.abs() + 0.5, y), (a, b))
    assert gradcheck(lambda x: tocha.view_as_complex(x) * 1j, (_rz(3, 2),))
    assert gradgradcheck(lambda x, y: tocha.complex(x, y) ** 2, (a, b))


def test_gradcheck_broadcast_and_zero_dim():
    z0 = tocha.tensor(0.5 - 1j, dtype=tocha.complex128, requires_grad=True)
    assert gradcheck(lambda a, b: a * b, (z0, _cz(2, 3)))
    assert gradcheck(lambda a: a.exp(), (z0,))


def test_gradient_values_follow_the_conjugate_convention():
    # L = |z|^2 = z * conj(z): PyTorch's gradient is 2z (dL/dx + i dL/dy = 2x + 2iy)
    z = tocha.tensor([1 + 2j], dtype=tocha.complex128, requires_grad=True)
    (z * z.conj()).real.sum().backward()
    assert z.grad.numpy().tolist() == [2 + 4j]
    # L = Re(c z) for a constant c: dL/dx = Re c, dL/dy = -Im c, so grad = conj(c)
    z.grad = None
    ((3 - 1j) * z).real.sum().backward()
    assert z.grad.numpy().tolist() == [3 + 1j]


def test_real_input_gets_a_real_gradient():
    x = tocha.tensor([2.0], requires_grad=True, dtype=tocha.float64)
    (x * (1 + 1j)).abs().sum().backward()
    assert x.grad.dtype is tocha.float64 and abs(x.grad.item() - math.sqrt(2)) < 1e-15


def test_backward_of_complex_output_needs_grad_output():
    z = _cz(1)
    with pytest.raises(RuntimeError, match="real scalar outputs"):
        (z * 2).sum().backward()


def test_gradcheck_catches_a_missing_conjugate():
    class BadMul(prim):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            b, = ctx.saved_tensors
            return g * b, None      # wrong for complex: must be g * conj(b)

    b = tocha.tensor([1 + 2j], dtype=tocha.complex128)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(lambda a: BadMul.apply(a, b), (_cz(1),))
    assert not gradcheck(lambda a: BadMul.apply(a, b), (_cz(1),), raise_exception=False)


# ---------------------------------------------------------------- linalg.eig / eigvals

def test_eig_reconstructs_and_dtypes():
    a = np.random.default_rng(4).standard_normal((2, 4, 4))
    for dt, cdt in ((tocha.float32, tocha.complex64), (tocha.float64, tocha.complex128)):
        L, V = tocha.linalg.eig(tocha.tensor(a, dtype=dt))
        assert L.dtype is cdt and V.dtype is cdt and L.shape == (2, 4) and V.shape == (2, 4, 4)
        recon = V.numpy() @ (L.numpy()[..., None] * np.linalg.inv(V.numpy()))
        assert np.allclose(recon, a, atol=1e-4)
        assert np.allclose(np.linalg.norm(V.numpy(), axis=-2), 1, atol=1e-5)
    assert tocha.linalg.eigvals(tocha.tensor([[0.0, -1.0], [1.0, 0.0]])).numpy().tolist() == \
        [1j, -1j]


def test_eig_errors():
    with pytest.raises(RuntimeError, match="square"):
        tocha.linalg.eig(tocha.ones(2, 3))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tocha.linalg.eigvals(tocha.ones(3))
    with pytest.raises(RuntimeError, match="floating point or complex"):
        tocha.linalg.eig(tocha.ones(2, 2, dtype=tocha.int64))


def test_eig_gradcheck():
    a = tocha.tensor(np.random.default_rng(5).standard_normal((3, 3)), requires_grad=True)
    assert gradcheck(lambda x: tocha.linalg.eigvals(x), (a,))
    assert gradcheck(lambda x: tocha.linalg.eig(x)[1].abs(), (a,))
    z = _cz(3, 3, seed=6)
    assert gradcheck(lambda x: tocha.linalg.eigvals(x), (z,))


def test_eig_phase_dependent_loss_is_refused():
    a = tocha.tensor(np.random.default_rng(5).standard_normal((3, 3)), requires_grad=True)
    _, V = tocha.linalg.eig(a)
    with pytest.raises(RuntimeError, match="ill-defined"):
        V.imag.sum().backward()


@pytest.mark.parametrize("fn", [
    lambda a, b: tocha.linalg.inv(a), lambda a, b: tocha.linalg.det(a),
    lambda a, b: tocha.linalg.solve(a, b), lambda a, b: tocha.linalg.matrix_exp(a),
])
def test_complex_linalg_gradcheck(fn):
    assert gradcheck(fn, (_cz(3, 3, seed=7), _cz(3, 2, seed=8)))


def test_complex_linalg_values_and_refusals():
    a = _cz(3, 3, seed=7).detach()
    assert np.allclose((tocha.linalg.inv(a) @ a).numpy(), np.eye(3))
    assert np.isclose(tocha.linalg.det(a).item(), np.linalg.det(a.numpy()))
    with pytest.raises(NotImplementedError, match="complex matrices"):
        tocha.linalg.ldl_factor(a)


def test_complex_eigh_gradcheck():
    def f(x):
        a = x + x.mH
        w, v = tocha.linalg.eigh(a)
        return w, (v * v.conj()).real
    assert gradcheck(f, (_cz(3, 3, seed=9),))
    assert tocha.linalg.eigvalsh(_cz(3, 3).detach() + _cz(3, 3).detach().mH).dtype is \
        tocha.float64


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4)])
def test_complex_svd_gradcheck(shape):
    def f(x):
        u, s, vh = tocha.linalg.svd(x, full_matrices=False)
        return s, (u * u.conj()).real, u @ vh, tocha.linalg.matrix_norm(x, "nuc")
    assert gradcheck(f, (_cz(*shape, seed=10),))


def test_complex_svd_phase_dependent_loss_is_refused():
    u, _, _ = tocha.linalg.svd(_cz(3, 3, seed=11))
    with pytest.raises(RuntimeError, match="ill-defined"):
        u.imag.sum().backward()


def test_complex_cholesky_and_triangular_gradcheck():
    eye = tocha.eye(3, dtype=tocha.complex128)
    assert gradcheck(lambda z: tocha.linalg.cholesky(z @ z.mH + eye), (_cz(3, 3, seed=12),))
    assert gradcheck(lambda z, b: tocha.linalg.solve_triangular(z + 3 * eye, b, upper=True),
                     (_cz(3, 3, seed=13), _cz(3, 2, seed=14)))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5)])
def test_complex_qr_gradcheck(shape):
    assert gradcheck(lambda x: tocha.linalg.qr(x), (_cz(*shape, seed=15),))


def test_complex_slogdet_gradcheck():
    assert gradcheck(lambda x: tocha.linalg.slogdet(x), (_cz(3, 3, seed=16),))
    assert gradcheck(lambda x: tocha.logdet(x), (_cz(3, 3, seed=17),))


def test_complex_pinv_gradcheck():
    assert gradcheck(lambda x: tocha.linalg.pinv(x), (_cz(4, 3, seed=18),))
