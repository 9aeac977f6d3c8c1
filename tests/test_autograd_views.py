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
    # r2 is a view of r0 taken before r0 needed grad; r0.add_(w) puts r0 in a graph, so the
    # abs_ through r2 must be part of r0's history (it was written without being recorded,
    # and the gradient ignored abs's sign). By hand: r0 = |x + w|, d sum(r0^2)/dw =
    # 2 * (1.5 * 1 + 1.5 * -1 + 3.5 * 1) = 7. (PyTorch refuses this in-place op instead.)
    r0 = tocha.tensor([1.0, -2.0, 3.0], dtype=tocha.float64)
    r2 = r0.view_as(r0)
    w = tocha.tensor([0.5], dtype=tocha.float64, requires_grad=True)
    r0.add_(w)
    r2.abs_()
    (r0 * r0).sum().backward()
    assert w.grad.tolist() == [7.0]


def test_operator_inplace_on_a_view_whose_base_joined_a_graph_is_recorded():
    # The operators' in-place route (`*=`, `add_` with alpha) decides whether to record from
    # the view's own flag, which is set only when the view is rebased: it must rebase first.
    # By hand: x[1:3] = 5 * (w + 2) (mul_ by 3 for the first), so d sum(x)/dw = [1, k, k, 1].
    for op, k in ((lambda v: v.mul_(3), 3.0),
                  (lambda v: v.add_(tocha.ones(2), alpha=2.0).__imul__(5), 5.0)):
        x = tocha.zeros(4)
        v = x[1:3]
        w = tocha.ones(4, requires_grad=True)
        x.add_(w * 1)
        op(v)
        x.sum().backward()
        assert w.grad.tolist() == [1.0, k, k, 1.0]
