"""Cost model of DDP scaling: latency + bandwidth terms, buckets overlapped with backward.

    python benchmarks/distributed_model.py [--allreduce allreduce.json] [--ddp ddp.json]

Reads the JSON of distributed_allreduce.py (fitted alpha, beta on this machine) and of
distributed_ddp.py (measured step times), checks the model against the measured 2-rank steps,
and predicts ResNet-18/50 scaling efficiency on 8-64 machines over stated networks.
docs/distributed.md explains the model and its assumptions.
"""
from __future__ import annotations

import argparse
import json

# parameters (float32 bytes) of the models, counted from torchvision's definitions
PARAM_BYTES = {"resnet18": 11_689_512 * 4, "resnet50": 25_557_032 * 4}
# ResNet-50 / ResNet-18 compute per image (GFLOPs at 224x224: 4.1 / 1.8)
FLOP_RATIO_50_18 = 4.1 / 1.8
NETWORKS = {  # name: (alpha seconds per message step, bytes per second)
    "10 GbE, MPI over TCP": (30e-6, 1.1e9),
    "100 Gb/s InfiniBand": (3e-6, 11e9),
}
BWD_SHARE = 2 / 3      # backward's share of a step's compute (forward:backward = 1:2)
FIRST_BUCKET, CAP = 1 << 20, 25 << 20
RESNET18_HERE = 11_181_642 * 4  # the benchmark's ResNet-18 (10 classes)


def buckets(total: int) -> list[int]:
    out, left = [min(FIRST_BUCKET, total)], total - min(FIRST_BUCKET, total)
    while left > 0:
        out.append(min(CAP, left))
        left -= out[-1]
    return out


def ring_allreduce(p: int, nbytes: int, alpha: float, bw: float) -> float:
    """Ring all-reduce: 2(p-1) steps, each a message of nbytes/p."""
    if p == 1:
        return 0.0
    return 2 * (p - 1) * alpha + 2 * (p - 1) / p * nbytes / bw


def bucket_time(p: int, nbytes: int, alpha: float, bw: float, local=(0.0, 0.0)) -> float:
    """One bucket: the fitted local cost (software latency, copies and reduction per byte,
    measured on this machine) plus the ring's network terms."""
    return local[0] + local[1] * nbytes + ring_allreduce(p, nbytes, alpha, bw)


def step_time(compute: float, p: int, nbytes: int, alpha: float, bw: float,
              local=(0.0, 0.0), overlap: bool = True) -> float:
    """Step = forward + backward + the part of the bucket all-reduces that backward does not
    hide. Gradients become ready uniformly (by bytes) during backward; buckets go out one at a
    time in order, each once it is ready and the previous one is done."""
    fwd, bwd = compute * (1 - BWD_SHARE), compute * BWD_SHARE
    ready, end = 0.0, 0.0
    for b in buckets(nbytes):
        ready = ready + bwd * b / nbytes if overlap else bwd   # no overlap: all after backward
        end = max(end, ready) + bucket_time(p, b, alpha, bw, local)
    return fwd + max(bwd, end)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--allreduce", default="allreduce.json")
    ap.add_argument("--ddp", default="ddp.json")
    args = ap.parse_args(argv)
    with open(args.allreduce) as f:
        fit = json.load(f)["tocha_fit"]
    with open(args.ddp) as f:
        ddp = json.load(f)
    # on one machine, 2 ranks: t = alpha + beta * bytes was fitted for the whole all-reduce
    alpha2, beta2 = fit["alpha_s"], fit["beta_s_per_byte"]
    bw = 1 / beta2
    print(f"this machine (shared memory, 2 ranks): alpha {alpha2 * 1e6:.0f} us per "
          f"all-reduce, {bw / 1e9:.2f} GB/s")
    if "resnet18/tocha" in ddp:
        one = ddp["resnet18/tocha"]["one_rank_s"]
        two = ddp["resnet18/tocha"]["two_ranks_s"]
        pred = step_time(one, 2, RESNET18_HERE, 0.0, float("inf"), (alpha2, beta2))
        print(f"check, ResNet-18 on 2 ranks here: model {pred:.3f} s, measured {two:.3f} s "
              f"(1 rank {one:.3f} s)")
        if "one_rank_cpu_s" in ddp["resnet18/tocha"]:
            c1 = ddp["resnet18/tocha"]["one_rank_cpu_s"]
            c2 = ddp["resnet18/tocha"]["two_ranks_cpu_s"]
            print(f"  CPU time per step: 1 rank {c1:.3f} s, 2 ranks {c2:.3f} s; model from the "
                  f"1-rank CPU time: "
                  f"{step_time(c1, 2, RESNET18_HERE, 0.0, float('inf'), (alpha2, beta2)):.3f}"
                  " s")
        compute18 = one
    else:
        compute18 = 1.5
    local = (alpha2, beta2)      # the fitted 2-rank costs, charged once per bucket
    print("\npredicted scaling efficiency (1-machine step / p-machine step, same per-machine "
          "batch); in brackets: with no overlap at all")
    for net, (alpha, nbw) in NETWORKS.items():
        for name, compute in (("resnet18", compute18),
                              ("resnet50", compute18 * FLOP_RATIO_50_18),
                              ("resnet50 @ 0.1 s/step", 0.1)):
            key = name.split()[0]
            cells = []
            for p in (8, 16, 32, 64):
                e = compute / step_time(compute, p, PARAM_BYTES[key], alpha, nbw, local)
                b = compute / step_time(compute, p, PARAM_BYTES[key], alpha, nbw, local,
                                        overlap=False)
                cells.append(f"p={p}: {100 * e:5.1f}% ({100 * b:4.1f}%)")
            print(f"  {net:<22} {name:<22} step {compute:6.2f} s: " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
