"""Autograd semantics: backward/grad arguments, leaves and non-leaves, hooks, graph structure,
grad modes, custom Functions, PyTorch's errors, higher-order gradients, functional jacobian and
hessian, deep graphs. NumPy only; expected values are derivatives worked out by hand."""
import gc
import warnings
import weakref

import numpy as np
import pytest

import tocha
from tocha.autograd import Function, Variable, gradcheck, gradgradcheck


def T(v, rg=True, dtype=tocha.float64):
    return tocha.tensor(v, dtype=dtype, requires_grad=rg)


def npa(t):
    return t.detach().numpy()


# ---------------------------------------------------------------- backward arguments

def test_backward_scalar_and_accumulation():
    x = T([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [2, 4, 6])
    (x * x).sum().backward()                 # leaves accumulate
    np.testing.assert_allclose(npa(x.grad), [4, 8, 12])
    x.grad = None
    (3 * x).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [3, 3, 3])
    x.grad.zero_()
    assert npa(x.grad).tolist() == [0, 0, 0]


def test_backward_with_gradient():
    x = T([1.0, 2.0, 3.0])
    y = x * x
    y.backward(tocha.tensor([1.0, 0.5, 2.0], dtype=tocha.float64))
    np.testing.assert_allclose(npa(x.grad), [2, 2, 12])


