"""Oracle: one DDP training script (MLP, CNN with BatchNorm, LSTM) on 2 ranks prints the same
losses under PyTorch's torchrun + gloo and under tocha's launcher on MPI."""
import os
import re
import signal
import subprocess
import sys

# written to a file and run as is under both launchers
SCRIPT = '''\
"""Train a small MLP and CNN with DDP; rank 0 prints each step's loss. Runs unchanged under
PyTorch's torchrun (gloo) and under `python -m tocha run -m torch.distributed.run`."""
import torch
import torch.distributed as dist
from torch import nn
import torch.nn.functional as F


class LSTMHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


def batch(step, rank, world, shape):
    g = torch.Generator().manual_seed(100 + step)
    x = torch.randn(8, *shape, generator=g)
    y = torch.randint(0, 3, (8,), generator=g)
    per = 8 // world
    return x[rank * per:(rank + 1) * per], y[rank * per:(rank + 1) * per]


def run(name, model, shape, rank, world):
    ddp = nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.2, momentum=0.9)
    for step in range(4):
        x, y = batch(step, rank, world, shape)
        opt.zero_grad()
        loss = F.cross_entropy(ddp(x), y)
        loss.backward()
        opt.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        if rank == 0:
            print(f"{name} step {step} loss {mean.item() / world:.6f}", flush=True)


def main():
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    run("mlp", mlp, (6,), rank, world)
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                        nn.Flatten(), nn.Linear(4 * 5 * 5, 3))
    # plain BatchNorm (per-rank statistics, rank 0's buffers broadcast each forward); PyTorch's
    # SyncBatchNorm needs GPUs, so it cannot be the oracle's
    run("cnn", cnn, (1, 5, 5), rank, world)
    torch.manual_seed(0)
    run("lstm", LSTMHead(), (4, 3), rank, world)
    dist.barrier()   # no rank tears down its connections while the other still uses them
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
'''


def _run(cmd, tries=1):
    """The losses `cmd` prints; its exit status must be 0 (`tries` runs at most)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # no rank outlives the test
        except (ProcessLookupError, PermissionError):
            pass
    if proc.returncode != 0 and tries > 1 and "terminate called" in err:
        return _run(cmd, tries - 1)
    assert proc.returncode == 0, f"{cmd}\n{out}\n{err}"
    return [(m[0], int(m[1]), float(m[2]))
            for m in re.findall(r"(\w+) step (\d+) loss ([-\d.]+)", out)]


def test_ddp_losses_match_pytorch_gloo(tmp_path):
    path = tmp_path / "ddp_losses.py"
    path.write_text(SCRIPT)
    # PyTorch 2.13's gloo aborts a rank at interpreter exit in ~3 % of runs here ("terminate
    # called without an active exception", after destroy_process_group returned, every loss
    # printed): the oracle's run is retried for that abort only; tocha's runs once
    torch_losses = _run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                         "--nproc-per-node", "2", str(path)], tries=3)
    tocha_losses = _run([sys.executable, "-m", "tocha", "run", "-m", "torch.distributed.run",
                         "--standalone", "--nproc-per-node", "2", str(path)])
    assert len(torch_losses) == 12, torch_losses
    assert [k[:2] for k in tocha_losses] == [k[:2] for k in torch_losses]
    for (name, step, want), (_, _, got) in zip(torch_losses, tocha_losses):
        assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), (name, step, got, want)
