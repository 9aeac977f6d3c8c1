"""Mapper (`dp.map`) and Collator (`dp.collate`)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sized
from typing import Any

from ..._collate import default_collate
from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe
from ..utils.common import _check_unpickable_fn, validate_input_col

__all__ = ["CollatorIterDataPipe", "MapperIterDataPipe"]


def _no_len(dp: Any) -> TypeError:
    return TypeError(f"{type(dp).__name__} instance doesn't have valid length")


def _apply_fn(fn: Callable, input_col: Any, output_col: Any, data: Any) -> Any:
    """`fn` on the element, or on its `input_col` column(s), the result written to
    `output_col` (-1 appends; None replaces the input column)."""
    if input_col is None and output_col is None:
        return fn(data)
    if input_col is None:
        res = fn(data)
    elif isinstance(input_col, (list, tuple)):
        res = fn(*(data[col] for col in input_col))
    else:
        res = fn(data[input_col])
    was_tuple = isinstance(data, tuple)
    if was_tuple:
        data = list(data)
    if output_col is None:
        if isinstance(input_col, (list, tuple)):
            data[input_col[0]] = res
            for idx in sorted(input_col[1:], reverse=True):
                del data[idx]
        else:
            data[input_col] = res
    elif output_col == -1:
        data.append(res)
    else:
        data[output_col] = res
    return tuple(data) if was_tuple else data


@functional_datapipe("map")
class MapperIterDataPipe(IterDataPipe):
    """Apply `fn` to each element (`dp.map(fn)`); with `input_col`/`output_col`, to columns
    of tuple/list/dict elements.

    Args:
        datapipe: the source.
        fn: the function.
        input_col: index or key (or several) of the element that `fn` receives.
        output_col: where the result goes (-1: appended); None replaces the input column.

    Example:
        >>> import operator
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper, Mapper
        >>> list(Mapper(IterableWrapper([(1, 2), (3, 4)]), operator.add, input_col=[0, 1]))
        [(3,), (7,)]
    """

    def __init__(self, datapipe: IterDataPipe, fn: Callable, input_col: Any = None,
                 output_col: Any = None) -> None:
        super().__init__()
        self.datapipe = datapipe
        _check_unpickable_fn(fn)
        self.fn = fn
        self.input_col = input_col
        if input_col is None and output_col is not None:
            raise ValueError("`output_col` must be None when `input_col` is None.")
        if isinstance(output_col, (list, tuple)):
            if len(output_col) > 1:
                raise ValueError("`output_col` must be a single-element list or tuple")
            output_col = output_col[0]
        self.output_col = output_col
        validate_input_col(fn, input_col)

    def _apply_fn(self, data: Any) -> Any:
        return _apply_fn(self.fn, self.input_col, self.output_col, data)

    def __iter__(self) -> Iterator:
        for data in self.datapipe:
            yield self._apply_fn(data)

    def __len__(self) -> int:
        if isinstance(self.datapipe, Sized):
            return len(self.datapipe)
        raise _no_len(self)


@functional_datapipe("collate")
class CollatorIterDataPipe(MapperIterDataPipe):
    """Collate each element (usually a batch) with `collate_fn` (`dp.collate()`; default:
    `default_collate`, lists of samples become batched tensors).

    Args:
        datapipe: the source (of batches).
        conversion: a collate function (default `default_collate`); a dict of per-column
            functions needs DataFrames (TorchArrow), which tocha does not support.
        collate_fn: a collate function (takes precedence over `conversion`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> list(IterableWrapper([1, 2, 3]).batch(2).collate())
        [tensor([1, 2]), tensor([3])]
    """

    def __init__(self, datapipe: IterDataPipe, conversion: Any = default_collate,
                 collate_fn: Callable | None = None) -> None:
        if collate_fn is not None:
            super().__init__(datapipe, fn=collate_fn)
        elif callable(conversion):
            super().__init__(datapipe, fn=conversion)
        else:
            raise NotImplementedError("Collator with a dict of conversions collates "
                                      "DataFrames (TorchArrow); tocha does not implement it")
