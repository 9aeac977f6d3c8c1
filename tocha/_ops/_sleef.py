"""SLEEF's float32 ``tanhf_u10`` and ``expf_u10`` (FMA builds) bit for bit, vectorised in NumPy.

ATen's ``Vectorized<float>::tanh`` / ``::exp`` call these SLEEF functions (AVX2 and AVX-512
give identical results). Where they show up in PyTorch 2.13 CPU (x86-64 wheel, MKL build):
- ``torch.sigmoid`` (float32) is ``1 / (Sleef_expf_u10(0 - x) + 1)``: ``sigmoidf`` matches it
  bit for bit (except ATen's scalar loop tails, see ``sigmoidf``).
- ``torch.tanh`` and ``torch.exp`` (float32) do NOT use SLEEF on MKL builds: they call MKL VML
  (``vmsTanh`` / ``vmsExp``, VML_HA), whose last-place differences cannot be derived here.
  ``tanhf`` is what non-MKL builds and fused kernels using ``Vectorized<float>::tanh`` compute.

tanhf works in "double-float" arithmetic (value = hi + lo, two float32s) with fused
multiply-adds, so ``RN32(tanh64(x))`` differs from it in about 0.2 % of inputs:

    y = |x|;  (dx, dy) = expk2f(y) ~ e**y     (range reduction by ln 2, degree-7 polynomial,
                                               double-float additions and products)
    (ex, ey) = 1 / (dx, dy)                    (double-float reciprocal)
    t = ((dx, dy) - (ex, ey)) / ((dx, dy) + (ex, ey))      (double-float division)
    tanh = copysign(RN32(tx + ty), x); 1 where |x| > 8.664339742 (SLEEF's cut-off: the
    true tanh rounds to 1 only above 9.01); NaN gives a NaN with all bits set.

Each fused multiply-add is emulated exactly (round to odd in float64, then one rounding to
float32; the RNG specification ``docs/rng.md`` 1.3). Plain float32 NumPy operations are IEEE
correctly rounded, like the vector instructions they stand for.

Speed: the exact emulation costs about 150 NumPy passes (~0.3 us an element). ``tanhf``
therefore rounds NumPy's float64 ``tanh`` to float32 and runs the emulation only where that
can differ from SLEEF: for 2**-24 <= |x| < 2**-12, and where the float64 value lies within
SLEEF's own error of a float32 rounding boundary. ``_MARGIN`` holds, per binade of |x|,
1.25 x (the largest |SLEEF double-float - float64 tanh| over every float32 of that binade,
in float64 ulps of the result) + 1024. Below 2**-24 SLEEF returns x itself (checked on every
float32).
"""
from __future__ import annotations

import numpy as np

_F32 = np.float32
_F64 = np.float64
_U64 = np.uint64

# SLEEF's constants (float32): ln 2 split in a short high part and a low part, 1/ln 2,
# the polynomial for (e**s - 1 - s - s**2/2 - s**3/6)/s**4-ish, and tanh's saturation point.
_L2U = _F32(0.693145751953125)
_L2L = _F32(1.428606765330187045e-06)
_R_LN2 = _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
_P0 = _F32(0.1980960224e-3)
_P1 = _F32(0.1394256484e-2)
_P2 = _F32(0.8333456703e-2)
_P3 = _F32(0.4166637361e-1)
_C6 = _F32(0.166666659414234244790680580464)
_HALF = _F32(0.5)
_ONE = _F32(1.0)
_SAT = _F32(8.664339742)

# below _TINY SLEEF returns x; from _TINY to _SMALL always emulate; above, the float64 tanh
# decides unless it lies within _MARGIN[binade of |x|] float64 ulps of a float32 rounding
# boundary (low 29 mantissa bits == 2**28)
_TINY = _F32(2.0 ** -24)
_SMALL = _F32(2.0 ** -12)
_MARGIN = np.array([435200, 215040, 117760, 60416, 30720, 51200, 205824, 1096704, 5387264,
                    9629696, 9405440, 2950144, 973824, 99328, 3072, 2048], np.int64)  # 2**-12..
_LOW29 = _U64((1 << 29) - 1)
_MID = 1 << 28
_EXP64 = _U64(0x7FF << 52)
_TINY64 = _U64((1023 - 126) << 52)         # float64 bits of 2**-126
_NAN = np.uint32(0xFFFFFFFF).view(_F32)    # SLEEF ORs an all-ones mask into NaN results


