"""Tensor methods and torch functions added for issue 8, checked by hand (NumPy only):
in-place variants and their autograd bookkeeping, in-place view ops, resize_, Python
callables, metadata, samplers' determinism and argument checks, removed names."""
import math
import warnings

import numpy as np
import pytest

import tocha


def test_inplace_variants_write_into_self():
    x = tocha.tensor([[1.0, -2.0], [3.0, -4.0]])
    ptr = x.data_ptr()
    assert x.absolute_() is x and x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    x.cumsum_(1)
    assert x.tolist() == [[1.0, 3.0], [3.0, 7.0]]
    x.eq_(3.0)
    assert x.tolist() == [[0.0, 1.0], [1.0, 0.0]] and x.dtype == tocha.float32
    x.subtract_(tocha.ones(2), alpha=2)
    assert x.tolist() == [[-2.0, -1.0], [-1.0, -2.0]]
    assert x.data_ptr() == ptr and x._version == 4
    i = tocha.tensor([12, 18])
    assert i.gcd_(tocha.tensor([8, 12])).tolist() == [4, 6]
    assert i.lcm_(tocha.tensor([6, 4])).tolist() == [12, 12]
    assert i.bitwise_left_shift_(1).tolist() == [24, 24]


def test_inplace_view_ops_share_memory_and_record():
    x = tocha.arange(6.0).reshape(2, 3)
    ptr = x.data_ptr()
    x.t_()
    assert x.shape == (3, 2) and x.data_ptr() == ptr and x.stride() == (1, 3)
    x.unsqueeze_(1).squeeze_(1).swapdims_(0, 1)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and x._version == 4
    a = tocha.arange(6.0).reshape(2, 3).requires_grad_()
    b = a * 1
    b.transpose_(0, 1)                       # (3, 2), gradient flows back transposed
    (b * tocha.tensor([1.0, 10.0])).sum().backward()
    assert a.grad.tolist() == [[1.0, 1.0, 1.0], [10.0, 10.0, 10.0]]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        a.t_()
    c = a * 1
    v = c[1]
    v.unsqueeze_(0)                          # a view changed in place stays a view of c
    assert v.shape == (1, 3) and v._base is c
    v.mul_(2)
    assert c.tolist() == [[0.0, 1.0, 2.0], [6.0, 8.0, 10.0]]


def test_float_power_and_fill_diagonal():
    x = tocha.tensor([2.0, 3.0], dtype=tocha.float64)
    assert x.float_power_(2).tolist() == [4.0, 9.0]
    with pytest.raises(RuntimeError, match="dtype Float but the operation's result requires"):
        tocha.ones(2).float_power_(2)
    assert tocha.zeros(2, 3).fill_diagonal_(1.0).tolist() == [[1, 0, 0], [0, 1, 0]]
    tall = tocha.zeros(5, 2).fill_diagonal_(1.0, wrap=True)
    assert tall.tolist() == [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1]]
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        tocha.zeros(2, 2, 3).fill_diagonal_(1.0)


