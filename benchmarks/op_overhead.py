"""Per-op Python overhead on tiny tensors (issue #2), tocha vs PyTorch in one process.

    python benchmarks/op_overhead.py

1. autograd step: `y = (a*b + a).tanh().sum(); y.backward()` on 10-element float32 tensors
   that require grad (target: at most half of PyTorch's time);
2. no-grad `x + y` on 10-element float32 tensors (target: at most PyTorch's time).
Median of interleaved repeats; times per call in microseconds.
"""
from __future__ import annotations

from _common import Row, compare, guarded, print_table


def autograd_step(lib):
    lib.manual_seed(0)
    a = lib.randn(10, dtype=lib.float32).requires_grad_()
    b = lib.randn(10, dtype=lib.float32).requires_grad_()

    def batch(n):
        for _ in range(n):
            y = (a * b + a).tanh().sum()
            y.backward()
    return batch


def nograd_add(lib):
    x = lib.randn(10, dtype=lib.float32)
    y = lib.randn(10, dtype=lib.float32)

    def batch(n):
        with lib.no_grad():
            for _ in range(n):
                x + y
    return batch


def bench(quick: bool = False) -> list[Row]:
    repeat = 5 if quick else 15
    return [
        guarded("autograd step (a*b+a).tanh().sum().backward(), 10 el",
                lambda: compare(autograd_step, repeat=repeat, scale=1e6), unit="us", target=0.5),
        guarded("no-grad x + y, 10 el",
                lambda: compare(nograd_add, repeat=repeat, scale=1e6), unit="us", target=1.0),
    ]


if __name__ == "__main__":
    print_table(bench(), "op overhead (median per call)")
