"""Prints torchrun's variables as this rank sees them, before and after init."""
import os
import sys

import torch  # `python -m tocha run` maps it to tocha
import torch.distributed as dist

keys = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
        "OMP_NUM_THREADS")
before = " ".join(f"{k}={os.environ.get(k)}" for k in keys)
dist.init_process_group(backend="gloo", init_method="env://")
line = (f"{before} lib={torch.__name__} rank={dist.get_rank()} world={dist.get_world_size()} "
        f"args={sys.argv[1:]}")
lines = [None] * dist.get_world_size()
dist.all_gather_object(lines, line)
if dist.get_rank() == 0:  # one writer: MPI may interleave several ranks' output mid-line
    print("".join(f"ENV {x}\n" for x in lines), end="", flush=True)
dist.destroy_process_group()
