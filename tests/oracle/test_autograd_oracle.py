"""Autograd semantics on tocha and torch with the same lambdas: graph structure (grad_fn names
and next_functions), accumulation, hooks, retain_grad, higher-order grads, custom Functions,
functional jacobian/hessian, and the same errors."""
import numpy as np
import pytest
import torch

import tocha

X = np.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]])
W = np.array([0.2, -0.4, 1.1])


def leaf(m, a, rg=True):
    return m.tensor(a, dtype=m.float64, requires_grad=rg)


def graph(t, depth=6):
    """The grad_fn tree below `t` as nested (name, [children]) up to `depth`. Edges to None
    are left out, as torchviz leaves them out (test_next_functions_match_torch compares them
    where tocha lists them as PyTorch does; where's condition and composites such as addcmul
    still differ)."""
    def walk(fn, d):
        kids = [walk(f, d - 1) for f, _ in fn.next_functions if f is not None] if d else []
        return (fn.name(), kids)
    return walk(t.grad_fn, depth) if t.grad_fn is not None else None


GRAPHS = [
    ("linear", lambda m, x, w: (x @ w + 1.0).relu().sum()),
    ("mse", lambda m, x, w: ((x * w - 1) ** 2).mean()),
    ("softmax_ce", lambda m, x, w: -(x.log_softmax(1) * m.tensor([[1.0, 0, 0], [0, 1.0, 0]],
                                                                 dtype=m.float64)).sum()),
    ("views", lambda m, x, w: x.t().flatten(0).unsqueeze(0).exp().sum()),
    ("reuse", lambda m, x, w: (x * x + x.sigmoid()).sum()),
    ("index", lambda m, x, w: x[0][1:] * w[1:] + x[:, None][:, :, 2]),
    ("cat_split", lambda m, x, w: m.cat([x, w[None]]).split(1)[2]),
    ("stats", lambda m, x, w: x.max(1)[0].sum() + x.abs().amax()),
    ("div_sub", lambda m, x, w: (w / (x - 3.0)).tanh().sum(0)),
]


# next_functions in full, (None, 0) entries included, where tocha lists them as PyTorch does:
# a number operand of arithmetic has a slot; remainder/fmod name their overload
NEXT_FUNCTIONS = {
    "mul_number": lambda m, x, y: x * 2, "rmul_number": lambda m, x, y: 2 * x,
    "add_number": lambda m, x, y: x + 2, "radd_number": lambda m, x, y: 2 + x,
    "sub_number": lambda m, x, y: x - 2, "div_number": lambda m, x, y: x / 2,
    "add_alpha": lambda m, x, y: m.add(x, 2, alpha=3), "mul_bool": lambda m, x, y: x * True,
    "true_divide": lambda m, x, y: m.true_divide(x, 2), "mul_tensor": lambda m, x, y: x * y,
    "mul_inplace": lambda m, x, y: (x * 1).mul_(2), "add_inplace": lambda m, x, y: (y + x).add_(2),
    "pow_number": lambda m, x, y: x ** 2, "rsub_number": lambda m, x, y: 2 - x,
    "remainder_number": lambda m, x, y: x % 2, "remainder_tensor": lambda m, x, y: x % y,
    "fmod_number": lambda m, x, y: m.fmod(x, 2), "fmod_tensor": lambda m, x, y: m.fmod(x, y),
    "remainder_const": lambda m, x, y: m.remainder(x, m.tensor(2.0)),
    "rdiv_number": lambda m, x, y: 0.7 / x, "div_number_first": lambda m, x, y: m.div(0.7, x),
    "where_number": lambda m, x, y: m.where(x > 0, x, 0.0),
    "where_tensors": lambda m, x, y: m.where(x > 0, x, y),
    "where_method": lambda m, x, y: y.where(x > 0, m.zeros(3, dtype=m.float64)),
    "stack": lambda m, x, y: m.stack([x, y * 2], 1),
    "norm": lambda m, x, y: x.norm(), "norm_p3": lambda m, x, y: (x * y).norm(3),
    "vector_norm": lambda m, x, y: m.linalg.vector_norm(y, dim=0),
    "split": lambda m, x, y: (x * y).split(2)[1], "chunk": lambda m, x, y: y.chunk(3)[0],
    "split_sizes": lambda m, x, y: x.split([1, 2])[1], "unbind": lambda m, x, y: y.unbind()[2],
}


