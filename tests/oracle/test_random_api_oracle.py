"""tocha's Tensor-level random API against PyTorch 2.13 CPU: values, dtypes, state, errors."""

import math

import numpy as np
import pytest
import torch

import tocha
import tocha._random_api


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach()._data


def _dtname(t) -> str:
    return str(t.dtype).split(".")[-1]


def same(mine, theirs, seed=0, check_state=True):
    """Seed both global generators, run, compare value/dtype/shape (or errors) and state."""
    tocha.manual_seed(seed)
    torch.manual_seed(seed)
    try:
        a = mine()
    except Exception as e:  # noqa: BLE001 - compared with torch's error below
        with pytest.raises(Exception) as info:
            theirs()
        assert str(e).splitlines()[0] == str(info.value).splitlines()[0], (e, info.value)
        return None
    b = theirs()
    if isinstance(a, (tuple, list)):
        for x, y in zip(a, b, strict=True):
            _cmp(x, y)
    else:
        _cmp(a, b)
    if check_state:
        assert np.array_equal(tocha.get_rng_state()._data, torch.get_rng_state().numpy())
    return a


def _cmp(a, b):
    assert _dtname(a) == _dtname(b)
    assert tuple(a.shape) == tuple(b.shape)
    assert np.array_equal(_np(a), _np(b), equal_nan=True), (_np(a).ravel()[:5],
                                                            _np(b).ravel()[:5])


SIZES = [(), (1,), (7,), (3, 5), (4, 4), (17,), (2, 3, 4), (100, 33)]


@pytest.mark.parametrize("size", SIZES)
def test_rand_randn(size):
    for lib_dt in ["float32", "float64", "float16"]:
        same(lambda s=size, d=lib_dt: tocha.rand(*s, dtype=getattr(tocha, d)),
             lambda s=size, d=lib_dt: torch.rand(*s, dtype=getattr(torch, d)))
        same(lambda s=size, d=lib_dt: tocha.randn(s, dtype=getattr(tocha, d)),
             lambda s=size, d=lib_dt: torch.randn(s, dtype=getattr(torch, d)), 3)
    same(lambda s=size: tocha.randn(size=s), lambda s=size: torch.randn(size=s), 5)


def test_randn_examples_and_default_dtype():
    same(lambda: tocha.randn(3, 4), lambda: torch.randn(3, 4))
    same(lambda: [tocha.randn(2), tocha.randn(20), tocha.rand(3)],
         lambda: [torch.randn(2), torch.randn(20), torch.rand(3)])
    tocha.set_default_dtype(tocha.float64)
    torch.set_default_dtype(torch.float64)
    try:
        same(lambda: tocha.randn(5), lambda: torch.randn(5))
        same(lambda: tocha.rand(40), lambda: torch.rand(40))
    finally:
        tocha.set_default_dtype(tocha.float32)
        torch.set_default_dtype(torch.float32)


def test_like_functions_and_layouts():
    for shape in [(3, 4), (5, 7), (20,)]:
        x = tocha.zeros(*shape)
        tx = torch.zeros(*shape)
        same(lambda x=x: tocha.rand_like(x), lambda tx=tx: torch.rand_like(tx))
        same(lambda x=x: tocha.randn_like(x, dtype=tocha.float64),
             lambda tx=tx: torch.randn_like(tx, dtype=torch.float64))
        same(lambda x=x: tocha.randint_like(x, 10), lambda tx=tx: torch.randint_like(tx, 10))
        same(lambda x=x: tocha.randint_like(x, -3, 4, dtype=tocha.int64),
             lambda tx=tx: torch.randint_like(tx, -3, 4, dtype=torch.int64))
    # A transposed input: the output keeps its memory layout; draws follow memory order, and
    # normal takes the element-wise path (rng.md 2.5, 6.1).
    x, tx = tocha.zeros(6, 5).t(), torch.zeros(6, 5).t()
    same(lambda: tocha.randn_like(x), lambda: torch.randn_like(tx))
    same(lambda: tocha.rand_like(x), lambda: torch.rand_like(tx))


