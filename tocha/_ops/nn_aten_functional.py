"""`torch.*` forms of nn.functional ops with ATen's argument conventions (enums as ints,
extra outputs): `embedding_bag`, `ctc_loss`, `grid_sampler(_2d/_3d)`,
`affine_grid_generator`, and `segment_reduce`.

They call the nn.functional implementations (so values and gradients are theirs); 3-d grid
sampling (trilinear/nearest) and `segment_reduce` are composed here from tocha ops.
"""
from __future__ import annotations

import numpy as np

import tocha
from tocha import Tensor

__all__ = ["affine_grid_generator", "ctc_loss", "embedding_bag", "grid_sampler",
           "grid_sampler_2d", "grid_sampler_3d", "segment_reduce"]

_BAG_MODES = ("sum", "mean", "max")
_REDUCTIONS = ("none", "mean", "sum")
_INTERP = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def _enum(op: str, what: str, value, names):
    if isinstance(value, str) and value in names:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    raise RuntimeError(f"{op}: {what} must be one of "
                       f"{', '.join(f'{i} ({n})' for i, n in enumerate(names))}, got {value!r}")


def _bag_internals(weight, indices, offsets, mode, include_last_offset, padding_idx, nbags):
    """offset2bag, bag_size, max_indices as PyTorch's CPU kernel returns them."""
    idx = indices.numpy().astype(np.int64)
    starts = offsets.numpy().astype(np.int64)[:nbags]
    o2b = np.searchsorted(starts, np.arange(idx.size), side="right") - 1
    valid = idx != padding_idx if padding_idx is not None else np.ones(idx.size, bool)
    size = np.bincount(o2b[valid], minlength=nbags)[:nbags] if idx.size else \
        np.zeros(nbags, np.int64)
    # the sum of float32 rows without padding takes a fast path that records no bags
    fast = mode == "sum" and weight.dtype == tocha.float32 and padding_idx is None
    if mode == "sum":
        size = np.zeros(nbags, np.int64)
    if mode == "max":
        w = weight.detach().numpy()
        mx = np.zeros((nbags, w.shape[1]), np.int64)
        for b in range(nbags):
            rows = idx[(o2b == b) & valid]
            if rows.size:
                mx[b] = rows[np.argmax(w[rows], axis=0)]
    else:
        mx = size.copy()
    o2b = np.zeros(0, np.int64) if fast else o2b
    return tuple(tocha.from_numpy(a.astype(np.int64)) for a in (o2b, size, mx))


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor,
                  scale_grad_by_freq: bool = False, mode: int = 0, sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """ATen's embedding_bag: (output, offset2bag, bag_size, max_indices); mode 0 sum, 1 mean,
    2 max; note weight comes first (nn.functional.embedding_bag takes input first).

    >>> import tocha
    >>> out = tocha.embedding_bag(tocha.eye(3), tocha.tensor([0, 2, 1]), tocha.tensor([0, 2]))
    >>> out[0]
    tensor([[1., 0., 1.],
            [0., 1., 0.]])
    """
    if not isinstance(offsets, Tensor):
        raise TypeError(f"embedding_bag(): argument 'offsets' (position 3) must be Tensor, "
                        f"not {type(offsets).__name__}")
    if indices.ndim != 1:
        raise RuntimeError(f"embedding_bag: expected 1-D indices with offsets, got indices of "
                           f"size {list(indices.shape)}")
    m = _enum("embedding_bag", "mode", mode, _BAG_MODES)
    pad = None if padding_idx is None or padding_idx < 0 else int(padding_idx)
    from ..nn.functional import embedding_bag as F_bag
    out = F_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, m, sparse,
                per_sample_weights, include_last_offset, pad)
    return (out,) + _bag_internals(weight, indices, offsets, m, include_last_offset, pad,
                                   out.shape[0])


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths,
             blank: int = 0, reduction: int = 1, zero_infinity: bool = False) -> Tensor:
    """ATen's ctc_loss: nn.functional.ctc_loss with `reduction` an int (0 none, 1 mean,
    2 sum; strings are accepted too)."""
    from .nn_ctc import ctc_loss as F_ctc
    red = _enum("ctc_loss", "reduction", reduction, _REDUCTIONS)
    return F_ctc(log_probs, targets, input_lengths, target_lengths, blank, red, zero_infinity)


