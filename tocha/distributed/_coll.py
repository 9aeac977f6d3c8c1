"""Tensor collectives on a process group: all_reduce, broadcast, gathers, scatters, all_to_all.

Each call checks its arguments locally, agrees with the other ranks on a signature (see
`_agree`), then runs one non-blocking MPI collective on the communication thread. With
``async_op=True`` it returns a `Work`; its ``wait()`` writes the result into the tensors.
"""
from __future__ import annotations

import numpy as np

from . import _mpi
from ._agree import ReduceOp, agree, signature
from ._arrays import array, as_bytes, check_tensor, in_place, reducible, touched, write
from ._group import resolve, submit
from ._work import poll

__all__ = [
    "ReduceOp",
    "all_gather",
    "all_gather_into_tensor",
    "all_reduce",
    "all_to_all",
    "all_to_all_single",
    "barrier",
    "broadcast",
    "gather",
    "reduce",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
]

_MPI_OPS = {"sum": "SUM", "product": "PROD", "min": "MIN", "max": "MAX", "band": "BAND",
            "bor": "BOR", "bxor": "BXOR"}


def _opname(op) -> str:
    try:
        name = ReduceOp.RedOpType(int(op)).name.lower()
    except (ValueError, TypeError):
        raise ValueError(f"unknown reduction {op!r}; use dist.ReduceOp.SUM/AVG/PRODUCT/MIN/"
                         "MAX/BAND/BOR/BXOR") from None
    if name in ("premul_sum", "unused"):
        raise ValueError(f"ReduceOp.{name.upper()} is not supported by tocha's MPI backend")
    return name


def _root(pg, rank, group_rank, what: str) -> int:
    """Group rank of a root given as a global rank (`src`/`dst`) or as `group_src/dst`."""
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both {what} and group_{what}")
        r = group_rank
    else:
        r = 0 if rank is None else rank
        if r not in pg.ranks:
            raise ValueError(f"{what}={r} is not a rank of the group {pg.ranks}")
        r = pg.ranks.index(r)
    if not 0 <= r < pg.size():
        raise ValueError(f"group_{what}={r} is out of range for a group of size {pg.size()}")
    return r


def _run(op, pg, tensor, start, finish=None, root=-1, red=-1, error=None, async_op=False):
    """Agree on the call across ranks, run `start(MPI, comm)` on the communication thread,
    `finish(result)` when waited on; raise `error` (a local argument error) on this rank."""
    MPI = _mpi.mpi()
    sig = signature(op, tensor, root, red, bad=error is not None)

    def fn():
        agree(MPI, pg.comm, sig, pg.ranks)
        return start(MPI, pg.comm)

    work = submit(pg, op, fn, finish, sync=not async_op)
    if error is not None:
        try:
            work.wait()
        except RuntimeError:
            pass
        raise error
    if async_op:
        return work
    work.wait()
    return None