def test_randint_forms_and_dtypes():
    same(lambda: tocha.randint(10, (6,)), lambda: torch.randint(10, (6,)))
    same(lambda: tocha.randint(-5, 5, (3, 4)), lambda: torch.randint(-5, 5, (3, 4)))
    same(lambda: tocha.randint(0, 2**31, (3,)), lambda: torch.randint(0, 2**31, (3,)))
    same(lambda: tocha.randint(low=2, high=9, size=(4,)),
         lambda: torch.randint(low=2, high=9, size=(4,)))
    for dt in ["int32", "int16", "uint8", "float32", "float64", "bool"]:
        same(lambda d=dt: tocha.randint(0, 2, (30,), dtype=getattr(tocha, d)),
             lambda d=dt: torch.randint(0, 2, (30,), dtype=getattr(torch, d)))
    same(lambda: tocha.randint(0, 300, (3,), dtype=tocha.uint8),
         lambda: torch.randint(0, 300, (3,), dtype=torch.uint8))
    same(lambda: tocha.randint(5, 5, (3,)), lambda: torch.randint(5, 5, (3,)))


def test_randperm():
    for n in [0, 1, 10, 1000]:
        same(lambda n=n: tocha.randperm(n), lambda n=n: torch.randperm(n))
        same(lambda n=n: tocha.randperm(n, dtype=tocha.float32),
             lambda n=n: torch.randperm(n, dtype=torch.float32))


def test_normal_overloads_and_grads():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 5)).astype(np.float32)
    s = (rng.random((4, 5)) + 0.1).astype(np.float32)
    same(lambda: tocha.normal(2.0, 3.0, (40,)), lambda: torch.normal(2.0, 3.0, (40,)))
    same(lambda: tocha.normal(0.0, 1.0, size=(3,), dtype=tocha.float64),
         lambda: torch.normal(0.0, 1.0, size=(3,), dtype=torch.float64))
    for mean_t, std_t in [(True, True), (True, False), (False, True)]:
        tm = tocha.tensor(m, requires_grad=True) if mean_t else 0.5
        ts = tocha.tensor(s, requires_grad=True) if std_t else 1.7
        pm = torch.tensor(m, requires_grad=True) if mean_t else 0.5
        ps = torch.tensor(s, requires_grad=True) if std_t else 1.7
        a = same(lambda tm=tm, ts=ts: tocha.normal(tm, ts), lambda pm=pm, ps=ps: torch.normal(
            pm, ps))
        tocha.manual_seed(0)
        torch.manual_seed(0)
        a = tocha.normal(tm, ts)
        b = torch.normal(pm, ps)
        (a * a).sum().backward()
        (b * b).sum().backward()
        for x, y in [(tm, pm), (ts, ps)]:
            if isinstance(x, tocha.Tensor):  # PyTorch defines zero gradients here
                assert np.array_equal(x.grad._data, y.grad.numpy())
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
    # the result takes the mean's dtype (else the std's)
    same(lambda: tocha.normal(tocha.zeros(3, dtype=tocha.float64), tocha.ones(3)),
         lambda: torch.normal(torch.zeros(3, dtype=torch.float64), torch.ones(3)))
    same(lambda: tocha.normal(tocha.zeros(2, 3), tocha.ones(3)),
         lambda: torch.normal(torch.zeros(2, 3), torch.ones(3)))
    same(lambda: tocha.normal(tocha.zeros(3), -tocha.ones(3)),
         lambda: torch.normal(torch.zeros(3), -torch.ones(3)))


