"""NumPy-only tests of tocha's PyTorch-compatible random numbers (no torch needed).

Expected values are the ones PyTorch 2.13 printed, listed in the RNG specification section 13
("rng.md §13"); the oracle tests (tests/oracle/test_random_oracle.py) check bit equality.
"""

from __future__ import annotations

import math
import os
from fractions import Fraction

import numpy as np
import pytest

import tocha._random as R
import tocha._random_engine as E
import tocha._random_normal as RN

F32, F64 = np.float32, np.float64


def gen(seed: int) -> R.Generator:
    return R.Generator().manual_seed(seed)


def close(values, expected) -> None:
    # The spec lists values with 8 significant digits: enough to pin a float32.
    np.testing.assert_allclose(np.asarray(values, dtype=F64)[: len(expected)], expected,
                               rtol=2e-7, atol=1e-12)


# --------------------------------------------------------------------------- rng.md §13 values
def test_spec_uniform_values():
    close(R.uniform((4,), F32, generator=gen(0)), [0.49625659, 0.7682218, 0.088477433, 0.13203049])
    close(R.uniform((4,), F64, generator=gen(0)), [0.970053, 0.70781986, 0.45938294, 0.92074768])
    close(R.uniform((5,), F32, -3.7, 11.3, generator=gen(42)),
          [9.5340385, 10.02506, 2.0429564, 10.689585])


def test_spec_normal_values():
    close(R.normal((4,), F32, generator=gen(0)), [1.5409961, -0.2934289, -2.1787894, 0.56843126])
    close(R.normal((16,), F32, generator=gen(0)),
          [-1.1258398, -1.1523602, -0.25057858, -0.43387881])
    close(R.normal((20,), F32, generator=gen(0))[16:],
          [0.93182659, 1.2590092, 2.0049806, 0.053736903])
    close(R.normal((16,), F64, generator=gen(0)),
          [-2.3104118, -0.37325086, -1.0608167, 0.99950935])
    close(R.normal((40,), F32, 2.0, 3.0, generator=gen(1)),
          [-2.5767877, -0.25069541, 0.038057268, -2.8284545])
    close(R.normal((15,), F64, 0.3, 2.5, generator=gen(1)),
          [1.9533804, 0.96731025, 0.45419315, 1.8532933])


