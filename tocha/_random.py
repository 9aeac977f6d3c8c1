"""NumPy-level samplers bit-identical to PyTorch 2.13 CPU after ``manual_seed`` (rng.md).

Every function takes ``generator=None`` (the global :data:`default_generator`), returns a new
C-contiguous array of the requested NumPy dtype, draws in C (memory) order and advances the
generator exactly as PyTorch does.  The Tensor-level API (``tocha.rand`` ...) wraps these.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings
from fractions import Fraction

import numpy as np

import tocha._random_engine as _engine

from ._random_engine import DEFAULT_SEED, Generator, fma32, fma64, log1p64
from ._random_normal import _fmt, _torch_name, normal, normal_tensor

__all__ = [
    "DEFAULT_SEED",
    "Generator",
    "bernoulli",
    "default_generator",
    "dropout",
    "exponential",
    "feature_dropout",
    "manual_seed",
    "multinomial",
    "normal",
    "normal_tensor",
    "poisson",
    "randint",
    "random_",
    "randperm",
    "trunc_normal",
    "uniform",
]

default_generator: Generator = _engine.default_generator
_F16, _F32, _F64 = np.float16, np.float32, np.float64
_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_FMAX = {np.dtype(_F16): 65504.0, np.dtype(_F32): float(np.finfo(_F32).max),
         np.dtype(_F64): sys.float_info.max}
_FULL64_DTYPES = (np.dtype(np.int64), np.dtype(_F32), np.dtype(_F64))
_DIGITS = {np.dtype(_F16): 11, np.dtype(_F32): 24, np.dtype(_F64): 53}
# C++ type names PyTorch prints in bound errors.
_CNAMES = {"int8": "signed char", "int16": "short int", "int32": "int", "int64": "long int",
           "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
           "float32": "float", "float64": "double"}


def _gen(generator: Generator | None) -> Generator:
    return _engine.default_generator if generator is None else generator


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (``torch.manual_seed``)."""
    return _engine.default_generator.manual_seed(seed)


def _shape_n(shape: tuple[int, ...] | int) -> tuple[tuple[int, ...], int]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    return shape, math.prod(shape)


# ----------------------------------------------------------------------------- uniform
def _lowbit(v: float) -> Fraction | None:
    """The value of the lowest set bit of ``v`` (None for 0)."""
    if v == 0:
        return None
    num, den = abs(v).as_integer_ratio()
    return Fraction(num & -num, den)


def _sum_exact32(d: float, lo: float) -> bool:
    """True when ``x*d + lo`` is exact in float64 for every 24-bit uniform ``x`` (rng.md 1.3)."""
    gd, gl = _lowbit(d), _lowbit(lo)
    grids = ([gd / (1 << 24)] if gd is not None else []) + ([gl] if gl is not None else [])
    if not grids:
        return True
    grid = min(grids)  # every product and sum is a multiple of this
    return (Fraction(abs(lo)) + Fraction(abs(d))) / grid < (1 << 53)


@functools.lru_cache(maxsize=512)
def _plan32(low: float, high: float) -> tuple[str, float, np.float32, np.float32, bool]:
    """How to evaluate ``fma32(x, d, lo)`` for these bounds, and whether the guard can fire."""
    lo, hi = _F32(low), _F32(high)
    d = _F32(hi - lo)
    scale = float(d) * 2.0**-24  # k * scale == x * d exactly (k < 2**24: 48-bit products)
    if d == 0 or math.frexp(float(d))[0] == 0.5:
        mode = "pow2"  # x*d exact in float32: the fma is one float32 addition
    elif lo == 0:
        mode = "lo0"
    elif _sum_exact32(float(d), float(lo)):
        mode = "exact"  # the float64 sum is exact, so one float32 rounding
    else:
        mode = "fix"
    # The result is monotone in x: the guard can fire only if the largest x reaches hi.
    guard = bool(fma32(_F32(1 - 2.0**-24), d, lo) >= hi)
    return mode, scale, lo, hi, guard


