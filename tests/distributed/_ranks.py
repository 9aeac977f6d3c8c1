"""Start real ranks for the distributed tests, always cleaning up their processes."""
import os
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "scripts")


class Result:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def __repr__(self):
        return f"rc={self.rc} after {self.seconds:.1f}s\n--- stdout\n{self.out}\n--- stderr\n" \
               f"{self.err}"


def run(cmd, timeout=60, env=None):
    """Run `cmd` in its own session; on return or timeout kill the whole session."""
    full_env = dict(os.environ, **(env or {}))
    full_env.setdefault("OMP_NUM_THREADS", "1")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full_env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_session(proc.pid)
        out, err = proc.communicate()
        raise AssertionError(f"{cmd} hung for {timeout}s\n{out}\n{err}") from None
    finally:
        _kill_session(proc.pid)
    return Result(proc.returncode, out, err, time.monotonic() - start)


def _kill_session(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def launch(script, n, *args, timeout=60, env=None):
    """`python -m tocha.distributed.run --nproc-per-node n scripts/script args...`."""
    path = script if os.path.isabs(script) else os.path.join(SCRIPTS, script)
    return run([sys.executable, "-m", "tocha.distributed.run", "--nproc-per-node", str(n),
                path, *args], timeout=timeout, env=env)


def token():
    return "tok" + uuid.uuid4().hex[:12]


def processes_with(tok):
    """pids of live processes whose command line contains `tok` (the orphan check)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if tok.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found
