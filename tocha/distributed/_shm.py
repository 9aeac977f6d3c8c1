"""DDP's bucket all-reduce among ranks of one machine, through an MPI shared-memory window.

MPI's own all-reduce moves a large bucket between two processes of one machine with several
copies (into a temporary, the reduction, the copy back: about 3.5 passes over the bucket's
bytes per rank, measured at 6x the CPU time of the scheme below for ResNet-18's 45 MB). When
every rank of the group is on one machine (MPI's ``COMM_TYPE_SHARED`` split says so), the
buckets instead live in an MPI-3 shared-memory window (``MPI_Win_allocate_shared``): each
rank copies its gradients into its own part of the window as before, then, with MPI barriers
between the phases (and ``MPI_Win_sync`` for memory ordering, as the MPI standard asks):

1. every rank has written its buckets;
2. rank r sums slice r of every bucket over all ranks' copies, into its own copy;
3. every rank copies the other ranks' summed slices into its own copy, or, when DDP copies
   the gradients out of the buckets anyway (without ``gradient_as_bucket_view``), straight
   from their owners' copies into ``param.grad``.

MPI still does all the coordination; NumPy does the additions. The third barrier, which keeps
a rank from overwriting its copy while another still reads it, is waited for lazily, before
the next write (``before_write``). ``TOCHA_DDP_SHM=0`` turns this off (MPI's all-reduce).
"""
from __future__ import annotations

import os

import numpy as np

__all__ = ["ShmBuckets", "usable"]


def usable(comm, MPI, dtypes: list, nbytes: int) -> bool:
    """True when every rank of `comm` shares this machine's memory and /dev/shm has room for
    all their buckets (`nbytes` each); the same answer on every rank."""
    if os.environ.get("TOCHA_DDP_SHM", "1") == "0" or comm.Get_size() < 2:
        ok = 0
    else:
        node = comm.Split_type(MPI.COMM_TYPE_SHARED)
        ok = int(node.Get_size() == comm.Get_size())
        node.Free()
    ok = int(ok and all(np.dtype(d.np) in (np.float32, np.float64) for d in dtypes))
    if ok and os.path.isdir("/dev/shm"):
        # MPICH maps the window from /dev/shm: a container's small one (64 MB by default in
        # Docker) would fail when the pages are touched, so such a machine uses MPI's path
        st = os.statvfs("/dev/shm")
        ok = int(st.f_bavail * st.f_frsize > 1.25 * nbytes * comm.Get_size() + (64 << 20))
    return bool(comm.allreduce(ok, op=MPI.MIN))    # one answer for all ranks


class ShmBuckets:
    """Every rank's copy of each bucket in one shared window; `reduce(wait)` sums them."""

    def __init__(self, comm, MPI, sizes: list[tuple[int, object]]) -> None:
        self.comm, self.MPI = comm, MPI
        self.rank, self.p = comm.Get_rank(), comm.Get_size()
        offsets, total = [], 0
        for n, dt in sizes:
            offsets.append(total)
            total += -(-n * np.dtype(dt).itemsize // 64) * 64    # 64-byte aligned buckets
        self.win = MPI.Win.Allocate_shared(max(total, 64), 1, comm=comm)
        self.win.Lock_all(MPI.MODE_NOCHECK)
        self.copies = []             # copies[k][b]: rank k's bucket b
        for k in range(self.p):
            mem, _ = self.win.Shared_query(k)
            buf = np.frombuffer(mem, np.uint8)
            self.copies.append([buf[o:o + n * np.dtype(dt).itemsize].view(dt)
                                for o, (n, dt) in zip(offsets, sizes)])
        self.released = None         # the barrier after which no rank reads our copy

    def mine(self) -> list[np.ndarray]:
        return self.copies[self.rank]

    def before_write(self, wait) -> None:
        """Wait until no other rank still reads this rank's copy (the last `reduce`)."""
        if self.released is not None:
            wait([self.released])
            self.released = None

    def reduce(self, wait, buckets: list[int], gather: bool = True) -> None:
        """Sum `buckets` over the ranks; `wait(reqs)` drives MPI. With `gather`, into every
        rank's copy; without, slice k stays summed in rank k's copy only (`read`). Either
        way `done_reading()` must follow."""
        r, p, mine = self.rank, self.p, self.copies[self.rank]
        self._barrier(wait)
        for b in buckets:
            n = mine[b].size
            acc = mine[b][r * n // p:(r + 1) * n // p]
            for k in range(p):
                if k != r:
                    np.add(acc, self.copies[k][b][r * n // p:(r + 1) * n // p], out=acc)
        self._barrier(wait)
        if gather:
            for b in buckets:
                n = mine[b].size
                for k in range(p):
                    if k != r:
                        lo, hi = k * n // p, (k + 1) * n // p
                        np.copyto(mine[b][lo:hi], self.copies[k][b][lo:hi])

    def read(self, b: int, off: int, out: np.ndarray) -> None:
        """Summed bucket `b` at [off, off + out.size) into `out`, from the slices' owners."""
        n, p, end = self.copies[0][b].size, self.p, off + out.size
        for k in range(p):
            lo, hi = max(off, k * n // p), min(end, (k + 1) * n // p)
            if lo < hi:
                np.copyto(out[lo - off:hi - off], self.copies[k][b][lo:hi])

    def done_reading(self) -> None:
        """This rank reads no other rank's copy any more (they may write once all say so)."""
        assert self.released is None, "done_reading() twice without before_write()"
        self.win.Sync()
        self.released = self.comm.Ibarrier()

    def _barrier(self, wait) -> None:
        self.win.Sync()              # our writes visible before the others pass the barrier
        wait([self.comm.Ibarrier()])
        self.win.Sync()              # and theirs to us after it

    def free(self, wait) -> None:
        """Release the window (collective: every rank calls it at the same point)."""
        self.before_write(wait)
        self.win.Unlock_all()
        self.win.Free()