def test_resize():
    x = tocha.arange(6.0)
    assert x.resize_(2, 2).tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert x.resize_(3, 3).reshape(-1)[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert x.resize_as_(tocha.zeros(2)).tolist() == [0.0, 1.0]
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        tocha.ones(2, requires_grad=True).resize_(3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert tocha.arange(4.0).resize(2, 2).shape == (2, 2)
    assert "non-inplace resize is deprecated" in str(w[0].message)
    with pytest.raises(RuntimeError, match="autograd's resize can only change the shape"):
        tocha.arange(4.0).resize(3)


def test_python_callables():
    x = tocha.tensor([1.0, 2.0, 3.0])
    assert x.apply_(lambda v: v * v).tolist() == [1.0, 4.0, 9.0]
    assert x.map_(tocha.tensor(1.0), lambda a, b: a - b).tolist() == [0.0, 3.0, 8.0]
    assert x.map2_(x, tocha.ones(3), lambda a, b, c: a + b + c).tolist() == [1.0, 7.0, 17.0]
    with pytest.raises(RuntimeError, match="requires grad"):
        tocha.ones(2, requires_grad=True).apply_(abs)


def test_metadata():
    x = tocha.zeros(3, 4, dtype=tocha.float64)
    assert (x.itemsize, x.nbytes, x[0].nbytes) == (8, 96, 32)
    assert x.dim_order() == (0, 1) and x.t().dim_order() == (1, 0)
    assert x.new(2, 5).shape == (2, 5) and x.new([1, 2]).dtype == tocha.float64
    assert x.sum_to_size(1, 4).shape == (1, 4)
    with pytest.raises(RuntimeError, match="is not expandable to size"):
        x.sum_to_size(2, 4)
    assert x.name is None and x.output_nr == 0 and not x.is_inference()
    assert x.is_set_to(x) and not x.is_set_to(x.clone())
    assert x.record_stream(object()) is None
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert x.volatile is False
    parts = (tocha.ones(4, requires_grad=True) * 1).unbind()
    assert [p.output_nr for p in parts] == [0, 1, 2, 3]


@pytest.mark.parametrize("name", ["lstsq", "solve", "symeig", "eig", "reinforce"])
def test_removed_names_raise(name):
    x = tocha.ones(2, 2)
    with pytest.raises(RuntimeError, match="removed"):
        getattr(x, name)(x) if name in ("lstsq", "solve", "reinforce") else getattr(x, name)()


def test_samplers_deterministic_and_checked():
    for name, args in [("cauchy_", (1.0, 0.5)), ("geometric_", (0.25,)),
                       ("log_normal_", (0.0, 0.5))]:
        tocha.manual_seed(5)
        a = getattr(tocha.empty(50, dtype=tocha.float64), name)(*args)
        tocha.manual_seed(5)
        b = getattr(tocha.empty(50, dtype=tocha.float64), name)(*args)
        assert np.array_equal(a.numpy(), b.numpy())
    g = tocha.empty(200).geometric_(0.5).numpy()
    assert g.min() >= 1 and np.all(g == np.round(g))
    assert tocha.empty(200).log_normal_().numpy().min() > 0
    with pytest.raises(RuntimeError, match="cauchy_ expects sigma > 0.0"):
        tocha.empty(2).cauchy_(0.0, -1.0)
    with pytest.raises(RuntimeError, match=r"geometric_ expects p to be in \(0, 1\)"):
        tocha.empty(2).geometric_(1.0)
    with pytest.raises(NotImplementedError, match="log_normal_cpu"):
        tocha.empty(2, dtype=tocha.int64).log_normal_()


def test_new_ops_by_hand():
    assert tocha.gcd(tocha.tensor([0, -4, 9]), tocha.tensor([5, 6, 6])).tolist() == [5, 2, 3]
    v, i = tocha.cummax(tocha.tensor([1.0, 3.0, 2.0, 3.0]), 0)
    assert v.tolist() == [1.0, 3.0, 3.0, 3.0] and i.tolist() == [0, 1, 1, 3]
    v, i = tocha.mode(tocha.tensor([[3, 1, 3, 1, 2]]))
    assert v.tolist() == [1] and i.tolist() == [3]
    nan = math.nan
    assert tocha.nanmedian(tocha.tensor([4.0, nan, 1.0, 2.0])).item() == 2.0
    assert tocha.nanquantile(tocha.tensor([1.0, nan, 3.0]), 0.5).item() == 2.0
    m, e = tocha.frexp(tocha.tensor([12.0]))
    assert m.item() == 0.75 and e.item() == 4 and e.dtype == tocha.int32
    x = tocha.tensor([1.0, 2.0, 3.0])
    i = tocha.tensor([0, 0, 2])
    s = tocha.tensor([4.0, 5.0, 6.0])
    assert x.scatter_reduce(0, i, s, "sum").tolist() == [10.0, 2.0, 9.0]
    assert x.scatter_reduce(0, i, s, "prod", include_self=False).tolist() == [20.0, 2.0, 6.0]
    assert x.scatter_reduce(0, i, s, "mean").tolist() == [np.float32(10 / 3), 2.0, 4.5]
    assert x.index_reduce(0, tocha.tensor([1, 1]), s[:2], "amin").tolist() == [1.0, 2.0, 3.0]
    mask = tocha.tensor([True, False, True])
    assert x.masked_scatter(mask, s).tolist() == [4.0, 2.0, 5.0]
    assert x.put(tocha.tensor([-1]), tocha.tensor([9.0])).tolist() == [1.0, 2.0, 9.0]
    assert x.put(tocha.tensor([0, 0]), s[:2], accumulate=True).tolist() == [10.0, 2.0, 3.0]
    with pytest.raises(IndexError, match="out of range: tried to access index 3"):
        x.put(tocha.tensor([3]), s[:1])
    r = tocha.segment_reduce(tocha.tensor([1.0, 2.0, 3.0, 4.0]), "max",
                             lengths=tocha.tensor([1, 0, 3]))
    assert r.tolist() == [1.0, -math.inf, 4.0]
    assert tocha.norm_except_dim(tocha.tensor([[3.0], [4.0]]), 2, 1).tolist() == [[5.0]]


def test_torch_level_helpers(tmp_path):
    assert tocha.thread_safe_generator() is None         # main process
    x = tocha.arange(4.0)
    y = np.from_dlpack(type("Cap", (), {"__dlpack__": lambda s, **k: tocha.to_dlpack(x),
                                        "__dlpack_device__": lambda s: (1, 0)})())
    assert y.tolist() == [0.0, 1.0, 2.0, 3.0]
    f = tmp_path / "raw.bin"
    np.arange(5, dtype=np.float64).tofile(f)
    t = tocha.from_file(str(f), size=3, dtype=tocha.float64)
    assert t.tolist() == [0.0, 1.0, 2.0]
    s = tocha.from_file(str(f), shared=True, size=5, dtype=tocha.float64)
    s[0] = 7.0                                           # shared: written through to the file
    assert np.fromfile(f, dtype=np.float64)[0] == 7.0
    with pytest.raises(RuntimeError, match="smaller than the required mapping size"):
        tocha.from_file(str(f), size=9, dtype=tocha.float64)
    assert tocha.is_inference(x) is False
    assert tocha.slice_copy(tocha.arange(6.0).reshape(2, 3), 1, 1).tolist() == [[1, 2], [4, 5]]
