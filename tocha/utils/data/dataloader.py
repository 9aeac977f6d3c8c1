"""DataLoader: Dataset → Sampler → BatchSampler → fetch → collate, in-process or in worker
processes, drawing random numbers exactly as PyTorch does (rng.md §9)."""
from __future__ import annotations

import itertools
import math
import os
import queue
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from . import _datapipe_loader as _dp
from . import _worker
from ._collate import default_collate, default_convert
from ._worker import ExceptionWrapper, _DatasetKind, _ResumeIteration, get_worker_info
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _draw_seed, _eng

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: ``None`` forever (the dataset decides when to stop)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over a dataset in (shuffled) batches: the input side of every training loop.

    Same arguments, defaults and random draws as PyTorch: after `tocha.manual_seed(s)` a
    shuffled loader yields PyTorch's batches, epoch after epoch. `num_workers > 0` loads in
    worker processes, delivered in order.

    Args:
        dataset (Dataset): where the samples come from.
        batch_size (int, optional): samples per batch; None for no batching. Default: 1.
        shuffle (bool, optional): a new random order every epoch. Default: False.
        sampler (Sampler or iterable, optional): the order of the keys (excludes `shuffle`).
        batch_sampler (Sampler or iterable, optional): yields whole batches of keys.
        num_workers (int): worker processes; 0 loads in the main process. Default: 0.
        collate_fn (callable, optional): merges a list of samples into a batch. Default: stack
            tensors, numbers and arrays along a new first dimension, keeping tuples and dicts.
        pin_memory (bool): accepted and ignored.
        drop_last (bool): drop the last, incomplete batch. Default: False.
        timeout (float): seconds to wait for a worker's batch; 0 waits forever.
        worker_init_fn (callable, optional): called with the worker id in each worker.
        multiprocessing_context (str or context, optional): `"fork"`, `"spawn"`, ...
        generator (Generator, optional): draws the shuffling order instead of the global one.
        prefetch_factor (int, optional): batches loaded ahead per worker. Default: 2.
        persistent_workers (bool): keep workers alive between epochs. Default: False.
        pin_memory_device (str): accepted and ignored.
        in_order (bool): deliver batches in order. Default: True.

    Example:
        >>> import tocha
        >>> from tocha.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(tocha.arange(10.0).unsqueeze(1), tocha.arange(10))
        >>> loader = DataLoader(ds, batch_size=4, shuffle=True)
        >>> [len(yb) for _, yb in loader]  # 10 samples: batches of 4, 4 and 2
        [4, 4, 2]
        >>> xb, yb = next(iter(loader))
        >>> xb.shape, yb.dtype
        (torch.Size([4, 1]), tocha.int64)

    Differs from PyTorch:
        `pin_memory` is accepted and ignored (no accelerator memory); tensors travel between
        processes by pickling, not through shared memory.
    """

    __initialized = False

    def __init__(self, dataset: Dataset, batch_size: int | None = 1,
                 shuffle: bool | None = None, sampler: Sampler | Iterable | None = None,
                 batch_sampler: Sampler | Iterable | None = None, num_workers: int = 0,
                 collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context: Any = None,
                 generator: Any = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        prefetch_factor = _worker_options(num_workers, timeout, prefetch_factor,
                                          persistent_workers)
        self.dataset = _dp.wrap(dataset)    # a DataPipe travels in its pickling wrapper
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        self._dataset_kind, shuffle = _dataset_kind(dataset, shuffle, sampler, batch_sampler)
        batch_size, drop_last = _batching_options(batch_size, shuffle, sampler, batch_sampler,
                                                  drop_last)
        sampler, batch_sampler = _samplers(self._dataset_kind, dataset, shuffle, sampler,
                                           batch_sampler, batch_size, drop_last, generator)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called: int | None = None
        self._iterator: _BaseDataLoaderIter | None = None
        self.check_worker_number_rationality()

    def check_worker_number_rationality(self) -> None:
        """Warn when more workers are asked for than this process may use CPUs."""
        if not self.num_workers:
            return
        try:
            suggest: int | None = len(os.sched_getaffinity(0))
            cpuset_checked = True
        except (AttributeError, OSError):
            suggest, cpuset_checked = os.cpu_count(), False
        if suggest is not None and self.num_workers <= suggest:
            return
        if suggest is None:
            suggested = ("DataLoader is not able to compute a suggested max number of worker in "
                         "current system.")
        else:
            suggested = (f"Our suggested max number of worker in current system is {suggest}"
                         f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}"
                         ", which is smaller than what this DataLoader is going to create.")
        warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in "
                      f"total. {suggested} Please be aware that excessive worker creation might "
                      "get DataLoader running slow or even freeze, lower the worker number to "
                      "avoid potential slowness/freeze if necessary.", stacklevel=3)

    @property
    def multiprocessing_context(self) -> Any:
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, ctx: Any) -> None:
        if ctx is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got "
                                 f"num_workers={self.num_workers}")
            import multiprocessing as mp
            import multiprocessing.context
            if isinstance(ctx, str):
                methods = mp.get_all_start_methods()
                if ctx not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={ctx!r}")
                ctx = mp.get_context(ctx)
            if not isinstance(ctx, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={ctx}")
        self.__multiprocessing_context = ctx

    def __setattr__(self, attr: str, val: Any) -> None:
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler",
                                           "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def _get_iterator(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self) -> _BaseDataLoaderIter:
        # persistent workers: one iterator (and one set of processes) for the loader's life
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._dataset_kind == _DatasetKind.Iterable:
            # the dataset's own __len__ (TypeError if it has none), in batches
            length = self._IterableDataset_len_called = len(self.dataset)  # type: ignore
            if self.batch_size is not None:
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)



def _worker_options(num_workers: int, timeout: float, prefetch_factor: int | None,
                    persistent_workers: bool) -> int | None:
    """Check DataLoader's worker options; returns `prefetch_factor` (2 by default with
    workers)."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; "
                         "use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing."
            "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
            "to None.")
    elif num_workers > 0 and prefetch_factor is None:
        prefetch_factor = 2
    elif prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    return prefetch_factor