def _uniform32(n: int, low: float, high: float, g: Generator) -> tuple[np.ndarray, tuple]:
    """float32 ``fma32(x, RN32(hi - lo), lo)`` before the upper-bound guard (rng.md 3)."""
    plan = _plan32(low, high)
    mode, scale, lo = plan[0], plan[1], plan[2]
    w = g.u32(n)
    np.bitwise_and(w, np.uint32(0xFFFFFF), out=w)
    if mode == "pow2":
        # one pass: the 24-bit words convert to float32 exactly inside the multiply's loop
        v = np.multiply(w, _F32(scale), dtype=_F32)
        if lo != 0:      # (+0.0 would change nothing: the products are never -0.0)
            v += lo
        return v, plan
    p = w.astype(_F64)
    p *= scale
    if mode == "lo0":
        return p.astype(_F32), plan
    s = p + float(lo)
    if mode == "fix":
        _engine._fix_midpoints(s, p, float(lo))
    return s.astype(_F32), plan


def _uniform64(n: int, low: float, high: float, g: Generator) -> np.ndarray:
    x = g.u53(n)
    d = high - low
    mant, _ = math.frexp(d)
    if d == 0 or mant == 0.5:
        x *= d  # exact scaling by a power of two
        x += low
        return x
    if low == 0:
        x *= d
        x += 0.0
        return x
    return fma64(x, d, low)


def uniform(shape: tuple[int, ...], np_dtype: object, low: float = 0.0, high: float = 1.0,
            generator: Generator | None = None) -> np.ndarray:
    """``torch.empty(shape, dtype).uniform_(low, high)``: values in [low, high)."""
    dtype = np.dtype(np_dtype)
    low, high = float(low), float(high)
    if dtype.kind == "c":
        # PyTorch draws a complex tensor as its view_as_real pairs
        pairs = uniform(tuple(shape) + (2,), dtype.char.lower(), low, high, generator)
        return pairs.view(dtype)[..., 0]
    if dtype.kind != "f" and dtype.name != "bfloat16":
        raise NotImplementedError(
            f'"check_uniform_bounds" not implemented for {_torch_name(dtype)}')
    # bfloat16 (ml_dtypes): drawn as float16 is, float32 rounded once (a half type too)
    fmax = _FMAX.get(dtype, 3.3895313892515355e38)
    cname = _CNAMES.get(dtype.name, "c10::BFloat16")
    if not -fmax <= low <= fmax:  # NaN fails too
        raise RuntimeError(f"from is out of bounds for {cname}")
    if not -fmax <= high <= fmax:
        raise RuntimeError(f"to is out of bounds for {cname}")
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_fmt(low)} > to={_fmt(high)}")
    if high - low > fmax:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{_ctype_title(dtype)}>::max(), "
            f"but found to={_fmt(high)} and from={_fmt(low)} which result in to-from to "
            "exceed the limit")
    shape, n = _shape_n(shape)
    g = _gen(generator)
    if n == 0:
        return np.empty(shape, dtype=dtype)
    if dtype == _F64:
        v = _uniform64(n, low, high, g)
        hit = v == high
        if hit.any():
            v[hit] = low
        return v.reshape(shape)
    v, plan = _uniform32(n, low, high, g)
    if dtype == _F32:
        if plan[4]:
            v[v == plan[3]] = plan[2]
        return v.reshape(shape)
    # Half types: computed as float32, rounded, then guarded in the half type.
    h = v.astype(dtype)
    h[h == dtype.type(high)] = dtype.type(low)
    return h.reshape(shape)


def _ctype_title(dtype: np.dtype) -> str:
    return {"float16": "Half", "float32": "Float", "float64": "Double"}.get(
        dtype.name, dtype.name)


# ----------------------------------------------------------------------------- integers
def _round_int(v: int, digits: int) -> int:
    """Round the integer ``v`` to ``digits`` significant bits, ties to even (int -> float)."""
    a = abs(v)
    extra = a.bit_length() - digits
    if extra <= 0:
        return v
    q, r = divmod(a, 1 << extra)
    half = 1 << (extra - 1)
    if r > half or (r == half and q & 1):
        q += 1
    return (q << extra) * (1 if v >= 0 else -1)


