"""Typing-aware subtype and instance checks, and `_DataPipeType`: the element type a DataPipe
may carry as its `type` attribute, which `argument_validation` and `runtime_validation` read.

As in PyTorch 2.13, DataPipe classes do not set it from `IterDataPipe[X]` (that is only an
annotation there): a pipe has a `type` only when its class or instance assigns one."""
from __future__ import annotations

import numbers
from typing import Any, Generic, TypeVar, Union, get_args, get_origin

__all__ = ["issubinstance", "issubtype"]

class Integer(numbers.Integral):
    """Stands for `int` in type comparisons (so that `bool` is not taken for an `int`)."""


class Boolean(numbers.Integral):
    """Stands for `bool` in type comparisons."""


# builtin types compared through stand-ins, as PyTorch does: the comparison is structural
# (`List[int]` against `List[int]`), not by subclassing
TYPE2ABC = {bool: Boolean, int: Integer, float: numbers.Real, complex: numbers.Complex,
            dict: dict, list: list, set: set, tuple: tuple, None: type(None)}


def _norm(t: Any) -> Any:
    try:
        return TYPE2ABC.get(t, t)
    except TypeError:           # unhashable: not a type to map
        return t


def _type_repr(t: Any) -> str:
    """A type as PyTorch prints it in messages (`int`, `typing.Tuple[int, str]`, ...)."""
    if isinstance(t, type) and get_origin(t) is None:
        return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
    if t is ...:
        return "..."
    return repr(t)


def _decompose(t: Any, to_list: bool = True) -> list | None:
    """A TypeVar's bound or constraints, a Union's members; else `[t]` (None if not
    `to_list`)."""
    if isinstance(t, TypeVar):
        ts = [t.__bound__] if t.__bound__ is not None else list(t.__constraints__)
    elif getattr(t, "__origin__", None) == Union:
        ts = list(get_args(t))
    elif not to_list:
        return None
    else:
        ts = [t]
    return [_norm(x) for x in ts]


def issubtype(left: Any, right: Any, recursive: bool = True) -> bool:
    """Whether type `left` is a subtype of type `right`: Unions and TypeVars expand to their
    members; generic types match by origin and, with `recursive`, argument by argument."""
    left, right = _norm(left), _norm(right)
    if right is Any or left == right:
        return True
    if get_origin(right) is Generic:
        return True
    if right is type(None):
        return False
    constraints = _decompose(right)
    if not constraints or Any in constraints:
        return True
    if left is Any:
        return False
    variants = _decompose(left)
    if not variants:
        return False
    return all(_within(v, constraints, recursive) for v in variants)


def _within(variant: Any, constraints: list, recursive: bool) -> bool:
    """Whether `variant` is a subtype of one of `constraints`."""
    if variant in constraints:
        return True
    parts = _decompose(variant, to_list=False)
    if parts is not None:
        return all(_within(v, constraints, recursive) for v in parts)
    if getattr(variant, "__origin__", None) is not None:
        v_origin, v_args = variant.__origin__, get_args(variant) or None
    else:
        v_origin, v_args = variant, None
    for c in constraints:
        sub = _decompose(c, to_list=False)
        if sub is not None:
            if _within(variant, sub, recursive):
                return True
        elif getattr(c, "__origin__", None) is not None:
            if v_origin == c.__origin__:
                c_args = get_args(c) or None
                if not recursive or not c_args:
                    return True
                if (v_args is not None and len(v_args) == len(c_args)
                        and all(issubtype(a, b) for a, b in zip(v_args, c_args))):
                    return True
        elif v_origin == c:
            return True
    return False


def issubinstance(data: Any, data_type: Any) -> bool:
    """Whether the value `data` is of type `data_type`, looking into tuples, lists, sets and
    dicts."""
    if not issubtype(type(data), data_type, recursive=False):
        return False
    args = get_args(data_type) or None
    if isinstance(data, tuple):
        if not args:
            return True
        return len(args) == len(data) and all(issubinstance(d, t) for d, t in zip(data, args))
    if isinstance(data, (list, set)):
        return not args or all(issubinstance(d, args[0]) for d in data)
    if isinstance(data, dict):
        return not args or all(issubinstance(k, args[0]) and issubinstance(v, args[1])
                               for k, v in data.items())
    return True


class _DataPipeType:
    """The element type of a DataPipe (what `dp.type` returns)."""

    def __init__(self, param: Any) -> None:
        self.param = param

    def __repr__(self) -> str:
        return _type_repr(self.param)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _DataPipeType):
            return self.param == other.param
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.param)

    def issubtype(self, other: Any) -> bool:
        """Whether this type is a subtype of `other` (a `_DataPipeType` or a typing type)."""
        if isinstance(other, _DataPipeType):
            other = other.param
        if isinstance(other.__class__, type) and other is Any:
            return True
        return issubtype(self.param, other)

    def issubtype_of_instance(self, other: Any) -> bool:
        """Whether the value `other` is an instance of this type."""
        return issubinstance(other, self.param)
