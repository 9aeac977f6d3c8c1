"""Bit-exact random numbers must stay fast (issue #2): randn/rand of 1,000,000 float32.

    python benchmarks/rng.py

Targets from the issue are absolute (randn <= 60 ms, rand <= 20 ms on the 2-core machine);
the table shows them next to PyTorch's time.
"""
from __future__ import annotations

from _common import Row, guarded, libs, measure, print_table

N = 1_000_000


def timed(lib, name: str, repeat: int) -> float:
    lib.manual_seed(0)
    fn = getattr(lib, name)
    return measure(lambda: fn(N), repeat=repeat, budget=0.0) * 1e3


def bench(quick: bool = False) -> list[Row]:
    tocha, torch = libs()
    repeat = 3 if quick else 9
    rows = []
    for name, limit in (("randn", 60.0), ("rand", 20.0)):
        r = guarded(f"{name}(1_000_000) float32",
                    lambda name=name: (timed(tocha, name, repeat), timed(torch, name, repeat)))
        r.limit = limit
        rows.append(r)
    return rows


if __name__ == "__main__":
    print_table(bench(), "random numbers (median per call)")