@functools.cache
def _bounds(dtype: np.dtype) -> tuple[float, float]:
    if dtype.kind == "f":
        return -_FMAX[dtype], _FMAX[dtype]
    if dtype == np.bool_:
        return 0, 1
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def _check_int_bounds(from_: int, to_inc: int, dtype: np.dtype) -> None:
    """PyTorch's bound checks of random_(from, to) for the output dtype."""
    lo, hi = _bounds(dtype)
    if not lo <= from_ <= hi:
        raise RuntimeError(f"from is out of bounds for {_CNAMES.get(dtype.name, dtype.name)}")
    if not lo <= to_inc <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {_CNAMES.get(dtype.name, dtype.name)}")


def _check_int64(*vals: int) -> None:
    for v in vals:
        if not -(1 << 63) <= v < (1 << 63):
            raise ValueError("Overflow when unpacking long long")


def _draw_range(g: Generator, n: int, rng: int, base: int) -> np.ndarray:
    """int64 ``(w % rng) + base``; 64-bit draws iff ``rng >= 2**28`` (rng.md 4.2)."""
    if rng >= 1 << 28:
        w = g.u64(n)
        if rng < 1 << 64:
            np.remainder(w, _U64(rng), out=w)
    else:
        w32 = g.u32(n)
        np.remainder(w32, np.uint32(rng), out=w32)
        w = w32.astype(_U64)
    w += _U64(base & _MASK64)  # wraps modulo 2**64, like the int64 arithmetic
    return w.view(np.int64)


def _cast_ints(v: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if dtype == np.int64:
        return v
    if dtype == np.bool_:
        return v != 0
    if dtype == _F16:
        return v.astype(_F32).astype(_F16)  # int64 -> float -> half, as the kernel
    return v.astype(dtype)


def _random_from_to(shape: tuple[int, ...], dtype: np.dtype, from_: int, to: int,
                    g: Generator) -> np.ndarray:
    _check_int64(from_, to)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={from_} >= to={to}")
    if dtype.kind == "f":
        digits = _DIGITS.get(dtype)
        if digits is None:
            raise NotImplementedError(f'"random_" not implemented for {_torch_name(dtype)}')
        # Bounds the dtype cannot represent are nudged inwards (rng.md 4.2).
        f1 = _round_int(from_ + 1, digits)
        if f1 < from_:
            from_ = f1 + (1 << (abs(from_ + 1).bit_length() - 1 - digits + 1))
        t1 = _round_int(to - 1, digits)
        if t1 >= to:
            to = t1 - (1 << (abs(to - 1).bit_length() - 1 - digits + 1))
        if from_ >= to:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' "
                               f"casted to dtype, but got from={from_} >= to={to}")
    _check_int_bounds(from_, to - 1, dtype)
    if dtype.kind == "f":
        lim = 1 << _DIGITS[dtype]
        if not -lim <= to - 1 <= lim or not -lim <= from_ <= lim:
            which = "from" if not -lim <= from_ <= lim else "to - 1"
            warnings.warn(
                f"{which} is out of bounds [-(2^{_DIGITS[dtype]}), "
                f"2^{_DIGITS[dtype]}]. Due to precision limitations "
                f"{_CNAMES[dtype.name]} can support discrete uniform distribution only "
                "within this range. This warning will become an error in version 1.7 "
                "release, please fix the code in advance", UserWarning, stacklevel=3)
    n = math.prod(shape)
    if n == 0:
        return np.empty(shape, dtype=dtype)
    return _cast_ints(_draw_range(g, n, to - from_, from_), dtype).reshape(shape)


def randint(low: int, high: int, shape: tuple[int, ...], np_dtype: object = np.int64,
            generator: Generator | None = None) -> np.ndarray:
    """``torch.randint(low, high, shape, dtype=...)``: integers in [low, high)."""
    shape, _ = _shape_n(shape)
    return _random_from_to(shape, np.dtype(np_dtype), _as_int(low), _as_int(high),
                           _gen(generator))


def _as_int(v: object) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"expected an int bound, got {type(v).__name__}")
    return int(v)