def test_bernoulli_multinomial():
    p = np.random.default_rng(1).random((5, 7)).astype(np.float32)
    same(lambda: tocha.bernoulli(tocha.tensor(p)), lambda: torch.bernoulli(torch.tensor(p)))
    same(lambda: tocha.tensor(p).bernoulli(), lambda: torch.tensor(p).bernoulli())
    same(lambda: tocha.bernoulli(tocha.tensor(p), 0.3),
         lambda: torch.bernoulli(torch.tensor(p), 0.3))
    same(lambda: tocha.bernoulli(tocha.tensor(p).double()),
         lambda: torch.bernoulli(torch.tensor(p).double()))
    w = tocha.tensor(p)
    tw = torch.tensor(p)
    for k, rep in [(1, False), (3, False), (6, True)]:
        same(lambda k=k, r=rep: tocha.multinomial(w, k, r),
             lambda k=k, r=rep: torch.multinomial(tw, k, r))
        same(lambda k=k, r=rep: w[0].multinomial(k, replacement=r),
             lambda k=k, r=rep: tw[0].multinomial(k, replacement=r))


def _inplace_cases():
    return [
        ("uniform_", (), {}), ("uniform_", (-0.5773502691896257, 0.5773502691896257), {}),
        ("uniform_", (), {"from": -2.0, "to": 3.0}),
        ("normal_", (), {}), ("normal_", (0.0, 0.02), {}), ("normal_", (1.0,), {"std": 3.0}),
        ("random_", (), {}), ("random_", (10,), {}), ("random_", (-3, 7), {}),
        ("random_", (5, None), {}), ("random_", (), {"to": 9}),
        ("bernoulli_", (), {}), ("bernoulli_", (0.3,), {}),
        ("exponential_", (), {}), ("exponential_", (2.5,), {}),
    ]


@pytest.mark.parametrize("dt", ["float32", "float64", "float16"])
def test_inplace_methods(dt):
    for shape in [(1,), (15,), (16,), (33,), (6, 7)]:
        for name, args, kw in _inplace_cases():
            same(lambda s=shape, n=name, a=args, k=kw: getattr(
                     tocha.empty(*s, dtype=getattr(tocha, dt)), n)(*a, **k),
                 lambda s=shape, n=name, a=args, k=kw: getattr(
                     torch.empty(*s, dtype=getattr(torch, dt)), n)(*a, **k))


@pytest.mark.parametrize("dt", ["int64", "int32", "uint8", "bool"])
def test_inplace_integer_tensors(dt):
    for name, args, kw in _inplace_cases():
        same(lambda n=name, a=args, k=kw: getattr(tocha.zeros(20, dtype=getattr(tocha, dt)),
                                                  n)(*a, **k),
             lambda n=name, a=args, k=kw: getattr(torch.zeros(20, dtype=getattr(torch, dt)),
                                                  n)(*a, **k))


def test_inplace_on_views_and_bernoulli_tensor_p():
    for name, args, kw in _inplace_cases():
        same(lambda n=name, a=args, k=kw: getattr(tocha.zeros(7, 6).t(), n)(*a, **k),
             lambda n=name, a=args, k=kw: getattr(torch.zeros(7, 6).t(), n)(*a, **k))
    # writing through a view changes the base; the draws follow the view's memory order
    same(lambda: _view_fill(tocha), lambda: _view_fill(torch))
    p = np.random.default_rng(2).random((1, 6)).astype(np.float64)
    same(lambda: tocha.zeros(5, 6).bernoulli_(tocha.tensor(p)),
         lambda: torch.zeros(5, 6).bernoulli_(torch.tensor(p)))
    same(lambda: tocha.zeros(6, 5).t().bernoulli_(tocha.tensor(p).float()),
         lambda: torch.zeros(6, 5).t().bernoulli_(torch.tensor(p).float()))


def _view_fill(lib):
    base = lib.zeros(4, 6)
    base.t().normal_()
    base[1:3].uniform_(-1, 1)
    return base


