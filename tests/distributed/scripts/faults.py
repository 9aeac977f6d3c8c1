"""Run under N ranks; rank 1 fails as argv[1] says while the others wait in a collective.

argv: MODE TOKEN; MODE in raise, exit, kill, hang (TOKEN marks the processes for the test's
orphan check)."""
import os
import signal
import sys
import time
from datetime import timedelta

import tocha as torch
import tocha.distributed as dist

mode = sys.argv[1]
dist.init_process_group("gloo", timeout=timedelta(seconds=3))
t = torch.ones(2)
dist.all_reduce(t)                       # everyone is up
if dist.get_rank() == 1:
    if mode == "raise":
        raise ValueError("rank 1 fails on purpose")
    if mode == "exit":
        sys.exit(3)
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "hang":
        time.sleep(120)
for _ in range(5):
    dist.all_reduce(t)
print("UNREACHABLE: a collective completed without rank 1", flush=True)
