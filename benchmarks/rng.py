"""Bit-exact random numbers must stay fast (issue #2): randn/rand of 1,000,000 float32.

    python benchmarks/rng.py

Issue #11's bounds are ratios to PyTorch: randn <= 2x, rand <= 1.2x (issue #2's absolute
bounds, 60 ms and 20 ms on the 2-core machine, are far looser).
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
    for name, target in (("randn", 2.0), ("rand", 1.2)):
        rows.append(guarded(f"{name}(1_000_000) float32, bit-exact",
                            lambda name=name: compare(sampler(name), repeat=repeat, number=3),
                            target=target))
    return rows


if __name__ == "__main__":
    print_table(bench(), "random numbers (median per call)")
