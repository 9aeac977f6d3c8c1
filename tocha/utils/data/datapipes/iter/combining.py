"""Concater (`concat`), Forker (`fork`), Demultiplexer (`demux`), Multiplexer (`mux`),
Zipper (`zip`)."""
from __future__ import annotations

import copy as copymodule
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sized
from typing import Any

from .._decorator import functional_datapipe
from .._hook_iterator import _SnapshotState
from ..datapipe import IterDataPipe
from ..utils.common import StreamWrapper, _check_unpickable_fn

__all__ = ["ConcaterIterDataPipe", "DemultiplexerIterDataPipe", "ForkerIterDataPipe",
           "MultiplexerIterDataPipe", "ZipperIterDataPipe"]


def _no_len(dp: Any) -> TypeError:
    return TypeError(f"{type(dp).__name__} instance doesn't have valid length")


@functional_datapipe("concat")
class ConcaterIterDataPipe(IterDataPipe):
    """The pipes one after the other (`dp.concat(other, ...)`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> list(IterableWrapper([1, 2]).concat(IterableWrapper([3])))
        [1, 2, 3]
    """

    def __init__(self, *datapipes: IterDataPipe) -> None:
        if len(datapipes) == 0:
            raise ValueError("Expected at least one DataPipe, but got nothing")
        if not all(isinstance(dp, IterDataPipe) for dp in datapipes):
            raise TypeError("Expected all inputs to be `IterDataPipe`")
        self.datapipes = datapipes

    def __iter__(self) -> Iterator:
        for dp in self.datapipes:
            yield from dp

    def __len__(self) -> int:
        if all(isinstance(dp, Sized) for dp in self.datapipes):
            return sum(len(dp) for dp in self.datapipes)
        raise _no_len(self)


def _no_op(x: Any) -> Any:
    return x


class _ForkerIterDataPipe(IterDataPipe):
    """The shared buffer behind `fork`'s children."""

    def __init__(self, datapipe: IterDataPipe, num_instances: int, buffer_size: int = 1000,
                 copy: str | None = None) -> None:
        self.main_datapipe = datapipe
        self.num_instances = num_instances
        self.buffer_size = buffer_size
        if buffer_size < 0:
            warnings.warn("Unlimited buffer size is set for `fork`, please be aware of OOM at "
                          "random places", UserWarning, stacklevel=2)
        fns = {None: _no_op, "shallow": copymodule.copy, "deep": copymodule.deepcopy}
        if copy not in fns:
            raise ValueError(f"Unknown copy method `{copy}` requested, choose one of None, "
                             "`shallow` or `deep`.")
        self.copy_fn = fns[copy]
        self.reset()

    def __len__(self) -> int:
        return len(self.main_datapipe)

    def get_next_element_by_instance(self, instance_id: int) -> Iterator:
        if self._datapipe_iterator is None and self._child_stop[instance_id]:
            self._datapipe_iterator = iter(self.main_datapipe)
            self._snapshot_state = _SnapshotState.Iterating
            self._child_stop = [False] * self.num_instances
        try:
            while not self._child_stop[instance_id]:
                yield self.copy_fn(self._next_for(instance_id))
        except StopIteration:
            return
        finally:
            self._child_stop[instance_id] = True
            if all(self._child_stop):
                self._datapipe_iterator = None
                self._cleanup()

    def _next_for(self, instance_id: int) -> Any:
        """The next element for child `instance_id` (StopIteration at its end)."""
        while True:
            self.child_pointers[instance_id] += 1
            ptr = self.child_pointers[instance_id]
            if self.end_ptr is not None and ptr == self.end_ptr:
                self._child_stop[instance_id] = True
                raise StopIteration
            if self.buffer and ptr <= self.leading_ptr:
                value = self.buffer[ptr - self.slowest_ptr - 1]
            else:
                self.leading_ptr = ptr
                try:
                    value = next(self._datapipe_iterator)
                    self.buffer.append(value)
                except StopIteration:
                    self._child_stop[instance_id] = True
                    self._datapipe_iterator = None
                    self.end_ptr = self.leading_ptr
                    raise
            if ptr == self.slowest_ptr + 1:
                new_min = min(self.child_pointers)
                if self.slowest_ptr < new_min:
                    self.slowest_ptr = new_min
                    self.buffer.popleft()
            if self.buffer_size >= 0 and self.leading_ptr > self.buffer_size + self.slowest_ptr:
                raise BufferError("ForkerIterDataPipe buffer overflow,"
                                  f"buffer size {self.buffer_size} is insufficient.")
            return value

    def is_every_instance_exhausted(self) -> bool:
        return self.end_ptr is not None and all(self._child_stop)

    def get_length_by_instance(self, instance_id: int) -> int:
        return len(self.main_datapipe)

    def reset(self) -> None:
        self._datapipe_iterator: Iterator | None = None
        self.buffer: deque = deque()
        self.child_pointers = [0] * self.num_instances
        self.slowest_ptr = 0
        self.leading_ptr = 0
        self.end_ptr: int | None = None
        self._child_stop = [True] * self.num_instances

    def _cleanup(self) -> None:
        while self.buffer:
            StreamWrapper.close_streams(self.buffer.popleft())


