"""Run under N ranks: DDP's broadcast, no_sync, find_unused_parameters, broadcast_buffers,
overlap, state_dict, and DistributedSampler + DataLoader workers; prints "OK ..."."""
import copy
import os
import sys

import numpy as np

import tocha as torch
import tocha.distributed as dist
from tocha import nn
from tocha.nn.parallel import DistributedDataParallel as DDP
from tocha.utils.data import DataLoader, DistributedSampler, TensorDataset


def same_everywhere(t):
    got = [None] * dist.get_world_size()
    dist.all_gather_object(got, t.detach().numpy().tolist())
    return all(g == got[0] for g in got)


def construction_and_state(r, n):
    torch.manual_seed(r)
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    m[1].running_mean.fill_(float(r))
    ddp = DDP(m)
    assert same_everywhere(m[0].weight) and same_everywhere(m[1].running_mean)
    assert float(m[1].running_mean[0]) == 0.0          # rank 0's buffer
    keys = list(ddp.state_dict())
    assert keys[0] == "module.0.weight" and "module.1.running_mean" in keys, keys
    plain = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    plain.load_state_dict({k[len("module."):]: v for k, v in ddp.state_dict().items()})
    assert ddp.module is m
    m[1].running_mean.fill_(float(r + 5))               # broadcast_buffers: rank 0's wins
    ddp.eval()                                          # (training would update them locally)
    ddp(torch.randn(4, 3))
    assert same_everywhere(m[1].running_mean)


def no_sync(r, n):
    torch.manual_seed(0)
    m = nn.Linear(2, 1, bias=False)
    ddp = DDP(m)
    xs = [torch.tensor([[float(r + 1), 1.0]]), torch.tensor([[2.0, float(r)]])]
    with ddp.no_sync():
        ddp(xs[0]).sum().backward()
    local = m.weight.grad.clone()
    assert not same_everywhere(local)                  # no communication inside no_sync
    ddp(xs[1]).sum().backward()
    # grads accumulated over both micro-batches, then averaged over the ranks
    want = np.mean([[j + 1 + 2.0, 1.0 + j] for j in range(n)], axis=0)
    assert np.allclose(m.weight.grad.numpy()[0], want), (m.weight.grad, want)


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 1)
        self.b = nn.Linear(2, 1)
        self.never = nn.Linear(2, 1)

    def forward(self, x, use_b):
        return self.a(x) + (self.b(x) if use_b else 0)


def unused(r, n):
    torch.manual_seed(0)
    m = TwoHeads()
    ddp = DDP(m, find_unused_parameters=True)
    ddp(torch.ones(1, 2), use_b=(r == 0)).sum().backward()   # b used on rank 0 only
    assert m.never.weight.grad is None                     # unused everywhere: untouched
    assert np.allclose(m.b.weight.grad.numpy(), 1.0 / n)   # averaged with zeros
    assert np.allclose(m.a.weight.grad.numpy(), 1.0)
    ddp(torch.ones(1, 2), use_b=True)           # a forward without backward is fine,
    m.zero_grad()
    ddp(torch.ones(1, 2), use_b=(r == 1)).sum().backward()   # and the next step still syncs
    assert np.allclose(m.b.weight.grad.numpy(), 1.0 / n)
    ddp2 = DDP(TwoHeads())
    ddp2(torch.ones(1, 2), use_b=True).sum().backward()
    try:
        ddp2(torch.ones(1, 2), use_b=True)
    except RuntimeError as e:
        assert "Expected to have finished reduction" in str(e) and "never" in str(e), e
    else:
        raise AssertionError("an unused parameter without find_unused_parameters passed")


def overlap(r, n):
    torch.manual_seed(0)
    m = nn.Sequential(*[nn.Linear(64, 64) for _ in range(6)])
    ddp = DDP(m, bucket_cap_mb=64 * 65 * 4 / 2**20)       # one layer per bucket
    started = []
    # the first layer's weight gets its gradient last: by then the later layers' buckets
    # must already be on the wire
    m[0].weight.register_hook(lambda g: started.append(len(ddp._reducer.works)))
    ddp(torch.randn(8, 64)).sum().backward()
    assert len(ddp._reducer.buckets) >= 6 and started and started[0] >= 4, started
    assert same_everywhere(m[0].weight.grad)


