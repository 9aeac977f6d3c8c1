"""Sparse tensors and layouts (tocha/sparse/, tocha/_layout.py): values by hand, float64
gradchecks of every differentiable sparse op, errors, the engine's sparse gradients."""
import pickle
import sys

import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck

IDX = [[0, 1, 1, 2], [2, 0, 2, 1]]


def _vals(requires_grad=True):
    return tocha.tensor([3.0, -4.0, 5.0, 0.5], dtype=tocha.float64,
                        requires_grad=requires_grad)


def _dense(*shape):
    rng = np.random.default_rng(sum(shape))
    return tocha.tensor(rng.standard_normal(shape), requires_grad=True)


def _sp(v, shape=(3, 3), idx=IDX):
    return tocha.sparse_coo_tensor(idx, v, shape)


# ------------------------------------------------------------------ layouts

def test_layouts_are_objects_with_names():
    assert tocha.ones(2).layout is tocha.strided
    assert isinstance(tocha.sparse_csr, tocha.layout)
    assert repr(tocha.sparse_bsc) == "tocha.sparse_bsc"
    assert str(tocha.jagged) == "tocha.jagged"
    assert tocha.strided != tocha.sparse_coo
    assert pickle.loads(pickle.dumps(tocha.sparse_coo)) is tocha.sparse_coo


def test_creation_layout_argument():
    z = tocha.zeros(2, 3, layout=tocha.sparse_coo)
    assert z.layout is tocha.sparse_coo and z._nnz() == 0 and z.shape == (2, 3)
    assert tocha.zeros(2, layout=tocha.strided).layout is tocha.strided
    assert tocha.empty(2, 2, layout=tocha.sparse_csr).crow_indices().tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="full"):
        tocha.ones(2, layout=tocha.sparse_coo)
    with pytest.raises(TypeError, match="layout"):
        tocha.zeros(2, layout="sparse")
    with pytest.raises(NotImplementedError, match="arange"):
        tocha.arange(3, layout=tocha.sparse_coo)


# ------------------------------------------------------------------ COO values

def test_coo_to_dense_by_hand():
    s = _sp(_vals(False))
    expected = np.zeros((3, 3))
    expected[0, 2], expected[1, 0], expected[1, 2], expected[2, 1] = 3, -4, 5, 0.5
    np.testing.assert_array_equal(s.to_dense().numpy(), expected)
    assert s.is_sparse and not s.is_coalesced() and s._nnz() == 4
    assert (s.sparse_dim(), s.dense_dim()) == (2, 0)
    assert s.shape == (3, 3) and s.dim() == 2 and s.dtype is tocha.float64


def test_duplicates_sum_and_coalesce_sorts():
    s = tocha.sparse_coo_tensor([[1, 0, 1]], [1.0, 2.0, 3.0], (3,))
    np.testing.assert_array_equal(s.to_dense().numpy(), [2.0, 4.0, 0.0])
    c = s.coalesce()
    assert c.is_coalesced() and c.indices().tolist() == [[0, 1]]
    assert c.values().tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="uncoalesced"):
        s.indices()
    with pytest.raises(RuntimeError, match="uncoalesced"):
        s.values()
    assert s._indices().tolist() == [[1, 0, 1]]


def test_inferred_size_and_hybrid():
    s = tocha.sparse_coo_tensor([[0, 3]], [[1.0, 2.0], [3.0, 4.0]])
    assert s.shape == (4, 2) and (s.sparse_dim(), s.dense_dim()) == (1, 1)
    d = tocha.zeros(3, 2)
    d[1] = tocha.tensor([0.0, 7.0])
    h = d.to_sparse(1)
    assert h._indices().tolist() == [[1]] and h._values().tolist() == [[0.0, 7.0]]
    np.testing.assert_array_equal(h.to_dense().numpy(), d.numpy())


