"""Process groups on MPI communicators: the default group, `new_group`, ranks and sizes."""
from __future__ import annotations

import os
from datetime import timedelta

from . import _mpi
from ._work import CommThread, Work, _seconds

__all__ = [
    "Backend",
    "GroupMember",
    "ProcessGroup",
    "default_pg_timeout",
    "destroy_process_group",
    "get_backend",
    "get_global_rank",
    "get_group_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "is_initialized",
    "new_group",
]

default_pg_timeout = timedelta(minutes=30)


class Backend(str):
    """Backend names. "mpi" runs on MPI; "gloo" is accepted and also runs on MPI."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name: str):
        return str.__new__(cls, name.lower())


class ProcessGroup:
    """A set of ranks with its own MPI communicator (made by `init_process_group` or
    `new_group`; not constructed directly)."""

    def __init__(self, comm, ranks: list[int], backend: str, timeout: float) -> None:
        self.comm = comm
        self.ranks = ranks            # global ranks, in group-rank order
        self.backend = backend
        self.timeout = timeout

    def rank(self) -> int:
        return self.comm.Get_rank()

    def size(self) -> int:
        return len(self.ranks)

    def name(self) -> str:
        return self.backend.upper()

    def __repr__(self) -> str:
        return f"ProcessGroup(backend={self.backend!r}, ranks={self.ranks})"


class GroupMember:
    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = object()


class group:
    WORLD: ProcessGroup | None = None


_state: dict = {"world": None, "thread": None}


def _world() -> ProcessGroup:
    pg = _state["world"]
    if pg is None:
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
    return pg


def resolve(g) -> ProcessGroup | None:
    """The group an API call means; None when this rank is not a member of `g`."""
    if g is None or g is GroupMember.WORLD:
        return _world()
    if g is GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(g, ProcessGroup):
        raise TypeError(f"expected a ProcessGroup from new_group(), got {type(g).__name__}")
    _world()
    return g


def submit(pg: ProcessGroup, name: str, fn, finish=None, sync: bool = False) -> Work:
    """Run `fn` (MPI calls) on the communication thread; a blocking call (`sync`) runs in
    this thread instead when nothing is queued before it."""
    work = Work(f"{name} (rank {get_rank()})", pg.timeout, finish)
    thread = _state["thread"]
    if sync and thread.run_now(work, fn, pg.timeout):
        return work
    return thread.submit(work, fn)


def _check_backend(backend) -> str:
    name = "mpi" if backend is None else str(backend).lower()
    if name.startswith("cpu:"):
        name = name[4:].split(",")[0]
    if name in ("nccl", "cuda:nccl", "ucc", "xccl"):
        raise RuntimeError(f"init_process_group: backend {backend!r} needs GPUs; tocha runs on "
                           "the CPU over MPI: use backend='gloo' or 'mpi'")
    if name not in ("mpi", "gloo"):
        raise ValueError(f"init_process_group: unknown backend {backend!r}; tocha supports "
                         "'mpi' and 'gloo' (both run on MPI)")
    return name


def init_process_group(backend: str | None = None, init_method: str | None = None,
                       timeout: timedelta | None = None, world_size: int = -1, rank: int = -1,
                       store=None, group_name: str = "", pg_options=None,
                       device_id=None) -> None:
    """Join the default process group: this process and the others started with it.

    Ranks and world size come from MPI (processes started by ``python -m
    tocha.distributed.run`` or ``mpiexec``); ``world_size``/``rank`` and ``RANK``/``WORLD_SIZE``
    are checked against them. Differs from PyTorch: ``init_method`` (``env://``, ``tcp://``,
    ``file://``) and ``store`` are accepted but MPI does the rendezvous, so MASTER_ADDR and
    MASTER_PORT are not needed; "gloo" runs on MPI too.

    Example::

        dist.init_process_group("gloo")
        print(dist.get_rank(), dist.get_world_size())
    """
    if _state["world"] is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = _check_backend(backend)
    MPI = _mpi.mpi()
    _mpi.exit_hooks(MPI)
    comm = MPI.COMM_WORLD.Dup()
    n, r = comm.Get_size(), comm.Get_rank()
    want_n = world_size if world_size != -1 else int(os.environ.get("WORLD_SIZE", n))
    want_r = rank if rank != -1 else int(os.environ.get("RANK", r))
    if n == 1 and want_n > 1:
        raise RuntimeError(
            f"init_process_group: world_size is {want_n} but this process was not started by "
            "an MPI launcher; start the script with `python -m tocha.distributed.run "
            f"--nproc-per-node {want_n} script.py` or `mpiexec -n {want_n} python -m tocha "
            "run script.py`")
    if (want_n, want_r) != (n, r):
        raise ValueError(f"init_process_group: asked for rank {want_r} of {want_n} but MPI "
                         f"started this process as rank {r} of {n}")
    secs = _seconds(timeout if timeout is not None else default_pg_timeout)
    pg = ProcessGroup(comm, list(range(n)), name, secs)
    if _state["thread"] is None:
        _state["thread"] = CommThread()
    _state["world"] = GroupMember.WORLD = group.WORLD = pg


def is_initialized() -> bool:
    return _state["world"] is not None


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Leave the default group (all groups) or free one group's communicator."""
    if group is None or group is _state["world"]:
        pg = _world()
        submit(pg, "destroy_process_group", pg.comm.Free).wait()
        _state["world"] = GroupMember.WORLD = globals()["group"].WORLD = None
    elif isinstance(group, ProcessGroup):
        submit(group, "destroy_process_group", group.comm.Free).wait()


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in `group` (the default group: 0..world_size-1); -1 if not a member."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return resolve(group).rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return resolve(group).size()


def get_backend(group: ProcessGroup | None = None) -> str:
    return Backend(resolve(group).backend)


def get_process_group_ranks(group: ProcessGroup) -> list[int]:
    return list(resolve(group).ranks)


def get_global_rank(group: ProcessGroup, group_rank: int) -> int:
    return resolve(group).ranks[group_rank]


def get_group_rank(group: ProcessGroup, global_rank: int) -> int:
    ranks = resolve(group).ranks
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return ranks.index(global_rank)


def new_group(ranks: list[int] | None = None, timeout: timedelta | None = None,
              backend: str | None = None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of some of the ranks; every rank of the default group must call it (in the same
    order). Returns GroupMember.NON_GROUP_MEMBER on ranks outside `ranks`."""
    world = _world()
    ranks = sorted(set(range(world.size()) if ranks is None else ranks))
    for r in ranks:
        if not 0 <= r < world.size():
            raise ValueError(f"new_group: rank {r} is out of range for world size "
                             f"{world.size()}")
    me = world.rank()
    MPI = _mpi.mpi()
    color = 0 if me in ranks else MPI.UNDEFINED
    comm = submit(world, "new_group", lambda: world.comm.Split(color, me)).result()
    if me not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    secs = _seconds(timeout) if timeout is not None else world.timeout
    return ProcessGroup(comm, ranks, _check_backend(backend or world.backend), secs)
