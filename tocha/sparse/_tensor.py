"""The sparse Tensor: a `Tensor` whose `_data` is a sparse store (tocha/sparse/_store.py).

`SparseTensor` is a subclass only so that the ops PyTorch has for sparse tensors dispatch here
by ordinary method lookup: the dense path pays nothing. Its instances answer `isinstance(x,
tocha.Tensor)`; `x.layout` tells the format. Dense ops it does not override refuse with
NotImplementedError (the store refuses NumPy), as PyTorch does for ops without a sparse kernel.

Differs from PyTorch: `type(x)` is `SparseTensor`, not `Tensor`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D
from .. import _layout as L
from .._tensor import Size, Tensor, _wrap_dt
from . import _autograd as A
from . import _store as S


def _coo(self, op: str) -> S.CooStore:
    st = self._data
    if not isinstance(st, S.CooStore):
        raise RuntimeError(f"{op} expected sparse coordinate tensor layout but got "  # noqa: TRY004
                           f"{_layout_word(st.layout)}")
    return st


def _layout_word(layout) -> str:
    return {"strided": "Strided", "sparse_coo": "Sparse", "sparse_csr": "SparseCsr",
            "sparse_csc": "SparseCsc", "sparse_bsr": "SparseBsr",
            "sparse_bsc": "SparseBsc"}[layout.name]


def _check_dense_sparse(d: Tensor, s: Tensor) -> None:
    if tuple(d.shape) != tuple(s.shape):
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has "
                           f"size {list(d.shape)} while other has size {list(s.shape)} (FYI: "
                           f"dense-sparse addition does not currently support broadcasting)")


def _fix_grad(t: Tensor) -> None:
    # the engine stores a leaf's first gradient as a plain Tensor around a copy of its data:
    # give a sparse gradient its class back (and a dense one, after sparse + dense, its own)
    g = t._grad
    if g is not None and isinstance(g._data, S._Store) is not isinstance(g, SparseTensor):
        g.__class__ = SparseTensor if isinstance(g._data, S._Store) else Tensor


class SparseTensor(Tensor):
    """A sparse COO, CSR, CSC, BSR or BSC tensor (see `tocha.sparse_coo_tensor`)."""

    __slots__ = ()
    _post_acc_hooks = (_fix_grad,)
    _sparse_layout = True       # torch.mm / torch.matmul send sparse operands here

    # ---- metadata ----
    @property
    def layout(self):
        return self._data.layout

    @property
    def is_sparse(self) -> bool:
        return self._data.layout is L.sparse_coo

    @property
    def is_sparse_csr(self) -> bool:
        return self._data.layout is L.sparse_csr

    def is_contiguous(self, memory_format: object = None) -> bool:
        raise RuntimeError(f"is_contiguous is not implemented for tensors with layout "
                           f"{_layout_word(self._data.layout)}")

    def stride(self, dim: int | None = None):
        raise RuntimeError(f"Sparse tensors do not have strides (layout {self._data.layout})")

    def numpy(self, force: bool = False):
        raise TypeError(f"can't convert {_layout_word(self._data.layout)} layout tensor to "
                        f"numpy. Use Tensor.to_dense() first.")

    def __array__(self, dtype=None, copy=None):
        return self.numpy()

    def tolist(self):
        raise RuntimeError("tolist() is not supported for sparse tensors: call to_dense() first")

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._print import sparse_repr
        return sparse_repr(self)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._dtype.name, self._requires_grad))

    def register_post_accumulate_grad_hook(self, hook):
        if "_post_acc_hooks" not in self.__dict__:
            self._post_acc_hooks = [_fix_grad]
        return super().register_post_accumulate_grad_hook(hook)

    # ---- copies and casts ----
    @property
    def data(self) -> Tensor:
        return A.make_sparse(self._data, self._dtype, self._device)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data, self._dtype = value._data, value._dtype

    def detach(self) -> Tensor:
        return A.make_sparse(self._data, self._dtype, self._device)

    def clone(self, *, memory_format: object = None) -> Tensor:
        return self._linear(lambda v: v.clone(), lambda g: g, "CloneBackward0")

    def __deepcopy__(self, memo):
        t = A.make_sparse(self._data.copy(), self._dtype, self._device)
        t._requires_grad = self._requires_grad
        memo[id(self)] = t
        return t

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
        if dtype is None or dtype is self._dtype:
            return self
        src = self._dtype
        return self._linear(lambda v: v.to(dtype), lambda g: g.to(src), "ToCopyBackward0")

    def type(self, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:
        """`'torch.sparse.FloatTensor'` and friends; with a dtype, the cast."""
        if dtype is not None:
            return super().type(dtype, non_blocking, **kwargs)
        if self._data.layout is not L.sparse_coo:
            raise RuntimeError(f"Unimplemented backend {_layout_word(self._data.layout)}CPU")
        return super().type().replace("torch.", "torch.sparse.", 1)

    def _linear(self, fn, bwd, name: str) -> Tensor:
        """`fn` on the values, as one node whose backward is `bwd(g)` in g's own layout
        (PyTorch's formulas for neg, scalar mul/div, clone, casts)."""
        return A.sparse_op(name, lambda s: s._rebuild_values(fn, name), lambda g: (bwd(g),),
                           self)

    def _rebuild_values(self, fn, name: str, coalesce: bool = False) -> Tensor:
        """A tensor with this one's indices and `fn(values)` (differentiable)."""
        st = self._data
        if isinstance(st, S.CompressedStore):
            if fn is None:
                return self
            out = A.to_layout(self.to_sparse_coo()._rebuild_values(fn, name), st)
            return out
        if coalesce:
            src = self.coalesce()
            st = src._data
        else:
            src = self
        return A.from_values(fn(A.values_of(src)), st.indices, st.shape, st.coalesced, name)

    # ---- COO parts ----
    def _nnz(self) -> int:
        st = self._data
        return st.indices.shape[1] if isinstance(st, S.CooStore) else len(st.plain)

    def sparse_dim(self) -> int:
        st = self._data
        return st.sparse_dim if isinstance(st, S.CooStore) else 2

    def dense_dim(self) -> int:
        return self._data.values.ndim - 1 if isinstance(self._data, S.CooStore) else 0

    def is_coalesced(self) -> bool:
        return _coo(self, "is_coalesced").coalesced

    def coalesce(self) -> Tensor:
        st = _coo(self, "coalesce")
        if st.coalesced:
            return self
        return A.sparse_op("CoalesceBackward0", SparseTensor._coalesce, lambda g: (g,), self)

    def _coalesce(self) -> Tensor:
        st = self._data
        idx, inv = S.coalesce_map(st.indices, st.shape)
        v = A.values_of(self)
        from .._creation import tensor, zeros
        merged = zeros((idx.shape[1],) + tuple(st.values.shape[1:]), dtype=self._dtype)
        merged = merged.index_add(0, tensor(inv), v)
        return A.from_values(merged, idx, st.shape, True, "CoalesceBackward0")

    def _indices(self) -> Tensor:
        st = _coo(self, "_indices")
        return _wrap_dt(st.indices, D.int64, self._device)

    def indices(self) -> Tensor:
        st = _coo(self, "indices")
        if not st.coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call "
                               ".coalesce() first")
        return _wrap_dt(st.indices, D.int64, self._device)

    def _values(self) -> Tensor:
        # (outside autograd, as PyTorch's: `values()` is the differentiable one)
        return _wrap_dt(_coo(self, "_values").values, self._dtype, self._device)

    def values(self) -> Tensor:
        st = self._data
        if isinstance(st, S.CooStore) and not st.coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call "
                               ".coalesce() first")
        if isinstance(st, S.CompressedStore):
            return _wrap_dt(st.values, self._dtype, self._device)
        return A.values_of(self)

    def indices_copy(self) -> Tensor:
        return self.indices().clone()

    def values_copy(self) -> Tensor:
        return self.values().clone()

    # ---- compressed parts ----
    def _compressed(self, op: str, row: bool) -> S.CompressedStore:
        st = self._data
        ok = (L.sparse_csr, L.sparse_bsr) if row else (L.sparse_csc, L.sparse_bsc)
        if st.layout not in ok:
            kind = "row" if row else "column"
            raise RuntimeError(f"{op} expected sparse {kind} compressed tensor layout but got "
                               f"{_layout_word(st.layout)}")
        return st

    def crow_indices(self) -> Tensor:
        return _wrap_dt(self._compressed("crow_indices", True).compressed, D.int64, self._device)

    def col_indices(self) -> Tensor:
        return _wrap_dt(self._compressed("col_indices", True).plain, D.int64, self._device)

    def ccol_indices(self) -> Tensor:
        st = self._compressed("ccol_indices", False)
        return _wrap_dt(st.compressed, D.int64, self._device)

    def row_indices(self) -> Tensor:
        return _wrap_dt(self._compressed("row_indices", False).plain, D.int64, self._device)

    # ---- conversions ----
    def to_dense(self, dtype: D.dtype | None = None, *, masked_grad: bool | None = None
                 ) -> Tensor:
        out = A.ToDense.apply(self)
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, *args: Any, layout=None, blocksize=None, dense_dim=None) -> Tensor:
        if args and isinstance(args[0], int) and args[0] != self.sparse_dim():
            raise RuntimeError(f"to_sparse: conversion from Sparse to Sparse with "
                               f"sparse_dim={args[0]} is not supported")
        return self._convert(layout or L.sparse_coo, blocksize)

    def to_sparse_coo(self) -> Tensor:
        return self._convert(L.sparse_coo, None)

    def to_sparse_csr(self, dense_dim: int | None = None) -> Tensor:
        return self._convert(L.sparse_csr, None)

    def to_sparse_csc(self, dense_dim: int | None = None) -> Tensor:
        return self._convert(L.sparse_csc, None)

    def to_sparse_bsr(self, blocksize, dense_dim: int | None = None) -> Tensor:
        return self._convert(L.sparse_bsr, blocksize)

    def to_sparse_bsc(self, blocksize, dense_dim: int | None = None) -> Tensor:
        return self._convert(L.sparse_bsc, blocksize)

    def _convert(self, layout, blocksize) -> Tensor:
        from ._functions import check_blocksize
        st = self._data
        if layout is st.layout and blocksize is None:
            return self
        if layout is not L.sparse_coo:
            if st.ndim != 2 or (isinstance(st, S.CooStore) and st.sparse_dim != 2):
                raise RuntimeError(f"to_sparse: tocha converts only 2-D tensors to {layout} "
                                   f"(got shape {tuple(st.shape)})")
            blocksize = check_blocksize(layout, blocksize, st.shape)
        return A._named(A.Convert, A.CONVERT_NAMES[layout.name]).apply(self, layout, blocksize)

    # ---- arithmetic (what PyTorch computes on sparse tensors) ----
    def add(self, other, *, alpha=1, out=None) -> Tensor:
        from ._ops import sparse_add
        return sparse_add(self, other, alpha)

    __add__ = add

    def __radd__(self, other):
        if isinstance(other, Tensor) and not A.is_sparse(other):
            _check_dense_sparse(other, self)
            return A.sparse_op("AddBackward0", lambda d, s: d + s.to_dense(),
                               lambda g: (g, g), other, self)
        return NotImplemented

    def sub(self, other, *, alpha=1, out=None) -> Tensor:
        from ._ops import sparse_add
        return sparse_add(self, other, -alpha)

    __sub__ = sub

    def __rsub__(self, other):
        if isinstance(other, Tensor) and not A.is_sparse(other):
            _check_dense_sparse(other, self)
            return A.sparse_op("SubBackward0", lambda d, s: d - s.to_dense(),
                               lambda g: (g, -g), other, self)
        return NotImplemented

    def mul(self, other) -> Tensor:
        from ._ops import sparse_mul
        return sparse_mul(self, other)

    __mul__ = __rmul__ = multiply = mul

    def div(self, other, *, rounding_mode=None) -> Tensor:
        if isinstance(other, Tensor) and other.dim() != 0:
            raise RuntimeError("Sparse division requires a scalar or zero-dim dense tensor "
                               "divisor (got shape " + str(tuple(other.shape)) + ")")
        if rounding_mode is not None:
            return self._rebuild_values(lambda v: v.div(other, rounding_mode=rounding_mode),
                                        "DivBackward1")
        return self._linear(lambda v: v / other, lambda g: g / other, "DivBackward0")

    __truediv__ = divide = true_divide = div

    def neg(self) -> Tensor:
        return self._linear(lambda v: -v, lambda g: -g, "NegBackward0")

    __neg__ = negative = neg

    def sum(self, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
        from . import sum as sparse_sum
        if keepdim:
            raise RuntimeError("sum: keepdim=True is not supported for sparse tensors")
        if dim is None:     # (PyTorch's SumBackward0: a dense gradient)
            shape = tuple(self.shape)
            out = A.sparse_op("SumBackward0", lambda s: A.values_of(s).sum(),
                              lambda g: (g.expand(shape),), self)
        else:
            out = sparse_sum(self, dim)
        return out if dtype is None else out.to(dtype)

    def t(self) -> Tensor:
        if self.dim() > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.dim()}D")
        if self.dim() < 2:
            return self
        from ._ops import sparse_transpose
        return sparse_transpose(self, 0, 1, "TBackward0")

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        from ._ops import sparse_transpose
        return sparse_transpose(self, dim0, dim1)

    def select(self, dim: int, index: int) -> Tensor:
        """The slice at `index` along `dim` (sparse while sparse dims remain)."""
        from ._ops import sparse_select
        return sparse_select(self, dim, index)

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        """The slices at `index` along `dim` (sparse, uncoalesced, in PyTorch's order)."""
        from ._ops import sparse_index_select
        return sparse_index_select(self, dim, index)

    def __getitem__(self, index):
        # integers only (x[i], x[i, j]): PyTorch's other indexing of sparse tensors is rare
        idx = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in idx):
            raise NotImplementedError(f"tocha indexes sparse tensors with integers only (got "
                                      f"{index!r}); convert with .to_dense() first")
        out = self
        for i in idx:
            out = out.select(0, i)
        return out

    def matmul(self, other) -> Tensor:
        from ._ops import sparse_matmul
        return sparse_matmul(self, other)

    __matmul__ = mm = matmul

    def smm(self, mat2) -> Tensor:
        from ._ops import smm
        return smm(self, mat2)

    def sspaddmm(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
        from ._ops import sspaddmm
        return sspaddmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def sparse_mask(self, mask) -> Tensor:
        from ._ops import sparse_mask
        return sparse_mask(self, mask)

    def zero_(self) -> Tensor:
        st = self._data
        if isinstance(st, S.CooStore):
            self._data = S.CooStore(np.zeros((st.sparse_dim, 0), np.int64),
                                    np.zeros((0,) + st.values.shape[1:], st.values.dtype),
                                    st.shape, True)
        else:
            st.values[...] = 0
        self._bump()
        return self

    def sparse_resize_(self, size, sparse_dim: int, dense_dim: int) -> Tensor:
        from ._ops import sparse_resize_
        return sparse_resize_(self, size, sparse_dim, dense_dim, clear=False)

    def sparse_resize_and_clear_(self, size, sparse_dim: int, dense_dim: int) -> Tensor:
        from ._ops import sparse_resize_
        return sparse_resize_(self, size, sparse_dim, dense_dim, clear=True)

    def resize_as_sparse_(self, other) -> Tensor:
        from ._ops import sparse_resize_
        return sparse_resize_(self, other.shape, other.sparse_dim(), other.dense_dim(),
                              clear=False)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)


def _zero_preserving(name: str):
    def op(self):
        return self._rebuild_values(lambda v: getattr(v, name)(), name.capitalize() +
                                    "Backward0", coalesce=True)
    op.__name__ = name
    op.__doc__ = f"`{name}` of the stored values (zero stays zero, so the result is sparse)."
    return op


# elementwise functions with f(0) == 0: PyTorch computes them on the values of a sparse tensor
for _n in ("abs", "sqrt", "sin", "tan", "tanh", "sinh", "asin", "asinh", "atan", "atanh",
           "sign", "sgn", "expm1", "log1p", "trunc", "floor", "ceil", "round", "frac", "relu",
           "square", "erf", "deg2rad", "rad2deg", "signbit", "isnan", "isinf", "erfinv"):
    setattr(SparseTensor, _n, _zero_preserving(_n))
SparseTensor.__abs__ = SparseTensor.abs


def _rebuild(store, dtype_name, requires_grad):
    t = A.make_sparse(store, D._NAME2DT[dtype_name])
    t._requires_grad = requires_grad
    return t
