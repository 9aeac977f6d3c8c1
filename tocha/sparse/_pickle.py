"""Sparse tensors in saved files, in PyTorch's record: `torch._utils._rebuild_sparse_tensor(
layout, data)`, data being `(indices, values, size, is_coalesced)` for COO and
`(compressed_indices, plain_indices, values, size)` for the compressed layouts; the index and
value tensors are ordinary (strided) tensor records. `tocha.save` writes it and `tocha.load`
reads it, so files move between tocha and PyTorch both ways."""
from __future__ import annotations

from typing import Any

from .. import _dtype as D
from .. import _layout as L
from .._tensor import Size, Tensor, _wrap_dt
from . import _store as S


def sparse_reduce_args(t: Tensor) -> tuple:
    """The arguments PyTorch pickles for sparse tensor `t`."""
    st = t._data
    size = Size(st.shape)
    if isinstance(st, S.CooStore):
        return (st.layout, (_wrap_dt(st.indices, D.int64, t._device),
                            _wrap_dt(st.values, t._dtype, t._device), size, st.coalesced))
    return (st.layout, (_wrap_dt(st.compressed, D.int64, t._device),
                        _wrap_dt(st.plain, D.int64, t._device),
                        _wrap_dt(st.values, t._dtype, t._device), size))


def sparse_rebuild(layout: Any, data: Any) -> Tensor:
    """The sparse tensor a saved record describes (invariants checked, as PyTorch's loader
    checks them)."""
    from ._functions import sparse_compressed_tensor, sparse_coo_tensor
    if not isinstance(layout, L.layout) or not isinstance(data, tuple):
        raise TypeError(f"a sparse record needs a layout and a tuple (got {layout!r})")
    if layout is L.sparse_coo:
        if len(data) == 3:      # files written before `is_coalesced` was saved
            data = (*data, None)
        indices, values, size, coalesced = data
        return sparse_coo_tensor(indices, values, tuple(size), check_invariants=True,
                                 is_coalesced=coalesced or None)
    compressed, plain, values, size = data
    return sparse_compressed_tensor(compressed, plain, values, tuple(size), layout=layout,
                                    check_invariants=True)
