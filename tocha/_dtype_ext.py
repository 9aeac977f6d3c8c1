"""The dtypes beyond NumPy's core set: bfloat16 and the float8 family (stored as the types of the
optional `ml_dtypes` package, imported on first use), the barebones unsigned integers
uint16/32/64, float4_e2m1fn_x2 (two packed 4-bit floats per byte), and PyTorch's placeholder
dtypes (bits8, int1..int7, uint1..uint7, ...) that name a type but compute nothing.

Promotion follows PyTorch 2.13: bfloat16 joins the floating types (bfloat16 with float16 gives
float32), uint16/32/64 promote only with themselves and floating types, float8 types only with
themselves; anything else raises RuntimeError as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D

_NP_SLOT = D.dtype.np           # the slot holding the NumPy dtype of a plain dtype
_SIGNED_SLOT = D.dtype.is_signed


def _ml_dtypes():
    try:
        import ml_dtypes
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "tocha stores bfloat16 and float8 tensors as the NumPy types of the optional "
            "package ml_dtypes, which is not installed; install it with `pip install "
            "ml_dtypes` (or `pip install tocha[dtypes]`)") from None
    return ml_dtypes


class _MLDtype(D.dtype):
    """A dtype stored as the ml_dtypes type of the same name; the package loads on first use
    (reading `.np`), so `import tocha` does not need it."""

    __slots__ = ()

    @property
    def np(self):
        v = _NP_SLOT.__get__(self)
        if v is None:
            v = np.dtype(getattr(_ml_dtypes(), self.name))
            _NP_SLOT.__set__(self, v)
            # every ml_dtypes-backed dtype is known from here on: arrays map back to tocha
            for d in ML:
                if _NP_SLOT.__get__(d) is None:
                    _NP_SLOT.__set__(d, np.dtype(getattr(_ml_dtypes(), d.name)))
                D._NP2DT[_NP_SLOT.__get__(d)] = d
        return v

    @np.setter
    def np(self, value) -> None:
        _NP_SLOT.__set__(self, value)


class _Placeholder(D.dtype):
    """A dtype PyTorch names but cannot hold values of (bits8, int4, ...): no ops, so reading
    the storage type raises PyTorch's NotImplementedError wherever an op would need it."""

    __slots__ = ()

    @property
    def np(self):
        raise not_implemented("empty", self)

    @np.setter
    def np(self, value) -> None:
        pass

    @property
    def is_signed(self) -> bool:
        if self.name in _BITS:
            raise RuntimeError("Bits types are undefined")
        return _SIGNED_SLOT.__get__(self)


def _make(cls, name: str, kind: int, rank: int, itemsize: int, signed: bool,
          np_dtype=None) -> D.dtype:
    d = D.dtype(name, np_dtype, kind, rank)
    d.itemsize = itemsize
    d.is_signed = signed
    d.__class__ = cls           # after the plain init, which reads .np (no loading yet)
    return d


