"""Reduced-precision arrays (bfloat16 and the float8 types, stored by ml_dtypes): PyTorch's CPU
kernels compute them in float32 and round the result once; these helpers do the same."""
from __future__ import annotations

import numpy as np

_F32 = np.dtype(np.float32)


def up(x):
    """(`x` in float32, its dtype to round back to) for a reduced array; (`x`, None) else."""
    if x.dtype.kind == "V":
        return x.astype(_F32), x.dtype
    return x, None


def down(y, dt):
    """`y` rounded (to nearest even) back to reduced dtype `dt`; unchanged when `dt` is None."""
    return y if dt is None else np.asarray(y).astype(dt)


def nll_sums(picked, wts, keep):
    """(loss sum, weight sum) of a 1-d batch as PyTorch's CPU nll_loss adds them for a reduced
    float type: in that type, through its 8-level cascade of partial sums (levels 16 apart).

    `picked` holds the chosen log-probabilities, `wts` their class weights (None: all 1),
    `keep` False where the target is ignore_index (skipped, as PyTorch skips it)."""
    dt = picked.dtype.type
    zero = dt(0)
    loss, wsum = [zero] * 8, [zero] * 8
    for b in range(picked.shape[0]):
        if not keep[b]:
            continue
        if wts is None:
            loss[0] = dt(loss[0] - picked[b])
        else:
            wsum[0] = dt(wsum[0] + wts[b])
            loss[0] = dt(loss[0] - dt(picked[b] * wts[b]))
        for j in range(7):
            if b & (15 << (4 * j)):
                break
            wsum[j + 1], loss[j + 1] = dt(wsum[j + 1] + wsum[j]), dt(loss[j + 1] + loss[j])
            wsum[j] = loss[j] = zero
    tl, tw = zero, zero
    for v, w in zip(loss, wsum):
        tl, tw = dt(tl + v), dt(tw + w)
    return tl, (tw if wts is not None else dt(int(sum(bool(k) for k in keep))))


def narrow_float(dt) -> bool:
    """Whether NumPy dtype `dt` is a float type narrower than float32 (float16, bfloat16,
    float8): PyTorch converts a double (or an integer) to one through float32."""
    return dt.itemsize < 4 and dt.kind in "fV"


def cast_to(x, dt):
    """`x.astype(dt)` for an ml_dtypes or float16 target, with PyTorch's conversion where it
    differs: a float64 or integer source goes through float32 first (two roundings, where
    NumPy rounds once); float8_e4m3fn saturates at +-448 (inf included), float8_e8m0fnu
    ignores the sign and takes 0 to its all-zero bits (2**-127); NaN stays NaN."""
    if x.dtype.kind in "iuf" and x.dtype.itemsize >= 4 and x.dtype != _F32 and narrow_float(dt):
        x = x.astype(_F32)
    name = dt.name
    if name == "float8_e4m3fn":
        return np.clip(x, -448.0, 448.0).astype(dt)
    if name == "float8_e8m0fnu":
        a = np.abs(x)
        out = np.asarray(a.astype(dt))
        out.view(np.uint8)[a == 0] = 0
        return out
    return x.astype(dt)
