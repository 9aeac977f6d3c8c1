"""Backwards that run on arrays when no graph is built agree with their recorded (create_graph)
tocha-op paths, and ReLU's gradient follows PyTorch's threshold_backward (NumPy only)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tocha
import tocha.nn.functional as F


def _grads(fn, args, create_graph):
    args = [a.detach().requires_grad_() for a in args]
    out = fn(*args)
    gs = tocha.autograd.grad(out, args, create_graph=create_graph)
    return [g.detach().numpy() for g in gs]


def _randn(*shape):
    return tocha.randn(*shape, dtype=tocha.float64)


CASES = {
    "linear": (lambda x, w, b: (F.linear(x, w, b) ** 2).sum(),
               lambda: [_randn(5, 4), _randn(3, 4), _randn(3)]),
    "addmm_row_bias": (lambda c, a, b: (tocha.addmm(c, a, b, beta=0.5, alpha=2.0) ** 2).sum(),
                       lambda: [_randn(1, 3), _randn(5, 4), _randn(4, 3)]),
    "mm": (lambda a, b: (a.mm(b) ** 2).sum(), lambda: [_randn(5, 4), _randn(4, 3)]),
    "relu": (lambda x: (F.relu(x) * tocha.arange(12.0, dtype=tocha.float64)).sum(),
             lambda: [_randn(12)]),
    "cross_entropy": (lambda x: F.cross_entropy(x, tocha.tensor([0, 2, 1, 2])),
                      lambda: [_randn(4, 3)]),
    "nll_none": (lambda x: (F.nll_loss(F.log_softmax(x, 1), tocha.tensor([0, 2, 1, 2]),
                                       reduction="none") * tocha.arange(4.0,
                                       dtype=tocha.float64)).sum(),
                 lambda: [_randn(4, 3)]),
    "batch_norm": (lambda x, w, b: (F.batch_norm(x, None, None, w, b, training=True)
                                    * tocha.arange(24.0, dtype=tocha.float64).reshape(
                                        2, 3, 2, 2)).sum(),
                   lambda: [_randn(2, 3, 2, 2), _randn(3), _randn(3)]),
    "batch_norm_no_affine": (lambda x: (F.batch_norm(x, None, None, training=True) ** 3).sum(),
                             lambda: [_randn(4, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_array_path_equals_recorded_path(name):
    fn, make = CASES[name]
    tocha.manual_seed(3)
    args = make()
    fast = _grads(fn, args, create_graph=False)
    recorded = _grads(fn, args, create_graph=True)
    for a, b in zip(fast, recorded):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_relu_gradient_like_threshold_backward():
    # By hand from threshold_backward: gradient 0 where the output is <= 0 (also -0.0), the
    # incoming value otherwise, a NaN output passing it on, inf and NaN gradients kept as is.
    x = tocha.tensor([1.0, -1.0, 0.0, math.nan, -0.0, 2.0, 3.0], requires_grad=True)
    g = tocha.tensor([1.0, 2.0, 3.0, 4.0, 5.0, math.inf, math.nan])
    F.relu(x).backward(g)
    got = x.grad.numpy()
    assert got[:6].tolist() == [1.0, 0.0, 0.0, 4.0, 0.0, math.inf]
    assert math.isnan(got[6])
    assert x.grad.dtype is tocha.float32
