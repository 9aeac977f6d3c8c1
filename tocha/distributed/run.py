"""``python -m tocha.distributed.run``: torchrun's command line, starting the ranks with MPI.

    python -m tocha.distributed.run --nproc-per-node 2 train.py --epochs 3

starts ``mpiexec -n 2 python -m tocha run train.py --epochs 3`` (so ``import torch`` in the
script gives tocha) with torchrun's environment in every rank: RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_RUN_ID, and
OMP_NUM_THREADS=1 when unset (as torchrun does). When a rank fails, MPI stops the others and
this command exits with the failing rank's status.

Several machines: run the same command on each with ``--nnodes K --node-rank k
--master-addr HOST0 --master-port PORT`` (see _multinode.py), or use ``mpiexec`` with a
hostfile (docs/distributed.md). Differs from torchrun: no elastic restarts (``--max-restarts``
must be 0); ``--nnodes MIN:MAX`` takes MIN.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid

__all__ = ["get_args_parser", "main", "mpiexec_command"]


def _flag(p: argparse.ArgumentParser, name: str, **kw) -> None:
    # torchrun accepts both --nproc-per-node and --nproc_per_node
    names = [f"--{name}"] + ([f"--{name.replace('-', '_')}"] if "-" in name else [])
    p.add_argument(*names, **kw)


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tocha.distributed.run",
                                description="Start N ranks of a training script on MPI "
                                            "(torchrun's flags).")
    _flag(p, "nnodes", default="1", help="number of machines, or MIN:MAX (default 1)")
    _flag(p, "nproc-per-node", default="1", help="ranks on this machine: N, 'cpu' or 'auto'")
    _flag(p, "node-rank", type=int, default=0, help="rank of this machine (default 0)")
    _flag(p, "master-addr", default="127.0.0.1", help="address of rank 0's machine")
    _flag(p, "master-port", type=int, default=29500, help="port on the master machine")
    p.add_argument("--standalone", action="store_true",
                   help="single machine with a free port (sets --nnodes 1)")
    _flag(p, "max-restarts", type=int, default=0, help="must be 0 (no elastic restarts)")
    for name in ("rdzv-backend", "rdzv-endpoint", "rdzv-id", "rdzv-conf", "monitor-interval",
                 "log-dir", "redirects", "tee", "local-addr", "start-method", "role"):
        _flag(p, name, default=None, help=argparse.SUPPRESS)
    p.add_argument("-m", "--module", action="store_true",
                   help="run the script as a module, like python -m")
    _flag(p, "no-python", action="store_true",
          help="run the script as an executable, without python")
    p.add_argument("training_script", help="the script (or module, or program) to run")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _nproc(value: str) -> int:
    if value in ("cpu", "auto", "gpu"):
        return os.cpu_count() or 1
    try:
        n = int(value)
    except ValueError:
        raise SystemExit(f"--nproc-per-node: expected a number, 'cpu' or 'auto', got {value!r}")
    if n < 1:
        raise SystemExit(f"--nproc-per-node must be at least 1, got {n}")
    return n


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mpiexec() -> str:
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = here if os.path.exists(here) else shutil.which("mpiexec")
    if found is None:
        raise SystemExit("tocha.distributed.run: mpiexec not found; install the distributed "
                         "extra: pip install 'tocha[distributed]' (or: pip install mpich "
                         "mpi4py)")
    return found


def mpiexec_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The mpiexec command line and environment that `args` (parsed flags) start."""
    nnodes = int(str(args.nnodes).split(":")[0])
    if args.standalone:
        nnodes, args.master_addr, args.master_port = 1, "127.0.0.1", _free_port()
    if args.max_restarts:
        raise SystemExit("tocha.distributed.run: --max-restarts must be 0 (no elastic restarts)")
    n = _nproc(args.nproc_per_node)
    env = dict(os.environ)
    env.update({"WORLD_SIZE": str(n * nnodes), "LOCAL_WORLD_SIZE": str(n),
                "GROUP_RANK": str(args.node_rank), "MASTER_ADDR": args.master_addr,
                "MASTER_PORT": str(args.master_port), "TORCHELASTIC_RUN_ID":
                args.rdzv_id or uuid.uuid4().hex, "TORCHELASTIC_RESTART_COUNT": "0",
                "TORCHELASTIC_MAX_RESTARTS": "0"})
    if n > 1 and "OMP_NUM_THREADS" not in env:
        print("Setting OMP_NUM_THREADS environment variable for each process to be 1 in "
              "default, to avoid your system being overloaded, please further tune the "
              "variable for optimal performance in your application as needed.",
              file=sys.stderr)
        env["OMP_NUM_THREADS"] = "1"
    if args.no_python:
        code = ("import os, sys; from tocha.distributed._mpi import set_launch_env; "
                "set_launch_env(); os.execvp(sys.argv[1], sys.argv[1:])")
        prog = ["-c", code, args.training_script]
    elif args.module:
        prog = ["run", "-m", args.training_script]
    else:
        prog = ["run", args.training_script]
    # each rank: python -m tocha.distributed._rank STATUS_DIR run script args (see _rank.py)
    args.nnodes, args.nproc = nnodes, n
    return [_mpiexec(), "-n", str(n * nnodes), sys.executable, *prog,
            *args.training_script_args], env


def main(argv: list[str] | None = None) -> int:
    """Parse torchrun's flags, run the ranks, return the failing rank's status (else 0)."""
    from . import _multinode
    args = get_args_parser().parse_args(argv)
    cmd, env = mpiexec_command(args)
    if args.nnodes > 1 and args.node_rank > 0:
        return _multinode.run_peer(args, env)
    with tempfile.TemporaryDirectory(prefix="tocha-run-") as status_dir:
        if not args.no_python:
            cmd[4:4] = ["-m", "tocha.distributed._rank", status_dir]
        if args.nnodes > 1:
            rc, found = _multinode.run_master(args, cmd, env, status_dir, args.nnodes,
                                              args.nproc)
        else:
            rc, found = _run(cmd, env), _multinode.failures(status_dir)
    if found:
        _, rank, rc = min(found)
        print(f"tocha.distributed.run: rank {rank} failed with exit status {rc}; MPI stopped "
              "the other ranks", file=sys.stderr)
    elif 0 < rc < 64:
        # no rank exited with an error: one was killed, and mpiexec reports its signal
        print(f"tocha.distributed.run: a rank was killed by signal {rc}; MPI stopped the "
              f"other ranks", file=sys.stderr)
        rc = 128 + rc
    elif rc != 0:
        print(f"tocha.distributed.run: mpiexec failed with exit status {rc}", file=sys.stderr)
    return rc


def _run(cmd: list[str], env: dict[str, str]) -> int:
    proc = subprocess.Popen(cmd, env=env)

    def forward(signum, frame):  # a signal to the launcher stops every rank
        proc.send_signal(signum)
    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        rc = proc.wait()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
