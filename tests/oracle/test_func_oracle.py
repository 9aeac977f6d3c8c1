"""tocha.func against torch.func: the same programs on both libraries give the same values,
shapes and dtypes; bad calls raise the same exception types."""
import numpy as np
import pytest
import torch

import tocha

RNG = np.random.default_rng(7)
A = RNG.standard_normal((4, 3))
B = RNG.standard_normal((4, 3))
W = RNG.standard_normal((3, 3))


def run(prog):
    """prog(m) on both libraries -> list of numpy results."""
    out = []
    for m in (tocha, torch):
        r = prog(m)
        leaves = r if isinstance(r, (list, tuple)) else [r]
        flat = []
        for v in leaves:
            if isinstance(v, dict):
                flat += [v[k] for k in sorted(v)]
            elif isinstance(v, (list, tuple)):
                flat += list(v)
            else:
                flat.append(v)
        out.append(flat)
    for a, b in zip(*out):
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)


def T(m, a):
    return m.tensor(a)


def _vjp(m):
    out, fn = m.func.vjp(m.tanh, T(m, A))
    return out, fn(T(m, B))[0]


PROGS = {
    "grad": lambda m: m.func.grad(lambda x: (x.sin() * x).sum())(T(m, A)),
    "grad_grad": lambda m: m.func.grad(m.func.grad(lambda x: x.exp() * x.cos()))(
        T(m, A)[0, 0]),
    "grad_argnums": lambda m: m.func.grad(lambda x, w: (x @ w).tanh().sum(), argnums=(0, 1))(
        T(m, A), T(m, W)),
    "grad_and_value": lambda m: m.func.grad_and_value(lambda x: (x ** 3).mean())(T(m, A)),
    "grad_dict_aux": lambda m: m.func.grad(
        lambda p: ((p["a"] * p["b"]).sum(), p["a"].sum()), has_aux=True)(
        {"a": T(m, A), "b": T(m, B)}),
    "vjp": lambda m: _vjp(m),
    "jvp": lambda m: m.func.jvp(lambda x, y: x * y.sin(), (T(m, A), T(m, B)),
                                (T(m, B), T(m, A))),
    "jacrev": lambda m: m.func.jacrev(lambda x: (x @ T(m, W)).sigmoid())(T(m, A)),
    "jacrev_argnums": lambda m: m.func.jacrev(lambda x, w: x @ w, argnums=(0, 1))(
        T(m, A[0]), T(m, W)),
    "jacfwd": lambda m: m.func.jacfwd(lambda x: x.exp().cumsum(0))(T(m, A[:, 0])),
    "hessian": lambda m: m.func.hessian(lambda x: (x.sin() * x.cos().sum()).sum())(
        T(m, A[0])),
    "vmap": lambda m: m.func.vmap(m.dot)(T(m, A), T(m, B)),
    "vmap_in_out": lambda m: m.func.vmap(lambda x, w: x @ w, in_dims=(1, None), out_dims=1)(
        T(m, A), T(m, B)),
    "vmap_nested": lambda m: m.func.vmap(m.func.vmap(lambda x, y: x * y + 1, (0, None)),
                                         (None, 0))(T(m, A[0]), T(m, B[:, 0])),
    "vmap_grad": lambda m: m.func.vmap(m.func.grad(lambda x: x.pow(2).sum().sqrt()))(T(m, A)),
    "vmap_jacrev": lambda m: m.func.vmap(m.func.jacrev(m.sin))(T(m, A)),
    "vmap_tuple_out": lambda m: m.func.vmap(lambda x: (x.sum(), x * 2), out_dims=(0, 1))(
        T(m, A)),
}


@pytest.mark.parametrize("name", sorted(PROGS))
def test_program(name):
    run(PROGS[name])


def test_functional_call_per_sample_grads():
    def prog(m):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2).double()
        params = {k: v.detach() for k, v in lin.named_parameters()}

        def loss(p, x):
            return m.func.functional_call(lin, p, (x.unsqueeze(0),)).tanh().sum()
        g = m.func.vmap(m.func.grad(loss), in_dims=(None, 0))(params, T(m, A))
        return g
    run(prog)


ERRORS = {
    "grad_nonscalar": lambda m: m.func.grad(lambda x: x)(T(m, A)),
    "grad_argnum": lambda m: m.func.grad(lambda x: x.sum(), argnums=2)(T(m, A)),
    "jvp_not_tuple": lambda m: m.func.jvp(m.sin, T(m, A), T(m, A)),
    "vmap_sizes": lambda m: m.func.vmap(m.add)(T(m, A), T(m, W)),
    "vmap_list_dims": lambda m: m.func.vmap(m.add, in_dims=[0, 0])(T(m, A), T(m, A)),
    "vmap_dim_range": lambda m: m.func.vmap(m.add, in_dims=(2, 0))(T(m, A), T(m, A)),
    "vmap_no_tensor": lambda m: m.func.vmap(m.add, in_dims=(None, None))(T(m, A), T(m, A)),
    "vmap_nontensor_out": lambda m: m.func.vmap(lambda x: 1)(T(m, A)),
    "vmap_random": lambda m: m.func.vmap(lambda x: x + m.rand(()))(T(m, A)),
    "vmap_randomness": lambda m: m.func.vmap(lambda x: x, randomness="x")(T(m, A)),
    "vmap_chunk": lambda m: m.func.vmap(lambda x: x, chunk_size=0)(T(m, A)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_same_error(name):
    with pytest.raises(Exception) as et:
        ERRORS[name](torch)
    with pytest.raises(type(et.value)):
        ERRORS[name](tocha)


def test_extras_match():
    x = RNG.standard_normal((2, 6, 3))
    for pat, kw in [("b (h w) c -> b h w c", {"h": 2}), ("b n c -> c (b n)", {}),
                    ("b ... c -> c b ...", {}), ("a b c -> (a c) b", {})]:
        a = tocha.func.rearrange(tocha.tensor(x), pat, **kw)
        b = torch.func.rearrange(torch.tensor(x), pat, **kw)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for m in (tocha, torch):
        m.manual_seed(0)
        models = [m.nn.Linear(3, 2) for _ in range(4)]
        p, b = m.func.stack_module_state(models)
        if m is tocha:
            ours = {k: v.detach().numpy() for k, v in p.items()}
        else:
            for k, v in p.items():
                np.testing.assert_array_equal(ours[k], v.detach().numpy())
                assert v.requires_grad
    out = []
    for m in (tocha, torch):
        o, fn = m.func.linearize(m.sin, m.tensor(A))
        out.append((o, fn(m.tensor(B))))
    for a, b in zip(*out):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), 1e-12)


def test_extras_errors():
    for m in (tocha, torch):
        with pytest.raises(RuntimeError, match="Expected at least one model"):
            m.func.stack_module_state([])
