"""affine_grid and grid_sample against PyTorch 2.13: values and gradients (input, grid,
theta) for every mode/padding/align_corners combination tocha supports; errors."""
import warnings

import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 3, 5, 6))
G = rng.uniform(-1.3, 1.3, (2, 4, 7, 2))
TH2, TH3 = rng.standard_normal((2, 2, 3)) * 0.7, rng.standard_normal((2, 3, 4)) * 0.7


def weighted(m, o):
    return (o * m.arange(o.numel(), dtype=m.float64).reshape(o.shape)).sum()


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    res = []
    for m in (tocha, torch):
        x, g = m.tensor(X, requires_grad=True), m.tensor(G, requires_grad=True)
        o = m.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners)
        weighted(m, o).backward()
        gg = g.grad.numpy() if g.grad is not None else np.zeros(G.shape)
        res.append((o.detach().numpy(), x.grad.numpy(), gg))
    for a, b in zip(*res, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("theta,size", [(TH2, (2, 3, 4, 5)), (TH3, (2, 3, 2, 4, 5))])
def test_affine_grid(theta, size, align_corners):
    res = []
    for m in (tocha, torch):
        t = m.tensor(theta, requires_grad=True)
        g = m.nn.functional.affine_grid(t, size, align_corners)
        weighted(m, g).backward()
        res.append((g.detach().numpy(), t.grad.numpy()))
    for a, b in zip(*res, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_warning_and_errors():
    for m in (tocha, torch):
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 2, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError, match="expected mode to be 'bilinear'"):
                m.nn.functional.grid_sample(m.zeros(1, 1, 2, 2), m.zeros(1, 1, 1, 2), "foo")
            with pytest.raises(RuntimeError, match="expected grid to have size 2 in last"):
                m.nn.functional.grid_sample(m.zeros(1, 1, 2, 2), m.zeros(1, 1, 1, 1))
            with pytest.raises(ValueError, match="Expected a batch of 2D affine matrices"):
                m.nn.functional.affine_grid(m.zeros(1, 3, 3), (1, 1, 2, 2))
