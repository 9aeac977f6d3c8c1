"""DistributedSampler: each of ``num_replicas`` processes sees its own slice of the keys."""
from __future__ import annotations

import math
from collections.abc import Iterator, Sized
from typing import Any

from .sampler import Sampler, _private_generator, _randperm_list

__all__ = ["DistributedSampler"]


def _dist_default(what: str) -> int:
    try:
        from ... import distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_world_size() if what == "world" else dist.get_rank()
    except (ImportError, AttributeError):
        pass
    raise RuntimeError("Requires distributed package to be available")


class DistributedSampler(Sampler):
    """Keys ``rank, rank + num_replicas, ...`` of a (seeded, per-epoch) permutation, padded by
    wrapping around (or truncated with ``drop_last``) so every replica gets ``num_samples``.

    Call ``set_epoch(e)`` each epoch for a new order; the permutation for ``seed + epoch`` is
    PyTorch's. Differs from PyTorch: without an initialised process group, pass
    ``num_replicas`` and ``rank`` explicitly.
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None,
                 rank: int | None = None, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False) -> None:
        if num_replicas is None:
            num_replicas = _dist_default("world")
        if rank is None:
            rank = _dist_default("rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if self.drop_last and n % self.num_replicas != 0:
            # drop the tail so that every replica gets the same amount of data
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            indices = _randperm_list(n, _private_generator(self.seed + self.epoch))
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[:self.total_size]
        indices = indices[self.rank:self.total_size:self.num_replicas]
        return iter(indices)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``seed + epoch`` for the next permutation (call before each epoch)."""
        self.epoch = epoch
