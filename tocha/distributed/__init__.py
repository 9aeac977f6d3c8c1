"""`torch.distributed` for tocha: process groups and collectives on MPI (through mpi4py).

Start N processes with ``python -m tocha.distributed.run --nproc-per-node N script.py`` (or
``mpiexec -n N python -m tocha run script.py``); in the script::

    import tocha as torch
    import tocha.distributed as dist
    dist.init_process_group("gloo")          # "gloo" and "mpi" both run on MPI
    t = torch.ones(3) * dist.get_rank()
    dist.all_reduce(t)                        # summed over the ranks, in place
    dist.destroy_process_group()

Needs the ``distributed`` extra (mpi4py and MPICH from PyPI). See docs/distributed.md.
Differs from PyTorch: the rendezvous is MPI's, so ``init_method``/MASTER_ADDR are accepted but
not used; there is no NCCL (no GPUs).
"""
from __future__ import annotations

from ._agree import ReduceOp
from ._coll import (
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    all_to_all,
    all_to_all_single,
    barrier,
    broadcast,
    gather,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    scatter,
)
from ._group import (
    Backend,
    GroupMember,
    ProcessGroup,
    default_pg_timeout,
    destroy_process_group,
    get_backend,
    get_global_rank,
    get_group_rank,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    group,
    init_process_group,
    is_initialized,
    new_group,
)
from ._objects import (
    all_gather_object,
    broadcast_object_list,
    gather_object,
    scatter_object_list,
)
from ._p2p import P2POp, batch_isend_irecv, irecv, isend, recv, send
from ._work import DistBackendError, DistError, Work

__all__ = [
    "Backend",
    "DistBackendError",
    "DistError",
    "GroupMember",
    "P2POp",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "all_to_all",
    "all_to_all_single",
    "barrier",
    "batch_isend_irecv",
    "broadcast",
    "broadcast_object_list",
    "default_pg_timeout",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_global_rank",
    "get_group_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "irecv",
    "is_available",
    "is_gloo_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "is_torchelastic_launched",
    "isend",
    "new_group",
    "recv",
    "reduce",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
    "scatter_object_list",
    "send",
]


def is_available() -> bool:
    """True when mpi4py (the ``distributed`` extra) is installed."""
    from ._mpi import available
    return available()


is_mpi_available = is_gloo_available = is_available


def is_nccl_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    """True in processes started by ``python -m tocha.distributed.run``."""
    import os
    return "TORCHELASTIC_RUN_ID" in os.environ
