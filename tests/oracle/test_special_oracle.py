"""tocha.special against torch.special: values, dtypes, shapes and gradients on float64 and
float32 inputs, grad_fn names, integer inputs, and the derivatives PyTorch does not have."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import tocha

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "special"))
from _special_cases import CASES, make


def evaluate(m, name, dtype):
    fn, _, diff = CASES[name]
    xs = [m.tensor(a, dtype=dtype, requires_grad=diff) for a in make(name)]
    out = fn(m, *xs)
    grads = None
    if diff:
        w = m.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)),
                     dtype=out.dtype)
        grads = m.autograd.grad((out * w).sum(), xs, allow_unused=True)
    return out, grads


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_grads(name, dtype):
    (to, tg), (po, pg) = (evaluate(m, name, getattr(m, dtype)) for m in (tocha, torch))
    rtol, atol = (1e-9, 1e-12) if dtype == "float64" else (1e-5, 1e-6)
    if name.startswith(("bessel", "airy")) and dtype == "float64":
        rtol, atol = 1e-6, 1e-6     # PyTorch's approximations: up to ~3e-7 absolute
    assert tuple(to.shape) == tuple(po.shape)
    assert str(to.dtype).split(".")[-1] == str(po.dtype).split(".")[-1]
    np.testing.assert_allclose(to.detach().numpy(), po.detach().numpy(), rtol, atol)
    if tg is not None:
        for a, b in zip(tg, pg):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol * 100, atol * 100)
        if po.grad_fn is not None and name not in (
                "multigammaln", "ndtr", "logit", "logit_eps", "xlogy"):   # composites:
            assert type(po.grad_fn).__name__ == to.grad_fn.name()


@pytest.mark.parametrize("name", ["gammaln", "digamma", "erfinv", "i0", "ndtr", "sinc",
                                  "bessel_j0", "entr"])
def test_integer_input_gives_default_float(name):
    a = np.array([1, 2, 3])
    r1 = CASES[name][0](tocha, tocha.tensor(a) * (1 if name != "erfinv" else 0))
    r2 = CASES[name][0](torch, torch.tensor(a) * (1 if name != "erfinv" else 0))
    assert str(r1.dtype).split(".")[-1] == str(r2.dtype).split(".")[-1]
    np.testing.assert_allclose(r1.detach().numpy(), r2.detach().numpy(), 1e-6, 1e-7)


def test_edge_values():
    x = [0.0, -0.0, 1.0, -1.0, float("inf"), -float("inf"), float("nan")]
    for fn in ("erfinv", "entr", "sinc", "i1", "i1e", "ndtri", "log_ndtr", "gammaln",
               "digamma", "spherical_bessel_j0", "erfcx"):
        a = getattr(tocha.special, fn)(tocha.tensor(x, dtype=tocha.float64)).numpy()
        b = getattr(torch.special, fn)(torch.tensor(x, dtype=torch.float64)).numpy()
        np.testing.assert_allclose(a, b, 1e-12, err_msg=fn)


@pytest.mark.parametrize("fn", [lambda m, x: m.special.bessel_j0(x).sum().backward(),
                                lambda m, x: m.special.zeta(x, x).sum().backward(),
                                lambda m, x: m.special.gammainc(x, x).sum().backward()])
def test_missing_derivatives_raise_as_pytorch(fn):
    with pytest.raises(Exception) as et:
        fn(torch, torch.ones(2, requires_grad=True))
    with pytest.raises(type(et.value)):
        fn(tocha, tocha.ones(2, requires_grad=True))


def test_multigammaln_outside_domain():
    a = tocha.special.multigammaln(tocha.tensor([0.5, 2.0]), 3).numpy()
    b = torch.special.multigammaln(torch.tensor([0.5, 2.0]), 3).numpy()
    np.testing.assert_allclose(a, b, 1e-6)
