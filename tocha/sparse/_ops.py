"""Ops on sparse tensors: arithmetic, transpose, products, masks, resizes. Each composes the
primitives of `_autograd` with dense tocha ops on the values, so gradients need no formulas
of their own."""
from __future__ import annotations

import numbers

import numpy as np

from .._ops._util import norm_dim
from .._tensor import Tensor, _wrap_dt
from . import _autograd as A
from . import _store as S


def _itensor(a: np.ndarray) -> Tensor:
    from .._creation import tensor
    return tensor(a)


def _require_coo(x: Tensor, op: str) -> S.CooStore:
    st = x._data
    if not isinstance(st, S.CooStore):
        raise RuntimeError(  # noqa: TRY004 (PyTorch's exception type)
            f"{op}: tocha computes this on sparse COO tensors only (got layout {st.layout}); "
            f"convert with .to_sparse() first")
    return st


def sparse_add(a: Tensor, b, alpha) -> Tensor:
    """a + alpha * b; the gradients pass through in their own layout (AddBackward0)."""
    _check_add(a, b)
    return A.sparse_op("AddBackward0", lambda x, y: _add(x, y, alpha),
                       lambda g: (g, g * alpha if alpha != 1 else g), a, b)


def _check_add(a: Tensor, b) -> None:
    """a + alpha * b with `a` sparse: sparse + sparse is sparse; sparse + dense is refused
    as PyTorch refuses it (dense + sparse works, and is dense)."""
    if not isinstance(b, Tensor):
        raise TypeError(f"add(): a sparse tensor can only be added to a tensor (got "
                        f"{type(b).__name__})")
    if not A.is_sparse(b):
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                           "instead.")
    sa, sb = _require_coo(a, "add"), _require_coo(b, "add")
    if sa.shape != sb.shape:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has "
                           f"size {list(sa.shape)} while other has size {list(sb.shape)} "
                           f"(FYI: op2-sparse addition does not currently support "
                           f"broadcasting)")
    if sa.sparse_dim != sb.sparse_dim:
        raise RuntimeError("add: expected both sparse tensors to have the same sparse_dim")


def _add(a: Tensor, b: Tensor, alpha) -> Tensor:
    from .. import _dtype as D
    dt = D.promote_types(a._dtype, b._dtype)
    st = S.add_coo(a._data, b._data, alpha)
    st.values = st.values.astype(dt.np, copy=False)
    return A.make_sparse(st, dt, a._device)


def sparse_mul(a: Tensor, b) -> Tensor:
    """a * b with `a` sparse: by a number or 0-d tensor, by a dense tensor of a's shape
    (sparse result), or by a sparse tensor (their common entries)."""
    st = _require_coo(a, "mul")
    if isinstance(b, (numbers.Number, np.generic)) or (
            isinstance(b, Tensor) and not A.is_sparse(b) and b.dim() == 0):
        return a._linear(lambda v: v * b, lambda g: g * b, "MulBackward0")
    if not isinstance(b, Tensor):
        return NotImplemented
    if tuple(b.shape) != st.shape:
        raise RuntimeError(f"mul: sparse and {'sparse' if A.is_sparse(b) else 'dense'} "
                           f"operands must have the same size (got {list(st.shape)} and "
                           f"{list(b.shape)}); sparse mul does not broadcast")
    if not A.is_sparse(b):
        c = a.coalesce()
        cs = c._data
        picked = b[tuple(_itensor(i) for i in cs.indices[:cs.sparse_dim])]
        return A.from_values(A.values_of(c) * picked, cs.indices, cs.shape, True,
                             "MulBackward0")
    sb = _require_coo(b, "mul")
    ca, cb = a.coalesce(), b.coalesce()
    la = S.linear_index(ca._data.indices, st.shape)
    lb = S.linear_index(cb._data.indices, sb.shape)
    _, ia, ib = np.intersect1d(la, lb, assume_unique=True, return_indices=True)
    vals = A.values_of(ca)[_itensor(ia)] * A.values_of(cb)[_itensor(ib)]
    return A.from_values(vals, ca._data.indices[:, ia], st.shape, True, "MulBackward0")


