"""DataPipes: composable datasets. `IterDataPipe` (iterable-style) and `MapDataPipe`
(map-style) gain chained forms of every registered pipe (`dp.map(f).filter(g).batch(4)`)."""
from __future__ import annotations

import functools
import importlib.util
import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from ..dataset import Dataset, IterableDataset
from ._hook_iterator import _SnapshotState, hook_iterator

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe"]

_T_co = TypeVar("_T_co", covariant=True)

UNTRACABLE_DATAFRAME_PIPES = ["batch", "groupby", "_dataframes_as_tuples", "trace_as_dataframe"]


class DataChunk(list):
    """A batch made by `batch`/`groupby`: a list that also keeps its `items`.

    Example:
        >>> from tocha.utils.data import DataChunk
        >>> DataChunk([1, 2]).as_str("  ")
        '  [1, 2]'
    """

    def __init__(self, items: Iterable) -> None:
        items = list(items)
        super().__init__(items)
        self.items = items

    def as_str(self, indent: str = "") -> str:
        return indent + "[" + ", ".join(str(i) for i in iter(self)) + "]"

    def __iter__(self) -> Iterator:
        yield from super().__iter__()

    def raw_iterator(self) -> Iterator:
        yield from self.items


def _functional(registry: dict, name: str, owner: Any) -> Callable:
    """The bound chained form `owner.name(...)` of a registered pipe."""
    f = registry[name]
    function = functools.partial(f, owner)
    functools.update_wrapper(wrapper=function, wrapped=f, assigned=("__doc__",))
    return function


class _PipeCommon:
    """What both kinds of DataPipe share: the registry of chained forms, pickling hooks, and
    the plain class-name repr."""

    functions: ClassVar[dict[str, Callable]] = {}
    reduce_ex_hook: Callable | None = None
    getstate_hook: Callable | None = None
    str_hook: Callable | None = None
    repr_hook: Callable | None = None

    def __getattr__(self, attribute_name: str) -> Any:
        registry = type(self)._registry_owner().functions
        if attribute_name in registry:
            return _functional(registry, attribute_name, self)
        raise AttributeError(f"'{self.__class__.__name__}' object has no attribute "
                             f"'{attribute_name}")

    @classmethod
    def _registry_owner(cls) -> type:
        raise NotImplementedError

    @classmethod
    def register_function(cls, function_name: str, function: Callable) -> None:
        cls._registry_owner().functions[function_name] = function

    def __getstate__(self) -> Any:
        owner = type(self)._registry_owner()
        state = self.__dict__
        return owner.getstate_hook(state) if owner.getstate_hook is not None else state

    def __reduce_ex__(self, *args: Any, **kwargs: Any) -> Any:
        owner = type(self)._registry_owner()
        if owner.reduce_ex_hook is not None:
            try:
                return owner.reduce_ex_hook(self)
            except NotImplementedError:
                pass
        return super().__reduce_ex__(*args, **kwargs)

    @classmethod
    def set_getstate_hook(cls, hook_fn: Callable | None) -> None:
        owner = cls._registry_owner()
        if owner.getstate_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing getstate_hook")
        owner.getstate_hook = hook_fn

    @classmethod
    def set_reduce_ex_hook(cls, hook_fn: Callable | None) -> None:
        owner = cls._registry_owner()
        if owner.reduce_ex_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing reduce_ex_hook")
        owner.reduce_ex_hook = hook_fn

    def __repr__(self) -> str:
        if self.repr_hook is not None:
            return self.repr_hook(self)
        return str(self.__class__.__qualname__)

    def __str__(self) -> str:
        if self.str_hook is not None:
            return self.str_hook(self)
        return str(self.__class__.__qualname__)

    def __dir__(self) -> list:
        return list(super().__dir__()) + list(type(self)._registry_owner().functions)


