"""PyTorch-compatible mt19937 generator and exact float helpers (spec: docs/rng.md).

Everything random in tocha draws from a :class:`Generator` defined here.  The engine is NumPy's
``MT19937`` with PyTorch's seeding injected (rng.md 2.1); this module also holds the exact fused
multiply-add emulations (rng.md 1.3/1.4) and the libm-compatible float64 functions (rng.md 1.6)
that the samplers in ``_random.py`` / ``_random_normal.py`` are built on.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Callable

import numpy as np

__all__ = ["DEFAULT_SEED", "Generator", "default_generator"]

# A new torch.Generator() starts with this seed (rng.md 2.2).
DEFAULT_SEED = 67280421310721
_STATE_SIZE = 5056
_MASK53 = (1 << 53) - 1
_TWO_M53 = 2.0**-53
_U64 = np.uint64
_BULK = 64  # below this many words, random_raw is cheaper than Generator.integers


def _init_genrand(seed32: int) -> np.ndarray:
    """The 624 state words of the standard mt19937 ``init_genrand`` seeding."""
    key = [seed32]
    x = seed32
    for j in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        key.append(x)
    return np.array(key, dtype=np.uint32)


class Generator:
    """CPU random-number generator whose streams equal PyTorch's after ``manual_seed``."""

    def __init__(self, device: object = "cpu") -> None:
        self.device = device
        self._bg = np.random.MT19937(0)
        self._np = np.random.Generator(self._bg)
        # Raw-draw method bound once: it is on every small call's path.
        self._raw = self._bg.random_raw
        self._seed = DEFAULT_SEED
        self._fresh = True  # no draw since seeding: torch's state bytes then say next == 0
        self._spare: float | None = None
        self.manual_seed(DEFAULT_SEED)

    # ------------------------------------------------------------------ seeding and state
    def manual_seed(self, seed: int) -> Generator:
        """Seed the generator (64-bit, negative values wrap) and clear the spare normal."""
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        seed &= 0xFFFFFFFFFFFFFFFF
        seed32 = seed & 0xFFFFFFFF  # only the low 32 bits reach the engine (rng.md 2.2)
        if hasattr(self._bg, "_legacy_seeding"):
            # NumPy's legacy seeding is exactly init_genrand and leaves pos = 624 (tested).
            self._bg._legacy_seeding(seed32)
        else:  # pragma: no cover - older/newer NumPy without the private helper
            self._set_engine(_init_genrand(seed32), 624)
        self._seed = seed
        self._fresh = True
        self._spare = None
        return self

    def seed(self) -> int:
        """Seed from OS entropy (non-deterministic) and return the new seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The 64-bit seed last given to ``manual_seed``/``seed``."""
        return self._seed

    def _set_engine(self, key: np.ndarray, pos: int) -> None:
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(pos)}}

    def get_state(self) -> np.ndarray:
        """The state as 5056 uint8 bytes in PyTorch's CPUGeneratorImplState layout."""
        st = self._bg.state["state"]
        pos = int(st["pos"])
        nxt = 0 if self._fresh else pos
        left = 1 if nxt == 0 else 625 - nxt
        out = np.zeros(_STATE_SIZE, dtype=np.uint8)
        struct.pack_into("<QiiQ", out, 0, self._seed, left, 1, nxt)
        out[24:5016] = np.asarray(st["key"], dtype="<u8").view(np.uint8)
        if self._spare is not None:
            struct.pack_into("<d", out, 5024, self._spare)
            struct.pack_into("<i", out, 5040, 1)
        return out

    def set_state(self, new_state: np.ndarray) -> Generator:
        """Restore a state produced by :meth:`get_state` (or by PyTorch's get_rng_state)."""
        arr = np.asarray(new_state)
        if arr.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if arr.size != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input "
                f"RNG state size to be {arr.size}")
        buf = np.ascontiguousarray(arr).reshape(-1)
        seed, left, _seeded, nxt = struct.unpack_from("<QiiQ", buf, 0)
        key = buf[24:5016].view("<u8").astype(np.uint32)
        # torch: left == 1 means "twist before the next draw" (rng.md 2.3).
        self._set_engine(key, 624 if left == 1 else nxt)
        self._seed = seed
        self._fresh = nxt == 0
        (valid,) = struct.unpack_from("<i", buf, 5040)
        self._spare = struct.unpack_from("<d", buf, 5024)[0] if valid else None
        return self

    def __repr__(self) -> str:
        return f"<tocha.Generator object at {id(self):#x}>"

    # ------------------------------------------------------------------ raw draws
    def u32(self, n: int) -> np.ndarray:
        """``n`` consecutive 32-bit engine outputs (uint32)."""
        self._fresh = False
        if n < _BULK:
            return self._raw(n).astype(np.uint32)
        # Full-range bounded integers are the raw outputs, without the uint64 detour.
        return self._np.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def u32_raw(self, n: int) -> np.ndarray:
        """``n`` 32-bit outputs held in uint64 (cheapest for a handful of draws)."""
        self._fresh = False
        return self._raw(n)

    def u64(self, n: int) -> np.ndarray:
        """``n`` torch ``random64()`` values: two outputs each, the first one high (uint64)."""
        self._fresh = False
        if n < _BULK // 2:
            r = self._raw(2 * n)
            return (r[0::2] << _U64(32)) | r[1::2]
        # NumPy's MT19937 next_uint64 is also (first << 32) | second.
        return self._np.integers(0, 1 << 64, size=n, dtype=np.uint64)

    def u53(self, n: int) -> np.ndarray:
        """``n`` float64 uniforms ``(u64 & (2**53 - 1)) * 2**-53`` in [0, 1)."""
        w = self.u64(n)
        np.bitwise_and(w, _U64(_MASK53), out=w)
        x = w.astype(np.float64)
        x *= _TWO_M53
        return x

    def u53_list(self, n: int) -> list[float]:
        """Like :meth:`u53` as a Python list (for the element-wise paths)."""
        self._fresh = False
        r = self._raw(2 * n).tolist()
        return [float(((r[i] & 0x1FFFFF) << 32) | r[i + 1]) * _TWO_M53
                for i in range(0, 2 * n, 2)]

    def u24f(self, n: int) -> np.ndarray:
        """``n`` float32 uniforms ``(u32 & 0xFFFFFF) * 2**-24`` (low 24 bits, rng.md 3)."""
        w = self.u32(n)
        np.bitwise_and(w, np.uint32(0xFFFFFF), out=w)
        x = w.astype(np.float32)
        x *= np.float32(2.0**-24)
        return x