# node hooks: what they may return (PyTorch checks it), and what they see
NODE_HOOKS = {
    "post_scale": ("hook", lambda gi, go: (gi[0] * 2, gi[1] * 3)),
    "post_none": ("hook", lambda gi, go: (None, gi[1])),
    "post_list": ("hook", lambda gi, go: list(gi)),
    "post_number": ("hook", lambda gi, go: (gi[0], 3)),
    "post_count": ("hook", lambda gi, go: (gi[0],)),
    "post_shape": ("hook", lambda gi, go: (gi[0][:2], gi[1])),
    "post_dtype": ("hook", lambda gi, go: (gi[0], gi[1].float())),
    "pre_scale": ("prehook", lambda go: (go[0] * 2,)),
    "pre_none": ("prehook", lambda go: (None,)),
    "pre_list": ("prehook", lambda go: list(go)),
    "pre_count": ("prehook", lambda go: (go[0], go[0])),
    "pre_shape": ("prehook", lambda go: (go[0][1:],)),
    "post_of_number_operand": ("hook", lambda gi, go: (gi[0], gi[0])),
}


@pytest.mark.parametrize("name", NODE_HOOKS)
def test_node_hook_results_match_torch(name):
    kind, hook = NODE_HOOKS[name]

    def run(m):
        x, y = leaf(m, W), leaf(m, W + 1)
        z = x * 2 if name == "post_of_number_operand" else x * y
        getattr(z.grad_fn, "register_" + kind)(hook)
        try:
            z.sum().backward()
        except (RuntimeError, TypeError) as e:
            return type(e).__name__, str(e)
        return [None if t.grad is None else t.grad.tolist() for t in (x, y)]
    assert run(tocha) == run(torch)


def test_split_outputs_share_one_node():
    # one SplitBackward0 / UnbindBackward0 for all pieces: its hook sees every piece's
    # gradient at once (zeros for a piece no gradient reached), and runs once
    def run(m):
        x = leaf(m, W)
        seen = []
        out = []
        for pieces in ((x * 1).split([1, 2]), (x * 1).unbind()):
            node = pieces[0].grad_fn
            node.register_hook(lambda gi, go: seen.append([g if g is None else g.tolist() for g in go]))
            out.append([p.grad_fn is node for p in pieces])
            (pieces[-1] * 3).sum().backward()
        return out, seen, x.grad.tolist()
    assert run(tocha) == run(torch)


@pytest.mark.parametrize("name", NEXT_FUNCTIONS)
def test_next_functions_match_torch(name):
    def names(m):
        x, y = leaf(m, W), leaf(m, W * 2 + 3)
        fn = NEXT_FUNCTIONS[name](m, x, y).grad_fn
        return fn.name(), [None if f is None else f.name() for f, _ in fn.next_functions]
    assert names(tocha) == names(torch)


@pytest.mark.parametrize("name,fn", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_graph_structure_and_grads(name, fn):
    res = []
    for m in (tocha, torch):
        x, w = leaf(m, X), leaf(m, W)
        out = fn(m, x, w)
        g = graph(out)
        if out.numel() != 1:
            out = out.sum()
        out.backward()
        res.append((g, [None if t.grad is None else t.grad.numpy().copy() for t in (x, w)]))
    assert res[0][0] == res[1][0]
    for a, b in zip(res[0][1], res[1][1]):
        assert (a is None) == (b is None)
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10)


def run_both(fn):
    out = []
    for m in (tocha, torch):
        try:
            out.append(fn(m))
        except Exception as e:      # noqa: BLE001 - compared by type
            out.append(e)
    return out


def same(a, b):
    if isinstance(b, Exception):
        assert isinstance(a, type(b)), f"tocha {a!r} vs torch {b!r}"
        return
    assert not isinstance(a, Exception), f"tocha raised {a!r}; torch gave {b!r}"
    if isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(b, torch.Tensor):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype)[6:] == str(b.dtype)[6:]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9)
    else:
        assert a == b


def _accumulate(m):
    x = leaf(m, W)
    (x * 2).sum().backward()
    (x ** 2).sum().backward()
    return x.grad


def _retain(m):
    x = leaf(m, W)
    y = x.exp()
    y.retain_grad()
    (y * y).sum().backward()
    return y.grad, x.grad, y.retains_grad, y.is_leaf


def _hooks(m):
    x = leaf(m, W)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.clone()) or g * 2)
    x.register_hook(lambda g: g + 1)
    (y ** 2).sum().backward()
    return seen[0], x.grad


def _grad_api(m):
    x, w = leaf(m, X), leaf(m, W)
    y = (x * w).sin().sum(1)
    return m.autograd.grad(y, [x, w], grad_outputs=m.tensor([1.0, -2.0], dtype=m.float64))


def _double(m):
    x = leaf(m, W)
    y = (x.sin() * x ** 3).sum()
    g, = m.autograd.grad(y, x, create_graph=True)
    h, = m.autograd.grad((g * g).sum(), x)
    return g, h


