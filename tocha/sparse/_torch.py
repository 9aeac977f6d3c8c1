"""The torch.* names for sparse tensors: constructors, the legacy sparse products (`spmm`,
`smm`, `hspmm`, `dsmm`, `hsmm`, `saddmm`, `sspaddmm`) and the `*_copy` accessors."""
from __future__ import annotations

from .._tensor import Tensor
from . import _autograd as A
from . import _ops as O
from ._functions import (
    sparse_bsc_tensor,
    sparse_bsr_tensor,
    sparse_compressed_tensor,
    sparse_coo_tensor,
    sparse_csc_tensor,
    sparse_csr_tensor,
)

__all__ = ["ccol_indices_copy", "col_indices_copy", "crow_indices_copy", "dsmm", "hsmm",
           "hspmm", "indices_copy", "resize_as_sparse_", "row_indices_copy", "saddmm", "smm",
           "sparse_bsc_tensor", "sparse_bsr_tensor", "sparse_compressed_tensor",
           "sparse_coo_tensor", "sparse_csc_tensor", "sparse_csr_tensor", "spmm", "sspaddmm",
           "values_copy"]


def spmm(input: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense -> dense (`torch.mm` for a sparse first operand)."""
    if not A.is_sparse(input):
        return input.mm(mat2)
    return O.sparse_matmul(input, mat2)


def dsmm(input: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense -> dense (the same product as `spmm`)."""
    return spmm(input, mat2)


def smm(input: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense -> sparse (the product's nonzero entries)."""
    return O.smm(input, mat2)


def hsmm(input: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense -> hybrid sparse (see `hspmm`)."""
    return O.hspmm(input, mat2)


def hspmm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense -> hybrid COO: one sparse dim (mat1's non-empty rows), dense rows."""
    return O.hspmm(mat1, mat2)


def sspaddmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
             alpha: float = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), sparse (input and mat1 sparse, mat2 dense)."""
    return O.sspaddmm(input, mat1, mat2, beta=beta, alpha=alpha)


def saddmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
           alpha: float = 1) -> Tensor:
    """The same as `sspaddmm`."""
    return O.sspaddmm(input, mat1, mat2, beta=beta, alpha=alpha)


def indices_copy(input: Tensor) -> Tensor:
    return input.indices().clone()


def values_copy(input: Tensor) -> Tensor:
    return input.values().clone()


def crow_indices_copy(input: Tensor) -> Tensor:
    return input.crow_indices().clone()


def col_indices_copy(input: Tensor) -> Tensor:
    return input.col_indices().clone()


def ccol_indices_copy(input: Tensor) -> Tensor:
    return input.ccol_indices().clone()


def row_indices_copy(input: Tensor) -> Tensor:
    return input.row_indices().clone()


def resize_as_sparse_(input: Tensor, the_template: Tensor) -> Tensor:
    return input.resize_as_sparse_(the_template)
