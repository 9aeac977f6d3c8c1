"""Several machines under `python -m tocha.distributed.run --nnodes K --node-rank k`.

As with torchrun, the same command runs on every machine. Machine 0 listens on
MASTER_ADDR:MASTER_PORT; the others connect and say their host name (``--local-addr``, else
their host name). Machine 0 then runs ``mpiexec -launcher manual`` over all the hosts: MPICH's
launcher prints one proxy command per host instead of starting it over ssh, and each machine
runs its own (this socket only carries those commands and the exit statuses: the data moves
over MPI). Each machine's launcher exits with the status of the rank that failed first.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time

RENDEZVOUS_S = 300


def _send(conn: socket.socket, obj) -> None:
    conn.sendall(json.dumps(obj).encode() + b"\n")


def _recv(conn: socket.socket):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("tocha.distributed.run: the other machine's launcher went "
                                  "away")
        data += chunk
    return json.loads(data)


def failures(status_dir: str) -> list[list]:
    """[time, rank, status] of each failed rank of this machine (see _rank.py)."""
    found = []
    if os.path.isdir(status_dir):
        for name in os.listdir(status_dir):
            with open(os.path.join(status_dir, name)) as f:
                when, status = f.read().split()
            found.append([float(when), name[len("rank"):], int(status)])
    return found


def _host(args) -> str:
    return args.local_addr or socket.gethostname()


def run_master(args, cmd: list[str], env: dict, status_dir: str, nnodes: int, nproc: int):
    """Machine 0: gather the hosts, run mpiexec, hand out the proxy commands; returns
    (mpiexec's status, every machine's failures)."""
    srv = socket.create_server(("", args.master_port), reuse_port=False)
    srv.settimeout(RENDEZVOUS_S)
    peers: dict[int, tuple[socket.socket, str]] = {}
    try:
        while len(peers) < nnodes - 1:
            conn, _ = srv.accept()
            hello = _recv(conn)
            peers[int(hello["node_rank"])] = (conn, hello["host"])
    except TimeoutError:
        raise SystemExit(f"tocha.distributed.run: {nnodes - 1 - len(peers)} machine(s) did "
                         f"not join within {RENDEZVOUS_S} s") from None
    finally:
        srv.close()
    hosts = [_host(args)] + [peers[k][1] for k in range(1, nnodes)]
    manual = ["-launcher", "manual", "-localhost", _host(args),
              "-hosts", ",".join(f"{h}:{nproc}" for h in hosts)]
    proc = subprocess.Popen([cmd[0], *manual, *cmd[1:]], env=env, stdout=subprocess.PIPE,
                            text=True)
    local = None
    try:
        for line in proc.stdout:
            if line.startswith("HYDRA_LAUNCH_END"):
                break
            if line.startswith("HYDRA_LAUNCH:"):
                proxy = line.split(":", 1)[1].strip()
                k = int(proxy.rsplit("--proxy-id", 1)[1])
                if k == 0:
                    local = subprocess.Popen(shlex.split(proxy), env=env)
                else:
                    _send(peers[k][0], {"proxy": proxy, "status_dir": status_dir})
        for line in proc.stdout:  # the ranks' output, forwarded by MPI
            sys.stdout.write(line)
            sys.stdout.flush()
        rc = proc.wait()
        if local is not None:
            local.wait()
    finally:  # a lost machine or a signal: stop what runs here (mpiexec waits otherwise)
        for p in (proc, local):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    found = failures(status_dir)
    for conn, _ in peers.values():
        try:
            conn.settimeout(30)
            found += _recv(conn)["failures"]
        except (OSError, ValueError, ConnectionError):
            pass
        conn.close()
    return rc, found


def run_peer(args, env: dict) -> int:
    """Machine k > 0: join machine 0, run the proxy command it sends, report failures."""
    deadline = time.monotonic() + RENDEZVOUS_S
    while True:
        try:
            conn = socket.create_connection((args.master_addr, args.master_port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"tocha.distributed.run: no launcher at {args.master_addr}:"
                                 f"{args.master_port} (machine 0) within {RENDEZVOUS_S} s")
            time.sleep(0.2)
    with conn:
        conn.settimeout(None)
        _send(conn, {"node_rank": args.node_rank, "host": _host(args)})
        order = _recv(conn)
        ours = not os.path.exists(order["status_dir"])  # (else machine 0 is this machine)
        rc = subprocess.Popen(shlex.split(order["proxy"]), env=env).wait()
        found = failures(order["status_dir"])
        if ours:
            shutil.rmtree(order["status_dir"], ignore_errors=True)
        _send(conn, {"failures": found})
    if found:
        _, rank, status = min(found)
        print(f"tocha.distributed.run: rank {rank} failed with exit status {status}",
              file=sys.stderr)
        return status
    return rc if rc >= 0 else 128 - rc
