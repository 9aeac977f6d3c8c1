"""tocha.func transforms: values against hand-derived derivatives, nesting, errors."""
import numpy as np
import pytest

import tocha
from tocha.func import (
    functional_call,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    vjp,
    vmap,
)


def t64(a):
    return tocha.tensor(np.asarray(a, np.float64))


X = np.array([0.3, -1.2, 0.7])


def test_grad_and_nesting():
    x = t64(X)
    np.testing.assert_allclose(grad(lambda a: a.sin().sum())(x).numpy(), np.cos(X))
    g2 = grad(grad(lambda a: a.sin()))(t64(0.4))
    np.testing.assert_allclose(g2.item(), -np.sin(0.4))
    g, v = grad_and_value(lambda a: (a * a).sum())(x)
    np.testing.assert_allclose(g.numpy(), 2 * X)
    np.testing.assert_allclose(v.item(), (X * X).sum())
    assert not g.requires_grad and not v.requires_grad


def test_grad_argnums_dict_and_aux():
    x, y = t64(X), t64([2.0, 3.0, 4.0])
    gx, gy = grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx.numpy(), [2, 3, 4])
    np.testing.assert_allclose(gy.numpy(), X)
    g, aux = grad(lambda p: ((p["w"] ** 2).sum(), p["w"] + 1), has_aux=True)({"w": x})
    np.testing.assert_allclose(g["w"].numpy(), 2 * X)
    np.testing.assert_allclose(aux.numpy(), X + 1)


def test_grad_errors():
    with pytest.raises(RuntimeError, match="scalar Tensor"):
        grad(lambda a: a)(t64(X))
    with pytest.raises(RuntimeError, match="argnum=3"):
        grad(lambda a: a.sum(), argnums=3)(t64(X))
    with pytest.raises(RuntimeError, match="tuple: \\(output, aux\\)"):
        grad(lambda a: a.sum(), has_aux=True)(t64(X))


def test_vjp_jvp_jacobians():
    x = t64(X)
    out, fn = vjp(tocha.sin, x)
    np.testing.assert_allclose(out.numpy(), np.sin(X))
    (g,) = fn(t64([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g.numpy(), np.cos(X) * [1, 2, 3])
    _o, jv = jvp(lambda a: a ** 3, (x,), (t64([1.0, 0.0, 2.0]),))
    np.testing.assert_allclose(jv.numpy(), 3 * X ** 2 * [1, 0, 2])
    for jac in (jacrev, jacfwd):
        np.testing.assert_allclose(jac(tocha.sin)(x).numpy(), np.diag(np.cos(X)))
    np.testing.assert_allclose(hessian(lambda a: (a ** 3).sum())(x).numpy(), np.diag(6 * X))
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        jvp(tocha.sin, x, x)


def test_vmap_semantics():
    a, b = t64(np.arange(6.0).reshape(3, 2)), t64(np.ones((2, 3)))
    r = vmap(tocha.dot, in_dims=(0, 1))(a, b)
    np.testing.assert_allclose(r.numpy(), np.arange(6.0).reshape(3, 2).sum(1))
    r = vmap(lambda u: u * 2, out_dims=1)(a)
    assert tuple(r.shape) == (2, 3)
    r = vmap(vmap(tocha.mul))(a, a)
    np.testing.assert_allclose(r.numpy(), np.arange(6.0).reshape(3, 2) ** 2)
    r = vmap(tocha.add, in_dims=(0, None))(a, t64([10.0, 20.0]))
    np.testing.assert_allclose(r.numpy()[:, 0], [10, 12, 14])
    assert tuple(vmap(lambda u: u)(tocha.zeros(0, 3)).shape) == (0, 3)


def test_vmap_errors():
    a = tocha.ones(3, 2)
    with pytest.raises(ValueError, match="same size in the mapped dimension"):
        vmap(tocha.add)(a, tocha.ones(2, 2))
    with pytest.raises(ValueError, match="expected `in_dims` to be int"):
        vmap(tocha.add, in_dims=[0, 0])(a, a)
    with pytest.raises(ValueError, match="Got in_dim=0 for an input but the input is of type"):
        vmap(tocha.add, in_dims=(0, 0))(a, 1)
    with pytest.raises(ValueError, match="expected in_dim to satisfy -2 <= in_dim < 2"):
        vmap(tocha.add, in_dims=(2, 0))(a, a)
    with pytest.raises(ValueError, match="at least one Tensor"):
        vmap(tocha.add, in_dims=(None, None))(a, a)
    with pytest.raises(ValueError, match="must only return Tensors"):
        vmap(lambda u: 1)(a)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        vmap(lambda u: u + tocha.rand(()))(a)
    with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
        vmap(lambda u: u, randomness="bad")(a)


def test_vmap_randomness_same():
    r = vmap(lambda u: u + tocha.rand(()), randomness="same")(tocha.zeros(4))
    assert len(set(r.tolist())) == 1
    r = vmap(lambda u: u + tocha.rand(()), randomness="different")(tocha.zeros(4))
    assert len(set(r.tolist())) == 4


def test_functional_call_per_sample_grads():
    lin = tocha.nn.Linear(2, 1).double()
    params = {k: v.detach() for k, v in lin.named_parameters()}
    w0 = lin.weight.detach().clone()
    x, y = t64(np.arange(8.0).reshape(4, 2)), t64(np.ones((4, 1)))

    def loss(p, xi, yi):
        return ((functional_call(lin, p, (xi.unsqueeze(0),)) - yi) ** 2).sum()

    g = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    assert tuple(g["weight"].shape) == (4, 1, 2)
    for i in range(4):
        lin.zero_grad()
        loss(dict(lin.named_parameters()), x[i], y[i]).backward()
        np.testing.assert_allclose(g["weight"][i].numpy(), lin.weight.grad.numpy())
    assert tocha.equal(lin.weight.detach(), w0)


def test_extras():
    from tocha.func import linearize, rearrange, replace_all_batch_norm_modules_
    x = tocha.arange(24.0).reshape(2, 6, 2)
    r = rearrange(x, "b (h w) c -> b h w c", h=3)
    assert tuple(r.shape) == (2, 3, 2, 2)
    np.testing.assert_array_equal(r.numpy(), x.numpy().reshape(2, 3, 2, 2))
    np.testing.assert_array_equal(rearrange(x, "b n c -> c b n").numpy(),
                                  x.numpy().transpose(2, 0, 1))
    with pytest.raises(ValueError, match="Identifiers only on one side"):
        rearrange(x, "b n c -> b n")
    net = tocha.nn.Sequential(tocha.nn.Linear(2, 2), tocha.nn.BatchNorm1d(2))
    replace_all_batch_norm_modules_(net)
    assert net[1].running_mean is None and not net[1].track_running_stats
    _, fn = linearize(tocha.exp, t64(X))
    np.testing.assert_allclose(fn(t64([1.0, 1.0, 1.0])).numpy(), np.exp(X))
