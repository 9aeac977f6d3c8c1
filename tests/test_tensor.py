"""The Tensor API: metadata, conversions, views and memory sharing, in-place ops and version
counters, setitem, dtype/device movement, new_* and creation functions. NumPy only."""
import copy
import pickle

import numpy as np
import pytest

import tocha


def test_metadata():
    t = tocha.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tocha.Size)
    assert repr(t.shape) == "torch.Size([2, 3, 4])"
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.ndim == 3 and t.dim() == 3 and t.ndimension() == 3
    assert t.numel() == 24 and t.nelement() == 24 and t.shape.numel() == 24
    assert t.dtype is tocha.float32 and t.device == tocha.device("cpu")
    assert str(t.device) == "cpu" and not t.is_cuda and t.is_cpu
    assert t.is_floating_point() and not t.is_complex()
    assert t.element_size() == 4 and t.stride() == (12, 4, 1) and t.stride(0) == 12
    assert t.is_contiguous() and not t.transpose(0, 2).is_contiguous()
    assert tocha.tensor(5).shape == () and tocha.tensor(5).dim() == 0
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.size(3)


def test_size_slicing_and_concat():
    s = tocha.zeros(2, 3, 4).shape
    assert isinstance(s[1:], tocha.Size) and s[1:] == (3, 4)
    assert s[0] == 2 and isinstance(s[0], int)
    assert s + (5,) == (2, 3, 4, 5) and isinstance(s + (5,), tocha.Size)


def test_T_and_mT():
    a = tocha.tensor(np.arange(6.0).reshape(2, 3))
    assert a.T.shape == (3, 2) and a.T[2, 1].item() == 5.0
    b = tocha.zeros(4, 2, 3)
    assert b.mT.shape == (4, 3, 2)
    v = tocha.zeros(5)
    assert v.T.shape == (5,)


def test_item_tolist_and_python_conversions():
    t = tocha.tensor([[1.5, 2.0], [3.0, 4.0]])
    assert t[0, 0].item() == 1.5 and isinstance(t[0, 0].item(), float)
    assert tocha.tensor([7]).item() == 7 and isinstance(tocha.tensor([7]).item(), int)
    assert tocha.tensor(True).item() is True
    assert t.tolist() == [[1.5, 2.0], [3.0, 4.0]]
    assert tocha.tensor(3).tolist() == 3
    assert float(tocha.tensor(2.5)) == 2.5 and int(tocha.tensor(3.7)) == 3
    assert bool(tocha.tensor([0.0])) is False and bool(tocha.tensor(2)) is True
    assert [10, 20, 30][tocha.tensor(1)] == 20          # __index__
    with pytest.raises(TypeError):
        [1, 2][tocha.tensor(1.0)]
    with pytest.raises(RuntimeError, match="4 elements cannot be converted to Scalar"):
        t.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(t)


def test_len_iter_hash():
    t = tocha.tensor([[1, 2], [3, 4], [5, 6]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and rows[1].tolist() == [3, 4]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(tocha.tensor(1))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(tocha.tensor(1))
    a, b = tocha.ones(2), tocha.ones(2)
    assert len({a, b}) == 2 and {a: 1}[a] == 1


def test_numpy_shares_memory_and_requires_grad_error():
    t = tocha.zeros(3)
    a = t.numpy()
    a[0] = 5
    assert t[0].item() == 5
    t[1] = 7
    assert a[1] == 7
    r = tocha.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\)"):
        r.numpy()
    assert r.detach().numpy().shape == (3,)
    assert np.shares_memory(r.detach().numpy(), r.numpy(force=True))


def test_array_protocol():
    t = tocha.tensor([1.0, 2.0])
    assert np.asarray(t).tolist() == [1.0, 2.0]
    assert np.asarray(t, dtype=np.int64).dtype == np.int64
    assert np.array(t).tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError):
        np.asarray(tocha.ones(2, requires_grad=True))


def test_data_get_and_set():
    x = tocha.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10                     # shares memory with x, not tracked by autograd
    assert x[0].item() == 10
    x.data = tocha.tensor([3.0, 4.0, 5.0])
    assert x.shape == (3,) and x.requires_grad and x.tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(TypeError):
        x.data = [1.0]


