"""Settings applied across a DataPipe graph: sharding, shuffling, random seeds (what
DataLoader does to a DataPipe dataset)."""
from __future__ import annotations

import inspect
import warnings
from typing import Any

from .datapipes.iter.sharding import SHARDING_PRIORITIES, _ShardingIterDataPipe
from .graph import DataPipeGraph, traverse_dps

__all__ = ["apply_random_seed", "apply_sharding", "apply_shuffle_settings",
           "get_all_graph_pipes"]


def get_all_graph_pipes(graph: DataPipeGraph) -> list:
    """Every pipe of `graph`, each once, parents before their sources."""
    return _all_pipes(graph, set())


def _all_pipes(graph: DataPipeGraph, seen: set) -> list:
    out = []
    for dp_id, (dp, sub) in graph.items():
        if dp_id in seen:
            continue
        seen.add(dp_id)
        out.append(dp)
        out.extend(_all_pipes(sub, seen))
    return out


def _is_sharding_datapipe(dp: Any) -> bool:
    return isinstance(dp, _ShardingIterDataPipe) or (
        hasattr(dp, "apply_sharding") and inspect.ismethod(dp.apply_sharding))


def apply_sharding(datapipe: Any, num_of_instances: int, instance_id: int,
                   sharding_group: SHARDING_PRIORITIES = SHARDING_PRIORITIES.DEFAULT) -> Any:
    """Call `apply_sharding` on the sharding pipes of the graph (RuntimeError for two on one
    branch)."""
    def visit(graph: DataPipeGraph, prev: Any = None) -> None:
        for dp, sub in graph.values():
            applied = None
            if _is_sharding_datapipe(dp):
                if prev is not None:
                    raise RuntimeError("Sharding twice on a single pipeline is likely unintended "
                                       "and will cause data loss. Sharding already applied to "
                                       f"{prev} while trying to apply to {dp}")
                if len(inspect.signature(dp.apply_sharding).parameters) < 3:
                    dp.apply_sharding(num_of_instances, instance_id)
                else:
                    dp.apply_sharding(num_of_instances, instance_id,
                                      sharding_group=sharding_group)
                applied = dp
            visit(sub, applied if applied is not None else prev)

    visit(traverse_dps(datapipe))
    return datapipe


def _is_shuffle_datapipe(dp: Any) -> bool:
    return (hasattr(dp, "set_shuffle") and hasattr(dp, "set_seed")
            and inspect.ismethod(dp.set_shuffle) and inspect.ismethod(dp.set_seed))


def apply_shuffle_settings(datapipe: Any, shuffle: bool | None = None) -> Any:
    """Turn every shuffling pipe on or off (`shuffle=None`: leave them); with `shuffle=True`
    and none in the graph, a `Shuffler` is added at the end (with a warning)."""
    if shuffle is None:
        return datapipe
    shufflers = [p for p in get_all_graph_pipes(traverse_dps(datapipe))
                 if _is_shuffle_datapipe(p)]
    if not shufflers and shuffle:
        warnings.warn("`shuffle=True` was set, but the datapipe does not contain a `Shuffler`. "
                      "Adding one at the end. Be aware that the default buffer size might not "
                      "be sufficient for your task.", stacklevel=2)
        datapipe = datapipe.shuffle()
        shufflers = [datapipe]
    for s in shufflers:
        s.set_shuffle(shuffle)
    return datapipe


def apply_shuffle_seed(datapipe: Any, rng: Any) -> Any:
    """Deprecated name of `apply_random_seed`."""
    warnings.warn("`apply_shuffle_seed` is deprecated since 1.12 and will be removed in the "
                  "future releases. Please use `apply_random_seed` instead.", FutureWarning,
                  stacklevel=2)
    return apply_random_seed(datapipe, rng)


def apply_random_seed(datapipe: Any, rng: Any) -> Any:
    """Seed every random pipe (`set_seed`) of the graph with a draw from the Generator `rng`,
    in graph order."""
    from ... import _dtype
    from ..._creation import empty
    seen: set = set()
    pipes = []
    for p in get_all_graph_pipes(traverse_dps(datapipe)):
        if id(p) not in seen and hasattr(p, "set_seed") and inspect.ismethod(p.set_seed):
            pipes.append(p)
            seen.add(id(p))
    for p in pipes:
        p.set_seed(int(empty((), dtype=_dtype.int64).random_(generator=rng).item()))
    return datapipe