def affine_grid_generator(theta: Tensor, size, align_corners: bool) -> Tensor:
    """ATen's affine_grid: the sampling grid of theta (N, 2, 3) / (N, 3, 4) for `size`."""
    from ..nn._functional_grid import affine_grid
    return affine_grid(theta, list(size), bool(align_corners))


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """ATen's grid_sample: modes as ints (interpolation 0 bilinear, 1 nearest, 2 bicubic
    (4-d only); padding 0 zeros, 1 border, 2 reflection); 4-d or 5-d input."""
    if input.ndim == 5:
        return grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners)
    return grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler for input (N, C, H, W) and grid (N, Ho, Wo, 2)."""
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2:
        raise RuntimeError(f"grid_sampler_2d(): expected 4D input and grid with size 2 in the "
                           f"last dimension, got input of size {list(input.shape)} and grid "
                           f"of size {list(grid.shape)}")
    mode = _enum("grid_sampler", "interpolation_mode", interpolation_mode, _INTERP)
    pad = _enum("grid_sampler", "padding_mode", padding_mode, _PADDING)
    if mode == "bicubic":
        return _bicubic(input, grid, pad, bool(align_corners))
    from ..nn._functional_grid import grid_sample
    return grid_sample(input, grid, mode, pad, bool(align_corners))


def _cubic_weights(t: Tensor, a: float = -0.75) -> list[Tensor]:
    """Keys' cubic convolution weights of the 4 taps at offsets -1, 0, 1, 2 from floor."""
    def near(x):   # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):    # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _tap(c: Tensor, size: int, pad: str, align_corners: bool) -> Tensor:
    """A tap's integer coordinate after border / reflection padding (zeros: as it is)."""
    from ..nn._functional_grid import _reflect
    if pad == "border":
        return c.clamp(0, size - 1)
    if pad == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        return c.clamp(0, size - 1).round()
    return c


def _bicubic(input: Tensor, grid: Tensor, pad: str, align_corners: bool) -> Tensor:
    """Bicubic sampling over the 4 x 4 taps around each point (padding applied per tap)."""
    from ..nn._functional_grid import _gather, _unnormalize
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    g = grid.reshape(n, ho * wo, 2)
    ix, iy = _unnormalize(g[..., 0], w, align_corners), _unnormalize(g[..., 1], h, align_corners)
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    wx, wy = _cubic_weights(ix - x0), _cubic_weights(iy - y0)
    flat = input.reshape(n, c, h * w)
    out = 0
    for j in range(4):
        ty = _tap(y0 + (j - 1), h, pad, align_corners)
        for i in range(4):
            tx = _tap(x0 + (i - 1), w, pad, align_corners)
            out = out + _gather(flat, tx, ty, w, h) * (wx[i] * wy[j]).unsqueeze(1)
    return out.reshape(n, c, ho, wo)


def _gather3(flat, ix, iy, iz, size):
    d, h, w = size
    valid = ((ix >= 0) & (ix <= w - 1) & (iy >= 0) & (iy <= h - 1) & (iz >= 0)
             & (iz <= d - 1))
    idx = ((iz.clamp(0, d - 1) * h + iy.clamp(0, h - 1)) * w + ix.clamp(0, w - 1))
    idx = idx.to(tocha.int64)
    n, c = flat.shape[:2]
    vals = flat.gather(2, idx.reshape(n, 1, -1).expand(n, c, idx.shape[-1]))
    return vals * valid.reshape(n, 1, -1).to(flat.dtype)


