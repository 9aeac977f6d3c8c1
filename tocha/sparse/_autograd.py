"""The differentiable primitives of sparse tensors; every other sparse op composes them with
dense tocha ops on the values (so its gradient comes free).

- `FromValues`: values -> sparse tensor with given indices (`sparse_coo_tensor`);
- `Values`: sparse -> its values (`values()`);
- `ToDense` / `ToSparse`: the two conversions (gradients as PyTorch's: the gradient of a sparse
  input is sparse, masked to its pattern);
- `SparseMM`: sparse @ dense (SciPy), gradient w.r.t. the sparse matrix masked to its pattern.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dt
from ..autograd.function import Function
from . import _store as S

_new = object.__new__


def make_sparse(store, dtype, device=None):
    """A sparse Tensor around `store` (no copy)."""
    from ._tensor import SparseTensor
    t = _new(SparseTensor)
    t._data, t._dtype, t._grad_fn, t._requires_grad = store, dtype, None, False
    if device is not None and device is not t._device:
        t._device = device
    return t


def is_sparse(x) -> bool:
    return isinstance(x, Tensor) and isinstance(x._data, S._Store)


def _named(base, name: str):
    """`base` under another grad_fn name (PyTorch names each op's node differently)."""
    cls = _NAMED.get((base, name))
    if cls is None:
        cls = _NAMED[base, name] = type(base.__name__, (base,), {"node_name": name})
    return cls


_NAMED: dict = {}


class FromValues(Function):
    """values (nnz, *dense) -> sparse COO tensor at `indices` (an int64 array)."""

    node_name = "SparseCooTensorWithDimsAndTensorsBackward0"

    @staticmethod
    def forward(ctx, values: Tensor, indices: np.ndarray, shape: tuple, coalesced: bool):
        ctx.indices = indices
        return make_sparse(S.CooStore(indices, values._data, shape, coalesced), values._dtype,
                           values._device)

    @staticmethod
    def backward(ctx, g):
        if is_sparse(g):
            if not isinstance(g._data, S.CooStore):
                g = g.to_sparse()
            gs = g._data
            if gs.indices is ctx.indices or np.array_equal(gs.indices, ctx.indices):
                return values_of(g), None, None, None     # the same pattern: its values
            return gather(g, ctx.indices), None, None, None
        from .._creation import tensor
        return g[tuple(tensor(i) for i in ctx.indices)], None, None, None


def gather(g: Tensor, indices: np.ndarray) -> Tensor:
    """The values of the sparse COO `g` at `indices` (0 where g has no entry), differentiable
    in g (so that double backward flows through sparse gradients)."""
    c = g.coalesce()
    cs = c._data
    from .._creation import tensor
    have, want = S.linear_index(cs.indices, cs.shape), S.linear_index(indices, cs.shape)
    if len(have) == 0:
        return _wrap_dt(np.zeros((len(want),) + cs.values.shape[1:], cs.values.dtype),
                        g._dtype, g._device)
    pos = np.clip(np.searchsorted(have, want), 0, len(have) - 1)
    hit = (have[pos] == want).astype(cs.values.dtype).reshape((-1,) + (1,) * (
        cs.values.ndim - 1))
    return values_of(c)[tensor(pos)] * _wrap_dt(hit, g._dtype, g._device)


def from_values(values: Tensor, indices: np.ndarray, shape: tuple, coalesced: bool = False,
                name: str | None = None) -> Tensor:
    cls = FromValues if name is None else _named(FromValues, name)
    return cls.apply(values, indices, tuple(shape), coalesced)


class Values(Function):
    """sparse -> its values (nnz, *dense); the gradient is sparse at the input's indices."""

    node_name = "ValuesBackward0"

    @staticmethod
    def forward(ctx, s: Tensor):
        st = s._data
        ctx.store = st
        return _wrap_dt(st.values, s._dtype, s._device)

    @staticmethod
    def backward(ctx, g):
        st = ctx.store
        return from_values(g, st.indices, st.shape, st.coalesced)


def values_of(s: Tensor) -> Tensor:
    """The values of a COO tensor, differentiable when it requires grad."""
    return Values.apply(s)


class ToDense(Function):
    node_name = "ToDenseBackward0"

    @staticmethod
    def forward(ctx, s: Tensor):
        st = s._data
        ctx.store = st
        return _wrap_dt(st.dense(), s._dtype, s._device)

    @staticmethod
    def backward(ctx, g):
        st = ctx.store
        if isinstance(st, S.CompressedStore):
            return to_layout(sparse_mask_dense(g, st.coo()), st)
        return sparse_mask_dense(g, S.coalesce(st))


def sparse_mask_dense(g: Tensor, pattern: S.CooStore) -> Tensor:
    """`g` (dense) at the entries of a coalesced pattern, as a sparse COO tensor."""
    if is_sparse(g):
        return from_values(gather(g, pattern.indices), pattern.indices, pattern.shape, True)
    from .._creation import tensor
    vals = g[tuple(tensor(i) for i in pattern.indices)]
    return from_values(vals, pattern.indices, pattern.shape, True)


def to_layout(coo: Tensor, like) -> Tensor:
    """A COO tensor in the compressed layout of store `like` (same blocks)."""
    bs = like.blocksize if like.values.ndim == 3 else None
    st = S.compress(S.coalesce(coo._data), like.layout, bs)
    return make_sparse(st, coo._dtype, coo._device)


class ToSparse(Function):
    """dense -> COO (the nonzeros over the first `sparse_dim` dims)."""

    node_name = "ToSparseBackward1"

    @staticmethod
    def forward(ctx, x: Tensor, sparse_dim: int):
        return make_sparse(S.dense_to_coo(x._data, sparse_dim), x._dtype, x._device)

    @staticmethod
    def backward(ctx, g):
        return (g.to_dense() if is_sparse(g) else g), None


# PyTorch's grad_fn names of the conversions, by target layout
CONVERT_NAMES = {"sparse_coo": "ToSparseBackward1", "sparse_csr": "ToSparseCsrBackward0",
                 "sparse_csc": "ToSparseCscBackward0", "sparse_bsr": "ToSparseBsrBackward0",
                 "sparse_bsc": "ToSparseBscBackward0"}


class Convert(Function):
    """sparse -> sparse in another layout (values carried over, so gradients are too)."""

    node_name = "ToSparseBackward0"

    @staticmethod
    def forward(ctx, s: Tensor, layout, blocksize):
        st = s._data
        ctx.store = st
        coo = S.coalesce(st) if isinstance(st, S.CooStore) else st.coo()
        if layout is S.L.sparse_coo:
            return make_sparse(coo, s._dtype, s._device)
        return make_sparse(S.compress(coo, layout, blocksize), s._dtype, s._device)

    @staticmethod
    def backward(ctx, g):
        # a dense gradient stays dense; a sparse one comes back in the input's layout
        st = ctx.store
        if not is_sparse(g):
            return g, None, None
        if isinstance(st, S.CompressedStore):
            return to_layout(g.to_sparse(), st), None, None
        return g.to_sparse(), None, None


class SparseMM(Function):
    """sparse (n, m) @ dense (m, p) -> dense (n, p), with SciPy."""

    node_name = "SparseAddmmBackward0"

    @staticmethod
    def forward(ctx, s: Tensor, d: Tensor):
        ctx.save_for_backward(s, d)
        return _wrap_dt(np.asarray(scipy_of(s._data) @ d._data).astype(s._dtype.np, copy=False),
                        s._dtype, s._device)

    @staticmethod
    def backward(ctx, g):
        s, d = ctx.saved_tensors
        gs = gd = None
        st = s._data
        if ctx.needs_input_grad[0]:
            coo = S.coalesce(st) if isinstance(st, S.CooStore) else st.coo()
            from .._creation import tensor
            r, c = (tensor(i) for i in coo.indices)
            vals = (g[r] * d[c]).sum(-1)
            gs = from_values(vals, coo.indices, coo.shape, True)
            if isinstance(st, S.CompressedStore):
                gs = to_layout(gs, st)
        if ctx.needs_input_grad[1]:
            gd = SparseMM.apply(transpose_coo(s), g)
        return gs, gd


def scipy_of(st):
    if isinstance(st, S.CompressedStore):
        return st.scipy()
    c = S.coalesce(st)
    return S._scipy().csr_matrix((c.values, (c.indices[0], c.indices[1])), shape=st.shape)


def transpose_coo(s: Tensor) -> Tensor:
    """The transpose of a 2-D sparse tensor as COO (differentiable for a COO input, so that
    double backward reaches its values; compressed layouts are converted first)."""
    st = s._data
    if isinstance(st, S.CooStore):
        return s.t()
    c = st if isinstance(st, S.CooStore) else st.coo()
    return make_sparse(S.CooStore(c.indices[::-1].copy(), c.values, c.shape[::-1]),
                       s._dtype, s._device)


class NotDifferentiable(Function):
    """The result of an op PyTorch has no derivative for (`smm`, `hspmm`): its grad_fn is
    `NotImplemented`, and backward through it raises, as in PyTorch."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, fn, name, *inputs):
        ctx.name = name
        return fn(*inputs)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(f"the derivative for '{ctx.name}' is not implemented.")


class SparseOp(Function):
    """An op whose gradient passes through in the layout it arrives in (a dense gradient
    stays dense, a sparse one sparse), as PyTorch's formulas for neg, scalar mul, transpose,
    add, coalesce, sum: `fwd(*inputs)` computes the result (no graph is recorded inside),
    `bwd(g)` returns one gradient per input."""

    @staticmethod
    def forward(ctx, fwd, bwd, *inputs):
        ctx.bwd = bwd
        return fwd(*inputs)

    @staticmethod
    def backward(ctx, g):
        return (None, None, *ctx.bwd(g))


def sparse_op(name: str, fwd, bwd, *inputs) -> Tensor:
    """Run `fwd(*inputs)` as one node named `name` whose backward is `bwd`."""
    return _named(SparseOp, name).apply(fwd, bwd, *inputs)


def spgemm(a, b) -> S.CooStore:
    """The product of two 2-d sparse stores as a coalesced COO store whose pattern is the
    structural one (every (i, j) some a[i, k] b[k, j] pair reaches, cancellations kept as
    zeros, as PyTorch's)."""
    sp = S._scipy()

    def ones(st):
        c = st if isinstance(st, S.CooStore) else st.coo()
        c = S.coalesce(c)
        r, k = c.indices
        return sp.csr_matrix((np.ones(len(r)), (r, k)), shape=c.shape), c
    pa, ca = ones(a)
    pb, cb = ones(b)
    pat = (pa @ pb).tocoo()
    idx = np.stack([pat.row, pat.col]).astype(np.int64).reshape(2, -1)
    idx = idx[:, np.lexsort((idx[1], idx[0]))]
    prod = (scipy_of(ca) @ scipy_of(cb)).tocoo()
    dt = np.result_type(ca.values.dtype, cb.values.dtype)
    vals = S.CooStore(np.stack([prod.row, prod.col]).astype(np.int64).reshape(2, -1),
                      prod.data.astype(dt), pat.shape)
    return S.CooStore(idx, _gather(vals, idx), pat.shape, True)


def _gather(st: S.CooStore, indices: np.ndarray) -> np.ndarray:
    c = S.coalesce(st)
    have, want = S.linear_index(c.indices, c.shape), S.linear_index(indices, c.shape)
    out = np.zeros(indices.shape[1], c.values.dtype)
    if len(have):
        pos = np.clip(np.searchsorted(have, want), 0, len(have) - 1)
        hit = have[pos] == want
        out[hit] = c.values[pos[hit]]
    return out


def _masked(st: S.CooStore, pattern) -> S.CooStore:
    """`st` with its values zeroed where `pattern` has no entry (its pattern kept)."""
    p = S.coalesce(pattern if isinstance(pattern, S.CooStore) else pattern.coo())
    keep = np.isin(S.linear_index(st.indices, st.shape), S.linear_index(p.indices, p.shape))
    return S.CooStore(st.indices, np.where(keep, st.values, 0).astype(st.values.dtype),
                      st.shape, st.coalesced)


class SparseSparseMM(Function):
    """sparse @ sparse -> sparse (SciPy); the gradients are the products g @ b.T and a.T @ g,
    zero outside each input's pattern, as PyTorch's."""

    node_name = "SparseSparseMatmulBackward0"

    @staticmethod
    def forward(ctx, a: Tensor, b: Tensor):
        ctx.stores = (a._data, b._data)
        return make_sparse(spgemm(a._data, b._data), a._dtype, a._device)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.stores
        gs = g._data if is_sparse(g) else S.dense_to_coo(g._data, 2)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = make_sparse(_masked(spgemm(gs, _t(sb)), sa), g._dtype, g._device)
        if ctx.needs_input_grad[1]:
            gb = make_sparse(_masked(spgemm(_t(sa), gs), sb), g._dtype, g._device)
        return ga, gb


def _t(st) -> S.CooStore:
    c = st if isinstance(st, S.CooStore) else st.coo()
    return S.CooStore(c.indices[::-1].copy(), c.values, c.shape[::-1])
