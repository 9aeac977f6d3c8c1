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
    are left out: tocha lists one per non-tensor argument too (differs from PyTorch), and
    consumers such as torchviz skip them."""
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