def test_detach_clone_contiguous():
    x = tocha.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), y.detach().numpy())
    c = x.clone()
    assert c.requires_grad and c.grad_fn.name() == "CloneBackward0"
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())
    t = tocha.zeros(3, 4).t()
    cc = t.contiguous()
    assert cc.is_contiguous() and cc.shape == (4, 3)
    z = tocha.zeros(3)
    assert z.contiguous() is z


def test_dtype_conversions():
    t = tocha.tensor([1.7, -2.2])
    assert t.float().dtype is tocha.float32
    assert t.double().dtype is tocha.float64
    assert t.half().dtype is tocha.float16
    assert t.long().dtype is tocha.int64 and t.long().tolist() == [1, -2]
    assert t.int().dtype is tocha.int32
    assert t.short().dtype is tocha.int16 and t.char().dtype is tocha.int8
    assert t.byte().dtype is tocha.uint8
    assert t.bool().dtype is tocha.bool and t.bool().tolist() == [True, True]
    assert t.to(tocha.float64).dtype is tocha.float64
    assert t.to("cpu") is t and t.to(tocha.float32) is t and t.cpu() is t
    assert t.to("cpu", tocha.int64).dtype is tocha.int64
    assert t.to(tocha.zeros(1, dtype=tocha.int32)).dtype is tocha.int32
    assert t.to(dtype=tocha.float16, copy=True).dtype is tocha.float16
    c = t.to(tocha.float32, copy=True)
    assert c is not t and c.tolist() == t.tolist()
    assert t.type() == "torch.FloatTensor" and t.long().type() == "torch.LongTensor"
    assert t.type(tocha.float64).dtype is tocha.float64
    assert t.type("torch.LongTensor").dtype is tocha.int64
    assert t.type_as(tocha.zeros(1, dtype=tocha.int16)).dtype is tocha.int16


def test_to_is_differentiable():
    x = tocha.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert y.grad_fn.name() == "ToCopyBackward0"
    (y * 3).sum().backward()
    assert x.grad.dtype is tocha.float32 and x.grad.tolist() == [3.0, 3.0]


def test_cuda_device_errors_clearly():
    with pytest.raises(RuntimeError, match="CUDA"):
        tocha.zeros(2, device="cuda")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):    # PyTorch's type
        tocha.zeros(2, device="cuda:0")
    with pytest.raises(RuntimeError, match="CUDA"):
        tocha.zeros(2).to("cuda")
    with pytest.raises(RuntimeError, match="CUDA"):
        tocha.zeros(2).cuda()
    assert not tocha.cuda.is_available()


def test_new_methods():
    base = tocha.zeros(2, dtype=tocha.float64)
    n = base.new_zeros(3, 4)
    assert n.shape == (3, 4) and n.dtype is tocha.float64 and not n.any()
    assert base.new_ones((2,)).tolist() == [1.0, 1.0]
    assert base.new_full((2, 2), 7).tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert base.new_empty(5).shape == (5,)
    t = base.new_tensor([1, 2])
    assert t.dtype is tocha.float64 and t.tolist() == [1.0, 2.0]
    assert base.new_zeros(2, dtype=tocha.int64).dtype is tocha.int64
    assert base.new_ones(2, requires_grad=True).requires_grad


@pytest.mark.parametrize("make_view", [
    lambda x: x.view(3, 4),
    lambda x: x.reshape(2, 6),
    lambda x: x[1:],
    lambda x: x[:, 2],
    lambda x: x[None],
    lambda x: x.t(),
    lambda x: x.transpose(0, 1),
    lambda x: x.permute(1, 0),
    lambda x: x.unsqueeze(0),
    lambda x: x[0].squeeze(),
    lambda x: x.flatten(),
    lambda x: x.narrow(1, 1, 2),
    lambda x: x.unbind(0)[1],
    lambda x: x.split(2, 1)[0],
    lambda x: x.chunk(2)[1],
    lambda x: x.detach(),
    lambda x: x.view_as(tocha.zeros(12)),
    lambda x: x.expand(1, 4, 3)[0],
    lambda x: x.select(1, 2),
], ids=lambda f: f.__code__.co_firstlineno)
def test_views_share_memory(make_view):
    x = tocha.zeros(4, 3)
    v = make_view(x)
    assert np.shares_memory(v.numpy(), x.numpy())
    v.view(-1)[0].fill_(0) if v.is_contiguous() else None
    x.fill_(5.0)
    assert (v == 5).all()


