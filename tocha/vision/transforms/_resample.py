"""Separable resampling weights for tensor `resize` (no NumPy: plain Python, then tocha ops).

With antialias (the default) the weights follow Pillow's filters (triangle for bilinear, Keys
cubic with a=-0.5 for bicubic) stretched by the downscale factor, which is what PyTorch's
antialiased `interpolate` computes; without antialias they are `interpolate`'s
(align_corners=False) taps. Each axis becomes an (out, in) matrix applied with one matmul.
"""
from __future__ import annotations

import math


def _triangle(x: float) -> float:
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _cubic(a: float):
    def f(x: float) -> float:
        x = abs(x)
        if x < 1.0:
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        if x < 2.0:
            return (((x - 5.0) * x + 8.0) * x - 4.0) * a
        return 0.0
    return f


def _box(x: float) -> float:
    return 1.0 if -0.5 <= x < 0.5 else 0.0


def weights(in_size: int, out_size: int, mode: str, antialias: bool) -> list[list[float]]:
    """(out_size, in_size) matrix W with out = W @ in along one axis."""
    scale = in_size / out_size
    rows = [[0.0] * in_size for _ in range(out_size)]
    if mode in ("nearest", "nearest-exact"):
        for o in range(out_size):
            src = (o + 0.5) * scale if mode == "nearest-exact" else o * scale
            rows[o][min(math.floor(src), in_size - 1)] = 1.0
        return rows
    if mode == "bicubic" and not antialias:
        # interpolate(mode='bicubic', align_corners=False): Keys a=-0.75, edge-clamped taps
        f = _cubic(-0.75)
        for o in range(out_size):
            src = (o + 0.5) * scale - 0.5
            i0 = math.floor(src)
            t = src - i0
            for k in range(-1, 3):
                rows[o][min(max(i0 + k, 0), in_size - 1)] += f(t - k)
        return rows
    filt, support = {"bilinear": (_triangle, 1.0), "bicubic": (_cubic(-0.5), 2.0),
                     "box": (_box, 0.5)}[mode]
    fscale = max(scale, 1.0) if antialias else 1.0
    support *= fscale
    inv = 1.0 / fscale
    for o in range(out_size):
        center = (o + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), in_size)
        ws = [filt((j - center + 0.5) * inv) for j in range(lo, hi)]
        total = sum(ws)
        for j, w in zip(range(lo, hi), ws):
            rows[o][j] = w / total if total != 0.0 else 0.0
    return rows