def _dataset_kind(dataset, shuffle, sampler, batch_sampler):
    """The dataset's kind (map-style or iterable) and `shuffle` as a bool for map-style ones;
    an iterable dataset takes no shuffle, sampler or batch_sampler."""
    if not isinstance(dataset, IterableDataset):
        return _DatasetKind.Map, bool(shuffle)
    # keys mean nothing to a stream: no custom (batch) samplers, no shuffling (an
    # IterDataPipe's Shufflers take the option)
    if not _dp.apply_shuffle(dataset, shuffle) and shuffle not in {False, None}:
        raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                         f"option, but got shuffle={shuffle}")
    if sampler is not None:
        raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                         f"option, but got sampler={sampler}")
    if batch_sampler is not None:
        raise ValueError("DataLoader with IterableDataset: expected unspecified "
                         f"batch_sampler option, but got batch_sampler={batch_sampler}")
    return _DatasetKind.Iterable, shuffle


def _batching_options(batch_size, shuffle, sampler, batch_sampler, drop_last):
    """Check that the sampling options go together; returns (batch_size, drop_last), both
    reset when a batch_sampler makes the batches."""
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None:
        if batch_size != 1 or shuffle or sampler is not None or drop_last:
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                             "shuffle, sampler, and drop_last")
        return None, False
    if batch_size is None and drop_last:
        raise ValueError("batch_size=None option disables auto-batching and is mutually "
                         "exclusive with drop_last")
    return batch_size, drop_last


def _samplers(kind, dataset, shuffle, sampler, batch_sampler, batch_size, drop_last,
              generator):
    """The (sampler, batch_sampler) pair, with the defaults filled in for those not given."""
    if sampler is None:
        if kind == _DatasetKind.Iterable:
            sampler = _InfiniteConstantSampler()
        elif shuffle:
            sampler = RandomSampler(dataset, generator=generator)  # type: ignore[arg-type]
        else:
            sampler = SequentialSampler(dataset)  # type: ignore[arg-type]
    if batch_size is not None and batch_sampler is None:
        batch_sampler = BatchSampler(sampler, batch_size, drop_last)
    return sampler, batch_sampler

class _BaseDataLoaderIter:
    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        # DataPipes: the shared seed is drawn first (before the sampler and the base seed)
        self._shared_seed = _dp.seed_pipes(self._dataset, loader.generator)
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used "
                          f"as the device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                          stacklevel=2)
        if loader.pin_memory:  # tocha has no accelerator: accepted, warned about, ignored
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        # Order matters for reproducibility (rng.md 9.1): the (lazy) sampler iterator first,
        # then the base seed, drawn even when no worker will use it.
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _draw_seed(_eng(loader.generator))
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self) -> _BaseDataLoaderIter:
        return self

    def _reset(self, loader: DataLoader, first_iter: bool = False) -> None:
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        if self._shared_seed is not None:
            self._shared_seed = _dp.seed_pipes(self._dataset, loader.generator)

    def _next_index(self) -> Any:
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self) -> Any:
        raise NotImplementedError

    def __next__(self) -> Any:
        data = self._next_data()
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable
                and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            msg = (f"Length of IterableDataset {self._dataset} was reported to be "
                   f"{self._IterableDataset_len_called}(when accessing len(dataloader)), but "
                   f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self) -> Any:
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if self._num_workers != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires num_workers == 0")
        _dp.shard_main(self._dataset)
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn,
            self._drop_last)

    def _next_data(self) -> Any:
        index = self._next_index()  # may raise StopIteration
        return self._dataset_fetcher.fetch(index)  # may raise StopIteration

    def __next__(self) -> Any:
        if self._dataset_kind != _DatasetKind.Map:
            return super().__next__()
        # map-style: the base __next__ inlined (no length check), one call less per batch
        data = self._dataset_fetcher.fetch(next(self._sampler_iter))  # may raise StopIteration
        self._num_yielded += 1
        return data


