"""The launcher (torchrun's flags and variables), `python -m tocha run -m torch.distributed.run`,
plain mpiexec, and the error when a multi-rank job is started without a launcher."""
import os
import re
import sys

from _ranks import SCRIPTS, launch, run

ENV_SCRIPT = os.path.join(SCRIPTS, "env_report.py")


def _envs(out):
    return sorted(re.findall(r"ENV (.*)", out))


def test_launcher_sets_torchrun_variables():
    res = launch("env_report.py", 2, "--lr", "0.1", env={"OMP_NUM_THREADS": ""})
    assert res.rc == 0, res
    envs = _envs(res.out)
    assert len(envs) == 2, res
    for r, line in enumerate(envs):
        assert f"RANK={r} LOCAL_RANK={r} WORLD_SIZE=2 LOCAL_WORLD_SIZE=2" in line, line
        assert "MASTER_ADDR=127.0.0.1 MASTER_PORT=29500" in line, line
        assert f"lib=tocha rank={r} world=2 args=['--lr', '0.1']" in line, line


def test_torch_distributed_run_alias_with_torchrun_flags():
    res = run([sys.executable, "-m", "tocha", "run", "-m", "torch.distributed.run",
               "--standalone", "--nnodes=1", "--nproc_per_node=3", "--node-rank", "0",
               ENV_SCRIPT])
    assert res.rc == 0, res
    envs = _envs(res.out)
    assert len(envs) == 3 and all("WORLD_SIZE=3" in e for e in envs), res
    ports = {re.search(r"MASTER_PORT=(\d+)", e).group(1) for e in envs}
    assert ports != {"29500"} and len(ports) == 1, ports      # --standalone: a free port


def test_plain_mpiexec():
    from tocha.distributed.run import _mpiexec
    mpiexec = _mpiexec()   # the one the launcher uses (next to python, else on PATH)
    res = run([mpiexec, "-n", "2", sys.executable, "-m", "tocha", "run", ENV_SCRIPT])
    assert res.rc == 0, res
    envs = _envs(res.out)
    assert [e.split()[0] for e in envs] == ["RANK=0", "RANK=1"], res
    assert all("rank=" + e.split()[0][5:] in e for e in envs), res


def test_no_python_mode():
    res = run([sys.executable, "-m", "tocha.distributed.run", "--nproc-per-node", "2",
               "--no-python", "sh", "-c", "echo rank=$RANK of $WORLD_SIZE"])
    assert res.rc == 0, res
    assert sorted(re.findall(r"rank=\d of 2", res.out)) == ["rank=0 of 2", "rank=1 of 2"], res


def test_init_without_launcher_is_a_clear_error():
    code = "import tocha.distributed as d; d.init_process_group('gloo')"
    res = run([sys.executable, "-c", code], env={"WORLD_SIZE": "2", "RANK": "0"})
    assert res.rc == 1, res
    assert "was not started by an MPI launcher" in res.err, res
    assert "python -m tocha.distributed.run --nproc-per-node 2" in res.err, res


def test_bad_flags():
    res = run([sys.executable, "-m", "tocha.distributed.run", "--max-restarts", "2",
               "--nproc-per-node", "2", ENV_SCRIPT])
    assert res.rc != 0 and "--max-restarts must be 0" in res.err, res
    res = run([sys.executable, "-m", "tocha.distributed.run", "--nproc-per-node", "x",
               ENV_SCRIPT])
    assert res.rc != 0 and "--nproc-per-node" in res.err, res
