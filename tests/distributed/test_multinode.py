"""`--nnodes 2`: two launchers (two "machines", here one machine under two host names) join
at MASTER_ADDR:MASTER_PORT and run one MPI job; a failure anywhere sets both statuses."""
import os
import re
import signal
import socket
import subprocess
import sys

from _ranks import SCRIPTS, run, token


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _two_machines(nproc, script, *args):
    port = str(_free_port())
    common = [sys.executable, "-m", "tocha.distributed.run", "--nnodes", "2",
              "--nproc-per-node", str(nproc), "--master-addr", "127.0.0.1", "--master-port",
              port]
    peer = subprocess.Popen([*common, "--node-rank", "1", "--local-addr", "localhost",
                             os.path.join(SCRIPTS, script), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
    try:
        master = run([*common, "--node-rank", "0", "--local-addr", "127.0.0.1",
                      os.path.join(SCRIPTS, script), *args], timeout=60)
        out, err = peer.communicate(timeout=60)
    finally:
        try:
            os.killpg(peer.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return master, (peer.returncode, out, err)


def test_two_machines_one_world():
    master, (peer_rc, _, peer_err) = _two_machines(2, "env_report.py")
    assert master.rc == 0 and peer_rc == 0, (master, peer_err)
    envs = sorted(re.findall(r"ENV (.*)", master.out))
    assert len(envs) == 4, master
    for r, line in enumerate(envs):
        assert f"RANK={r} LOCAL_RANK={r % 2} WORLD_SIZE=4 LOCAL_WORLD_SIZE=2" in line, line


def test_failure_on_the_other_machine_sets_both_statuses():
    master, (peer_rc, _, peer_err) = _two_machines(1, "faults.py", "exit", token())
    assert master.rc == 3 and peer_rc == 3, (master, peer_err)
    assert "rank 1 failed with exit status 3" in master.err, master