def test_expand_view_shares_and_write_through_errors():
    x = tocha.zeros(3, 1)
    e = x.expand(3, 4)
    x[1, 0] = 2.0
    assert e[1].tolist() == [2.0] * 4
    with pytest.raises(RuntimeError, match="more than one element"):
        e[0, 0] = 1.0


def test_copies_do_not_share_memory():
    x = tocha.zeros(4, 3)
    for c in (x.clone(), x[[0, 1]], x[x > -1], x.t().reshape(-1), x.flip(0), x.repeat(1, 1),
              x + 0, x.to(tocha.float64), x.t().contiguous()):
        assert not np.shares_memory(c.numpy(), x.numpy())


def test_inplace_ops_and_version_counter():
    x = tocha.ones(3)
    assert x._version == 0
    r = x.add_(1)
    assert r is x and x.tolist() == [2.0] * 3 and x._version == 1
    x.mul_(3).sub_(1).div_(5)
    assert x.tolist() == [1.0] * 3 and x._version == 4
    x += 1
    x -= 0.5
    x *= 4
    x /= 2
    assert x.tolist() == [3.0] * 3 and x._version == 8
    x.add_(tocha.ones(3), alpha=2)
    assert x.tolist() == [5.0] * 3
    x.pow_(2).sqrt_().neg_().abs_().clamp_(max=4.0).exp_().log_()
    assert np.allclose(x.numpy(), 4.0)
    x.zero_()
    x.fill_(2.0)
    x.copy_(tocha.tensor([1.0, 2.0, 3.0]))
    assert x.tolist() == [1.0, 2.0, 3.0]
    x.copy_(tocha.tensor(9))
    assert x.tolist() == [9.0] * 3


def test_inplace_identity_and_methods_exist():
    x = tocha.tensor([0.5, -0.5])
    for name in ("sigmoid_", "tanh_", "relu_", "floor_", "ceil_", "round_", "trunc_", "sin_",
                 "cos_", "reciprocal_", "sign_", "frac_", "clamp_min_", "masked_fill_",
                 "scatter_", "index_put_", "lerp_", "addcmul_"):
        assert hasattr(x, name), name
    y = x.clone()
    assert y.relu_() is y and y.tolist() == [0.5, 0.0]


def test_inplace_int_tensor_float_operand_errors():
    t = tocha.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="Float can't be cast to the desired output type Long"):
        t += 1.5
    with pytest.raises(RuntimeError, match="can't be cast"):
        t.mul_(tocha.tensor([0.5, 0.5, 0.5]))
    t += 2
    assert t.tolist() == [3, 4, 5] and t.dtype is tocha.int64
    f = tocha.ones(2)
    f += tocha.tensor([1, 2])              # int into float is fine
    assert f.tolist() == [2.0, 3.0] and f.dtype is tocha.float32


def test_setitem_variants():
    x = tocha.zeros(3, 4)
    x[0] = 1.0
    x[1, 2] = 5
    x[:, 3] = tocha.tensor([7.0, 8.0, 9.0])
    x[2, :2] = tocha.tensor([2.0, 3.0])
    x[x == 5] = -1.0
    x[tocha.tensor([0, 2]), tocha.tensor([1, 1])] = 4.0
    x[..., 0] += 10
    assert x.tolist() == [[11.0, 4.0, 1.0, 7.0], [10.0, 0.0, -1.0, 8.0], [12.0, 4.0, 0.0, 9.0]]
    v0 = x._version
    x[0, 0] = 0.0
    assert x._version == v0 + 1
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[0] = tocha.ones(3)
    with pytest.raises(IndexError):
        x[3] = 1.0