class Reversed(nn.Module):
    """Registered a, b; run b then a: backward readies a's gradients before b's."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        return self.a(torch.tanh(self.b(x)))


def rebuild_in_ready_order(r, n):
    torch.manual_seed(0)
    m = Reversed()
    ddp = DDP(m, bucket_cap_mb=1e-6)                      # one parameter per bucket
    params = list(m.parameters())
    assert [b for b in ddp._reducer.buckets] == [[3], [2], [1], [0]]   # reverse at first
    ready = []
    for i, p in enumerate(params):
        p.register_post_accumulate_grad_hook(lambda _, i=i: ready.append(i))
    x = torch.randn(2, 4) + r
    ddp(x).sum().backward()
    first = [p.grad.clone() for p in params]
    m.zero_grad()
    ddp(x).sum().backward()                    # this forward rebuilt the buckets
    assert [i for b in ddp._reducer.buckets for i in b] == ready[:4], (ddp._reducer.buckets,
                                                                      ready)
    assert ready[:2] != [3, 2] and sorted(ready[:2]) == [0, 1], ready
    for p, g in zip(params, first):            # same averaged gradients after the rebuild
        assert torch.allclose(p.grad, g) and same_everywhere(p.grad)


def bucket_view(r, n):
    torch.manual_seed(0)
    views = Reversed()
    torch.manual_seed(0)
    plain = Reversed()
    dv = DDP(views, gradient_as_bucket_view=True, bucket_cap_mb=1e-4)
    dp = DDP(plain, bucket_cap_mb=1e-4)
    opt = torch.optim.SGD(views.parameters(), lr=0.1)
    red = dv._reducer
    for step, set_to_none in enumerate((True, True, False, False)):
        x = torch.randn(3, 4) * (r + 1)
        opt.zero_grad(set_to_none=set_to_none)
        plain.zero_grad(set_to_none=set_to_none)
        dv(x).pow(2).sum().backward()
        dp(x).pow(2).sum().backward()
        for i, (pv, pp) in enumerate(zip(views.parameters(), plain.parameters())):
            assert pv.grad is red.views[i], step               # a view of its bucket
            assert torch.allclose(pv.grad, pp.grad, atol=1e-6), (step, pv.grad, pp.grad)
            assert same_everywhere(pv.grad)
        with torch.no_grad():
            for pv, pp in zip(views.parameters(), plain.parameters()):
                pp.copy_(pv - 0.1 * pv.grad)
        opt.step()
    opt.zero_grad(set_to_none=False)
    with dv.no_sync():                                 # accumulates in the bucket, locally
        dv(torch.ones(1, 4) * r).sum().backward()
    dv(torch.ones(1, 4)).sum().backward()
    want = sum(torch.ones(1, 4) * j for j in range(n)) / n
    g = views.b.weight.grad
    assert g is red.views[2] and same_everywhere(g)
    plain.zero_grad()
    with dp.no_sync():
        dp(torch.ones(1, 4) * r).sum().backward()
    dp(torch.ones(1, 4)).sum().backward()
    assert torch.allclose(g, plain.b.weight.grad, atol=1e-6) and want.shape == (1, 4)


def shared_memory(r, n):
    # ranks of one machine sum buckets in an MPI shared-memory window (TOCHA_DDP_SHM=0: MPI's
    # all-reduce); either way the public all_reduce of the local gradients is the oracle
    expect = os.environ.get("TOCHA_DDP_SHM", "1") != "0"
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3)).double()
    ddp = DDP(m, bucket_cap_mb=1e-4)
    assert (ddp._reducer.comm.shm is not None) == expect, ddp._reducer.comm.shm
    ref = copy.deepcopy(m)
    for step in range(3):                       # the second forward rebuilds the buckets
        x = torch.randn(4, 5, dtype=torch.float64) * (r + 1)
        m.zero_grad()
        ref.zero_grad()
        ddp(x).pow(2).sum().backward()
        ref(x).pow(2).sum().backward()
        for p, q in zip(m.parameters(), ref.parameters()):
            dist.all_reduce(q.grad)
            assert torch.allclose(p.grad, q.grad / n, rtol=1e-12, atol=1e-12), step
            assert same_everywhere(p.grad)


def sampler_loader(r, n):
    ds = TensorDataset(torch.arange(24))
    sampler = DistributedSampler(ds, shuffle=True, seed=3)
    loader = DataLoader(ds, batch_size=4, sampler=sampler, num_workers=2)
    sampler.set_epoch(1)
    mine = [int(v) for (b,) in loader for v in b]
    got = [None] * n
    dist.all_gather_object(got, mine)
    flat = sorted(v for g in got for v in g)
    assert flat == list(range(24)), got                 # disjoint and complete


if __name__ == "__main__":
    # tcp:// is accepted (MPI does the rendezvous); the backend name is kept
    dist.init_process_group("mpi", init_method="tcp://127.0.0.1:23456")
    assert dist.get_backend() == "mpi"
    r, n = dist.get_rank(), dist.get_world_size()
    parts = (construction_and_state, no_sync, unused, overlap, rebuild_in_ready_order,
             bucket_view, shared_memory, sampler_loader)
    for part in parts:
        if sys.argv[1:] and part.__name__ not in sys.argv[1:]:
            continue
        part(r, n)
        print(f"OK {part.__name__}", flush=True)
