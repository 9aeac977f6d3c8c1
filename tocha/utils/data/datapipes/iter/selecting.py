"""Filter (`dp.filter`)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe
from ..utils.common import StreamWrapper, _check_unpickable_fn, validate_input_col

__all__ = ["FilterIterDataPipe"]


@functional_datapipe("filter")
class FilterIterDataPipe(IterDataPipe):
    """Keep the elements for which `filter_fn` returns True (`dp.filter(fn)`); `input_col`
    picks the column(s) `filter_fn` receives. A result that is not a bool is a ValueError.

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> list(IterableWrapper(range(6)).filter(lambda x: x % 3 == 0))
        [0, 3]
    """

    def __init__(self, datapipe: IterDataPipe, filter_fn: Callable,
                 input_col: Any = None) -> None:
        super().__init__()
        self.datapipe = datapipe
        _check_unpickable_fn(filter_fn)
        self.filter_fn = filter_fn
        self.input_col = input_col
        validate_input_col(filter_fn, input_col)

    def _apply_filter_fn(self, data: Any) -> Any:
        if self.input_col is None:
            return self.filter_fn(data)
        if isinstance(self.input_col, (list, tuple)):
            return self.filter_fn(*(data[col] for col in self.input_col))
        return self.filter_fn(data[self.input_col])

    def __iter__(self) -> Iterator:
        for data in self.datapipe:
            condition, filtered = self._returnIfTrue(data)
            if condition:
                yield filtered
            else:
                StreamWrapper.close_streams(data)

    def _returnIfTrue(self, data: Any) -> tuple:
        condition = self._apply_filter_fn(data)
        if not isinstance(condition, bool):
            raise ValueError(  # noqa: TRY004 (PyTorch's exception type)
                "Boolean output is required for `filter_fn` of FilterIterDataPipe, "
                             "got", type(condition))
        return condition, data