def test_arithmetic_values():
    a = _sp(_vals(False))
    b = tocha.sparse_coo_tensor([[2, 0], [1, 0]], [1.0, 1.0], (3, 3), dtype=tocha.float64)
    ad, bd = a.to_dense().numpy(), b.to_dense().numpy()
    np.testing.assert_array_equal((a + b).to_dense().numpy(), ad + bd)
    np.testing.assert_array_equal((a - b).to_dense().numpy(), ad - bd)
    np.testing.assert_array_equal((a * 3).to_dense().numpy(), ad * 3)
    np.testing.assert_array_equal((2 * a).to_dense().numpy(), ad * 2)
    np.testing.assert_array_equal((a / 2).to_dense().numpy(), ad / 2)
    np.testing.assert_array_equal((-a).to_dense().numpy(), -ad)
    np.testing.assert_array_equal((a * a).to_dense().numpy(), ad * ad)
    np.testing.assert_array_equal((a * b).to_dense().numpy(), ad * bd)
    dense = tocha.arange(9.0, dtype=tocha.float64).reshape(3, 3)
    np.testing.assert_array_equal((a * dense).to_dense().numpy(), ad * dense.numpy())
    np.testing.assert_array_equal((dense + a).numpy(), dense.numpy() + ad)
    np.testing.assert_array_equal((dense - a).numpy(), dense.numpy() - ad)
    np.testing.assert_array_equal(a.abs().to_dense().numpy(), np.abs(ad))
    np.testing.assert_array_equal(a.t().to_dense().numpy(), ad.T)
    assert a.sum().item() == ad.sum()
    np.testing.assert_array_equal(a.sum(0).to_dense().numpy(), ad.sum(0))
    np.testing.assert_array_equal(a.double().to_dense().numpy(), ad)
    assert a.float().dtype is tocha.float32


def test_products_values():
    a = _sp(_vals(False))
    ad = a.to_dense().numpy()
    d = tocha.arange(6.0, dtype=tocha.float64).reshape(3, 2)
    for r in (tocha.sparse.mm(a, d), tocha.spmm(a, d), tocha.dsmm(a, d), a @ d, a.mm(d),
              a.matmul(d)):
        np.testing.assert_allclose(r.numpy(), ad @ d.numpy())
    np.testing.assert_allclose(tocha.sparse.mm(d.t(), a).numpy(), d.numpy().T @ ad)
    np.testing.assert_allclose(tocha.smm(a, d).to_dense().numpy(), ad @ d.numpy())
    np.testing.assert_allclose(tocha.hspmm(a, d).to_dense().numpy(), ad @ d.numpy())
    np.testing.assert_allclose(tocha.sparse.mm(a, a).to_dense().numpy(), ad @ ad)
    sq = tocha.arange(9.0, dtype=tocha.float64).reshape(3, 3)
    np.testing.assert_allclose(tocha.sspaddmm(a, a, sq, beta=2, alpha=3).to_dense().numpy(),
                               2 * ad + 3 * ad @ sq.numpy())
    np.testing.assert_allclose(tocha.sparse.addmm(tocha.ones(3, 2, dtype=tocha.float64), a, d,
                                                  beta=2, alpha=0.5).numpy(),
                               2 + 0.5 * ad @ d.numpy())
    np.testing.assert_allclose((a @ tocha.ones(3, dtype=tocha.float64)).numpy(), ad.sum(1))


def test_sparse_softmax_by_hand():
    a = _sp(_vals(False))
    out = tocha.sparse.softmax(a, 1).to_dense().numpy()
    row1 = np.exp([-4.0, 5.0]) / np.exp([-4.0, 5.0]).sum()
    np.testing.assert_allclose(out[1, [0, 2]], row1)
    np.testing.assert_allclose(out[0, 2], 1.0)
    lout = tocha.sparse.log_softmax(a, 1).to_dense().numpy()
    np.testing.assert_allclose(lout[1, [0, 2]], np.log(row1))


def test_compressed_layouts_round_trip():
    d = tocha.tensor([[0, 1.0, 0, 2], [3, 0, 0, 0], [0, 0, 0, 4], [5, 6, 0, 0]])
    for conv in (lambda x: x.to_sparse_csr(), lambda x: x.to_sparse_csc(),
                 lambda x: x.to_sparse_bsr((2, 2)), lambda x: x.to_sparse_bsc((2, 2)),
                 lambda x: x.to_sparse_bsr((1, 2)), lambda x: x.to_sparse().to_sparse_csr(),
                 lambda x: x.to_sparse_csr().to_sparse_csc()):
        c = conv(d)
        np.testing.assert_array_equal(c.to_dense().numpy(), d.numpy())
        np.testing.assert_allclose((c @ tocha.ones(4, 2)).numpy(), d.numpy() @ np.ones((4, 2)))
        np.testing.assert_array_equal(c.to_sparse().to_dense().numpy(), d.numpy())
    c = d.to_sparse_csr()
    assert c.crow_indices().tolist() == [0, 2, 3, 4, 6]
    assert c.col_indices().tolist() == [1, 3, 0, 3, 0, 1]
    assert c.is_sparse_csr and not c.is_sparse
    assert tocha.crow_indices_copy(c).tolist() == [0, 2, 3, 4, 6]
    cc = d.to_sparse_csc()
    assert cc.ccol_indices().tolist() == [0, 2, 4, 4, 6]
    assert tocha.row_indices_copy(cc).tolist() == [1, 3, 0, 3, 0, 2]
    m = tocha.sparse_csr_tensor([0, 1, 2], [1, 0], [5.0, 6.0], (2, 2))
    np.testing.assert_array_equal(m.to_dense().numpy(), [[0, 5.0], [6.0, 0]])


