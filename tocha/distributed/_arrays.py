"""Tensor <-> buffer glue for the collectives: contiguous arrays in, in-place writes out."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
           "float32", "float64", "complex64", "complex128", "uint16", "uint32", "uint64")


def check_tensor(t, op: str, what: str = "tensor") -> None:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {what} must be a tocha Tensor, got {type(t).__name__}")


def array(t: Tensor) -> np.ndarray:
    """The tensor's data as a C-contiguous array (its own memory when already contiguous)."""
    a = t._data
    return a if a.flags.c_contiguous else a.copy(order="C")  # (ascontiguousarray makes 0-d 1-d)


def dtype_code(t: Tensor) -> int:
    name = str(t.dtype).rpartition(".")[2]
    return _DTYPES.index(name) if name in _DTYPES else len(_DTYPES)


def dtype_name(code: int) -> str:
    return f"torch.{_DTYPES[code]}" if code < len(_DTYPES) else "torch.<other>"


def write(t: Tensor, arr: np.ndarray) -> None:
    """Put a result into `t` in place (views write through; the version counter moves)."""
    with no_grad():
        t.copy_(_wrap(arr))


def _wrap(arr: np.ndarray) -> Tensor:
    from .._creation import from_numpy
    return from_numpy(arr if arr.flags.c_contiguous else arr.copy(order="C"))


def as_bytes(a: np.ndarray) -> np.ndarray:
    return a.reshape(-1).view(np.uint8)


# reductions on dtypes MPI cannot reduce: compute in a wider type, cast back
def reducible(a: np.ndarray, op: str) -> tuple[np.ndarray, str]:
    if a.dtype == np.bool_:
        return a.view(np.uint8), {"sum": "max", "product": "min"}.get(op, op)
    if a.dtype.kind == "f" and a.dtype.itemsize < 4 or a.dtype.kind == "V":
        return a.astype(np.float32), op
    return a, op


def in_place(t: Tensor) -> np.ndarray | None:
    """The tensor's own memory when MPI can write results straight into it (contiguous, a
    dtype MPI reduces natively), else None."""
    a = t._data
    if a.flags.c_contiguous and a.flags.writeable and a.dtype.kind in "iuf" \
            and a.dtype.itemsize >= 4 and a.dtype != np.float16:
        return a
    return None


def touched(t: Tensor) -> None:
    """Record an in-place write that MPI made into `t`'s memory (autograd's version check)."""
    t._bump()
