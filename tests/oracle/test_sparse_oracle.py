"""Sparse tensors and layouts against PyTorch 2.13: reprs (identical text), values, gradients
(layout and pattern included), errors."""
import pickle

import numpy as np
import pytest
import torch

import tocha

# PyTorch warns that its invariant checks are off, and that BSC is in beta
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _same(a, b) -> None:
    """tocha's `a` prints as PyTorch's `b` and holds the same values."""
    assert repr(a) == repr(b).replace("torch.", "tocha."), f"\n{a!r}\n!=\n{b!r}"
    if isinstance(b, torch.Tensor):
        da = a.to_dense() if a.layout is not tocha.strided else a
        db = b.to_dense() if b.layout is not torch.strided else b
        np.testing.assert_allclose(da.detach().numpy(), db.detach().numpy(), rtol=1e-6)


def _coo(m, dtype=None, requires_grad=False, shape=(2, 3)):
    i = m.tensor([[0, 1, 1], [2, 0, 2]])
    v = m.tensor([3.0, 4.0, 5.0], dtype=dtype)
    return m.sparse_coo_tensor(i, v, shape, requires_grad=requires_grad)


def _other(m):
    return m.sparse_coo_tensor(m.tensor([[0, 0], [2, 1]]), m.tensor([1.0, 2.0]), (2, 3))


def _dense(m):
    return m.tensor([[0, 1.0, 0, 2], [3, 0, 0, 0], [0, 0, 0, 4], [5, 6, 0, 0]])


def _d3(m):
    d = m.zeros(2, 3, 2)
    d[0, 1] = 1
    d[1, 2, 1] = -2.5
    return d