def _resolve(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


# --------------------------------------------------------------------- exact fused multiply-add
_MID_MASK = _U64(0x1FFFFFFF)
_MID_VAL = _U64(0x10000000)


def _fix_midpoints(s: np.ndarray, p: np.ndarray | float, c: np.ndarray | float) -> None:
    """Make ``RN32(s)`` equal ``RN32(p + c)`` where ``s = RN64(p + c)`` (in place).

    Double rounding f64 -> f32 can only go wrong when ``s`` lands exactly on a float32
    midpoint (low 29 mantissa bits == 1 << 28); for those rare elements the TwoSum error says
    which way the exact sum lies, and ``s`` moves one float64 step that way (round to odd,
    rng.md 1.3).
    """
    mid = (s.view(np.uint64) & _MID_MASK) == _MID_VAL
    if not mid.any():
        return
    idx = np.flatnonzero(mid)
    sf = s.reshape(-1)
    ss = sf[idx]
    pp = p.reshape(-1)[idx] if isinstance(p, np.ndarray) and p.ndim else np.float64(p)
    cc = c.reshape(-1)[idx] if isinstance(c, np.ndarray) and c.ndim else np.float64(c)
    bb = ss - pp
    err = (pp - (ss - bb)) + (cc - bb)
    sf[idx] = np.where(err > 0, np.nextafter(ss, np.inf),
                       np.where(err < 0, np.nextafter(ss, -np.inf), ss))


def fma32(a: np.ndarray | float, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """Exact ``RN32(a*b + c)`` (one rounding) for float32 operands; returns float32."""
    a64 = np.asarray(a, dtype=np.float32).astype(np.float64)
    p = a64 * np.float64(np.float32(b)) if np.ndim(b) == 0 else \
        a64 * np.asarray(b, dtype=np.float32).astype(np.float64)
    c64 = np.float64(np.float32(c)) if np.ndim(c) == 0 else \
        np.asarray(c, dtype=np.float32).astype(np.float64)
    s = p + c64
    _fix_midpoints(s, p, c64)
    return s.astype(np.float32)


_SPLIT = 134217729.0  # Veltkamp's 2**27 + 1


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma64(a: np.ndarray, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """Exact float64 ``RN64(a*b + c)`` (Boldo-Melquiond, rng.md 1.4); arrays broadcast."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    # two_prod by Veltkamp/Dekker splitting.
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c, p)
    v, ve = _two_sum(tl, e)
    # Round v to odd: if inexact and the last bit is even, step towards the error.
    odd = (v.view(np.uint64) & _U64(1)) == 0
    fix = (ve != 0) & odd
    if fix.any():
        v = np.where(fix, np.nextafter(v, np.where(ve > 0, np.inf, -np.inf)), v)
    return th + v


def fma64_scalar(a: float, b: float, c: float) -> float:
    """Exact scalar ``RN64(a*b + c)`` for Python floats."""
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    th = c + p
    bb = th - c
    tl = (c - (th - bb)) + (p - bb)
    v = tl + e
    bb = v - tl
    ve = (tl - (v - bb)) + (e - bb)
    # Round v to odd: if inexact and its last bit is even, step towards the error.
    if ve != 0 and not struct.unpack("<Q", struct.pack("<d", v))[0] & 1:
        v = math.nextafter(v, math.inf if ve > 0 else -math.inf)
    return th + v


if hasattr(math, "fma"):  # Python >= 3.13 has a correctly rounded scalar fma
    fma64_scalar = math.fma  # type: ignore[assignment]


# --------------------------------------------------------------------- libm-compatible float64
# torch's float64 kernels call glibc log/log1p/sin/cos.  NumPy may use its own SIMD versions
# (e.g. on AVX-512 CPUs) that differ in the last bit, so each function is checked once against
# Python's math module (glibc) and falls back to element-wise math if they disagree (rng.md 1.6).
_LIBM_OK: dict[str, bool] = {}


def _probe_inputs(name: str) -> np.ndarray:
    r = np.random.MT19937(12345).random_raw(2 * 8192)
    w = ((r[0::2] << _U64(32)) | r[1::2]) & _U64(_MASK53)
    # Uniform in [0, 1) plus a slice of tiny values (uniforms near 0 stress log near 1).
    w[:1024] >>= np.arange(1024, dtype=np.uint64) % _U64(53)
    x = w.astype(np.float64) * _TWO_M53
    if name == "log":
        return 1.0 - x  # (0, 1], as in the 16-wide float64 normal
    if name == "log1p":
        return -x  # log1p(-u), as in the scalar normal and exponential
    return 6.283185307179586 * x  # angles in [0, 2*pi)


def _libm(name: str, npf: Callable, mf: Callable) -> Callable[[np.ndarray], np.ndarray]:
    def f(x: np.ndarray) -> np.ndarray:
        ok = _LIBM_OK.get(name)
        if ok is None:
            probe = _probe_inputs(name)
            ok = _LIBM_OK[name] = bool(
                np.array_equal(npf(probe), np.fromiter(map(mf, probe.tolist()), np.float64)))
        if ok:
            return npf(x)
        return np.fromiter(map(mf, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)

    f.__name__ = name
    return f


log64 = _libm("log", np.log, math.log)
log1p64 = _libm("log1p", np.log1p, math.log1p)
sin64 = _libm("sin", np.sin, math.sin)
cos64 = _libm("cos", np.cos, math.cos)


def _startup_generator() -> Generator:
    # PyTorch 2.13 seeds its global generator non-deterministically at start-up (rng.md 2.2).
    g = Generator()
    g.seed()
    return g


default_generator = _startup_generator()
