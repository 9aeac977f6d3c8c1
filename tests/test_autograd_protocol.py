"""The autograd protocol of issue 7: one `Function.apply` for tocha's primitives and users'
Functions, named edges, no global mode, and views rebased onto in-place ops."""
import numpy as np
import pytest

import tocha
from tocha._ops import elementwise as E
from tocha._ops._util import prim
from tocha.autograd import engine, function


def test_primitives_and_user_functions_share_one_apply():
    assert prim.apply.__func__ is tocha.autograd.Function.apply.__func__
    assert E.Mul.apply.__func__ is tocha.autograd.Function.apply.__func__
    assert not hasattr(function, "ARRAY_MODE")
    for gone in ("_apply1", "_apply2", "_apply_arrays"):
        assert not hasattr(function, gone)


def test_operators_run_the_primitive(monkeypatch):
    seen = []
    original = E.Mul.forward

    def spy(ctx, *args):
        seen.append(len(args))
        return original(ctx, *args)

    monkeypatch.setattr(E.Mul, "forward", staticmethod(spy))
    a = tocha.ones(3, requires_grad=True)
    with tocha.no_grad():
        a * a                   # the no-record fast path is inside apply too
    (a * 2.0).sum().backward()
    assert len(seen) >= 2


def test_edges_are_named_records_and_leaves_have_accumulators():
    a, b = tocha.ones(2, requires_grad=True), tocha.ones(2)
    y = a * b
    e, e_b = y.grad_fn._edges      # (a primitive's trailing constant, the dtype, has none)
    assert isinstance(e, function.Edge) and isinstance(e.node, function.AccumulateGrad)
    assert e.node.variable is a and e.output_nr == 0 and e.shape == (2,) and e.dtype is a.dtype
    assert e_b is function.NO_GRAD
    assert y.grad_fn.next_functions == ((e.node, 0), (None, 0))
    assert (a * 3).grad_fn._edges[0].node is e.node     # one accumulator per leaf


def test_saved_tensors_are_tensors_in_backward():
    kinds = []

    class Spy(tocha.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            kinds.append((type(x), type(g)))
            return g * 2

    x = tocha.ones(2, requires_grad=True)
    Spy.apply(x).sum().backward()
    (Spy.apply(x).sum() * 1).backward(create_graph=True)
    assert kinds == [(tocha.Tensor, tocha.Tensor)] * 2


def test_needs_input_grad_under_no_grad():
    seen = []

    class F(tocha.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            seen.append(ctx.needs_input_grad)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, None

    x = tocha.ones(2, requires_grad=True)
    with tocha.no_grad():
        F.apply(x, tocha.ones(2))
    assert seen == [(True, False)]


def test_graph_task_holds_one_run():
    task = engine.GraphTask(retain_graph=False, create_graph=False, accumulate=True)
    assert set(engine.GraphTask.__slots__) >= {"pending", "ready"}
    assert task.pending == {} and task.ready == []


def test_view_rebased_onto_inplace_on_base():
    # y = 2x, v = y[1:3], then y *= 3: v = 6 x[1:3], so d(sum v)/dx = [0, 6, 6, 0]
    x = tocha.ones(4, requires_grad=True)
    y = x * 2
    v = y[1:3]
    y.mul_(3)
    v.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 6, 6, 0])


def test_multi_output_views_refuse_inplace():
    y = tocha.ones(4, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="returns multiple views"):
        y.split(2)[0].mul_(2)


def test_hook_changing_shape_is_refused():
    a = tocha.ones(3, requires_grad=True)
    b = a * 1
    b.register_hook(lambda g: tocha.ones(2))
    with pytest.raises(RuntimeError, match="changed the size"):
        b.sum().backward()


def test_inplace_op_that_saves_its_output():
    # tanh_ saves its result; the in-place write moves that record to the new version, so
    # backward reads it without a version error: d tanh(x)/dx = 1 - tanh(x)^2
    a = tocha.tensor([0.5, -1.0, 2.0], dtype=tocha.float64, requires_grad=True)
    x = a * 1
    x.tanh_()
    x.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 1 - np.tanh([0.5, -1.0, 2.0]) ** 2)


def test_first_grad_takes_an_unshared_gradient():
    # a gradient only the engine holds becomes .grad as is; one held elsewhere is copied
    g = tocha.randn(64, 64)
    assert engine._own_copy(g) is g
    other = g                           # a second holder
    assert engine._own_copy(g) is not g
    del other
    small = tocha.randn(3)              # small: a copy is cheaper than the checks
    assert engine._own_copy(small) is not small
    base = tocha.randn(64, 64)
    v = base[:32]                       # a view whose base array `base` also holds
    assert engine._own_copy(v) is not v
    v = tocha.randn(64, 64)[:32]        # a view whose base nothing else holds
    assert engine._own_copy(v) is v
    t = tocha.randn(64, 64).t()         # not contiguous
    assert engine._own_copy(t) is not t
    e = tocha.randn(1, 64).expand(64, 64)   # read-only broadcast
    assert engine._own_copy(e) is not e
    r = tocha.randn(64, 64)
    keep = r._data                      # the view's root array, held outside too
    v = r[:32]
    del r
    assert engine._own_copy(v) is not v
    del keep
    arr = np.ones((64, 64), np.float32)
    f = tocha.from_numpy(arr[:32])      # memory the caller's array owns
    assert engine._own_copy(f) is not f


def test_taken_first_grad_accumulates_in_place():
    lin = tocha.nn.Linear(128, 32)      # W.grad arrives through W.t()'s view backward
    x = tocha.randn(16, 128)
    lin(x).sum().backward()
    first = lin.weight.grad.clone()
    lin(x).sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), 2 * first.numpy(), rtol=1e-6)


def test_first_grad_never_aliases_what_others_hold():
    a = tocha.randn(64, 64, requires_grad=True)
    b = tocha.randn(64, 64, requires_grad=True)
    G = tocha.randn(64, 64)
    (a + b).backward(G)                 # Add hands the caller's G to both leaves
    for t in (a, b):
        assert not np.shares_memory(t.grad._data, G._data)
    assert not np.shares_memory(a.grad._data, b.grad._data)
    seen = []
    w = tocha.randn(64, 64, requires_grad=True)
    w.register_hook(lambda g: seen.append(g))
    (w * 2).sum().backward()
    assert not np.shares_memory(w.grad._data, seen[0]._data)
    x = tocha.randn(64, 64, requires_grad=True)
    x.backward(G)                       # a leaf as the root: its gradient is the caller's
    assert not np.shares_memory(x.grad._data, G._data)
    y = tocha.randn(64, 64, requires_grad=True)
    G0 = G.clone()
    (y * 3).backward(G)
    (y * 3).backward(G)                 # accumulated in place into the first .grad
    np.testing.assert_array_equal(y.grad.numpy(), (G0 * 3 + G0 * 3).numpy())
    np.testing.assert_array_equal(G.numpy(), G0.numpy())
    np.testing.assert_array_equal(x.grad.numpy(), G0.numpy())