def test_spec_integer_values():
    assert R.randint(0, 10, (6,), generator=gen(0))[:4].tolist() == [4, 9, 3, 0]
    assert R.randint(0, 2**31, (3,), generator=gen(0)).tolist() == [
        398764591, 1478610112, 1537364731]
    assert R.randperm(10, generator=gen(0)).tolist() == [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
    assert R.randperm(1000, generator=gen(0))[:4].tolist() == [44, 37, 675, 775]
    assert R.randperm(50, generator=gen(123))[:4].tolist() == [32, 30, 0, 16]
    assert int(R.random_((), np.int64, generator=gen(0))) == 900450186894289455
    assert R.random_((3,), np.int32, generator=gen(0)).tolist() == [
        209652396, 398764591, 924231285]
    assert R.random_((3,), F32, generator=gen(0)).tolist() == [8325664, 12888472, 1484222]


def test_spec_bernoulli_dropout_exponential_multinomial():
    g = gen(0)
    b = R.bernoulli(0.5, (20,), F32, generator=g)
    assert b.tolist() == [0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0]
    # rng.md §7: exactly 20 u64 consumed, the next rand(1) is 0.5263...
    assert abs(float(R.uniform((1,), F32, generator=g)[0]) - 0.5263) < 1e-4
    out, mask = R.dropout(np.ones(8, dtype=F32), 0.5, generator=gen(0))
    assert out[:4].tolist() == [0, 0, 2, 0]
    assert np.array_equal(out, mask)
    close(R.exponential((4,), F32, generator=gen(0)), [3.5083263, 1.2303847, 0.61504412, 2.5351186])
    p = np.array([0.1, 0.2, 0.3, 0.4], dtype=F32)
    assert R.multinomial(p, 2, generator=gen(0)).tolist() == [2, 1]
    assert R.multinomial(p, 6, True, generator=gen(0))[:4].tolist() == [3, 3, 2, 3]


def _kaiming_uniform_bound(fan_in: int) -> float:
    # rng.md 10.1/10.3: a = sqrt(5), gain = sqrt(2 / (1 + a**2)), bound = sqrt(3) * gain/sqrt(fan)
    a = math.sqrt(5)
    gain = math.sqrt(2.0 / (1 + a**2))
    return math.sqrt(3.0) * (gain / math.sqrt(fan_in))


def test_spec_module_init_values():
    g = gen(0)
    b = _kaiming_uniform_bound(3)
    close(R.uniform((2, 3), F32, -b, b, generator=g).ravel(),
          [-0.0043225177, 0.30971584, -0.47518533, -0.4248946])
    bb = 1 / math.sqrt(3)
    close(R.uniform((2,), F32, -bb, bb, generator=g), [-0.011439145, 0.45777494])
    g = gen(0)
    b = _kaiming_uniform_bound(27)
    close(R.uniform((16, 3, 3, 3), F32, -b, b, generator=g).ravel(),
          [-0.0014408393, 0.10323862, -0.15839511, -0.14163153])
    bb = 1 / math.sqrt(27)
    close(R.uniform((16,), F32, -bb, bb, generator=g),
          [0.16334742, 0.012622485, -0.12826562, -0.068951972])
    std = math.sqrt(2.0) / math.sqrt(64 * 7 * 7)  # kaiming_normal_, fan_out, relu
    close(R.normal((64, 3, 7, 7), F32, 0.0, std, generator=gen(0)).ravel(),
          [-0.028431749, -0.029101489, -0.0063280649, -0.010957095])
    std = 1.0 * math.sqrt(2.0 / float(5 + 7))  # xavier_uniform_
    a = math.sqrt(3.0) * std
    close(R.uniform((5, 7), F32, -a, a, generator=gen(0)).ravel(),
          [-0.0052939812, 0.37932289, -0.58198076, -0.52038747])
    close(R.normal((4, 3), F32, 0, 0.02, generator=gen(0)).ravel(),
          [0.030819923, -0.0058685783, -0.043575786, 0.011368626])
    close(R.trunc_normal((20, 30), F32, generator=gen(0)).ravel(),
          [-1.1258398, -1.1523602, -0.25057858, -0.43387881])


def test_spec_dataloader_seeds():
    # rng.md 9.1: base seed, then the sampler seed that seeds a private generator.
    g = gen(0)
    assert int(R.random_((), np.int64, generator=g)) == 900450186894289455
    seed = int(R.random_((), np.int64, generator=g))
    assert seed == 3969543146641149120
    perm = R.randperm(200, generator=R.Generator().manual_seed(seed))
    assert perm[:4].tolist() == [26, 118, 11, 15]
    assert [int(R.random_((), np.int64, generator=g)) for _ in range(2)] == [
        1895649597198586619, 827948490035658087]


# --------------------------------------------------------------------------- generator / state
def test_seed_semantics():
    g = R.Generator()
    assert g.initial_seed() == E.DEFAULT_SEED
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(ValueError):
        g.manual_seed(2**64)
    # Only the low 32 bits reach the engine.
    a = R.uniform((5,), F32, generator=gen(7))
    b = R.uniform((5,), F32, generator=gen(7 + 2**32))
    assert np.array_equal(a, b)
    s = g.seed()
    assert g.initial_seed() == s
    assert isinstance(R.default_generator, R.Generator)


def test_legacy_seeding_matches_init_genrand():
    g = gen(123456789)
    key = g._bg.state["state"]["key"]
    assert np.array_equal(key, E._init_genrand(123456789))
    assert g._bg.state["state"]["pos"] == 624


def test_state_layout_and_round_trip():
    g = gen(5)
    st = g.get_state()
    assert st.dtype == np.uint8 and st.shape == (5056,)
    assert int(st[:8].view(np.uint64)[0]) == 5
    assert int(st[8:12].view(np.int32)[0]) == 1  # left
    assert int(st[16:24].view(np.uint64)[0]) == 0  # next
    R.normal((3,), F32, generator=g)  # leaves a spare normal (3 = 2 pairs, one kept)
    st = g.get_state()
    assert int(st[5040:5044].view(np.int32)[0]) == 1
    assert int(st[16:24].view(np.uint64)[0]) == 8
    assert int(st[8:12].view(np.int32)[0]) == 625 - 8
    after = R.normal((7,), F64, 0.5, 2.0, generator=g)
    h = R.Generator().set_state(st)
    assert h.initial_seed() == 5
    assert np.array_equal(R.normal((7,), F64, 0.5, 2.0, generator=h), after)
    assert np.array_equal(h.get_state(), g.get_state())
    # Exactly a block of 624 words: torch says next=624, left=1.
    g = gen(1)
    g.u32(624)
    st = g.get_state()
    assert int(st[16:24].view(np.uint64)[0]) == 624 and int(st[8:12].view(np.int32)[0]) == 1
    v = g.u32(3)
    assert np.array_equal(R.Generator().set_state(st).u32(3), v)


def test_set_state_errors():
    with pytest.raises(RuntimeError, match="size 5056"):
        R.Generator().set_state(np.zeros(10, dtype=np.uint8))
    with pytest.raises(TypeError):
        R.Generator().set_state(np.zeros(5056, dtype=np.float32))


def test_generators_are_independent():
    g1, g2 = gen(3), gen(3)
    a = R.normal((100,), F32, generator=g1)
    R.uniform((1000,), F32, generator=R.Generator().manual_seed(3))
    R.manual_seed(3)
    R.normal((50,), F32)  # the global generator
    assert np.array_equal(R.normal((100,), F32, generator=g2), a)


def test_global_generator_and_manual_seed():
    R.manual_seed(0)
    a = R.uniform((4,), F32)
    assert R.default_generator.initial_seed() == 0
    close(a, [0.49625659, 0.7682218, 0.088477433, 0.13203049])


def test_draw_counts():
    # rng.md 6.3: float32 16-wide with a tail consumes n + 16 words, float16 16*ceil(n/16).
    for dtype, n, words in [(F32, 20, 36), (F32, 32, 32), (np.float16, 20, 32), (F32, 15, 32)]:
        g = gen(9)
        R.normal((n,), dtype, generator=g)
        h = gen(9)
        h.u32(words)
        assert np.array_equal(g.get_state()[:5016], h.get_state()[:5016]), (dtype, n)


def test_spare_normal_shared_across_dtypes():
    g = gen(0)
    a = R.normal((3,), F32, generator=g)  # 2 pairs: 4th value cached
    b = R.normal((1,), F64, generator=g)  # consumes the cache, no draw
    h = gen(0)
    c = R.normal((4,), F64, generator=h)
    assert np.array_equal(a, c[:3].astype(F32)) and b[0] == c[3]
    g.manual_seed(0)
    assert g._spare is None


def test_uniform_upper_bound_guard():
    lo, hi = 1.0, 1.0 + 3 * 2**-23
    v = R.uniform((10000,), F32, lo, hi, generator=gen(0))
    assert (v < F32(hi)).all() and (v == F32(lo)).mean() > 0.2
    v = R.uniform((10000,), F64, 1.0, 1.0 + 3 * 2**-52, generator=gen(0))
    assert (v < 1.0 + 3 * 2**-52).all()


def test_shapes_dtypes_and_empty():
    for f in (lambda s: R.uniform(s, F32), lambda s: R.normal(s, F64),
              lambda s: R.randint(0, 5, s), lambda s: R.bernoulli(0.5, s, F32),
              lambda s: R.exponential(s, F32), lambda s: R.random_(s, np.int16)):
        for shape in [(), (0,), (3, 0), (2, 3, 4)]:
            a = f(shape)
            assert a.shape == shape and a.flags.c_contiguous
    assert R.randperm(0).shape == (0,) and R.randperm(1).tolist() == [0]
    assert R.normal((5,), np.float16).dtype == np.float16


def test_errors_match_torch_messages():
    with pytest.raises(RuntimeError, match=r"from=2 > to=1"):
        R.uniform((3,), F32, 2, 1)
    with pytest.raises(NotImplementedError, match="Long"):
        R.uniform((3,), np.int64)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        R.normal((3,), F32, 0, -1)
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        R.randint(5, 5, (3,))
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for unsigned char"):
        R.randint(0, 300, (3,), np.uint8)
    with pytest.raises(RuntimeError, match=r"p to be in \[0, 1\]"):
        R.bernoulli(1.5, (3,), F32)
    with pytest.raises(RuntimeError, match="lambda > 0.0"):
        R.exponential((3,), F32, 0)
    with pytest.raises(RuntimeError, match="n_sample > prob_dist"):
        R.multinomial(np.ones(3, dtype=F32), 4)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        R.multinomial(np.zeros(3, dtype=F32), 1)
    with pytest.raises(ValueError, match="dropout probability"):
        R.dropout(np.ones(3, dtype=F32), 1.5)
    with pytest.raises(NotImplementedError, match="UInt16"):
        R.random_((3,), np.uint16)


def test_normal_tensor_broadcast():
    mean = np.zeros((3, 1), dtype=F32)
    std = np.ones((1, 20), dtype=F32)
    out = RN.normal_tensor(mean, std, F32, generator=gen(0))
    assert out.shape == (3, 20)
    assert np.array_equal(out, R.normal((3, 20), F32, generator=gen(0)))
    with pytest.raises(RuntimeError, match="all elements of std"):
        RN.normal_tensor(mean, -std, F32)


def test_dropout_mask_and_feature_dropout():
    x = np.arange(1, 25, dtype=F32).reshape(2, 3, 4)
    out, mask = R.dropout(x, 0.25, generator=gen(1))
    assert set(np.unique(mask).tolist()) <= {0.0, float(F32(1) / F32(0.75))}
    assert np.array_equal(out, x * mask)
    out, mask = R.feature_dropout(x.reshape(2, 3, 2, 2), 0.5, generator=gen(1))
    assert mask.shape == (2, 3, 1, 1)
    g = gen(2)
    before = g.get_state()
    R.dropout(x, 0.0, generator=g)
    R.dropout(x, 1.0, generator=g)
    assert np.array_equal(before, g.get_state())


def test_trunc_normal_small_mass_in_bounds():
    v = R.trunc_normal((1000,), F32, 0.0, 1.0, 2.0, 3.0, generator=gen(0))
    assert (v >= 2.0).all() and (v <= 3.0).all()


def test_randperm_is_permutation():
    p = R.randperm(5000, generator=gen(4))
    assert np.array_equal(np.sort(p), np.arange(5000))


# --------------------------------------------------------------------------- exact arithmetic
def _exact_round32(x: Fraction) -> np.float32:
    # Round a rational to float32 via float64 round-to-odd on an exactly representable grid.
    f = float(x)  # correctly rounded to float64
    if Fraction(f) != x and not (np.float64(f).view(np.uint64) & 1):
        f = math.nextafter(f, math.inf if x > Fraction(f) else -math.inf)
    return F32(f)


def test_fma32_exact_against_fractions():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(4000).astype(F32)
    b = rng.standard_normal(4000).astype(F32)
    c = (-(a.astype(F64) * b.astype(F64)) * (1 + rng.standard_normal(4000) * 1e-6)).astype(F32)
    c[:1000] = rng.standard_normal(1000).astype(F32) * F32(1e-9)
    got = E.fma32(a, b, c)
    for i in range(4000):
        exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
        assert got[i] == _exact_round32(exact), i


def test_fma64_exact_against_fractions():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(3000)
    b = rng.standard_normal(3000)
    c = -(a * b) * (1 + rng.standard_normal(3000) * 1e-12)
    c[:1000] = rng.standard_normal(1000) * 1e-20
    got = E.fma64(a, b, c)
    for i in range(3000):
        exact = Fraction(a[i]) * Fraction(b[i]) + Fraction(c[i])
        assert got[i] == float(exact), i
        assert E.fma64_scalar(float(a[i]), float(b[i]), float(c[i])) == float(exact), i


# --------------------------------------------------------------------------- float32 kernel
# A spec-literal version of rng.md 6.6/6.7 with the exact fma32 of rng.md 1.3 at every fused
# step: the fast kernel evaluates those steps in plain float64, which the module claims is exact
# for every one of the 2**24 possible inputs.  Set TOCHA_RNG_EXHAUSTIVE=1 to check all of them.
def _ref_fma32(a, b, c):
    a64, b64, c64 = (np.asarray(v, F32).astype(F64) for v in (a, b, c))
    p = a64 * b64
    s = p + c64
    bb = s - p
    err = (p - (s - bb)) + (c64 - bb)
    fix = (err != 0) & ((s.view(np.uint64) & np.uint64(1)) == 0)
    return np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s).astype(F32)


