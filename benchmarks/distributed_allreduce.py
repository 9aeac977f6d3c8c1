"""All-reduce bus bandwidth, 1 KB to 256 MB, tocha (MPI) beside PyTorch (gloo), N ranks.

    python benchmarks/distributed_allreduce.py [--nproc 2] [--max-mb 256] [--json out.json]

Each library runs under its own launcher (tocha's and torchrun) with one BLAS thread per rank.
Bus bandwidth is NCCL-tests' measure: 2 (n - 1) / n x bytes / time, comparable across rank
counts. The fitted latency (alpha) and inverse bandwidth (beta) of t = alpha + beta x bytes feed
the cost model in docs/distributed.md.
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


def worker(max_bytes: int) -> None:
    import torch  # tocha under `python -m tocha run`
    import torch.distributed as dist
    dist.init_process_group("gloo")
    n = dist.get_world_size()
    size = 1024
    while size <= max_bytes:
        t = torch.ones(size // 4)
        reps = max(3, min(100, int(2e8 // size)))
        for _ in range(2):
            dist.all_reduce(t)
        times = []
        for _ in range(reps):
            dist.barrier()
            t0 = time.perf_counter()
            dist.all_reduce(t)
            times.append(time.perf_counter() - t0)
        worst = torch.tensor([statistics.median(times)], dtype=torch.float64)
        dist.all_reduce(worst, op=dist.ReduceOp.MAX)
        sec = float(worst.item())
        if dist.get_rank() == 0:
            bus = 2 * (n - 1) / n * size / sec
            print("ROW " + json.dumps({"bytes": size, "sec": sec, "busbw": bus}), flush=True)
        del t
        size *= 4
    dist.destroy_process_group()


def launch(lib: str, nproc: int, max_bytes: int) -> list[dict]:
    runner = ([sys.executable, "-m", "torch.distributed.run", "--standalone"] if lib == "torch"
              else [sys.executable, "-m", "tocha.distributed.run"])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [*runner, "--nproc-per-node", str(nproc), HERE, "--worker", str(max_bytes)]
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
    if proc.returncode != 0 and len(rows) < 2:  # (gloo's teardown sometimes aborts at exit)
        raise SystemExit(f"{lib} run failed with status {proc.returncode}")
    return rows


def fit(rows: list[dict], min_bytes: int = 0) -> tuple[float, float]:
    """Least-squares alpha (s) and beta (s/byte) of time = alpha + beta * bytes."""
    import numpy as np
    pts = [(r["bytes"], r["sec"]) for r in rows if r["bytes"] >= min_bytes]
    x = np.array([p[0] for p in pts], float)
    y = np.array([p[1] for p in pts], float)
    w = 1.0 / y                        # relative error: small messages count as much
    a = np.stack([np.ones_like(x), x], 1) * w[:, None]
    alpha, beta = np.linalg.lstsq(a, y * w, rcond=None)[0]
    return float(alpha), float(beta)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nproc", type=int, default=2)
    ap.add_argument("--max-mb", type=int, default=256)
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    res = {lib: launch(lib, args.nproc, args.max_mb << 20) for lib in ("tocha", "torch")}
    print(f"all_reduce, {args.nproc} ranks, float32, load {os.getloadavg()[0]:.2f}")
    print(f"{'size':>9} {'tocha ms':>10} {'torch ms':>10} {'tocha GB/s':>11} "
          f"{'torch GB/s':>11} {'ratio':>6}")
    for a, b in zip(res["tocha"], res["torch"]):
        kb = a["bytes"] / 1024
        size = f"{kb:.0f} KB" if kb < 1024 else f"{kb / 1024:.0f} MB"
        print(f"{size:>9} {a['sec'] * 1e3:>10.3f} {b['sec'] * 1e3:>10.3f} "
              f"{a['busbw'] / 1e9:>11.3f} {b['busbw'] / 1e9:>11.3f} "
              f"{a['sec'] / b['sec']:>6.2f}")
    for lib, rows in list(res.items()):
        alpha, beta = fit(rows)
        print(f"{lib}: alpha = {alpha * 1e6:.1f} us, 1/beta = {1 / beta / 1e9:.2f} GB/s")
        res[lib + "_fit"] = {"alpha_s": alpha, "beta_s_per_byte": beta}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
