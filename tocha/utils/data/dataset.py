"""Datasets: map-style ``Dataset`` and stream-style ``IterableDataset``, their combinators, and
``random_split`` (PyTorch's permutation for a given seed or generator)."""
from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ..._tensor import Tensor
from .sampler import _eng, _randperm_list

__all__ = ["ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "StackDataset",
           "Subset", "TensorDataset", "random_split"]

_T_co = TypeVar("_T_co", covariant=True)
_T = TypeVar("_T")
_CHAIN_ONLY = "ChainDataset only supports IterableDataset"


class Dataset(Generic[_T_co]):
    """A collection of samples read by key: subclass it and define `__getitem__` and `__len__`.

    `DataLoader` asks a dataset for `dataset[i]` for each index of a batch and stacks the
    samples. `__getitems__(indices)`, if defined, may fetch a whole batch at once.

    Example:
        >>> import tocha
        >>> from tocha.utils.data import Dataset, DataLoader
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 5
        ...     def __getitem__(self, i):  # one sample: (x, y)
        ...         return tocha.tensor([float(i)]), tocha.tensor([float(i * i)])
        >>> x, y = next(iter(DataLoader(Squares(), batch_size=2)))
        >>> x.shape, y.flatten()
        (torch.Size([2, 1]), tensor([0., 1.]))
    """

    def __getitem__(self, index: Any) -> _T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[_T_co]) -> ConcatDataset[_T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[_T_co]):
    """A stream of samples: subclasses define ``__iter__``. With ``num_workers > 0`` each worker
    iterates its own copy; use ``get_worker_info()`` to split the work."""

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[_T_co]) -> ChainDataset:
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple]):
    """A dataset of tensors that share their first dimension: sample `i` is `(t[i] for t in
    tensors)`.

    Args:
        *tensors (Tensor): e.g. inputs `(N, ...)` and targets `(N, ...)`.

    Example:
        >>> import tocha
        >>> from tocha.utils.data import TensorDataset
        >>> ds = TensorDataset(tocha.arange(6.0).reshape(3, 2), tocha.tensor([0, 1, 0]))
        >>> len(ds)
        3
        >>> ds[1]
        (tensor([2., 3.]), tensor(1))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class StackDataset(Dataset):
    """Zip datasets of equal length: positional args give tuples, keyword args give dicts."""

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args:
            if kwargs:
                raise ValueError("Supported either ``tuple``- (via ``args``) or"
                                 "``dict``- (via ``kwargs``) like input/output, but both types "
                                 "are given.")
            self._length = len(args[0])
            if any(self._length != len(d) for d in args):
                raise ValueError("Size mismatch between datasets")
            self.datasets: Any = args
        elif kwargs:
            tmp = list(kwargs.values())
            self._length = len(tmp[0])
            if any(self._length != len(d) for d in tmp):
                raise ValueError("Size mismatch between datasets")
            self.datasets = kwargs
        else:
            raise ValueError("At least one dataset should be passed")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[_T_co]):
    """Map-style datasets one after another; ``cumulative_sizes[i]`` ends dataset ``i``."""

    @staticmethod
    def cumsum(sequence: Sequence) -> list[int]:
        return list(itertools.accumulate(len(e) for e in sequence))

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                msg = "ConcatDataset does not support IterableDataset"
                raise AssertionError(msg)  # noqa: TRY004
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> _T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another, chained lazily."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(_CHAIN_ONLY)  # noqa: TRY004
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(_CHAIN_ONLY)  # noqa: TRY004
            total += len(d)  # type: ignore[arg-type]
        return total


class Subset(Dataset[_T_co]):
    """The samples of `dataset` at `indices`, in that order (what `random_split` returns).

    Args:
        dataset (Dataset): the whole dataset.
        indices (sequence of int): which samples.

    Example:
        >>> import tocha
        >>> from tocha.utils.data import Subset, TensorDataset
        >>> sub = Subset(TensorDataset(tocha.arange(10)), [7, 2])
        >>> [sub[i][0].item() for i in range(len(sub))]
        [7, 2]
    """

    def __init__(self, dataset: Dataset[_T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        if (type(self).__getitem__ is not Subset.__getitem__
                and type(self).__getitems__ is Subset.__getitems__):
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. "
                "When subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\n"
                "def __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, idx: Any) -> _T_co:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[_T_co]:
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])  # type: ignore
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset[_T], lengths: Sequence[int | float],
                 generator: Any = None) -> list[Subset[_T]]:
    """Split `dataset` at random into non-overlapping subsets of the given lengths.

    The split uses `randperm(len(dataset), generator)` as PyTorch does, so after the same seed
    it gives the same subsets.

    Args:
        dataset (Dataset): the dataset to split.
        lengths (sequence of int or float): the sizes, or fractions summing to 1 (sizes are then
            rounded down and the remainder handed out one by one from the first subset).
        generator (Generator, optional): draw from it instead of the global generator.

    Returns:
        list of Subset: one per length.

    Example:
        >>> import tocha
        >>> from tocha.utils.data import random_split
        >>> _ = tocha.manual_seed(0)
        >>> train, test = random_split(range(10), [0.7, 0.3])
        >>> list(train), list(test)
        ([4, 1, 7, 5, 3, 9, 0], [8, 6, 2])

    Differs from PyTorch:
        the default `generator=None` means the global generator (PyTorch's default argument is
        that same generator object).
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths: list[int] = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(math.floor(len(dataset) * frac))  # type: ignore[arg-type]
        remainder = len(dataset) - sum(subset_lengths)  # type: ignore[arg-type]
        for i in range(remainder):  # round-robin from the first split
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              f"This might result in an empty dataset.", stacklevel=2)
    if sum(lengths) != len(dataset):  # type: ignore[arg-type]
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _randperm_list(int(sum(lengths)), _eng(generator))
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
