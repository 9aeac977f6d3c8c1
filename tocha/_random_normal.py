"""Normal samplers bit-identical to PyTorch's CPU kernels (rng.md section 6).

Three kernels: the element-wise float64 Box-Muller path with a cached spare (< 16 elements),
the 16-wide float64 path, and the 16-wide float32 AVX2 path whose Cephes-style ``log`` and
``sincos`` are emulated operation by operation (rng.md 6.5-6.7).

Speed: every fused step of the float32 kernel is evaluated in float64 and rounded once to
float32.  That equals the true fused result unless the float64 sum itself was inexact and landed
on a float32 rounding midpoint.  Both transcendental functions only ever see one of 2**24 inputs
(a 24-bit uniform), and for all of those inputs the float64 evaluation of every fused step in
``_log8``/``_sincos8`` is exact enough; this is checked exhaustively by
``tests/test_random.py::test_float32_kernel_exhaustive`` against the spec's exact FMA.  Only the
final ``fma(z, std, mean)`` with arbitrary user values needs the midpoint correction.

Cost: NumPy runs one pass per operation (about 110 per block here), so what counts is the cost
of each pass.  Blocks of 4096 rows keep the workspace in the L2 cache; every step writes into
a reused buffer (no temporaries); selections are integer bit masks, never ``np.where`` or
``where=`` (NumPy's masked loops are scalar: ~20x a plain pass); and the two 8-lane halves of
each row are moved as 32-byte items instead of being computed on through column views.
"""

from __future__ import annotations

import math

import numpy as np

from ._dtype_ext import scalar_name
from ._random_engine import (
    Generator,
    _fix_midpoints,
    _resolve,
    cos64,
    fma64,
    fma64_scalar,
    log64,
    sin64,
)

__all__ = ["normal", "normal_scalar", "normal_tensor", "standard_normal_rows_f32"]

_F32 = np.float32
_F64 = np.float64
_TWO_PI = 6.283185307179586  # 0x1.921fb54442d18p+2, one rounding of 2*pi


def _f32bits(b: int) -> np.float32:
    return np.array([b], dtype=np.uint32).view(np.float32)[0]


# LOG8 constants (rng.md 6.6), by bit pattern.
_SQRTHF = _f32bits(0x3F3504F3)
_LOG_P = [float(_f32bits(b)) for b in (0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F,
                                       0x3E11E9BF, 0xBE2AAE50, 0x3E4CCEAC, 0xBE7FFFFC,
                                       0x3EAAAAAA)]
_Q1 = _f32bits(0xB95E8083)
_Q2 = _f32bits(0x3F318000)
# SINCOS8 constants (rng.md 6.7).
_FOPI = _f32bits(0x3FA2F983)
_DP1 = _f32bits(0xBF490000)
_DP2 = _f32bits(0xB97DA000)
_DP3_64 = np.float64(_f32bits(0xB3222169))  # a float64 scalar: float64 product loop
_S0, _S1, _S2 = (float(_f32bits(b)) for b in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3))
_C0, _C1, _C2 = (float(_f32bits(b)) for b in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5))
_TWO_PI_F32 = _f32bits(0x40C90FDB)
_BLOCK = 4096  # rows of 16 per block: the workspace (about 1.5 MB) stays in the L2 cache
_U24 = np.uint32(0xFFFFFF)
_V32 = np.dtype("V32")  # 8 float32/uint32 lanes moved as one item
# theta = RN32(TWO_PI_F32 * (k * 2**-24)) = RN32(k * (TWO_PI_F32 * 2**-24)): scaling by a
# power of two is exact, so the two products fold into one.
_ANGLE_STEP = _F32(float(_TWO_PI_F32) * 2.0**-24)


class _Work:
    """Reusable buffers for one block of the float32 kernel.

    NumPy pays for every fresh temporary (allocation, page faults) and every masked or
    ``np.where`` pass (scalar loops, ~20x a plain SIMD pass), so the kernel below runs each
    step as one ufunc writing into these buffers, and selects with integer bit masks.
    """

    def __init__(self, n: int) -> None:
        self.f = [np.empty(n, _F32) for _ in range(7)]
        self.d = [np.empty(n, _F64) for _ in range(2)]
        self.i = [np.empty(n, np.int32) for _ in range(3)]
        self.u = [np.empty(n, np.uint32) for _ in range(2)]

    def cut(self, n: int) -> _Work:
        """The same buffers trimmed to ``n`` elements (a short last block)."""
        w = _Work.__new__(_Work)
        w.f = [a[:n] for a in self.f]
        w.d = [a[:n] for a in self.d]
        w.i = [a[:n] for a in self.i]
        w.u = [a[:n] for a in self.u]
        return w


