"""What a sparse tensor holds in place of a dense array: index and value arrays (NumPy).

A sparse Tensor's `_data` is one of these stores. It answers what the engine and the metadata
methods ask of an array (`shape`, `ndim`, `size`, `dtype`, `copy()`, `+=`) and refuses, with a
clear error, every NumPy computation a dense op would try on it: a dense op never silently
computes on a sparse tensor's internals.

Array-level helpers (coalescing, conversions between formats) live here too; they compute on
NumPy arrays only (SciPy is used for products, in `_scipy()`).
"""
from __future__ import annotations

import numpy as np

from .. import _layout as L


def _scipy():
    try:
        import scipy.sparse
    except ImportError:     # pragma: no cover - scipy is in the test extra
        raise ImportError("tocha's sparse products need SciPy: pip install 'tocha[scipy]' "
                          "(or pip install scipy)") from None
    return scipy.sparse


class SparseUnsupported(NotImplementedError, AttributeError):
    """A dense op reached a sparse tensor's store. (An AttributeError too, so that
    `getattr(x, name, default)` probing still works.)"""


def _refuse(store) -> NotImplementedError:
    return SparseUnsupported(
        f"this operation has no sparse version in tocha (got a tensor with layout="
        f"{store.layout} and shape {tuple(store.shape)}): convert it with .to_dense() first, "
        f"or use torch.sparse.* ops")


class _Store:
    """Common part of the sparse stores (the array protocol a dense op would use)."""

    __slots__ = ()
    layout = L.sparse_coo

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def itemsize(self) -> int:
        return self.values.itemsize

    def __array__(self, dtype=None, copy=None):
        raise _refuse(self)

    def __array_function__(self, func, types, args, kwargs):
        raise _refuse(self)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index):
        raise _refuse(self)

    def __getattr__(self, name: str):
        # any other array attribute (astype, reshape, flags, ...) is a dense op's
        if name.startswith("__"):
            raise AttributeError(name)
        raise _refuse(self)


class CooStore(_Store):
    """COO: `indices` (sparse_dim, nnz) int64, `values` (nnz, *dense_shape)."""

    __slots__ = ("coalesced", "indices", "shape", "values")

    def __init__(self, indices: np.ndarray, values: np.ndarray, shape: tuple,
                 coalesced: bool = False) -> None:
        self.indices, self.values, self.shape = indices, values, tuple(int(s) for s in shape)
        self.coalesced = coalesced

    @property
    def sparse_dim(self) -> int:
        return self.indices.shape[0]

    def copy(self) -> CooStore:
        return CooStore(self.indices.copy(), self.values.copy(), self.shape, self.coalesced)

    def dense(self) -> np.ndarray:
        out = np.zeros(self.shape, self.values.dtype)
        np.add.at(out, tuple(self.indices), self.values)
        return out

    def __setitem__(self, index, value) -> None:
        # `grad._data[...] = 0` (zero_grad(set_to_none=False)) empties a sparse gradient,
        # as PyTorch's zero_() does
        if index is Ellipsis and np.all(np.asarray(value) == 0):
            self.indices = np.zeros((self.sparse_dim, 0), np.int64)
            self.values = np.zeros((0,) + self.values.shape[1:], self.values.dtype)
            self.coalesced = True
            return
        raise _refuse(self)

    def __iadd__(self, other):
        # the engine accumulates a leaf's gradients with `old._data += new._data`
        if isinstance(other, CooStore):
            return add_coo(self, other, 1)
        if isinstance(other, np.ndarray):
            return other + self.dense()
        return NotImplemented

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        # dense `+=` sparse (a dense gradient buffer receiving a sparse gradient)
        if (ufunc is np.add and method == "__call__" and out is not None
                and isinstance(inputs[0], np.ndarray) and inputs[1] is self
                and out[0] is inputs[0]):
            np.add.at(out[0], tuple(self.indices), self.values)
            return out[0]
        # torch.add(dense, sparse) / torch.sub(dense, sparse): dense, as PyTorch's (the
        # sparse operand second, equal sizes: PyTorch refuses the rest)
        if (ufunc in (np.add, np.subtract) and method == "__call__" and out is None
                and len(inputs) == 2 and isinstance(inputs[0], np.ndarray)
                and inputs[1] is self and not kwargs):
            if inputs[0].shape != self.shape:
                raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but "
                                   f"self has size {list(inputs[0].shape)} while other has "
                                   f"size {list(self.shape)} (FYI: dense-sparse addition does "
                                   f"not currently support broadcasting)")
            return ufunc(inputs[0], self.dense())
        if ufunc is np.add and len(inputs) == 2 and inputs[0] is self and isinstance(
                inputs[1], np.ndarray):
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                               "instead.")
        raise _refuse(self)


