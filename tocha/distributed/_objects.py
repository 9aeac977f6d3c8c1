"""Collectives of picklable Python objects (mpi4py pickles and sizes the messages)."""
from __future__ import annotations

from ._agree import agree, signature
from ._group import resolve, submit

__all__ = [
    "all_gather_object",
    "broadcast_object_list",
    "gather_object",
    "scatter_object_list",
]


def _obj_run(op: str, pg, body, root: int = -1, error: str | None = None):
    """Agree across ranks, then run `body(comm)`; on a rank with a local argument `error`,
    raise it as ValueError (the other ranks raise the agreement's RuntimeError)."""
    from . import _mpi
    MPI = _mpi.mpi()
    sig = signature(op, None, root, bad=error is not None)

    def fn():
        agree(MPI, pg.comm, sig, pg.ranks)
        return body(pg.comm)
    work = submit(pg, op, fn)
    if error is not None:
        try:
            work.wait()
        except RuntimeError:
            pass
        raise ValueError(f"{op}: {error}")
    return work.result()


def _root(pg, rank, group_rank, what: str = "src") -> int:
    from ._coll import _root as root
    return root(pg, rank, group_rank, what)


def broadcast_object_list(object_list: list, src=None, group=None, device=None,
                          group_src=None) -> None:
    """Replace ``object_list``'s items on every rank with those of rank `src` (same length)."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src)
    objs = list(object_list) if pg.rank() == root else None
    got = _obj_run("broadcast_object_list", pg, lambda c: c.bcast(objs, root=root), root)
    if len(got) != len(object_list):
        raise ValueError(f"broadcast_object_list: rank {pg.ranks[root]} sent {len(got)} "
                         f"objects but object_list here has {len(object_list)}")
    object_list[:] = got


def all_gather_object(object_list: list, obj, group=None) -> None:
    """``object_list[i]`` = rank i's `obj` on every rank (object_list has world_size items)."""
    pg = resolve(group)
    if pg is None:
        return
    err = (None if len(object_list) == pg.size() else
           f"object_list must have {pg.size()} items (the group size), got {len(object_list)}")
    object_list[:] = _obj_run("all_gather_object", pg, lambda c: c.allgather(obj), error=err)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None) -> None:
    """Rank `dst` gets every rank's `obj` in ``object_gather_list``."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, dst, group_dst, "dst")
    mine = pg.rank() == root
    bad = mine and (object_gather_list is None or len(object_gather_list) != pg.size())
    err = f"object_gather_list on the destination rank must have {pg.size()} items"
    got = _obj_run("gather_object", pg, lambda c: c.gather(obj, root=root), root,
                   err if bad else None)
    if mine:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list: list, scatter_object_input_list=None,
                        src=None, group=None, group_src=None) -> None:
    """Rank i gets ``scatter_object_input_list[i]`` of rank `src` as
    ``scatter_object_output_list[0]``."""
    pg = resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src)
    mine = pg.rank() == root
    inp = scatter_object_input_list
    bad = (not isinstance(scatter_object_output_list, list) or not scatter_object_output_list
           or (mine and (inp is None or len(inp) != pg.size())))
    err = ("scatter_object_output_list must be a non-empty list, and the input list on the "
           f"source rank must have {pg.size()} items")
    got = _obj_run("scatter_object_list", pg,
                   lambda c: c.scatter(list(inp) if mine and not bad else None, root=root),
                   root, err if bad else None)
    scatter_object_output_list[0] = got
