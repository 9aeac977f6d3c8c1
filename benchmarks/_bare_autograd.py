"""The least a reverse-mode autograd written in Python does for the op-overhead benchmark's
step `(a*b + a).tanh().sum().backward()`: closures on NumPy arrays, micrograd's shape.

It has none of PyTorch's semantics (no dtypes or promotion, views, version counters, hooks,
devices, grad modes, checks, or Tensor-valued gradients for double backward), so its time is a
lower bound for any Python design of that step; `op_overhead.py` prints it beside tocha's and
PyTorch's. Not used by tocha.
"""
from __future__ import annotations

import numpy as np


class Value:
    __slots__ = ("back", "data", "grad", "parents")

    def __init__(self, data, parents=(), back=None):
        self.data, self.parents, self.back, self.grad = data, parents, back, None

    def __mul__(self, o):
        return Value(self.data * o.data, (self, o), lambda g: (g * o.data, g * self.data))

    def __add__(self, o):
        return Value(self.data + o.data, (self, o), lambda g: (g, g))

    def tanh(self):
        y = np.tanh(self.data)
        return Value(y, (self,), lambda g: (g * (1 - y * y),))

    def sum(self):
        shape = self.data.shape
        return Value(np.add.reduce(self.data, axis=None), (self,),
                     lambda g: (np.broadcast_to(g, shape),))

    def backward(self):
        # count the edges into each value, then run each once all its users delivered
        deps, stack = {}, [self]
        while stack:
            for p in stack.pop().parents:
                if p in deps:
                    deps[p] += 1
                else:
                    deps[p] = 1
                    stack.append(p)
        grads, ready = {self: np.ones((), self.data.dtype)}, [self]
        while ready:
            v = ready.pop()
            g = grads.pop(v)
            if v.back is None:      # a leaf
                v.grad = g.copy() if v.grad is None else v.grad + g
                continue
            for p, gp in zip(v.parents, v.back(g)):
                old = grads.get(p)
                grads[p] = gp if old is None else old + gp
                deps[p] -= 1
                if not deps[p]:
                    ready.append(p)


def step_batch():
    """`batch(n)`: n steps of `(a*b + a).tanh().sum().backward()` on 10-element Values."""
    rs = np.random.RandomState(0)
    a, b = (Value(rs.randn(10).astype(np.float32)) for _ in range(2))

    def batch(n):
        for _ in range(n):
            (a * b + a).tanh().sum().backward()
    return batch