def test_sparse_mask_resize_and_copies():
    mask = tocha.sparse_coo_tensor([[1, 0], [0, 2]], [1.0, 1.0], (2, 3))
    x = tocha.arange(6.0).reshape(2, 3)
    m = x.sparse_mask(mask)
    assert m._indices().tolist() == [[1, 0], [0, 2]] and m._values().tolist() == [3.0, 2.0]
    s = _sp(_vals(False)).coalesce()
    assert tocha.indices_copy(s).tolist() == s.indices().tolist()
    assert tocha.values_copy(s).tolist() == s.values().tolist()
    s.sparse_resize_((5, 4), 2, 0)
    assert s.shape == (5, 4) and s._nnz() == 4
    s.sparse_resize_and_clear_((2, 2, 2), 1, 2)
    assert s.shape == (2, 2, 2) and s._nnz() == 0 and s.dense_dim() == 2
    t = _sp(_vals(False))
    with pytest.raises(RuntimeError, match="sparse dimensions"):
        t.sparse_resize_((3, 3, 3), 3, 0)


# ------------------------------------------------------------------ gradients

def _dense_out(fn):
    def f(*xs):
        out = fn(*xs)
        return out.to_dense() if out.layout is not tocha.strided else out
    return f


GRAD_CASES = {
    "to_dense": (lambda v: _sp(v), [_vals()]),
    "sparse_mm": (lambda v, d: tocha.sparse.mm(_sp(v), d), [_vals(), _dense(3, 2)]),
    "matmul": (lambda v, d: _sp(v) @ d, [_vals(), _dense(3, 2)]),
    "matvec": (lambda v, d: _sp(v) @ d, [_vals(), _dense(3)]),
    "sparse_addmm": (lambda v, d, c: tocha.sparse.addmm(c, _sp(v), d, beta=0.5, alpha=2),
                     [_vals(), _dense(3, 2), _dense(3, 2)]),
    "to_sparse": (lambda d: d.to_sparse() * 2, [_dense(2, 3)]),
    "to_sparse_hybrid": (lambda d: d.to_sparse(1), [_dense(2, 3)]),
    "coalesce": (lambda v: tocha.sparse_coo_tensor([[1, 0, 1]], v, (2,)).coalesce(),
                 [tocha.tensor([1.0, 2.0, 3.0], dtype=tocha.float64, requires_grad=True)]),
    "values": (lambda v: _sp(v).coalesce().values() ** 2, [_vals()]),
    "add": (lambda v, w: _sp(v) + _sp(w, idx=[[0, 2, 2, 1], [0, 1, 0, 0]]),
            [_vals(), _vals()]),
    "sub_alpha": (lambda v, w: _sp(v).sub(_sp(w), alpha=3), [_vals(), _vals()]),
    "dense_plus_sparse": (lambda d, v: d + _sp(v), [_dense(3, 3), _vals()]),
    "mul_scalar_neg": (lambda v: -(_sp(v) * 3) / 2, [_vals()]),
    "mul_dense": (lambda v, d: _sp(v) * d, [_vals(), _dense(3, 3)]),
    "mul_sparse": (lambda v, w: _sp(v) * _sp(w, idx=[[0, 1, 1, 0], [2, 2, 1, 0]]),
                   [_vals(), _vals()]),
    "abs_sqrt": (lambda v: _sp(v).abs().sqrt(), [_vals()]),
    "transpose": (lambda v: _sp(v).t() * tocha.arange(9.0, dtype=tocha.float64).reshape(3, 3),
                  [_vals()]),
    "sum": (lambda v: _sp(v).sum(), [_vals()]),
    "sparse_sum_dim": (lambda v: tocha.sparse.sum(_sp(v), 0), [_vals()]),
    "softmax": (lambda v: tocha.sparse.softmax(_sp(v), 1), [_vals()]),
    "log_softmax": (lambda v: tocha.sparse.log_softmax(_sp(v), 0), [_vals()]),
    "sparse_mask": (lambda d: d.sparse_mask(_sp(_vals(False)).coalesce()), [_dense(3, 3)]),
    "csr_matmul": (lambda d, e: d.to_sparse_csr() @ e, [_dense(3, 3), _dense(3, 2)]),
    "bsr_to_dense": (lambda d: d.to_sparse_bsr((1, 3)), [_dense(2, 3)]),
    "clone": (lambda v: _sp(v).clone(), [_vals()]),
    "sparse_mm_sparse": (lambda v, w: tocha.sparse.mm(_sp(v), _sp(w, idx=[[0, 2, 2, 1],
                                                                          [1, 0, 1, 1]])),
                         [_vals(), _vals()]),
    "select": (lambda v: _sp(v)[1] * 2 + _sp(v).select(1, 2), [_vals()]),
    "select_element": (lambda v: _sp(v)[1, 2], [_vals()]),
    # (PyTorch has no derivative for this one; tocha's goes through the values)
    "index_select": (lambda v: _sp(v).index_select(0, tocha.tensor([2, 1, 1])), [_vals()]),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradcheck(name):
    fn, inputs = GRAD_CASES[name]
    assert gradcheck(_dense_out(fn), tuple(inputs))


@pytest.mark.parametrize("name", ["sparse_mm", "matmul", "to_dense", "mul_dense", "add",
                                  "softmax"])
def test_gradgradcheck(name):
    fn, inputs = GRAD_CASES[name]
    assert gradgradcheck(_dense_out(fn), tuple(inputs))


def test_sparse_leaf_gradients_are_sparse_and_accumulate():
    s = _sp(_vals(False))
    s.requires_grad_()
    d = tocha.ones(3, 2, dtype=tocha.float64)
    tocha.sparse.mm(s, d).sum().backward()
    g = s.grad
    assert g.layout is tocha.sparse_coo and type(g) is type(s)
    assert g._indices().tolist() == IDX and g._values().tolist() == [2.0] * 4
    tocha.sparse.mm(s, d).sum().backward()   # (accumulated in place, as PyTorch does)
    assert s.grad is g and g._values().tolist() == [4.0] * 4
    s.grad = None
    (s @ d).sum().backward()        # mm's gradient is dense, as PyTorch's
    assert s.grad.layout is tocha.strided and s.grad.shape == (3, 3)
    s.grad = None
    h = s.register_post_accumulate_grad_hook(lambda t: None)
    tocha.sparse.mm(s, d).sum().backward()
    assert s.grad.layout is tocha.sparse_coo
    h.remove()


def test_autograd_grad_of_sparse_input():
    s = _sp(_vals(False))
    s.requires_grad_()
    (g,) = tocha.autograd.grad(tocha.sparse.mm(s, tocha.ones(3, 1, dtype=tocha.float64))
                               .sum(), s)
    assert g.layout is tocha.sparse_coo and g._values().tolist() == [1.0] * 4


def test_smm_has_no_derivative():
    s = _sp(_vals(False)).requires_grad_()
    out = tocha.smm(s, tocha.ones(3, 2, dtype=tocha.float64))
    assert type(out.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="not implemented"):
        out.to_dense().sum().backward()


# ------------------------------------------------------------------ errors and printing

def test_dense_ops_on_sparse_refuse_clearly():
    s = _sp(_vals(False))
    for op in (lambda: s.exp(), lambda: s.view(9), lambda: s[0:1], lambda: s.reshape(9),
               lambda: tocha.exp(s)):
        with pytest.raises(NotImplementedError, match="to_dense"):
            op()
    with pytest.raises(TypeError, match="to_dense"):
        s.numpy()
    with pytest.raises(RuntimeError, match="add\\(sparse, dense\\)"):
        s + tocha.ones(3, 3, dtype=tocha.float64)
    with pytest.raises(RuntimeError, match="same size"):
        s + _sp(_vals(False), shape=(4, 4))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        tocha.sparse.mm(s, tocha.ones(2, 2, dtype=tocha.float64))


def test_constructor_errors():
    with pytest.raises(RuntimeError, match="same nnz"):
        tocha.sparse_coo_tensor([[0, 1]], [1.0], (2,))
    with pytest.raises(RuntimeError, match="inconsistent with indices"):
        tocha.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,))
    with pytest.raises(RuntimeError, match="int64"):
        tocha.sparse_coo_tensor(tocha.tensor([[0.0]]), [1.0], (2,))
    with pytest.raises(RuntimeError, match="sorted and unique"):
        tocha.sparse_coo_tensor([[1, 0]], [1.0, 2.0], (2,), is_coalesced=True,
                                check_invariants=True)
    with tocha.sparse.check_sparse_tensor_invariants():
        assert tocha.sparse.check_sparse_tensor_invariants.is_enabled()
        with pytest.raises(RuntimeError, match="sorted and unique"):
            tocha.sparse_coo_tensor([[1, 0]], [1.0, 2.0], (2,), is_coalesced=True)
    with pytest.raises(RuntimeError, match="crow_indices"):
        tocha.sparse_csr_tensor([0, 1], [0, 1], [1.0, 2.0], (2, 2))
    with pytest.raises(RuntimeError, match="divisible"):
        tocha.ones(3, 3).to_sparse_bsr((2, 2))


