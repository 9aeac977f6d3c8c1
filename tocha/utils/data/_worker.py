"""What runs inside a DataLoader worker process, plus the fetchers both loaders share.

Protocol (main → worker on the worker's index queue, worker → main on the shared result
queue): ``(task_idx, index)`` → ``(task_idx, data)``; ``data`` is a collated batch, an
``ExceptionWrapper`` or ``_IterableDatasetStopIteration``. ``_ResumeIteration`` starts a new
epoch for persistent workers (echoed back); ``None`` tells the worker to exit.
"""
from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any

from ._collate import default_collate as _default_collate
from .dataset import Subset, TensorDataset

__all__ = ["WorkerInfo", "get_worker_info"]

# How long a blocking queue get waits before checking that the other side is still alive.
STATUS_CHECK_INTERVAL = 1.0


class _DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind: int, dataset: Any, auto_collation: bool, collate_fn: Any,
                       drop_last: bool) -> Any:
        if kind == _DatasetKind.Map:
            return _MapDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
        return _IterableDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)


class _MapDatasetFetcher:
    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Any,
                 drop_last: bool) -> None:
        self.dataset, self.auto_collation = dataset, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last

    def fetch(self, possibly_batched_index: Any) -> Any:
        if self.auto_collation:
            ds = self.dataset
            if self.collate_fn is _default_collate and (type(ds) is TensorDataset
                                                        or type(ds) is Subset):
                batch = _tensor_dataset_batch(ds, possibly_batched_index)
                if batch is not None:
                    return batch
            getitems = getattr(ds, "__getitems__", None)
            if getitems:
                data = getitems(possibly_batched_index)
            else:
                data = [ds[i] for i in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


def _tensor_dataset_batch(dataset: Any, indices: list) -> list | None:
    """``default_collate([dataset[i] for i in indices])`` for a TensorDataset (possibly inside
    Subsets) as one gather per tensor instead of one index op per sample; None otherwise."""
    while type(dataset) is Subset:
        sub = dataset.indices
        indices = [sub[i] for i in indices]
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset or len(indices) == 0:
        return None
    n = len(dataset)
    try:
        idx = [int(i) for i in indices]
    except (TypeError, ValueError):
        return None
    if not all(-n <= i < n for i in idx):
        return None  # let the per-sample path raise PyTorch's IndexError
    return [t[idx] for t in dataset.tensors]


class _IterableDatasetFetcher:
    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Any,
                 drop_last: bool) -> None:
        self.dataset, self.auto_collation = dataset, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index: Any) -> Any:
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: id, num_workers, seed, dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str | None = "multiprocessing"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker process: its ``WorkerInfo``; in the main process: None."""
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    seed: int | None = None


class _KeyErrorMessage(str):
    # KeyError reprs its argument; this keeps the multi-line message readable
    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process as type + formatted text."""

    def __init__(self, exc_info: Any = None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_name = self.exc_type.__name__
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        try:  # a class defined inside a function cannot cross the process boundary
            pickle.loads(pickle.dumps(self.exc_type))
        except Exception:  # noqa: BLE001
            self.exc_type = RuntimeError
        self.where = where

    def reraise(self) -> None:
        """Raise an exception of the original type whose text holds the worker's traceback."""
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            # some exceptions take a keyword 'message'
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001
            # the type cannot be built from one string: carry the text in a RuntimeError
            raise RuntimeError(msg) from None
        raise exception


def _generate_state(base_seed: int, worker_id: int) -> list[int]:
    """The 4 x uint32 NumPy seed PyTorch gives worker ``worker_id`` (SeedSequence-style hashing
    of ``[worker_id, base_seed low, base_seed high, 0]``)."""
    m32 = 0xFFFFFFFF
    mult_a, mult_b = 0x931E8875, 0x58F38DED
    mix_l, mix_r = 0xCA01F9DD, 0x4973F715
    const = [0x43B0D7E5]

    def hashmix(v: int) -> int:
        v = (v ^ const[0]) & m32
        const[0] = (const[0] * mult_a) & m32
        v = (v * const[0]) & m32
        return v ^ (v >> 16)

    def mix(x: int, y: int) -> int:
        r = ((mix_l * x) - (mix_r * y)) & m32
        return r ^ (r >> 16)

    entropy = [worker_id, base_seed & m32, base_seed >> 32, 0]
    pool = [hashmix(e) for e in entropy]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    out = []
    cb = 0x8B51F9DD
    for v in pool:
        v ^= cb
        cb = (cb * mult_b) & m32
        v = (v * cb) & m32
        out.append(v ^ (v >> 16))
    return out


def _seed_worker(base_seed: int, worker_id: int) -> int:
    seed = base_seed + worker_id
    random.seed(seed)
    from ..._random import manual_seed
    manual_seed(seed)
    import numpy as np
    np.random.seed(_generate_state(base_seed, worker_id))
    return seed


def _make_fetcher(fetcher_args: tuple, where: str, init_fn: Any = None,
                  worker_id: int = 0) -> tuple:
    """(fetcher, None), or (None or the old fetcher, the exception to send in place of the
    first batch) when worker_init_fn or building the fetcher failed."""
    fetcher = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = _DatasetKind.create_fetcher(*fetcher_args)
    except Exception:  # noqa: BLE001
        return fetcher, ExceptionWrapper(where=where)
    return fetcher, None


def _fetch(fetcher: Any, index: Any, dataset_kind: int, worker_id: int, where: str) -> tuple:
    """(the batch for `index`, or the error to send instead; whether the iterable ended)."""
    try:
        return fetcher.fetch(index), False
    except Exception as e:  # noqa: BLE001
        if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
            return _IterableDatasetStopIteration(worker_id), True
        return ExceptionWrapper(where=where), False


def _worker_loop(dataset_kind: int, dataset: Any, index_queue: Any, data_queue: Any,
                 done_event: Any, auto_collation: bool, collate_fn: Any, drop_last: bool,
                 base_seed: int, init_fn: Any, worker_id: int, num_workers: int,
                 persistent_workers: bool) -> None:
    """Body of a worker process: seed, run ``worker_init_fn``, then serve index tasks."""
    global _worker_info
    # the parent (main process, or the forkserver) changes only if it died: then exit
    parent_pid = os.getppid()
    where = f"in DataLoader worker process {worker_id}"

    def on_send_error(e: BaseException, obj: Any) -> None:
        # A result that cannot be pickled would be dropped by the queue's feeder thread and
        # the main process would wait for it forever: send the error in its place.
        if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], int):
            data_queue.put((obj[0], ExceptionWrapper((type(e), e, e.__traceback__), where)))

    # multiprocessing's hook, read when the feeder thread starts (at the first put)
    data_queue._on_queue_feeder_error = on_send_error
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        fetcher_args = (dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        fetcher, init_exception = _make_fetcher(fetcher_args, where, init_fn, worker_id)
        iteration_end = False
        while os.getppid() == parent_pid:
            try:
                r = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                new, exc = _make_fetcher(fetcher_args, where)
                if exc is None:
                    fetcher = new
                else:       # (the old fetcher stays; the error goes out with the next task)
                    init_exception = exc
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data: Any = init_exception
                init_exception = None
            else:
                data, iteration_end = _fetch(fetcher, index, dataset_kind, worker_id, where)
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        # the main process may no longer read: don't block exit on flushing the queue
        data_queue.cancel_join_thread()
        data_queue.close()
