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


def median_time(fn, *, number: int = 1, repeat: int = 7, warmup: int = 1) -> float:
    """Median over `repeat` runs of the seconds one call of `fn` takes (`number` calls a run)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def auto_number(fn, budget: float = 0.02) -> int:
    """Calls per run so that a run lasts about `budget` seconds (timer noise stays small)."""
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, min(100_000, int(budget / one)))


def measure(fn, *, repeat: int = 7, budget: float = 0.02) -> float:
    """Median seconds per call of `fn`, with the run length chosen automatically."""
    fn()  # first call outside: lazy imports, caches
    return median_time(fn, number=auto_number(fn, budget), repeat=repeat, warmup=0)


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
