"""Prints torchrun's variables as this rank sees them, before and after init."""
import os
import sys

import torch  # `python -m tocha run` maps it to tocha
import torch.distributed as dist

keys = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
        "OMP_NUM_THREADS")
before = " ".join(f"{k}={os.environ.get(k)}" for k in keys)
dist.init_process_group(backend="gloo", init_method="env://")
print(f"ENV {before} lib={torch.__name__} rank={dist.get_rank()} "
      f"world={dist.get_world_size()} args={sys.argv[1:]}", flush=True)
dist.destroy_process_group()