def sparse_transpose(a: Tensor, d0: int, d1: int, name: str = "TransposeBackward0") -> Tensor:
    """The transpose (a view in PyTorch; a new tensor here); the gradient is transposed back
    in its own layout."""
    return A.sparse_op(name, lambda x: _transpose(x, d0, d1),
                       lambda g: (g.transpose(d0, d1),), a)


def _transpose(a: Tensor, d0: int, d1: int) -> Tensor:
    st = _require_coo(a, "transpose")
    n = st.ndim
    d0, d1 = d0 % n, d1 % n
    if d0 == d1:
        return a
    sd = st.sparse_dim
    if (d0 < sd) != (d1 < sd):
        raise RuntimeError("transpose_: transposed dimensions must be sparse or dense "
                           "(one of each is not supported)")
    shape = list(st.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    if d0 < sd:
        idx = st.indices.copy()
        idx[[d0, d1]] = idx[[d1, d0]]
        return A.from_values(A.values_of(a), idx, tuple(shape), False, "TransposeBackward0")
    v = A.values_of(a).transpose(d0 - sd + 1, d1 - sd + 1)
    return A.from_values(v, st.indices, tuple(shape), st.coalesced, "TransposeBackward0")


def _check_mm(op: str, a: Tensor, b: Tensor) -> None:
    if not isinstance(b, Tensor):
        raise TypeError(f"{op}(): argument 'mat2' must be Tensor, not {type(b).__name__}")
    if a.dim() != 2 or b.dim() != 2:
        raise RuntimeError(f"{op}: expected 2-D matrices, got {a.dim()}-D and {b.dim()}-D")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied "
                           f"({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    if a._dtype is not b._dtype:
        raise RuntimeError(f"{op}: expected mat1 and mat2 to have the same dtype, but got: "
                           f"{a._dtype} != {b._dtype}")


def sparse_matmul(a: Tensor, b: Tensor, masked: bool = False) -> Tensor:
    """sparse @ dense -> dense; sparse @ sparse -> sparse.

    `masked`: torch.sparse.mm's gradient w.r.t. the sparse matrix, sparse in its pattern
    (SparseAddmmBackward0); otherwise `mm`'s, dense (MmBackward0), as PyTorch gives them."""
    if isinstance(b, Tensor) and b.dim() == 1 and not A.is_sparse(b):
        return sparse_matmul(a, b.unsqueeze(1), masked).squeeze(1)
    _check_mm("mm", a, b)
    if A.is_sparse(b):
        return A.SparseSparseMM.apply(a, b)
    if masked:
        return A.SparseMM.apply(a, b)
    return A.sparse_op("MmBackward0", A.SparseMM.apply,
                       lambda g: (g.mm(b.t()), A.SparseMM.apply(A.transpose_coo(a), g)),
                       a, b)


def sparse_mm_dispatch(a: Tensor, b: Tensor) -> Tensor:
    """`torch.mm` / `torch.matmul` with a sparse operand: sparse @ dense, dense @ sparse (as
    the transpose of sparse.T @ dense.T) or sparse @ sparse."""
    if A.is_sparse(a):
        return sparse_matmul(a, b)
    if a.dim() != 2 or b.dim() != 2:
        raise RuntimeError(f"mm: dense @ sparse needs 2-D operands (got {a.dim()}-D and "
                           f"{b.dim()}-D)")
    _check_mm("mm", a, b)

    def fwd(x, y):
        yt = y.t() if isinstance(y._data, S.CooStore) else y.to_sparse().t()
        return sparse_matmul(yt, x.t()).t()
    return A.sparse_op("MmBackward0", fwd, lambda g: (g.mm(b.t()), a.t().mm(g)), a, b)


def smm(a: Tensor, b: Tensor) -> Tensor:
    """sparse @ dense with a sparse result (its nonzero entries)."""
    _require_coo(a, "smm")
    return A.NotDifferentiable.apply(lambda x, y: sparse_matmul(x, y).to_sparse(), "smm", a, b)


def hspmm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """sparse @ dense as a hybrid sparse tensor: one sparse dim (the rows of mat1 that hold
    entries), the products' rows as dense values."""
    return A.NotDifferentiable.apply(_hspmm, "hspmm", mat1, mat2)


def _hspmm(mat1: Tensor, mat2: Tensor) -> Tensor:
    st = _require_coo(mat1, "hspmm")
    prod = sparse_matmul(mat1, mat2).detach()
    rows = np.unique(st.indices[0])
    out = S.CooStore(rows[None, :], prod._data[rows], prod._data.shape, True)
    return A.make_sparse(out, prod._dtype, prod._device)


def sspaddmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2) as a sparse tensor (input and mat1 sparse): the
    entries of input, then every entry of the product's rows where mat1 has entries
    (uncoalesced, as PyTorch's). No derivative, as in PyTorch."""
    return A.NotDifferentiable.apply(lambda i, a, b: _sspaddmm(i, a, b, beta, alpha),
                                     "sspaddmm", input, mat1, mat2)


def _sspaddmm(input: Tensor, mat1: Tensor, mat2: Tensor, beta, alpha) -> Tensor:
    si = _require_coo(input, "sspaddmm")
    sm = _require_coo(mat1, "sspaddmm")
    prod = sparse_matmul(mat1, mat2).detach()._data
    rows = np.unique(sm.indices[0])
    p = prod.shape[1]
    idx = np.stack([np.repeat(rows, p), np.tile(np.arange(p), len(rows))]).astype(np.int64)
    vals = np.concatenate([beta * si.values, alpha * prod[rows].reshape(-1)]).astype(
        si.values.dtype)
    st = S.CooStore(np.concatenate([si.indices, idx], axis=1), vals, si.shape,
                    vals.shape[0] <= 1)
    return A.make_sparse(st, input._dtype, input._device)


def sparse_select(x: Tensor, dim: int, index: int) -> Tensor:
    """`x.select(dim, index)` of a COO tensor: over a sparse dim, the entries at `index` with
    that dim dropped (a dense result once no sparse dim is left); over a dense dim, the
    values' slice. Differentiable through the values."""
    st = _require_coo(x, "select")
    n = st.ndim
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    dim %= n
    size = st.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(st.shape)} at dimension {dim}")
    index %= size
    shape = st.shape[:dim] + st.shape[dim + 1:]
    v = A.values_of(x)
    sd = st.sparse_dim
    if dim >= sd:
        return A.from_values(v.select(dim - sd + 1, index), st.indices, shape, st.coalesced,
                             "SelectBackward0")
    hit = np.nonzero(st.indices[dim] == index)[0]
    picked = v[_itensor(hit)]
    if sd == 1:     # no sparse dim left: the (summed) dense slice
        return picked.sum(0)
    idx = np.delete(st.indices[:, hit], dim, axis=0)
    return A.from_values(picked, idx, shape, st.coalesced, "SelectBackward0")