def _create_graph_backward(m):
    x = leaf(m, W)
    (x.exp() * x).sum().backward(create_graph=True)
    g = x.grad
    x.grad = None
    (g ** 2).sum().backward()
    return g.requires_grad, x.grad


def _inputs_arg(m):
    x, w = leaf(m, X), leaf(m, W)
    (x @ w).sum().backward(inputs=[w])
    return w.grad, x.grad is None


def _no_grad_result(m):
    x = leaf(m, W)
    with m.no_grad():
        y = x * 2
    with m.enable_grad():
        z = x * 2
    return y.requires_grad, z.requires_grad, y.grad_fn is None


def _detach(m):
    x = leaf(m, W)
    y = x.exp()
    z = y.detach()
    z.zero_()           # shares memory: y sees it, backward then fails in both
    y.sum().backward()
    return x.grad


def _freed(m):
    x = leaf(m, W)
    y = (x.exp() * 2).sum()
    y.backward()
    y.backward()


def _saved_modified(m):
    x = leaf(m, W)
    y = x.sigmoid()
    y.add_(1)
    y.sum().backward()


def _saved_input_modified(m):
    x = leaf(m, W)
    a = x * 1
    b = a.sin()
    a.mul_(2)
    b.sum().backward()


def _leaf_inplace(m):
    x = leaf(m, W)
    x.sub_(1)


def _nonscalar(m):
    (leaf(m, W) * 2).backward()


def _unused(m):
    x, w = leaf(m, X), leaf(m, W)
    m.autograd.grad((w * 2).sum(), [x, w])


def _no_requires(m):
    m.tensor([1.0]).exp().sum().backward()


def _views_inplace(m):
    x = leaf(m, W)
    y = x * 1
    y[1:] = 0.0
    y.sum().backward()
    return x.grad


def _int_grad_output(m):
    x = leaf(m, W)
    v, i = x.max(0)
    return v.requires_grad, i.requires_grad, i.dtype == m.int64


