"""Decorators of DataPipes: registering chained forms, determinism switches, and checks of
the declared element types."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, get_type_hints

from .datapipe import IterDataPipe, MapDataPipe

__all__ = ["argument_validation", "functional_datapipe", "guaranteed_datapipes_determinism",
           "non_deterministic", "runtime_validation", "runtime_validation_disabled"]


class functional_datapipe:
    """Class decorator: register a DataPipe class as a chained method of every pipe.

    Args:
        name (str): the method's name (`dp.<name>(*args)` builds `cls(dp, *args)`).
        enable_df_api_tracing (bool): accepted (DataFrame tracing is not implemented).

    Example:
        >>> from tocha.utils.data import IterDataPipe, functional_datapipe
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> @functional_datapipe("doubled_example")
        ... class Doubler(IterDataPipe):
        ...     def __init__(self, dp):
        ...         self.dp = dp
        ...     def __iter__(self):
        ...         for x in self.dp:
        ...             yield 2 * x
        >>> list(IterableWrapper([1, 2]).doubled_example())
        [2, 4]
    """

    name: str

    def __init__(self, name: str, enable_df_api_tracing: bool = False) -> None:
        self.name = name
        self.enable_df_api_tracing = enable_df_api_tracing

    def __call__(self, cls: Any) -> Any:
        if isinstance(cls, non_deterministic) or (
                hasattr(cls, "__self__") and isinstance(cls.__self__, non_deterministic)) or isinstance(cls, type) and issubclass(cls, IterDataPipe):
            IterDataPipe.register_datapipe_as_function(self.name, cls,
                                                       self.enable_df_api_tracing)
        elif isinstance(cls, type) and issubclass(cls, MapDataPipe):
            MapDataPipe.register_datapipe_as_function(self.name, cls)
        elif isinstance(cls, type):
            raise TypeError("`functional_datapipe` can only decorate IterDataPipe")
        return cls


_determinism = False


class guaranteed_datapipes_determinism:
    """Within the block (or after a call), building a pipe marked `non_deterministic`
    raises TypeError.

    Example:
        >>> from tocha.utils.data import guaranteed_datapipes_determinism
        >>> with guaranteed_datapipes_determinism():
        ...     pass
    """

    prev: bool

    def __init__(self) -> None:
        global _determinism
        self.prev = _determinism
        _determinism = True

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        global _determinism
        _determinism = self.prev


class non_deterministic:
    """Mark an IterDataPipe class as non-deterministic (always, or when a function of its
    arguments returns True), so that `guaranteed_datapipes_determinism` refuses it.

    Example:
        >>> from tocha.utils.data import IterDataPipe, non_deterministic
        >>> @non_deterministic
        ... class Racy(IterDataPipe):
        ...     def __iter__(self):
        ...         yield 1
        >>> list(Racy())
        [1]
    """

    cls: type | None = None
    deterministic_fn: Callable[..., bool]

    def __init__(self, arg: type | Callable[..., bool]) -> None:
        if isinstance(arg, type):
            if not issubclass(arg, IterDataPipe):
                raise TypeError("Only `IterDataPipe` can be decorated with `non_deterministic`, "
                                f"but {arg.__name__} is found")
            self.cls = arg
        elif callable(arg):
            self.deterministic_fn = arg
        else:
            raise TypeError(f"{arg} can not be decorated by non_deterministic")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.cls is not None:
            if _determinism:
                raise TypeError(f"{self.cls.__name__} is non-deterministic, but you set "
                                "'guaranteed_datapipes_determinism'. You can turn off "
                                "determinism for this DataPipe if that is acceptable for your "
                                "application")
            return self.cls(*args, **kwargs)
        if not (isinstance(args[0], type) and issubclass(args[0], IterDataPipe)):
            raise TypeError(f"Only `IterDataPipe` can be decorated, but {args[0].__name__} is "
                            "found")
        self.cls = args[0]
        return self.deterministic_wrapper_fn

    def deterministic_wrapper_fn(self, *args: Any, **kwargs: Any) -> IterDataPipe:
        res = self.deterministic_fn(*args, **kwargs)
        if not isinstance(res, bool):
            raise TypeError("deterministic_fn of `non_deterministic` decorator is required to "
                            f"return a boolean value, but {type(res)} is found")
        if _determinism and res:
            raise TypeError(f"{self.cls.__name__} is non-deterministic with the inputs, but you "
                            "set 'guaranteed_datapipes_determinism'. You can turn off "
                            "determinism for this DataPipe if that is acceptable for your "
                            "application")
        return self.cls(*args, **kwargs)


def argument_validation(f: Callable) -> Callable:
    """Check, at each call, the arguments hinted with a DataPipe class (`dp: IterDataPipe`):
    each must be an IterDataPipe whose element type (`type`) is a subtype of the hint's.

    As in PyTorch 2.13, a subscripted hint (`IterDataPipe[int]`) is not checked, and pipes
    carry a `type` only when given one (otherwise the check raises AttributeError).

    Example:
        >>> from tocha.utils.data import IterDataPipe, argument_validation
        >>> @argument_validation
        ... def first(dp: IterDataPipe):
        ...     return next(iter(dp))
        >>> first([1])
        Traceback (most recent call last):
        TypeError: Expected argument 'dp' as a IterDataPipe, but found <class 'list'>
    """
    signature = inspect.signature(f)
    hints = get_type_hints(f)

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            hint = hints.get(name)
            if not (isinstance(hint, type) and issubclass(hint, (IterDataPipe, MapDataPipe))):
                continue
            if not isinstance(value, IterDataPipe):
                raise TypeError(f"Expected argument '{name}' as a IterDataPipe, but found "
                                f"{type(value)}")
            if not value.type.issubtype(hint.type):
                raise TypeError(f"Expected type of argument '{name}' as a subtype of hint "
                                f"{hint.type}, but found {value.type}")
        return f(*args, **kwargs)
    return wrapper


_runtime_validation_enabled = True


class runtime_validation_disabled:
    """Within the block (or after a call), `runtime_validation` checks nothing."""

    prev: bool

    def __init__(self) -> None:
        global _runtime_validation_enabled
        self.prev = _runtime_validation_enabled
        _runtime_validation_enabled = False

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        global _runtime_validation_enabled
        _runtime_validation_enabled = self.prev


def runtime_validation(f: Callable) -> Callable:
    """Decorate a DataPipe's `__iter__`: each element it yields must be an instance of the
    pipe's element type (RuntimeError otherwise).

    The pipe must carry its element type as a `type` attribute (a `_DataPipeType`): as in
    PyTorch 2.13, `IterDataPipe[int]` does not set it, and without it iterating raises
    AttributeError.

    Example:
        >>> from tocha.utils.data import IterDataPipe, runtime_validation
        >>> from tocha.utils.data.datapipes._typing import _DataPipeType
        >>> class Ints(IterDataPipe):
        ...     type = _DataPipeType(int)
        ...     @runtime_validation
        ...     def __iter__(self):
        ...         yield from (1, "two")
        >>> try:
        ...     list(Ints())
        ... except RuntimeError as e:   # its message also names the pipe that raised
        ...     print(str(e).splitlines()[0])
        Expected an instance as subtype of int, but found two(<class 'str'>)
    """
    if f.__name__ != "__iter__":
        raise TypeError(f"Can not decorate function {f.__name__} with 'runtime_validation'")

    @wraps(f)
    def wrapper(self):
        if not _runtime_validation_enabled:
            yield from f(self)
        else:
            for d in f(self):
                if not self.type.issubtype_of_instance(d):
                    raise RuntimeError(f"Expected an instance as subtype of {self.type}, but "
                                       f"found {d}({type(d)})")
                yield d
    return wrapper