def _mp_context(ctx: Any) -> Any:
    if ctx is None:
        import multiprocessing
        return multiprocessing.get_context()
    return ctx


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Workers each own an index queue; all answer on one result queue. Tasks go round-robin,
    at most ``prefetch_factor`` outstanding per worker; results are reordered by task number.
    Every blocking get has a timeout after which dead workers are detected (never a hang)."""

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for "
                                 "MultiProcessingDataLoaderIter")
        ctx = _mp_context(loader.multiprocessing_context)
        self._worker_init_fn = loader.worker_init_fn
        init_fn = _dp.worker_init(self._dataset, self._worker_init_fn, self._shared_seed)
        self._worker_result_queue = ctx.Queue()
        self._shutdown = False
        self._workers_done_event = ctx.Event()
        self._index_queues: list[Any] = []
        self._workers: list[Any] = []
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(
                target=_worker._worker_loop,
                args=(self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                      self._workers_done_event, self._auto_collation, self._collate_fn,
                      self._drop_last, self._base_seed, init_fn, i,
                      self._num_workers, self._persistent_workers))
            w.daemon = True
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._data_queue = self._worker_result_queue
        self._reset(loader, first_iter=True)

    def _reset(self, loader: DataLoader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = 0  # next task number to send
        self._rcvd_idx = 0  # next task number to return
        self._task_info: dict[int, tuple] = {}  # task -> (worker,) or (worker, data)
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # persistent workers: restart every worker's fetcher and wait for the echoes
            for q in self._index_queues:
                q.put(_ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout: float | None = None) -> tuple[bool, Any]:
        if timeout is None:
            timeout = _worker.STATUS_CHECK_INTERVAL
        try:
            return True, self._data_queue.get(timeout=timeout)
        except Exception as e:
            failed = []
            for wid, w in enumerate(self._workers):
                if self._workers_status[wid] and not w.is_alive():
                    failed.append(w)
                    self._mark_worker_as_unavailable(wid)
            if failed:
                pids = ", ".join(str(w.pid) for w in failed)
                self._shutdown_workers()
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") \
                    from e
            if isinstance(e, queue.Empty):
                return False, None
            raise

    def _get_data(self) -> Any:
        if self._timeout > 0:
            ok, data = self._try_get_data(self._timeout)
            if ok:
                return data
            self._shutdown_workers()
            raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
        while True:
            ok, data = self._try_get_data()
            if ok:
                return data

    def _next_data(self) -> Any:
        while True:
            # skip tasks of workers that ended (IterableDataset exhausted in that worker)
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:  # arrived earlier, out of order
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(
                    data, _worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self) -> None:
        try:
            index = self._next_index()
        except StopIteration:
            return
        max_tasks = self._prefetch_factor * self._num_workers
        for _ in range(self._num_workers):  # the next active worker, if any
            wid = next(self._worker_queue_idx_cycle)
            if self._workers_status[wid]:  # noqa: SIM102
                if self._in_order or self._workers_num_tasks[wid] < max_tasks // sum(
                        self._workers_status):
                    break
        else:
            return
        self._index_queues[wid].put((self._send_idx, index))
        self._task_info[self._send_idx] = (wid,)
        self._workers_num_tasks[wid] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data: Any, worker_idx: int) -> Any:
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id: int, shutdown: bool = False) -> None:
        # the worker exits when it reads None (after finishing queued tasks)
        try:
            self._index_queues[worker_id].put(None)
        except (OSError, ValueError):
            pass
        self._workers_status[worker_id] = False

    def _shutdown_workers(self) -> None:
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for wid in range(len(self._workers)):
                if self._workers_status[wid] or self._persistent_workers:
                    self._mark_worker_as_unavailable(wid, shutdown=True)
            for w in self._workers:
                w.join(timeout=_worker.STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
            self._worker_result_queue.cancel_join_thread()
            self._worker_result_queue.close()

    def __del__(self) -> None:
        try:
            self._shutdown_workers()
        except Exception:  # noqa: BLE001,S110
            pass
