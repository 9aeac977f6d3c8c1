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

import tocha

from ._tensor import Tensor

__all__ = [
    "addmv_",
    "alpha_dropout_",
    "as_strided_",
    "as_strided_copy",
    "binomial",
    "dropout_",
    "embedding_renorm_",
    "feature_alpha_dropout_",
    "feature_dropout_",
    "gcd_",
    "index_put_",
    "is_inference",
    "lcm_",
    "ldexp_",
    "resize_as_",
    "slice_copy",
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
    from ._dtype_ext import scalar_name
    return scalar_name(t.dtype)




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






_SEG = {"sum": "sum", "mean": "mean", "max": "amax", "min": "amin", "prod": "prod"}



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
