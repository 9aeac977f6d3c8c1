"""Point-to-point: send/recv/isend/irecv. Each message carries a signature header so that a
receive into a tensor of another shape or dtype fails with a clear error."""
from __future__ import annotations

import numpy as np

from . import _mpi
from ._agree import SIG, _describe, signature
from ._arrays import array, as_bytes, check_tensor, write
from ._group import get_rank, resolve, submit
from ._work import Pending

__all__ = ["P2POp", "batch_isend_irecv", "irecv", "isend", "recv", "send"]


def _peer(pg, rank, group_rank, what: str) -> int:
    if group_rank is not None:
        return group_rank
    if rank not in pg.ranks:
        raise ValueError(f"{what}={rank} is not a rank of the group {pg.ranks}")
    if rank == get_rank():
        verb = "send to" if what == "dst" else "receive from"
        raise ValueError(f"Invalid {what}: rank {rank} cannot {verb} itself")
    return pg.ranks.index(rank)


def isend(tensor, dst=None, group=None, tag: int = 0, group_dst=None):
    """Start sending `tensor` to rank `dst`; returns a Work (``wait()`` until it is sent)."""
    check_tensor(tensor, "isend")
    pg = resolve(group)
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "dst")
    msg = np.concatenate([signature("broadcast", tensor).view(np.uint8),
                          as_bytes(array(tensor))])

    def fn():
        return Pending([pg.comm.Isend(msg, dest=peer, tag=tag)], lambda: None)
    return submit(pg, f"send to rank {pg.ranks[peer]}", fn)


def irecv(tensor, src=None, group=None, tag: int = 0, group_src=None):
    """Start receiving into `tensor` from rank `src` (any rank when None); returns a Work."""
    check_tensor(tensor, "irecv")
    pg = resolve(group)
    if pg is None:
        return None
    MPI = _mpi.mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _peer(pg, src, group_src,
                                                                           "src")
    mine = signature("broadcast", tensor)
    buf = np.empty(SIG * 8 + tensor._data.nbytes, np.uint8)
    status = MPI.Status()

    def then():
        head = buf[:SIG * 8].view(np.int64)
        sender = pg.ranks[status.Get_source()]
        if status.Get_count(MPI.BYTE) != buf.size or (head[4:] != mine[4:]).any():
            raise RuntimeError(
                f"recv: rank {sender} sent a {_describe(head)} but rank {get_rank()} receives "
                f"into a {_describe(mine)}; send and recv tensors must match")
        return sender

    def fn():
        return Pending([pg.comm.Irecv(buf, source=peer, tag=tag)], then, [status])

    def finish(sender):
        write(tensor, buf[SIG * 8:].view(tensor._data.dtype).reshape(tensor.shape))
    work = submit(pg, "recv", fn, finish)
    work._source_rank = lambda: work.result()
    return work


def send(tensor, dst=None, group=None, tag: int = 0, group_dst=None) -> None:
    """Send `tensor` to rank `dst` and wait until it is sent."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag: int = 0, group_src=None) -> int:
    """Receive into `tensor` from rank `src` (any rank when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    return work.result()


class P2POp:
    """One send or receive for `batch_isend_irecv`: ``P2POp(dist.isend, tensor, peer)``."""

    def __init__(self, op, tensor, peer=None, group=None, tag: int = 0, group_peer=None):
        self.op, self.tensor, self.peer, self.group, self.tag = op, tensor, peer, group, tag
        self.group_peer = group_peer


def batch_isend_irecv(p2p_op_list: list) -> list:
    """Start every P2POp of the list; returns their Work objects."""
    works = []
    for p in p2p_op_list:
        if p.op in (isend, send):
            works.append(isend(p.tensor, p.peer, p.group, p.tag, p.group_peer))
        else:
            works.append(irecv(p.tensor, p.peer, p.group, p.tag, p.group_peer))
    return works
