"""The element types of DataPipes: `IterDataPipe[int]` records `int` as the pipe's `type`,
checked by `argument_validation`, `runtime_validation` and `reinforce_type`."""
from __future__ import annotations

import collections.abc
import numbers
from typing import Any, TypeVar, Union, get_args, get_origin

__all__ = ["issubinstance", "issubtype"]

_CONTAINERS = {list: list, tuple: tuple, dict: dict, set: set,
               collections.abc.Sequence: collections.abc.Sequence,
               collections.abc.Iterable: collections.abc.Iterable}


def _type_repr(t: Any) -> str:
    """A type as PyTorch prints it in messages (`int`, `typing.Tuple[int, str]`, ...)."""
    if isinstance(t, type) and get_origin(t) is None and t.__module__ == "builtins":
        return t.__qualname__
    if isinstance(t, type) and get_origin(t) is None:
        return f"{t.__module__}.{t.__qualname__}"
    if t is ...:
        return "..."
    return repr(t)


def _variants(t: Any) -> list:
    """The members of a Union (a TypeVar by its bound or constraints, Any as itself)."""
    if isinstance(t, TypeVar):
        if t.__bound__ is not None:
            return _variants(t.__bound__)
        return [v for c in t.__constraints__ for v in _variants(c)] or [Any]
    if get_origin(t) is Union or type(t).__name__ == "UnionType":
        return [v for a in get_args(t) for v in _variants(a)]
    return [t]


def issubtype(left: Any, right: Any, recursive: bool = True) -> bool:
    """Whether every value of type `left` is a value of type `right` (typing-aware)."""
    rights = _variants(right)
    if Any in rights or object in rights:
        return True
    lefts = _variants(left)
    if Any in lefts:
        return False
    return all(any(_sub(v, r, recursive) for r in rights) for v in lefts)


def _base(t: Any) -> Any:
    origin = get_origin(t)
    return origin if origin is not None else t


def _sub(left: Any, right: Any, recursive: bool) -> bool:
    lb, rb = _base(left), _base(right)
    if left == right:
        return True
    try:
        if not issubclass(lb, rb) and not (lb is bool and rb in (int, numbers.Integral)):
            return False
    except TypeError:
        return False
    rargs = get_args(right)
    if not rargs or not recursive:
        return True
    largs = get_args(left)
    if not largs:
        return False
    if rb is tuple and Ellipsis not in rargs:
        return len(largs) == len(rargs) and all(
            issubtype(a, b) for a, b in zip(largs, rargs))
    if rb is tuple:
        return all(issubtype(a, rargs[0]) for a in largs if a is not Ellipsis)
    return len(largs) == len(rargs) and all(issubtype(a, b) for a, b in zip(largs, rargs))


def issubinstance(data: Any, data_type: Any) -> bool:
    """Whether the value `data` is an instance of the typing type `data_type`."""
    variants = _variants(data_type)
    if Any in variants:
        return True
    return any(_inst(data, t) for t in variants)


def _inst(data: Any, t: Any) -> bool:
    base = _base(t)
    try:
        if not isinstance(data, base):
            return False
    except TypeError:
        return True
    args = get_args(t)
    if not args:
        return True
    if base is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(issubinstance(d, args[0]) for d in data)
        return len(args) == len(data) and all(issubinstance(d, a) for d, a in zip(data, args))
    if base is dict or (isinstance(base, type) and issubclass(base, collections.abc.Mapping)):
        return all(issubinstance(k, args[0]) and issubinstance(v, args[1])
                   for k, v in data.items())
    if isinstance(base, type) and issubclass(base, collections.abc.Iterable):
        return all(issubinstance(d, args[0]) for d in data)
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


def element_type(cls: type, pipe_bases: tuple) -> Any:
    """The element type a DataPipe class declares: `X` of a base written `IterDataPipe[X]`
    (or of a subclass of it), else None (inherit)."""
    for base in getattr(cls, "__orig_bases__", ()):
        origin = get_origin(base)
        if isinstance(origin, type) and issubclass(origin, pipe_bases):
            args = get_args(base)
            if args:
                return args[0]
    return None


def check_iter_hint(cls: type, expected: Any) -> None:
    """PyTorch's check that `__iter__`'s return hint agrees with the declared element type."""
    import typing
    fn = cls.__dict__.get("__iter__")
    if fn is None:
        return
    try:
        hints = typing.get_type_hints(fn)
    except (NameError, TypeError, AttributeError):     # unresolvable forward references
        return
    if "return" not in hints:
        return
    hint = hints["return"]
    if hint in (collections.abc.Iterator, typing.Iterator):
        return
    if get_origin(hint) is not collections.abc.Iterator:
        raise TypeError(f"Expected 'Iterator' as the return annotation for `__iter__` of "
                        f"{cls.__name__}, but found {_type_repr(hint)}")
    data_type = get_args(hint)[0]
    if not issubtype(data_type, expected):
        raise TypeError(f"Expected return type of '__iter__' as a subtype of "
                        f"{_type_repr(expected)}, but found {_type_repr(data_type)} for "
                        f"{cls.__name__}")
