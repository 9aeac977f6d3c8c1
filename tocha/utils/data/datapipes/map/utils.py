"""SequenceWrapper: any sequence as a MapDataPipe."""
from __future__ import annotations

import copy
import warnings
from typing import Any

from ..datapipe import MapDataPipe

__all__ = ["SequenceWrapperMapDataPipe"]


class SequenceWrapperMapDataPipe(MapDataPipe):
    """Wrap a sequence (a deep copy of it unless `deepcopy=False`).

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> dp = SequenceWrapper({"a": 100, "b": 200})
        >>> dp["a"]
        100
    """

    def __init__(self, sequence: Any, deepcopy: bool = True) -> None:
        if deepcopy:
            try:
                self.sequence = copy.deepcopy(sequence)
            except TypeError:
                warnings.warn("The input sequence can not be deepcopied, please be aware of "
                              "in-place modification would affect source data", stacklevel=2)
                self.sequence = sequence
        else:
            self.sequence = sequence

    def __getitem__(self, index: Any) -> Any:
        return self.sequence[index]

    def __len__(self) -> int:
        return len(self.sequence)
