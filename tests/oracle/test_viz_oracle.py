"""make_dot against torchviz's walk over PyTorch's graph for the same computation: the same
boxes (backward node names, parameter names and sizes, outputs) and the same number of
arrows. torchviz itself is not installed; its add_nodes walk is restated here."""
import collections

import numpy as np
import pytest
import torch

import tocha
from tocha.viz import build_graph


def torchviz_boxes(var, params):
    """torchviz's make_dot boxes and arrows for a torch graph (no saved tensors shown)."""
    pmap = {id(v): k for k, v in params.items()}
    boxes, arrows, seen = collections.Counter(), 0, set()
    outs = var if isinstance(var, tuple) else (var,)
    for v in outs:
        boxes[f"out {tuple(v.shape)}"] += 1
        if v.grad_fn is None:
            continue
        arrows += 1
        stack = [v.grad_fn]
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            if hasattr(fn, "variable"):
                boxes[f"leaf {pmap.get(id(fn.variable), '')} {tuple(fn.variable.shape)}"] += 1
                arrows += 1
            boxes[type(fn).__name__] += 1
            for u, _ in fn.next_functions:
                if u is not None:
                    arrows += 1
                    stack.append(u)
    return boxes, arrows


def tocha_boxes(var, params):
    g = build_graph(var, params)
    boxes = collections.Counter()
    for lab, attrs in g.nodes.values():
        color = attrs.get("fillcolor")
        if color is None:
            boxes[lab] += 1
            continue
        name, _, size = lab.partition("\n ")
        shape = tuple(int(s) for s in size.strip("()").split(",") if s.strip())
        boxes[("out" if color == "darkolivegreen1" else "leaf " + name) + f" {shape}"] += 1
    return boxes, len(g.edges)


def run_both(fn, shapes, names):
    rs = np.random.RandomState(0)
    arrays = [rs.randn(*s).astype(np.float32) for s in shapes]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    yt = [tocha.tensor(a, requires_grad=True) for a in arrays]
    tp = dict(zip(names, tt))
    yp = dict(zip(names, yt))
    return torchviz_boxes(fn(torch, *tt), tp), tocha_boxes(fn(tocha, *yt), yp)


CASES = {
    "seed_002": (lambda L, w, x: ((w * x) - 2 * x).pow(2).sum(), [(1,), (4,)], ["w", "x"]),
    "shared": (lambda L, w: (w * w + w).sum(), [(3,)], ["w"]),
    "mlp": (lambda L, x, w1, b1, w2: L.tanh(x @ w1.t() + b1).matmul(w2).mean(),
            [(5, 3), (4, 3), (4,), (4, 2)], ["x", "w1", "b1", "w2"]),
    "linreg_seed_004": (lambda L, a, b, x: ((x - (a + b * x)) ** 2).mean(),
                        [(1,), (1,), (8, 1)], ["a", "b", "x"]),
    "reductions": (lambda L, x: (x.exp().sum(1) / x.abs().max()).log().sum(), [(3, 4)], ["x"]),
    "two_outputs": (lambda L, x: (x.sin(), (x * 3).sum()), [(2, 2)], ["x"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_boxes_and_arrows(name):
    fn, shapes, names = CASES[name]
    (tb, ta), (yb, ya) = run_both(fn, shapes, names)
    assert yb == tb
    assert ya == ta


def test_leaf_without_params_has_empty_name():
    (tb, _), (yb, _) = run_both(lambda L, x: (x * 2).sum(), [(2,)], [])
    assert tb == yb and tb["leaf  (2,)"] == 1
