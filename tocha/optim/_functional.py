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


# PyTorch's CPU kernels for add(alpha=), lerp and addcmul use a fused multiply-add (one
# rounding). For float32 it is exact through float64 (the product of two floats is exact
# there), but that costs ~6x a plain pass, so SGD uses it only for arrays this small, where
# Python overhead dominates anyway: small models then follow PyTorch's trajectory bit for bit.
EXACT_FMA_MAX = 4096
_f64 = np.float64


def fma_(x: np.ndarray, alpha: float, y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = x * alpha + y rounded once (alpha first rounded to float32, PyTorch's opmath
    type for float32 and float16)."""
    a = float(np.float32(alpha))
    t = np.multiply(x, a, dtype=_f64)
    return np.add(t, y, out=out, casting="same_kind")


def exact(a: np.ndarray) -> bool:
    """Whether updates of `a` emulate the fused multiply-add (small float32/float16 arrays)."""
    return a.size <= EXACT_FMA_MAX and a.itemsize < 8
