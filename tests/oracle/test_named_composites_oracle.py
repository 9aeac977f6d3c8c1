"""grad_fn names of composites against PyTorch 2.13 (same node name, same gradients)."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
X, T = rng.standard_normal((3, 4)), rng.uniform(0.1, 0.9, (3, 4))
W = rng.uniform(0.5, 1.5, (4,))

CASES = {
    "bce_logits": (lambda F, x, t, w: F.binary_cross_entropy_with_logits(x, t, w,
                                                                       pos_weight=w), (X, T, W)),
    "bce_logits_none": (lambda F, x, t, w: F.binary_cross_entropy_with_logits(
        x, t, reduction="none"), (X, T, W)),
    "bce": (lambda F, x, t, w: F.binary_cross_entropy(t, x.sigmoid(), w), (X, T, W)),
    "smooth_l1": (lambda F, x, t, w: F.smooth_l1_loss(x, t, beta=0.5), (X, T, W)),
    "huber": (lambda F, x, t, w: F.huber_loss(x, t, delta=0.3), (X, T, W)),
    "soft_margin": (lambda F, x, t, w: F.soft_margin_loss(x, t), (X, T, W)),
    "softshrink": (lambda F, x, t, w: F.softshrink(x, 0.3), (X, T, W)),
    "hardshrink": (lambda F, x, t, w: F.hardshrink(x, 0.3), (X, T, W)),
    "glu": (lambda F, x, t, w: F.glu(x, 1), (X, T, W)),
    "prelu": (lambda F, x, t, w: F.prelu(x, w), (X, T, W)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_fn_name_and_grads(name):
    fn, arrays = CASES[name]
    res = []
    for m in (tocha, torch):
        args = [m.tensor(a, requires_grad=i == 0 or name == "prelu")
                for i, a in enumerate(arrays)]
        out = fn(m.nn.functional, *args)
        out.backward(m.ones_like(out))
        res.append((out.grad_fn.name(), out.detach().numpy(),
                    [a.grad.numpy() if a.grad is not None else None for a in args]))
    assert res[0][0] == res[1][0]
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10, atol=1e-12)
    for a, b in zip(res[0][2], res[1][2], strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
