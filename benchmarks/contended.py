"""A busy machine (issue #11, item 2): the MLP and LeNet steps with one CPU-bound competitor.

    python benchmarks/contended.py

Each library runs at its defaults (tocha: its per-op thread policy, tocha/_threads.py; PyTorch:
its intra-op pool). Quiet and contended phases alternate, tocha and PyTorch interleaved inside
each; a phase with a competitor starts one `while True: pass` process first. The rows give each
library's slow-down, contended median / quiet median (tocha's bound: 1.5x), and the medians.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

from _common import Row, libs, print_table
from train_loops import lenet_step, mlp_step

_SPIN = "while True: pass"


def _phase(batches, number, times):
    for i, b in enumerate(batches):
        t0 = time.perf_counter()
        b(number)
        times[i].append((time.perf_counter() - t0) / number * 1e3)


def contended(setup, *, rounds: int = 4, per_phase: int = 3, number: int = 3):
    """(quiet, contended) median ms for (tocha, torch), phases alternating `rounds` times."""
    batches = [setup(lib) for lib in libs()]
    for b in batches:
        b(2)
    quiet: list[list[float]] = [[], []]
    busy: list[list[float]] = [[], []]
    for _ in range(rounds):
        for _ in range(per_phase):
            _phase(batches, number, quiet)
        spin = subprocess.Popen([sys.executable, "-c", _SPIN])
        try:
            time.sleep(0.3)                 # let the scheduler settle the competitor in
            for _ in range(per_phase):
                _phase(batches, number, busy)
        finally:
            spin.kill()
            spin.wait()
    med = statistics.median
    return [med(q) for q in quiet], [med(b) for b in busy]


def bench(quick: bool = False) -> list[Row]:
    rows = []
    for name, setup in (("MLP step", mlp_step), ("LeNet-5 step", lenet_step)):
        try:
            (qt, qp), (bt, bp) = contended(setup, rounds=2 if quick else 4)
        except Exception as e:  # noqa: BLE001  (report and go on, like _common.guarded)
            rows.append(Row(f"{name}: busy / quiet", None, None, "x", note=repr(e)[:80]))
            continue
        r = Row(f"{name}: busy / quiet (1 competing process)", bt / qt, bp / qp, "x",
                note=f"quiet {qt:.2f} / {qp:.2f} ms, busy {bt:.2f} / {bp:.2f} ms")
        r.limit = 1.5
        rows.append(r)
    return rows


if __name__ == "__main__":
    print_table(bench(quick="--quick" in sys.argv), "busy machine (tocha / PyTorch medians)")