def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler for input (N, C, D, H, W) and grid (N, Do, Ho, Wo, 3) ((x, y, z) in
    [-1, 1]): trilinear (0) or nearest (1); bicubic (2) is 2-d only, as in PyTorch."""
    if input.ndim != 5 or grid.ndim != 5 or grid.shape[-1] != 3:
        raise RuntimeError(f"grid_sampler_3d(): expected 5D input and grid with size 3 in the "
                           f"last dimension, got input of size {list(input.shape)} and grid "
                           f"of size {list(grid.shape)}")
    mode = _enum("grid_sampler", "interpolation_mode", interpolation_mode, _INTERP)
    pad = _enum("grid_sampler", "padding_mode", padding_mode, _PADDING)
    if mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    from ..nn._functional_grid import _source
    n, c, d, h, w = input.shape
    out_sp = grid.shape[1:4]
    g = grid.reshape(n, -1, 3)
    ix, iy, iz = (_source(g[..., k], s, pad, bool(align_corners))
                  for k, s in enumerate((w, h, d)))
    flat = input.reshape(n, c, d * h * w)
    if mode == "nearest":
        out = _gather3(flat, ix.round().detach(), iy.round().detach(), iz.round().detach(),
                       (d, h, w))
        return out.reshape(n, c, *out_sp)
    x0, y0, z0 = ix.floor().detach(), iy.floor().detach(), iz.floor().detach()
    out = 0
    for cx, wx in ((x0, 1 - (ix - x0)), (x0 + 1, ix - x0)):
        for cy, wy in ((y0, 1 - (iy - y0)), (y0 + 1, iy - y0)):
            for cz, wz in ((z0, 1 - (iz - z0)), (z0 + 1, iz - z0)):
                out = out + _gather3(flat, cx, cy, cz, (d, h, w)) * (wx * wy * wz).unsqueeze(1)
    return out.reshape(n, c, *out_sp)


_SEG = {"sum": "sum", "mean": "mean", "max": "amax", "amax": "amax", "min": "amin",
        "amin": "amin", "prod": "prod"}
_EMPTY = {"sum": 0.0, "mean": float("nan"), "amax": -float("inf"), "amin": float("inf"),
          "prod": 1.0}


def _segment_lengths(data, lengths, offsets, axis, unsafe):
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    if lengths is not None:
        ln = lengths.numpy().astype(np.int64)
    else:
        off = offsets.numpy().astype(np.int64)
        ln = np.diff(off, axis=-1)
    if ln.ndim - 1 != axis:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of "
                           f"lengths but got {axis}.")
    if (ln < 0).any():
        raise RuntimeError("lengths contains negative value!")
    if not unsafe and (ln.sum(-1) != data.shape[axis]).any():
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum "
                           "to data.size(lengths.dim()-1) when !unsafe.")
    return ln


def _reduce_row(row, seg, op, initial):
    """Reduce the 1-st dim of `row` (S, *rest) in segments of lengths `seg`."""
    outs, start = [], 0
    for k in seg.tolist():
        part = row.narrow(0, start, k)
        start += k
        if k == 0:
            fill = _EMPTY[op] if initial is None else float(initial)
            outs.append(tocha.full(tuple(row.shape[1:]), fill, dtype=row.dtype))
            continue
        r = getattr(part, op)(0)
        if initial is not None:
            if op in ("sum", "mean"):
                r = (part.sum(0) + initial) / (k if op == "mean" else 1)
            elif op == "prod":
                r = r * initial
            else:
                r = (r.clamp_min if op == "amax" else r.clamp_max)(initial)
        outs.append(r)
    return tocha.stack(outs, 0)


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None,
                   indices: Tensor | None = None, offsets: Tensor | None = None,
                   axis: int = 0, unsafe: bool = False, initial=None) -> Tensor:
    """Reduce consecutive segments of data along `axis` (segment sizes from `lengths`, or
    `offsets` boundaries; both shaped data.shape[:axis] + (segments,)): 'sum', 'mean',
    'max'/'amax', 'min'/'amin' or 'prod', `initial` joining every segment. Empty segments
    give `initial` (else 0, nan, -inf, inf, 1).

    >>> import tocha
    >>> tocha.segment_reduce(tocha.tensor([1., 2., 3.]), "sum", lengths=tocha.tensor([2, 1]))
    tensor([3., 3.])
    """
    if reduce not in _SEG:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if not data.dtype.is_floating_point:
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for "
                                  f"'{str(data.dtype)[6:]}': pass a floating point tensor")
    axis = axis % data.ndim
    ln = _segment_lengths(data, lengths, offsets, axis, unsafe)
    x = data.movedim(axis, 0)
    if axis == 0:
        return _reduce_row(x, ln, _SEG[reduce], initial)
    lead = data.shape[:axis]
    xr = x.reshape(x.shape[0], -1, *data.shape[axis + 1:])
    lr = ln.reshape(-1, ln.shape[-1])
    rows = [_reduce_row(xr[:, i], lr[i], _SEG[reduce], initial) for i in range(lr.shape[0])]
    return tocha.stack(rows, 0).reshape(*lead, ln.shape[-1], *data.shape[axis + 1:])
