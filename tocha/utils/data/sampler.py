"""Samplers: which dataset keys to load, in which order (PyTorch's draws, rng.md §9)."""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

from ..._random import Generator as _EngineGenerator
from ..._random import multinomial as _multinomial
from ..._random import randint as _randint
from ..._random import random_ as _random_
from ..._random import randperm as _randperm

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]

_T_co = TypeVar("_T_co", covariant=True)


# ----------------------------------------------------------------------------- RNG helpers
def _eng(generator: Any) -> Any:
    """The engine generator behind ``generator`` (None stays None: the global generator)."""
    if generator is None or isinstance(generator, _EngineGenerator):
        return generator
    for attr in ("_engine", "_gen", "_impl", "_g"):  # a wrapper class around the engine
        inner = getattr(generator, attr, None)
        if isinstance(inner, _EngineGenerator):
            return inner
    raise TypeError(f"generator must be a tocha.Generator or None, got "
                    f"{type(generator).__name__}")


def _draw_seed(generator: Any = None) -> int:
    """``int(torch.empty((), dtype=torch.int64).random_(generator=g))``: one u64, top bit off."""
    return int(_random_((), "int64", generator=generator))


def _private_generator(seed: int) -> Any:
    g = _EngineGenerator()
    g.manual_seed(seed)
    return g


# Private generators of finished epochs, reseeded for later ones: building an MT19937 costs
# a few hundred microseconds (NumPy seeds it through a SeedSequence first), and manual_seed
# resets all of a generator's state, so a reseeded one draws exactly as a new one would.
_FREE_GENERATORS: list = []


def _shuffle_generator(seed: int) -> Any:
    g = _FREE_GENERATORS.pop() if _FREE_GENERATORS else _EngineGenerator()
    g.manual_seed(seed)
    return g


def _release(g: Any) -> None:
    if len(_FREE_GENERATORS) < 4:
        _FREE_GENERATORS.append(g)


def _randperm_list(n: int, generator: Any) -> list[int]:
    return _randperm(n, generator=generator).tolist()


# ----------------------------------------------------------------------------- samplers
class Sampler(Generic[_T_co]):
    """Base class: subclasses define ``__iter__`` (keys or lists of keys) and maybe ``__len__``."""

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Keys ``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation per epoch (or ``num_samples`` draws with replacement).

    Without ``generator`` each epoch draws one seed from the global generator at its first
    ``next()`` and shuffles with a private generator seeded with it, as PyTorch does.
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        # the dataset size may change between epochs
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        # A generator function, so nothing is drawn before the first next() (rng.md 9.1).
        n = len(self.data_source)
        if self.generator is None:
            g = _shuffle_generator(_draw_seed())
            try:
                yield from self._draws(n, g)
            finally:  # also when the epoch is abandoned (the iterator closed or collected)
                _release(g)
        else:
            yield from self._draws(n, _eng(self.generator))

    def _draws(self, n: int, g: Any) -> Iterator[int]:
        k = self.num_samples
        if self.replacement:
            for _ in range(k // 32):
                yield from _randint(0, n, (32,), "int64", generator=g).tolist()
            yield from _randint(0, n, (k % 32,), "int64", generator=g).tolist()
        else:
            for _ in range(k // n):
                yield from _randperm_list(n, g)
            # PyTorch evaluates one more permutation and keeps k % n of it (often none):
            # the draws are part of the stream a user generator sees.
            yield from _randperm_list(n, g)[:k % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """``indices`` in a random order, a fresh permutation per epoch."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _randperm_list(len(self.indices), _eng(self.generator)):
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` keys drawn with probabilities proportional to ``weights``
    (``multinomial`` on float64 weights)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            msg = f"replacement should be a boolean value, but got replacement={replacement}"
            raise ValueError(msg)  # noqa: TRY004
        from ... import as_tensor, float64
        weights_tensor = as_tensor(weights, dtype=float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        idx = _multinomial(self.weights._data, self.num_samples, self.replacement,
                                  generator=_eng(self.generator))
        yield from iter(idx.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group the keys of ``sampler`` into lists of ``batch_size`` (the last one shorter unless
    ``drop_last``)."""

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            msg = f"drop_last should be a boolean value, but got drop_last={drop_last}"
            raise ValueError(msg)  # noqa: TRY004
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        if self.drop_last:
            # zip stops at the first short batch, after exhausting the sampler (as torch)
            for batch in zip(*([it] * self.batch_size)):
                yield [*batch]
        elif self.batch_size == 1:  # the DataLoader default: no islice per batch
            for i in it:
                yield [i]
        else:
            batch = [*itertools.islice(it, self.batch_size)]
            while batch:
                yield batch
                batch = [*itertools.islice(it, self.batch_size)]

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size  # type: ignore[arg-type]
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size  # type: ignore