def _reduce_arrays(a: np.ndarray, opname: str, n: int):
    """(typed buffer, MPI op name, result maker) for a reduction of `a` with `opname`."""
    if opname in ("band", "bor", "bxor") and a.dtype.kind == "f":
        raise RuntimeError(f"ReduceOp.{opname.upper()} needs an integer or bool tensor, "
                           f"got {a.dtype}")
    buf, mop = reducible(a, "sum" if opname == "avg" else opname)

    def result(out: np.ndarray) -> np.ndarray:
        if opname == "avg":
            out = out / n if a.dtype.kind in "fc" else out // n
        return out.astype(a.dtype, copy=False)
    return buf, _MPI_OPS[mop], result


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce `tensor` over all ranks of `group`; every rank gets the result in place.

    Example::

        t = torch.tensor([float(dist.get_rank())])
        dist.all_reduce(t)            # t == 0 + 1 + ... + (world_size - 1) on every rank
    """
    check_tensor(tensor, "all_reduce")
    pg = resolve(group)
    if pg is None:
        return None
    name = _opname(op)
    a = array(tensor)
    err = None
    try:
        buf, mop, result = _reduce_arrays(a, name, pg.size())
    except RuntimeError as e:
        err, buf, mop, result = e, a, "SUM", None
    mem = in_place(tensor) if buf is tensor._data else None
    if mem is not None:   # straight into the tensor: no buffer, no copy back
        def start(MPI, comm):
            poll(MPI, [comm.Iallreduce(MPI.IN_PLACE, mem, op=getattr(MPI, mop))])

        def finish(_):
            if name == "avg":
                np.copyto(mem, result(mem))
            touched(tensor)
        return _run("all_reduce", pg, tensor, start, finish, red=int(op), error=err,
                    async_op=async_op)

    def start(MPI, comm):
        out = np.empty_like(buf)
        poll(MPI, [comm.Iallreduce(buf, out, op=getattr(MPI, mop))])
        return out
    return _run("all_reduce", pg, tensor, start, lambda out: write(tensor, result(out)),
                red=int(op), error=err, async_op=async_op)


def broadcast(tensor, src=None, group=None, async_op: bool = False, group_src=None):
    """Copy `tensor` of rank `src` into `tensor` on every rank of `group`."""
    check_tensor(tensor, "broadcast")
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    mem = tensor._data if tensor._data.flags.c_contiguous and tensor._data.flags.writeable \
        else None
    a = mem if mem is not None else np.array(tensor._data, copy=True, order="C")

    def start(MPI, comm):
        poll(MPI, [comm.Ibcast(as_bytes(a), root=root)])
        return a
    if pg.rank() == root:
        fin = None
    elif mem is not None:
        fin = lambda out: touched(tensor)
    else:
        fin = lambda out: write(tensor, out)
    return _run("broadcast", pg, tensor, start, fin, root=root, async_op=async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op: bool = False,
           group_dst=None):
    """Reduce `tensor` over `group` into `tensor` on rank `dst` (others keep theirs)."""
    check_tensor(tensor, "reduce")
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    buf, mop, result = _reduce_arrays(array(tensor), _opname(op), pg.size())
    mine = pg.rank() == root

    def start(MPI, comm):
        out = np.empty_like(buf) if mine else None
        poll(MPI, [comm.Ireduce(buf, out, op=getattr(MPI, mop), root=root)])
        return out
    fin = (lambda out: write(tensor, result(out))) if mine else None
    return _run("reduce", pg, tensor, start, fin, root=root, red=int(op), async_op=async_op)


def _check_list(tensors, like, n: int, op: str, what: str):
    """None, or a ValueError when `tensors` is not n tensors shaped and typed like `like`."""
    if not isinstance(tensors, (list, tuple)) or len(tensors) != n:
        got = len(tensors) if isinstance(tensors, (list, tuple)) else type(tensors).__name__
        return ValueError(f"{op}: {what} must be a list of {n} tensors (the group size), "
                          f"got {got}")
    for i, t in enumerate(tensors):
        check_tensor(t, op, f"{what}[{i}]")
        if tuple(t.shape) != tuple(like.shape) or t.dtype != like.dtype:
            return ValueError(f"{op}: {what}[{i}] is {t.dtype} {tuple(t.shape)} but the "
                              f"tensor is {like.dtype} {tuple(like.shape)}; they must match")
    return None


def _scatter_into(tensors, out: np.ndarray) -> None:
    for t, part in zip(tensors, out.reshape(len(tensors), -1)):
        write(t, part.view(t._data.dtype).reshape(t.shape))


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """Every rank gets every rank's `tensor`: ``tensor_list[i]`` = rank i's tensor."""
    check_tensor(tensor, "all_gather")
    pg = resolve(group)
    if pg is None:
        return None
    err = _check_list(tensor_list, tensor, pg.size(), "all_gather", "tensor_list")
    a = as_bytes(array(tensor))

    def start(MPI, comm):
        out = np.empty((comm.Get_size(), a.size), np.uint8)
        poll(MPI, [comm.Iallgather(a, out)])
        return out
    return _run("all_gather", pg, tensor, start, lambda out: _scatter_into(tensor_list, out),
                error=err, async_op=async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """Like `all_gather`, into one tensor: rank i's input at ``output[i * n:(i + 1) * n]``
    along dim 0 (output shape (world * d0, ...) or (world, d0, ...))."""
    check_tensor(input_tensor, "all_gather_into_tensor", "input_tensor")
    check_tensor(output_tensor, "all_gather_into_tensor", "output_tensor")
    pg = resolve(group)
    if pg is None:
        return None
    err = None
    if (output_tensor.numel() != pg.size() * input_tensor.numel()
            or output_tensor.dtype != input_tensor.dtype):
        err = ValueError(
            f"all_gather_into_tensor: output_tensor must hold world_size ({pg.size()}) x the "
            f"input: got output {output_tensor.dtype} {tuple(output_tensor.shape)}, input "
            f"{input_tensor.dtype} {tuple(input_tensor.shape)}")
    a = as_bytes(array(input_tensor))

    def start(MPI, comm):
        out = np.empty(comm.Get_size() * a.size, np.uint8)
        poll(MPI, [comm.Iallgather(a, out)])
        return out

    def finish(out):
        write(output_tensor, out.view(input_tensor._data.dtype).reshape(output_tensor.shape))
    return _run("all_gather_into_tensor", pg, input_tensor, start, finish, error=err,
                async_op=async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op: bool = False,
           group_dst=None):
    """Rank `dst` gets every rank's `tensor` in ``gather_list`` (None on the other ranks)."""
    check_tensor(tensor, "gather")
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    mine = pg.rank() == root
    err = _check_list(gather_list, tensor, pg.size(), "gather", "gather_list") if mine else None
    a = as_bytes(array(tensor))

    def start(MPI, comm):
        out = np.empty((comm.Get_size(), a.size), np.uint8) if mine else None
        poll(MPI, [comm.Igather(a, out, root=root)])
        return out
    fin = (lambda out: _scatter_into(gather_list, out)) if mine else None
    return _run("gather", pg, tensor, start, fin, root=root, error=err, async_op=async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op: bool = False,
            group_src=None):
    """Rank i receives ``scatter_list[i]`` of rank `src` into `tensor`."""
    check_tensor(tensor, "scatter")
    pg = resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    mine = pg.rank() == root
    err = (_check_list(scatter_list, tensor, pg.size(), "scatter", "scatter_list")
           if mine else None)
    send = (np.concatenate([as_bytes(array(t)) for t in scatter_list])
            if mine and err is None else None)
    nbytes = tensor._data.nbytes

    def start(MPI, comm):
        out = np.empty(nbytes, np.uint8)
        poll(MPI, [comm.Iscatter(send, out, root=root)])
        return out

    def finish(out):
        write(tensor, out.view(tensor._data.dtype).reshape(tensor.shape))
    return _run("scatter", pg, tensor, start, finish, root=root, error=err, async_op=async_op)


