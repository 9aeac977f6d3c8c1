"""Sampler (indices from a Sampler) and Shuffler (`dp.shuffle`, buffered)."""
from __future__ import annotations

import random
from collections.abc import Iterator, Sized
from typing import Any

from ...sampler import Sampler, SequentialSampler
from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe

__all__ = ["SamplerIterDataPipe", "ShufflerIterDataPipe"]


class SamplerIterDataPipe(IterDataPipe):
    """Yield what `sampler(data_source=datapipe)` yields (by default the pipe in order).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper, Sampler
        >>> list(Sampler(IterableWrapper(range(3))))
        [0, 1, 2]
    """

    def __init__(self, datapipe: IterDataPipe, sampler: type[Sampler] = SequentialSampler,
                 sampler_args: tuple | None = None, sampler_kwargs: dict | None = None) -> None:
        if not isinstance(datapipe, Sized):
            raise AssertionError(  # noqa: TRY004 (PyTorch's exception type)
                "Sampler class requires input datapipe implemented `__len__`")
        super().__init__()
        self.datapipe = datapipe
        self.sampler_args = () if sampler_args is None else sampler_args
        self.sampler_kwargs = {} if sampler_kwargs is None else sampler_kwargs
        self.sampler_kwargs["data_source"] = self.datapipe
        self.sampler = sampler(*self.sampler_args, **self.sampler_kwargs)

    def __iter__(self) -> Iterator:
        return iter(self.sampler)

    def __len__(self) -> int:
        if isinstance(self.sampler, Sized):
            return len(self.sampler)
        raise TypeError(f"{type(self).__name__} instance doesn't have valid length")


def _draw_seed() -> int:
    """A seed from tocha's default generator, drawn as PyTorch's Shuffler draws it."""
    from ..... import _dtype
    from ....._creation import empty
    return int(empty((), dtype=_dtype.int64).random_().item())


@functional_datapipe("shuffle")
class ShufflerIterDataPipe(IterDataPipe):
    """Shuffle through a buffer of `buffer_size` elements (`dp.shuffle()`): each new element
    swaps with a random one of the buffer, which is emitted.

    Each new iterator reseeds its Python `random.Random` from the seed set with `set_seed`
    (DataLoader sets one per epoch) or, without one, from tocha's default generator, so that
    `tocha.manual_seed` reproduces PyTorch's order.

    Args:
        datapipe: the source.
        buffer_size (int): the buffer's size (the whole stream when it is at least as long).
        unbatch_level (int): unbatch the source this many levels first.

    Example:
        >>> import tocha
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> _ = tocha.manual_seed(0)
        >>> sorted(IterableWrapper(range(5)).shuffle())
        [0, 1, 2, 3, 4]
    """

    def __init__(self, datapipe: IterDataPipe, *, buffer_size: int = 10000,
                 unbatch_level: int = 0) -> None:
        super().__init__()
        self._buffer: list = []
        if buffer_size <= 0:
            raise AssertionError("buffer_size should be larger than 0")
        self.datapipe = datapipe if unbatch_level == 0 else datapipe.unbatch(
            unbatch_level=unbatch_level)
        self.buffer_size = buffer_size
        self._enabled = True
        self._seed: int | None = None
        self._rng = random.Random()

    def set_shuffle(self, shuffle: bool = True) -> ShufflerIterDataPipe:
        self._enabled = shuffle
        return self

    def set_seed(self, seed: int) -> ShufflerIterDataPipe:
        self._seed = seed
        return self

    def __iter__(self) -> Iterator:
        if not self._enabled:
            yield from self.datapipe
            return
        for x in self.datapipe:
            if len(self._buffer) == self.buffer_size:
                idx = self._rng.randint(0, len(self._buffer) - 1)
                val, self._buffer[idx] = self._buffer[idx], x
                yield val
            else:
                self._buffer.append(x)
        while self._buffer:
            idx = self._rng.randint(0, len(self._buffer) - 1)
            yield self._buffer.pop(idx)

    def __len__(self) -> int:
        if isinstance(self.datapipe, Sized):
            return len(self.datapipe)
        raise TypeError(f"{type(self).__name__} instance doesn't have valid length")

    def reset(self) -> None:
        self._buffer = []
        if self._enabled:
            if self._seed is None:
                self._seed = _draw_seed()
            self._rng.seed(self._seed)
            self._seed = None

    def __getstate__(self) -> Any:
        state = (self.datapipe, self.buffer_size, self._enabled, self._seed, self._buffer,
                 self._rng.getstate(), self._valid_iterator_id,
                 self._number_of_samples_yielded)
        hook = IterDataPipe.getstate_hook
        return hook(state) if hook is not None else state

    def __setstate__(self, state: Any) -> None:
        (self.datapipe, self.buffer_size, self._enabled, self._seed, self._buffer, rng_state,
         self._valid_iterator_id, self._number_of_samples_yielded) = state
        self._rng = random.Random()
        self._rng.setstate(rng_state)