# kind/rank: floating types keep kind 2; rank 6 places bfloat16 beside float16
bfloat16 = _make(_MLDtype, "bfloat16", 2, 6, 2, True)
float8_e4m3fn = _make(_MLDtype, "float8_e4m3fn", 2, 5, 1, True)
float8_e5m2 = _make(_MLDtype, "float8_e5m2", 2, 5, 1, True)
float8_e4m3fnuz = _make(_MLDtype, "float8_e4m3fnuz", 2, 5, 1, True)
float8_e5m2fnuz = _make(_MLDtype, "float8_e5m2fnuz", 2, 5, 1, True)
float8_e8m0fnu = _make(_MLDtype, "float8_e8m0fnu", 2, 5, 1, False)
ML = (bfloat16, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
FLOAT8 = ML[1:]

uint16 = _make(D.dtype, "uint16", 1, 1, 2, False, np.uint16)
uint32 = _make(D.dtype, "uint32", 1, 1, 4, False, np.uint32)
uint64 = _make(D.dtype, "uint64", 1, 1, 8, False, np.uint64)
UINTS = (uint16, uint32, uint64)

# PyTorch's placeholders: dtype objects with no kernels (is_signed of bits* raises there)
float4_e2m1fn_x2 = _make(_Placeholder, "float4_e2m1fn_x2", 2, 5, 1, True)
PLACEHOLDERS = tuple(
    [_make(_Placeholder, n, 1, 1, 2 if n == "bits16" else 1, False)
     for n in ("bits1x8", "bits2x4", "bits4x2", "bits8", "bits16")]
    + [_make(_Placeholder, f"int{i}", 1, 1, 1, True) for i in range(1, 8)]
    + [_make(_Placeholder, f"uint{i}", 1, 1, 1, False) for i in range(1, 8)])
_BITS = frozenset(p.name for p in PLACEHOLDERS if p.name.startswith("bits"))

NEW = ML + UINTS + (float4_e2m1fn_x2,) + PLACEHOLDERS
_TORCH_NAMES = {"float4_e2m1fn_x2": "Float4_e2m1fn_x2", "bfloat16": "BFloat16",
                "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
                "bits1x8": "Bits1x8", "bits2x4": "Bits2x4", "bits4x2": "Bits4x2",
                "bits8": "Bits8", "bits16": "Bits16"}
_C10 = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
        "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double",
        "complex32": "ComplexHalf", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_name(d) -> str:
    """PyTorch's C++ ScalarType name (Float, BFloat16, UInt16, Float8_e4m3fn, Int4, ...) of a
    tocha or NumPy dtype: the one table of these names, which PyTorch's messages use."""
    n = d.name
    if n in _C10:
        return _C10[n]
    if n in _TORCH_NAMES:
        return _TORCH_NAMES[n]
    if n.startswith("float8"):
        return "F" + n[1:]
    return ("UInt" + n[4:]) if n.startswith("uint") else ("Int" + n[3:])


def not_implemented(op: str, d: D.dtype) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for dtype `d`."""
    return NotImplementedError(f'"{op}" not implemented for \'{scalar_name(d)}\' (tocha.{d.name} '
                               f"is a dtype PyTorch names without kernels for it)")


# ---- promotion ----

def _promote_extra(a: D.dtype, b: D.dtype) -> D.dtype:
    """PyTorch's promote_types where either side is one of the new dtypes."""
    if a is b:
        return a
    pa, pb = isinstance(a, _Placeholder), isinstance(b, _Placeholder)
    if pa or pb:
        p, o = (a, b) if pa else (b, a)
        if p.name.startswith("uint") and o._kind == 2 and not isinstance(o, _Placeholder) \
                and o not in FLOAT8:
            return o
        if p.name in _BITS:
            raise RuntimeError(f"Promotion from {scalar_name(a)} and {scalar_name(b)} is "
                               f"unsupported.")
        raise RuntimeError(f"Promotion for {scalar_name(a)} and {scalar_name(b)} is not "
                           f"supported by PyTorch (an internal assert there)")
    if a in FLOAT8 or b in FLOAT8:
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to "
                           f"promote {scalar_name(a)} and {scalar_name(b)}")
    if a in UINTS or b in UINTS:
        o = b if a in UINTS else a
        if o._kind == 2:
            return o
        raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {scalar_name(a)} and {scalar_name(b)}")
    # bfloat16 with a core dtype: floating wins, bfloat16 with float16 meets at float32
    o = b if a is bfloat16 else a
    if o is D.float16:
        return D.float32
    if o._kind == 2:
        return o if o._rank > bfloat16._rank else bfloat16
    return o if o._kind == 3 else bfloat16


class _PromoteTable(dict):
    """The promotion table; a missing pair raises PyTorch's RuntimeError for it."""

    def __missing__(self, key):
        a, b = key
        if a in NEW or b in NEW:
            r = self[key] = _promote_extra(a, b)    # (raises PyTorch's error where none)
            return r
        raise KeyError(key)


def _from_numpy_dtype(np_dtype) -> D.dtype:
    try:
        return _plain_from_numpy(np_dtype)
    except TypeError:
        # an ml_dtypes array met before any bfloat16/float8 use: load the types, map it
        if getattr(type(np.dtype(np_dtype)), "__module__", "").startswith("ml_dtypes") or \
                np.dtype(np_dtype).name in D._NAME2DT:
            bfloat16.np  # noqa: B018 (loads ml_dtypes and registers its types)
            if np.dtype(np_dtype) in D._NP2DT:
                return D._NP2DT[np.dtype(np_dtype)]
        raise


_plain_from_numpy = D.from_numpy_dtype


def install() -> None:
    """Register the new dtypes with tocha._dtype: names, aliases and promotion entries."""
    D.from_numpy_dtype = _from_numpy_dtype
    D._PROMOTE = _PromoteTable(D._PROMOTE)
    D.bfloat16 = bfloat16
    D.ALL = tuple(bfloat16 if d.name == "bfloat16" else d for d in D.ALL) + NEW[1:]
    for d in NEW:
        D._NAME2DT[d.name] = d
        setattr(D, d.name, d)
    D.ALIASES["bfloat16"] = bfloat16
    for d in UINTS:
        D.ALIASES[d.name] = d
        D._NP2DT[d.np] = d
    # the other new dtypes' pairs are worked out on first use (_PromoteTable.__missing__)
    for d in D.ALL:
        if d not in NEW:
            D._PROMOTE[bfloat16, d] = D._PROMOTE[d, bfloat16] = _promote_extra(bfloat16, d)