# random_() with no arguments: (draw width, modulus) per dtype (rng.md 4.1).
_RANDOM_FULL = {np.dtype(k): v for k, v in {
    "int64": (64, 1 << 63), "float64": (64, (1 << 53) + 1), "int32": (32, 1 << 31),
    "int16": (32, 1 << 15), "int8": (32, 1 << 7), "uint8": (32, 1 << 8),
    "float32": (32, (1 << 24) + 1), "float16": (32, (1 << 11) + 1), "bool": (32, 2)}.items()}


def random_(shape: tuple[int, ...], np_dtype: object, from_: int | None = None,
            to: int | None = None, generator: Generator | None = None) -> np.ndarray:
    """``Tensor.random_`` semantics: no bounds, ``(from_, to)``, ``(to)`` or ``(from_, None)``.

    ``from_=None, to=None`` is ``random_()``; ``from_=k, to=None`` is ``random_(k, None)``
    (up to the dtype's maximum, inclusive); ``to`` alone means ``from_ = 0``.
    """
    dtype = np.dtype(np_dtype)
    shape, n = _shape_n(shape)
    g = _gen(generator)
    if to is not None:
        return _random_from_to(shape, dtype, 0 if from_ is None else _as_int(from_),
                               _as_int(to), g)
    if from_ is not None:
        from_ = _as_int(from_)
        _check_int64(from_)
        if from_ == -(1 << 63):
            # The full 64-bit kernel: one u64 read as int64, converted (int64/float/double).
            if dtype not in _FULL64_DTYPES:
                if dtype.kind in "iu":
                    raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only "
                                       "int64, double, float and bfloat16")
                raise NotImplementedError('"random_full_64_bits_range_kernel_cpu" not '
                                          f"implemented for {_torch_name(dtype)}")
            return g.u64(n).view(np.int64).astype(dtype, copy=False).reshape(shape)
        if dtype.kind == "f":
            if dtype not in _DIGITS:
                raise NotImplementedError(f'"random_" not implemented for {_torch_name(dtype)}')
            to_inc = 1 << _DIGITS[dtype]
            if from_ >= to_inc:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than or equal to "
                    f"'to_inc' casted to dtype, but got from={from_} > to_inc={to_inc}")
        elif dtype == np.bool_:
            to_inc = 1
        else:
            to_inc = int(np.iinfo(dtype).max)
        _check_int_bounds(from_, to_inc, dtype)
        if n == 0:
            return np.empty(shape, dtype=dtype)
        return _cast_ints(_draw_range(g, n, to_inc - from_ + 1, from_), dtype).reshape(shape)
    spec = _RANDOM_FULL.get(dtype)
    if spec is None:
        raise NotImplementedError(f'"random_kernel_cpu" not implemented for {_torch_name(dtype)}')
    if n == 0:
        return np.empty(shape, dtype=dtype)
    bits, mod = spec
    if bits == 64:
        w = g.u64(n)
        if mod == 1 << 63:
            w &= _U64(mod - 1)
        else:
            w %= _U64(mod)
        return w.view(np.int64).astype(dtype, copy=False).reshape(shape)
    w32 = g.u32(n)
    if dtype == np.bool_:
        return (w32 & np.uint32(1)).astype(np.bool_).reshape(shape)
    w32 %= np.uint32(mod)
    return _cast_ints(w32.astype(np.int64), dtype).reshape(shape)


# ----------------------------------------------------------------------------- randperm
_RANDPERM_SMALL = 4294967295 // 20  # 214748364: below it, 32-bit forward Fisher-Yates


def _swaps_loop(j: np.ndarray, n: int) -> np.ndarray:
    """Forward Fisher-Yates: for i in order, swap r[i] and r[j[i]] (j[i] >= i)."""
    r = list(range(n))
    for i, k in enumerate(j.tolist()):
        r[i], r[k] = r[k], r[i]
    return np.array(r, dtype=np.int64)


