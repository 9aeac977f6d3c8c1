"""dtype objects, the default dtype, and PyTorch's type promotion."""
from __future__ import annotations

import difflib

import numpy as np

from . import _naming


class dtype:
    """A tensor element type (`tocha.float32`, ...); wraps the NumPy dtype that stores it."""

    __slots__ = (
        "_diff",
        "_kind",
        "_rank",
        "is_complex",
        "is_floating_point",
        "is_signed",
        "itemsize",
        "name",
        "np",
    )

    def __init__(self, name: str, np_dtype, kind: int, rank: int):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = self.np.itemsize if self.np is not None else 2
        # kind: 0 bool, 1 integer, 2 floating, 3 complex (PyTorch's promotion categories)
        self._kind = kind
        self._rank = rank
        self.is_floating_point = kind == 2
        self.is_complex = kind == 3
        self._diff = kind >= 2      # autograd differentiates floating and complex tensors
        self.is_signed = name not in ("bool", "uint8")

    def __repr__(self) -> str:
        return f"{_naming.prefix}.{self.name}"  # torch.float32 under `python -m tocha run`

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self) -> dtype:
        """The real dtype of a complex one (complex64 -> float32); other dtypes: self."""
        return _COMPLEX_REAL.get(self.name, self)

    def to_complex(self) -> dtype:
        """The complex dtype whose parts are this floating dtype (float32 -> complex64)."""
        return _complex_of(self)

    @property
    def is_supported(self) -> bool:
        return self.np is not None


bool_ = dtype("bool", np.bool_, 0, 0)
uint8 = dtype("uint8", np.uint8, 1, 1)
int8 = dtype("int8", np.int8, 1, 2)
int16 = dtype("int16", np.int16, 1, 3)
int32 = dtype("int32", np.int32, 1, 4)
int64 = dtype("int64", np.int64, 1, 5)
float16 = dtype("float16", np.float16, 2, 6)
bfloat16 = dtype("bfloat16", None, 2, 6)          # NumPy has no bfloat16: named, not usable
float32 = dtype("float32", np.float32, 2, 7)
float64 = dtype("float64", np.float64, 2, 8)
complex64 = dtype("complex64", np.complex64, 3, 9)
complex128 = dtype("complex128", np.complex128, 3, 10)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
       complex64, complex128)
SUPPORTED = tuple(d for d in ALL if d.np is not None)

# PyTorch's aliases, as attributes of the tocha namespace
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64, "float16": float16,
    "half": float16, "bfloat16": bfloat16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128,
}