def _fma_round(t64: np.ndarray, out32: np.ndarray) -> np.ndarray:
    """RN32 of the float64 fused sum ``t64`` into ``out32`` (exact here: module doc)."""
    np.copyto(out32, t64, casting="same_kind")
    return out32


def _log8_into(fbits: np.ndarray, ebias: int, w: _Work) -> np.ndarray:
    """LOG8 (rng.md 6.6) of the float32 values whose bits are ``fbits`` times 2**-ebias.

    Returns ``w.f[0]``.  ``ebias`` lets the caller pass the integer 2**24 - k as a float
    (exact) instead of scaling it to (0, 1] first: the mantissa is the same, only the
    exponent moves.
    """
    x, z, y, e, q = w.f[0], w.f[1], w.f[2], w.f[3], w.f[4]
    x64, y64 = w.d
    mb, sg, tmp = w.i
    np.bitwise_and(fbits, 0x007FFFFF, out=mb)
    np.bitwise_or(mb, 0x3F000000, out=mb)  # m = mantissa moved into [0.5, 1)
    # sg = -1 where m < sqrt(1/2) (positive floats order like their bits), else 0.
    np.subtract(mb, 0x3F3504F3, out=sg)
    np.right_shift(sg, 31, out=sg)
    # There x = (m - 1) + m = 2m - 1 (exact): add 1 to m's exponent and subtract 1 below.
    np.left_shift(sg, 23, out=tmp)
    np.subtract(mb, tmp, out=mb)
    np.subtract(mb.view(_F32), _F32(1), out=x)
    # e = (exponent - 126) - [m < sqrt(1/2)]: small integers, exact in float32.
    np.right_shift(fbits, 23, out=tmp)
    np.add(tmp, sg, out=tmp)
    np.subtract(tmp, 126 + ebias, out=tmp)
    np.copyto(e, tmp, casting="same_kind")
    np.multiply(x, x, out=z)
    # Horner in float64, rounded to float32 after each fused step.
    np.copyto(x64, x)
    np.multiply(x64, _LOG_P[0], out=y64)
    np.add(y64, _LOG_P[1], out=y64)
    for p in _LOG_P[2:]:
        _fma_round(y64, y)
        np.copyto(y64, y)  # cast, then a float64 product: faster than one mixed-type ufunc
        np.multiply(y64, x64, out=y64)
        np.add(y64, p, out=y64)
    _fma_round(y64, y)
    np.multiply(y, x, out=y)  # step 6: a plain float32 product
    # Step 7: fma(y, z, RN32(e*Q1)).
    np.multiply(e, _Q1, out=q)
    np.copyto(x64, z)
    np.multiply(y, x64, out=y64)
    np.add(y64, q, out=y64)
    _fma_round(y64, y)
    np.multiply(z, _F32(0.5), out=z)
    np.subtract(y, z, out=y)
    np.add(x, y, out=x)
    np.multiply(e, _Q2, out=e)  # exact: Q2 has 9 significant bits
    np.add(x, e, out=x)
    return x


def _sincos8_into(theta: np.ndarray, w: _Work) -> tuple[np.ndarray, np.ndarray]:
    """SINCOS8 (rng.md 6.7) of ``theta`` in [0, 2*pi): returns (sin, cos) in ``w.f[2]``,
    ``w.f[3]``.  Uses every buffer but ``w.f[0]`` and ``w.f[5]``."""
    x, z, s, c, t = w.f[1], w.f[4], w.f[2], w.f[3], w.f[6]
    z64, t64 = w.d
    j, msk, d = w.i
    # theta >= 0 always (an angle 2*pi*u), so the input-sign handling of the kernel is moot.
    np.multiply(theta, _FOPI, out=t)
    np.copyto(j, t, casting="unsafe")  # truncation toward zero, as the kernel's cvttps
    np.add(j, 1, out=j)
    np.bitwise_and(j, ~1, out=j)
    np.copyto(t, j, casting="same_kind")  # y = float(j), 0..8
    # y*DP1 and y*DP2 are exact in float32 (y <= 8), so those fused steps are plain adds.
    np.multiply(t, _DP1, out=x)
    np.add(theta, x, out=x)
    np.multiply(t, _DP2, out=z)
    np.add(x, z, out=x)
    np.multiply(t, _DP3_64, out=t64)  # float64 loop: exact product
    np.add(t64, x, out=t64)
    _fma_round(t64, x)
    np.multiply(x, x, out=z)
    np.copyto(z64, z)
    # cos polynomial: fma(C0, z, C1), fma(c, z, C2), c*z, fma(c, z, -z/2), + 1
    np.multiply(z64, _C0, out=t64)
    np.add(t64, _C1, out=t64)
    _fma_round(t64, c)
    np.multiply(c, z64, out=t64)
    np.add(t64, _C2, out=t64)
    _fma_round(t64, c)
    np.multiply(c, z, out=c)
    np.multiply(c, z64, out=t64)
    np.multiply(z, _F32(-0.5), out=t)  # exact
    np.add(t64, t, out=t64)
    _fma_round(t64, c)
    np.add(c, _F32(1), out=c)
    # sin polynomial: fma(S0, z, S1), fma(s, z, S2), s*z, fma(s, x, x)
    np.multiply(z64, _S0, out=t64)
    np.add(t64, _S1, out=t64)
    _fma_round(t64, s)
    np.multiply(s, z64, out=t64)
    np.add(t64, _S2, out=t64)
    _fma_round(t64, s)
    np.multiply(s, z, out=s)
    np.copyto(z64, x)
    np.multiply(s, z64, out=t64)
    np.add(t64, z64, out=t64)
    _fma_round(t64, s)
    _swap_and_sign(s, c, j, msk, d)
    return s, c


