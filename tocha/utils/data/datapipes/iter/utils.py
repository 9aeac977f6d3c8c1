"""IterableWrapper: any iterable as an IterDataPipe."""
from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable, Iterator, Sized

from ..datapipe import IterDataPipe

__all__ = ["IterableWrapperIterDataPipe"]


class IterableWrapperIterDataPipe(IterDataPipe):
    """Wrap an iterable; each iteration reads a deep copy of it (`deepcopy=True`), so that
    in-place changes of the elements do not reach the source.

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> dp = IterableWrapper(range(3))
        >>> list(dp), len(dp)
        ([0, 1, 2], 3)
    """

    def __init__(self, iterable: Iterable, deepcopy: bool = True) -> None:
        self.iterable = iterable
        self.deepcopy = deepcopy

    def __iter__(self) -> Iterator:
        source = self.iterable
        if self.deepcopy:
            try:
                source = copy.deepcopy(self.iterable)
            except TypeError:
                warnings.warn("The input iterable can not be deepcopied, please be aware of "
                              "in-place modification would affect source data.", stacklevel=2)
        yield from source

    def __len__(self) -> int:
        if isinstance(self.iterable, Sized):
            return len(self.iterable)
        raise TypeError(f"{type(self).__name__} instance doesn't have valid length")
