"""The MLP step of issue #11 piece by piece, tocha vs PyTorch in one process, one thread each.

    python benchmarks/mlp_pieces.py

`train_loops.py::mlp_step` (784-256-128-10 ReLU MLP, batch 128, cross-entropy, SGD momentum
0.9) cut into what each library computes: every module's forward (graph recorded), every
GEMM kernel in the layout the library hands its BLAS, ReLU's and cross-entropy's gradients,
the bias-gradient sums, tocha's first-gradient copies, the optimizer step, then the whole step's
phases in context (five steps in a row per library, libraries alternating). Isolated pieces are
the fastest of 15 runs (least disturbed by other processes); phases are medians. Where a
piece is tocha's alone (the engine's .grad copies) PyTorch's column is empty. See the MLP section
of docs/performance.md for a table this printed and what it means.
"""
from __future__ import annotations

import os
import statistics
import time
import timeit

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"      # before NumPy or torch load their thread pools

import numpy as np
from _common import Row, libs, print_table
from train_loops import mlp_setup


def _best_us(fn) -> float:
    """Fastest of 15 runs of about 10 ms each, in microseconds per call."""
    fn()
    t0 = time.perf_counter()
    fn()
    n = max(1, int(0.01 / max(time.perf_counter() - t0, 1e-7)))
    return min(timeit.repeat(fn, number=n, repeat=15)) / n * 1e6


def _model(lib):
    return mlp_setup(lib)


def _forward_pieces(model, loss_fn, x, t) -> list[float]:
    l0, r0, l1, r1, l2 = model
    h0 = l0(x)
    a0 = r0(h0)
    h1 = l1(a0)
    a1 = r1(h1)
    h2 = l2(a1)
    leaf = h2.detach().requires_grad_()
    times = [_best_us(lambda: l0(x)), _best_us(lambda: r0(h0)), _best_us(lambda: l1(a0)),
             _best_us(lambda: r1(h1)), _best_us(lambda: l2(a1)),
             _best_us(lambda: loss_fn(leaf, t))]
    times.append(_best_us(lambda: loss_fn(leaf, t).backward()) - times[-1])
    return times


_FORWARD = ("fwd Linear 784->256", "fwd ReLU 128x256", "fwd Linear 256->128",
            "fwd ReLU 128x128", "fwd Linear 128->10", "fwd cross-entropy 128x10",
            "bwd cross-entropy 128x10")


def _kernel_rows(torch) -> list[Row]:
    """The array kernels alone: NumPy's in tocha's layouts, PyTorch's ATen calls."""
    from tocha._ops.linalg import _sum_bias
    from tocha._ops.unary import _relu_grad
    r = np.random.RandomState(0)
    x, w1, w2, w3, a0, a1, g1, g2, g3 = (
        r.randn(*s).astype(np.float32) for s in ((128, 784), (256, 784), (128, 256), (10, 128),
                                                 (128, 256), (128, 128), (128, 256),
                                                 (128, 128), (128, 10)))
    T = torch.from_numpy
    tx, tw1, tw2, tw3, ta0, ta1, tg1, tg2, tg3 = (T(v) for v in (x, w1, w2, w3, a0, a1, g1, g2,
                                                                 g3))
    mm, thr = torch.mm, torch.ops.aten.threshold_backward
    cases = [
        ("GEMM fwd x @ W1.T (128x784x256)", lambda: x @ w1.T, lambda: mm(tx, tw1.t())),
        ("GEMM fwd a0 @ W2.T (128x256x128)", lambda: a0 @ w2.T, lambda: mm(ta0, tw2.t())),
        ("GEMM fwd a1 @ W3.T (128x128x10)", lambda: a1 @ w3.T, lambda: mm(ta1, tw3.t())),
        ("GEMM bwd gW3 = g3.T @ a1", lambda: g3.T @ a1, lambda: mm(tg3.t(), ta1)),
        ("GEMM bwd ga1 = g3 @ W3", lambda: g3 @ w3, lambda: mm(tg3, tw3)),
        ("GEMM bwd gW2 = g2.T @ a0", lambda: g2.T @ a0, lambda: mm(tg2.t(), ta0)),
        ("GEMM bwd ga0 = g2 @ W2", lambda: g2 @ w2, lambda: mm(tg2, tw2)),
        ("GEMM bwd gW1 = g1.T @ x", lambda: g1.T @ x, lambda: mm(tg1.t(), tx)),
        ("ReLU gradient 128x256", lambda: _relu_grad(a0, g1), lambda: thr(tg1, ta0, 0)),
        ("ReLU gradient 128x128", lambda: _relu_grad(a1, g2), lambda: thr(tg2, ta1, 0)),
        ("bias gradient sums (3)",
         lambda: [_sum_bias(g, (g.shape[1],)) for g in (g1, g2, g3)],
         lambda: [g.sum(0) for g in (tg1, tg2, tg3)]),
        ("first .grad copies (6, tocha's engine)",
         lambda: [a.copy() for a in (w1, w2, w3, g1[0], g2[0], g3[0])], None),
    ]
    return [Row(name, _best_us(a), b and _best_us(b), "us") for name, a, b in cases]


def _phases(models, steps: int = 5, rounds: int = 40) -> dict:
    """Median microseconds of zero_grad, forward, backward and step, in context."""
    out = {lib: [[], [], [], []] for lib in models}
    pc = time.perf_counter
    for _ in range(rounds):
        for lib, (model, opt, loss_fn, x, t) in models.items():
            for _ in range(steps):
                t0 = pc()
                opt.zero_grad()
                t1 = pc()
                loss = loss_fn(model(x), t)
                t2 = pc()
                loss.backward()
                t3 = pc()
                opt.step()
                t4 = pc()
                del loss
                for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    out[lib][i].append(d * 1e6)
    return {lib: [statistics.median(v) for v in ph] for lib, ph in out.items()}


def bench(quick: bool = False) -> list[Row]:
    tocha, torch = libs()
    torch.set_num_threads(1)      # (the environment variables above set their pools' size)
    tocha.set_num_threads(1)
    models = {lib: _model(lib) for lib in (tocha, torch)}
    fwd = {lib: _forward_pieces(m[0], m[2], m[3], m[4]) for lib, m in models.items()}
    rows = [Row(n, fwd[tocha][i], fwd[torch][i], "us") for i, n in enumerate(_FORWARD)]
    rows += _kernel_rows(torch)
    for model, _, loss_fn, x, t in models.values():
        loss_fn(model(x), t).backward()
    rows.append(Row("SGD momentum step (6 params)", _best_us(models[tocha][1].step),
                    _best_us(models[torch][1].step), "us"))
    ph = _phases(models, rounds=10 if quick else 40)
    for i, n in enumerate(("step: zero_grad", "step: forward", "step: backward", "step: SGD")):
        rows.append(Row(n, ph[tocha][i], ph[torch][i], "us"))
    rows.append(Row("step: total (sum of the phases)", sum(ph[tocha]), sum(ph[torch]), "us"))
    return rows


if __name__ == "__main__":
    rows = bench()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print_table(rows, f"MLP step by piece, one thread each (load average {load})")