def test_inplace_errors_and_autograd():
    same(lambda: tocha.zeros(3, dtype=tocha.int64).normal_(),
         lambda: torch.zeros(3, dtype=torch.int64).normal_())
    same(lambda: tocha.zeros(3, dtype=tocha.int64).uniform_(),
         lambda: torch.zeros(3, dtype=torch.int64).uniform_())
    same(lambda: tocha.zeros(3).uniform_(2, 1), lambda: torch.zeros(3).uniform_(2, 1))
    same(lambda: tocha.zeros(3).normal_(0, -1), lambda: torch.zeros(3).normal_(0, -1))
    same(lambda: tocha.zeros(3).exponential_(0), lambda: torch.zeros(3).exponential_(0))
    same(lambda: tocha.zeros(3).bernoulli_(1.5), lambda: torch.zeros(3).bernoulli_(1.5))
    same(lambda: tocha.randn(2, 3, dtype=tocha.int64),
         lambda: torch.randn(2, 3, dtype=torch.int64))
    same(lambda: tocha.rand(2, 3, dtype=tocha.int64),
         lambda: torch.rand(2, 3, dtype=torch.int64))
    same(lambda: tocha.ones(3, requires_grad=True).uniform_(),
         lambda: torch.ones(3, requires_grad=True).uniform_())
    with tocha.no_grad():
        w = tocha.ones(3, requires_grad=True).uniform_()
    assert w.requires_grad and w.is_leaf
    # a non-leaf inside a graph: the new values carry a zero gradient, as in PyTorch
    x, tx = tocha.ones(4, requires_grad=True), torch.ones(4, requires_grad=True)
    tocha.manual_seed(0)
    torch.manual_seed(0)
    y, ty = x * 2, tx * 2
    y.normal_()
    ty.normal_()
    assert np.array_equal(y.detach()._data, ty.detach().numpy())
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    assert np.array_equal(x.grad._data, tx.grad.numpy())


def test_generators_state_and_seeds():
    g, tg = tocha.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    a = tocha.randn(3, 20, generator=g)
    b = torch.randn(3, 20, generator=tg)
    assert np.array_equal(a._data, b.numpy())
    assert np.array_equal(g.get_state()._data, tg.get_state().numpy())
    assert g.get_state().dtype == tocha.uint8
    for fn, tfn in [(lambda g: tocha.rand(5, generator=g), lambda g: torch.rand(5, generator=g)),
                    (lambda g: tocha.randperm(30, generator=g),
                     lambda g: torch.randperm(30, generator=g)),
                    (lambda g: tocha.randint(0, 9, (4,), generator=g),
                     lambda g: torch.randint(0, 9, (4,), generator=g)),
                    (lambda g: tocha.empty(9).normal_(generator=g),
                     lambda g: torch.empty(9).normal_(generator=g)),
                    (lambda g: tocha.normal(tocha.zeros(4), 1.0, generator=g),
                     lambda g: torch.normal(torch.zeros(4), 1.0, generator=g)),
                    (lambda g: tocha.bernoulli(tocha.full((6,), 0.5), generator=g),
                     lambda g: torch.bernoulli(torch.full((6,), 0.5), generator=g))]:
        assert np.array_equal(fn(g)._data, tfn(tg).numpy())
    assert np.array_equal(g.get_state()._data, tg.get_state().numpy())
    # torch's state bytes load into tocha and back
    torch.manual_seed(11)
    torch.randn(3)
    tocha.set_rng_state(tocha.tensor(torch.get_rng_state().numpy()))
    assert tocha.initial_seed() == 11
    assert np.array_equal(tocha.randn(5)._data, torch.randn(5).numpy())
    torch.set_rng_state(torch.from_numpy(tocha.get_rng_state()._data.copy()))
    assert np.array_equal(tocha.rand(5)._data, torch.rand(5).numpy())
    assert tocha.Generator().initial_seed() == torch.Generator().initial_seed()
    assert tocha.manual_seed(3) is tocha.default_generator
    with pytest.raises(TypeError, match="ByteTensor"):
        tocha.set_rng_state(tocha.zeros(5056))


def test_nn_init_like_draws():
    def init(lib):
        w = lib.empty(64, 3, 7, 7)
        with lib.no_grad():
            w.normal_(0, math.sqrt(2.0) / math.sqrt(64 * 49))
            lin = lib.empty(10, 20)
            bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)) / math.sqrt(20))
            lin.uniform_(-bound, bound)
            emb = lib.empty(50, 8).normal_()
        return [w, lin, emb]

    for seed in [0, 1, 2]:
        same(lambda: init(tocha), lambda: init(torch), seed)