def sparse_index_select(x: Tensor, dim: int, index: Tensor) -> Tensor:
    """`x.index_select(dim, index)` of a COO tensor: for each position of `index` in turn,
    the entries at that index (in x's order), as PyTorch orders them."""
    st = _require_coo(x, "index_select")
    dim = norm_dim(dim, st.ndim)
    q = np.asarray(index._data if isinstance(index, Tensor) else index, np.int64).reshape(-1)
    n = st.shape[dim]
    if q.size and (q.min() < -n or q.max() >= n):
        raise IndexError(f"index_select(): index out of range in self (dimension {dim} has "
                         f"size {n})")
    q = q % max(n, 1)
    shape = st.shape[:dim] + (len(q),) + st.shape[dim + 1:]
    sd = st.sparse_dim
    v = A.values_of(x)
    if dim >= sd:
        return A.from_values(v.index_select(dim - sd + 1, _itensor(q)), st.indices, shape,
                             st.coalesced, "IndexSelectBackward0")
    order_q = np.argsort(q, kind="stable")
    sq = q[order_q]
    keys = st.indices[dim]
    lo, hi = np.searchsorted(sq, keys, "left"), np.searchsorted(sq, keys, "right")
    counts = hi - lo
    ent = np.repeat(np.arange(len(keys)), counts)
    pos = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    js = order_q[pos]
    order = np.lexsort((ent, js))
    ent, js = ent[order], js[order]
    idx = st.indices[:, ent].copy()
    idx[dim] = js
    return A.from_values(v[_itensor(ent)], idx, shape, False, "IndexSelectBackward0")