_NP2DT = {d.np: d for d in SUPPORTED}
_NAME2DT = {d.name: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _NAME2DT[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The tocha dtype stored as `np_dtype`; TypeError for types tocha cannot hold."""
    try:
        return _NP2DT[np_dtype]
    except KeyError:
        pass
    npd = np.dtype(np_dtype)
    if npd in _NP2DT:
        return _NP2DT[npd]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{npd.name}. The only supported types are: "
        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")


def check_supported(d: dtype, op: str = "") -> dtype:
    """Raise a clear error for dtypes tocha names but cannot compute with."""
    if d.np is None:
        where = f"{op}: " if op else ""
        raise TypeError(f"{where}dtype tocha.{d.name} is not supported by tocha (NumPy has no "
                        f"such type); use tocha.float32 or tocha.float64")
    return d


def unknown_dtype_error(name: str) -> AttributeError:
    """AttributeError for `tocha.<name>` with a 'did you mean' hint for dtype-like names."""
    cands = difflib.get_close_matches(name, list(ALIASES), n=1, cutoff=0.6)
    lower = name.lower()
    if lower in ALIASES:
        cands = [lower]
    hint = f"; did you mean tocha.{cands[0]}?" if cands else ""
    return AttributeError(f"module 'tocha' has no attribute '{name}'{hint}")


# ---- default dtype ----

_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


# ---- promotion ----

def _build_table():
    order = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
    table = {}
    for a in order:
        for b in order:
            if a is b:
                r = a
            elif a._kind == 2 or b._kind == 2:
                fa = a if a._kind == 2 else None
                fb = b if b._kind == 2 else None
                if fa and fb:
                    r = fa if fa._rank >= fb._rank else fb
                else:
                    r = fa or fb
            elif a is bool_:
                r = b
            elif b is bool_:
                r = a
            elif uint8 in (a, b):
                other = b if a is uint8 else a
                r = int16 if other is int8 else other
            else:
                r = a if a._rank >= b._rank else b
            table[a, b] = r
    return table


_PROMOTE = _build_table()

# ---- complex dtypes ----
# complex32 (chalf) is a named dtype only: NumPy has no complex32 storage, so tocha refuses to
# compute with it (as with any dtype whose `np` is None) rather than silently store complex64.
complex32 = dtype("complex32", None, 3, 8)
complex32.itemsize = 4
_NAME2DT["complex32"] = complex32
ALIASES.update({"complex32": complex32, "chalf": complex32})
_COMPLEX_REAL = {"complex32": float16, "complex64": float32, "complex128": float64}
_REAL_COMPLEX = {float16: complex32, float32: complex64, float64: complex128}


def _complex_of(d: dtype) -> dtype:
    # PyTorch's toComplexType: a floating dtype's complex counterpart
    if d._kind == 3:
        return d
    if d in _REAL_COMPLEX:
        return _REAL_COMPLEX[d]
    raise TypeError(f"Unknown Complex ScalarType for {d.name}")


def _promote_complex(a: dtype, b: dtype) -> dtype:
    # complex with bool/int keeps the complex; otherwise the parts promote as real dtypes
    # (float64 + complex64 -> complex128), then the result is made complex
    ra = a.to_real() if a._kind >= 2 else None
    rb = b.to_real() if b._kind >= 2 else None
    r = _complex_of(promote_types(ra, rb) if ra and rb else (ra or rb))
    _PROMOTE[a, b] = r
    return r


def default_complex_dtype() -> dtype:
    """The dtype of Python complex numbers: complex64 under the float32 default."""
    return _complex_of(_default[0])


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's `promote_types` for two dtypes."""
    if a is b:
        return a
    try:
        return _PROMOTE[a, b]
    except KeyError:
        if a._kind == 3 or b._kind == 3:
            return _promote_complex(a, b)
        check_supported(a)
        check_supported(b)
        raise


def _combine(higher, lower):
    # higher: dtype from higher-priority operands; lower: from lower-priority ones
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._kind >= lower._kind:
        return higher
    if lower._kind == 3:     # PyTorch keeps the float width of higher: float64 + 1j: complex128
        return _complex_of(higher) if higher._kind == 2 else lower
    return promote_types(higher, lower)


def scalar_dtype(v) -> dtype:
    """The dtype PyTorch gives a Python scalar taking part in an op."""
    if isinstance(v, bool):
        return bool_
    if isinstance(v, int):
        return int64
    if isinstance(v, float):
        return _default[0]
    if isinstance(v, complex):
        return default_complex_dtype()
    if isinstance(v, np.generic):
        return from_numpy_dtype(v.dtype)
    raise TypeError(f"unsupported scalar type {type(v).__name__}")


def result_type(*operands) -> dtype:
    """PyTorch's result type for tensors (dimensioned and 0-d) and Python scalars."""
    dim = zero = wrapped = None
    for o in operands:
        d = getattr(o, "_dtype", None)
        if d is not None:
            if o._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            if isinstance(o, np.generic):
                # PyTorch reads NumPy scalars as Python numbers: integers as int, anything else
                # (floats of any width, even np.bool_) as float
                # (np.complex128 is a Python complex and is read as one; np.complex64 is not)
                sd = (int64 if isinstance(o, np.integer) else default_complex_dtype()
                      if isinstance(o, complex) else _default[0])
            else:
                sd = scalar_dtype(o)
            if wrapped is None or sd._kind > wrapped._kind:
                wrapped = sd
    r = _combine(dim, _combine(zero, wrapped))
    return r if r.np is not None else check_supported(r, "type promotion")


def can_cast(src: dtype, dst: dtype) -> bool:
    """PyTorch's same-kind rule for in-place results: no float→int, no int→bool."""
    return src._kind <= dst._kind


# ---- bfloat16 / float8 (through ml_dtypes), uint16/32/64 and PyTorch's placeholder dtypes ----
from . import _dtype_ext

_dtype_ext.install()
