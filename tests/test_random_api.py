"""Tensor-level random API (NumPy only; values from rng.md §13, computed by PyTorch 2.13)."""

import numpy as np
import pytest

import tocha
import tocha._random as R
import tocha._random_api as A
import tocha._random_normal as RN


def close(t, expected):
    np.testing.assert_allclose(np.asarray(t._data, dtype=np.float64).ravel()[: len(expected)],
                               expected, rtol=2e-7, atol=1e-12)


def test_spec_values_through_the_api():  # rng.md §13
    tocha.manual_seed(0)
    close(tocha.rand(4), [0.49625659, 0.7682218, 0.088477433, 0.13203049])
    tocha.manual_seed(0)
    close(tocha.randn(4), [1.5409961, -0.2934289, -2.1787894, 0.56843126])
    tocha.manual_seed(0)
    close(tocha.randn(16), [-1.1258398, -1.1523602, -0.25057858, -0.43387881])
    tocha.manual_seed(1)
    close(tocha.normal(2.0, 3.0, size=(40,)), [-2.5767877, -0.25069541, 0.038057268, -2.8284545])
    tocha.manual_seed(0)
    assert tocha.randint(0, 10, (6,)).tolist()[:4] == [4, 9, 3, 0]
    tocha.manual_seed(0)
    assert tocha.randperm(10).tolist() == [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
    g = tocha.Generator().manual_seed(123)
    assert tocha.randperm(50, generator=g).tolist()[:4] == [32, 30, 0, 16]
    tocha.manual_seed(0)
    assert tocha.empty((), dtype=tocha.int64).random_().item() == 900450186894289455
    tocha.manual_seed(0)
    assert tocha.empty(20).bernoulli_(0.5).tolist()[:4] == [0, 0, 1, 0]
    tocha.manual_seed(0)
    close(tocha.empty(4).exponential_(), [3.5083263, 1.2303847, 0.61504412, 2.5351186])
    tocha.manual_seed(0)
    w = tocha.tensor([0.1, 0.2, 0.3, 0.4])
    assert tocha.multinomial(w, 2).tolist() == [2, 1]


def test_dtypes_shapes_and_flags():
    assert tocha.rand(2, 3).dtype is tocha.float32
    assert tocha.randn((2, 3), dtype=tocha.float64).dtype is tocha.float64
    assert tocha.randint(5, (3,)).dtype is tocha.int64
    assert tocha.randperm(4).dtype is tocha.int64
    assert tuple(tocha.rand(size=(4,)).shape) == (4,)
    assert tuple(tocha.randn([]).shape) == ()
    t = tocha.randn(3, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    x = tocha.zeros(2, 5, dtype=tocha.float64)
    assert tocha.rand_like(x).dtype is tocha.float64
    assert tocha.randint_like(x, 3).dtype is tocha.float64
    assert tocha.randint_like(x, 1, 3)._data.min() >= 1


def test_generator_class_and_state():
    g = tocha.Generator()
    assert isinstance(g, tocha.Generator) and str(g.device) == "cpu"
    assert isinstance(tocha.default_generator, tocha.Generator)
    assert g.initial_seed() == 67280421310721
    st = g.get_state()
    assert st.dtype is tocha.uint8 and tuple(st.shape) == (5056,)
    a = tocha.randn(20, generator=g)
    assert np.array_equal(tocha.randn(20, generator=g.set_state(st))._data, a._data)
    tocha.manual_seed(5)
    s = tocha.get_rng_state()
    x = tocha.rand(7)
    tocha.set_rng_state(s)
    assert np.array_equal(tocha.rand(7)._data, x._data)
    assert tocha.initial_seed() == 5
    with pytest.raises(TypeError, match="ByteTensor"):
        tocha.set_rng_state(tocha.zeros(5056))
    with pytest.raises(TypeError, match="generator"):
        tocha.rand(3, generator=5)
    assert isinstance(tocha.seed(), int)


def test_generator_does_not_touch_global():
    tocha.manual_seed(0)
    before = tocha.get_rng_state()._data.copy()
    tocha.randn(100, generator=tocha.Generator().manual_seed(1))
    tocha.empty(5).uniform_(generator=tocha.Generator())
    assert np.array_equal(before, tocha.get_rng_state()._data)


def test_fork_rng():
    tocha.manual_seed(3)
    with A.fork_rng():
        tocha.rand(10)
    after = tocha.rand(3)
    tocha.manual_seed(3)
    assert np.array_equal(after._data, tocha.rand(3)._data)


def test_inplace_methods_return_self_and_bump_version():
    t = tocha.zeros(4)
    v = t._version
    for name, args in [("uniform_", ()), ("normal_", ()), ("random_", (3,)),
                       ("bernoulli_", (0.5,)), ("exponential_", ())]:
        assert getattr(t, name)(*args) is t
    assert t._version == v + 5


def test_inplace_matches_numpy_level_draws():
    tocha.manual_seed(2)
    t = tocha.empty(3, 7).uniform_(-1, 2)
    assert np.array_equal(t._data, R.uniform((3, 7), np.float32, -1, 2,
                                             generator=R.Generator().manual_seed(2)))
    tocha.manual_seed(2)
    t = tocha.empty(3, 7).random_(-4, 9)
    assert np.array_equal(t._data, R.randint(-4, 9, (3, 7), np.float32,
                                             generator=R.Generator().manual_seed(2)))


def test_noncontiguous_fill_follows_memory_order():
    tocha.manual_seed(4)
    t = tocha.zeros(6, 5).t()  # shape (5, 6), memory laid out as (6, 5)
    t.uniform_()
    expected = R.uniform((6, 5), np.float32, generator=R.Generator().manual_seed(4)).T
    assert np.array_equal(t._data, expected)
    # normal_ on a non-contiguous tensor uses the element-wise path even for >= 16 values
    tocha.manual_seed(4)
    t = tocha.zeros(6, 5).t().normal_()
    g = R.Generator().manual_seed(4)
    expected = RN.normal_scalar((6, 5), np.float32, generator=g)
    assert np.array_equal(t._data, expected.T)
    assert not np.array_equal(expected, R.normal((6, 5), np.float32,
                                                 generator=R.Generator().manual_seed(4)))


def test_randint_argument_forms():
    tocha.manual_seed(0)
    a = tocha.randint(10, (5,))
    tocha.manual_seed(0)
    b = tocha.randint(0, 10, (5,))
    tocha.manual_seed(0)
    c = tocha.randint(low=0, high=10, size=(5,))
    assert a.tolist() == b.tolist() == c.tolist()
    with pytest.raises(TypeError):
        tocha.randint(1.5, 7.5, (3,))
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        tocha.randint(5, 5, (3,))


def test_normal_forms_and_zero_gradients():
    m = tocha.zeros(3, 4, requires_grad=True)
    s = tocha.ones(4, requires_grad=True)
    out = tocha.normal(m, s)
    assert tuple(out.shape) == (3, 4) and out.requires_grad
    out.sum().backward()
    assert not m.grad._data.any() and not s.grad._data.any()
    assert tocha.normal(tocha.zeros(2, dtype=tocha.float64), 1.0).dtype is tocha.float64
    assert tocha.normal(0.0, tocha.ones(5)).dtype is tocha.float32
    with pytest.raises(TypeError):
        tocha.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tocha.normal(tocha.zeros(2), -tocha.ones(2))


def test_out_argument():
    out = tocha.empty(2)
    tocha.manual_seed(0)
    r = tocha.rand(4, out=out)
    assert r is out and tuple(out.shape) == (4,)
    close(out, [0.49625659, 0.7682218, 0.088477433, 0.13203049])


def test_leaf_requiring_grad_inplace_errors():
    w = tocha.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.normal_()
    with tocha.no_grad():
        w.normal_()
    assert w.requires_grad


def test_bernoulli_and_multinomial_methods():
    p = tocha.full((4, 5), 0.5)
    b = p.bernoulli()
    assert b.dtype is tocha.float32 and set(np.unique(b._data).tolist()) <= {0.0, 1.0}
    idx = tocha.ones(2, 6).multinomial(3)
    assert idx.dtype is tocha.int64 and tuple(idx.shape) == (2, 3)
    assert all(len(set(r)) == 3 for r in idx.tolist())


def test_poisson_law_and_errors():
    tocha.manual_seed(0)
    x = tocha.poisson(tocha.full((20000,), 4.0))
    assert x.dtype is tocha.float32 and abs(float(x._data.mean()) - 4.0) < 0.1
    before = tocha.get_rng_state()._data
    assert int(before[16:24].view(np.uint64)[0]) == 2  # one u64 consumed
    with pytest.raises(RuntimeError, match="non-negative"):
        tocha.poisson(tocha.tensor([-1.0]))