def _swap_and_sign(s: np.ndarray, c: np.ndarray, j: np.ndarray, msk: np.ndarray,
                   d: np.ndarray) -> None:
    """Finish SINCOS8 in place: swap the polynomials where j & 2, then set the signs."""
    # Where j & 2 the polynomials swap roles: exchange s and c under an all-ones bit mask
    # (msk = -1 there), then flip sign bits: sin by j & 4, cos by (j + 2) & 4.
    sb, cb = s.view(np.int32), c.view(np.int32)
    np.left_shift(j, 30, out=msk)
    np.right_shift(msk, 31, out=msk)
    np.bitwise_xor(sb, cb, out=d)
    np.bitwise_and(d, msk, out=d)
    np.bitwise_xor(sb, d, out=sb)
    np.bitwise_xor(cb, d, out=cb)
    np.bitwise_and(j, 4, out=d)
    np.left_shift(d, 29, out=d)
    np.bitwise_xor(sb, d, out=sb)
    np.add(j, 2, out=d)
    np.bitwise_and(d, 4, out=d)
    np.left_shift(d, 29, out=d)
    np.bitwise_xor(cb, d, out=cb)


def _log8(u1: np.ndarray) -> np.ndarray:
    """Cephes float32 natural log of ``u1`` in (0, 1] with the AVX2 rounding sequence."""
    u1 = np.ascontiguousarray(u1, dtype=_F32)
    return _log8_into(u1.view(np.int32), 0, _Work(u1.size)).copy()


