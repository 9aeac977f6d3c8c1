"""`affine_grid` and `grid_sample` (2-d, bilinear or nearest, zeros/border/reflection
padding), composed from tocha ops: gradients flow to the input (through gather) and to the
grid (through the interpolation weights), as PyTorch's."""
from __future__ import annotations

import warnings

import tocha
from tocha import Tensor

from .. import _autocast

__all__ = ["affine_grid", "grid_sample"]

_WARN = ("Default grid_sample and affine_grid behavior has changed to align_corners=False "
         "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
         "the documentation of grid_sample for details.")


def _align(align_corners):
    if align_corners is None:
        warnings.warn(_WARN, UserWarning, stacklevel=3)
        return False
    return align_corners


def _base(n: int, align_corners: bool, dtype) -> Tensor:
    if n <= 1:
        return tocha.zeros(max(n, 0), dtype=dtype)
    steps = tocha.arange(n, dtype=dtype)
    if align_corners:
        return steps * (2.0 / (n - 1)) - 1
    return (steps * 2 + 1) / n - 1


def affine_grid(theta: Tensor, size: list[int] | tuple[int, ...],
                align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps theta (N, 2, 3)
    (or (N, 3, 4)) for an output of `size` (N, C, H, W) (or (N, C, D, H, W))."""
    align_corners = _align(align_corners)
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = list(size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {list(theta.shape)}.")
        n, _, h, w = size
        xs, ys = _base(w, align_corners, theta.dtype), _base(h, align_corners, theta.dtype)
        base = tocha.stack([xs.reshape(1, w).expand(h, w), ys.reshape(h, 1).expand(h, w),
                            tocha.ones(h, w, dtype=theta.dtype)], -1).reshape(h * w, 3)
        return (base @ theta.transpose(1, 2)).reshape(n, h, w, 2)
    if len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {list(theta.shape)}.")
        n, _, d, h, w = size
        xs, ys, zs = (_base(w, align_corners, theta.dtype), _base(h, align_corners, theta.dtype),
                      _base(d, align_corners, theta.dtype))
        base = tocha.stack([xs.reshape(1, 1, w).expand(d, h, w),
                            ys.reshape(1, h, 1).expand(d, h, w),
                            zs.reshape(d, 1, 1).expand(d, h, w),
                            tocha.ones(d, h, w, dtype=theta.dtype)], -1).reshape(d * h * w, 4)
        return (base @ theta.transpose(1, 2)).reshape(n, d, h, w, 3)
    raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                              f"affine transforms, respectively. Got size {size}.")


def _unnormalize(c: Tensor, size: int, align_corners: bool) -> Tensor:
    return (c + 1) / 2 * (size - 1) if align_corners else ((c + 1) * size - 1) / 2


def _reflect(c: Tensor, twice_low: int, twice_high: int) -> Tensor:
    if twice_low == twice_high:
        return c * 0
    lo, span = twice_low / 2, (twice_high - twice_low) / 2
    c = (c - lo).abs()
    extra = tocha.fmod(c, span)
    flips = (c / span).floor().detach()
    return tocha.where(flips % 2 == 0, extra + lo, span - extra + lo)


def _source(c: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    c = _unnormalize(c, size, align_corners)
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def _gather(flat: Tensor, ix: Tensor, iy: Tensor, w: int, h: int) -> Tensor:
    """input values at integer (ix, iy) (N, Ho*Wo); out of range -> 0."""
    valid = (ix >= 0) & (ix <= w - 1) & (iy >= 0) & (iy <= h - 1)
    idx = (iy.clamp(0, h - 1) * w + ix.clamp(0, w - 1)).to(tocha.int64)
    n, c = flat.shape[:2]
    vals = flat.gather(2, idx.reshape(n, 1, -1).expand(n, c, idx.shape[-1]))
    return vals * valid.reshape(n, 1, -1).to(flat.dtype)


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Sample input (N, C, H, W) at grid (N, Ho, Wo, 2) ((x, y) in [-1, 1]) -> (N, C, Ho, Wo);
    input (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) -> (N, C, Do, Ho, Wo) ('bicubic' is 2-d
    only, as in PyTorch)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("grid_sampler", grid_sample, **locals())
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    align_corners = _align(align_corners)
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in "
                           f"last dimension, but got grid with sizes {list(grid.shape)}")
    if input.ndim != 4 or mode == "bicubic":  # 3-d sampling and bicubic: torch.grid_sampler's
        from .._ops.nn_aten_functional import grid_sampler
        return grid_sampler(input, grid, ("bilinear", "nearest", "bicubic").index(mode),
                            ("zeros", "border", "reflection").index(padding_mode),
                            align_corners)
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    g = grid.reshape(n, ho * wo, 2)
    ix = _source(g[..., 0], w, padding_mode, align_corners)
    iy = _source(g[..., 1], h, padding_mode, align_corners)
    flat = input.reshape(n, c, h * w)
    if mode == "nearest":
        out = _gather(flat, ix.round().detach(), iy.round().detach(), w, h)
        return out.reshape(n, c, ho, wo)
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = ix - x0, iy - y0
    wx0, wy0 = 1 - wx1, 1 - wy1
    out = (_gather(flat, x0, y0, w, h) * (wx0 * wy0).unsqueeze(1)
           + _gather(flat, x1, y0, w, h) * (wx1 * wy0).unsqueeze(1)
           + _gather(flat, x0, y1, w, h) * (wx0 * wy1).unsqueeze(1)
           + _gather(flat, x1, y1, w, h) * (wx1 * wy1).unsqueeze(1))
    return out.reshape(n, c, ho, wo)