def test_backward_gradient_shape_mismatch():
    x = T([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(tocha.ones(3, dtype=tocha.float64))


def test_nonscalar_backward_without_gradient_errors():
    x = T([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (x * 2).backward()


def test_backward_on_tensor_without_grad_errors():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tocha.ones(2).sum().backward()


def test_retain_graph_and_freed_graph_error():
    x = T([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(npa(x.grad), [4, 8])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_freed_graph_error_exp():
    x = T([0.5])
    y = x.exp()
    z = y.sum()
    z.backward()
    with pytest.raises(RuntimeError, match="second time"):
        z.backward()


def test_graph_without_saved_tensors_can_be_reused():
    # add saves nothing, so PyTorch allows a second backward without retain_graph
    x = T([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(npa(x.grad), [2, 2])


def test_backward_inputs_restricts_accumulation():
    x, w = T([1.0, 2.0]), T([3.0, 4.0])
    (x * w).sum().backward(inputs=[x])
    np.testing.assert_allclose(npa(x.grad), [3, 4])
    assert w.grad is None
    (x * w).sum().backward(inputs=w)
    np.testing.assert_allclose(npa(w.grad), [1, 2])
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * w).sum().backward(inputs=[])


def test_autograd_backward_function_several_roots():
    x = T([1.0, 2.0])
    a, b = (x * 2).sum(), (x ** 2).sum()
    tocha.autograd.backward([a, b])
    np.testing.assert_allclose(npa(x.grad), [4, 6])
    x.grad = None
    tocha.autograd.backward(x * 3, grad_tensors=tocha.tensor([1.0, -1.0], dtype=tocha.float64))
    np.testing.assert_allclose(npa(x.grad), [3, -3])


def test_autograd_grad_basic():
    x, y = T([1.0, 2.0]), T([3.0, 5.0])
    z = (x * y + x ** 3).sum()
    gx, gy = tocha.autograd.grad(z, (x, y))
    np.testing.assert_allclose(npa(gx), [3 + 3, 5 + 12])
    np.testing.assert_allclose(npa(gy), [1, 2])
    assert x.grad is None and y.grad is None     # grad() does not accumulate


def test_autograd_grad_outputs_and_single_input():
    x = T([1.0, 2.0])
    g, = tocha.autograd.grad(x * x, x, grad_outputs=tocha.tensor([1.0, 10.0],
                                                                 dtype=tocha.float64))
    np.testing.assert_allclose(npa(g), [2, 40])


def test_autograd_grad_unused():
    x, y = T([1.0]), T([2.0])
    z = (x * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        tocha.autograd.grad(z, (x, y), retain_graph=True)
    gx, gy = tocha.autograd.grad(z, (x, y), allow_unused=True, retain_graph=True)
    assert gy is None and npa(gx).tolist() == [2.0]
    gx, gy = tocha.autograd.grad(z, (x, y), materialize_grads=True)
    assert npa(gy).tolist() == [0.0] and npa(gx).tolist() == [2.0]


def test_autograd_grad_input_without_grad_errors():
    x = T([1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        tocha.autograd.grad((x * 2).sum(), tocha.ones(1))


def test_grad_of_nonleaf_input():
    x = T([1.0, 2.0])
    h = x * 3
    y = (h * h).sum()
    gh, = tocha.autograd.grad(y, h)
    np.testing.assert_allclose(npa(gh), [6, 12])


# ---------------------------------------------------------------- leaves, .grad, retain_grad

def test_leaf_and_nonleaf_flags():
    x = T([1.0])
    y = x * 2
    c = tocha.ones(1)
    assert x.is_leaf and not y.is_leaf and c.is_leaf
    assert x.grad_fn is None and y.grad_fn is not None
    assert y.requires_grad and not c.requires_grad
    assert not (c * 2).requires_grad


def test_nonleaf_grad_is_none_with_warning():
    x = T([1.0])
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None


def test_retain_grad():
    x = T([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    (y * y).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(npa(y.grad), [4, 8])
    np.testing.assert_allclose(npa(x.grad), [8, 16])
    x.retain_grad()                      # no-op on a leaf


def test_retain_grad_on_tensor_without_grad_errors():
    with pytest.raises(RuntimeError, match="can't retain_grad"):
        tocha.ones(2).retain_grad()


def test_requires_grad_rules():
    x = tocha.ones(2)
    x.requires_grad_()
    assert x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        tocha.ones(2, dtype=tocha.int64).requires_grad_()
    y = T([1.0]) * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        y.requires_grad = False


def test_grad_setter_checks():
    x = T([1.0, 2.0])
    x.grad = tocha.ones(2, dtype=tocha.float64)
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = tocha.ones(3, dtype=tocha.float64)
    with pytest.raises(TypeError):
        x.grad = [1.0, 2.0]


def test_int_ops_do_not_require_grad():
    x = T([1.5, 2.5])
    assert not (x > 2).requires_grad
    assert not x.argmax().requires_grad
    v, i = x.max(0)
    assert v.requires_grad and not i.requires_grad


# ---------------------------------------------------------------- hooks

def test_hook_on_leaf_replaces_grad():
    x = T([1.0, 2.0])
    seen = []
    h = x.register_hook(lambda g: seen.append(npa(g).copy()) or g * 10)
    (x * 3).sum().backward()
    np.testing.assert_allclose(seen[0], [3, 3])
    np.testing.assert_allclose(npa(x.grad), [30, 30])
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [3, 3])


def test_hook_on_nonleaf_changes_upstream():
    x = T([1.0, 2.0])
    y = x * 2
    y.register_hook(lambda g: g * 0 + 1)     # replace dL/dy by ones
    (y * y).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [2, 2])


def test_hook_returning_none_keeps_grad():
    x = T([1.0, 2.0])
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(1))
    y.sum().backward()
    assert calls == [1]
    np.testing.assert_allclose(npa(x.grad), [2, 2])


def test_hook_on_tensor_without_grad_errors():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tocha.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hook():
    x = T([1.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(npa(t.grad).copy()))
    (x * 5).sum().backward()
    assert seen and seen[0].tolist() == [5.0]


# ---------------------------------------------------------------- graph structure

def test_grad_fn_names_and_next_functions():
    a, b = T([1.0]), T([2.0])
    c = a * b
    d = c + a
    e = d.sum()
    assert e.grad_fn.name() == "SumBackward0"
    assert d.grad_fn.name() == "AddBackward0"
    assert c.grad_fn.name() == "MulBackward0"
    nf = d.grad_fn.next_functions
    assert nf[0][0] is c.grad_fn
    assert nf[1][0].name() == "torch::autograd::AccumulateGrad"
    assert nf[1][0].variable is a
    mul_next = c.grad_fn.next_functions
    assert [n.variable for n, _ in mul_next] == [a, b]
    # a constant operand has no edge
    f = a * tocha.ones(1, dtype=tocha.float64)
    assert f.grad_fn.next_functions[1][0] is None


def test_accumulate_grad_node_is_shared():
    a = T([1.0])
    n1 = (a * 2).grad_fn.next_functions[0][0]
    n2 = (a * 3).grad_fn.next_functions[0][0]
    assert n1 is n2


def test_output_nr_of_multi_output():
    x = T([[1.0, 2.0], [3.0, 4.0]])
    u, v = x.unbind(0)
    w = x.split(1)[1]
    (u.sum() * 2 + v.sum() * 3 + w.sum()).backward()
    np.testing.assert_allclose(npa(x.grad), [[2, 2], [4, 4]])


# ---------------------------------------------------------------- grad modes

def test_no_grad_context_and_decorator():
    x = T([1.0])
    with tocha.no_grad():
        y = x * 2
        assert not tocha.is_grad_enabled()
    assert tocha.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None

    @tocha.no_grad()
    def f(t):
        return t * 2

    @tocha.no_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    assert tocha.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = T([1.0])
    with tocha.no_grad():
        with tocha.enable_grad():
            y = x * 2
        z = x * 2

    @tocha.enable_grad()
    def f(t):
        return t * 2

    with tocha.no_grad():
        w = f(x)
    assert y.requires_grad and not z.requires_grad and w.requires_grad


def test_set_grad_enabled_forms():
    x = T([1.0])
    with tocha.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tocha.is_grad_enabled()
    tocha.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        tocha.set_grad_enabled(True)
    assert (x * 2).requires_grad

    @tocha.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert not f(x).requires_grad and tocha.is_grad_enabled()


def test_inference_mode():
    x = T([1.0])
    with tocha.inference_mode():
        assert tocha.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    assert not tocha.is_inference_mode_enabled()
    with tocha.inference_mode(False):
        assert (x * 2).requires_grad

    @tocha.inference_mode()
    def f(t):
        return t * 2

    @tocha.inference_mode
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError), tocha.no_grad():
        raise ValueError
    assert tocha.is_grad_enabled()


def test_backward_inside_no_grad_still_works():
    x = T([2.0])
    y = (x * x).sum()
    with tocha.no_grad():
        y.backward()
    np.testing.assert_allclose(npa(x.grad), [4])


def test_grad_mode_is_thread_local():
    import threading
    res = []
    with tocha.no_grad():
        t = threading.Thread(target=lambda: res.append(tocha.is_grad_enabled()))
        t.start()
        t.join()
    assert res == [True]


# ---------------------------------------------------------------- custom Function

class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


def test_custom_function_forward_backward():
    x = T([1.0, 2.0])
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [3, 12])
    assert gradcheck(Cube.apply, (T([0.3, -1.2]),))
    assert gradgradcheck(Cube.apply, (T([0.3, -1.2]),))


def test_custom_function_needs_input_grad_and_non_tensor_args():
    seen = {}

    class Scale(Function):
        @staticmethod
        def forward(ctx, x, y, k):
            seen["needs"] = ctx.needs_input_grad
            ctx.k = k
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None, None

    x, y = T([1.0]), tocha.ones(1, dtype=tocha.float64)
    Scale.apply(x, y, 4.0).sum().backward()
    assert seen["needs"] == (True, False, False)
    np.testing.assert_allclose(npa(x.grad), [4])


def test_custom_function_wrong_number_of_grads():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, g, g

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(T([1.0]), T([1.0])).sum().backward()


def test_custom_function_mark_non_differentiable():
    class SortF(Function):
        @staticmethod
        def forward(ctx, x):
            v, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return v, i

        @staticmethod
        def backward(ctx, gv, gi):
            i, = ctx.saved_tensors
            return tocha.zeros_like(gv).scatter(0, i, gv)

    x = T([3.0, 1.0, 2.0])
    v, i = SortF.apply(x)
    assert v.requires_grad and not i.requires_grad
    (v * tocha.tensor([1.0, 2.0, 3.0], dtype=tocha.float64)).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [3, 1, 2])


def test_custom_function_mark_dirty():
    class AddOneInplace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    a = T([1.0, 2.0])
    b = a.clone()
    c = AddOneInplace.apply(b)
    assert c is b
    np.testing.assert_allclose(npa(c), [2, 3])
    (c * 2).sum().backward()
    np.testing.assert_allclose(npa(a.grad), [2, 2])


def test_custom_function_set_materialize_grads():
    seen = {}

    class TwoOut(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen["g2"] = g2
            return g1 * 2

    x = T([1.0])
    a, _ = TwoOut.apply(x)
    a.sum().backward()
    assert seen["g2"] is None
    np.testing.assert_allclose(npa(x.grad), [2])

    class TwoOutMat(TwoOut):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

    seen.clear()
    x = T([1.0])
    TwoOutMat.apply(x)[0].sum().backward()
    assert npa(seen["g2"]).tolist() == [0.0]


def test_once_differentiable_blocks_double_backward():
    class Sq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @tocha.autograd.once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 2 * x

    x = T([3.0])
    g, = tocha.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(npa(g), [6])
    assert not g.requires_grad


def test_custom_function_returning_input_unchanged():
    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = T([1.0])
    y = Ident.apply(x)
    assert y is not x and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [2])


def test_custom_function_without_grad_inputs_records_nothing():
    y = Cube.apply(tocha.ones(2, dtype=tocha.float64))
    assert y.grad_fn is None and not y.requires_grad


def test_variable_alias():
    t = tocha.ones(2)
    v = Variable(t, requires_grad=True)
    assert v is t and v.requires_grad
    assert isinstance(t, Variable)
    assert tocha.autograd.Variable is Variable
    with pytest.raises(TypeError):
        Variable([1.0, 2.0])


# ---------------------------------------------------------------- in-place and version counters

def test_inplace_on_leaf_requiring_grad_errors():
    x = T([1.0])
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.exp_(), lambda: x.zero_(),
               lambda: x.__setitem__(0, 2.0), lambda: x.fill_(1.0)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            op()


def test_inplace_on_leaf_under_no_grad_is_allowed():
    x = T([1.0, 2.0])
    with tocha.no_grad():
        x.mul_(2)
        x[0] = 5.0
    np.testing.assert_allclose(npa(x), [5, 4])
    assert x.requires_grad and x.is_leaf


def test_modified_saved_tensor_errors():
    x = T([1.0, 2.0])
    y = x * 2
    z = y * y              # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_modified_saved_output_errors():
    x = T([1.0, 2.0])
    y = x.exp()            # saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        y.sum().backward()


def test_inplace_on_nonleaf_is_differentiable():
    x = T([1.0, 2.0])
    y = x * 2
    y.add_(1)
    y.mul_(3)                  # y = (2x + 1) * 3
    assert y._version == 2
    y.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [6, 6])


def test_setitem_on_nonleaf_gradient():
    x = T([1.0, 2.0, 3.0])
    w = T([10.0])
    y = x * 1
    y[1] = w[0] * 2
    y.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [1, 0, 1])
    np.testing.assert_allclose(npa(w.grad), [2])


def test_version_counter_shared_by_views():
    x = tocha.zeros(4)
    v = x[1:3]
    assert x._version == v._version == 0
    v.add_(1)
    assert x._version == v._version == 1
    x.zero_()
    assert v._version == 2


# ---------------------------------------------------------------- higher order

def test_second_and_third_derivatives():
    x = T([2.0])
    y = x ** 4
    g1, = tocha.autograd.grad(y.sum(), x, create_graph=True)
    g2, = tocha.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = tocha.autograd.grad(g2.sum(), x)
    assert npa(g1).tolist() == [32.0]       # 4x^3
    assert npa(g2).tolist() == [48.0]       # 12x^2
    assert npa(g3).tolist() == [48.0]       # 24x


def test_create_graph_backward_grad_is_differentiable():
    x = T([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [6, 12])     # d(3x^2)/dx


def test_mixed_partials():
    x, y = T([1.5]), T([-0.5])
    f = (x * x * y + y.sin()).sum()
    gx, = tocha.autograd.grad(f, x, create_graph=True)
    gxy, = tocha.autograd.grad(gx.sum(), y)
    np.testing.assert_allclose(npa(gxy), [2 * 1.5])


def test_gradcheck_on_composite_function():
    a, b = T(np.linspace(-1, 1, 6).reshape(2, 3)), T(np.linspace(0.5, 2, 3))
    f = lambda a, b: (a.tanh() @ b.exp()).softmax(0)
    assert gradcheck(f, (a, b))
    assert gradgradcheck(f, (a, b))


# ---------------------------------------------------------------- functional

def test_jacobian():
    from tocha.autograd.functional import jacobian
    x = T([1.0, 2.0, 3.0], rg=False)
    j = jacobian(lambda v: v ** 2, x)
    np.testing.assert_allclose(npa(j), np.diag([2.0, 4.0, 6.0]))
    ja, jb = jacobian(lambda a, b: a * b, (x, T([4.0, 5.0, 6.0], rg=False)))
    np.testing.assert_allclose(npa(ja), np.diag([4.0, 5.0, 6.0]))
    np.testing.assert_allclose(npa(jb), np.diag([1.0, 2.0, 3.0]))
    m = T([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], rg=False)
    jm = jacobian(lambda v: m.t() @ v, x)
    assert tuple(jm.shape) == (2, 3)
    np.testing.assert_allclose(npa(jm), npa(m).T)


def test_hessian():
    from tocha.autograd.functional import hessian
    x = T([1.0, 2.0], rg=False)
    h = hessian(lambda v: (v[0] ** 2 * v[1] + v[1] ** 3), x)
    # f = x0^2 x1 + x1^3: H = [[2 x1, 2 x0], [2 x0, 6 x1]]
    np.testing.assert_allclose(npa(h), [[4, 2], [2, 12]])


def test_deep_graph_no_recursion():
    x = T([1.0])
    y = x
    for _ in range(10000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [1.0001 ** 10000], rtol=1e-9)
    del y
    x2 = T([0.5])
    y = x2
    for _ in range(10000):
        y = y + 0.0
    g, = tocha.autograd.grad(y.sum(), x2)
    assert npa(g).tolist() == [1.0]


def test_graph_is_freed_after_backward():
    # the graph holds no reference cycle to big arrays: dropping the output frees the node
    x = T(np.ones(3))
    y = (x * 2).exp()
    ref = weakref.ref(y.grad_fn)
    y.sum().backward()
    del y
    gc.collect()
    assert ref() is None


def test_detach_stops_gradient():
    x = T([1.0, 2.0])
    y = x * 2
    z = y.detach()
    assert not z.requires_grad and z.grad_fn is None
    (y * z).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [4, 8])


def test_detach_inplace():
    x = T([1.0])
    y = x * 2
    y.detach_()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_shared_subexpression_and_diamond():
    x = T([3.0])
    a = x * 2
    b = a + a * a             # b = 2x + 4x^2
    b.sum().backward()
    np.testing.assert_allclose(npa(x.grad), [2 + 8 * 3])


def test_grad_dtype_follows_input():
    x = tocha.tensor([1.0, 2.0], requires_grad=True)          # float32
    (x * tocha.tensor([1.0, 2.0], dtype=tocha.float64)).sum().backward()
    assert x.grad.dtype == tocha.float32
    np.testing.assert_allclose(npa(x.grad), [1, 2])


def test_broadcast_grad_reduced_to_input_shape():
    x = T([[1.0], [2.0]])             # (2, 1)
    y = T([1.0, 2.0, 3.0])            # (3,)
    (x * y).sum().backward()
    np.testing.assert_allclose(npa(x.grad), [[6], [6]])
    np.testing.assert_allclose(npa(y.grad), [3, 3, 3])


def test_gradcheck_non_contiguous_and_overlapping_inputs():
    x = T(np.arange(12.0).reshape(3, 4) / 7).t().detach().requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda a: (a * a).sum(0), (x,))
    assert gradgradcheck(lambda a: (a * a * a).sum(0), (x,))
    y = T([0.5, 1.5]).expand(3, 2).detach().requires_grad_()
    with pytest.raises(RuntimeError, match="stride 0"):
        gradcheck(lambda a: a.exp(), (y,))