class _ChildDataPipe(IterDataPipe):
    """One output of `fork`/`demux`, reading from the shared container."""

    _is_child_datapipe: bool = True

    def __init__(self, main_datapipe: IterDataPipe, instance_id: int) -> None:
        self.main_datapipe = main_datapipe
        self.instance_id = instance_id

    def __iter__(self) -> Iterator:
        return self.main_datapipe.get_next_element_by_instance(self.instance_id)

    def __len__(self) -> int:
        return self.main_datapipe.get_length_by_instance(self.instance_id)

    def _set_main_datapipe_valid_iterator_id(self) -> int:
        main = self.main_datapipe
        if main._valid_iterator_id is None:
            main._valid_iterator_id = 0
        elif main._valid_iterator_id == self._valid_iterator_id:
            main._valid_iterator_id += 1
            if not main.is_every_instance_exhausted():
                warnings.warn("Some child DataPipes are not exhausted when __iter__ is called. "
                              "We are resetting the buffer and each child DataPipe will read "
                              "from the start again.", UserWarning, stacklevel=2)
            main.reset()
        self._valid_iterator_id = main._valid_iterator_id
        return self._valid_iterator_id

    def _check_valid_iterator_id(self, iterator_id: int) -> bool:
        return (iterator_id == self._valid_iterator_id
                and iterator_id == self.main_datapipe._valid_iterator_id)


@functional_datapipe("fork")
class ForkerIterDataPipe(IterDataPipe):
    """`num_instances` copies of one stream (`dp.fork(n)`), read through a shared buffer
    of `buffer_size` elements (-1: unbounded); `copy` = None, "shallow" or "deep".

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> a, b = IterableWrapper(range(3)).fork(2)
        >>> list(a), list(b)
        ([0, 1, 2], [0, 1, 2])
    """

    def __new__(cls, datapipe: IterDataPipe, num_instances: int, buffer_size: int = 1000,
                copy: str | None = None) -> Any:
        if num_instances < 1:
            raise ValueError(f"Expected `num_instances` larger than 0, but {num_instances} is "
                             "found")
        if num_instances == 1:
            return datapipe
        container = _ForkerIterDataPipe(datapipe, num_instances, buffer_size, copy)
        return [_ChildDataPipe(container, i) for i in range(num_instances)]