def sparse_mask(x: Tensor, mask: Tensor) -> Tensor:
    """The entries of `x` at the positions of the sparse `mask`, in mask's order."""
    if not A.is_sparse(mask):
        raise RuntimeError("sparse_mask expects mask to be sparse coordinate tensor layout "
                           "but got Strided")
    sm = _require_coo(mask, "sparse_mask")
    if tuple(x.shape) != sm.shape:
        raise RuntimeError(f"sparse_mask(): operands have incompatible sizes; self has size "
                           f"{list(x.shape)} but mask has size {list(sm.shape)}")
    if A.is_sparse(x):
        vals = A.gather(x if isinstance(x._data, S.CooStore) else x.to_sparse(), sm.indices)
        return A.from_values(vals, sm.indices, sm.shape, sm.coalesced, "SparseMaskBackward0")
    picked = x[tuple(_itensor(i) for i in sm.indices)]
    return A.from_values(picked, sm.indices, sm.shape, sm.coalesced, "SparseMaskBackward0")


def sparse_resize_(x: Tensor, size, sparse_dim: int, dense_dim: int, clear: bool) -> Tensor:
    """Resize in place: cleared (no entries), or keeping the entries when only sizes grow."""
    st = _require_coo(x, "sparse_resize_")
    size = tuple(int(s) for s in size)
    if sparse_dim + dense_dim != len(size):
        raise RuntimeError(f"number of dimensions must be sparse_dim ({sparse_dim}) + "
                           f"dense_dim ({dense_dim}), but got {len(size)}")
    if clear or st.indices.shape[1] == 0:
        x._data = S.CooStore(np.zeros((sparse_dim, 0), np.int64),
                             np.zeros((0,) + size[sparse_dim:], st.values.dtype), size, True)
    else:
        if sparse_dim != st.sparse_dim or dense_dim != st.values.ndim - 1:
            what = "sparse" if sparse_dim != st.sparse_dim else "dense"
            old = st.sparse_dim if what == "sparse" else st.values.ndim - 1
            new = sparse_dim if what == "sparse" else dense_dim
            raise RuntimeError(f"changing the number of {what} dimensions (from {old} to {new}) "
                               f"on a non-empty sparse tensor is not supported (call "
                               f"sparse_resize_and_clear_, or build a new sparse tensor)")
        if any(n < o for n, o in zip(size[:sparse_dim], st.shape)) or \
                size[sparse_dim:] != st.shape[sparse_dim:]:
            raise RuntimeError("shrinking the size of dimensions (or changing dense dims) of a "
                               "non-empty sparse tensor is not supported")
        x._data = S.CooStore(st.indices, st.values, size, st.coalesced)
    x._bump()
    return x


def sparse_softmax(x: Tensor, dim: int, log: bool, dtype=None) -> Tensor:
    """softmax over `dim` among the specified entries (unspecified ones count as -inf)."""
    c = x.coalesce()
    st = _require_coo(c, "softmax")
    dim = dim % st.ndim
    if dim >= st.sparse_dim:
        v = A.values_of(c)
        v = v.log_softmax(dim - st.sparse_dim + 1) if log else v.softmax(dim - st.sparse_dim + 1)
        return A.from_values(v, st.indices, st.shape, True)
    others = np.delete(st.indices, dim, axis=0)
    groups = np.unique(S.linear_index(others, tuple(np.delete(st.shape[:st.sparse_dim], dim))),
                       return_inverse=True)[1].reshape(-1)
    v = A.values_of(c)
    if dtype is not None:
        v = v.to(dtype)
    g = _itensor(groups)
    ng = int(groups.max()) + 1 if len(groups) else 0
    top = np.full((ng,) + v.shape[1:], -np.inf, v._dtype.np)
    np.maximum.at(top, groups, v._data)
    shifted = v - _wrap_dt(top[groups], v._dtype, v._device)
    e = shifted.exp()
    from .._creation import zeros
    tot = zeros((ng,) + tuple(v.shape[1:]), dtype=v._dtype).index_add(0, g, e)
    out = shifted - tot.log()[g] if log else e / tot[g]
    name = "SparseLogSoftmaxBackward0" if log else "SparseSoftmaxBackward0"
    return A.from_values(out, st.indices, st.shape, True, name)
