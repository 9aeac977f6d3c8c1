"""The sparse Tensor methods as every Tensor has them (tocha/_tensor_methods.py delegates
here): conversions from dense (`x.to_sparse()`, `x.to_sparse_csr()`, ...), `x.sparse_mask(m)`,
and the sparse-only accessors, which on a dense tensor raise PyTorch's errors."""
from __future__ import annotations

from typing import Any

from .. import _layout as L
from .._tensor import Tensor
from . import _autograd as A
from . import _store as S


def _sparse_cls():
    from ._tensor import SparseTensor
    return SparseTensor


def _from_dense(x: Tensor, layout, blocksize=None, sparse_dim=None) -> Tensor:
    if layout is L.sparse_coo:
        sd = x.dim() if sparse_dim is None else int(sparse_dim)
        if not 0 <= sd <= x.dim():
            raise RuntimeError(f"to_sparse: sparse_dim argument must be in [0, {x.dim()}] "
                               f"but got {sd}")
        cls = A.ToSparse if sparse_dim is None else A._named(A.ToSparse, "ToSparseBackward0")
        return cls.apply(x, sd)
    if x.dim() != 2:
        raise RuntimeError(f"to_sparse: tocha converts only 2-D tensors to {layout} (got "
                           f"{x.dim()}-D); compressed layouts have no batch dims here")
    from ._functions import check_blocksize
    check_blocksize(layout, blocksize, tuple(x.shape))
    return A.ToSparse.apply(x, 2).to_sparse(layout=layout, blocksize=blocksize)


def to_sparse(self, *args: Any, layout=None, blocksize=None, dense_dim=None) -> Tensor:
    """A sparse copy: `x.to_sparse()` (COO over all dims), `x.to_sparse(sparse_dim)` (COO
    over the first dims, the rest dense values), or `x.to_sparse(layout=..., blocksize=...)`.

    >>> import tocha
    >>> tocha.tensor([[0.0, 1.0], [0.0, 0.0]]).to_sparse()._nnz()
    1
    """
    if isinstance(self._data, S._Store):
        return _sparse_cls().to_sparse(self, *args, layout=layout, blocksize=blocksize)
    sd = args[0] if args else None
    return _from_dense(self, layout or L.sparse_coo, blocksize, sd)


def to_sparse_coo(self) -> Tensor:
    return to_sparse(self)


def to_sparse_csr(self, dense_dim: int | None = None) -> Tensor:
    return to_sparse(self, layout=L.sparse_csr)


def to_sparse_csc(self, dense_dim: int | None = None) -> Tensor:
    return to_sparse(self, layout=L.sparse_csc)


def to_sparse_bsr(self, blocksize, dense_dim: int | None = None) -> Tensor:
    return to_sparse(self, layout=L.sparse_bsr, blocksize=blocksize)


def to_sparse_bsc(self, blocksize, dense_dim: int | None = None) -> Tensor:
    return to_sparse(self, layout=L.sparse_bsc, blocksize=blocksize)


def to_dense(self, dtype=None, *, masked_grad: bool | None = None) -> Tensor:
    """The dense tensor (a strided tensor returns itself)."""
    if isinstance(self._data, S._Store):
        return _sparse_cls().to_dense(self, dtype)
    return self if dtype is None else self.to(dtype)


def sparse_mask(self, mask: Tensor) -> Tensor:
    """This tensor's entries at the positions of the sparse COO tensor `mask` (sparse)."""
    from ._ops import sparse_mask as _mask
    return _mask(self, mask)


def sparse_dim(self) -> int:
    return _sparse_cls().sparse_dim(self) if isinstance(self._data, S._Store) else 0


def dense_dim(self) -> int:
    return _sparse_cls().dense_dim(self) if isinstance(self._data, S._Store) else self.dim()


def _sparse_only(name: str, what: str):
    """A method that exists for sparse tensors; on a dense one, PyTorch's error."""
    def method(self, *args, **kwargs):
        if isinstance(self._data, S._Store):
            return getattr(_sparse_cls(), name)(self, *args, **kwargs)
        if what is None:
            raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the "
                                      f"'CPU' backend: {name}() needs a sparse tensor")
        raise RuntimeError(f"{name.lstrip('_')} expected {what} tensor layout but got Strided")
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"`{name}` of a sparse tensor (an error for a dense one, as in PyTorch)."
    return method


_COO = "sparse coordinate"
indices = _sparse_only("indices", _COO)
values = _sparse_only("values", "sparse")
_indices = _sparse_only("_indices", None)
_values = _sparse_only("_values", None)
_nnz = _sparse_only("_nnz", None)
coalesce = _sparse_only("coalesce", _COO)
is_coalesced = _sparse_only("is_coalesced", _COO)
crow_indices = _sparse_only("crow_indices", "sparse row compressed")
col_indices = _sparse_only("col_indices", "sparse row compressed")
ccol_indices = _sparse_only("ccol_indices", "sparse column compressed")
row_indices = _sparse_only("row_indices", "sparse column compressed")
smm = _sparse_only("smm", _COO)
sspaddmm = _sparse_only("sspaddmm", _COO)
sparse_resize_ = _sparse_only("sparse_resize_", _COO)
sparse_resize_and_clear_ = _sparse_only("sparse_resize_and_clear_", _COO)
resize_as_sparse_ = _sparse_only("resize_as_sparse_", _COO)
