"""torch-level forms of Tensor methods and a few more torch.* functions (issue 8):
`torch.is_inference`, `torch.as_strided_`, `torch.addmv_`, `torch.index_put_`,
`torch.dropout_` & co., `torch.slice_copy`, `torch.norm_except_dim`, `torch.nuclear_norm`,
`torch.embedding_renorm_`, `torch.affine_grid_generator`, `torch.to_dlpack`,
`torch.from_file`, `torch.segment_reduce`.

tocha/__init__.py copies `__all__` into the tocha namespace (names defined elsewhere win).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import tocha

from ._tensor import Tensor, _wrap

__all__ = [
    "addmv_",
    "affine_grid_generator",
    "alpha_dropout_",
    "as_strided_",
    "as_strided_copy",
    "binomial",
    "dropout_",
    "embedding_renorm_",
    "feature_alpha_dropout_",
    "feature_dropout_",
    "from_file",
    "gcd_",
    "index_put_",
    "is_inference",
    "lcm_",
    "ldexp_",
    "norm_except_dim",
    "nuclear_norm",
    "resize_as_",
    "segment_reduce",
    "slice_copy",
    "thread_safe_generator",
    "to_dlpack",
]


def is_inference(input: Tensor) -> bool:
    """`input.is_inference()` (always False in tocha: no inference tensors)."""
    return input.is_inference()


def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int],
                storage_offset: int | None = None) -> Tensor:
    """`input.as_strided_(size, stride, storage_offset)`."""
    return input.as_strided_(size, stride, storage_offset)


def as_strided_copy(input: Tensor, size: Sequence[int], stride: Sequence[int],
                    storage_offset: int | None = None) -> Tensor:
    """`input.as_strided(...)`, copied (not a view)."""
    return input.as_strided(size, stride, storage_offset).clone()


def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:
    """`input[..., start:end:step, ...]` along `dim`, copied (not a view)."""
    from ._ops._util import norm_dim
    d = norm_dim(dim, input.ndim)
    return input[(slice(None),) * d + (slice(start, end, step),)].clone()


def resize_as_(input: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
    """`input.resize_as_(the_template)`."""
    return input.resize_as_(the_template)


def addmv_(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1,
           alpha: float = 1) -> Tensor:
    """`input.addmv_(mat, vec, beta=beta, alpha=alpha)`."""
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)


def gcd_(input: Tensor, other: Tensor) -> Tensor:
    """`input.gcd_(other)`."""
    return input.gcd_(other)


def lcm_(input: Tensor, other: Tensor) -> Tensor:
    """`input.lcm_(other)`."""
    return input.lcm_(other)


def ldexp_(input: Tensor, other: Tensor) -> Tensor:
    """`input.ldexp_(other)`."""
    return input.ldexp_(other)


def index_put_(input: Tensor, indices: Sequence[Tensor], values: Tensor,
               accumulate: bool = False) -> Tensor:
    """`input.index_put_(indices, values, accumulate)`."""
    return input.index_put_(indices, values, accumulate)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`F.dropout(input, p, train, inplace=True)`."""
    return tocha.nn.functional.dropout(input, p, train, inplace=True)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`F.alpha_dropout(input, p, train, inplace=True)`."""
    return tocha.nn.functional.alpha_dropout(input, p, train, inplace=True)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole channels (dim 1) in place, as `torch.feature_dropout`."""
    return input.copy_(tocha.feature_dropout(input, p, train)) if train and p else input


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`F.feature_alpha_dropout(input, p, train, inplace=True)`."""
    return tocha.nn.functional.feature_alpha_dropout(input, p, train, inplace=True)


def binomial(count: Tensor, prob: Tensor, generator: Any = None) -> Tensor:
    """Binomial(count, prob) samples, element by element (float tensors of one dtype); the
    values equal PyTorch's after manual_seed (its BTRS/inversion kernel, reproduced).

    Differs from PyTorch: only the default generator."""
    if not count.dtype.is_floating_point:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{_word(count)}")
    if prob.dtype is not count.dtype:
        raise RuntimeError(f"Found dtype {_word(prob)} but expected {_word(count)}")
    if generator is not None and generator is not tocha.default_generator:
        raise NotImplementedError("tocha's binomial draws from the default generator only")
    from ._ops.random_gamma import binomial_tensor
    c, p = tocha.broadcast_tensors(count, prob)
    return binomial_tensor(c, p)


def _word(t: Tensor) -> str:
    from ._tensor import _TYPE_WORD
    return _TYPE_WORD.get(t.dtype.name, t.dtype.name)


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The `pow`-norm over every dim but `dim` (kept, the others size 1); `dim=-1`: the
    norm of all of v. Used by weight normalization.

    >>> import tocha
    >>> tocha.norm_except_dim(tocha.ones(2, 3), 2, 1)
    tensor([[1.4142, 1.4142, 1.4142]])
    """
    if dim == -1:
        return v.norm(pow)
    from ._ops._util import norm_dim
    d = norm_dim(dim, v.ndim)
    others = tuple(i for i in range(v.ndim) if i != d)
    return v.norm(pow, dim=others, keepdim=True) if others else v.abs()


