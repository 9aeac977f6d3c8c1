"""Run under N ranks: DDP on batch B/N per rank == one process on batch B, for K steps.

Each rank prints "OK <model> <max difference>"; any mismatch raises (the rank exits 1)."""
import sys

import numpy as np

import tocha as torch
import tocha.distributed as dist
import tocha.nn.functional as F
from tocha import nn

B, K, TOL = 8, 3, 2e-5


class LSTMHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def make(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    if kind in ("cnn", "cnn_plain_bn"):
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                             nn.Flatten(), nn.Linear(4 * 5 * 5, 3))
    return LSTMHead()       # "lstm" and "lstm_view" (gradient_as_bucket_view=True)


def data(kind):
    rng = np.random.RandomState(1)
    shape = {"mlp": (B, 6), "cnn": (B, 1, 5, 5), "cnn_plain_bn": (B, 1, 5, 5),
             "lstm": (B, 4, 3), "lstm_view": (B, 4, 3)}[kind]
    x = torch.from_numpy(rng.randn(*shape).astype(np.float32))
    y = torch.from_numpy(rng.randint(0, 3, size=B).astype(np.int64))
    return x, y


def train(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(K):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


def state(m):
    return {k: v.detach().double().numpy() for k, v in m.state_dict().items()}


def check(kind, rank, world):
    x, y = data(kind)
    torch.manual_seed(0)
    ref = make(kind)
    torch.manual_seed(rank)          # other ranks start elsewhere: DDP broadcasts rank 0's
    local = make(kind)
    if kind == "cnn":
        local = nn.SyncBatchNorm.convert_sync_batchnorm(local)
    # tiny buckets: many of them, rebuilt in the ready order after the first step
    ddp = nn.parallel.DistributedDataParallel(local, bucket_cap_mb=0.0005,
                                              gradient_as_bucket_view=kind == "lstm_view")
    train(ref, x, y)
    per = B // world
    train(ddp, x[rank * per:(rank + 1) * per], y[rank * per:(rank + 1) * per])
    got, want = state(ddp.module), state(ref)
    assert all(k.startswith("module.") for k in ddp.state_dict()), list(ddp.state_dict())
    diff = max(float(np.abs(got[k] - want[k]).max()) for k in want)
    if kind == "cnn_plain_bn":   # plain BatchNorm normalises per rank, as in PyTorch
        assert diff > 1e-3, f"{kind}: plain BatchNorm unexpectedly matched ({diff})"
    else:
        assert diff < TOL, f"{kind}: rank {rank} differs from one process by {diff}"
    print(f"OK {kind} {diff:.2e}", flush=True)


if __name__ == "__main__":
    dist.init_process_group("gloo")
    kinds = sys.argv[1:] or ["mlp", "cnn", "cnn_plain_bn", "lstm", "lstm_view"]
    for kind in kinds:
        check(kind, dist.get_rank(), dist.get_world_size())
    dist.destroy_process_group()
