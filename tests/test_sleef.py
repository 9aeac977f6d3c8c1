"""tocha._ops._sleef.tanhf: SLEEF's float32 tanh (u10, FMA build) emulated in NumPy."""
import numpy as np

from tocha._ops._sleef import _tanh_exact, expf, sigmoidf, tanhf

# (input bits, expected output bits). Expected values were computed by the real
# Sleef_tanhf8_u10avx2 (and Sleef_tanhf16_u10avx512f: identical) exported by PyTorch 2.13's
# libtorch_cpu.so, called through a small C shim. Rows marked "!" differ from
# RN32(float64 tanh), so a plain float64 tanh cannot pass them.
SPOT = [
    (0xbe3c92fe, 0xbe3a7894),  # ! x=-0.18415448
    (0xbe7e6cca, 0xbe7950ca),  # ! x=-0.24846187
    (0x3e4c02ec, 0x3e495ab6),  # ! x=0.1992299
    (0x3eec14b4, 0x3edca8f7),  # ! x=0.46109545
    (0x3eef4441, 0x3edf3f40),  # ! x=0.4673176
    (0x3e805cdc, 0x3e7b7a81),  # ! x=0.25070846
    (0x3389d491, 0x3389d492),  # ! x=6.4182252e-08
    (0x3385c89d, 0x3385c89e),  # ! x=6.2297865e-08
    (0x3382ce55, 0x3382ce56),  # ! x=6.091128e-08
    (0x41100000, 0x3f800000),  # ! x=9.0: SLEEF saturates to 1 above 8.664339742
    (0x3f000000, 0x3eec9a9f),  # x=0.5
    (0x3f800000, 0x3f42f7d6),  # x=1.0
    (0x40000000, 0x3f76ca83),  # x=2.0
    (0xc0400000, 0xbf7ebbe9),  # x=-3.0
    (0x3a83126f, 0x3a83126c),  # x=1e-3
    (0x3e4ccccd, 0x3e4a1cc2),  # x=0.2
    (0x339652e8, 0x339652e8),  # x=7e-8
    (0x322bcc77, 0x322bcc77),  # x=1e-8
    (0x399d4952, 0x399d4952),  # x=3e-4
    (0x000116c2, 0x000116c2),  # x=1e-40 (subnormal)
    (0x410aa122, 0x3f7fffff),  # x=8.664339
    (0x410aa123, 0x3f7fffff),  # x=8.66434 == float32(8.664339742): not saturated
]


def _bits(a):
    return np.asarray(a, np.float32).view(np.uint32)


def test_spot_values_bit_exact():
    x = np.array([i for i, _ in SPOT], np.uint32).view(np.float32)
    want = np.array([o for _, o in SPOT], np.uint32)
    assert (_bits(tanhf(x)) == want).all()
    assert (_bits(tanhf(-x)) == want ^ np.uint32(0x80000000)).all()
    # the same values element by element, and through the always-exact path
    assert all(_bits(tanhf(x[i:i + 1]))[0] == want[i] for i in range(len(x)))
    small = np.abs(x) <= np.float32(8.664339742)
    assert (_bits(_tanh_exact(np.abs(x[small]))) == want[small] & 0x7FFFFFFF).all()


def test_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, 1e30, -1e30, 3.4e38, 1e-45, -1e-45],
                 np.float32)
    got = tanhf(x)
    assert _bits(got).tolist() == _bits([0.0, -0.0, 1, -1, 1, -1, 1, 1e-45, -1e-45]).tolist()
    n = tanhf(np.array([np.nan, -np.nan], np.float32))
    assert np.isnan(n).all() and (_bits(n) == 0xFFFFFFFF).all()  # SLEEF: all bits set


def test_shapes_and_dtype():
    x = np.linspace(-3, 3, 24, dtype=np.float32).reshape(2, 3, 4)
    y = tanhf(x)
    assert y.shape == x.shape and y.dtype == np.float32
    assert tanhf(np.float32(0.5).reshape(())).shape == ()
    assert tanhf(np.zeros((0, 3), np.float32)).shape == (0, 3)
    assert (tanhf(x[:, ::2]) == tanhf(np.ascontiguousarray(x[:, ::2]))).all()


