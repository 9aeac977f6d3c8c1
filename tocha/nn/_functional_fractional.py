"""Fractional max pooling (Graham, 2014): pseudo-random window starts drawn per (sample,
channel) from `_random_samples` in [0, 1) (drawn with tocha.rand when not given, as PyTorch
draws them), windows of `kernel_size`; composed from gather and amax."""
from __future__ import annotations

import tocha
from tocha import Tensor

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d", "fractional_max_pool3d_with_indices"]


def _tuple(v, n: int) -> tuple:
    return (v,) * n if isinstance(v, (int, float)) else tuple(v)


def _starts(sample: Tensor, in_size: int, out_size: int, pool: int) -> Tensor:
    """Window starts (..., out_size) for samples (...,), in the sample's dtype arithmetic."""
    shape = tuple(sample.shape) + (out_size,)
    if out_size <= 1:
        return tocha.full(shape, in_size - pool, dtype=tocha.int64)
    dt = sample.dtype
    alpha = tocha.tensor(float(in_size - pool), dtype=dt) / tocha.tensor(float(out_size - 1),
                                                                            dtype=dt)
    i = tocha.arange(out_size - 1, dtype=dt)
    s = sample.unsqueeze(-1)
    seq = ((i + s) * alpha).to(tocha.int64) - (s * alpha).to(tocha.int64)
    last = tocha.full(tuple(sample.shape) + (1,), in_size - pool, dtype=tocha.int64)
    return tocha.cat([seq, last], -1)


def _fractional(op: str, nd: int, input: Tensor, kernel_size, output_size, output_ratio,
                samples):
    unbatched = input.ndim == nd + 1
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{op}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    x = input.unsqueeze(0) if unbatched else input
    ks = _tuple(kernel_size, nd)
    sp = tuple(x.shape[2:])
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{op} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = _tuple(output_ratio, nd)
        output_size = [int(s * r) for s, r in zip(sp, ratio, strict=True)]
    out = _tuple(output_size, nd)
    for s, o, k in zip(sp, out, ks, strict=True):
        if o + k - 1 > s:
            raise RuntimeError(f"{op}(): pool height/width/time ({k}) too large relative to "
                               f"input size ({s}) and output size ({o})")
    n, c = x.shape[:2]
    if samples is None:
        samples = tocha.rand(n, c, nd, dtype=x.dtype)
    # PyTorch's sample order: (W, H) in 2-d, but (T, H, W) in 3-d
    order = [1, 0] if nd == 2 else list(range(nd))
    starts = [_starts(samples[..., order[d]], sp[d], out[d], ks[d]) for d in range(nd)]
    flat = x.reshape(n, c, -1)
    strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        strides[d] = strides[d + 1] * sp[d + 1]
    cands = []
    for offs in _offsets(ks):
        idx = None
        for d in range(nd):
            pos = (starts[d] + offs[d]) * strides[d]
            view = [n, c] + [1] * nd
            view[2 + d] = out[d]
            pos = pos.reshape(view)
            idx = pos if idx is None else idx + pos
        cands.append(idx.expand(n, c, *out))
    index = tocha.stack(cands, -1)
    vals = flat.gather(2, index.reshape(n, c, -1)).reshape(index.shape)
    best = vals.argmax(-1, keepdim=True)
    result = vals.amax(-1)
    indices = index.gather(-1, best).squeeze(-1)
    if unbatched:
        result, indices = result.squeeze(0), indices.squeeze(0)
    return result, indices


def _offsets(ks):
    if not ks:
        return [()]
    return [(a, *rest) for a in range(ks[0]) for rest in _offsets(ks[1:])]


def fractional_max_pool2d_with_indices(
        input: Tensor, kernel_size: int | tuple[int, ...],
        output_size: int | tuple[int, ...] | None = None,
        output_ratio: float | tuple[float, ...] | None = None, return_indices: bool = False,
        _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Fractional max pooling over (N, C, H, W) -> (values, flat H*W indices)."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool2d(input: Tensor, kernel_size: int | tuple[int, ...],
                          output_size: int | tuple[int, ...] | None = None,
                          output_ratio: float | tuple[float, ...] | None = None,
                          return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling over (N, C, H, W) to output_size (or input size * ratio)."""
    out, idx = fractional_max_pool2d_with_indices(input, kernel_size, output_size,
                                                  output_ratio, True, _random_samples)
    return (out, idx) if return_indices else out


def fractional_max_pool3d_with_indices(
        input: Tensor, kernel_size: int | tuple[int, ...],
        output_size: int | tuple[int, ...] | None = None,
        output_ratio: float | tuple[float, ...] | None = None, return_indices: bool = False,
        _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Fractional max pooling over (N, C, T, H, W) -> (values, flat T*H*W indices)."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size: int | tuple[int, ...],
                          output_size: int | tuple[int, ...] | None = None,
                          output_ratio: float | tuple[float, ...] | None = None,
                          return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Tensor | tuple[Tensor, Tensor]:
    """Fractional max pooling over (N, C, T, H, W)."""
    out, idx = fractional_max_pool3d_with_indices(input, kernel_size, output_size,
                                                  output_ratio, True, _random_samples)
    return (out, idx) if return_indices else out
