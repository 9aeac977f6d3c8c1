"""Per-op Python overhead on tiny tensors, tocha vs PyTorch in one process (issue #7, item 6).

    python benchmarks/op_overhead.py

1. autograd step: `y = (a*b + a).tanh().sum(); y.backward()` on 10-element float32 tensors
   that require grad (target: at most 0.4x PyTorch's time);
2. no-grad `x + y` on 10-element float32 tensors (target: at most 0.8x);
3. the seed-000 hand-written linear regression epoch (`a*x + b`, MSE, backward, an update
   under no_grad, `grad.zero_()`) on 100 samples (target: at most 0.4x);
4. `import tocha` vs `import torch` in fresh interpreters (target: at most 0.1x);
5. for reference, step 1 on the least autograd Python can run (`_bare_autograd.py`: no
   PyTorch semantics at all), against PyTorch's: a lower bound for any Python design.
Median of interleaved repeats; times per call in microseconds (import: milliseconds).
"""
from __future__ import annotations

import statistics
import subprocess
import sys

import _bare_autograd
import numpy as np
from _common import ROOT, Row, compare, compile_tocha, guarded, print_table


def autograd_step(lib):
    lib.manual_seed(0)
    a = lib.randn(10, dtype=lib.float32).requires_grad_()
    b = lib.randn(10, dtype=lib.float32).requires_grad_()

    def batch(n):
        for _ in range(n):
            y = (a * b + a).tanh().sum()
            y.backward()
    return batch


def bare_step(lib):
    """Step 1 on `_bare_autograd`'s Values in tocha's place; PyTorch's own step beside it."""
    return _bare_autograd.step_batch() if lib.__name__ == "tocha" else autograd_step(lib)


def nograd_add(lib):
    x = lib.randn(10, dtype=lib.float32)
    y = lib.randn(10, dtype=lib.float32)

    def batch(n):
        with lib.no_grad():
            for _ in range(n):
                x + y
    return batch


def seed000_epoch(lib):
    """One epoch of seed 000's linear regression written by hand (its inner loop)."""
    rs = np.random.RandomState(0)
    x_data = lib.linspace(-5, 5, 100)
    y_data = 3 * x_data - 2 + lib.tensor(rs.normal(scale=1, size=100))
    lib.manual_seed(0)
    a = lib.randn(1, requires_grad=True, dtype=lib.float)
    b = lib.randn(1, requires_grad=True, dtype=lib.float)
    lr = 1e-2

    def batch(n):
        for _ in range(n):
            loss = ((y_data - (a * x_data + b)) ** 2).mean()
            loss.detach().cpu().numpy()
            loss.backward()
            with lib.no_grad():
                a.sub_(lr * a.grad)
                b.sub_(lr * b.grad)
            a.grad.zero_()
            b.grad.zero_()
    return batch


def _import_ms(module: str) -> float:
    code = ("import time; t = time.perf_counter(); import " + module
            + "; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return float(out.stdout) * 1e3


def import_times(runs: int = 5) -> tuple[float, float]:
    """Median `import` time of tocha and of torch, fresh interpreters, interleaved (both with
    their bytecode caches, as installed)."""
    compile_tocha()
    t, p = [], []
    for _ in range(runs):
        t.append(_import_ms("tocha"))
        p.append(_import_ms("torch"))
    return statistics.median(t), statistics.median(p)


def bench(quick: bool = False) -> list[Row]:
    repeat = 5 if quick else 15
    return [
        guarded("autograd step (a*b+a).tanh().sum().backward(), 10 el",
                lambda: compare(autograd_step, repeat=repeat, scale=1e6), unit="us", target=0.4),
        guarded("no-grad x + y, 10 el",
                lambda: compare(nograd_add, repeat=repeat, scale=1e6), unit="us", target=0.8),
        guarded("seed-000 linear regression epoch (hand-written, 100 samples)",
                lambda: compare(seed000_epoch, repeat=repeat, scale=1e6), unit="us",
                target=0.4),
        guarded("import tocha vs import torch (fresh interpreter)",
                lambda: import_times(3 if quick else 7), unit="ms", target=0.1),
        guarded("(floor) step 1 on a semantics-free Python autograd, in tocha's column",
                lambda: compare(bare_step, repeat=repeat, scale=1e6), unit="us"),
    ]


if __name__ == "__main__":
    print_table(bench(), "op overhead (median per call)")
