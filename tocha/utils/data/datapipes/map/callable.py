"""Mapper (`dp.map`) for map-style DataPipes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._decorator import functional_datapipe
from ..datapipe import MapDataPipe
from ..utils.common import _check_unpickable_fn

__all__ = ["MapperMapDataPipe"]


def default_fn(data: Any) -> Any:
    return data


@functional_datapipe("map")
class MapperMapDataPipe(MapDataPipe):
    """`fn(datapipe[i])` at index `i` (`dp.map(fn)`).

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> list(SequenceWrapper([1, 2]).map(lambda x: -x))
        [-1, -2]
    """

    def __init__(self, datapipe: MapDataPipe, fn: Callable = default_fn) -> None:
        super().__init__()
        self.datapipe = datapipe
        _check_unpickable_fn(fn)
        self.fn = fn

    def __len__(self) -> int:
        return len(self.datapipe)

    def __getitem__(self, index: Any) -> Any:
        return self.fn(self.datapipe[index])
