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


def test_inplace_on_a_view_whose_base_joined_a_graph_in_place_is_recorded():
    # r2 is a view of r0 taken before r0 needed grad; after r0.add_(w) put r0 in a graph, r2
    # has no history of its own until a use rebases it onto r0's (PyTorch reads its record as
    # it stands): an in-place op on it is refused as on a leaf. Once rebased (reading its
    # grad_fn), the abs_ through r2 is part of r0's history. By hand: r0 = |x + w|,
    # d sum(r0^2)/dw = 2 * (1.5 * 1 + 1.5 * -1 + 3.5 * 1) = 7.
    r0 = tocha.tensor([1.0, -2.0, 3.0], dtype=tocha.float64)
    r2 = r0.view_as(r0)
    w = tocha.tensor([0.5], dtype=tocha.float64, requires_grad=True)
    r0.add_(w)
    assert r2.requires_grad
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        r2.abs_()
    assert r2.grad_fn is not None
    r2.abs_()
    (r0 * r0).sum().backward()
    assert w.grad.tolist() == [7.0]
