"""tocha.linalg against torch.linalg: values, dtypes, shapes, gradients (float64 and float32),
PyTorch's exception types on bad input, and the integer results (pivots, rank, info)."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import tocha

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "linalg"))
from _linalg_cases import CASES, make


def flat(r):
    if isinstance(r, (tuple, list)):
        return [v for x in r for v in flat(x)]
    return [r]


def evaluate(m, name, dtype):
    xs = [m.tensor(a, dtype=dtype, requires_grad=True) for a in make(name)]
    outs = flat(CASES[name][0](m, *xs))
    rng = np.random.default_rng(3)
    ws = [m.tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype) for o in outs]
    loss = sum((o * w).sum() for o, w in zip(outs, ws) if o.requires_grad)
    grads = m.autograd.grad(loss, xs, allow_unused=True)
    return outs, grads


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_grads(name, dtype):
    (to, tg), (po, pg) = (evaluate(m, name, getattr(m, dtype)) for m in (tocha, torch))
    rtol, atol = (1e-7, 1e-9) if dtype == "float64" else (2e-3, 2e-4)
    assert len(to) == len(po)
    for a, b in zip(to, po):
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol, atol)
    for a, b in zip(tg, pg):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol * 10, atol * 10)


def test_int_results():
    a = make("lu_factor")[0]
    for fn in (lambda m, x: m.linalg.lu_factor(x).pivots,
               lambda m, x: m.linalg.matrix_rank(x),
               lambda m, x: m.linalg.matrix_rank(x[:, :1] * x[:1, :]),
               lambda m, x: m.linalg.inv_ex(x).info,
               lambda m, x: m.linalg.cholesky_ex(x).info,
               lambda m, x: m.linalg.ldl_factor(x @ x.T).pivots,
               lambda m, x: m.linalg.lstsq(x, x).rank,
               lambda m, x: m.linalg.cond(x, "fro"),     # PyTorch's backward fails here
               lambda m, x: m.linalg.cond(x, -float("inf"))):
        r1, r2 = fn(tocha, tocha.tensor(a)), fn(torch, torch.tensor(a))
        assert str(r1.dtype).split(".")[-1] == str(r2.dtype).split(".")[-1]
        np.testing.assert_allclose(r1.numpy(), r2.numpy(), 1e-12)


def test_det_gradient_of_singular_matrices():
    mixed = np.stack([np.eye(3) * 2, np.zeros((3, 3))])
    for a in ([[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [0.0, 1.0]], np.zeros((2, 3, 3)), mixed):
        res = []
        for m in (tocha, torch):
            x = m.tensor(np.asarray(a, np.float64), requires_grad=True)
            (g,) = m.autograd.grad(m.linalg.det(x).sum(), x)
            res.append(g.numpy())
        np.testing.assert_allclose(res[0], res[1], 1e-12, 0)
    res = []
    for m in (tocha, torch):
        x = m.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad(m.linalg.slogdet(x)[1], x)
        res.append(g.numpy())
    np.testing.assert_array_equal(res[0], res[1])     # the infinities of LAPACK's getrs


def test_ldl_solve_and_factor():
    rng = np.random.default_rng(0)
    s = rng.standard_normal((2, 4, 4))
    s = s + np.swapaxes(s, -1, -2)
    b = rng.standard_normal((2, 4, 2))
    for m in (tocha, torch):
        ld, piv = m.linalg.ldl_factor(m.tensor(s))
        x = m.linalg.ldl_solve(ld, piv, m.tensor(b))
        if m is tocha:
            ours = (ld.numpy(), piv.numpy(), x.numpy())
        else:
            np.testing.assert_allclose(ours[0], ld.numpy(), 1e-10, 1e-12)
            np.testing.assert_array_equal(ours[1], piv.numpy())
            np.testing.assert_allclose(ours[2], x.numpy(), 1e-10, 1e-12)


BAD = {
    "inv_nonsquare": lambda m: m.linalg.inv(m.ones(2, 3)),
    "inv_singular": lambda m: m.linalg.inv(m.zeros(3, 3)),
    "inv_singular_batch": lambda m: m.linalg.inv(m.stack([m.eye(2), m.zeros(2, 2)])),
    "solve_singular_batch": lambda m: m.linalg.solve(m.stack([m.eye(2), m.zeros(2, 2)]),
                                                     m.ones(2, 2)),
    "cholesky_batch": lambda m: m.linalg.cholesky(m.stack([m.eye(2), -m.eye(2)])),
    "lu_factor_batch": lambda m: m.linalg.lu_factor(m.stack([m.eye(2), m.zeros(2, 2)])),
    "inv_int": lambda m: m.linalg.inv(m.ones(2, 2, dtype=m.int64)),
    "inv_1d": lambda m: m.linalg.inv(m.ones(3)),
    "det_nonsquare": lambda m: m.linalg.det(m.ones(2, 3)),
    "cholesky_not_pd": lambda m: m.linalg.cholesky(-m.eye(3)),
    "solve_singular": lambda m: m.linalg.solve(m.zeros(3, 3), m.ones(3)),
    "solve_shapes": lambda m: m.linalg.solve(m.eye(3), m.ones(2)),
    "eigh_int": lambda m: m.linalg.eigh(m.ones(2, 2, dtype=m.int64)),
    "lu_factor_singular": lambda m: m.linalg.lu_factor(m.zeros(3, 3)),
    "cross_len": lambda m: m.linalg.cross(m.ones(2, 2), m.ones(2, 2)),
    "vector_norm_int": lambda m: m.linalg.vector_norm(m.ones(2, dtype=m.int64)),
    "matrix_norm_1d": lambda m: m.linalg.matrix_norm(m.ones(3)),
    "norm_3d_ord": lambda m: m.linalg.norm(m.ones(2, 2, 2), 2),
    "multi_dot_one": lambda m: m.linalg.multi_dot([m.ones(2, 2)]),
    "lstsq_shapes": lambda m: m.linalg.lstsq(m.ones(3, 2), m.ones(2, 1)),
    "pinv_int": lambda m: m.linalg.pinv(m.ones(2, 2, dtype=m.int64)),
    "qr_mode": lambda m: m.linalg.qr(m.ones(2, 2), mode="x"),
    "cross_ndim": lambda m: m.linalg.cross(m.ones(3), m.ones(2, 3)),
    "matrix_power_float": lambda m: m.linalg.matrix_power(m.ones(2, 2), 0.5),
    "solve_dtypes": lambda m: m.linalg.solve(m.eye(2), m.ones(2, dtype=m.float64)),
    "qr_r_backward": lambda m: m.linalg.qr(m.ones(3, 2, requires_grad=True), mode="r")[1]
    .sum().backward(),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_same_error(name):
    with pytest.raises(Exception) as et:
        BAD[name](torch)
    with pytest.raises(Exception) as eo:
        BAD[name](tocha)
    pt = type(et.value)
    assert isinstance(eo.value, pt.__mro__[0] if pt.__module__ == "builtins" else pt.__mro__[1])
    if "LinAlgError" in pt.__name__:
        assert isinstance(eo.value, tocha.linalg.LinAlgError)
    assert str(eo.value).split(":")[0] == str(et.value).split(":")[0] or name in (
        "qr_r_backward", "vector_norm_int")
    if "batch" in name:
        assert str(eo.value) == str(et.value)


def test_solve_triangular_mixed_dtypes():
    a = tocha.linalg.solve_triangular(tocha.eye(2), tocha.ones(2, 1, dtype=tocha.float64),
                                      upper=True)
    b = torch.linalg.solve_triangular(torch.eye(2), torch.ones(2, 1, dtype=torch.float64),
                                      upper=True)
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_eig_of_the_identity_is_complex():
    # (eig in full: tests/oracle/test_complex_oracle.py)
    a, b = tocha.linalg.eig(tocha.eye(2)), torch.linalg.eig(torch.eye(2))
    assert str(a.eigenvalues.dtype) == str(b.eigenvalues.dtype).replace("torch", "tocha")
    assert a.eigenvalues.tolist() == b.eigenvalues.tolist()