def test_setitem_int_tensor_float_value_truncates():
    t = tocha.tensor([1, 2, 3])
    t[0] = 2.7                     # PyTorch casts the value to the tensor's dtype
    assert t.tolist() == [2, 2, 3]


def test_pickle_and_deepcopy():
    x = tocha.tensor([1.0, 2.0], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == [1.0, 2.0] and y.requires_grad
    z = copy.deepcopy(x)
    assert z.tolist() == [1.0, 2.0] and z.requires_grad and z is not x
    assert not np.shares_memory(z.detach().numpy(), x.detach().numpy())
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)


def test_format():
    assert f"{tocha.tensor(2.5):.2f}" == "2.50"


# ---------------------------------------------------------------- creation

def test_tensor_inference():
    assert tocha.tensor([1, 2]).dtype is tocha.int64
    assert tocha.tensor([1.0, 2]).dtype is tocha.float32
    assert tocha.tensor([True, False]).dtype is tocha.bool
    assert tocha.tensor([True, 2]).dtype is tocha.int64
    assert tocha.tensor(3.0).dtype is tocha.float32 and tocha.tensor(3.0).shape == ()
    assert tocha.tensor([]).dtype is tocha.float32 and tocha.tensor([]).shape == (0,)
    assert tocha.tensor([[1, 2], [3, 4]], dtype=tocha.float64).dtype is tocha.float64
    assert tocha.tensor(np.array([1, 2], np.int32)).dtype is tocha.int32
    assert tocha.tensor(np.float64(2.0)).dtype is tocha.float64
    assert tocha.tensor((1, 2.5)).tolist() == [1.0, 2.5]


def test_tensor_from_list_of_tensors():
    a = tocha.tensor([tocha.tensor(1.0), tocha.tensor(2.0)])
    assert a.shape == (2,) and a.dtype is tocha.float32
    b = tocha.tensor([tocha.tensor([1]), tocha.tensor([3])])       # one-element: numbers
    assert b.shape == (2,) and b.dtype is tocha.int64 and b.tolist() == [1, 3]
    with pytest.raises(TypeError, match="stack"):
        tocha.tensor([tocha.tensor([1, 2]), tocha.tensor([3, 4])])


def test_tensor_copies_and_warns_for_tensor_input():
    arr = np.array([1.0, 2.0])
    t = tocha.tensor(arr)
    arr[0] = 9
    assert t[0].item() == 1.0
    src = tocha.tensor([1.0])
    with pytest.warns(UserWarning, match="sourceTensor.detach\\(\\).clone\\(\\)"):
        c = tocha.tensor(src)
    assert not np.shares_memory(c.numpy(), src.numpy())


