"""Concater (`dp.concat`) and Zipper (`dp.zip`) of map-style DataPipes."""
from __future__ import annotations

from collections.abc import Sized
from typing import Any

from .._decorator import functional_datapipe
from ..datapipe import MapDataPipe

__all__ = ["ConcaterMapDataPipe", "ZipperMapDataPipe"]


def _sized_map_pipes(datapipes: tuple) -> tuple:
    """`datapipes`, checked as PyTorch checks concat's and zip's inputs."""
    if len(datapipes) == 0:
        raise ValueError("Expected at least one DataPipe, but got nothing")
    if not all(isinstance(dp, MapDataPipe) for dp in datapipes):
        raise TypeError("Expected all inputs to be `MapDataPipe`")
    if not all(isinstance(dp, Sized) for dp in datapipes):
        raise TypeError("Expected all inputs to be `Sized`")
    return datapipes


@functional_datapipe("concat")
class ConcaterMapDataPipe(MapDataPipe):
    """The pipes one after the other: index `i` runs through the first, then the next...

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> dp = SequenceWrapper([1, 2]).concat(SequenceWrapper([3]))
        >>> dp[2], len(dp)
        (3, 3)
    """

    def __init__(self, *datapipes: MapDataPipe) -> None:
        self.datapipes = _sized_map_pipes(datapipes)

    def __getitem__(self, index: int) -> Any:
        offset = 0
        for dp in self.datapipes:
            if index - offset < len(dp):
                return dp[index - offset]
            offset += len(dp)
        raise IndexError(f"Index {index} is out of range.")

    def __len__(self) -> int:
        return sum(len(dp) for dp in self.datapipes)


@functional_datapipe("zip")
class ZipperMapDataPipe(MapDataPipe):
    """Tuples of the pipes' elements at each index; the length of the shortest.

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> SequenceWrapper([1, 2]).zip(SequenceWrapper("ab"))[1]
        (2, 'b')
    """

    def __init__(self, *datapipes: MapDataPipe) -> None:
        self.datapipes = _sized_map_pipes(datapipes)

    def __getitem__(self, index: Any) -> tuple:
        res = []
        for dp in self.datapipes:
            try:
                res.append(dp[index])
            except IndexError as e:
                raise IndexError(f"Index {index} is out of range for one of the input "
                                 f"MapDataPipes {dp}.") from e
        return tuple(res)

    def __len__(self) -> int:
        return min(len(dp) for dp in self.datapipes)