def test_dense_tensor_sparse_accessors():
    x = tocha.ones(2, 3)
    assert (x.sparse_dim(), x.dense_dim(), x.is_sparse) == (0, 2, False)
    assert x.to_dense() is x
    with pytest.raises(RuntimeError, match="expected sparse coordinate tensor layout"):
        x.indices()
    with pytest.raises(RuntimeError, match="sparse row compressed"):
        x.crow_indices()
    with pytest.raises(NotImplementedError):
        x._nnz()


def test_repr():
    s = tocha.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,))
    assert repr(s) == ("tensor(indices=tensor([[0, 1]]),\n"
                       "       values=tensor([1., 2.]),\n"
                       "       size=(3,), nnz=2, layout=tocha.sparse_coo)")
    e = tocha.zeros(2, layout=tocha.sparse_coo, dtype=tocha.float64)
    assert repr(e) == ("tensor(indices=tensor([], size=(1, 0)),\n"
                       "       values=tensor([], size=(0,)),\n"
                       "       size=(2,), nnz=0, dtype=tocha.float64, layout=tocha.sparse_coo)")


def test_pickle_deepcopy_detach():
    import copy
    s = _sp(_vals(False))
    for t in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), s.detach(), s.data):
        assert t.layout is tocha.sparse_coo
        np.testing.assert_array_equal(t.to_dense().numpy(), s.to_dense().numpy())