def _swaps_vectorised(j: np.ndarray, n: int) -> np.ndarray:
    """The result of :func:`_swaps_loop` without a Python loop (same output, ~6x faster at 1e6).

    Position k is final after step k, when it takes the value then at position j[k].  That
    value is what the last earlier step k' with j[k'] == j[k] left there, namely A(k') (else
    the untouched j[k]), where A(k) = the value at position k at step k = A(p(k)) for the last
    earlier step p(k) with j[p(k)] == k (else k).  "Last earlier step with the same target"
    comes from one sort; the chains A(k) -> A(p(k)) are resolved by pointer jumping.
    """
    idx = np.arange(n, dtype=np.int64)
    jj = np.empty(n, dtype=np.int64)
    jj[:-1] = j
    jj[-1] = n - 1  # the last position is never swapped: a no-op step
    key = jj * n  # n < 2**28, so no overflow: sort by (target, step) in one int64 key
    key += idx
    key.sort()
    tgt, step = np.divmod(key, n)
    same = tgt[1:] == tgt[:-1]
    prev_same = np.full(n, -1, dtype=np.int64)  # last earlier step with the same target
    prev_same[step[1:][same]] = step[:-1][same]
    is_last = np.ones(n, dtype=bool)
    is_last[:-1] = ~same
    last = np.full(n, -1, dtype=np.int64)  # last step targeting each position
    last[tgt[is_last]] = step[is_last]
    # p(k): the last step before k that targets position k (steps k' target positions >= k')
    p = np.where(last == idx, prev_same[np.maximum(last, 0)], last)
    ptr = np.where(p >= 0, p, idx)
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    return np.where(prev_same >= 0, ptr[np.maximum(prev_same, 0)], jj)


def randperm(n: int, np_dtype: object = np.int64,
             generator: Generator | None = None) -> np.ndarray:
    """``torch.randperm(n)`` (rng.md 5); the dtype does not change the permutation."""
    dtype = np.dtype(np_dtype)
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype.kind == "f" and dtype in _DIGITS and n > (1 << _DIGITS[dtype]) + 1:
        raise RuntimeError(f"n cannot be greater than {(1 << _DIGITS[dtype]) + 1} for "
                           f"{_torch_name(dtype)[1:-1]} type.")
    if dtype.kind in "iu" and n > 0 and n - 1 > np.iinfo(dtype).max:
        raise RuntimeError(f"value cannot be converted to type {dtype.name}_t without overflow")
    g = _gen(generator)
    if n < 2:
        return np.arange(n, dtype=dtype)
    if n < _RANDPERM_SMALL:
        z = g.u32(n - 1).astype(np.int64)
        z %= np.arange(n, 1, -1, dtype=np.int64)  # u32 % (n - i)
        z += np.arange(n - 1, dtype=np.int64)  # swap partner i + z
        perm = _swaps_loop(z, n) if n < 4096 else _swaps_vectorised(z, n)
        return perm.astype(dtype, copy=False)
    # Inside-out shuffle with 64-bit draws (n >= 214748364; slow in Python, rarely used).
    z = g.u64(n)
    z %= np.arange(1, n + 1, dtype=_U64)
    out = np.empty(n, dtype=np.int64)
    for i, j in enumerate(z.tolist()):
        out[i] = out[j]
        out[j] = i
    return out.astype(dtype, copy=False)


# ----------------------------------------------------------------------------- bernoulli
def bernoulli(p: float | np.ndarray, shape: tuple[int, ...] | None, np_dtype: object,
              generator: Generator | None = None) -> np.ndarray:
    """``empty(shape, dtype).bernoulli_(p)``; ``p`` a float or an array broadcast to ``shape``.

    ``shape=None`` with an array ``p`` means ``p``'s shape (``torch.bernoulli(P)``).
    """
    dtype = np.dtype(np_dtype)
    g = _gen(generator)
    if not isinstance(p, np.ndarray):
        p = float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        shape, n = _shape_n(shape)
        if n == 0:
            return np.empty(shape, dtype=dtype)
        return (g.u53(n) < p).astype(dtype).reshape(shape)
    if p.dtype.kind != "f":
        raise NotImplementedError(
            f'"bernoulli_tensor_cpu_p_" not implemented for {_torch_name(p.dtype)[1:-1]!r}')
    shape, n = _shape_n(p.shape if shape is None else shape)
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    pb = np.broadcast_to(p, shape)
    if n == 0:
        return np.empty(shape, dtype=dtype)
    if p.dtype == _F64:
        u = g.u53(n).reshape(shape)
        return (u < pb).astype(dtype)
    u32 = g.u24f(n).reshape(shape)  # float32/half P: a 24-bit uniform compared in float32
    return (u32 < pb.astype(_F32)).astype(dtype)


