"""The graph of a DataPipe pipeline: each pipe with the pipes it reads from."""
from __future__ import annotations

from typing import Any

from .datapipes.datapipe import (
    IterDataPipe,
    MapDataPipe,
    _DataPipeSerializationWrapper,
    _PipeCommon,
)

__all__ = ["DataPipe", "DataPipeGraph", "traverse_dps"]

DataPipe = IterDataPipe | MapDataPipe
DataPipeGraph = dict  # id -> (datapipe, DataPipeGraph of its sources)

_MAX_DEPTH = 4


def _state_of(dp: Any) -> Any:
    """What a pipe holds (the state it would pickle), without pickling it."""
    if isinstance(dp, _DataPipeSerializationWrapper):
        return (dp._datapipe,)
    getstate = type(dp).__getstate__
    if getstate is _PipeCommon.__getstate__:
        return dict(vars(dp))
    hook = IterDataPipe.getstate_hook
    IterDataPipe.getstate_hook = None
    try:
        return getstate(dp)
    finally:
        IterDataPipe.getstate_hook = hook


def _collect(obj: Any, out: list, seen: set, depth: int) -> None:
    """The DataPipes inside `obj` (containers and plain objects), in state order."""
    if depth > _MAX_DEPTH or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (IterDataPipe, MapDataPipe)):
        out.append(obj)
        return
    if isinstance(obj, dict):
        items = list(obj.values())
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        items = list(vars(obj).values())
    else:
        return
    for v in items:
        _collect(v, out, seen, depth + 1)


def _list_connected_datapipes(dp: Any) -> list:
    out: list = []
    seen = {id(dp)}
    _collect(_state_of(dp), out, seen, 0)
    return out


def traverse_dps(datapipe: Any) -> DataPipeGraph:
    """`{id(dp): (dp, graph of its sources)}` for the pipeline ending at `datapipe`.

    Example:
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper
        >>> from tocha.utils.data.graph import traverse_dps
        >>> src = IterableWrapper(range(3))
        >>> graph = traverse_dps(src.map(abs))
        >>> [type(dp).__name__ for dp, _ in graph.values()]
        ['MapperIterDataPipe']
    """
    return _traverse(datapipe, set())


def _traverse(datapipe: Any, on_path: set) -> DataPipeGraph:
    dp_id = id(datapipe)
    if dp_id in on_path:        # a cycle: stop here
        return {dp_id: (datapipe, {})}
    on_path = on_path | {dp_id}
    children: dict = {}
    for child in _list_connected_datapipes(datapipe):
        children.update(_traverse(child, on_path))
    return {dp_id: (datapipe, children)}
