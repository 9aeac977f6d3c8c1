"""`torch.histogram`, `torch.histogramdd`, `torch.kaiser_window`, `torch.from_file`,
`torch.to_dlpack` and `torch.hash_tensor` (with the Tensor methods `histogram`, `hash_tensor`).

Histograms are NumPy's (`np.histogram`/`np.histogramdd` bin exactly as PyTorch's CPU kernel:
equal-width bins, the last one closed); they have no gradient, as in PyTorch.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

import tocha
from tocha import Tensor

from ._dtype_ext import scalar_name
from .linalg._common import supports_out

__all__ = ["from_file", "hash_tensor", "histogram", "histogramdd", "kaiser_window",
           "to_dlpack"]


class _Named(tuple):
    """A (hist, bin_edges) result, as torch.return_types.histogram(dd)."""

    _name = ""
    hist = property(lambda self: self[0])
    bin_edges = property(lambda self: self[1])

    def __new__(cls, hist, edges):
        return tuple.__new__(cls, (hist, edges))

    def __repr__(self) -> str:
        return f"torch.return_types.{self._name}(\nhist={self[0]!r},\nbin_edges={self[1]!r})"


_hist_t = type("histogram", (_Named,), {"_name": "histogram"})
_histdd_t = type("histogramdd", (_Named,), {"_name": "histogramdd"})



def _check_float(input: Tensor, weight: Tensor | None) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"histogram(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if not input.dtype.is_floating_point or input.dtype.itemsize < 4:
        name = scalar_name(input.dtype)
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{name}'")
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, it should have "
                           f"the same dtype as the input tensor, got {weight.dtype} and "
                           f"{input.dtype}")


def _edges(data: np.ndarray, bins, rng, d: int, dt) -> np.ndarray:
    """Bin edges of column d: given edges, or `bins` equal bins over `rng` or the data."""
    if isinstance(bins, Tensor):
        return bins.numpy().astype(dt)
    bins = int(bins)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           f"dimension {d}")
    if rng is not None:
        lo, hi = float(rng[0]), float(rng[1])
    elif data.size:
        lo, hi = float(data.min()), float(data.max())
    else:
        lo = hi = 0.0
    if lo > hi:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo} "
                           f"max {hi} for dimension {d}")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: range of [{lo}, {hi}] is not finite")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, bins + 1).astype(dt)


def _count(data, edges, weight, density):
    w = None if weight is None else weight.detach().numpy().reshape(-1)
    hist, _ = np.histogramdd(data, bins=[e.astype(np.float64) for e in edges], weights=w,
                             density=density)
    return hist


@supports_out
def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None,
              density: bool = False, out=None):
    """(hist, bin_edges): counts (or summed `weight`, or a density with `density=True`) of
    input's elements in `bins` equal-width bins over `range` (default the data's min, max),
    or in the bins between the given sorted edges (a 1-d tensor).

    >>> import tocha
    >>> tocha.histogram(tocha.tensor([1., 2., 1.]), bins=4, range=(0., 3.)).hist
    tensor([0., 2., 1., 0.])
    """
    _check_float(input, weight)
    dt = input.dtype.np
    data = input.detach().numpy().reshape(-1, 1)
    edges = _edges(data, bins, range, 0, dt)
    hist = _count(data, [edges], weight, density)
    return _hist_t(tocha.from_numpy(hist.astype(dt)), tocha.from_numpy(edges))


@supports_out
def histogramdd(input: Tensor, bins=10, *, range=None, weight: Tensor | None = None,
                density: bool = False, out=None):
    """(hist, bin_edges) of the points input (..., D) in D dimensions: `bins` an int, D
    ints or D edge tensors; `range` a flat list (min0, max0, min1, max1, ...)."""
    _check_float(input, weight)
    d = input.shape[-1]
    dt = input.dtype.np
    data = input.detach().numpy().reshape(-1, d)
    per = list(bins) if isinstance(bins, (list, tuple)) else [bins] * d
    if len(per) != d:
        raise RuntimeError(f"torch.histogramdd: expected {d} sequences of bin edges for each "
                           f"of the {d} dimensions of input, but got {len(per)}")
    if range is not None and len(range) != 2 * d:
        raise RuntimeError(f"torch.histogramdd: for a {d}-dimensional histogram, range should "
                           f"have {2 * d} elements, but got {len(range)}")
    edges = [_edges(data[:, i], per[i], None if range is None else range[2 * i:2 * i + 2], i,
                    dt) for i in builtins.range(d)]
    hist = _count(data, edges, weight, density)
    return _histdd_t(tocha.from_numpy(hist.astype(dt)),
                     tuple(tocha.from_numpy(e) for e in edges))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    """Kaiser window I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta); periodic windows
    drop the last of N + 1 points.

    >>> import tocha
    >>> tocha.kaiser_window(3, periodic=False, beta=0.0)
    tensor([1., 1., 1.])
    """
    if window_length < 0:
        raise RuntimeError(f"kaiser_window requires non-negative window_length, got "
                           f"window_length={window_length}")
    dt = dtype or tocha.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(f"kaiser_window expects floating point dtypes, got: {dt}")
    if window_length <= 1:
        return tocha.ones(window_length, dtype=dt, requires_grad=requires_grad)
    n = window_length + 1 if periodic else window_length
    w = np.kaiser(n, float(beta))
    w = w[:-1] if periodic else w
    return tocha.tensor(w.astype(dt.np), dtype=dt, requires_grad=requires_grad)


def from_file(filename: str, shared: bool | None = None, size: int = 0, *, dtype=None,
              layout=None, device=None, pin_memory: bool = False,
              requires_grad: bool = False) -> Tensor:
    """A 1-d tensor of `size` elements of `dtype` mapped from a file: with `shared=True`
    writes reach the file (created or grown as needed), else they stay private."""
    dt = dtype or tocha.get_default_dtype()
    if size == 0:
        return tocha.empty(0, dtype=dt, requires_grad=requires_grad)
    nbytes = int(size) * dt.itemsize
    import os
    if shared:
        with open(filename, "ab") as fh:  # as PyTorch: a shared map creates / grows the file
            if fh.tell() < nbytes:
                fh.truncate(nbytes)
    elif not os.path.exists(filename):
        raise RuntimeError(f"unable to open file <{filename}> in read-only mode: No such file "
                           f"or directory (2)")
    have = os.path.getsize(filename)
    if have < nbytes:
        raise RuntimeError(f"file <{filename}> size <{have}> is smaller than the required "
                           f"mapping size <{nbytes}>")
    mem = np.memmap(filename, dtype=dt.np, mode="r+" if shared else "c", shape=(int(size),))
    return tocha.from_numpy(mem).requires_grad_(requires_grad)


def to_dlpack(tensor: Tensor):
    """A DLPack capsule over the tensor's memory (`torch.from_dlpack` and NumPy read it)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): expected a Tensor, got {type(tensor).__name__}")
    if tensor.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    # a versioned capsule: NumPy and PyTorch both import it writable
    return tensor.numpy().__dlpack__(max_version=(1, 0))


def hash_tensor(input: Tensor, dim=None, *, keepdim: bool = False, mode: int = 0) -> Tensor:
    """XOR of the elements' 64-bit patterns (floats as float64, integers as int64) over
    `dim` (all when None), as a uint64 tensor."""
    if mode != 0:
        raise RuntimeError(f"hash_tensor: mode {mode} is not supported (only 0, xor)")
    u64 = getattr(tocha, "uint64", None)
    if u64 is None:
        raise NotImplementedError("hash_tensor returns torch.uint64, which this tocha build "
                                  "lacks")
    a = input.detach().numpy()
    a = a.astype(np.float64 if input.dtype.is_floating_point else np.int64).view(np.uint64)
    if dim is None:
        if a.size == 0:
            raise RuntimeError("hash_tensor: Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        dims = tuple(builtins.range(a.ndim))
    else:
        dims = tuple(d % max(a.ndim, 1) for d in ([dim] if isinstance(dim, int) else dim))
    out = np.bitwise_xor.reduce(a, axis=dims, keepdims=keepdim) if a.ndim else a
    return tocha.from_numpy(np.asarray(out, dtype=np.uint64)).to(u64)