# ----------------------------------------------------------------------------- exponential
def _exponential64(n: int, lambd: float, g: Generator) -> np.ndarray:
    v = log1p64(-g.u53(n))
    v *= -1.0 / lambd  # the quotient first, then the product (rng.md 8.1)
    return v


def exponential(shape: tuple[int, ...], np_dtype: object, lambd: float = 1.0,
                generator: Generator | None = None) -> np.ndarray:
    """``empty(shape, dtype).exponential_(lambd)``."""
    dtype = np.dtype(np_dtype)
    lambd = float(lambd)
    if dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_torch_name(dtype)[1:-1]}")
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    shape, n = _shape_n(shape)
    if n == 0:
        return np.empty(shape, dtype=dtype)
    v = _exponential64(n, lambd, _gen(generator))
    if dtype == _F16:
        v = v.astype(_F32)
    return v.astype(dtype, copy=False).reshape(shape)


# ----------------------------------------------------------------------------- multinomial
def multinomial(probs: np.ndarray, num_samples: int, replacement: bool = False,
                generator: Generator | None = None) -> np.ndarray:
    """``torch.multinomial`` for a 1-D or 2-D float array; int64 indices (rng.md 8.2)."""
    probs = np.asarray(probs)
    if probs.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{_torch_name(probs.dtype)[1:-1]}")
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    num_samples = int(num_samples)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    ncat = probs.shape[-1]
    if not replacement and num_samples > ncat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rows = np.ascontiguousarray(probs.reshape(-1, ncat))
    if not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1, dtype=_F64) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = _gen(generator)
    if not replacement or num_samples == 1:
        if not replacement and num_samples > 1 and (
                np.count_nonzero(rows, axis=1) < num_samples).any():
            raise RuntimeError("invalid multinomial distribution (with replacement=False, "
                               "not enough non-negative category to sample)")
        # Exponential race: one u64 per category, then the largest probs / q win.
        q = _exponential64(rows.size, 1.0, g)
        if rows.dtype == _F16:
            q = q.astype(_F32)
        r = rows / q.astype(rows.dtype).reshape(rows.shape)
        if num_samples == 1:
            out = np.argmax(r, axis=1)[:, None]
        else:
            out = np.argsort(-r, axis=1, kind="stable")[:, :num_samples]
    else:
        out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row)  # sequential accumulation in the probs dtype
            cum /= cum[-1]
            cum[-1] = 1
            out[i] = np.searchsorted(cum.astype(_F64), g.u53(num_samples), side="left")
    out = out.astype(np.int64, copy=False)
    return out.reshape(num_samples) if probs.ndim == 1 else np.ascontiguousarray(out)


# ----------------------------------------------------------------------------- dropout
def _check_p(p: float) -> float:
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return p


def _dropout_noise(noise_shape: tuple[int, ...], dtype: np.dtype, p: float,
                   g: Generator) -> np.ndarray:
    """``empty(noise_shape).bernoulli_(1 - p).div_(1 - p)`` in ``dtype`` (rng.md 7)."""
    noise = bernoulli(1.0 - p, noise_shape, dtype, g)
    if dtype == _F64:
        noise /= 1.0 - p
        return noise
    # The scale is rounded to float32 first (half types compute in float32, then round).
    return (noise.astype(_F32) / _F32(1.0 - p)).astype(dtype, copy=False)


