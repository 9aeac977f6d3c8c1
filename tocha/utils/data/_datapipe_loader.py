"""What DataLoader does to a DataPipe dataset, as PyTorch's: wrap it for pickling, apply the
`shuffle` option to its Shufflers, seed its random pipes from the loader's generator at each
new iterator, and shard it across workers and distributed ranks."""
from __future__ import annotations

import functools
from typing import Any

from .datapipes.datapipe import (
    IterDataPipe,
    MapDataPipe,
    _IterDataPipeSerializationWrapper,
    _MapDataPipeSerializationWrapper,
)


def wrap(dataset: Any) -> Any:
    """A DataPipe inside its serialization wrapper (what `loader.dataset` is in PyTorch)."""
    if isinstance(dataset, IterDataPipe):
        return _IterDataPipeSerializationWrapper(dataset)
    if isinstance(dataset, MapDataPipe):
        return _MapDataPipeSerializationWrapper(dataset)
    return dataset


def apply_shuffle(dataset: Any, shuffle: bool | None) -> bool:
    """For an IterDataPipe, switch its Shufflers per `shuffle` and return True (the option is
    then allowed for this iterable dataset); False for any other dataset."""
    if not isinstance(dataset, IterDataPipe):
        return False
    if shuffle is not None:
        # as in PyTorch, a Shuffler appended here (none in the graph) is not the one loaded
        from .graph_settings import apply_shuffle_settings
        apply_shuffle_settings(dataset, shuffle=shuffle)
    return True


def _shared_rng(seed: int) -> Any:
    from ..._random import Generator
    g = Generator()
    g.manual_seed(seed)
    return g


def seed_pipes(dataset: Any, generator: Any) -> int | None:
    """For an IterDataPipe: draw the shared seed from `generator` (the default generator
    when None), seed the pipes' random pipes from it and return it; None otherwise."""
    if not isinstance(dataset, IterDataPipe):
        return None
    from ... import _dtype
    from ..._creation import empty
    from .graph_settings import apply_random_seed
    seed = int(empty((), dtype=_dtype.int64).random_(generator=generator).item())
    apply_random_seed(dataset, _shared_rng(seed))
    return seed


def distributed_settings() -> tuple[int, int]:
    """`(world_size, rank)` of the default process group, `(1, 0)` without one."""
    import sys
    dist = sys.modules.get("tocha.distributed")
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist.get_world_size(), dist.get_rank()
    return 1, 0


def shard_main(dataset: Any) -> None:
    """Single-process loading: shard across the distributed ranks only."""
    if isinstance(dataset, (IterDataPipe, MapDataPipe)):
        from .graph_settings import apply_sharding
        world_size, rank = distributed_settings()
        apply_sharding(dataset, world_size, rank)


def worker_init(dataset: Any, init_fn: Any, shared_seed: int | None) -> Any:
    """The worker_init_fn for a DataPipe dataset: seed its random pipes from the shared seed,
    shard it over all workers of all ranks, then run the user's `init_fn`."""
    if not isinstance(dataset, (IterDataPipe, MapDataPipe)):
        return init_fn
    world_size, rank = distributed_settings()
    return functools.partial(_datapipe_worker_init, init_fn, world_size, rank, shared_seed)


def _datapipe_worker_init(init_fn: Any, world_size: int, rank: int, shared_seed: int | None,
                          worker_id: int) -> None:
    from ._worker import get_worker_info
    from .graph_settings import apply_random_seed, apply_sharding
    info = get_worker_info()
    datapipe = info.dataset
    if shared_seed is not None and isinstance(datapipe, IterDataPipe):
        apply_random_seed(datapipe, _shared_rng(shared_seed))
    apply_sharding(datapipe, info.num_workers * world_size, worker_id * world_size + rank)
    if init_fn is not None:
        init_fn(worker_id)
