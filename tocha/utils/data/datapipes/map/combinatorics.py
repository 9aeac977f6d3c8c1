"""Shuffler of a map-style DataPipe (an IterDataPipe over shuffled indices)."""
from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from ..datapipe import IterDataPipe, MapDataPipe
from ..iter.combinatorics import _draw_seed

__all__ = ["ShufflerIterDataPipe"]


class ShufflerIterDataPipe(IterDataPipe):
    """The elements of a MapDataPipe in a random order of `indices` (default: all), reseeded
    per iterator as the iterable Shuffler (`dp.shuffle()` on a MapDataPipe).

    Example:
        >>> from tocha.utils.data.datapipes.map import SequenceWrapper
        >>> sorted(SequenceWrapper(range(4)).shuffle())
        [0, 1, 2, 3]
    """

    def __init__(self, datapipe: MapDataPipe, *, indices: list | None = None) -> None:
        super().__init__()
        self.datapipe = datapipe
        self.indices = list(range(len(datapipe))) if indices is None else indices
        self._enabled = True
        self._seed: int | None = None
        self._rng = random.Random()
        self._shuffled_indices: list = self.indices

    def set_shuffle(self, shuffle: bool = True) -> ShufflerIterDataPipe:
        self._enabled = shuffle
        return self

    def set_seed(self, seed: int) -> ShufflerIterDataPipe:
        self._seed = seed
        return self

    def __iter__(self) -> Iterator:
        if not self._enabled:
            for idx in self.indices:
                yield self.datapipe[idx]
        else:
            while self._shuffled_indices:
                idx = self._shuffled_indices.pop()
                yield self.datapipe[idx]

    def reset(self) -> None:
        if self._enabled and self._seed is None:
            self._seed = _draw_seed()
        self._rng.seed(self._seed)
        self._seed = None
        self._shuffled_indices = self._rng.sample(self.indices, len(self.indices))

    def __len__(self) -> int:
        return len(self.datapipe)

    def __getstate__(self) -> Any:
        state = (self.datapipe, self.indices, self._enabled, self._seed, self._rng.getstate(),
                 self._shuffled_indices, self._valid_iterator_id,
                 self._number_of_samples_yielded)
        hook = IterDataPipe.getstate_hook
        return hook(state) if hook is not None else state

    def __setstate__(self, state: Any) -> None:
        (self.datapipe, self.indices, self._enabled, self._seed, rng_state,
         self._shuffled_indices, self._valid_iterator_id, self._number_of_samples_yielded) = state
        self._rng = random.Random()
        self._rng.setstate(rng_state)


MapDataPipe.register_datapipe_as_function("shuffle", ShufflerIterDataPipe)