CASES = {
    "coo": lambda m: _coo(m),
    "coo_requires_grad": lambda m: _coo(m, requires_grad=True),
    "coo_values_grad": lambda m: m.sparse_coo_tensor(
        m.tensor([[0, 1]]), m.tensor([1.0, 2.0]).requires_grad_(), (3,)),
    "coo_float64": lambda m: _coo(m, m.float64),
    "coo_int": lambda m: m.sparse_coo_tensor(m.tensor([[0, 2]]), m.tensor([7, 9]), (4,)),
    "coo_empty": lambda m: m.sparse_coo_tensor(m.zeros(2, 0, dtype=m.long), m.zeros(0),
                                               (2, 3)),
    "coo_inferred_size": lambda m: m.sparse_coo_tensor([[0, 3], [1, 1]], [1.0, 2.0]),
    "coo_hybrid": lambda m: _d3(m).to_sparse(1),
    "coalesce_duplicates": lambda m: m.sparse_coo_tensor(
        [[1, 0, 1], [2, 0, 2]], [1.0, 2.0, 3.0], (2, 3)).coalesce(),
    "to_sparse": lambda m: _dense(m).to_sparse(),
    "to_sparse_grad": lambda m: _dense(m).requires_grad_().to_sparse(),
    "add_uncoalesced": lambda m: _coo(m) + _other(m),
    "add_coalesced": lambda m: _coo(m).coalesce() + _other(m).coalesce(),
    "sub": lambda m: _coo(m).coalesce() - _other(m).coalesce(),
    "dense_plus_sparse": lambda m: m.ones(2, 3) + _coo(m),
    "mul_scalar": lambda m: _coo(m) * 2,
    "rmul_scalar": lambda m: 0.5 * _coo(m).coalesce(),
    "div_scalar": lambda m: _coo(m) / 4,
    "neg": lambda m: -_coo(m),
    "mul_sparse": lambda m: _coo(m) * _coo(m),
    "mul_dense": lambda m: _coo(m) * m.arange(6.0).reshape(2, 3),
    "abs": lambda m: (-_coo(m)).abs(),
    "sqrt": lambda m: _coo(m).sqrt(),
    "t": lambda m: _coo(m).t(),
    "transpose": lambda m: _coo(m).transpose(0, 1),
    "sum": lambda m: _coo(m).sum(),
    "sum_dim": lambda m: _coo(m).sum(0),
    "double": lambda m: _coo(m).double(),
    "type_cast": lambda m: _coo(m).type(m.float64),
    "clone": lambda m: _coo(m).clone(),
    "sparse_sum": lambda m: m.sparse.sum(_coo(m, shape=(3, 3)), 1),
    "sparse_sum_all": lambda m: m.sparse.sum(_coo(m)),
    "sparse_mm": lambda m: m.sparse.mm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "sparse_mm_sparse": lambda m: m.sparse.mm(_coo(m, shape=(3, 3)), _coo(m, shape=(3, 3))),
    "spmm": lambda m: m.spmm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "dsmm": lambda m: m.dsmm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "smm": lambda m: m.smm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "smm_grad": lambda m: m.smm(_coo(m, shape=(3, 3), requires_grad=True),
                                m.arange(6.0).reshape(3, 2)),
    "hspmm": lambda m: m.hspmm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "hsmm": lambda m: m.hsmm(_coo(m, shape=(3, 3)), m.arange(6.0).reshape(3, 2)),
    "saddmm": lambda m: m.saddmm(_coo(m, shape=(3, 3)), _coo(m, shape=(3, 3)),
                                 m.arange(9.0).reshape(3, 3)),
    "sspaddmm": lambda m: m.sspaddmm(_coo(m, shape=(3, 3)), _coo(m, shape=(3, 3)),
                                     m.arange(9.0).reshape(3, 3), beta=2, alpha=0.5),
    "sparse_addmm": lambda m: m.sparse.addmm(m.ones(3, 2), _coo(m, shape=(3, 3)),
                                             m.arange(6.0).reshape(3, 2), beta=2, alpha=3),
    "sparse_softmax": lambda m: m.sparse.softmax(_coo(m, shape=(3, 3)), 1),
    "sparse_softmax_dim0": lambda m: m.sparse.softmax(_coo(m, shape=(3, 3)), 0),
    "sparse_log_softmax": lambda m: m.sparse.log_softmax(_coo(m, shape=(3, 3)), 1),
    "sparse_mask": lambda m: m.arange(6.0).reshape(2, 3).sparse_mask(
        m.sparse_coo_tensor([[1, 0], [0, 2]], [1.0, 1.0], (2, 3))),
    "zeros_sparse": lambda m: m.zeros(2, 3, layout=m.sparse_coo),
    "zeros_like_sparse": lambda m: m.zeros_like(m.ones(4), layout=m.sparse_coo),
    "zeros_csr": lambda m: m.zeros(2, 3, layout=m.sparse_csr),
    "csr": lambda m: _dense(m).to_sparse_csr(),
    "csc": lambda m: _dense(m).to_sparse_csc(),
    "bsr": lambda m: _dense(m).to_sparse_bsr((2, 2)),
    "bsc": lambda m: _dense(m).to_sparse_bsc((2, 2)),
    "bsr_1x2": lambda m: _dense(m).to_sparse_bsr((1, 2)),
    "csr_tensor": lambda m: m.sparse_csr_tensor([0, 2, 3], [0, 1, 1], [1.0, 2, 3], (2, 2)),
    "csr_tensor_inferred": lambda m: m.sparse_csr_tensor(m.tensor([0, 2, 3]),
                                                         m.tensor([0, 1, 1]),
                                                         m.tensor([1.0, 2, 3])),
    "csc_tensor": lambda m: m.sparse_csc_tensor([0, 1, 3], [1, 0, 1], [1.0, 2, 3], (2, 2)),
    "bsr_tensor": lambda m: m.sparse_bsr_tensor([0, 1], [0], m.ones(1, 2, 2), (2, 2)),
    "compressed_csc": lambda m: m.sparse_compressed_tensor(
        [0, 2, 3], [0, 1, 1], [1.0, 2, 3], (2, 2), layout=m.sparse_csc),
    "csr_to_coo": lambda m: _dense(m).to_sparse_csr().to_sparse(),
    "to_sparse_layout": lambda m: _dense(m).to_sparse(layout=m.sparse_csr),
    "csr_to_csc": lambda m: _dense(m).to_sparse_csr().to_sparse_csc(),
    "coo_to_bsr": lambda m: _dense(m).to_sparse().to_sparse_bsr((2, 2)),
    "csr_matmul": lambda m: _dense(m).to_sparse_csr() @ m.arange(8.0).reshape(4, 2),
    "csc_matmul": lambda m: _dense(m).to_sparse_csc().matmul(m.arange(8.0).reshape(4, 2)),
    "bsr_matmul": lambda m: _dense(m).to_sparse_bsr((2, 2)) @ m.arange(8.0).reshape(4, 2),
    "csr_dense": lambda m: _dense(m).to_sparse_csr().to_dense(),
    "csr_float64": lambda m: _dense(m).double().to_sparse_csr(),
    "coo_matvec": lambda m: _coo(m) @ m.ones(3),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_and_values(name):
    _same(CASES[name](tocha), CASES[name](torch))


ACCESSORS = {
    "indices": lambda m: _coo(m).coalesce().indices(),
    "values": lambda m: _coo(m).coalesce().values(),
    "_indices": lambda m: _coo(m)._indices(),
    "_values": lambda m: _coo(m)._values(),
    "crow_indices": lambda m: _dense(m).to_sparse_csr().crow_indices(),
    "col_indices": lambda m: _dense(m).to_sparse_csr().col_indices(),
    "ccol_indices": lambda m: _dense(m).to_sparse_csc().ccol_indices(),
    "row_indices": lambda m: _dense(m).to_sparse_csc().row_indices(),
    "crow_indices_copy": lambda m: m.crow_indices_copy(_dense(m).to_sparse_csr()),
    "col_indices_copy": lambda m: m.col_indices_copy(_dense(m).to_sparse_csr()),
    "ccol_indices_copy": lambda m: m.ccol_indices_copy(_dense(m).to_sparse_csc()),
    "row_indices_copy": lambda m: m.row_indices_copy(_dense(m).to_sparse_csc()),
    "bsr_values": lambda m: _dense(m).to_sparse_bsr((2, 2)).values(),
    "is_coalesced": lambda m: (_coo(m).is_coalesced(), _coo(m).coalesce().is_coalesced(),
                               (_coo(m) * 2).is_coalesced(), _coo(m).t().is_coalesced(),
                               _coo(m).abs().is_coalesced()),
    "dims": lambda m: (_coo(m).sparse_dim(), _coo(m).dense_dim(), _d3(m).to_sparse(1)
                       .dense_dim(), m.ones(2, 3).sparse_dim(), m.ones(2, 3).dense_dim(),
                       _coo(m)._nnz(), _dense(m).to_sparse_csr()._nnz()),
    "flags": lambda m: (_coo(m).is_sparse, _dense(m).to_sparse_csr().is_sparse,
                        _dense(m).to_sparse_csr().is_sparse_csr, m.ones(1).is_sparse,
                        str(_coo(m).layout), str(m.ones(1).layout), _coo(m).shape,
                        _coo(m).dim(), len(_coo(m))),
    "type": lambda m: (_coo(m).type(), _coo(m, m.float64).type(), _dense(m).long().to_sparse()
                       .type()),
    "layouts": lambda m: [str(getattr(m, n)) for n in (
        "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc",
        "jagged")] + [m.strided == m.strided, m.strided == m.sparse_coo],
}


@pytest.mark.parametrize("name", sorted(ACCESSORS))
def test_accessors(name):
    a, b = ACCESSORS[name](tocha), ACCESSORS[name](torch)
    if isinstance(b, torch.Tensor):
        _same(a, b)
    else:
        assert str(a).replace("tocha.", "torch.") == str(b)


def _run_grads(m, build, inputs):
    leaves = [x(m) for x in inputs]
    out = build(m, *leaves)
    out.sum().backward() if out.layout is m.strided else out.to_dense().sum().backward()
    return [x.grad for x in leaves]


def _sp_leaf(m):
    return _coo(m, shape=(3, 3), requires_grad=True)


def _d_leaf(m):
    return m.arange(6.0).reshape(3, 2).requires_grad_()


def _sp_leaf2(m):
    return m.sparse_coo_tensor([[0, 2, 2], [1, 0, 1]], [1.0, 2.0, -1.0], (3, 3),
                               requires_grad=True)


GRADS = {
    "sparse_mm_sparse": (lambda m, a, b: m.sparse.mm(a, b).to_dense()
                         * m.arange(9.0).reshape(3, 3), [_sp_leaf, _sp_leaf2]),
    "sparse_mm": (lambda m, s, d: m.sparse.mm(s, d), [_sp_leaf, _d_leaf]),
    "spmm": (lambda m, s, d: m.spmm(s, d) * m.tensor([[1.0, -2.0]]), [_sp_leaf, _d_leaf]),
    "sparse_addmm": (lambda m, s, d: m.sparse.addmm(m.ones(3, 2), s, d, alpha=2),
                     [_sp_leaf, _d_leaf]),
    "to_dense": (lambda m, s: s.to_dense() * m.arange(9.0).reshape(3, 3), [_sp_leaf]),
    "to_sparse": (lambda m, d: (d.to_sparse() * 3).to_dense(), [_d_leaf]),
    "coalesce": (lambda m, v: m.sparse_coo_tensor([[1, 0, 1]], v, (2,)).coalesce()
                 .to_dense() * m.tensor([2.0, 5.0]),
                 [lambda m: m.tensor([1.0, 2.0, 3.0], requires_grad=True)]),
    "values": (lambda m, s: s.coalesce().values() ** 2, [_sp_leaf]),
    "add": (lambda m, s: (s + s * 2).to_dense() * m.arange(9.0).reshape(3, 3), [_sp_leaf]),
    "neg_sum": (lambda m, s: (-s).sum() * 3, [_sp_leaf]),
    "sparse_sum_dim": (lambda m, s: m.sparse.sum(s, 1).to_dense() * m.tensor([1.0, 2, 3]),
                       [_sp_leaf]),
    "dense_plus_sparse": (lambda m, s: (m.ones(3, 3) + s) ** 2, [_sp_leaf]),
    "softmax": (lambda m, s: m.sparse.softmax(s, 1).to_dense() * m.arange(9.0).reshape(3, 3),
                [_sp_leaf]),
    "csr_mm": (lambda m, d: d.to_sparse_csr() @ m.arange(6.0).reshape(3, 2),
               [lambda m: m.tensor([[1.0, 0, 2], [0, 0, 3], [4, 0, 0]], requires_grad=True)]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_grads(name):
    build, inputs = GRADS[name]
    for a, b in zip(_run_grads(tocha, build, inputs), _run_grads(torch, build, inputs)):
        _same(a, b)


def test_grad_accumulates_sparse():
    def run(m):
        s = _sp_leaf(m)
        d = _d_leaf(m)
        for _ in range(2):
            m.sparse.mm(s, d).sum().backward()
        return s.grad
    _same(run(tocha), run(torch))


ERRORS = {
    "indices_uncoalesced": lambda m: _coo(m).indices(),
    "values_uncoalesced": lambda m: _coo(m).values(),
    "indices_dense": lambda m: m.ones(2).indices(),
    "coalesce_dense": lambda m: m.ones(2).coalesce(),
    "crow_dense": lambda m: m.ones(2, 2).crow_indices(),
    "ccol_dense": lambda m: m.ones(2, 2).ccol_indices(),
    "crow_of_csc": lambda m: _dense(m).to_sparse_csc().crow_indices(),
    "add_sparse_dense": lambda m: _coo(m) + m.ones(2, 3),
    "ones_sparse": lambda m: m.ones(2, layout=m.sparse_coo),
    "nnz_mismatch": lambda m: m.sparse_coo_tensor([[0, 1]], [1.0], (2,)),
    "bad_index": lambda m: m.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,),
                                               check_invariants=True),
    "resize_as_sparse_dims": lambda m: _coo(m).resize_as_sparse_(_d3(m).to_sparse(1)),
    "exp_sparse": lambda m: _coo(m).exp(),
    "numpy_sparse": lambda m: _coo(m).numpy(),
    "smm_backward": lambda m: m.smm(_sp_leaf(m), m.ones(3, 2)).to_dense().sum().backward(),
    "type_csr": lambda m: _dense(m).to_sparse_csr().type(),
    "mm_shapes": lambda m: m.sparse.mm(_coo(m), m.ones(2, 2)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_pytorch(name):
    with pytest.raises(Exception) as theirs:
        ERRORS[name](torch)
    with pytest.raises(Exception) as ours:
        ERRORS[name](tocha)
    assert ours.type is theirs.type or issubclass(ours.type, theirs.type), (ours, theirs)


def test_sparse_resize():
    def run(m):
        s = _coo(m).coalesce()
        s.sparse_resize_((4, 5), 2, 0)
        a = s.clone()
        t = _coo(m)
        t.sparse_resize_and_clear_((2, 2, 2), 2, 1)
        u = _coo(m)
        u.resize_as_sparse_(_coo(m, shape=(4, 4)))
        v = _coo(m)
        m.resize_as_sparse_(v, _coo(m, shape=(5, 5)))
        return a, t, u, v
    for a, b in zip(run(tocha), run(torch)):
        _same(a, b)


def test_pickle_and_layout_pickle():
    s = _coo(tocha, requires_grad=True)
    r = pickle.loads(pickle.dumps(s.detach()))
    _same(r, _coo(torch))
    assert pickle.loads(pickle.dumps(tocha.sparse_csr)) is tocha.sparse_csr


# ------------------------------------------------------------------ Embedding(sparse=True)

def _embedding_run(m, opt_name, steps=4, **kw):
    m.manual_seed(0)
    e = m.nn.Embedding(6, 3, sparse=True, padding_idx=kw.pop("padding_idx", None))
    opt = getattr(m.optim, opt_name)(e.parameters(), **kw)
    grads = []
    for i in range(steps):
        opt.zero_grad(set_to_none=(i % 2 == 0))
        x = m.tensor([[i % 6, 3, 3], [5, (2 * i) % 6, 0]])
        (e(x) * m.arange(18.0).reshape(2, 3, 3)).pow(2).sum().backward()
        grads.append(e.weight.grad.clone())
        opt.step()
    return e.weight.detach(), grads, opt


@pytest.mark.parametrize("opt_name,kw", [
    ("SparseAdam", {"lr": 0.1}),
    ("SparseAdam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6, "maximize": True}),
    ("SparseAdam", {"lr": 0.1, "padding_idx": 3}),
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("Adagrad", {"lr": 0.1}),
])
def test_embedding_sparse_training_matches(opt_name, kw):
    wa, ga, oa = _embedding_run(tocha, opt_name, **dict(kw))
    wb, gb, ob = _embedding_run(torch, opt_name, **dict(kw))
    # values compared as numbers: the dense ops upstream may differ in the sign of a zero
    for a, b in zip(ga, gb):
        assert a.layout is tocha.sparse_coo and b.layout is torch.sparse_coo
        assert a._indices().tolist() == b._indices().tolist()
        np.testing.assert_allclose(a._values().numpy(), b._values().numpy(), rtol=1e-6)
    np.testing.assert_allclose(wa.numpy(), wb.numpy(), rtol=1e-6, atol=1e-7)
    if opt_name == "SparseAdam":
        sa, sb = oa.state[oa.param_groups[0]["params"][0]], ob.state[ob.param_groups[0]
                                                                      ["params"][0]]
        assert sa["step"] == sb["step"] and list(sa) == list(sb)
        for k in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_allclose(sa[k].numpy(), sb[k].numpy(), rtol=1e-6, atol=1e-9)
        assert repr(oa) == repr(ob)


SPARSE_ADAM_ERRORS = {
    "dense_grad": lambda m: _dense_grad_step(m),
    "sparse_param": lambda m: m.optim.SparseAdam([m.zeros(2).to_sparse().requires_grad_()]),
    "lr": lambda m: m.optim.SparseAdam([m.zeros(2, requires_grad=True)], lr=-1),
    "beta": lambda m: m.optim.SparseAdam([m.zeros(2, requires_grad=True)], betas=(1.0, 0.9)),
    "eps": lambda m: m.optim.SparseAdam([m.zeros(2, requires_grad=True)], eps=0),
    "adam_sparse": lambda m: _adam_on_sparse(m),
    "scale_grad_by_freq": lambda m: m.nn.Embedding(3, 2, sparse=True, scale_grad_by_freq=True)(
        m.tensor([1, 1])).sum().backward(),
}


def _dense_grad_step(m):
    w = m.zeros(3, requires_grad=True)
    (w * 2).sum().backward()
    m.optim.SparseAdam([w]).step()


def _adam_on_sparse(m):
    e = m.nn.Embedding(3, 2, sparse=True)
    e(m.tensor([1])).sum().backward()
    m.optim.Adam(e.parameters()).step()


@pytest.mark.parametrize("name", sorted(SPARSE_ADAM_ERRORS))
def test_sparse_adam_errors_as_pytorch(name):
    with pytest.raises(Exception) as theirs:
        SPARSE_ADAM_ERRORS[name](torch)
    with pytest.raises(Exception) as ours:
        SPARSE_ADAM_ERRORS[name](tocha)
    assert ours.type is theirs.type, (ours, theirs)
    assert str(ours.value) == str(theirs.value)


def _rg_coo(m):
    return _coo(m, shape=(3, 3), requires_grad=True)


def _rg_dense(m):
    return m.ones(4, 4, requires_grad=True)


GRAD_FN_NAMES = {
    "ctor_values": lambda m: m.sparse_coo_tensor([[0]], m.ones(1, requires_grad=True), (2,)),
    "sspaddmm": lambda m: m.sspaddmm(_rg_coo(m), _rg_coo(m), m.ones(3, 3)),
    "saddmm": lambda m: m.saddmm(_rg_coo(m), _rg_coo(m), m.ones(3, 3)),
    "hspmm": lambda m: m.hspmm(_rg_coo(m), m.ones(3, 3)),
    "sparse_mask": lambda m: _rg_coo(m).sparse_mask(_coo(m, shape=(3, 3)).coalesce()),
    "softmax": lambda m: m.sparse.softmax(_rg_coo(m), 1),
    "log_softmax": lambda m: m.sparse.log_softmax(_rg_coo(m), 1),
    "abs": lambda m: _rg_coo(m).abs(),
    "t": lambda m: _rg_coo(m).t(),
    "transpose": lambda m: _rg_coo(m).transpose(0, 1),
    "mul_dense": lambda m: _rg_coo(m) * m.ones(3, 3),
    "mul_sparse": lambda m: _rg_coo(m) * _rg_coo(m),
    "sparse_sum_dim": lambda m: m.sparse.sum(_rg_coo(m), 1),
    "sparse_sum": lambda m: m.sparse.sum(_rg_coo(m)),
    "sum": lambda m: _rg_coo(m).sum(),
    "coalesce": lambda m: _rg_coo(m).coalesce(),
    "to_csr": lambda m: _rg_coo(m).to_sparse_csr(),
    "dense_to_csc": lambda m: _rg_dense(m).to_sparse_csc(),
    "dense_to_bsr": lambda m: _rg_dense(m).to_sparse_bsr((2, 2)),
    "dense_to_bsc": lambda m: _rg_dense(m).to_sparse_bsc((2, 2)),
    "dense_to_sparse": lambda m: _rg_dense(m).to_sparse(),
    "dense_to_sparse_1": lambda m: _rg_dense(m).to_sparse(1),
    "csr_to_sparse": lambda m: _rg_dense(m).to_sparse_csr().to_sparse(),
    "to_dense": lambda m: _rg_coo(m).to_dense(),
    "values": lambda m: _rg_coo(m).coalesce().values(),
    "_values": lambda m: _rg_coo(m)._values(),
    "double": lambda m: _rg_coo(m).double(),
    "clone": lambda m: _rg_coo(m).clone(),
    "div": lambda m: _rg_coo(m) / 2,
    "neg": lambda m: -_rg_coo(m),
    "add": lambda m: _rg_coo(m) + _rg_coo(m),
    "dense_add": lambda m: m.ones(3, 3) + _rg_coo(m),
    "sparse_mm": lambda m: m.sparse.mm(_rg_coo(m), m.ones(3, 2)),
    "spmm": lambda m: m.spmm(_rg_coo(m), m.ones(3, 2)),
    "embedding": lambda m: m.nn.functional.embedding(m.tensor([1]), m.ones(3, 2,
                                                     requires_grad=True), sparse=True),
}


@pytest.mark.parametrize("name", sorted(GRAD_FN_NAMES))
def test_grad_fn_names(name):
    a, b = GRAD_FN_NAMES[name](tocha), GRAD_FN_NAMES[name](torch)
    na = None if a.grad_fn is None else type(a.grad_fn).__name__
    nb = None if b.grad_fn is None else type(b.grad_fn).__name__
    assert na == nb
    assert a.requires_grad == b.requires_grad


def test_dense_sparse_add_needs_equal_shapes():
    for m in (torch, tocha):
        with pytest.raises(RuntimeError, match="does not currently support broadcasting"):
            m.ones(4, 4) + _coo(m, shape=(3, 3))


MM_FORMS = {
    "torch_mm": lambda m, s, d: m.mm(s, d),
    "torch_matmul": lambda m, s, d: m.matmul(s, d),
    "dense_mm_sparse": lambda m, s, d: m.mm(d.t(), s),
    "dense_at_sparse": lambda m, s, d: d.t() @ s,
    "matmul_dense_sparse": lambda m, s, d: m.matmul(d.t(), s),
}


@pytest.mark.parametrize("name", sorted(MM_FORMS))
def test_mm_forms_with_a_sparse_operand(name):
    def run(m):
        s = _coo(m, shape=(3, 3), requires_grad=True)
        d = m.arange(6.0).reshape(3, 2).requires_grad_()
        out = MM_FORMS[name](m, s, d)
        (out * m.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
        return out, s.grad, d.grad
    for a, b in zip(run(tocha), run(torch)):
        _same(a, b)


LEGACY = {
    "float_ctor": lambda m: m.sparse.FloatTensor(m.tensor([[0, 1], [1, 0]]),
                                                 m.tensor([1.0, 2.0]), m.Size([2, 2])),
    "float_ctor_no_size": lambda m: m.sparse.FloatTensor(m.tensor([[0, 3]]),
                                                         m.tensor([1.0, 2.0])),
    "double_empty": lambda m: m.sparse.DoubleTensor(2, 3),
    "long_ctor": lambda m: m.sparse.LongTensor(m.tensor([[0]]), m.tensor([5]), m.Size([2])),
    "int_values_keep_dtype": lambda m: m.sparse.FloatTensor(m.tensor([[0]]), m.tensor([1]),
                                                            m.Size([2])),
}


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_legacy_sparse_constructors(name):
    _same(LEGACY[name](tocha), LEGACY[name](torch))


def test_legacy_sparse_types():
    for m in (torch, tocha):
        x = m.sparse.FloatTensor(2, 2)
        assert isinstance(x, m.sparse.FloatTensor) and not isinstance(x, m.sparse.LongTensor)
        assert not isinstance(m.ones(1), m.sparse.FloatTensor)
        assert m.sparse.Tensor is m.Tensor
        with pytest.raises(TypeError):
            m.sparse.FloatTensor([1.0, 2.0])


@pytest.mark.parametrize("mode,psw", [("sum", False), ("mean", False), ("sum", True)])
def test_embedding_bag_sparse_gradient(mode, psw):
    def run(m):
        m.manual_seed(0)
        e = m.nn.EmbeddingBag(6, 2, mode=mode, sparse=True)
        w = m.tensor([0.5, 1.0, 2.0, -1.0, 1.5, 3.0]) if psw else None
        out = e(m.tensor([1, 2, 4, 5, 4, 3]), m.tensor([0, 2, 3]), per_sample_weights=w)
        (out * m.arange(6.0).reshape(3, 2)).sum().backward()
        opt = m.optim.SparseAdam(e.parameters(), lr=0.1)
        opt.step()
        return out, e.weight.grad, e.weight.detach()
    for a, b in zip(run(tocha), run(torch)):
        _same(a, b)
    with pytest.raises(ValueError, match="max mode does not support sparse weights"):
        tocha.nn.EmbeddingBag(3, 2, mode="max", sparse=True)(tocha.tensor([[0, 1]]))


def _saved(m):
    d = _dense(m)
    return {"coo": _coo(m), "coalesced": d.to_sparse(), "hybrid": _d3(m).to_sparse(1),
            "csr": d.to_sparse_csr(), "csc": d.to_sparse_csc(), "bsr": d.to_sparse_bsr((2, 2)),
            "bsc": d.to_sparse_bsc((2, 2)), "dense": d, "coo_again": d.to_sparse(),
            "f64": _coo(m, m.float64)}


def test_save_load_moves_sparse_tensors_both_ways(tmp_path):
    tocha.save(_saved(tocha), tmp_path / "tocha.pt")
    torch.save(_saved(torch), tmp_path / "torch.pt")
    from_tocha = torch.load(tmp_path / "tocha.pt")      # (weights_only, PyTorch's default)
    from_torch = tocha.load(tmp_path / "torch.pt")
    mine = tocha.load(tmp_path / "tocha.pt")
    for k, v in _saved(torch).items():
        _same(from_torch[k], v)
        _same(mine[k], v)
        assert repr(from_tocha[k]) == repr(v)
        if v.layout is torch.sparse_coo:
            assert from_tocha[k].is_coalesced() == v.is_coalesced()
            assert from_torch[k].is_coalesced() == v.is_coalesced()


def _csr_leaf(m):
    return _dense(m)[:3, :3].to_sparse_csr().requires_grad_()


GRADS_COMPRESSED = {
    "csr_sparse_mm": (lambda m, s, d: m.sparse.mm(s, d), [_csr_leaf, _d_leaf]),
    "csr_matmul": (lambda m, s, d: s @ d, [_csr_leaf, _d_leaf]),
    "csr_to_dense": (lambda m, s: s.to_dense() * m.arange(9.0).reshape(3, 3), [_csr_leaf]),
}


@pytest.mark.parametrize("name", sorted(GRADS_COMPRESSED))
def test_compressed_leaf_grads(name):
    build, inputs = GRADS_COMPRESSED[name]
    for a, b in zip(_run_grads(tocha, build, inputs), _run_grads(torch, build, inputs)):
        _same(a, b)


SELECTS = {
    "row": lambda m: _sp4(m)[1],
    "element": lambda m: _sp4(m)[1, 2],
    "missing_element": lambda m: _sp4(m)[2, 2],
    "select_col": lambda m: _sp4(m).select(1, 2),
    "negative": lambda m: _sp4(m)[-1],
    "vector": lambda m: m.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,))[1],
    "hybrid_sparse_dim": lambda m: _d3(m).to_sparse(1)[0],
    "hybrid_dense_dim": lambda m: _d3(m).to_sparse(1).select(2, 1),
}


def _sp4(m):
    return m.sparse_coo_tensor([[0, 1, 1, 2], [2, 0, 2, 1]], [3.0, 4.0, 5.0, 6.0], (3, 3))


@pytest.mark.parametrize("name", sorted(SELECTS))
def test_select(name):
    _same(SELECTS[name](tocha), SELECTS[name](torch))


def test_torch_add_sub_dense_sparse():
    def run(m):
        s = _coo(m, requires_grad=True)
        d = m.arange(6.0).reshape(2, 3).requires_grad_()
        out = m.add(d, s) * 2 + m.sub(d, s)
        out.sum().backward()
        return out, s.grad, d.grad
    for a, b in zip(run(tocha), run(torch)):
        _same(a, b)
    for m in (torch, tocha):
        with pytest.raises(RuntimeError, match="add\\(sparse, dense\\) is not supported"):
            m.add(_coo(m), m.ones(2, 3))
        with pytest.raises(RuntimeError, match="does not currently support broadcasting"):
            m.add(m.ones(3), _coo(m))


INDEX_SELECTS = {
    "rows_repeated": lambda m: _sp4(m).index_select(0, m.tensor([2, 1, 1])),
    "cols": lambda m: _sp4(m).index_select(1, m.tensor([2, 0])),
    "none_hit": lambda m: _sp4(m).index_select(0, m.tensor([0, 0])).coalesce(),
    "hybrid_dense_dim": lambda m: _d3(m).to_sparse(1).index_select(2, m.tensor([1, 1, 0])),
}


@pytest.mark.parametrize("name", sorted(INDEX_SELECTS))
def test_index_select(name):
    _same(INDEX_SELECTS[name](tocha), INDEX_SELECTS[name](torch))