class IterDataPipe(_PipeCommon, IterableDataset[_T_co]):
    """An iterable-style DataPipe: a stage of a data pipeline, and an `IterableDataset`.

    Every registered pipe has a chained form (`dp.map(fn)`, `dp.filter(fn)`, `dp.batch(n)`,
    `dp.shuffle()`, `dp.zip(other)`, ...). Creating a new iterator resets the pipe and
    invalidates the iterators created before (one live iterator per pipe: use `.fork()` to
    read one stream twice).

    As in PyTorch 2.13, `IterDataPipe[int]` is only a typing annotation: pipes keep no
    element type (no `type` attribute) unless one is given (see `runtime_validation`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> dp = IterableWrapper(range(10)).filter(lambda x: x % 2 == 0).map(lambda x: x * 10)
        >>> list(dp.batch(2))
        [[0, 20], [40, 60], [80]]
    """

    functions: ClassVar[dict[str, Callable]] = {}
    reduce_ex_hook: Callable | None = None
    getstate_hook: Callable | None = None
    str_hook: Callable | None = None
    repr_hook: Callable | None = None
    _valid_iterator_id: int | None = None
    _number_of_samples_yielded: int = 0
    _snapshot_state: _SnapshotState = _SnapshotState.NotStarted
    _fast_forward_iterator: Iterator | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        hook_iterator(cls)

    @classmethod
    def _registry_owner(cls) -> type:
        return IterDataPipe

    def __iter__(self) -> Iterator[_T_co]:
        return self  # type: ignore[return-value]

    @classmethod
    def register_datapipe_as_function(cls, function_name: str, cls_to_register: Any,
                                      enable_df_api_tracing: bool = False) -> None:
        """Register `cls_to_register` as the chained form `dp.function_name(...)`."""
        if function_name in IterDataPipe.functions:
            raise Exception(  # noqa: TRY002 (PyTorch's exception type)f"Unable to add DataPipe function name {function_name} as it is "
                            "already taken")
        function = functools.partial(_construct, cls_to_register)
        functools.update_wrapper(wrapper=function, wrapped=cls_to_register,
                                 assigned=("__doc__",))
        IterDataPipe.functions[function_name] = function

    def reset(self) -> None:
        """Called when a new iterator is created (clear buffers, reseed)."""


hook_iterator(IterDataPipe)     # its own `__iter__` (returning self) too, as in PyTorch


def _construct(cls_to_register: Any, source_dp: Any, *args: Any, **kwargs: Any) -> Any:
    return cls_to_register(source_dp, *args, **kwargs)


class DFIterDataPipe(IterDataPipe):
    """An IterDataPipe of DataFrames (PyTorch's tracing of DataFrame operations is not
    implemented: it depends on TorchArrow)."""

    def _is_dfpipe(self) -> bool:
        return True


class MapDataPipe(_PipeCommon, Dataset[_T_co]):
    """A map-style DataPipe: `dp[i]` and `len(dp)`, with chained forms (`dp.map(fn)`,
    `dp.batch(n)`, `dp.shuffle()`, `dp.zip(other)`, `dp.concat(other)`).

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> dp = SequenceWrapper(range(5)).map(lambda x: x + 1)
        >>> dp[2], len(dp)
        (3, 5)
    """

    functions: ClassVar[dict[str, Callable]] = {}
    reduce_ex_hook: Callable | None = None
    getstate_hook: Callable | None = None
    str_hook: Callable | None = None
    repr_hook: Callable | None = None

    @classmethod
    def _registry_owner(cls) -> type:
        return MapDataPipe

    @classmethod
    def register_datapipe_as_function(cls, function_name: str, cls_to_register: Any) -> None:
        """Register `cls_to_register` as the chained form `dp.function_name(...)`."""
        if function_name in MapDataPipe.functions:
            raise Exception(  # noqa: TRY002 (PyTorch's exception type)f"Unable to add DataPipe function name {function_name} as it is "
                            "already taken")
        function = functools.partial(_construct, cls_to_register)
        functools.update_wrapper(wrapper=function, wrapped=cls_to_register,
                                 assigned=("__doc__",))
        MapDataPipe.functions[function_name] = function


class _DataPipeSerializationWrapper:
    """Pickles the wrapped pipe eagerly (with dill when plain pickle fails and dill exists),
    as DataLoader wraps DataPipes."""

    def __init__(self, datapipe: Any) -> None:
        self._datapipe = datapipe

    def __getstate__(self) -> Any:
        try:
            return (pickle.dumps(self._datapipe), False)
        except Exception:   # whatever pickle refuses, dill may still manage
            if importlib.util.find_spec("dill") is None:
                raise
            import dill
            return (dill.dumps(self._datapipe), True)

    def __setstate__(self, state: Any) -> None:
        value, use_dill = state
        if use_dill:
            import dill
            self._datapipe = dill.loads(value)
        else:
            self._datapipe = pickle.loads(value)

    def __len__(self) -> int:
        try:
            return len(self._datapipe)
        except Exception as e:
            raise TypeError(f"{type(self).__name__} instance doesn't have valid length") from e


class _IterDataPipeSerializationWrapper(_DataPipeSerializationWrapper, IterDataPipe):
    def __init__(self, datapipe: IterDataPipe) -> None:
        super().__init__(datapipe)
        self._datapipe_iter: Iterator | None = None

    def __iter__(self) -> _IterDataPipeSerializationWrapper:
        self._datapipe_iter = iter(self._datapipe)
        return self

    def __next__(self) -> Any:
        if self._datapipe_iter is None:
            raise AssertionError("Iterator has not been initialized; call __iter__() before "
                                 "__next__()")
        return next(self._datapipe_iter)


class _MapDataPipeSerializationWrapper(_DataPipeSerializationWrapper, MapDataPipe):
    def __getitem__(self, idx: Any) -> Any:
        return self._datapipe[idx]
