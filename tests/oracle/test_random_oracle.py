"""tocha's NumPy-level random samplers against PyTorch 2.13 CPU, bit for bit, state included.

Each case seeds both libraries identically, draws, and compares the values
(``np.array_equal`` on ``.numpy()``, dtype and shape) and the generator state afterwards
(``torch.get_rng_state()`` bytes against ``Generator.get_state()``).
"""

import math
import warnings

import numpy as np
import pytest
import torch

import tocha._random as R
import tocha._random_normal as RN

SEEDS = [0, 1, 42, 2**32 + 7]
SIZES = [1, 7, 15, 16, 17, 100, 1000, 10007]
FLOATS = [np.float32, np.float64, np.float16]
INTS = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]
TORCH = {np.float32: torch.float32, np.float64: torch.float64, np.float16: torch.float16,
         np.int64: torch.int64, np.int32: torch.int32, np.int16: torch.int16,
         np.int8: torch.int8, np.uint8: torch.uint8, np.bool_: torch.bool}


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else ""


def same(mine, theirs, seed=0, *, gen=None, tgen=None, check_state=True):
    """Run both after seeding; compare results (or raised errors) and the state after."""
    g = R.Generator() if gen is None else gen
    g.manual_seed(seed)
    if tgen is None:
        torch.manual_seed(seed)
    else:
        tgen.manual_seed(seed)
    try:
        a = mine(g)
    except Exception as e:  # noqa: BLE001 - compared with torch's error below
        with pytest.raises(Exception) as info:
            theirs(tgen)
        assert _first_line(e) == _first_line(info.value), (e, info.value)
        return None
    b = theirs(tgen)
    if isinstance(b, torch.Tensor):
        b = b.numpy()
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    assert a.flags.c_contiguous
    assert np.array_equal(a, b, equal_nan=True), np.flatnonzero(a != b)[:10]
    if check_state:
        ts = torch.get_rng_state() if tgen is None else tgen.get_state()
        assert np.array_equal(g.get_state(), ts.numpy()), "generator state differs"
    return a


# ------------------------------------------------------------------------------ uniform
UNIFORM_RANGES = [(0.0, 1.0), (-3.7, 11.3), (-0.125, 0.125), (-1.0, 1.0),
                  (-0.5773502691896257, 0.5773502691896257),  # Linear(3, n) weight bound
                  (-0.5773502691896258, 0.5773502691896258),  # ... and bias bound
                  (-0.0625, 0.0625), (2.0, 2.0), (1.0, 1.0 + 3 * 2**-23),
                  (1e-3, 1e5), (-1e5, -1e-3)]


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform(dtype):
    for seed in SEEDS[:3]:
        for n in SIZES:
            for lo, hi in UNIFORM_RANGES:
                same(lambda g, n=n, lo=lo, hi=hi: R.uniform((n,), dtype, lo, hi, generator=g),
                     lambda tg, n=n, lo=lo, hi=hi: torch.empty(n, dtype=TORCH[dtype]).uniform_(
                         lo, hi), seed)


def test_uniform_guard_float64():
    same(lambda g: R.uniform((5000,), np.float64, 1.0, 1.0 + 3 * 2**-52, generator=g),
         lambda tg: torch.empty(5000, dtype=torch.float64).uniform_(1.0, 1.0 + 3 * 2**-52))


def test_nn_init_like_uniform():
    # kaiming_uniform_(a=sqrt(5)) and bias bounds for a range of fan-ins (rng.md 10).
    for fan_in in [1, 3, 10, 27, 64, 100, 147, 576, 1000]:
        a = math.sqrt(5)
        bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + a**2)) / math.sqrt(fan_in))
        bb = 1 / math.sqrt(fan_in)

        def mine(g, fan_in=fan_in, bound=bound, bb=bb):
            w = R.uniform((8, fan_in), np.float32, -bound, bound, generator=g)
            return np.concatenate([w.ravel(), R.uniform((8,), np.float32, -bb, bb, generator=g)])

        def theirs(tg, fan_in=fan_in):
            lin = torch.nn.Linear(fan_in, 8)
            return torch.cat([lin.weight.detach().ravel(), lin.bias.detach()])

        same(mine, theirs, fan_in)


# ------------------------------------------------------------------------------ normal
NORMAL_PARAMS = [(0.0, 1.0), (2.0, 3.0), (0.0, 0.02), (0.3, 2.5), (-1.0, 1.0), (0.0, 0.0)]


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal(dtype):
    for seed in SEEDS:
        for n in SIZES:
            for m, s in NORMAL_PARAMS:
                same(lambda g, n=n, m=m, s=s: R.normal((n,), dtype, m, s, generator=g),
                     lambda tg, n=n, m=m, s=s: torch.empty(n, dtype=TORCH[dtype]).normal_(m, s),
                     seed)