class _DemultiplexerIterDataPipe(IterDataPipe):
    """The shared buffers behind `demux`'s children."""

    def __init__(self, datapipe: IterDataPipe, num_instances: int, classifier_fn: Callable,
                 drop_none: bool, buffer_size: int) -> None:
        self.main_datapipe = datapipe
        self.num_instances = num_instances
        self.buffer_size = buffer_size
        if buffer_size < 0:
            warnings.warn("Unlimited buffer size is set for `demux`, please be aware of OOM at "
                          "random places", UserWarning, stacklevel=2)
        self.classifier_fn = classifier_fn
        self.drop_none = drop_none
        self.reset()

    def _find_next(self, instance_id: int) -> Any:
        while True:
            if self.main_datapipe_exhausted or self._child_stop[instance_id]:
                raise StopIteration
            value = next(self._datapipe_iterator)
            label = self.classifier_fn(value)
            if label is None and self.drop_none:
                StreamWrapper.close_streams(value)
                continue
            if label is None or label >= self.num_instances or label < 0:
                raise ValueError("Output of the classification fn should be between 0 and "
                                 f"{self.num_instances - 1}. {label} is returned.")
            if label == instance_id:
                return value
            self.child_buffers[label].append(value)
            self.current_buffer_usage += 1
            if self.buffer_size >= 0 and self.current_buffer_usage > self.buffer_size:
                raise BufferError(f"DemultiplexerIterDataPipe buffer overflow, buffer size "
                                  f"{self.buffer_size} is insufficient.")

    def get_next_element_by_instance(self, instance_id: int) -> Iterator:
        if self._datapipe_iterator is None and self._child_stop[instance_id]:
            self._datapipe_iterator = iter(self.main_datapipe)
            self._snapshot_state = _SnapshotState.Iterating
            self.main_datapipe_exhausted = False
            self._child_stop = [False] * self.num_instances
        try:
            while not self._child_stop[instance_id]:
                if self.child_buffers[instance_id]:
                    self.current_buffer_usage -= 1
                    yield self.child_buffers[instance_id].popleft()
                else:
                    try:
                        value = self._find_next(instance_id)
                    except StopIteration:
                        self._child_stop[instance_id] = True
                        self.main_datapipe_exhausted = True
                        self._datapipe_iterator = None
                        continue
                    yield value
        finally:
            self._child_stop[instance_id] = True
            if all(self._child_stop):
                self._datapipe_iterator = None
            while self.child_buffers[instance_id]:
                StreamWrapper.close_streams(self.child_buffers[instance_id].popleft())

    def is_every_instance_exhausted(self) -> bool:
        return self.main_datapipe_exhausted and all(self._child_stop)

    def get_length_by_instance(self, instance_id: int) -> int:
        raise TypeError

    def reset(self) -> None:
        self._datapipe_iterator: Iterator | None = None
        self.current_buffer_usage = 0
        self.child_buffers: list = [deque() for _ in range(self.num_instances)]
        self._child_stop = [True] * self.num_instances
        self.main_datapipe_exhausted = False


@functional_datapipe("demux")
class DemultiplexerIterDataPipe(IterDataPipe):
    """Split one stream into `num_instances` by `classifier_fn(x)` (the output's index;
    None drops the element when `drop_none`) (`dp.demux(n, fn)`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> even, odd = IterableWrapper(range(5)).demux(2, lambda x: x % 2)
        >>> list(even), list(odd)
        ([0, 2, 4], [1, 3])
    """

    def __new__(cls, datapipe: IterDataPipe, num_instances: int, classifier_fn: Callable,
                drop_none: bool = False, buffer_size: int = 1000) -> Any:
        if num_instances < 1:
            raise ValueError(f"Expected `num_instances` larger than 0, but {num_instances} is "
                             "found")
        _check_unpickable_fn(classifier_fn)
        container = _DemultiplexerIterDataPipe(datapipe, num_instances, classifier_fn,
                                               drop_none, buffer_size)
        return [_ChildDataPipe(container, i) for i in range(num_instances)]


@functional_datapipe("mux")
class MultiplexerIterDataPipe(IterDataPipe):
    """One element from each pipe in turn, until the shortest ends (`dp.mux(other, ...)`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> list(IterableWrapper([0, 1, 2]).mux(IterableWrapper([10, 11])))
        [0, 10, 1, 11]
    """

    def __init__(self, *datapipes: IterDataPipe) -> None:
        self.datapipes = datapipes
        self.buffer: list = []

    def __iter__(self) -> Iterator:
        iterators = [iter(x) for x in self.datapipes]
        while iterators:
            for it in iterators:
                try:
                    self.buffer.append(next(it))
                except StopIteration:
                    self.buffer.clear()
                    return
            yield from self.buffer
            self.buffer.clear()

    def __len__(self) -> int:
        if all(isinstance(dp, Sized) for dp in self.datapipes):
            return min(len(dp) for dp in self.datapipes) * len(self.datapipes)
        raise _no_len(self)

    def reset(self) -> None:
        self.buffer = []


@functional_datapipe("zip")
class ZipperIterDataPipe(IterDataPipe):
    """Tuples of one element of each pipe, until the shortest ends (`dp.zip(other, ...)`).

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> list(IterableWrapper([1, 2]).zip(IterableWrapper("ab")))
        [(1, 'a'), (2, 'b')]
    """

    def __init__(self, *datapipes: IterDataPipe) -> None:
        if not all(isinstance(dp, IterDataPipe) for dp in datapipes):
            raise TypeError("All inputs are required to be `IterDataPipe` for "
                            "`ZipIterDataPipe`.")
        super().__init__()
        self.datapipes = datapipes

    def __iter__(self) -> Iterator[tuple]:
        iterators = [iter(dp) for dp in self.datapipes]
        yield from zip(*iterators)

    def __len__(self) -> int:
        if all(isinstance(dp, Sized) for dp in self.datapipes):
            return min(len(dp) for dp in self.datapipes)
        raise _no_len(self)
