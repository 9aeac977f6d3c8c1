"""In-place ops on views of tensors in a graph (PyTorch's CopySlices); expected values computed
by hand (x*2 with rows/columns edited, then d/dx of sum(y * c))."""
import numpy as np
import pytest

import tocha


def test_inplace_on_views_rewrites_base_history():
    x = tocha.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    w = tocha.tensor([0.5, -1., 2.], requires_grad=True)
    c = tocha.tensor([[1., 2., 3.], [4., 5., 6.]])
    y = x * 2
    y[0] += 1                     # y = [[3, 5, 7], [8, 10, 12]]
    y[:, 1] *= 3                  # column 1 tripled
    y.t()[2].add_(x[:, 0] * w[0])  # column 2 += x[:, 0] / 2
    y[1].mul_(w)                  # row 1 scaled by w
    assert y.detach().tolist() == [[3., 15., 7.5], [4., -30., 28.]]
    (y * c).sum().backward()
    # d/dx: 2*c, column 1 *3, row 1 *w; column 0 also feeds column 2 through w[0]
    expect = 2 * np.array([[1., 6., 3.], [4., 15., 6.]]) * np.array([[1, 1, 1], [.5, -1, 2]])
    expect[:, 0] += np.array([3., 6.]) * np.array([1., 2.]) * 0.5
    np.testing.assert_allclose(x.grad.numpy(), expect)
    assert y.grad_fn.name() == "CopySlices"


def test_inplace_on_view_of_leaf_raises():
    x = tocha.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[0].add_(1)


def test_inplace_view_gradcheck():
    def f(a, b):
        y = a * 1.5
        y[1:].mul_(b)
        return y.sum(0)
    a = tocha.randn(3, 2, dtype=tocha.float64, requires_grad=True)
    b = tocha.randn(2, dtype=tocha.float64, requires_grad=True)
    assert tocha.autograd.gradcheck(f, (a, b))