def _fb(bits: int) -> np.float32:
    return np.array([bits], dtype=np.uint32).view(F32)[0]


def _ref_log8(x):
    bits = x.view(np.uint32)
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(F32)
    e = ((bits >> np.uint32(23)).astype(np.int64) - 127).astype(F32) + F32(1)
    lt = m < _fb(0x3F3504F3)
    e = np.where(lt, e - F32(1), e)
    x = np.where(lt, (m - F32(1)) + m, m - F32(1))
    z = x * x
    y = np.full_like(x, _fb(0x3D9021BB))
    for p in (0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF, 0xBE2AAE50, 0x3E4CCEAC,
              0xBE7FFFFC, 0x3EAAAAAA):
        y = _ref_fma32(y, x, _fb(p))
    y = y * x
    y = _ref_fma32(y, z, e * _fb(0xB95E8083))
    y = y - F32(0.5) * z
    x = x + y
    return x + e * _fb(0x3F318000)


def _ref_sincos8(x):
    j = (x * _fb(0x3FA2F983)).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(F32)
    for dp in (0xBF490000, 0xB97DA000, 0xB3222169):
        x = _ref_fma32(y, _fb(dp), x)
    z = x * x
    c = _ref_fma32(_fb(0x37CCF5CE), z, _fb(0xBAB6061A))
    c = _ref_fma32(c, z, _fb(0x3D2AAAA5)) * z
    c = _ref_fma32(c, z, -(F32(0.5) * z)) + F32(1)
    s = _ref_fma32(_fb(0xB94CA1F9), z, _fb(0x3C08839E))
    s = _ref_fma32(s, z, _fb(0xBE2AAAA3)) * z
    s = _ref_fma32(s, x, x)
    use_sin = (j & 2) == 0
    sin_o = np.where(use_sin, s, c).view(np.uint32).copy()
    cos_o = np.where(use_sin, c, s).view(np.uint32).copy()
    sin_o ^= np.where((j & 4) != 0, np.uint32(0x80000000), np.uint32(0))
    cos_o ^= np.where(((j - 2) & 4) == 0, np.uint32(0x80000000), np.uint32(0))
    return sin_o.view(F32), cos_o.view(F32)