def test_normal_large_and_shapes():
    same(lambda g: R.normal((1000, 1001), np.float32, generator=g),
         lambda tg: torch.randn(1000, 1001))
    same(lambda g: R.normal((64, 3, 7, 7), np.float32, 0.0, math.sqrt(2.0 / (64 * 49)),
                            generator=g),
         lambda tg: torch.nn.init.kaiming_normal_(torch.empty(64, 3, 7, 7), mode="fan_out",
                                                  nonlinearity="relu"))
    same(lambda g: R.normal((300, 17), np.float32, 0.0, math.sqrt(2.0 / 317), generator=g),
         lambda tg: torch.nn.init.xavier_normal_(torch.empty(300, 17)))


# Sizes around the 16-wide threshold, odd tails, and the float32 kernel's blocks of
# RN._BLOCK rows: a block boundary or a short last block must not change a bit.
NORMAL_EDGE_SIZES = [15, 16, 17, 31, 33, 16 * RN._BLOCK - 1, 16 * RN._BLOCK,
                     16 * RN._BLOCK + 16, 16 * RN._BLOCK + 21, 10**6]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_normal_sizes_around_thresholds(dtype):
    for n in NORMAL_EDGE_SIZES:
        same(lambda g, n=n: R.normal((n,), dtype, generator=g),
             lambda tg, n=n: torch.randn(n, dtype=TORCH[dtype]), 3)
    same(lambda g: R.normal((10**6 + 5,), dtype, 2.0, 3.0, generator=g),
         lambda tg: torch.empty(10**6 + 5, dtype=TORCH[dtype]).normal_(2.0, 3.0), 5)


def test_normal_sequential_spare_cache():
    # Scalar calls leave/consume the cached spare across dtypes and across 16-wide calls.
    def mine(g):
        parts = [R.normal((3,), np.float32, generator=g), R.normal((20,), np.float32,
                                                                   generator=g),
                 R.normal((1,), np.float64, 1.0, 2.0, generator=g),
                 R.normal((5,), np.float64, generator=g), R.normal((2,), np.float16, generator=g)]
        return np.concatenate([p.astype(np.float64) for p in parts])

    def theirs(tg):
        parts = [torch.randn(3), torch.randn(20), torch.empty(1, dtype=torch.float64).normal_(
            1.0, 2.0), torch.randn(5, dtype=torch.float64), torch.randn(2, dtype=torch.float16)]
        return torch.cat([p.double() for p in parts])

    for seed in SEEDS:
        same(mine, theirs, seed)


def test_normal_tensor_overloads():
    rng = np.random.default_rng(0)
    for n in [5, 16, 33]:
        mean = rng.standard_normal(n).astype(np.float32)
        std = rng.random(n).astype(np.float32) + 0.1
        tm, ts = torch.from_numpy(mean), torch.from_numpy(std)
        same(lambda g, m=mean, s=std: RN.normal_tensor(m, s, np.float32, generator=g),
             lambda tg, m=tm, s=ts: torch.normal(m, s))
        same(lambda g, m=mean: RN.normal_tensor(m, 0.7, np.float32, generator=g),
             lambda tg, m=tm: torch.normal(m, 0.7))
        same(lambda g, s=std: RN.normal_tensor(0.3, s, np.float32, generator=g),
             lambda tg, s=ts: torch.normal(0.3, s))
    mean = rng.standard_normal((4, 1)).astype(np.float64)
    std = rng.random((1, 9)) + 0.5
    same(lambda g: RN.normal_tensor(mean, std, np.float64, generator=g),
         lambda tg: torch.normal(torch.from_numpy(mean), torch.from_numpy(std)))


def test_trunc_normal():
    for shape, kw in [((20, 30), {}), ((100,), {"std": 0.02}), ((50, 50), {"a": -1.0, "b": 1.0}),
                      ((7,), {"mean": 0.5, "std": 2.0, "a": -1.0, "b": 3.0})]:
        same(lambda g, shape=shape, kw=kw: R.trunc_normal(shape, np.float32, generator=g, **kw),
             lambda tg, shape=shape, kw=kw: torch.nn.init.trunc_normal_(torch.empty(shape), **kw))


