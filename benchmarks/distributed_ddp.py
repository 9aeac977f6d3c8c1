"""DDP step time on 1 and 2 ranks at the same per-rank batch: MLP, LeNet-5, ResNet-18.

    python benchmarks/distributed_ddp.py [--libs tocha torch] [--models mlp lenet resnet18]
                                         [--repeats 3] [--bucket-cap-mb MB]

Weak scaling, as PyTorch's DDP benchmarks measure it: every rank trains on the same per-rank
batch, so a 2-rank step does the 1-rank step's work on each rank plus the gradient all-reduce;
the scaling ratio 2/1 is the 2-rank step time over the 1-rank one (both under DDP, one BLAS
thread per rank: OMP/OPENBLAS/MKL_NUM_THREADS=1 and threadpoolctl when installed, so 2 ranks
fit a 2-core machine). 1.0 means the all-reduce is hidden behind backward entirely.

A run's time is the median step (rank-maximum) after warm-up steps; each workload runs
1 rank, 2 ranks, 1 rank, 2 ranks, ... (`--repeats` pairs, alternating, so that a change in the
machine's load hits both sides) and the table shows the median over the runs, with the range
of the per-pair ratios. "cpu" is the process's CPU time per step (all its threads), which other
load on the machine inflates less than wall time. "no DDP" is one run of the bare model on one
process (no process group traffic, no gradient buckets), for reference.
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
WORKLOADS = {"mlp": (128, 5, 40), "lenet": (64, 5, 30), "resnet18": (8, 3, 12)}


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


def worker(name: str, cap: float | None, plain: bool = False) -> None:
    _one_thread()
    import torch  # tocha under `python -m tocha run`
    import torch.distributed as dist
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    batch, warm, steps = WORKLOADS[name]
    torch.manual_seed(0)
    model, shape = _model(torch, name)
    # plain: the model without DDP, for reference (what DDP costs even on one rank)
    ddp = model if plain else torch.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=cap)
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


def launch(lib: str, nproc: int, name: str, cap: float | None,
           plain: bool = False) -> tuple[float, float]:
    runner = ([sys.executable, "-m", "torch.distributed.run", "--standalone"] if lib == "torch"
              else [sys.executable, "-m", "tocha.distributed.run"])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [*runner, "--nproc-per-node", str(nproc), HERE, "--worker", name]
    cmd += ["--bucket-cap-mb", str(cap)] if cap is not None else []
    cmd += ["--plain"] if plain else []
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


def measure(lib: str, name: str, repeats: int, cap: float | None) -> dict:
    """1 rank and 2 ranks, alternating, `repeats` times; medians and the ratios' range."""
    runs = [(launch(lib, 1, name, cap), launch(lib, 2, name, cap)) for _ in range(repeats)]
    plain = launch(lib, 1, name, cap, plain=True)[0]
    med = statistics.median
    ratios = [two[0] / one[0] for one, two in runs]
    return {"one_rank_s": med(one[0] for one, _ in runs),
            "two_ranks_s": med(two[0] for _, two in runs),
            "one_rank_cpu_s": med(one[1] for one, _ in runs),
            "two_ranks_cpu_s": med(two[1] for _, two in runs),
            "ratio_min": min(ratios), "ratio_max": max(ratios), "repeats": repeats,
            "no_ddp_s": plain}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--libs", nargs="+", default=["tocha", "torch"])
    ap.add_argument("--models", nargs="+", default=list(WORKLOADS))
    ap.add_argument("--repeats", type=int, default=3, help="alternating 1-rank/2-rank pairs")
    ap.add_argument("--bucket-cap-mb", type=float, help="DDP's bucket_cap_mb (default 25)")
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.bucket_cap_mb, args.plain)
        return 0
    res = {}
    load = [os.getloadavg()[0]]
    print(f"DDP step, same batch per rank (weak scaling), median of {args.repeats} alternating "
          "1-rank/2-rank runs; target: 2/1 <= 1.15")
    print(f"{'workload':>9} {'lib':>6} {'batch/rank':>10} {'1 rank ms':>10} {'2 ranks ms':>11} "
          f"{'2/1':>5} {'2/1 range':>10} {'cpu 1':>7} {'cpu 2':>7} {'cpu 2/1':>7} "
          f"{'no DDP ms':>9}  2/1 <= 1.15?")
    for name in args.models:
        for lib in args.libs:
            r = res[f"{name}/{lib}"] = measure(lib, name, args.repeats, args.bucket_cap_mb)
            one, two, c1, c2 = (r["one_rank_s"], r["two_ranks_s"], r["one_rank_cpu_s"],
                                r["two_ranks_cpu_s"])
            span = f"{r['ratio_min']:.2f}-{r['ratio_max']:.2f}"
            print(f"{name:>9} {lib:>6} {WORKLOADS[name][0]:>10} {one * 1e3:>10.1f} "
                  f"{two * 1e3:>11.1f} {two / one:>5.2f} {span:>10} {c1 * 1e3:>7.1f} "
                  f"{c2 * 1e3:>7.1f} {c2 / c1:>7.2f} {r['no_ddp_s'] * 1e3:>9.1f}  "
                  f"{'yes' if two / one <= 1.15 else 'NO'}", flush=True)
            load.append(os.getloadavg()[0])
    print(f"load average (1 min) during the runs: {min(load):.2f}-{max(load):.2f} on "
          f"{os.cpu_count()} cores (2/1 > 1 also counts the cores the two ranks take from "
          "each other and from other work on the machine)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
