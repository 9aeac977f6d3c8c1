"""Legacy tensor-type classes against PyTorch: dtype, shape, values, isinstance."""
import numpy as np
import pytest
import torch

import tocha

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
         "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]
ARGS = [(2, 3), ([1, 2],), ((1, 2),), (np.array([1.5, 2.0]),), (), (5,)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("args", ARGS, ids=repr)
def test_legacy_constructor_matches_torch(name, args):
    want = getattr(torch, name)(*args)
    got = getattr(tocha, name)(*args)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert tuple(got.shape) == tuple(want.shape)
    if not (len(args) != 1 or isinstance(args[0], int)):  # data, not uninitialized sizes
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_matches_torch(name):
    for dt in ("float32", "float64", "int64", "uint8", "bool"):
        want = isinstance(torch.zeros(2, dtype=getattr(torch, dt)), getattr(torch, name))
        got = isinstance(tocha.zeros(2, dtype=getattr(tocha, dt)), getattr(tocha, name))
        assert got == want, (name, dt)
    assert repr(getattr(tocha, name)) == repr(getattr(torch, name))
    assert issubclass(getattr(tocha, name), tocha.Tensor) == issubclass(
        getattr(torch, name), torch.Tensor)
