"""Sparse constructors (`torch.sparse_coo_tensor`, `torch.sparse_csr_tensor`, ...) and the ops
the sparse Tensor methods and torch.* products share (add, mul, transpose, products)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D
from .. import _layout as L
from .._tensor import Tensor
from . import _autograd as A
from . import _store as S


def _as_tensor(x, dtype=None) -> Tensor:
    if isinstance(x, Tensor):
        return x if dtype is None or x._dtype is dtype else x.to(dtype)
    from .._creation import tensor
    return tensor(x, dtype=dtype)


def _index_array(x, op: str) -> np.ndarray:
    t = _as_tensor(x)
    if t._dtype.is_floating_point or t._dtype is D.bool_:
        raise RuntimeError(f"{op}: indices must be an int64 tensor (got {t._dtype})")
    return np.asarray(t._data, np.int64)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        t.requires_grad_(True)
    return t


def sparse_coo_tensor(indices: Any, values: Any, size: Any = None, *, dtype=None,
                      device=None, pin_memory: bool = False, requires_grad: bool = False,
                      check_invariants: bool | None = None,
                      is_coalesced: bool | None = None) -> Tensor:
    """A sparse COO tensor: `values[k]` sits at `indices[:, k]`; unlisted entries are zero.

    Args:
        indices: (sparse_dim, nnz) integers.
        values: (nnz, *dense_shape); entries at the same index are summed when used.
        size: the full shape (default: the smallest that holds the indices).
        is_coalesced: declare the indices sorted and unique (not checked unless
            check_invariants).

    >>> import tocha
    >>> s = tocha.sparse_coo_tensor([[0, 1], [2, 0]], [3.0, 4.0], (2, 3))
    >>> s.to_dense()
    tensor([[0., 0., 3.],
            [4., 0., 0.]])
    """
    idx = _index_array(indices, "sparse_coo_tensor")
    v = _as_tensor(values, dtype)
    if idx.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    if v.dim() == 0:
        raise RuntimeError("values must be at least one-dimensional (got a 0-d tensor)")
    nnz = idx.shape[1]
    if v.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: "
                           f"{nnz}, nnz from values: {v.shape[0]}")
    sd = idx.shape[0]
    if size is None:
        size = tuple(int(m) + 1 if nnz else 0 for m in
                     (idx.max(axis=1) if nnz else [0] * sd)) + tuple(v.shape[1:])
    size = tuple(int(s) for s in size)
    if len(size) != sd + v.dim() - 1:
        raise RuntimeError(f"number of dimensions must be sparse_dim ({sd}) + dense_dim "
                           f"({v.dim() - 1}), but got {len(size)}")
    if tuple(v.shape[1:]) != size[sd:]:
        raise RuntimeError(f"values has incorrect size, expected {[nnz] + list(size[sd:])}, "
                           f"got {list(v.shape)}")
    if check_invariants is None:
        from . import check_sparse_tensor_invariants
        check_invariants = check_sparse_tensor_invariants.is_enabled()
    if check_invariants or nnz:
        _check_coo(idx, size, is_coalesced if check_invariants else None)
    coalesced = bool(is_coalesced) or nnz <= 1
    if not v._dtype.is_floating_point and requires_grad:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    return _finish(A.from_values(v, idx, size, coalesced), requires_grad)


def _check_coo(idx: np.ndarray, size: tuple, coalesced: bool | None) -> None:
    for d in range(idx.shape[0]):
        if idx.shape[1] and (idx[d].min() < 0 or idx[d].max() >= size[d]):
            bad = int(idx[d].max()) if idx[d].max() >= size[d] else int(idx[d].min())
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is "
                               f"{size[d]} but found index {bad}")
    if coalesced:
        lin = S.linear_index(idx, size)
        if np.any(np.diff(lin) <= 0):
            raise RuntimeError("`is_coalesced=True` is given but the indices are not sorted "
                               "and unique")


# ---------------------------------------------------------------- compressed constructors

_COMPRESSED = {"sparse_csr": ("crow_indices", "col_indices"),
               "sparse_csc": ("ccol_indices", "row_indices"),
               "sparse_bsr": ("crow_indices", "col_indices"),
               "sparse_bsc": ("ccol_indices", "row_indices")}


def sparse_compressed_tensor(compressed_indices: Any, plain_indices: Any, values: Any,
                             size: Any = None, *, dtype=None, layout=None, device=None,
                             pin_memory: bool = False, requires_grad: bool = False,
                             check_invariants: bool | None = None) -> Tensor:
    """A 2-D sparse tensor in a compressed layout (`layout=` CSR, CSC, BSR or BSC).

    Differs from PyTorch: no batch dimensions and no dense dimensions (2-D matrices only).

    >>> import tocha
    >>> tocha.sparse_compressed_tensor([0, 1, 2], [1, 0], [5.0, 6.0], (2, 2),
    ...                                layout=tocha.sparse_csr).to_dense()
    tensor([[0., 5.],
            [6., 0.]])
    """
    if layout is None or layout.name not in _COMPRESSED:
        raise RuntimeError(f"sparse_compressed_tensor expected sparse compressed tensor "
                           f"layout but got {layout}")
    comp = _index_array(compressed_indices, "sparse_compressed_tensor")
    plain = _index_array(plain_indices, "sparse_compressed_tensor")
    v = _as_tensor(values, dtype)
    block = layout in (L.sparse_bsr, L.sparse_bsc)
    if comp.ndim != 1 or plain.ndim != 1 or v.dim() != (3 if block else 1):
        raise RuntimeError(f"sparse_compressed_tensor: tocha supports 2-D tensors without "
                           f"batch or dense dimensions (got {layout} with compressed indices "
                           f"{list(comp.shape)}, plain indices {list(plain.shape)}, values "
                           f"{list(v.shape)})")
    row = layout in (L.sparse_csr, L.sparse_bsr)
    bs = tuple(v.shape[1:3]) if block else (1, 1)
    if size is None:
        nmaj = len(comp) - 1
        nmin = int(plain.max()) + 1 if len(plain) else 0
        size = (nmaj * bs[0], nmin * bs[1]) if row else (nmin * bs[0], nmaj * bs[1])
    size = tuple(int(s) for s in size)
    _check_compressed(layout, comp, plain, v.shape[0], size, bs)
    st = S.CompressedStore(layout, comp, plain, v._data, size)
    return _finish(A.make_sparse(st, v._dtype, v._device), requires_grad)


def _check_compressed(layout, comp, plain, nnz, size, bs) -> None:
    cname, pname = _COMPRESSED[layout.name]
    row = layout in (L.sparse_csr, L.sparse_bsr)
    nmaj = size[0] // bs[0] if row else size[1] // bs[1]
    nmin = size[1] // bs[1] if row else size[0] // bs[0]
    if len(comp) != nmaj + 1:
        raise RuntimeError(f"{cname}.size(-1) must be equal to size[{0 if row else 1}] + 1 "
                           f"(that is {nmaj + 1}), but got: {len(comp)}")
    if len(plain) != nnz:
        raise RuntimeError(f"{pname} and values must have the same number of elements, but "
                           f"got {pname}.size(-1): {len(plain)}, values.size(0): {nnz}")
    if comp[0] != 0 or comp[-1] != nnz or np.any(np.diff(comp) < 0):
        raise RuntimeError(f"`{cname}` must start with 0, end with nnz ({nnz}) and be "
                           f"non-decreasing (got {comp.tolist()})")
    if len(plain) and (plain.min() < 0 or plain.max() >= nmin):
        raise RuntimeError(f"`0 <= {pname} < {'ncols' if row else 'nrows'}` is not satisfied "
                           f"(got {pname} {plain.tolist()} for size {size})")


def _compressed_ctor(layout_name: str):
    cname, pname = _COMPRESSED[layout_name]

    def ctor(compressed_indices: Any, plain_indices: Any, values: Any, size: Any = None, *,
             dtype=None, device=None, pin_memory: bool = False, requires_grad: bool = False,
             check_invariants: bool | None = None) -> Tensor:
        return sparse_compressed_tensor(compressed_indices, plain_indices, values, size,
                                        dtype=dtype, layout=getattr(L, layout_name),
                                        requires_grad=requires_grad)
    ctor.__name__ = ctor.__qualname__ = layout_name + "_tensor"
    ctor.__doc__ = (f"A 2-D sparse tensor in {layout_name[7:].upper()} format from "
                    f"`{cname}`, `{pname}` and `values` (see `sparse_compressed_tensor`).")
    return ctor


sparse_csr_tensor = _compressed_ctor("sparse_csr")
sparse_csc_tensor = _compressed_ctor("sparse_csc")
sparse_bsr_tensor = _compressed_ctor("sparse_bsr")
sparse_bsc_tensor = _compressed_ctor("sparse_bsc")


def check_blocksize(layout, blocksize, shape) -> tuple | None:
    if layout not in (L.sparse_bsr, L.sparse_bsc):
        return None
    if blocksize is None:
        raise RuntimeError(f"to_sparse: {layout} needs a blocksize")
    bs = tuple(int(b) for b in blocksize)
    if len(bs) != 2 or shape[0] % bs[0] or shape[1] % bs[1]:
        raise RuntimeError(f"Tensor size({tuple(shape)}) must be divisible by given blocksize "
                           f"{bs}")
    return bs


def empty_sparse(layout, size: tuple, dtype, requires_grad: bool = False) -> Tensor:
    """A sparse tensor of `size` with no stored entries (`zeros(..., layout=...)`)."""
    if layout is L.sparse_coo:
        st = S.CooStore(np.zeros((len(size), 0), np.int64), np.zeros((0,), dtype.np), size,
                        True)
    else:
        if len(size) != 2:
            raise RuntimeError(f"tocha's {layout} tensors are 2-D (got size {list(size)})")
        row = layout in (L.sparse_csr, L.sparse_bsr)
        if layout in (L.sparse_bsr, L.sparse_bsc):
            raise RuntimeError(f"empty {layout} tensors need a blocksize: build them with "
                               f"sparse_compressed_tensor")
        st = S.CompressedStore(layout, np.zeros((size[0] if row else size[1]) + 1, np.int64),
                               np.zeros(0, np.int64), np.zeros(0, dtype.np), size)
    return _finish(A.make_sparse(st, dtype), requires_grad)