# ----------------------------------------------------------------------- exact float32 fma
def _fma(a, b, c) -> np.ndarray:
    """Exact ``RN32(a*b + c)`` for float32 arrays/scalars (one rounding, like vfmadd)."""
    p = np.multiply(a, b, dtype=_F64)          # exact: 24 + 24 bits
    c64 = np.asarray(c, dtype=_F64)
    s = p + c64
    # RN32(RN64(p + c)) can differ from RN32(p + c) only if RN64 landed exactly on a float32
    # rounding boundary: low 29 bits == 2**28 for normal results, other patterns below
    # 2**-126. Only those (rare) elements get the TwoSum error and round to odd.
    bits = s.view(_U64)
    risky = ((bits & _LOW29) == _U64(_MID)) | ((bits & _EXP64) < _TINY64)
    if risky.any():
        pp = np.broadcast_to(p, s.shape)[risky]
        cc = np.broadcast_to(c64, s.shape)[risky]
        ss = s[risky]
        bb = ss - pp
        err = (pp - (ss - bb)) + (cc - bb)     # TwoSum: p + c == s + err exactly
        fix = (err != 0) & ((ss.view(_U64) & _U64(1)) == 0)
        ss.view(np.int64)[...] += np.where(fix, np.where((err > 0) == (ss > 0), 1, -1), 0)
        s[risky] = ss
    return s.astype(_F32)


def _prod_err(a, b, r) -> np.ndarray:
    """``fmsub(a, b, r)`` with ``r = RN32(a*b)``: the product's rounding error (exact)."""
    return (np.multiply(a, b, dtype=_F64) - r).astype(_F32)


def _one_minus(a, b) -> np.ndarray:
    """``fnmadd(a, b, 1)`` with ``b ~ 1/a``: ``1 - a*b`` is exact in float64 (Sterbenz)."""
    return (1.0 - np.multiply(a, b, dtype=_F64)).astype(_F32)


# ------------------------------------------------------------------ double-float helpers
def _add2_f(xh, xl, y):
    """(xh, xl) + y, y of any size (TwoSum on the high parts)."""
    rh = xh + y
    v = rh - xh
    rl = (xh - (rh - v)) + (y - v)
    return rh, rl + xl


def _add2(xh, xl, yh, yl):
    """(xh, xl) + (yh, yl), no ordering assumed."""
    rh = xh + yh
    v = rh - xh
    rl = (xh - (rh - v)) + (yh - v)
    return rh, rl + (xl + yl)


def _add_ordered(xh, xl, yh, yl):
    """(xh, xl) + (yh, yl) assuming |xh| >= |yh| (Fast2Sum)."""
    rh = xh + yh
    return rh, (((xh - rh) + yh) + xl) + yl


def _mul_f(xh, xl, y):
    """(xh, xl) * y."""
    rh = xh * y
    return rh, _fma(xl, y, _prod_err(xh, y, rh))


def _mul(xh, xl, yh, yl):
    """(xh, xl) * (yh, yl)."""
    rh = xh * yh
    return rh, _fma(xh, yl, _fma(xl, yh, _prod_err(xh, yh, rh)))


def _sq(xh, xl):
    """(xh, xl) ** 2."""
    rh = xh * xh
    return rh, _fma(xh + xh, xl, _prod_err(xh, xh, rh))


def _rec(dh, dl):
    """1 / (dh, dl)."""
    qh = _ONE / dh
    return qh, qh * _fma(-dl, qh, _one_minus(dh, qh))


def _div(nh, nl, dh, dl):
    """(nh, nl) / (dh, dl)."""
    t = _ONE / dh
    qh = nh * t
    u = _prod_err(t, nh, qh)
    ql = _fma(-dl, t, _one_minus(dh, t))
    return qh, _fma(qh, ql, _fma(nl, t, u))


# ------------------------------------------------------------------------------ tanh core
def _ldexp2(v, q):
    """v * 2**q in two exact steps (SLEEF's vldexp2; q small here)."""
    h = q >> 1
    return (v * np.ldexp(_ONE, h).astype(_F32)) * np.ldexp(_ONE, q - h).astype(_F32)


def _expk2(y):
    """e**y as a double-float, y >= 0 float32 (SLEEF expk2f with a zero low part)."""
    q = np.rint(y * _R_LN2).astype(np.int32)
    qf = q.astype(_F32)
    sh, sl = _add2_f(y, np.zeros_like(y), qf * -_L2U)
    sh, sl = _add2_f(sh, sl, qf * -_L2L)
    u = _fma(_fma(_fma(_P0, sh, _P1), sh, _P2), sh, _P3)
    th, tl = _add2_f(*_mul_f(sh, sl, u), _C6)
    th, tl = _add2_f(*_mul(sh, sl, th, tl), _HALF)
    th, tl = _add2(sh, sl, *_mul(*_sq(sh, sl), th, tl))
    rh = _ONE + th
    rl = ((_ONE - rh) + th) + tl
    return _ldexp2(rh, q), _ldexp2(rl, q)