# ------------------------------------------------------------------------------ integers
RANGES = [(0, 10), (0, 2), (0, 1), (-200, 5), (0, 2**31), (-5, 2**40), (0, 2**28),
          (0, 2**28 - 1), (3, 2**27 + 5), (-2**63, 2**63 - 1), (0, 2**24 + 2)]


@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_randint(dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in SEEDS[:2]:
            for n in SIZES[:6]:
                for lo, hi in RANGES:
                    same(lambda g, n=n, lo=lo, hi=hi: R.randint(lo, hi, (n,), dtype,
                                                                generator=g),
                         lambda tg, n=n, lo=lo, hi=hi: torch.randint(lo, hi, (n,),
                                                                     dtype=TORCH[dtype]),
                         seed)


@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_random_(dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in SEEDS[:2]:
            for n in SIZES[:6]:
                td = TORCH[dtype]
                same(lambda g, n=n: R.random_((n,), dtype, generator=g),
                     lambda tg, n=n, td=td: torch.empty(n, dtype=td).random_(), seed)
                for frm in [3, -7, 0, -2**63, 2**11 - 1]:
                    same(lambda g, n=n, f=frm: R.random_((n,), dtype, f, None, generator=g),
                         lambda tg, n=n, f=frm, td=td: torch.empty(n, dtype=td).random_(
                             f, None), seed)
                for to in [5, 100, -3]:
                    same(lambda g, n=n, t=to: R.random_((n,), dtype, to=t, generator=g),
                         lambda tg, n=n, t=to, td=td: torch.empty(n, dtype=td).random_(t),
                         seed)
        same(lambda g: R.random_((), dtype, generator=g),
             lambda tg: torch.empty((), dtype=TORCH[dtype]).random_())


def test_random_float_bound_adjustment():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lo, hi in [(0, 2**28), (2**25 + 1, 2**25 + 9), (-(2**30) - 3, 2**30 + 5),
                       (2**25 + 1, 2**25 + 3)]:
            for dtype in [np.float32, np.float64]:
                same(lambda g, lo=lo, hi=hi, d=dtype: R.randint(lo, hi, (50,), d, generator=g),
                     lambda tg, lo=lo, hi=hi, d=dtype: torch.randint(lo, hi, (50,),
                                                                     dtype=TORCH[d]))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float32, np.float16])
def test_randperm(dtype):
    for seed in SEEDS[:3]:
        for n in [0, 1, 2, 3, 7, 16, 100, 255, 256, 1000, 2049, 5000]:
            same(lambda g, n=n: R.randperm(n, dtype, generator=g),
                 lambda tg, n=n: torch.randperm(n, dtype=TORCH[dtype]), seed)


def test_randperm_large():
    same(lambda g: R.randperm(100_000, generator=g), lambda tg: torch.randperm(100_000))


# ------------------------------------------------------------------------------ bernoulli etc.
@pytest.mark.parametrize("dtype", FLOATS + [np.int64, np.bool_, np.uint8])
def test_bernoulli_scalar(dtype):
    for seed in SEEDS[:2]:
        for n in SIZES:
            for p in [0.0, 0.3, 0.5, 1.0]:
                same(lambda g, n=n, p=p: R.bernoulli(p, (n,), dtype, generator=g),
                     lambda tg, n=n, p=p: torch.empty(n, dtype=TORCH[dtype]).bernoulli_(p), seed)


@pytest.mark.parametrize("pdtype", FLOATS)
def test_bernoulli_tensor(pdtype):
    rng = np.random.default_rng(1)
    for seed in SEEDS[:2]:
        for n in SIZES:
            p = rng.random((n, 2)).astype(pdtype)
            same(lambda g, p=p: R.bernoulli(p, None, pdtype, generator=g),
                 lambda tg, p=p: torch.bernoulli(torch.from_numpy(p)), seed)
            # broadcast P into a float32 output (Tensor.bernoulli_(P))
            same(lambda g, p=p, n=n: R.bernoulli(p[:1], (n, 2), np.float32, generator=g),
                 lambda tg, p=p, n=n: torch.empty(n, 2).bernoulli_(torch.from_numpy(p[:1])),
                 seed)


@pytest.mark.parametrize("dtype", FLOATS)
def test_dropout(dtype):
    rng = np.random.default_rng(2)
    for seed in SEEDS[:2]:
        for n in SIZES:
            x = rng.standard_normal((n, 3)).astype(dtype)
            for p in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]:
                same(lambda g, x=x, p=p: R.dropout(x, p, generator=g)[0],
                     lambda tg, x=x, p=p: torch.nn.functional.dropout(torch.from_numpy(x), p),
                     seed)
    x = rng.standard_normal((4, 5, 3, 3)).astype(dtype)
    same(lambda g: R.feature_dropout(x, 0.3, generator=g)[0],
         lambda tg: torch.nn.functional.dropout2d(torch.from_numpy(x), 0.3))
    same(lambda g: R.dropout(x, 1.5, generator=g)[0],
         lambda tg: torch.nn.functional.dropout(torch.from_numpy(x), 1.5))


