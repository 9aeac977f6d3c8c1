"""ShardingFilter (`dp.sharding_filter()`): each worker/rank keeps every n-th element."""
from __future__ import annotations

from collections.abc import Iterator, Sized
from enum import IntEnum
from typing import Any

from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe

__all__ = ["SHARDING_PRIORITIES", "ShardingFilterIterDataPipe"]


class SHARDING_PRIORITIES(IntEnum):
    """Sharding levels, combined from the most global (DISTRIBUTED) inwards."""

    DEFAULT = 1
    DISTRIBUTED = 2
    MULTIPROCESSING = 3


class _ShardingIterDataPipe(IterDataPipe):
    def apply_sharding(self, num_of_instances: int, instance_id: int,
                       sharding_group: SHARDING_PRIORITIES) -> None:
        raise NotImplementedError


@functional_datapipe("sharding_filter")
class ShardingFilterIterDataPipe(_ShardingIterDataPipe):
    """Keep element `i` when `i % num_of_instances == instance_id`, as set by
    `apply_sharding` (DataLoader calls it for its workers and distributed ranks).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> dp = IterableWrapper(range(6)).sharding_filter()
        >>> dp.apply_sharding(3, 1)
        >>> list(dp)
        [1, 4]
    """

    def __init__(self, source_datapipe: IterDataPipe, sharding_group_filter: Any = None) -> None:
        super().__init__()
        self.source_datapipe = source_datapipe
        self.sharding_group_filter = sharding_group_filter
        self.groups: dict = {}
        self.num_of_instances = 1
        self.instance_id = 0
        self._update_num_of_instances()

    def apply_sharding(self, num_of_instances: int, instance_id: int,
                       sharding_group: SHARDING_PRIORITIES = SHARDING_PRIORITIES.DEFAULT
                       ) -> None:
        if instance_id >= num_of_instances:
            raise ValueError(f"instance_id({instance_id}) should be smaller than "
                             f"num_of_instances({num_of_instances})")
        default = SHARDING_PRIORITIES.DEFAULT
        if sharding_group == default:
            if len(self.groups) and default not in self.groups:
                raise RuntimeError("ShardingFilter cannot mix DEFAULT and non DEFAULT groups")
        elif default in self.groups:
            raise RuntimeError("ShardingFilter cannot mix DEFAULT and non DEFAULT groups")
        self.groups[sharding_group] = (num_of_instances, instance_id)
        self._update_num_of_instances()

    def _update_num_of_instances(self) -> None:
        groups = [self.groups[k] for k in sorted(self.groups)
                  if self.sharding_group_filter is None or k == self.sharding_group_filter]
        groups.reverse()
        self.num_of_instances, self.instance_id = 1, 0
        for n, i in groups:
            self.instance_id += self.num_of_instances * i
            self.num_of_instances *= n

    def __iter__(self) -> Iterator:
        for i, item in enumerate(self.source_datapipe):
            if i % self.num_of_instances == self.instance_id:
                yield item

    def __len__(self) -> int:
        if isinstance(self.source_datapipe, Sized):
            n = len(self.source_datapipe)
            return (n // self.num_of_instances
                    + (1 if self.instance_id < n % self.num_of_instances else 0))
        raise TypeError(f"{type(self).__name__} instance doesn't have valid length")
