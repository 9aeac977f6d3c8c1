"""`Variable`: the deprecated wrapper; calling it returns a plain Tensor, as in PyTorch."""
from __future__ import annotations


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from .._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """`Variable(t, requires_grad=False)` returns `t` itself (optionally requiring grad)."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        from .._tensor import Tensor
        if data is None:
            from .._creation import tensor
            data = tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if requires_grad:
            data.requires_grad_(True)
        return data
