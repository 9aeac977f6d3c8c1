"""Fractional max pooling against PyTorch 2.13: values, indices and gradients for given
samples, and the same random windows after the same manual_seed; module checks."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
CASES = [(2, (2, 3, 9, 11), 3, {"output_size": (4, 5)}),
         (2, (2, 3, 10, 10), (2, 3), {"output_ratio": (0.5, 0.6)}),
         (2, (3, 9, 9), 2, {"output_size": 4}),
         (3, (1, 2, 7, 8, 9), 2, {"output_size": (3, 4, 5)})]


@pytest.mark.parametrize("nd,shape,ks,kw", CASES, ids=str)
def test_fractional_max_pool(nd, shape, ks, kw):
    x = rng.standard_normal(shape)
    batch = shape[0] if len(shape) == nd + 2 else 1
    chans = shape[-nd - 1]
    s = rng.uniform(size=(batch, chans, nd))
    res = []
    for m in (tocha, torch):
        f = getattr(m.nn.functional, f"fractional_max_pool{nd}d")
        xt = m.tensor(x, requires_grad=True)
        o, i = f(xt, ks, return_indices=True, _random_samples=m.tensor(s), **kw)
        (o * m.arange(o.numel(), dtype=m.float64).reshape(o.shape)).sum().backward()
        res.append((o.detach().numpy(), i.numpy(), xt.grad.numpy()))
    for a, b in zip(*res, strict=True):
        np.testing.assert_array_equal(a, b)


def test_seeded_windows_and_module():
    x = (np.arange(2 * 3 * 81, dtype=np.float32).reshape(2, 3, 9, 9) * 7) % 17
    outs = []
    for m in (tocha, torch):
        m.manual_seed(3)
        pool = m.nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True)
        out, idx = pool(m.tensor(x))
        outs.append((repr(pool), out.numpy(), idx.numpy()))
        for kw in ({}, {"output_size": 3, "output_ratio": 0.5}, {"output_ratio": 1.5}):
            with pytest.raises(ValueError):
                m.nn.FractionalMaxPool2d(3, **kw)
    assert outs[0][0] == outs[1][0]
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    np.testing.assert_array_equal(outs[0][2], outs[1][2])
