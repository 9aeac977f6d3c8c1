"""Argument checks and named results shared by torch.linalg's functions."""
from __future__ import annotations

from .._tensor import Tensor

_SCALAR = {"float64": "Double", "float32": "Float", "float16": "Half", "bfloat16": "BFloat16",
           "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
           "bool": "Bool"}


def scalar_name(dt) -> str:
    return _SCALAR.get(str(dt).split(".")[-1], str(dt))


def check_tensor(name: str, A, what: str = "A") -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument '{what}' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")


def check_matrix(name: str, A, square: bool = True, float_only: bool = True) -> None:
    """PyTorch's errors for fewer than 2 dims, integer input and non-square matrices."""
    check_tensor(name, A)
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if float_only and not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_name(A.dtype)}")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def check_same_dtype(name: str, A, B) -> None:
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of "
                           f"type {scalar_name(A.dtype)} and B of type "
                           f"{scalar_name(B.dtype)} instead")


def return_type(name: str, fields: tuple):
    """A tuple subclass like torch.return_types.<name> (fields by name and by position)."""
    def __new__(cls, *vals):
        return tuple.__new__(cls, vals)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    ns = {"__new__": __new__, "__repr__": __repr__, "__slots__": (),
          "_fields": fields}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), ns)
