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
"""

from __future__ import annotations

import math

import numpy as np

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
_DP3 = float(_f32bits(0xB3222169))
_S0, _S1, _S2 = (float(_f32bits(b)) for b in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3))
_C0, _C1, _C2 = (float(_f32bits(b)) for b in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5))
_TWO_PI_F32 = _f32bits(0x40C90FDB)
_SIGN = np.int32(-0x80000000)
_BLOCK = 2048  # rows of 16 per block: keeps the ~30 temporaries in the L2 cache


def _round32(v64: np.ndarray, out32: np.ndarray) -> np.ndarray:
    """RN32 of a float64 array into ``out32``."""
    np.copyto(out32, v64, casting="same_kind")
    return out32


def _log8(u1: np.ndarray) -> np.ndarray:
    """Cephes float32 natural log of ``u1`` in (0, 1] with the AVX2 rounding sequence."""
    bits = u1.view(np.int32)
    mbits = (bits & np.int32(-0x7F800001)) | 0x3F000000  # mantissa moved into [0.5, 1)
    m = mbits.view(np.float32)
    lt = m < _SQRTHF
    # e = (ebits - 127) + 1, minus 1 where m < sqrt(1/2); all small integers, exact.
    e = ((bits >> 23) - 126 - lt).astype(_F32)
    x = m - _F32(1)
    np.add(x, m, out=x, where=lt)  # (m - 1) + m
    z = x * x
    x64 = x.astype(_F64)
    # Horner in float64, rounded to float32 after each fused step (exact here: module doc).
    y64 = x64 * _LOG_P[0]
    y64 += _LOG_P[1]
    y = y64.astype(_F32)
    for p in _LOG_P[2:]:
        np.copyto(y64, y)
        y64 *= x64
        y64 += p
        _round32(y64, y)
    y *= x  # step 6: a plain float32 product
    # Step 7: fma(y, z, RN32(e*Q1)).
    np.copyto(y64, y)
    y64 *= z.astype(_F64)
    y64 += (e * _Q1).astype(_F64)
    _round32(y64, y)
    z *= _F32(0.5)
    y -= z
    x += y
    e *= _Q2  # exact: Q2 has 9 significant bits
    x += e
    return x


def _sincos8(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cephes float32 (sin, cos) of ``theta`` in [0, 2*pi) with the AVX2 rounding sequence."""
    # theta >= 0 always (an angle 2*pi*u), so the input-sign handling of the kernel is moot.
    j = (theta * _FOPI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(_F32)
    # y*DP1 and y*DP2 are exact in float32 (y <= 8), so those fused steps are plain adds.
    x = theta + y * _DP1
    x += y * _DP2
    x64 = y.astype(_F64)
    x64 *= _DP3
    x64 += x.astype(_F64)
    _round32(x64, x)
    z = x * x
    z64 = z.astype(_F64)
    t64 = z64 * _C0
    t64 += _C1
    c = t64.astype(_F32)
    np.copyto(t64, c)
    t64 *= z64
    t64 += _C2
    _round32(t64, c)
    c *= z
    np.copyto(t64, c)
    t64 *= z64
    t64 -= 0.5 * z64  # -(0.5*z) is exact
    _round32(t64, c)
    c += _F32(1)
    np.multiply(z64, _S0, out=t64)
    t64 += _S1
    s = t64.astype(_F32)
    np.copyto(t64, s)
    t64 *= z64
    t64 += _S2
    _round32(t64, s)
    s *= z
    x64 = x.astype(_F64)
    np.copyto(t64, s)
    t64 *= x64
    t64 += x64
    _round32(t64, s)
    # (j & 2): the polynomials swap roles; signs are applied by flipping the IEEE sign bit.
    swap = (j & 2) != 0
    sin_out = np.where(swap, c, s)
    cos_out = np.where(swap, s, c)
    sin_out.view(np.int32)[...] ^= (j & 4) << 29
    cos_out.view(np.int32)[...] ^= (((j - 2) & 4) ^ 4) << 29
    return sin_out, cos_out


def standard_normal_rows_f32(w: np.ndarray) -> np.ndarray:
    """Standard normals for words ``w`` of shape (rows, 16) (uint32): the AVX2 chunk kernel."""
    rows = w.shape[0]
    out = np.empty((rows, 16), dtype=_F32)
    scale = _F32(2.0**-24)
    for r0 in range(0, rows, _BLOCK):
        wb = w[r0:r0 + _BLOCK]
        k = wb & np.uint32(0xFFFFFF)
        # u1 = 1 - d computed exactly as (2**24 - k) * 2**-24.
        u1 = (np.uint32(1 << 24) - k[:, :8]).astype(_F32).reshape(-1)
        u1 *= scale
        radius = _log8(u1)
        radius *= _F32(-2)
        np.sqrt(radius, out=radius)
        theta = k[:, 8:].astype(_F32).reshape(-1)
        theta *= scale
        theta *= _TWO_PI_F32
        s, c = _sincos8(theta)
        ob = out[r0:r0 + _BLOCK]
        radius = radius.reshape(-1, 8)
        np.multiply(c.reshape(-1, 8), radius, out=ob[:, :8])   # products straight into place
        np.multiply(s.reshape(-1, 8), radius, out=ob[:, 8:])
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
    if dtype.kind != "f":
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
    if dtype == np.float16:
        # Each chunk draws its own 16 uniforms right before use, the tail 16 more (rng.md 6.3).
        nrows = -(-n // 16)
        rows = standard_normal_rows_f32(g.u32(16 * nrows).reshape(-1, 16))
        out32 = np.empty(n, dtype=_F32)
        full = n - tail
        out32[:full] = rows[: full // 16].reshape(-1)
        if tail:
            out32[n - 16:] = rows[-1]
        return _affine32(out32, mean, std).astype(np.float16).reshape(shape)
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


_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool", "float16": "Half", "float32": "Float",
                "float64": "Double", "uint16": "UInt16", "uint32": "UInt32",
                "uint64": "UInt64", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _torch_name(dtype: np.dtype) -> str:
    return "'" + _TORCH_NAMES.get(dtype.name, dtype.name) + "'"


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