class CompressedStore(_Store):
    """CSR/CSC/BSR/BSC of a 2-D tensor: `compressed` (n + 1,), `plain` (nnz,), `values`
    (nnz,) or (nnz, *blocksize) for the block layouts."""

    __slots__ = ("compressed", "layout", "plain", "shape", "values")

    def __init__(self, layout, compressed, plain, values, shape) -> None:
        self.layout, self.compressed, self.plain, self.values = layout, compressed, plain, values
        self.shape = tuple(int(s) for s in shape)

    @property
    def blocksize(self) -> tuple:
        return tuple(self.values.shape[1:3]) if self.values.ndim == 3 else (1, 1)

    @property
    def row_major(self) -> bool:
        return self.layout is L.sparse_csr or self.layout is L.sparse_bsr

    def copy(self) -> CompressedStore:
        return CompressedStore(self.layout, self.compressed.copy(), self.plain.copy(),
                               self.values.copy(), self.shape)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise _refuse(self)

    def coo(self) -> CooStore:
        """The same elements as a coalesced COO store (blocks expanded to elements)."""
        n = len(self.compressed) - 1
        major = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.compressed))
        rows, cols = (major, self.plain) if self.row_major else (self.plain, major)
        if self.values.ndim == 3:
            br, bc = self.blocksize
            r = (rows[:, None, None] * br + np.arange(br)[None, :, None]).repeat(bc, 2)
            c = (cols[:, None, None] * bc + np.arange(bc)[None, None, :]).repeat(br, 1)
            idx = np.stack([r.ravel(), c.ravel()]).astype(np.int64)
            return coalesce(CooStore(idx, self.values.reshape(-1), self.shape))
        return coalesce(CooStore(np.stack([rows, cols]).astype(np.int64), self.values,
                                 self.shape))

    def dense(self) -> np.ndarray:
        return self.coo().dense()

    def scipy(self):
        """The matrix as a SciPy sparse matrix (element layouts only)."""
        sp = _scipy()
        if self.values.ndim == 3:
            if self.layout is L.sparse_bsr:
                return sp.bsr_matrix((self.values, self.plain, self.compressed),
                                     shape=self.shape)
            return self.coo_scipy()
        cls = sp.csr_matrix if self.row_major else sp.csc_matrix
        return cls((self.values, self.plain, self.compressed), shape=self.shape)

    def coo_scipy(self):
        c = self.coo()
        return _scipy().coo_matrix((c.values, (c.indices[0], c.indices[1])), shape=self.shape)


# ------------------------------------------------------------------ COO bookkeeping

def linear_index(indices: np.ndarray, shape: tuple) -> np.ndarray:
    """Each column of `indices` as one integer (row-major over the sparse dims)."""
    if indices.shape[0] == 0:
        return np.zeros(indices.shape[1], np.int64)
    return np.ravel_multi_index(tuple(indices), shape[:indices.shape[0]]).astype(np.int64)


