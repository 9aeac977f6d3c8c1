"""`embedding(..., sparse=True)`: the weight's gradient as a sparse COO tensor (the looked-up
rows only), as PyTorch gives it; SparseAdam and SGD consume it."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _autograd as A
from . import _store as S


def embedding_sparse_grad(weight: Tensor, idx: np.ndarray, padding_idx: int | None,
                          scale_grad_by_freq: bool) -> Tensor:
    """The lookup `weight[idx]`, whose backward gives `weight` a sparse gradient: one entry
    per looked-up index (uncoalesced, in input order; `padding_idx` left out)."""
    from .._ops.nn_embed import Embedding
    from ._tensor import _fix_grad
    flat = idx.reshape(-1).astype(np.int64)
    rows = flat if padding_idx is None else flat[flat != padding_idx]
    keep = None if padding_idx is None else flat != padding_idx
    shape = tuple(weight.shape)
    if weight._grad_fn is None and _fix_grad not in (weight._post_acc_hooks or ()):
        # the engine stores a leaf's first gradient as a plain Tensor: this hook gives a
        # sparse one its class (see tocha/sparse/_tensor.py)
        weight.register_post_accumulate_grad_hook(_fix_grad)

    def bwd(g):
        if scale_grad_by_freq:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with "
                               "sparse gradients")
        vals = g.reshape(-1, shape[1])._data
        if keep is not None:
            vals = vals[keep]
        st = S.CooStore(rows[None, :], vals, shape, len(rows) <= 1)
        return (A.make_sparse(st, g._dtype, g._device),)

    def fwd(w):
        return Embedding.apply(w, idx.astype(np.intp, copy=False), padding_idx,
                               scale_grad_by_freq)
    return A.sparse_op("EmbeddingBackward0", fwd, bwd, weight)
