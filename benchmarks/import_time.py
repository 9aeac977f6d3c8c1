"""`python -c "import tocha"` in a fresh process: wall time and peak RSS, vs `import torch`.

    python benchmarks/import_time.py

Issue #2's targets: at most 0.3 s wall and 60 MB peak RSS (absolute). The interpreter's own
start (`python -c pass`) is shown for reference.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from _common import ROOT, Row, compile_tocha, print_table

# The child reports its own peak RSS (VmHWM, reset by exec). getrusage's ru_maxrss would not
# do: Linux carries the parent's peak across fork+exec, and this process holds torch.
PEAK = ("\nfor _l in open('/proc/self/status'):\n"
        "    if _l.startswith('VmHWM:'): print(int(_l.split()[1]))")


def fresh(code: str, runs: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of `python -c code`, each run a new process."""
    walls, rss = [], []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", code + PEAK], env=env, capture_output=True,
                           text=True, check=False)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            raise RuntimeError(f"`python -c {code!r}` failed: {p.stderr[-300:]}")
        rss.append(int(p.stdout.split()[-1]) / 1024)  # VmHWM is in KiB
    return statistics.median(walls), statistics.median(rss)


def bench(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 7
    compile_tocha()
    base_wall, base_rss = fresh("import sys", runs)
    rows = []
    try:
        tw, tr = fresh("import tocha", runs)
        pw, pr = fresh("import torch", max(2, runs // 2))
    except RuntimeError as e:
        return [Row("import", None, None, "s", note=str(e)[:100])]
    rows.append(Row("import wall (fresh process)", tw, pw, "s", limit=0.3,
                    note=f"python alone: {base_wall:.3f} s"))
    rows.append(Row("import peak RSS (fresh process)", tr, pr, "MB", limit=60.0,
                    note=f"python alone: {base_rss:.1f} MB"))
    return rows


if __name__ == "__main__":
    print_table(bench(), "import cost")
