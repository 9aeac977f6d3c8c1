"""`make_tensor`: a tensor of given shape and dtype filled with random values in a range."""
from __future__ import annotations

import tocha
from tocha import Tensor


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format=None) -> Tensor:
    """Random values in [low, high) (defaults as PyTorch: floats in [-9, 9), integers in
    [-9, 10), uint8 from 0, bool True/False); drawn from tocha's global generator."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if dtype is tocha.bool:
        t = tocha.randint(0, 2, shape, device=device).to(tocha.bool)
    elif dtype.is_floating_point:
        lo = -9.0 if low is None else low
        hi = 9.0 if high is None else high
        t = tocha.rand(*shape, dtype=dtype, device=device) * (hi - lo) + lo
    else:
        lo = (0 if dtype is tocha.uint8 else -9) if low is None else int(low)
        hi = 10 if high is None else int(high)
        t = tocha.randint(lo, hi, shape, dtype=dtype, device=device)
    if exclude_zero and dtype is not tocha.bool:
        eps = 1 if not dtype.is_floating_point else tocha.finfo(dtype).tiny \
            if hasattr(tocha, "finfo") else 1e-30
        t = tocha.where(t == 0, tocha.full_like(t, eps), t)
    if requires_grad:
        t.requires_grad_(True)
    return t
