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
    """Sum-all-reduces of contiguous float tensors, in place, started now, finished by
    `wait()`; `progress()` lets MPI move data meanwhile."""

    def __init__(self, group=None) -> None:
        self.pg = resolve(group)
        self.MPI = _mpi.mpi()
        self.comm = submit(self.pg, "DistributedDataParallel (communicator)",
                           lambda: self.pg.comm.Dup(), sync=True).result()
        self.reqs: list = []

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

    def progress(self) -> None:
        if self.reqs and self.MPI.Request.Testall(self.reqs):
            self.reqs = []

    def wait(self, what: str = "DistributedDataParallel gradient all-reduce") -> None:
        """Finish every started request (at most the group's timeout)."""
        if not self.reqs:
            return
        import time
        _local.deadline = (time.perf_counter() + self.pg.timeout, what, self.pg.timeout)
        try:
            # short spin: here a rank mostly waits for a slower rank's backward, and spinning
            # would take the core that rank needs
            poll(self.MPI, self.reqs, spin=5e-4)
        finally:
            _local.deadline = None
        self.reqs = []
