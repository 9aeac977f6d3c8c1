"""Before any data moves, ranks exchange a small signature of the call (which collective, root,
reduction, dtype, shape, local argument errors) so that a mismatch raises the same clear error
on every rank instead of hanging or reducing garbage."""
from __future__ import annotations

import enum

import numpy as np

from ._arrays import dtype_code, dtype_name
from ._work import poll

SIG = 16
_NSHAPE = SIG - 6


class ReduceOp:
    """Reduction operations for `all_reduce`, `reduce`, `reduce_scatter`."""

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8
        UNUSED = 9

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


OPS = ("all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor", "gather",
       "scatter", "reduce_scatter", "reduce_scatter_tensor", "all_to_all", "barrier",
       "broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list",
       "all_to_all_single")


def signature(op: str, t=None, root: int = -1, red: int = -1, bad: bool = False) -> np.ndarray:
    s = np.full(SIG, -1, np.int64)
    s[0], s[1], s[2], s[3] = OPS.index(op), int(bad), root, red
    if t is not None:
        shape = tuple(t.shape)
        s[4], s[5] = dtype_code(t), len(shape)
        if len(shape) <= _NSHAPE:
            s[6:6 + len(shape)] = shape
        else:
            s[6:] = shape[:_NSHAPE - 1] + (hash(shape[_NSHAPE - 1:]),)
    return s


def _describe(row: np.ndarray) -> str:
    if row[4] < 0:
        return "no tensor"
    shape = tuple(int(x) for x in row[6:6 + min(int(row[5]), _NSHAPE)])
    return f"{dtype_name(int(row[4]))} of shape {shape}"


def agree(MPI, comm, sig: np.ndarray, ranks: list[int]) -> None:
    """All-gather `sig`; raise the same RuntimeError on every rank when the rows differ."""
    table = np.empty((comm.Get_size(), SIG), np.int64)
    poll(MPI, [comm.Iallgather(sig, table)])
    if (table == table[0]).all():
        return
    op = OPS[int(sig[0])]
    who = [f"rank {ranks[i]}" for i in range(len(ranks))]
    if (table[:, 0] != table[0, 0]).any():
        calls = ", ".join(f"{w}: {OPS[int(r[0])]}" for w, r in zip(who, table))
        raise RuntimeError(f"{op}: ranks called different collectives ({calls}); every rank "
                           "must call the same collectives in the same order")
    if table[:, 1].any():
        bad = [w for w, r in zip(who, table) if r[1]]
        raise RuntimeError(f"{op}: invalid arguments on {', '.join(bad)} (see the error "
                           "raised there); no rank ran the collective")
    if (table[:, 2] != table[0, 2]).any() or (table[:, 3] != table[0, 3]).any():
        got = ", ".join(f"{w}: root {r[2]}, op {r[3]}" for w, r in zip(who, table))
        raise RuntimeError(f"{op}: ranks disagree on the root rank or the reduction ({got})")
    got = ", ".join(f"{w} has {_describe(r)}" for w, r in zip(who, table))
    raise RuntimeError(f"{op}: tensors differ across ranks ({got}); every rank must pass "
                       "tensors of the same shape and dtype")