def nuclear_norm(input: Tensor, dim: Sequence[int] | bool | None = None,
                 keepdim: bool = False) -> Tensor:
    """Sum of singular values over the two dims `dim` (default the last two):
    `torch.nuclear_norm(A)` or `torch.nuclear_norm(A, dim, keepdim)`."""
    if isinstance(dim, bool):           # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    if input.ndim != 2 and dim is None:
        raise RuntimeError(f"nuclear_norm: Expected a 2D tensor, but got a {input.ndim}D tensor")
    return tocha.linalg.matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else tuple(dim),
                                    keepdim=keepdim)


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float,
                      norm_type: float) -> Tensor:
    """Rescale in place the rows of `input` named in `indices` whose `norm_type`-norm exceeds
    `max_norm` to norm `max_norm` (PyTorch's `max_norm / (norm + 1e-7)`)."""
    with tocha.no_grad():
        rows = tocha.unique(indices.reshape(-1))
        sel = input.index_select(0, rows)
        n = sel.norm(norm_type, dim=1, keepdim=True)
        scale = tocha.where(n > max_norm, max_norm / (n + 1e-7), tocha.ones_like(n))
        input.index_copy_(0, rows, sel * scale)
    return input


def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """`F.affine_grid(theta, size, align_corners)`."""
    return tocha.nn.functional.affine_grid(theta, list(size), align_corners)


def thread_safe_generator() -> Any:
    """The DataLoader thread worker's own generator, or None (the global generator) in the
    main process and in process workers; tocha's loaders have process workers only, so this
    is None unless a worker says otherwise."""
    from .utils.data import get_worker_info
    info = get_worker_info()
    if (info is not None and getattr(info, "worker_method", None) == "thread"
            and getattr(info, "rng", None) is not None):
        return info.rng.torch_generator
    return None


def to_dlpack(tensor: Tensor) -> Any:
    """A DLPack capsule sharing the tensor's memory (NumPy's `__dlpack__`)."""
    return tensor._data.__dlpack__()


def from_file(filename: str, shared: bool | None = None, size: int = 0, *, dtype: Any = None,
              layout: Any = None, device: Any = None, pin_memory: bool = False) -> Tensor:
    """`size` elements of `dtype` read from a raw binary file; `shared=True` maps the file
    (writes go to it), else the data are copied."""
    from . import _dtype as D
    dt = D.get_default_dtype() if dtype is None else dtype
    if shared:
        arr = np.memmap(filename, dtype=dt.np, mode="r+", shape=(size,))
    else:
        arr = np.fromfile(filename, dtype=dt.np, count=size)
        if arr.size < size:
            raise RuntimeError(f"from_file: the file holds {arr.size} elements of {dt}, "
                               f"{size} were asked for")
    return _wrap(np.asarray(arr) if not shared else arr)


_SEG = {"sum": "sum", "mean": "mean", "max": "amax", "min": "amin", "prod": "prod"}


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None,
                   indices: Tensor | None = None, offsets: Tensor | None = None,
                   axis: int = 0, unsafe: bool = False, initial: float | None = None) -> Tensor:
    """Reduce consecutive segments of `data` along `axis` ("sum", "mean", "max", "min",
    "prod"); segments given by `lengths` or `offsets` (1-D). An empty segment gives `initial`
    (default: the reduction's identity; NaN for "mean", as PyTorch); a given `initial`
    also joins every other segment's reduction.

    >>> import tocha
    >>> tocha.segment_reduce(tocha.tensor([1., 2., 3.]), "sum", lengths=tocha.tensor([2, 1]))
    tensor([3., 3.])
    """
    if reduce not in _SEG:
        raise RuntimeError(f"reduce argument must be either sum, max, min, mean or prod, got "
                           f"{reduce}")
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined")
    if lengths is None:
        lens = np.diff(np.asarray(offsets._data)).tolist()
    else:
        lens = np.asarray(lengths._data).reshape(-1).tolist()
    if lengths is not None and sum(lens) != data.shape[axis] and not unsafe:
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum "
                           "to data.size(lengths.dim()-1) when !unsafe.")
    outs, start = [], 0
    for n in lens:
        seg = data.narrow(axis, start, int(n))
        start += int(n)
        if n:
            outs.append(_with_initial(seg, axis, reduce, initial))
        else:
            outs.append(_empty_segment(data, axis, reduce, initial))
    return tocha.stack(outs, axis)


def _with_initial(seg: Tensor, axis: int, reduce: str, initial: float | None) -> Tensor:
    """One non-empty segment reduced; `initial` takes part as one more operand (for "mean",
    it joins the sum but not the count, as PyTorch)."""
    if initial is None:
        return getattr(seg, _SEG[reduce])(axis)
    if reduce in ("sum", "mean"):
        out = seg.sum(axis) + initial
        return out / seg.shape[axis] if reduce == "mean" else out
    if reduce == "prod":
        return seg.prod(axis) * initial
    init = tocha.full_like(seg.select(axis, 0), initial)
    red = getattr(seg, _SEG[reduce])(axis)
    return tocha.maximum(red, init) if reduce == "max" else tocha.minimum(red, init)


def _empty_segment(data: Tensor, axis: int, reduce: str, initial: float | None) -> Tensor:
    shape = list(data.shape)
    del shape[axis]
    if initial is None:
        initial = {"sum": 0.0, "mean": float("nan"), "prod": 1.0, "max": -float("inf"),
                   "min": float("inf")}[reduce]
    return tocha.full(shape, initial, dtype=data.dtype)