def test_tensor_requires_grad_flag():
    t = tocha.tensor([1.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError, match="floating point"):
        tocha.tensor([1], requires_grad=True)


def test_as_tensor_and_from_numpy_share_memory():
    arr = np.zeros(3)
    t = tocha.from_numpy(arr)
    arr[0] = 4
    assert t[0].item() == 4 and t.dtype is tocha.float64
    t[1] = 5
    assert arr[1] == 5
    a = tocha.as_tensor(arr)
    assert np.shares_memory(a.numpy(), arr)
    b = tocha.as_tensor(arr, dtype=tocha.float32)
    assert not np.shares_memory(b.numpy(), arr) and b.dtype is tocha.float32
    x = tocha.ones(2)
    assert tocha.as_tensor(x) is x
    assert tocha.as_tensor([1, 2]).dtype is tocha.int64
    with pytest.raises(TypeError, match="expected np.ndarray"):
        tocha.from_numpy([1, 2])


def test_filled_creation():
    assert tocha.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert tocha.zeros((2, 3)).shape == (2, 3) and tocha.zeros([2]).shape == (2,)
    assert tocha.zeros(tocha.Size([1, 2])).shape == (1, 2)
    assert tocha.ones(2, dtype=tocha.int64).tolist() == [1, 1]
    assert tocha.empty(2, 2).shape == (2, 2)
    assert tocha.zeros(()).shape == () and tocha.zeros(0).shape == (0,)
    f = tocha.full((2,), 3)
    assert f.dtype is tocha.int64 and f.tolist() == [3, 3]
    assert tocha.full((2,), 1.5).dtype is tocha.float32
    assert tocha.full((1,), True).dtype is tocha.bool
    assert tocha.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert tocha.eye(2, 3).shape == (2, 3)
    assert tocha.zeros(2, requires_grad=True).requires_grad


def test_like_creation():
    x = tocha.tensor([[1, 2]], dtype=tocha.int32)
    for fn, v in ((tocha.zeros_like, 0), (tocha.ones_like, 1)):
        r = fn(x)
        assert r.shape == (1, 2) and r.dtype is tocha.int32 and r.tolist() == [[v, v]]
    assert tocha.full_like(x, 7).tolist() == [[7, 7]]
    assert tocha.empty_like(x).shape == (1, 2)
    assert tocha.zeros_like(x, dtype=tocha.float64).dtype is tocha.float64


def test_ranges():
    assert tocha.arange(5).tolist() == [0, 1, 2, 3, 4] and tocha.arange(5).dtype is tocha.int64
    assert tocha.arange(1, 4).tolist() == [1, 2, 3]
    assert tocha.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert tocha.arange(0, 1, 0.25).dtype is tocha.float32
    assert tocha.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert tocha.arange(3, dtype=tocha.float64).dtype is tocha.float64
    assert tocha.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert tocha.linspace(0, 1, 1).tolist() == [0.0]
    assert tocha.linspace(0, 1, 0).shape == (0,)
    assert np.allclose(tocha.logspace(0, 2, 3).numpy(), [1, 10, 100])
    assert np.allclose(tocha.logspace(0, 3, 4, base=2).numpy(), [1, 2, 4, 8])


def test_creation_errors():
    with pytest.raises(RuntimeError, match="negative dimension"):
        tocha.zeros(2, -1)
    with pytest.raises(TypeError):
        tocha.zeros(2.5)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        tocha.arange(0, 3, 0)
    with pytest.raises(ValueError, match="equal-length"):
        tocha.tensor([[1, 2], [3]])
    with pytest.raises(ValueError, match="too many dimensions 'str'"):   # (PyTorch's words)
        tocha.tensor(["a"])


def test_default_dtype():
    assert tocha.get_default_dtype() is tocha.float32
    tocha.set_default_dtype(tocha.float64)
    try:
        assert tocha.tensor([1.0]).dtype is tocha.float64
        assert tocha.zeros(1).dtype is tocha.float64
        assert tocha.arange(0, 1, 0.5).dtype is tocha.float64
        assert (tocha.tensor([1]) / 2).dtype is tocha.float64
    finally:
        tocha.set_default_dtype(tocha.float32)
    with pytest.raises(TypeError):
        tocha.set_default_dtype(tocha.int64)


def test_dtype_objects():
    assert tocha.float is tocha.float32 and tocha.double is tocha.float64
    assert tocha.long is tocha.int64 and tocha.half is tocha.float16
    assert repr(tocha.float32) == "tocha.float32"
    assert tocha.float32.is_floating_point and not tocha.int64.is_floating_point
    assert tocha.float32.itemsize == 4
    assert tocha.is_tensor(tocha.ones(1)) and not tocha.is_tensor([1])
    assert tocha.numel(tocha.ones(2, 3)) == 6


def test_legacy_constructor():
    t = tocha.Tensor(2, 3)
    assert t.shape == (2, 3) and t.dtype is tocha.float32
    assert tocha.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert tocha.FloatTensor([1]).dtype is tocha.float32


def test_type_accepts_typed_constructors():
    # x.type(torch.LongTensor), as the MorvanZhou tutorials write it (PyTorch: an int64 copy;
    # the same tensor when the type already matches)
    x = tocha.zeros(2)
    y = x.type(tocha.LongTensor)
    assert y.dtype is tocha.int64 and y.tolist() == [0, 0]
    assert x.type(tocha.FloatTensor) is x
    assert x.type("torch.LongTensor").dtype is tocha.int64