def test_scipy_is_optional(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    monkeypatch.setitem(sys.modules, "scipy", None)
    s = _sp(_vals(False))
    np.testing.assert_array_equal(s.coalesce().to_dense().numpy().shape, (3, 3))
    with pytest.raises(ImportError, match="scipy"):
        tocha.sparse.mm(s, tocha.ones(3, 1, dtype=tocha.float64))


def test_import_does_not_load_sparse_or_scipy():
    import subprocess
    code = ("import sys, tocha; tocha.ones(2).layout; "
            "print('tocha.sparse' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_legacy_sparse_constructors():
    x = tocha.sparse.FloatTensor(tocha.tensor([[0, 1], [1, 0]]), tocha.tensor([1.0, 2.0]),
                                 tocha.Size([2, 2]))
    np.testing.assert_array_equal(x.to_dense().numpy(), [[0.0, 1.0], [2.0, 0.0]])
    assert isinstance(x, tocha.sparse.FloatTensor)
    assert not isinstance(x, tocha.sparse.DoubleTensor)
    e = tocha.sparse.DoubleTensor(2, 3)
    assert e.dtype is tocha.float64 and e._nnz() == 0 and e.shape == (2, 3)
    with pytest.raises(TypeError, match="invalid combination"):
        tocha.sparse.FloatTensor([1.0])


def test_as_sparse_gradcheck():
    s = _sp(_vals(False)).coalesce().requires_grad_()
    d = _dense(3, 2)
    check = tocha.sparse.as_sparse_gradcheck(gradcheck)
    assert check(lambda a, b: tocha.sparse.mm(a, b), (s, d))
    assert check(lambda a: a * 2, (s,))


def test_save_load_round_trip_and_bad_records(tmp_path):
    s = _sp(_vals(False))
    c = tocha.tensor([[0, 1.0], [2.0, 0]]).to_sparse_csr()
    tocha.save({"s": s, "c": c, "again": s}, tmp_path / "a.pt")
    back = tocha.load(tmp_path / "a.pt")
    assert repr(back["s"]) == repr(s) and repr(back["c"]) == repr(c)
    assert not back["s"].is_coalesced()
    # a record whose index lies outside its size is refused (as PyTorch's loader refuses it)
    bad = tocha.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (2,))
    bad._data.shape = (1,)
    tocha.save(bad, tmp_path / "bad.pt")
    with pytest.raises(Exception, match="inconsistent with indices"):
        tocha.load(tmp_path / "bad.pt")
