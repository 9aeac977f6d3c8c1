"""All-reduces for DistributedDataParallel's gradient buckets, posted from the caller's thread.

A Python communication thread would compete with autograd for the GIL at every hand-off (and
on a loaded machine lose milliseconds per step), so DDP posts each bucket's non-blocking
MPI all-reduce itself, on a private duplicate of the group's communicator (its order cannot
clash with other collectives), and drives MPI's progress from each later gradient hook; the
last hook of the backward waits for the rest. Every rank builds the same buckets, so the
calls match without the signature exchange of the public collectives.
"""
from __future__ import annotations

import numpy as np

from . import _mpi
from ._group import resolve, submit
from ._work import _local, poll

__all__ = ["BucketComm", "copy_scaled", "scale_"]


def copy_scaled(dst, src, scale: float) -> None:
    """``dst = src * scale`` in one pass over memory (a gradient into its bucket, already
    divided by the world size), with no autograd bookkeeping; dst is a bucket's view."""
    if scale == 1.0:
        np.copyto(dst._data, src._data)
    else:
        np.multiply(src._data, scale, out=dst._data)


def scale_(t, scale: float) -> None:
    """``t *= scale`` in place (a gradient already accumulated into its bucket view)."""
    if scale != 1.0:
        np.multiply(t._data, scale, out=t._data)


class BucketComm:
    """Sum-all-reduces of DDP's buckets, in place, started now, finished by `wait()`;
    `progress()` lets MPI move data meanwhile. On one machine the buckets live in an MPI
    shared-memory window and `wait()` sums them there (see _shm.py)."""

    def __init__(self, group=None) -> None:
        self.pg = resolve(group)
        self.MPI = _mpi.mpi()
        self.comm = submit(self.pg, "DistributedDataParallel (communicator)",
                           lambda: self.pg.comm.Dup(), sync=True).result()
        self.reqs: list = []
        self.shm = self.old_shm = None
        self.flats: list = []
        self.shm_pending: list[int] = []

    def buffers(self, sizes: list[tuple[int, object]]) -> list:
        """Zeroed flat tensors for buckets of (numel, tocha dtype); collective (every rank,
        the same sizes). The previous ones stay valid until `release_old()`."""
        from .. import _creation as C
        from ._shm import ShmBuckets, usable
        self.old_shm = self.shm
        nbytes = sum(n * dt.itemsize for n, dt in sizes)
        if usable(self.comm, self.MPI, [dt for _, dt in sizes], nbytes):
            self.shm = ShmBuckets(self.comm, self.MPI, [(n, dt.np) for n, dt in sizes])
            for a in self.shm.mine():
                a.fill(0)
            self.flats = [C.from_numpy(a) for a in self.shm.mine()]
        else:
            self.shm = None
            self.flats = [C.zeros(n, dtype=dt) for n, dt in sizes]
        return self.flats

    def release_old(self) -> None:
        if self.old_shm is not None:
            self.old_shm.free(self._waiter("DistributedDataParallel bucket rebuild"))
            self.old_shm = None

    def start_bucket(self, b: int) -> None:
        """Start summing bucket `b` (of `buffers()`) over the ranks; untouched until `wait()`."""
        if self.shm is not None:
            self.shm_pending.append(b)
        else:
            self.start(self.flats[b])

    def before_write(self) -> None:
        """Call before writing into the buckets again (another rank may still read them)."""
        if self.shm is not None:
            self.shm.before_write(self._waiter("DistributedDataParallel bucket hand-off"))

    def start(self, flat) -> None:
        """All-reduce (sum) `flat` in place; it must stay untouched until `wait()`."""
        arr = flat._data
        if not arr.flags.c_contiguous or arr.dtype.kind != "f" or arr.dtype.itemsize < 4:
            raise TypeError(f"BucketComm: needs a contiguous float32/float64 tensor, got "
                            f"{arr.dtype}")
        self.reqs.append(self.comm.Iallreduce(self.MPI.IN_PLACE, arr, op=self.MPI.SUM))

    def broadcast_ints(self, values: list[int]) -> list[int]:
        """Rank 0's `values` on every rank (each rank passes a list of the same length)."""
        arr = np.asarray(values, dtype=np.int64)
        self.reqs.append(self.comm.Ibcast(arr, root=0))
        self.wait("DistributedDataParallel bucket order broadcast")
        return arr.tolist()

    def broadcast_buffers(self, tensors: list) -> None:
        """Rank 0's values of `tensors` (module buffers, the same list on every rank) into
        them on every rank: one message of bytes (any dtype; bfloat16 has no MPI datatype)
        and no per-call signature exchange (construction checked the ranks' buffers)."""
        arrays = [t._data for t in tensors]
        flat = np.empty(sum(a.nbytes for a in arrays), np.uint8)
        root = self.comm.Get_rank() == 0
        if root:
            off = 0
            for a in arrays:
                flat[off:off + a.nbytes] = np.ascontiguousarray(a).reshape(-1).view(np.uint8)
                off += a.nbytes
        self.reqs.append(self.comm.Ibcast(flat, root=0))
        self.wait("DistributedDataParallel buffer broadcast")
        if not root:
            off = 0
            for a in arrays:
                a[...] = flat[off:off + a.nbytes].view(a.dtype).reshape(a.shape)
                off += a.nbytes

    def progress(self) -> None:
        if self.reqs and self.MPI.Request.Testall(self.reqs):
            self.reqs = []

    def wait(self, what: str = "DistributedDataParallel gradient all-reduce",
             gather: bool = True) -> None:
        """Finish every started request and bucket (at most the group's timeout). With
        `gather=False` a shared-memory bucket's summed slices stay with the ranks that
        summed them: read them with `read_summed`, then call `done_reading()`."""
        waiter = self._waiter(what)
        if self.reqs:
            waiter(self.reqs)
            self.reqs = []
        if self.shm_pending:
            pending, self.shm_pending = self.shm_pending, []
            self.shm.reduce(waiter, pending, gather)

    def read_summed(self, b: int, off: int, like, out=None):
        """The summed values of bucket `b` at [off, off + like.numel()) shaped like `like`:
        written into `out` when given (and contiguous), else into a new tensor."""
        from .. import _creation as C
        n = like._data.size
        if out is not None and out._data.flags.c_contiguous and out._data.size == n:
            self.shm.read(b, off, out._data.reshape(-1))
            return out
        arr = np.empty(n, like._data.dtype)
        self.shm.read(b, off, arr)
        if out is not None:
            out.copy_(C.from_numpy(arr).view(like.shape))
            return out
        return C.from_numpy(arr).view(like.shape)

    def done_reading(self) -> None:
        if self.shm is not None:
            self.shm.done_reading()

    def _waiter(self, what: str):
        def wait_for(reqs: list) -> None:
            import time
            _local.deadline = (time.perf_counter() + self.pg.timeout, what, self.pg.timeout)
            try:
                # short spin: here a rank mostly waits for a slower rank's backward, and
                # spinning would take the core that rank needs
                poll(self.MPI, reqs, spin=5e-4)
            finally:
                _local.deadline = None
        return wait_for
