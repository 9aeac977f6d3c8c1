"""View ops against PyTorch: shape, strides, storage offset, whether `_base` is the root, the
base after an in-place change through the view, and the gradient of that change."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import tocha

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from test_view_ops import MULTI, VIEWS


def _run(m, name):
    x = m.arange(12.0).reshape(3, 4).clone()
    v = VIEWS[name](x) if m is tocha else _TORCH_VIEWS[name](x)
    meta = (tuple(v.shape), tuple(v.stride()), v.storage_offset(), v._base is x)
    v.mul_(10)
    return meta, x.numpy().copy()


# the same lambdas with torch in place of tocha inside them
_TORCH_VIEWS = dict(VIEWS)
_TORCH_VIEWS["diagonal_dims"] = lambda y: torch.diagonal(y, -1, 1, 0)
_TORCH_VIEWS["view_as"] = lambda y: y.view_as(torch.zeros(4, 3))


@pytest.mark.parametrize("name", VIEWS)
def test_view_matches_torch(name):
    (ma, xa), (mb, xb) = _run(tocha, name), _run(torch, name)
    assert ma == mb
    np.testing.assert_array_equal(xa, xb)


def _grad(m, name):
    x = m.arange(12.0).reshape(3, 4).requires_grad_()
    y = x * 1
    (VIEWS if m is tocha else _TORCH_VIEWS)[name](y).mul_(2)
    (y * (m.arange(12.0).reshape(3, 4) + 1)).sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("name", sorted(set(VIEWS) - MULTI))
def test_inplace_on_view_grad_matches_torch(name):
    np.testing.assert_array_equal(_grad(tocha, name), _grad(torch, name))


# views that cannot be written through (repeated memory): shape, strides, offset, `_base`
META_ONLY = {
    "expand": lambda m, y: y[:, :1].expand(3, 4),
    "expand_as": lambda m, y: y[0].expand_as(y),
    "broadcast_to": lambda m, y: m.broadcast_to(y[1], (2, 4)),
    "unfold_overlapping": lambda m, y: y.unfold(1, 3, 1),
    "as_strided_overlapping": lambda m, y: m.as_strided(y, (3, 3), (1, 1), 2),
    "squeeze_unsqueeze": lambda m, y: y.unsqueeze(1).squeeze(1),
    "diagonal_empty": lambda m, y: y.diagonal(7),
}


@pytest.mark.parametrize("name", META_ONLY)
def test_view_meta_matches_torch(name):
    def meta(m):
        x = m.arange(12.0).reshape(3, 4).clone()
        v = META_ONLY[name](m, x)
        return (tuple(v.shape), tuple(v.stride()), v.storage_offset(), v._base is x,
                v.numpy().tolist())
    assert meta(tocha) == meta(torch)


# x.view(dtype): the same memory read as another dtype, outside autograd but sharing the
# version counter; the element-size conditions raise PyTorch's RuntimeError
VIEW_DTYPE = {
    "same_size": lambda m: m.arange(6.0).reshape(2, 3).view(m.int32),
    "smaller": lambda m: m.arange(6.0).view(m.float16),
    "larger": lambda m: m.arange(8.0)[2:6].view(m.float64),
    "larger_rows": lambda m: m.ones(2, 6, dtype=m.int8)[:, :4].view(m.int16),
    "complex_as_float": lambda m: m.ones(3, dtype=m.complex64).view(m.float32),
    "bool_as_byte": lambda m: m.ones(3, dtype=m.bool).view(m.uint8),
    "0d": lambda m: m.tensor(1.0).view(m.int16),
    "odd_last_dim": lambda m: m.ones(3).view(m.float64),
    "strided_last_dim": lambda m: m.ones(2, 4)[:, ::2].view(m.float64),
    "odd_offset": lambda m: m.ones(6, dtype=m.int8)[1:5].view(m.int16),
    "odd_row_stride": lambda m: m.ones(3, 3, dtype=m.int8)[:, :2].view(m.int16),
    "empty": lambda m: m.tensor([], dtype=m.uint8).view(m.float32),
}


@pytest.mark.parametrize("name", VIEW_DTYPE)
def test_view_dtype_matches_torch(name):
    def run(m):
        try:
            v = VIEW_DTYPE[name](m)
        except RuntimeError as e:
            return str(e)
        return (v.numpy().tolist(), str(v.dtype).split(".")[1], tuple(v.stride()),
                v.requires_grad, v._base is None)
    assert run(tocha) == run(torch)


def test_view_dtype_shares_the_version_counter():
    for m in (tocha, torch):
        x = m.ones(2, 2)
        v = x.view(m.int32)
        x.add_(1)
        assert v._version == x._version == 1, m


def test_strides_of_empty_tensors_match_torch():
    # NumPy gives an empty array 0 strides; PyTorch, contiguous ones (safetensors' load of
    # an empty tensor views its bytes as another dtype, which checks stride(-1))
    for make in (lambda m: m.tensor([], dtype=m.uint8), lambda m: m.zeros(0, 3),
                 lambda m: m.ones(2, 0, 3), lambda m: m.empty(0, 2).reshape(-1)):
        assert make(tocha).stride() == make(torch).stride()
