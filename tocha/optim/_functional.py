"""Array helpers shared by the update rules (PyTorch's kernels' operation order)."""
from __future__ import annotations

import numpy as np

_sub = np.subtract
_mul = np.multiply
_add = np.add


def lerp_(a: np.ndarray, b: np.ndarray, w: float, tmp: np.ndarray) -> None:
    """a <- lerp(a, b, w) in place, with PyTorch's two-sided formula (exact at w = 0 and 1)."""
    w = float(a.dtype.type(w))   # the weight is rounded to the tensor's dtype first
    _sub(b, a, out=tmp)
    if abs(w) < 0.5:
        tmp *= w
        a += tmp
    else:
        tmp *= w - 1.0           # exact: Sterbenz
        _add(b, tmp, out=a)


def addcmul_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float,
             tmp: np.ndarray) -> None:
    """a += value * t1 * t2 (PyTorch's order: (value * t1) * t2)."""
    if value == 1:
        _mul(t1, t2, out=tmp)
    else:
        _mul(t1, value, out=tmp)
        tmp *= t2
    a += tmp


def addcdiv_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float,
             tmp: np.ndarray) -> None:
    """a += value * t1 / t2 (PyTorch's order: (value * t1) / t2)."""
    if value == 1:
        np.divide(t1, t2, out=tmp)
    else:
        _mul(t1, value, out=tmp)
        tmp /= t2
    a += tmp


def decay(g: np.ndarray, p: np.ndarray, weight_decay: float, maximize: bool) -> np.ndarray:
    """The gradient after `maximize` and L2 weight decay (a new array when changed)."""
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * p
    return g