def _reduce_scatter(op_name, output, flat: np.ndarray, op, pg, err, async_op):
    name = _opname(op)
    buf, mop, result = _reduce_arrays(flat, name, pg.size())

    def start(MPI, comm):
        out = np.empty(buf.size // comm.Get_size(), buf.dtype)
        poll(MPI, [comm.Ireduce_scatter_block(buf, out, op=getattr(MPI, mop))])
        return out

    def finish(out):
        write(output, result(out).reshape(output.shape))
    return _run(op_name, pg, output, start, finish, red=int(op), error=err, async_op=async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``input_list[i]`` over the ranks into `output` of rank i."""
    check_tensor(output, "reduce_scatter", "output")
    pg = resolve(group)
    if pg is None:
        return None
    err = _check_list(input_list, output, pg.size(), "reduce_scatter", "input_list")
    flat = (np.concatenate([array(t).reshape(-1) for t in input_list]) if err is None
            else np.zeros(pg.size() * output.numel(), output._data.dtype))
    return _reduce_scatter("reduce_scatter", output, flat, op, pg, err, async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce `input` (world_size x output's size along dim 0) and scatter: rank i gets
    the reduced i-th chunk in `output`."""
    check_tensor(output, "reduce_scatter_tensor", "output")
    check_tensor(input, "reduce_scatter_tensor", "input")
    pg = resolve(group)
    if pg is None:
        return None
    err = None
    if input.numel() != pg.size() * output.numel() or input.dtype != output.dtype:
        err = ValueError(f"reduce_scatter_tensor: input must hold world_size ({pg.size()}) x "
                         f"the output: got input {input.dtype} {tuple(input.shape)}, output "
                         f"{output.dtype} {tuple(output.shape)}")
        flat = np.zeros(pg.size() * output.numel(), output._data.dtype)
    else:
        flat = array(input).reshape(-1)
    return _reduce_scatter("reduce_scatter_tensor", output, flat, op, pg, err, async_op)


def _alltoallv(MPI, comm, chunks: list, recv_sizes: list, ranks: list[int]):
    """Exchange byte chunks; check first that rank j sends me what I expect from j."""
    n = comm.Get_size()
    sent = np.array([c.size for c in chunks], np.int64)
    got = np.empty(n, np.int64)
    poll(MPI, [comm.Ialltoall(sent, got)])
    want = np.array(recv_sizes, np.int64)
    bad = np.array([int((got != want).any())], np.int64)
    anybad = np.empty(1, np.int64)
    poll(MPI, [comm.Iallreduce(bad, anybad, op=MPI.MAX)])
    if anybad[0]:
        raise RuntimeError(
            f"all_to_all: sizes disagree across ranks: on rank {ranks[comm.Get_rank()]} the "
            f"other ranks send {got.tolist()} bytes but the outputs hold {want.tolist()}; "
            "output_tensor_list[j] must match what rank j sends")
    sbuf = np.concatenate(chunks) if chunks else np.empty(0, np.uint8)
    rbuf = np.empty(int(want.sum()), np.uint8)
    sd = np.concatenate([[0], np.cumsum(sent)[:-1]])
    rd = np.concatenate([[0], np.cumsum(want)[:-1]])
    poll(MPI, [comm.Ialltoallv([sbuf, (sent, sd), MPI.BYTE], [rbuf, (want, rd), MPI.BYTE])])
    return np.split(rbuf, np.cumsum(want)[:-1])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op: bool = False):
    """Rank i sends ``input_tensor_list[j]`` to rank j, which receives it in
    ``output_tensor_list[i]``."""
    pg = resolve(group)
    if pg is None:
        return None
    n = pg.size()
    for what, lst in (("output_tensor_list", output_tensor_list),
                      ("input_tensor_list", input_tensor_list)):
        if not isinstance(lst, (list, tuple)) or len(lst) != n:
            raise ValueError(f"all_to_all: {what} must be a list of {n} tensors")
        for i, t in enumerate(lst):
            check_tensor(t, "all_to_all", f"{what}[{i}]")
    dt = input_tensor_list[0].dtype
    err = None
    if any(t.dtype != dt for t in list(input_tensor_list) + list(output_tensor_list)):
        err = ValueError("all_to_all: all input and output tensors must have one dtype")
    chunks = [as_bytes(array(t)) for t in input_tensor_list]
    sizes = [t._data.nbytes for t in output_tensor_list]

    def start(MPI, comm):
        return _alltoallv(MPI, comm, chunks, sizes, pg.ranks)

    def finish(parts):
        for t, p in zip(output_tensor_list, parts):
            write(t, p.view(t._data.dtype).reshape(t.shape))
    return _run("all_to_all", pg, input_tensor_list[0], start, finish, error=err,
                async_op=async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op: bool = False):
    """`all_to_all` on one tensor split along dim 0 (equal chunks unless sizes are given)."""
    pg = resolve(group)
    if pg is None:
        return None
    n = pg.size()
    ins = list(input.split(list(input_split_sizes) if input_split_sizes else
                           input.shape[0] // n))
    outs = list(output.split(list(output_split_sizes) if output_split_sizes else
                             output.shape[0] // n))
    return all_to_all(outs, ins, group=group, async_op=async_op)


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every rank of `group` reaches the barrier."""
    pg = resolve(group)
    if pg is None:
        return None

    def start(MPI, comm):
        poll(MPI, [comm.Ibarrier()])
    return _run("barrier", pg, None, start, async_op=async_op)