@pytest.mark.parametrize("dtype", FLOATS)
def test_exponential(dtype):
    for seed in SEEDS[:2]:
        for n in SIZES:
            for lam in [1.0, 0.5, 3.0]:
                same(lambda g, n=n, lam=lam: R.exponential((n,), dtype, lam, generator=g),
                     lambda tg, n=n, lam=lam: torch.empty(n, dtype=TORCH[dtype]).exponential_(
                         lam), seed)


@pytest.mark.parametrize("pdtype", [np.float32, np.float64])
def test_multinomial(pdtype):
    rng = np.random.default_rng(3)
    for seed in SEEDS[:2]:
        for ncat in [1, 4, 17, 100]:
            probs = (rng.random((3, ncat)) + 0.01).astype(pdtype)
            probs[0, ncat // 2] = 0  # zero-probability categories are never picked
            for k in sorted({1, min(ncat - 1, 3) or 1, 5}):
                for rep in [False, True]:
                    same(lambda g, p=probs, k=k, r=rep: R.multinomial(p, k, r, generator=g),
                         lambda tg, p=probs, k=k, r=rep: torch.multinomial(
                             torch.from_numpy(p), k, r), seed)
                    same(lambda g, p=probs[1], k=k, r=rep: R.multinomial(p, k, r, generator=g),
                         lambda tg, p=probs[1], k=k, r=rep: torch.multinomial(
                             torch.from_numpy(p), k, r), seed)


# ------------------------------------------------------------------------------ state
def test_state_interop_with_torch():
    g = R.Generator()
    for seed in [0, 3, 2**63 + 5, 2**64 - 1]:
        torch.manual_seed(seed)
        g.manual_seed(seed)
        assert np.array_equal(g.get_state(), torch.get_rng_state().numpy())
        torch.randn(3)  # leave a spare and a partial block
        torch.rand(700)
        g.set_state(torch.get_rng_state().numpy())
        assert g.initial_seed() == torch.initial_seed()
        assert np.array_equal(R.normal((5,), np.float32, generator=g), torch.randn(5).numpy())
        assert np.array_equal(g.get_state(), torch.get_rng_state().numpy())
        R.uniform((1000,), np.float64, generator=g)
        torch.set_rng_state(torch.from_numpy(g.get_state()))
        assert np.array_equal(R.normal((1,), np.float64, generator=g),
                              torch.randn(1, dtype=torch.float64).numpy())


def test_generator_objects_and_new_generator_seed():
    assert R.Generator().initial_seed() == torch.Generator().initial_seed()
    g, tg = R.Generator(), torch.Generator()
    for seed in [123, 5]:
        same(lambda g: R.randperm(50, generator=g),
             lambda tg: torch.randperm(50, generator=tg), seed, gen=g, tgen=tg)
        same(lambda g: R.normal((40,), np.float32, generator=g),
             lambda tg: torch.randn(40, generator=tg), seed, gen=g, tgen=tg)
    # An unseeded new generator draws from DEFAULT_SEED like torch's.
    a = R.uniform((10,), np.float32, generator=R.Generator())
    assert np.array_equal(a, torch.rand(10, generator=torch.Generator()).numpy())


def test_mixed_stream():
    def mine(g):
        out = [R.uniform((5,), np.float32, generator=g), R.normal((33,), np.float32, generator=g),
               R.randint(0, 7, (9,), generator=g).astype(np.float64),
               R.bernoulli(0.4, (11,), np.float32, generator=g),
               R.randperm(20, generator=g).astype(np.float64),
               R.exponential((3,), np.float64, generator=g),
               R.normal((2,), np.float64, generator=g)]
        return np.concatenate([o.astype(np.float64) for o in out])

    def theirs(tg):
        out = [torch.rand(5), torch.randn(33), torch.randint(0, 7, (9,)).double(),
               torch.empty(11).bernoulli_(0.4), torch.randperm(20).double(),
               torch.empty(3, dtype=torch.float64).exponential_(),
               torch.randn(2, dtype=torch.float64)]
        return torch.cat([o.double() for o in out])

    for seed in SEEDS:
        same(mine, theirs, seed)
