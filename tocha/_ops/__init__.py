"""Differentiable primitives (forward on NumPy arrays, backward in tocha ops) and the
functions that call them. Which of them are Tensor methods: tocha/_tensor_methods.py."""
from __future__ import annotations

from . import elementwise, indexing, linalg, movement, reduce

__all__ = ["elementwise", "indexing", "linalg", "movement", "reduce"]
