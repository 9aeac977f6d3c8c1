"""Shared helpers: timing (median of repeats), result rows, the table printer."""
from __future__ import annotations

import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One workload measured on both libraries: times (or sizes) and the issue's target."""
    name: str
    tocha: float | None
    torch: float | None
    unit: str = "ms"
    target: float | None = None  # the bound on the tocha/torch ratio, if any
    note: str = ""
    limit: float | None = None  # the absolute bound on tocha's value, if any

    @property
    def ratio(self) -> float | None:
        if self.tocha is None or not self.torch:
            return None
        return self.tocha / self.torch


def compile_tocha() -> None:
    """Write tocha's bytecode caches (__pycache__), as `pip install` does for an installed
    package and as torch's wheel has: an import benchmark then compares like with like even
    where PYTHONDONTWRITEBYTECODE=1 (an editable checkout would else compile every module on
    every fresh import)."""
    import compileall
    compileall.compile_dir(str(ROOT / "tocha"), quiet=1)


def batch_of(fn):
    """A `batch(n)` that calls fn n times (the form `compare` times)."""
    def batch(n: int) -> None:
        for _ in range(n):
            fn()
    return batch


def compare(setup, *, repeat: int = 9, number: int | None = None, budget: float = 0.02,
            warmup: int = 1, scale: float = 1e3) -> tuple[float, float]:
    """Median time of one unit of work on tocha and on PyTorch, runs interleaved.

    `setup(lib)` builds the workload on one library and returns `batch(n)`, which does n units
    of work. Runs alternate tocha/PyTorch so both see the same machine load; each run does
    `number` units (by default enough for about `budget` seconds). Times are in seconds times
    `scale` (1e3: milliseconds)."""
    tocha, torch = libs()
    batches = [setup(tocha), setup(torch)]
    numbers = []
    for b in batches:
        b(warmup)
        if number is None:
            t0 = time.perf_counter()
            b(1)
            one = max(time.perf_counter() - t0, 1e-7)
            numbers.append(max(1, min(100_000, int(budget / one))))
        else:
            numbers.append(number)
    times: list[list[float]] = [[], []]
    for _ in range(repeat):
        for i, b in enumerate(batches):
            t0 = time.perf_counter()
            b(numbers[i])
            times[i].append((time.perf_counter() - t0) / numbers[i])
    return statistics.median(times[0]) * scale, statistics.median(times[1]) * scale


def guarded(name: str, fn, unit: str = "ms", target: float | None = None):
    """Run fn() -> (tocha, torch); a missing tocha feature gives a row saying so, not a crash."""
    try:
        t, p = fn()
        return Row(name, t, p, unit, target)
    except Exception as e:  # noqa: BLE001  (benchmarks report what is missing and go on)
        where = traceback.extract_tb(e.__traceback__)[-1]
        note = f"{type(e).__name__}: {str(e)[:70]} ({Path(where.filename).name}:{where.lineno})"
        return Row(name, None, None, unit, target, note=note)


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "us":
        return f"{v:,.1f} us"
    if unit == "ms":
        return f"{v:,.2f} ms"
    if unit == "s":
        return f"{v:,.3f} s"
    if unit == "MB":
        return f"{v:,.1f} MB"
    return f"{v:,.4g} {unit}"


def print_table(rows: list[Row], title: str = "") -> None:
    """Print rows as one aligned table: workload, tocha, PyTorch, ratio, target, verdict."""
    head = ("workload", "tocha", "PyTorch", "tocha/PyTorch", "target", "")
    body = []
    for r in rows:
        ratio = r.ratio
        if r.tocha is None:
            verdict = "n/a: " + r.note
        elif r.limit is not None:
            verdict = "ok" if r.tocha <= r.limit else "OVER the limit"
        elif ratio is not None and r.target is not None:
            verdict = "ok" if ratio <= r.target else "SLOWER than target"
        else:
            verdict = ""
        if r.tocha is not None and r.note:
            verdict = f"{verdict} ({r.note})" if verdict else r.note
        target = "-"
        if r.limit is not None:
            target = "<= " + fmt(r.limit, r.unit)
        elif r.target is not None:
            target = f"<= {r.target:g}x"
        body.append((r.name, fmt(r.tocha, r.unit), fmt(r.torch, r.unit),
                     "-" if ratio is None else f"{ratio:.2f}x", target, verdict))
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(5)]
    if title:
        print(title)
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  " + head[5]
    print(line)
    print("-" * min(len(line) + 20, 110))
    for b in body:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(b, widths))) + "  " + b[5])
    sys.stdout.flush()


def libs():
    """(tocha, torch) imported side by side: the benchmarks compare them in one process."""
    import torch

    import tocha
    return tocha, torch