def test_properties():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(100_000).astype(np.float32) * 3,
                        (10.0 ** rng.uniform(-40, 2, 50_000)).astype(np.float32)])
    y = tanhf(x)
    assert (_bits(tanhf(-x)) == _bits(y) ^ np.uint32(0x80000000)).all()  # odd
    assert (np.abs(y) <= 1).all()
    # within SLEEF's 1.0-ulp bound of the true value (reached near |x| = 6e-8)
    ref = np.tanh(x.astype(np.float64))
    assert (np.abs(y - ref) <= 1.001 * np.spacing(np.abs(ref).astype(np.float32))).all()
    # monotone on a sorted grid
    s = np.sort(x)
    assert (np.diff(tanhf(s)) >= 0).all()


def test_fast_path_equals_exact_path():
    # tanhf decides most elements with float64 tanh; compare with the full emulation
    rng = np.random.default_rng(1)
    y = np.abs(rng.standard_normal(200_000).astype(np.float32) * 2)
    y = np.concatenate([y, (2.0 ** rng.uniform(-24, 3.1, 100_000)).astype(np.float32)])
    y = y[y <= np.float32(8.664339742)]
    assert (_bits(tanhf(y)) == _bits(_tanh_exact(y))).all()


# expf: expected bits from the real Sleef_expf8_u10avx2 in libtorch_cpu.so (C shim); "!" rows
# differ from RN32(float64 exp)
EXP_SPOT = [
    (0x401cbfdc, 0x41394464),  # ! x=2.4492102
    (0x3ebec2f5, 0x3fb9c9fa),  # ! x=0.37258115
    (0xc11f64c2, 0x3845c6da),  # ! x=-9.962099
    (0x3fe1a831, 0x40ba8bf0),  # ! x=1.7629453
    (0x3f800000, 0x402df854),  # x=1
    (0xbf800000, 0x3ebc5ab2),  # x=-1
    (0x41200000, 0x46ac14ee),  # x=10
    (0xc1a00000, 0x310da433),  # x=-20
    (0x42b10000, 0x7f4cdcc4),  # x=88.5
    (0xc2c80000, 0x0000001b),  # x=-100 (subnormal result)
    (0x3f000000, 0x3fd3094c),  # x=0.5
]

# sigmoidf: expected bits from torch.sigmoid (PyTorch 2.13 CPU, float32); "!" rows differ
# from RN32(float64 sigmoid)
SIGMOID_SPOT = [
    (0x3fbf3278, 0x3f510f22),  # ! x=1.4937277
    (0x40d66f37, 0x3f7faf83),  # ! x=6.701076
    (0x3fe4685e, 0x3f5b32c9),  # ! x=1.784435
    (0x3f06ee24, 0x3f20f906),  # ! x=0.52707124
    (0x00000000, 0x3f000000),  # x=0
    (0x40000000, 0x3f617bea),  # x=2
    (0xc0400000, 0x3d4241a2),  # x=-3
    (0x41a00000, 0x3f800000),  # x=20
    (0xc1a00000, 0x310da433),  # x=-20
    (0xc2b40000, 0x00000000),  # x=-90: exp(90) overflows to inf
]


def _check(fn, table):
    x = np.array([i for i, _ in table], np.uint32).view(np.float32)
    want = np.array([o for _, o in table], np.uint32)
    assert (_bits(fn(x)) == want).all()
    assert all(_bits(fn(x[i:i + 1]))[0] == want[i] for i in range(len(x)))


def test_expf_spot_values():
    _check(expf, EXP_SPOT)


def test_expf_specials_and_range():
    x = np.array([0.0, -0.0, np.inf, -np.inf, 100.00001, -104.00001, 3e38, -3e38, 1e-45,
                  -103.0], np.float32)
    got = expf(x)
    assert got[:9].tolist() == [1.0, 1.0, np.inf, 0.0, np.inf, 0.0, np.inf, 0.0, 1.0]
    assert 0 < got[9] < 1e-44                  # subnormal result
    assert np.isnan(expf(np.array([np.nan], np.float32))).all()
    rng = np.random.default_rng(2)
    v = rng.uniform(-80, 80, 100_000).astype(np.float32)
    ref = np.exp(v.astype(np.float64))
    assert (np.abs(expf(v) - ref) <= np.spacing(ref.astype(np.float32))).all()
    assert expf(np.float32(1).reshape(())).shape == ()


def test_sigmoidf_spot_values_and_range():
    _check(sigmoidf, SIGMOID_SPOT)
    rng = np.random.default_rng(3)
    v = (rng.standard_normal(100_000) * 8).astype(np.float32)
    y = sigmoidf(v)
    assert ((y >= 0) & (y <= 1)).all() and (np.diff(sigmoidf(np.sort(v))) >= 0).all()
