"""Reduced-precision arrays (bfloat16 and the float8 types, stored by ml_dtypes): PyTorch's CPU
kernels compute them in float32 and round the result once; these helpers do the same."""
from __future__ import annotations

import numpy as np

_F32 = np.dtype(np.float32)


def is_lowp(x) -> bool:
    """Whether array `x` holds an ml_dtypes type (NumPy reports their kind as 'V')."""
    return x.dtype.kind == "V"


def up(x):
    """(`x` in float32, its dtype to round back to) for a reduced array; (`x`, None) else."""
    if x.dtype.kind == "V":
        return x.astype(_F32), x.dtype
    return x, None


def down(y, dt):
    """`y` rounded (to nearest even) back to reduced dtype `dt`; unchanged when `dt` is None."""
    return y if dt is None else np.asarray(y).astype(dt)
