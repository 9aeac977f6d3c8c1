"""Finite-difference checks (float64 gradcheck, and gradgradcheck where PyTorch supports double
backward) for every differentiable op in tocha._ops, on broadcast and 0-d shapes. NumPy only."""
import numpy as np
import pytest
from _op_cases import CASES, make_inputs

import tocha
from tocha.autograd import gradcheck, gradgradcheck


def _diff_outputs(out):
    outs = out if isinstance(out, tuple) else (out,)
    return tuple(o for o in outs if o.is_floating_point())


@pytest.mark.parametrize("case", [c for c in CASES if c.fd], ids=lambda c: c.name)
def test_gradcheck(case):
    inputs = make_inputs(case, tocha)
    assert gradcheck(lambda *xs: _diff_outputs(case.fn(tocha, *xs)), tuple(inputs))


@pytest.mark.parametrize("case", [c for c in CASES if c.fd and c.gg], ids=lambda c: c.name)
def test_gradgradcheck(case):
    inputs = make_inputs(case, tocha)
    assert gradgradcheck(lambda *xs: _diff_outputs(case.fn(tocha, *xs)), tuple(inputs))


@pytest.mark.parametrize("case", [c for c in CASES if c.zero], ids=lambda c: c.name)
def test_piecewise_constant_zero_grad(case):
    # ops whose derivative is zero almost everywhere: backward gives zeros (or no graph)
    inputs = make_inputs(case, tocha)
    res = case.fn(tocha, *inputs)
    res = res if isinstance(res, tuple) else (res,)
    for o in res:
        assert o.requires_grad == o.is_floating_point()     # integer outputs carry no graph
    outs = [o for o in res if o.requires_grad]
    diff = [x for x in inputs if isinstance(x, tocha.Tensor) and x.requires_grad]
    for o in outs:
        gs = tocha.autograd.grad(o.sum(), diff, allow_unused=True)
        for g in gs:
            assert g is None or not np.any(g.numpy())


def test_gradcheck_detects_wrong_backward():
    class Bad(tocha.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = tocha.tensor(np.arange(3.0), requires_grad=True)
    assert not gradcheck(Bad.apply, (x,), raise_exception=False)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(Bad.apply, (x,))


def test_gradgradcheck_detects_wrong_double_backward():
    class Bad(tocha.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x.detach() ** 2     # detached: double backward misses x

    x = tocha.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    assert gradcheck(Bad.apply, (x,))
    assert not gradgradcheck(Bad.apply, (x,), raise_exception=False)