class _Exp:
    @staticmethod
    def make(m):
        class Exp(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                y = (x * k).exp()
                ctx.save_for_backward(y)
                ctx.k = k
                return y

            @staticmethod
            def backward(ctx, g):
                y, = ctx.saved_tensors
                return g * y * ctx.k, None
        return Exp


def _custom(m):
    x = leaf(m, W)
    f = _Exp.make(m)
    y = f.apply(x, 2.0)
    g, = m.autograd.grad(y.sum(), x, create_graph=True)
    gg, = m.autograd.grad(g.sum(), x)
    return y, g, gg, y.grad_fn.name().endswith("Backward")


def _jacobian(m):
    x = leaf(m, W, rg=False)
    return m.autograd.functional.jacobian(lambda v: (v.sin() * v.sum()), x)


def _jacobian_multi(m):
    x, w = leaf(m, X, rg=False), leaf(m, W, rg=False)
    return m.autograd.functional.jacobian(lambda a, b: a @ b, (x, w))


def _hessian(m):
    x = leaf(m, W, rg=False)
    return m.autograd.functional.hessian(lambda v: (v.exp() * v.roll(1)).sum(), x)


def _deep(m):
    x = leaf(m, W)
    y = x
    for _ in range(3000):
        y = (y * 0.999).tanh() + y * 0.001
    y.sum().backward()
    return x.grad


SEMANTICS = [
    _accumulate, _retain, _hooks, _grad_api, _double, _create_graph_backward, _inputs_arg,
    _no_grad_result, _detach, _freed, _saved_modified, _saved_input_modified, _leaf_inplace,
    _nonscalar, _unused, _no_requires, _views_inplace, _int_grad_output, _custom, _jacobian,
    _jacobian_multi, _hessian, _deep,
]


@pytest.mark.parametrize("fn", SEMANTICS, ids=[f.__name__.strip("_") for f in SEMANTICS])
def test_semantics(fn):
    a, b = run_both(fn)
    same(a, b)


# ---------------------------------------------------------------- in-place ops

INPLACE = [
    ("add_", (0.5,)), ("sub_", (0.25,)), ("mul_", (1.5,)), ("div_", (2.0,)), ("pow_", (2,)),
    ("exp_", ()), ("log_", ()), ("sqrt_", ()), ("rsqrt_", ()), ("sin_", ()), ("cos_", ()),
    ("tan_", ()), ("sigmoid_", ()), ("tanh_", ()), ("relu_", ()), ("abs_", ()), ("neg_", ()),
    ("sign_", ()), ("floor_", ()), ("ceil_", ()), ("trunc_", ()), ("round_", ()), ("frac_", ()),
    ("clamp_", (0.6, 1.4)), ("clip_", (0.7,)), ("clamp_min_", (0.8,)), ("clamp_max_", (1.2,)),
    ("reciprocal_", ()), ("log1p_", ()), ("expm1_", ()), ("exp2_", ()), ("log2_", ()),
    ("log10_", ()), ("atan_", ()), ("asin_", ()), ("acos_", ()), ("sinh_", ()), ("cosh_", ()),
    ("square_", ()), ("erf_", ()), ("fmod_", (0.7,)), ("remainder_", (0.7,)),
    ("lerp_", ("T", 0.3)), ("addcmul_", ("T", "T")), ("addcdiv_", ("T", "T")),
    ("atan2_", ("T",)), ("tril_", ()), ("triu_", (1,)), ("nan_to_num_", ()),
    ("masked_fill_", ("M", 2.0)), ("zero_", ()), ("fill_", (3.0,)),
]
POS = np.array([[0.4, 0.9, 0.55], [0.75, 0.35, 0.95], [0.6, 0.45, 0.85]])


@pytest.mark.parametrize("name,args", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_op_on_nonleaf(name, args):
    res = []
    for m in (tocha, torch):
        x = leaf(m, POS)
        y = x * 1.0
        a = [x.detach() * 0.5 + 0.2 if v == "T" else (m.tensor(POS > 0.5) if v == "M" else v)
             for v in args]
        r = getattr(y, name)(*a)
        assert r is y
        (y * m.tensor(POS, dtype=m.float64)).sum().backward()
        res.append((y.detach().numpy().copy(), x.grad.numpy().copy(), y._version,
                    y.grad_fn.name()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-9, atol=1e-12)
    assert res[0][2] == res[1][2]


VIEW_INPLACE = [
    ("index_iadd", lambda m, y, w: y[0].add_(w[0])),
    ("setitem_row", lambda m, y, w: y.__setitem__(1, w[:3] * 2)),
    ("setitem_mask", lambda m, y, w: y.__setitem__(y > 0.5, 0.0)),
    ("column_mul", lambda m, y, w: y[:, 1].mul_(w[1])),
    ("view_flat", lambda m, y, w: y.view(-1).sub_(w[0])),
    ("transpose_exp", lambda m, y, w: y.t().exp_()),
    ("chained_views", lambda m, y, w: y[1:][:, :2].mul_(3)),
    ("unbind_add", lambda m, y, w: y.unbind(0)[2].add_(1) if False else y[2].add_(w[2])),
    ("copy_into_slice", lambda m, y, w: y[0].copy_(w[:3])),
    ("base_after_view", lambda m, y, w: (y[0].mul_(2), y.mul_(w[0]))),
]


@pytest.mark.parametrize("name,fn", VIEW_INPLACE, ids=[c[0] for c in VIEW_INPLACE])
def test_inplace_on_views(name, fn):
    res = []
    for m in (tocha, torch):
        x, w = leaf(m, POS), leaf(m, np.array([0.3, -0.6, 1.2, 0.1]))
        y = x * 1.0
        fn(m, y, w)
        (y * y).sum().backward()
        res.append((y.detach().numpy().copy(), x.grad.numpy().copy(),
                    None if w.grad is None else w.grad.numpy().copy()))
    for a, b in zip(res[0], res[1]):
        assert (a is None) == (b is None)
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_inplace_on_view_of_leaf_errors_like_torch():
    for m in (tocha, torch):
        x = leaf(m, POS)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad|view of a leaf"):
            x[0].add_(1)


def _hook_once_for_shared(m):
    x = leaf(m, W)
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(g.clone()))
    (y * y + y.sin()).sum().backward()
    return len(calls), calls[0], x.grad


def _node_hooks(m):
    x = leaf(m, W)
    y = x.exp()
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append((gi[0].clone(), go[0].clone())))
    y.grad_fn.register_prehook(lambda go: (go[0] * 3,))
    y.sum().backward()
    return seen[0][0], seen[0][1], x.grad


def _hook_removed_and_multiple(m):
    x = leaf(m, W)
    h1 = x.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: g + 1)
    h1.remove()
    (x * 3).sum().backward()
    return x.grad


def _retain_graph_twice_with_hooks(m):
    x = leaf(m, W)
    y = (x ** 2).sum()
    n = []
    x.register_hook(lambda g: n.append(1))
    y.backward(retain_graph=True)
    y.backward()
    return len(n), x.grad


def _grad_of_grad_accumulates(m):
    x = leaf(m, W)
    y = (x ** 3).sum()
    g, = m.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    return x.grad


