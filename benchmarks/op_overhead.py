"""Per-op Python overhead on tiny tensors (issue #2), tocha vs PyTorch in one process.

    python benchmarks/op_overhead.py

1. autograd step: `y = (a*b + a).tanh().sum(); y.backward()` on 10-element float32 tensors
   that require grad (target: at most half of PyTorch's time);
2. no-grad `x + y` on 10-element float32 tensors (target: at most PyTorch's time).
Median of repeats; times per call in microseconds.
"""
from __future__ import annotations

from _common import Row, guarded, libs, measure, print_table


def autograd_step(lib, repeat: int) -> float:
    lib.manual_seed(0)
    a = lib.randn(10, dtype=lib.float32).requires_grad_()
    b = lib.randn(10, dtype=lib.float32).requires_grad_()

    def step():
        y = (a * b + a).tanh().sum()
        y.backward()

    return measure(step, repeat=repeat) * 1e6


def nograd_add(lib, repeat: int) -> float:
    x = lib.randn(10, dtype=lib.float32)
    y = lib.randn(10, dtype=lib.float32)
    with lib.no_grad():
        return measure(lambda: x + y, repeat=repeat) * 1e6


def bench(quick: bool = False) -> list[Row]:
    tocha, torch = libs()
    repeat = 5 if quick else 15
    return [
        guarded("autograd step (a*b+a).tanh().sum().backward(), 10 el",
                lambda: (autograd_step(tocha, repeat), autograd_step(torch, repeat)),
                unit="us", target=0.5),
        guarded("no-grad x + y, 10 el",
                lambda: (nograd_add(tocha, repeat), nograd_add(torch, repeat)),
                unit="us", target=1.0),
    ]


if __name__ == "__main__":
    print_table(bench(), "op overhead (median per call)")
