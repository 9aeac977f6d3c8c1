"""Embedding lookup (a gather of rows) and its dense backward (a scatter-add of rows)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _requires_grad_of, _wrap
from ..autograd.grad_mode import no_grad
from ._util import prim

__all__ = ["embedding"]


class Embedding(prim):
    @staticmethod
    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        out = w[idx]     # fancy indexing: one gather, already a fresh contiguous array
        if ctx.needs_input_grad:
            ctx.idx, ctx.num = idx.copy(), w.shape[0]   # (ids may change in place later)
            ctx.padding_idx, ctx.scale = padding_idx, scale_grad_by_freq
        return out

    @staticmethod
    def backward(ctx, g):
        return EmbeddingDenseBackward.apply(g, ctx.idx, ctx.num, ctx.padding_idx, ctx.scale)


class EmbeddingDenseBackward(prim):
    """Rows of g summed into a (num_embeddings, dim) zero matrix at the looked-up indices."""

    node_name = "EmbeddingBackwardBackward0"

    @staticmethod
    def forward(ctx, g, idx, num, padding_idx, scale):
        d = g.shape[-1]
        flat = idx.reshape(-1)
        rows = g.reshape(-1, d)
        if scale or padding_idx is not None:
            f = np.ones(flat.shape[0], g.dtype)
            if scale:
                counts = np.bincount(flat, minlength=num)
                f = f / counts[flat].astype(g.dtype)
            if padding_idx is not None:
                f = np.where(flat == padding_idx, 0, f).astype(g.dtype)
            rows = rows * f[:, None]
            ctx.f = f
        else:
            ctx.f = None
        out = np.zeros((num, d), g.dtype)
        np.add.at(out, flat, rows)
        ctx.idx, ctx.gshape = idx, g.shape
        return out

    @staticmethod
    def backward(ctx, gg):
        r = gg[_wrap(ctx.idx.reshape(-1))]
        if ctx.f is not None:
            r = r * _wrap(ctx.f[:, None])
        return r.reshape(ctx.gshape)


def _renorm(weight, idx, max_norm, norm_type):
    # PyTorch rescales the looked-up rows in place (no autograd) before the lookup
    with no_grad():
        rows = np.unique(idx)
        w = weight._data
        sub = w[rows]
        if norm_type == float("inf"):
            norms = np.abs(sub).max(1)
        else:
            norms = (np.abs(sub) ** norm_type).sum(1) ** (1.0 / norm_type)
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[rows[big]] = sub[big] * scale[:, None]
            weight._bump()


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of `weight` (num, dim) at integer `input` (*) -> (*, dim).

    `sparse=True`: the gradient of `weight` is a sparse COO tensor of the looked-up rows."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError("embedding(): argument 'input' and 'weight' must be Tensors")
    if input._dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input._dtype} instead "
                           f"(while checking arguments for embedding)")
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got weight of size {list(weight.shape)}")
    num = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= num:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -num:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = num + padding_idx
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = int(idx.max()) if idx.max() >= num else int(idx.min())
        raise IndexError(f"index out of range in self (embedding: index {bad} with "
                         f"num_embeddings={num})")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    if sparse and _requires_grad_of(weight):    # a sparse gradient (tocha/sparse/_nn.py)
        from ..sparse._nn import embedding_sparse_grad
        return embedding_sparse_grad(weight, idx, padding_idx, bool(scale_grad_by_freq))
    return Embedding.apply(weight, idx.astype(np.intp, copy=False), padding_idx,
                           bool(scale_grad_by_freq))
