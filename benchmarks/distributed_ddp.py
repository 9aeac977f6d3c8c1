"""DDP step time on 1 and 2 ranks at the same per-rank batch: MLP, LeNet-5, ResNet-18.

    python benchmarks/distributed_ddp.py [--libs tocha torch] [--models mlp lenet resnet18]

Each rank uses one BLAS thread (OMP/OPENBLAS/MKL_NUM_THREADS=1 and threadpoolctl when
installed), so 2 ranks fit a 2-core machine. The scaling ratio is the 2-rank step time over
the 1-rank one: 1.0 means the gradient all-reduce is hidden behind backward entirely. Times are
the median step (rank-maximum), after warm-up steps; "cpu" is the process's CPU time per step
(all its threads), which other load on the machine does not inflate.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)
# per-rank batch, warm-up steps, timed steps
WORKLOADS = {"mlp": (128, 3, 20), "lenet": (64, 2, 10), "resnet18": (8, 1, 4)}


def _model(torch, name: str):
    nn = torch.nn
    if name == "mlp":
        return (nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10)), (784,))
    if name == "lenet":
        return (nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                              nn.Linear(84, 10)), (1, 28, 28))
    return resnet18(nn), (3, 32, 32)


def resnet18(nn):
    """torchvision's ResNet-18 layout (BasicBlocks 2-2-2-2), 10 classes, written against the
    nn API so that both libraries build the same model without torchvision."""
    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.down = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                       nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else nn.Identity())
            self.relu = nn.ReLU()

        def forward(self, x):
            y = self.relu(self.b1(self.c1(x)))
            return self.relu(self.b2(self.c2(y)) + self.down(x))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def _one_thread() -> None:
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass  # the environment variables set by the driver still apply


def worker(name: str) -> None:
    _one_thread()
    import torch  # tocha under `python -m tocha run`
    import torch.distributed as dist
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    batch, warm, steps = WORKLOADS[name]
    torch.manual_seed(0)
    model, shape = _model(torch, name)
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))
    times, cpu = [], []
    for i in range(warm + steps):
        dist.barrier()
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(ddp(x), y).backward()
        opt.step()
        if i >= warm:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    worst = torch.tensor([statistics.median(times), statistics.median(cpu)],
                         dtype=torch.float64)
    dist.all_reduce(worst, op=dist.ReduceOp.MAX)
    if dist.get_rank() == 0:
        print("ROW " + json.dumps({"sec": float(worst[0]), "cpu": float(worst[1])}),
              flush=True)
    dist.destroy_process_group()


def launch(lib: str, nproc: int, name: str) -> float:
    runner = ([sys.executable, "-m", "torch.distributed.run", "--standalone"] if lib == "torch"
              else [sys.executable, "-m", "tocha.distributed.run"])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [*runner, "--nproc-per-node", str(nproc), HERE, "--worker", name]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=1800)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    rows = [json.loads(line[4:]) for line in out.splitlines() if line.startswith("ROW ")]
    if not rows:  # (a crash at exit after the measurement, seen in gloo's teardown, is fine)
        raise SystemExit(f"{lib} {name} on {nproc} ranks failed ({proc.returncode})")
    return rows[0]["sec"], rows[0]["cpu"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--libs", nargs="+", default=["tocha", "torch"])
    ap.add_argument("--models", nargs="+", default=list(WORKLOADS))
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    res = {}
    print(f"{'workload':>9} {'lib':>6} {'batch/rank':>10} {'1 rank ms':>10} {'2 ranks ms':>11} "
          f"{'2/1':>5} {'cpu 1':>7} {'cpu 2':>7} {'cpu 2/1':>7}")
    for name in args.models:
        for lib in args.libs:
            (one, c1), (two, c2) = launch(lib, 1, name), launch(lib, 2, name)
            res[f"{name}/{lib}"] = {"one_rank_s": one, "two_ranks_s": two, "one_rank_cpu_s": c1,
                                    "two_ranks_cpu_s": c2}
            print(f"{name:>9} {lib:>6} {WORKLOADS[name][0]:>10} {one * 1e3:>10.1f} "
                  f"{two * 1e3:>11.1f} {two / one:>5.2f} {c1 * 1e3:>7.1f} {c2 * 1e3:>7.1f} "
                  f"{c2 / c1:>7.2f}", flush=True)
    print(f"load average: {os.getloadavg()[0]:.2f} (2/1 > 1 also counts the cores the two "
          "ranks take from each other and from other work on the machine)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