def _tanh_df(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SLEEF's double-float tanh(y) for float32 0 <= y <= 8.67: (hi, lo), result RN32(hi+lo)."""
    dh, dl = _expk2(y)
    eh, el = _rec(dh, dl)
    nh, nl = _add_ordered(dh, dl, -eh, -el)
    mh, ml = _add_ordered(dh, dl, eh, el)
    return _div(nh, nl, mh, ml)


def _tanh_exact(y: np.ndarray) -> np.ndarray:
    """SLEEF tanhf of float32 0 <= y <= 8.67 (no fast path)."""
    with np.errstate(all="ignore"):
        h, lo = _tanh_df(y)
        return h + lo


def tanhf(x: np.ndarray) -> np.ndarray:
    """float32 tanh equal bit for bit to SLEEF's ``Sleef_tanhf8_u10`` (AVX2/AVX-512, FMA).

    x: float32 array of any shape; returns a new float32 array of the same shape.
    """
    x = np.asarray(x, dtype=_F32)
    shape = x.shape
    x = x.reshape(-1)
    y = np.abs(x)
    out = y.copy()                             # |x| < 2**-24: tanh is x itself
    out[y > _SAT] = _ONE                       # SLEEF's saturation (before the sign)
    with np.errstate(all="ignore"):
        mid = (y >= _TINY) & (y < _SMALL)
        if mid.any():
            out[mid] = _tanh_exact(y[mid])
        big = (y >= _SMALL) & (y <= _SAT)      # False for NaN
        if big.any():
            yb = y[big]
            f = np.tanh(yb.astype(_F64))
            r = f.astype(_F32)
            binade = (yb.view(np.int32) >> 23) - 115        # 2**-12 -> 0
            dist = np.abs((f.view(_U64) & _LOW29).astype(np.int64) - _MID)
            slow = dist <= _MARGIN[binade]
            if slow.any():
                r[slow] = _tanh_exact(yb[slow])
            out[big] = r
    np.copysign(out, x, out=out)
    out[np.isnan(x)] = _NAN
    return out.reshape(shape)


# ------------------------------------------------------------------- expf and sigmoid
_E0 = _F32(0.000198527617612853646278381)
_E1 = _F32(0.00139304355252534151077271)
_E2 = _F32(0.00833336077630519866943359)
_E3 = _F32(0.0416664853692054748535156)
_E4 = _F32(0.166666671633720397949219)


def expf(x: np.ndarray) -> np.ndarray:
    """float32 exp equal bit for bit to SLEEF's ``Sleef_expf8_u10`` (FMA build).

    Cody-Waite reduction s = x - q ln2 (two fused steps), degree-7 polynomial evaluated with
    fused multiply-adds, scaling by 2**q in two exact steps; 0 below -104, inf above 100.
    Not what ``torch.exp`` uses on MKL builds (MKL ``vmsExp``), but what ATen's
    ``Vectorized<float>::exp`` (hence ``torch.sigmoid``) computes. x: float32, any shape.
    """
    x = np.asarray(x, dtype=_F32)
    shape = x.shape
    d = x.reshape(-1)
    with np.errstate(all="ignore"):
        q = np.rint(d * _R_LN2)
        q = np.where(np.abs(q) < 2.0 ** 31, q, -2.0 ** 31).astype(np.int32)  # cvtps2dq
        qf = q.astype(_F32)
        s = _fma(qf, -_L2U, d)
        s = _fma(qf, -_L2L, s)
        u = _fma(_fma(_fma(_fma(_fma(_E0, s, _E1), s, _E2), s, _E3), s, _E4), s, _HALF)
        u = _ONE + _fma(s * s, u, s)
        u = _ldexp2(u, np.clip(q, -300, 300))   # q only matters for -104 <= x <= 100
        u[d < _F32(-104)] = 0
        u[_F32(100) < d] = np.inf
    return u.reshape(shape)


def sigmoidf(x: np.ndarray) -> np.ndarray:
    """float32 sigmoid as ATen's vectorised kernel: ``1 / (expf(0 - x) + 1)``, all float32.

    Equals ``torch.sigmoid`` bit for bit except on the elements ATen's loop leaves to its
    scalar tail (per contiguous row/parallel chunk, the last ``n % 32`` elements with
    AVX-512, ``n % 16`` with AVX2), which use ``1 / (1 + std::exp(-x))`` with glibc's expf.
    """
    x = np.asarray(x, dtype=_F32)
    with np.errstate(all="ignore"):
        return _ONE / (expf(_F32(0) - x) + _ONE)