def test_float32_kernel_exhaustive():
    full = os.environ.get("TOCHA_RNG_EXHAUSTIVE") == "1"
    step = 1 if full else 13  # 13 is coprime to every power of two: all residues get visited
    chunk = 1 << 20
    for start in range(0, 1 << 24, chunk):
        k = np.arange(start, start + chunk, step, dtype=np.uint32)
        u1 = (np.uint32(1 << 24) - k).astype(F32) * F32(2.0**-24)
        assert np.array_equal(RN._log8(u1.copy()).view(np.uint32),
                              _ref_log8(u1).view(np.uint32))
        theta = (k.astype(F32) * F32(2.0**-24)) * RN._TWO_PI_F32
        s1, c1 = RN._sincos8(theta.copy())
        s2, c2 = _ref_sincos8(theta)
        assert np.array_equal(s1.view(np.uint32), s2.view(np.uint32))
        assert np.array_equal(c1.view(np.uint32), c2.view(np.uint32))


def test_libm_checks_run():
    x = np.linspace(0.01, 1, 50)
    assert np.array_equal(E.log64(x), np.array([math.log(v) for v in x]))
    assert np.array_equal(E.log1p64(-x * 0.5), np.array([math.log1p(-v * 0.5) for v in x]))


@pytest.mark.parametrize("n", [2, 3, 5, 8, 17, 100, 4097, 30000])
def test_randperm_vectorised_swaps_equal_loop(n):
    rng = np.random.default_rng(n)
    steps = np.arange(n - 1, dtype=np.int64)
    cases = [steps + rng.integers(0, n - steps),  # random partners
             steps.copy(),  # every swap a no-op
             np.full(n - 1, n - 1, dtype=np.int64),  # always the last position: one long chain
             np.minimum(steps + 1, n - 1)]  # always the next position
    for j in cases:
        assert np.array_equal(R._swaps_vectorised(j, n), R._swaps_loop(j, n))