def _requires_grad_nonleaf_true(m):
    x = leaf(m, W)
    y = x * 2
    y.requires_grad_(True)
    return y.requires_grad, y.is_leaf


def _leaf_requires_grad_toggle(m):
    x = m.tensor(W)
    y = x * 2
    x.requires_grad_()
    z = x * 2
    return y.requires_grad, z.requires_grad


def _backward_twice_different_roots(m):
    x = leaf(m, W)
    h = x.exp()
    a, b = h.sum(), (h * 2).sum()
    m.autograd.backward([a, b], [m.tensor(1.0, dtype=m.float64), m.tensor(0.5,
                                                                        dtype=m.float64)])
    return x.grad


def _detached_grad_of_output(m):
    x = leaf(m, W)
    y = x * x
    g = m.autograd.grad(y.sum(), y)[0]
    return g, g.requires_grad


def _no_grad_backward_graph(m):
    x = leaf(m, W)
    with m.no_grad():
        y = x * 2
    return y.requires_grad, y.grad_fn


def _integer_output_backward(m):
    x = leaf(m, W)
    i = x.argmax()
    i.backward()


def _post_accumulate_hook_returning_a_value(m):
    # the hook runs (x.grad doubled), then PyTorch refuses its result
    x = leaf(m, W)
    x.register_post_accumulate_grad_hook(lambda p: p.grad.mul_(2))
    try:
        (x * 2).sum().backward()
    except RuntimeError as e:
        return str(e), x.grad
    return None, x.grad


def _post_accumulate_hook(m):
    x = leaf(m, W)
    seen = []
    x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.clone()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    return seen


SEMANTICS2 = [_post_accumulate_hook_returning_a_value, _post_accumulate_hook,
              _hook_once_for_shared, _node_hooks, _hook_removed_and_multiple,
              _retain_graph_twice_with_hooks, _grad_of_grad_accumulates,
              _requires_grad_nonleaf_true, _leaf_requires_grad_toggle,
              _backward_twice_different_roots, _detached_grad_of_output,
              _no_grad_backward_graph, _integer_output_backward]


@pytest.mark.parametrize("fn", SEMANTICS2, ids=[f.__name__.strip("_") for f in SEMANTICS2])
def test_semantics_more(fn):
    a, b = run_both(fn)
    same(a, b)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", "int64"])
def test_number_over_tensor_bits_and_gradients(dtype):
    # `s / x` is reciprocal(x) * s in PyTorch (two roundings); div(s, x) rounds once
    a = np.random.RandomState(0).uniform(0.1, 10, 2000)

    def run(m):
        x = m.tensor(a).to(getattr(m, dtype))
        if x.is_floating_point():
            x.requires_grad_()
        out = []
        for f in (lambda: 0.7 / x, lambda: m.div(0.7, x), lambda: 3 / x):
            y = f()
            if x.requires_grad:
                g, = m.autograd.grad(y.sum(), x)
                out.append(g.float().numpy())
            out.append(y.detach().float().numpy())
        return out
    for u, v in zip(run(tocha), run(torch)):
        np.testing.assert_array_equal(u, v)


# retain_grad follows a tensor through in-place ops, whatever route the op takes (memory
# shared with a detached alias, an op through a view, a write of another value)
RETAIN_INPLACE = {
    "mul_": lambda m, y: y.mul_(3), "view_mul_": lambda m, y: y[1:].mul_(3),
    "setitem": lambda m, y: y.__setitem__(slice(0, 2), 7.0),
    "copy_": lambda m, y: y.copy_(m.full((4,), 3.0)), "exp_": lambda m, y: y.exp_(),
    "add_alpha": lambda m, y: y.add_(m.ones(4, dtype=m.float64), alpha=2), "clamp_": lambda m, y: y.clamp_(0, 1),
    "index_add_": lambda m, y: y.index_add_(0, m.tensor([0, 2]), m.ones(2, dtype=m.float64)),
}


@pytest.mark.parametrize("alias", [False, True], ids=["own", "aliased"])
@pytest.mark.parametrize("name", RETAIN_INPLACE)
def test_retain_grad_follows_inplace_ops(name, alias):
    def run(m):
        x = leaf(m, np.arange(4.0) * 0.5 + 0.25)
        y = x * 2
        keep = y.detach() if alias else None     # noqa: F841 (its memory shared with y)
        y.retain_grad()
        RETAIN_INPLACE[name](m, y)
        (y * m.arange(4.0, dtype=m.float64)).sum().backward()
        return y.grad.tolist(), x.grad.tolist()
    assert run(tocha) == run(torch)
