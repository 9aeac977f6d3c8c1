"""Oracle: one DDP training script (MLP, CNN with BatchNorm, LSTM) on 2 ranks prints the same
losses under PyTorch's torchrun + gloo and under tocha's launcher on MPI."""
import os
import re
import signal
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "distributed", "scripts", "ddp_losses.py")


def _run(cmd):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # no rank outlives the test
        except (ProcessLookupError, PermissionError):
            pass
    assert proc.returncode == 0, f"{cmd}\n{out}\n{err}"
    return [(m[0], int(m[1]), float(m[2]))
            for m in re.findall(r"(\w+) step (\d+) loss ([-\d.]+)", out)]


def test_ddp_losses_match_pytorch_gloo():
    torch_losses = _run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                         "--nproc-per-node", "2", SCRIPT])
    tocha_losses = _run([sys.executable, "-m", "tocha", "run", "-m", "torch.distributed.run",
                         "--standalone", "--nproc-per-node", "2", SCRIPT])
    assert len(torch_losses) == 12, torch_losses
    assert [k[:2] for k in tocha_losses] == [k[:2] for k in torch_losses]
    for (name, step, want), (_, _, got) in zip(torch_losses, tocha_losses):
        assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), (name, step, got, want)
