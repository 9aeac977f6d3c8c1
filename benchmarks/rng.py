"""Bit-exact random numbers must stay fast (issue #2): randn/rand of 1,000,000 float32.

    python benchmarks/rng.py

The issue's bounds are absolute (randn <= 60 ms, rand <= 20 ms on the 2-core machine); the
table shows them next to PyTorch's time.
"""
from __future__ import annotations

from _common import Row, compare, guarded, print_table

N = 1_000_000


def sampler(name: str):
    def setup(lib):
        lib.manual_seed(0)
        fn = getattr(lib, name)

        def batch(n):
            for _ in range(n):
                fn(N)
        return batch
    return setup


def bench(quick: bool = False) -> list[Row]:
    repeat = 3 if quick else 9
    rows = []
    for name, limit in (("randn", 60.0), ("rand", 20.0)):
        r = guarded(f"{name}(1_000_000) float32",
                    lambda name=name: compare(sampler(name), repeat=repeat, number=1))
        r.limit = limit
        rows.append(r)
    return rows


if __name__ == "__main__":
    print_table(bench(), "random numbers (median per call)")
