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


def test_operator_inplace_on_a_view_whose_base_joined_a_graph():
    # The operators' in-place route (`*=`, `mul_`, `add_` with alpha) decides whether to record
    # by PyTorch's requires_grad of a view, not by the view's own flag (it once wrote the view
    # unrecorded: w.grad [1, 1, 1, 1]). Not yet rebased, the view is a leaf to in-place ops,
    # as in PyTorch; once used, it is rebased and the op is recorded. By hand: x[1:3] = 3 w.
    for op in (lambda v: v.mul_(3), lambda v: v.__imul__(3),
               lambda v: v.add_(tocha.ones(2), alpha=2.0)):
        x = tocha.zeros(4)
        v = x[1:3]
        w = tocha.ones(4, requires_grad=True)
        x.add_(w * 1)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            op(v)
    v * 1
    v.mul_(3)
    x.sum().backward()
    assert w.grad.tolist() == [1.0, 3.0, 3.0, 1.0]


# How a view was made decides the in-place ops autograd refuses on it (PyTorch's rules; the
# oracle suite compares each case with PyTorch: tests/oracle/test_fuzz_regressions_oracle.py)

def test_view_made_under_no_grad_refuses_an_operand_that_requires_grad():
    x = tocha.ones(2, 3)
    w = tocha.ones(3, 2, requires_grad=True)
    with tocha.no_grad():
        v = x.mT
    v.sub_(w.detach())                      # nothing requires grad: allowed
    with pytest.raises(RuntimeError, match="created in no_grad mode and is being modified"):
        v.sub_(w)
    with pytest.raises(RuntimeError, match="created in no_grad mode"):
        v[0].sub_(w[0])                     # a view of it, made in grad mode, keeps its kind
    with tocha.no_grad():
        v.sub_(w)                           # both under no_grad: allowed, not recorded
    assert x.tolist() == [[-1.0] * 3] * 2 and not v.requires_grad


def test_view_made_under_no_grad_is_unusable_after_its_base_joined_a_graph():
    x = tocha.ones(3)
    with tocha.no_grad():
        v = x.unsqueeze(0)
    x.mul_(tocha.full((3,), 2.0, requires_grad=True))
    assert v.requires_grad
    with pytest.raises(RuntimeError, match="its base or another view of its base"):
        v * 1
    with tocha.no_grad():
        assert (v * 1).tolist() == [[2.0, 2.0, 2.0]]


def test_composites_return_new_tensors_not_views_of_their_intermediates():
    x = tocha.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 1.5]])
    w = tocha.tensor(0.5, requires_grad=True)
    with tocha.no_grad():
        results = [x[0, 0].cumprod(0), x.median(1).values, x.rot90(), tocha.take(x, x.long()),
                   tocha.quantile(x, 0.5, 1), tocha.kron(x, x), tocha.unsafe_chunk(x, 2)[0]]
    for r in results:
        assert r._base is None
        r.add_(w)                           # allowed: r is no view made under no_grad
        assert r.requires_grad


def test_view_whose_base_joined_a_graph_is_a_leaf_until_used():
    r0 = tocha.tensor([1.0, -2.0, 3.0])
    w = tocha.tensor([0.5, 1.5, -1.0], requires_grad=True)
    r2 = r0[1:]
    r0.mul_(w)
    assert r2.requires_grad                 # as its base (no history of its own yet)
    r2.retain_grad()                        # a leaf to it: nothing kept
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        r2.abs_()
    r2 * 1                                  # a use rebases it onto r0's history
    r2.abs_()                               # r0 = [x0 w0, |x1 w1|, |x2 w2|]
    (r0 * 1).sum().backward()
    assert w.grad.tolist() == [1.0, 2.0, -3.0] and not r2.retains_grad


def test_split_outputs_are_unusable_in_a_graph_after_any_change_of_their_memory():
    x = tocha.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    u = (x * 2).unbind(0)
    u[0].detach().add_(1)                   # not recorded, but the memory changed
    with pytest.raises(RuntimeError, match="Output 1 of Unbind is a view and its base"):
        u[1] * 2
    with tocha.no_grad():
        assert (u[1] * 2).tolist() == [12.0, 16.0]


def test_backward_from_a_view_whose_base_joined_a_graph():
    # v.backward(g) straight from the view: it is rebased onto x's history first (it had
    # raised "does not require grad"). By hand: v = x[1:3] = w[1:3] * 3, so w.grad = [0,3,3,0].
    x = tocha.full((4,), 3.0)
    v = x[1:3]
    w = tocha.ones(4, requires_grad=True)
    x.mul_(w)
    v.backward(tocha.ones(2))
    assert w.grad.tolist() == [0.0, 3.0, 3.0, 0.0]