def _sincos8(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cephes float32 (sin, cos) of ``theta`` in [0, 2*pi) with the AVX2 rounding sequence."""
    theta = np.ascontiguousarray(theta, dtype=_F32)
    s, c = _sincos8_into(theta, _Work(theta.size))
    return s.copy(), c.copy()


def standard_normal_rows_f32(w: np.ndarray) -> np.ndarray:
    """Standard normals for words ``w`` of shape (rows, 16) (uint32): the AVX2 chunk kernel."""
    rows = w.shape[0]
    out = np.empty((rows, 16), dtype=_F32)
    block = min(rows, _BLOCK)
    full = _Work(8 * block)
    k = np.empty((block, 16), dtype=np.uint32)
    for r0 in range(0, rows, _BLOCK):
        wb = w[r0:r0 + _BLOCK]
        nr = wb.shape[0]
        ws = full if nr == block else full.cut(8 * nr)
        kb = k[:nr]
        np.bitwise_and(wb, _U24, out=kb)
        # Each row is 8 radius words then 8 angle words.  Ufuncs on (rows, 8) column views
        # run an 8-long inner loop per row (~8x a contiguous pass), so the halves are moved
        # as 32-byte items into contiguous buffers first, and the results moved back likewise.
        kr, ka = ws.u
        np.take(kb.view(_V32), 0, axis=1, out=kr.view(_V32))
        np.take(kb.view(_V32), 1, axis=1, out=ka.view(_V32))
        # Radius lanes: u1 = 1 - k * 2**-24 = (2**24 - k) * 2**-24; pass 2**24 - k (exact
        # as a float) and let _log8_into take the 2**-24 off the exponent.
        np.subtract(np.uint32(1 << 24), kr, out=kr)
        np.copyto(ws.f[5], kr, casting="same_kind")
        radius = _log8_into(ws.f[5].view(np.int32), 24, ws)
        np.multiply(radius, _F32(-2), out=ws.f[5])
        radius = np.sqrt(ws.f[5], out=ws.f[5])
        theta = ws.f[0]
        np.copyto(theta, ka, casting="same_kind")
        np.multiply(theta, _ANGLE_STEP, out=theta)
        s, c = _sincos8_into(theta, ws)
        np.multiply(c, radius, out=ws.f[1])
        np.multiply(s, radius, out=ws.f[4])
        ob = out[r0:r0 + nr].view(_V32)
        ob[:, 0] = ws.f[1].view(_V32)
        ob[:, 1] = ws.f[4].view(_V32)
    return out


def _affine32(z: np.ndarray, mean: float, std: float) -> np.ndarray:
    """In place ``fma32(z, RN32(std), RN32(mean))`` (explicit fma in the kernel)."""
    mean32, std32 = _F32(mean), _F32(std)
    if std32 == 1:
        z += mean32  # fma(z, 1, m) = RN(z + m); also turns -0.0 into +0.0 like the fma
    elif mean32 == 0:
        z *= std32  # RN(z*s) then + (+-0) reproduces the fma's signed-zero result
        z += mean32
    else:
        p = z.astype(_F64)
        p *= float(std32)
        s = p + float(mean32)
        _fix_midpoints(s, p, float(mean32))
        np.copyto(z, s, casting="same_kind")
    return z


def _affine64(z: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``fma64(z, std, mean)`` for a float64 array."""
    if std == 1.0:
        z += mean
        return z
    if mean == 0.0:
        z *= std
        z += mean
        return z
    return fma64(z, std, mean)


def _scalar_path(n: int, mean: float, std: float, g: Generator) -> list[float]:
    """Element-wise Box-Muller with the generator's cached spare (rng.md 6.2), as floats."""
    out: list[float] = []
    spare = g._spare
    if spare is not None:
        out.append(spare)
        g._spare = None
    need = n - len(out)
    if need > 0:
        u = g.u53_list(2 * ((need + 1) // 2))
        log1p, sqrt, sin, cos = math.log1p, math.sqrt, math.sin, math.cos
        for i in range(0, len(u), 2):
            r = sqrt(-2.0 * log1p(-u[i + 1]))  # the second uniform gives the radius
            theta = _TWO_PI * u[i]
            out.append(r * cos(theta))
            out.append(r * sin(theta))
        if need % 2:
            g._spare = out.pop()
    # fma64(z, std, mean); with std 1 it is z + mean (which also turns -0.0 into +0.0).
    if std == 1.0:
        return [z + mean for z in out]
    return [fma64_scalar(z, std, mean) for z in out]


def _fmt(v: float) -> str:
    """C++ ostream formatting of a double (as in PyTorch's messages)."""
    return f"{v:g}"


def normal(shape: tuple[int, ...], np_dtype: object, mean: float = 0.0, std: float = 1.0,
           generator: Generator | None = None) -> np.ndarray:
    """``torch.empty(shape, dtype).normal_(mean, std)`` as a new C-contiguous array."""
    dtype = np.dtype(np_dtype)
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    if dtype.kind == "c":
        # PyTorch draws a complex tensor as its view_as_real pairs, with std / sqrt(2)
        pairs = normal(tuple(shape) + (2,), dtype.char.lower(), mean, std / math.sqrt(2),
                       generator)
        return pairs.view(dtype)[..., 0]
    if dtype.kind not in "fV":          # V: bfloat16 (ml_dtypes), drawn as float16 is
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for {_torch_name(dtype)}')
    g = _resolve(generator)
    shape = tuple(shape)
    n = math.prod(shape)
    if n < 16:
        if n == 0:
            return np.empty(shape, dtype=dtype)
        vals = np.array(_scalar_path(n, mean, std, g), dtype=_F64)
        if dtype == _F64:
            return vals.reshape(shape)
        return vals.astype(_F32).astype(dtype, copy=False).reshape(shape)
    tail = n % 16
    if dtype == _F64:
        return _normal16_f64(n, tail, mean, std, g).reshape(shape)
    if dtype == _F32:
        # The tail's n % 16 uniforms are drawn, then overwritten by 16 fresh ones (rng.md 6.3).
        w = g.u32(n + 16 if tail else n)
        rows = standard_normal_rows_f32(_tail_words(w, n) if tail else w.reshape(-1, 16))
        if not tail:                      # the rows are the result: no copy
            return _affine32(rows.reshape(-1), mean, std).reshape(shape)
        full = n - tail
        out = np.empty(n, dtype=_F32)
        out[:full] = rows[: full // 16].reshape(-1)
        out[n - 16:] = rows[-1]
        return _affine32(out, mean, std).reshape(shape)
    if dtype == np.float16 or dtype.kind == "V":
        # Each chunk draws its own 16 uniforms right before use, the tail 16 more (rng.md 6.3).
        nrows = -(-n // 16)
        rows = standard_normal_rows_f32(g.u32(16 * nrows).reshape(-1, 16))
        out32 = np.empty(n, dtype=_F32)
        full = n - tail
        out32[:full] = rows[: full // 16].reshape(-1)
        if tail:
            out32[n - 16:] = rows[-1]
        return _affine32(out32, mean, std).astype(dtype).reshape(shape)
    raise NotImplementedError(f'"normal_kernel_cpu" not implemented for {_torch_name(dtype)}')


def normal_scalar(shape: tuple[int, ...], np_dtype: object, mean: float = 0.0,
                  std: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """The element-wise path at any size: PyTorch's ``normal_`` on a non-contiguous output.

    Values come in the output's memory order; the caller lays them out (rng.md 2.5, 6.1).
    """
    dtype = np.dtype(np_dtype)
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    if dtype.kind != "f":
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for {_torch_name(dtype)}')
    n = math.prod(shape)
    vals = np.array(_scalar_path(n, mean, std, _resolve(generator)) if n else [], dtype=_F64)
    if dtype != _F64:
        vals = vals.astype(_F32).astype(dtype, copy=False)
    return vals.reshape(shape)


def _tail_words(w: np.ndarray, n: int) -> np.ndarray:
    """Rows for a float32 call with a tail: the full chunks, then the 16 fresh tail words."""
    full = n - n % 16
    rows = np.empty((full // 16 + 1, 16), dtype=w.dtype)
    rows[:-1] = w[:full].reshape(-1, 16)
    rows[-1] = w[n:]
    return rows


def _normal16_f64(n: int, tail: int, mean: float, std: float, g: Generator) -> np.ndarray:
    """The 16-wide float64 kernel (rng.md 6.3/6.4); ``n`` elements, float64."""
    d = g.u53(n + 16 if tail else n)
    full = n - tail
    if tail:
        rows = np.empty((full // 16 + 1, 16), dtype=_F64)
        rows[:-1] = d[:full].reshape(-1, 16)
        rows[-1] = d[n:]
    else:
        rows = d.reshape(-1, 16)
    u1 = 1.0 - rows[:, :8]
    radius = log64(u1)
    radius *= -2.0
    np.sqrt(radius, out=radius)
    theta = rows[:, 8:] * _TWO_PI
    res = np.empty_like(rows)
    np.multiply(radius, cos64(theta), out=res[:, :8])
    np.multiply(radius, sin64(theta), out=res[:, 8:])
    res = _affine64(res.reshape(-1), mean, std).reshape(-1, 16)
    out = np.empty(n, dtype=_F64)
    out[:full] = res[: full // 16].reshape(-1)
    if tail:
        out[n - 16:] = res[-1]
    return out


def _torch_name(dtype: np.dtype) -> str:
    return "'" + scalar_name(dtype) + "'"


def normal_tensor(mean: np.ndarray | float, std: np.ndarray | float, np_dtype: object,
                  generator: Generator | None = None) -> np.ndarray:
    """``torch.normal`` with an array ``mean`` and/or ``std`` (broadcast; rng.md 6.8)."""
    dtype = np.dtype(np_dtype)
    mean_arr = isinstance(mean, np.ndarray)
    std_arr = isinstance(std, np.ndarray)
    if std_arr:
        std_a = std.astype(dtype, copy=False)
        if not (std_a >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    if mean_arr and not std_arr:
        z = normal(mean.shape, dtype, 0.0, float(std), generator)
        z += mean.astype(dtype, copy=False)
        return z
    if std_arr and not mean_arr:
        z = normal(std_a.shape, dtype, 0.0, 1.0, generator)
        z *= std_a
        z += dtype.type(mean)
        return z
    if not mean_arr:
        return normal((), dtype, float(mean), float(std), generator)
    shape = np.broadcast_shapes(mean.shape, std_a.shape)
    z = normal(shape, dtype, 0.0, 1.0, generator)
    z *= std_a
    z += mean.astype(dtype, copy=False)
    return z