def dropout(x: np.ndarray, p: float, generator: Generator | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Training-mode ``F.dropout(x, p)``: returns ``(out, mask)`` with ``out = x * mask``.

    ``mask`` holds 0 or ``1 / RN(1 - p)`` in ``x``'s dtype (what backward multiplies by).
    ``p == 0``, ``p == 1`` and empty ``x`` draw nothing (mask of ones / zeros).
    """
    p = _check_p(p)
    if p == 0.0 or x.size == 0:
        return x.copy(), np.ones_like(x)
    if p == 1.0:
        mask = np.zeros_like(x)
        return x * mask, mask
    mask = _dropout_noise(x.shape, x.dtype, p, _gen(generator))
    return x * mask, mask


def feature_dropout(x: np.ndarray, p: float, generator: Generator | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """``F.dropout2d/3d`` core: one draw per (N, C), broadcast over the rest; ``(out, mask)``.

    ``mask`` has shape ``(N, C, 1, ...)``.
    """
    p = _check_p(p)
    noise_shape = x.shape[:2] + (1,) * (x.ndim - 2)
    if p == 0.0 or x.size == 0:
        return x.copy(), np.ones(noise_shape, dtype=x.dtype)
    if p == 1.0:
        mask = np.zeros(noise_shape, dtype=x.dtype)
        return x * mask, mask
    mask = _dropout_noise(noise_shape, x.dtype, p, _gen(generator))
    return x * mask, mask


# ----------------------------------------------------------------------------- trunc_normal
def _phi(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal(shape: tuple[int, ...], np_dtype: object, mean: float = 0.0, std: float = 1.0,
                 a: float = -2.0, b: float = 2.0,
                 generator: Generator | None = None) -> np.ndarray:
    """``nn.init.trunc_normal_`` (PyTorch 2.13 rejection sampler, rng.md 10.2).

    Differs from PyTorch: when the mass between the bounds is <= 0.3 PyTorch switches to a
    scheme that is not reproduced; tocha then samples by inverting the normal CDF (same
    distribution, different values).
    """
    dtype = np.dtype(np_dtype)
    shape, _ = _shape_n(shape)
    mean, std, a, b = float(mean), float(std), float(a), float(b)
    g = _gen(generator)
    p = _phi((b - mean) / std) - _phi((a - mean) / std)
    if p > 0.3:
        lo, hi = dtype.type(a), dtype.type(b)
        res = normal(shape, dtype, mean, std, g)
        while True:
            bad = (res < lo) | (res > hi)
            if not bad.any():
                return res
            fresh = normal(shape, dtype, mean, std, g)  # full-size redraw every round
            res = np.where(bad, fresh, res)
    return _trunc_normal_icdf(shape, dtype, mean, std, a, b, g)


def _trunc_normal_icdf(shape: tuple[int, ...], dtype: np.dtype, mean: float, std: float,
                       a: float, b: float, g: Generator) -> np.ndarray:
    alpha, beta = (a - mean) / std, (b - mean) / std
    flip = alpha > 0  # work in the left tail, where the CDF keeps its relative precision
    if flip:
        alpha, beta = -beta, -alpha
    lo = 0.5 * math.erfc(-alpha / math.sqrt(2.0))
    hi = 0.5 * math.erfc(-beta / math.sqrt(2.0))
    n = math.prod(shape)
    u = lo + (hi - lo) * g.u53(n)
    erfc = np.frompyfunc(math.erfc, 1, 1)
    left = np.full(n, alpha)
    right = np.full(n, beta)
    for _ in range(64):  # bisection on the CDF: plenty for float64
        mid = 0.5 * (left + right)
        below = 0.5 * erfc(-mid / math.sqrt(2.0)).astype(_F64) < u
        left = np.where(below, mid, left)
        right = np.where(below, right, mid)
    x = 0.5 * (left + right)
    if flip:
        x = -x
    out = (mean + std * x).astype(dtype)
    return np.clip(out, dtype.type(a), dtype.type(b)).reshape(shape)


# ----------------------------------------------------------------------------- poisson
def poisson(rates: np.ndarray, generator: Generator | None = None) -> np.ndarray:
    """Poisson samples with the given rates, in the rates' dtype.

    Differs from PyTorch: the values are not PyTorch's (its algorithm is not reproduced); the
    generator advances by one u64, which seeds NumPy's Poisson sampler.
    """
    rates = np.asarray(rates)
    if rates.dtype.kind != "f":
        raise NotImplementedError(f'"poisson_cpu" not implemented for {_torch_name(rates.dtype)}')
    if not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    seed = int(_gen(generator).u64(1)[0])
    out = np.random.default_rng(seed).poisson(rates.astype(_F64))
    return np.ascontiguousarray(out.astype(rates.dtype))
