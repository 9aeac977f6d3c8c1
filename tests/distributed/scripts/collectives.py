"""Run under N ranks: every collective against values computed by hand; prints "OK ..."."""
import pickle
from datetime import timedelta

import numpy as np

import tocha as torch
import tocha.distributed as dist


def eq(t, want):
    got = t.numpy() if isinstance(t, torch.Tensor) else t
    assert np.array_equal(got, np.asarray(want)), (got, want)


def reductions(r, n):
    t = torch.tensor([1.0, 2.0]) * (r + 1)
    dist.all_reduce(t)
    s = n * (n + 1) / 2
    eq(t, np.array([s, 2 * s], np.float32))
    for op, want in ((dist.ReduceOp.MAX, n), (dist.ReduceOp.MIN, 1),
                     (dist.ReduceOp.PRODUCT, float(np.prod(np.arange(1, n + 1)))),
                     (dist.ReduceOp.AVG, s / n)):
        t = torch.tensor([r + 1.0], dtype=torch.float64)
        dist.all_reduce(t, op=op)
        eq(t, [want])
    i = torch.tensor([r + 1, 10], dtype=torch.int64)
    dist.all_reduce(i)
    eq(i, [s, 10 * n])
    b = torch.tensor([r == 0, False])
    dist.all_reduce(b)                      # SUM on bool is a logical or
    eq(b, [True, False])
    h = torch.ones(3, dtype=torch.float16)
    dist.all_reduce(h)
    eq(h.float(), [n] * 3)
    x = torch.full((2,), float(r))
    dist.reduce(x, dst=n - 1)
    eq(x, [s - n] * 2 if r == n - 1 else [float(r)] * 2)
    out = torch.zeros(2)
    dist.reduce_scatter(out, [torch.full((2,), float(j + r)) for j in range(n)])
    eq(out, [r * n + s - n] * 2)
    out = torch.zeros(1)
    dist.reduce_scatter_tensor(out, torch.arange(float(n)) + r)
    eq(out, [r * n + s - n])


def movement(r, n):
    t = torch.full((2, 2), float(r))
    dist.broadcast(t, src=n - 1)
    eq(t, np.full((2, 2), n - 1, np.float32))
    lst = [torch.zeros(2, dtype=torch.int32) for _ in range(n)]
    dist.all_gather(lst, torch.full((2,), r, dtype=torch.int32))
    for j, t in enumerate(lst):
        eq(t, [j, j])
    out = torch.zeros(n, 2)
    dist.all_gather_into_tensor(out, torch.full((1, 2), float(r)))
    eq(out, np.repeat(np.arange(n, dtype=np.float32)[:, None], 2, 1))
    gl = [torch.zeros(1) for _ in range(n)] if r == 0 else None
    dist.gather(torch.tensor([r * 2.0]), gl, dst=0)
    if r == 0:
        eq(torch.cat(gl), np.arange(n, dtype=np.float32) * 2)
    o = torch.zeros(2)
    dist.scatter(o, [torch.full((2,), j * 3.0) for j in range(n)] if r == 1 else None, src=1)
    eq(o, [r * 3.0] * 2)
    outs = [torch.zeros(r + 1) for j in range(n)]      # rank j sends r+1 items to rank r
    dist.all_to_all(outs, [torch.full((j + 1,), float(r * 10 + j)) for j in range(n)])
    for j, t in enumerate(outs):
        eq(t, [j * 10.0 + r] * (r + 1))
    o = torch.zeros(n)
    dist.all_to_all_single(o, torch.arange(float(n)) + 10 * r)
    eq(o, np.arange(n) * 10.0 + r)


def point_to_point(r, n):
    if r == 0:
        dist.send(torch.arange(4.0), dst=1)
        w = dist.irecv(x := torch.zeros(2, dtype=torch.int64), src=1, tag=7)
        w.wait()
        eq(x, [5, 6])
    elif r == 1:
        x = torch.zeros(4)
        assert dist.recv(x) == 0
        eq(x, np.arange(4.0))
        dist.isend(torch.tensor([5, 6]), dst=0, tag=7).wait()
    # ranks posting sends before receives in a ring must not deadlock
    if n > 1:
        nxt, prv = (r + 1) % n, (r - 1) % n
        big = torch.full((200_000,), float(r))
        got = torch.zeros(200_000)
        ws = dist.batch_isend_irecv([dist.P2POp(dist.isend, big, nxt),
                                     dist.P2POp(dist.irecv, got, prv)])
        for w in ws:
            w.wait()
        assert float(got[0]) == prv


def objects(r, n):
    objs = [{"rank": r}, "x"] if r == 0 else [None, None]
    dist.broadcast_object_list(objs, src=0)
    assert objs == [{"rank": 0}, "x"], objs
    ol = [None] * n
    dist.all_gather_object(ol, (r, "a" * r))
    assert ol == [(j, "a" * j) for j in range(n)], ol
    gl = [None] * n if r == n - 1 else None
    dist.gather_object({"r": r}, gl, dst=n - 1)
    if r == n - 1:
        assert gl == [{"r": j} for j in range(n)]
    out = [None]
    dist.scatter_object_list(out, [j * j for j in range(n)] if r == 0 else None, src=0)
    assert out == [r * r]
    pickle.dumps(dist.ReduceOp.SUM)


def groups_async_errors(r, n):
    g = dist.new_group([0, 1])
    if r in (0, 1):
        assert dist.get_rank(g) == r and dist.get_world_size(g) == 2
        t = torch.ones(1)
        dist.all_reduce(t, group=g)
        eq(t, [2.0])
    else:
        assert dist.get_rank(g) == -1
    works = [dist.all_reduce(torch.ones(3) * r, async_op=True) for _ in range(3)]
    assert all(w.wait() for w in works)
    w = dist.barrier(async_op=True)
    w.wait()
    assert w.is_completed()
    for bad in (torch.ones(2 + r), torch.ones(2, dtype=torch.float64 if r else torch.float32)):
        try:
            dist.all_reduce(bad)
        except RuntimeError as e:
            assert "differ across ranks" in str(e) and "rank 1" in str(e), e
        else:
            raise AssertionError("mismatched all_reduce did not raise")
    try:
        dist.all_gather([torch.zeros(1)] * (n + r), torch.zeros(1))
    except (ValueError, RuntimeError) as e:
        assert "tensor_list" in str(e) or "invalid arguments" in str(e), e
    else:
        raise AssertionError("bad all_gather list did not raise")
    try:   # different collectives on different ranks: an error, not a hang
        if r == 0:
            dist.broadcast(torch.zeros(1), src=0)
        else:
            dist.all_reduce(torch.zeros(1))
    except RuntimeError as e:
        assert "different collectives" in str(e), e
    else:
        raise AssertionError("mismatched collectives did not raise")
    if r == 1:
        try:
            dist.recv(torch.zeros(3), src=0)
        except RuntimeError as e:
            assert "send and recv tensors must match" in str(e), e
        else:
            raise AssertionError("recv of a wrong shape did not raise")
    elif r == 0:
        dist.send(torch.zeros(2), dst=1)
    dist.barrier()


if __name__ == "__main__":
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    assert dist.is_initialized() and dist.get_backend() == "gloo"
    r, n = dist.get_rank(), dist.get_world_size()
    for part in (reductions, movement, point_to_point, objects, groups_async_errors):
        part(r, n)
        print(f"OK {part.__name__}", flush=True)
    dist.destroy_process_group()
    assert not dist.is_initialized()