def coalesce_map(indices: np.ndarray, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(unique sorted indices, inverse): entry k of the input lands in column inverse[k]."""
    lin = linear_index(indices, shape)
    uniq, inv = np.unique(lin, return_inverse=True)
    sd = indices.shape[0]
    if sd == 0:
        return np.zeros((0, len(uniq)), np.int64), inv.reshape(-1)
    idx = np.stack(np.unravel_index(uniq, shape[:sd])).astype(np.int64).reshape(sd, -1)
    return idx, inv.reshape(-1)


def coalesce(s: CooStore) -> CooStore:
    """Sorted, duplicate-free indices, duplicates' values summed (PyTorch's `coalesce`)."""
    if s.coalesced:
        return s
    idx, inv = coalesce_map(s.indices, s.shape)
    vals = np.zeros((idx.shape[1],) + s.values.shape[1:], s.values.dtype)
    np.add.at(vals, inv, s.values)
    return CooStore(idx, vals, s.shape, True)


def add_coo(a: CooStore, b: CooStore, alpha) -> CooStore:
    """a + alpha * b at the array level (what gradient accumulation needs)."""
    idx, inv, coalesced = merge_map(a, b)
    vals = np.zeros((idx.shape[1],) + a.values.shape[1:],
                    np.result_type(a.values.dtype, b.values.dtype))
    np.add.at(vals, inv, np.concatenate([a.values, alpha * b.values]))
    return CooStore(idx, vals, a.shape, coalesced)


def merge_map(a: CooStore, b: CooStore) -> tuple[np.ndarray, np.ndarray, bool]:
    """The indices of a + b and where each of a's then b's entries lands, as PyTorch's CPU
    kernel computes them: one merge pass over both entry lists, as if each were sorted (an
    entry of b equal to a's current one joins it). Coalesced inputs give the sorted union."""
    coalesced = a.coalesced and b.coalesced
    if coalesced or a.sparse_dim == 0:
        idx, inv = coalesce_map(np.concatenate([a.indices, b.indices], axis=1), a.shape)
        return idx, inv, coalesced
    ka = linear_index(a.indices, a.shape).tolist()
    kb = linear_index(b.indices, b.shape).tolist()
    na, nb = len(ka), len(kb)
    inv = np.empty(na + nb, np.int64)
    order = []
    i = j = 0
    while i < na or j < nb:
        r = len(order)
        if j >= nb or (i < na and ka[i] < kb[j]):
            inv[i], i = r, i + 1
            order.append(a.indices[:, i - 1])
        elif i >= na or ka[i] > kb[j]:
            inv[na + j], j = r, j + 1
            order.append(b.indices[:, j - 1])
        else:
            inv[i], inv[na + j] = r, r
            order.append(a.indices[:, i])
            i, j = i + 1, j + 1
    idx = np.stack(order, axis=1) if order else np.zeros((a.sparse_dim, 0), np.int64)
    return idx, inv, False


def dense_to_coo(arr: np.ndarray, sparse_dim: int) -> CooStore:
    """The nonzero entries (or nonzero dense slices) of `arr` over its first `sparse_dim`
    dims, coalesced."""
    if sparse_dim == arr.ndim:
        idx = np.stack(np.nonzero(arr)).astype(np.int64).reshape(arr.ndim, -1)
        return CooStore(idx, arr[tuple(idx)], arr.shape, True)
    flat = arr.reshape(arr.shape[:sparse_dim] + (-1,))
    mask = np.any(flat != 0, axis=-1)
    idx = np.stack(np.nonzero(mask)).astype(np.int64).reshape(sparse_dim, -1)
    return CooStore(idx, arr[tuple(idx)], arr.shape, True)


def compress(coo: CooStore, layout, blocksize: tuple | None) -> CompressedStore:
    """A coalesced 2-D COO store in one of the compressed layouts."""
    rows, cols = coo.indices
    vals = coo.values
    row_major = layout is L.sparse_csr or layout is L.sparse_bsr
    if blocksize is not None:
        br, bc = blocksize
        dense = coo.dense()
        m, n = coo.shape
        blocks = dense.reshape(m // br, br, n // bc, bc).transpose(0, 2, 1, 3)
        nz = np.any(blocks != 0, axis=(2, 3))
        r, c = np.nonzero(nz) if row_major else np.nonzero(nz.T)[::-1]
        if not row_major:
            order = np.lexsort((r, c))
            r, c = r[order], c[order]
        vals = blocks[r, c]
        rows, cols, nmaj = r, c, (m // br if row_major else n // bc)
    else:
        nmaj = coo.shape[0] if row_major else coo.shape[1]
        if not row_major:
            order = np.lexsort((rows, cols))
            rows, cols, vals = rows[order], cols[order], vals[order]
    major, plain = (rows, cols) if row_major else (cols, rows)
    comp = np.zeros(nmaj + 1, np.int64)
    np.cumsum(np.bincount(major, minlength=nmaj), out=comp[1:])
    return CompressedStore(layout, comp, plain.astype(np.int64), vals, coo.shape)
