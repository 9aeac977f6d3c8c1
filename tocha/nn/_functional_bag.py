"""`embedding_bag`: sums, means or maxima of bags of embeddings, composed from `embedding`,
`index_add` and indexing (so its gradient is theirs)."""
from __future__ import annotations

import tocha
from tocha import Tensor

from .._ops.nn_embed import embedding

__all__ = ["embedding_bag"]


def _bags(input: Tensor, offsets, include_last_offset: bool):
    """(flat indices, bag id of each, number of bags, start offset of each bag)."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found "
                             f"offsets of type {type(offsets).__name__}")
        b, n = input.shape
        starts = tocha.arange(0, b * n, n, dtype=tocha.int64) if n else tocha.zeros(
            b, dtype=tocha.int64)
        return input.reshape(-1), b, starts
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    starts = offsets.to(tocha.int64)
    if include_last_offset:
        starts = starts[:-1]
    if starts.numel() and int(starts[0]) != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {int(starts[0])}")
    return input, starts.shape[0], starts


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Reduce bags of embedding rows: input (B, N) (a bag per row) or 1-d with `offsets`
    (bag starts) -> (B, embedding_dim). mode 'sum' | 'mean' | 'max'; `per_sample_weights`
    (sum only) scale each row; `padding_idx` rows are left out (and not counted); empty bags
    give zeros. Recorded as one `EmbeddingBagBackward0` node, as PyTorch's.

    >>> import tocha
    >>> w = tocha.eye(4)
    >>> embedding_bag(tocha.tensor([0, 1, 3]), w, tocha.tensor([0, 2]), mode="sum")
    tensor([[1., 1., 0., 0.],
            [0., 0., 0., 1.]])
    """
    args = (input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
            per_sample_weights, include_last_offset, padding_idx)
    if max_norm is not None:  # renorms weight in place: not re-run in backward
        return _embedding_bag(*args)
    from ._named import named
    return named("EmbeddingBag", _embedding_bag, *args)


def _embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    flat, nbags, starts = _bags(input, offsets, include_last_offset)
    if per_sample_weights is not None:
        per_sample_weights = per_sample_weights.reshape(-1)
        if per_sample_weights.shape != flat.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape})"
                             f" is not None, then it must have the same shape as the input "
                             f"({input.shape})")
    d = weight.shape[1]
    n = flat.shape[0]
    bad = ((flat < 0) | (flat >= weight.shape[0])).nonzero()
    if bad.numel():         # (PyTorch's check and words, before the lookup's own)
        i = int(bad[0, 0])
        raise RuntimeError(f"Index {i} of input takes value {int(flat[i])} which is not in the "
                           f"valid range [0, {weight.shape[0]})")
    # sparse=True: weight's gradient is a sparse COO tensor, one entry per looked-up index
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    bag = (tocha.searchsorted(starts, tocha.arange(n, dtype=tocha.int64), right=True) - 1) \
        if nbags else tocha.zeros(0, dtype=tocha.int64)
    keep = tocha.ones(n, dtype=tocha.bool) if padding_idx is None else flat != padding_idx
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    rows = rows * keep.unsqueeze(1).to(rows.dtype)
    if mode == "max":
        pos = tocha.arange(n, dtype=tocha.int64) - starts[bag] if n else bag
        longest = int(pos.max()) + 1 if n else 0
        dense = tocha.full((nbags, max(longest, 1), d), float("-inf"), dtype=weight.dtype)
        if n:
            kept = keep.nonzero().reshape(-1)
            dense = _put(dense, bag[kept], pos[kept], rows[kept])
        out = dense.amax(1)
        return tocha.where(tocha.isinf(out), tocha.zeros_like(out), out)
    out = tocha.zeros(nbags, d, dtype=weight.dtype).index_add(0, bag, rows)
    if mode == "mean":
        counts = tocha.zeros(nbags, dtype=weight.dtype).index_add(
            0, bag, keep.to(weight.dtype))
        out = out / counts.clamp_min(1).unsqueeze(1)
    return out


def _put(dense: Tensor, i: Tensor, j: Tensor, rows: Tensor) -> Tensor:
    out = dense.clone()
    out[i, j] = rows
    return out
