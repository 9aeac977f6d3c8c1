"""tocha._printing on NumPy arrays; expected strings are PyTorch 2.13's repr output, printed by
the torch oracle (``torch.`` replaced by ``tocha.``), not written by hand."""

import math
import time

import numpy as np
import pytest

from tocha import _printing as P
from tocha._printing import format_parameter, format_tensor


@pytest.fixture(autouse=True)
def _default_options():
    P.set_printoptions(profile="default")
    yield
    P.set_printoptions(profile="default")


CASES = [
    (np.arange(0, 8, 2, dtype=np.float32), "float32", "tensor([0., 2., 4., 6.])"),
    (np.array(1.1556), "float64", "tensor(1.1556, dtype=tocha.float64)"),
    (np.array([1, 2, 3]), "int64", "tensor([1, 2, 3])"),
    (np.array([[True, False], [False, True]]), "bool",
     "tensor([[ True, False],\n        [False,  True]])"),
    (np.zeros((0, 3), np.float32), "float32", "tensor([], size=(0, 3))"),
    (np.array([], np.int64), "int64", "tensor([], dtype=tocha.int64)"),
    (np.array([0.5, -1.25, 3.0], np.float16), "float16",
     "tensor([ 0.5000, -1.2500,  3.0000], dtype=tocha.float16)"),
    (np.array([0, 7, 255], np.uint8), "uint8", "tensor([  0,   7, 255], dtype=tocha.uint8)"),
    (np.array([[-5, 10], [3, 4]], np.int32), "int32",
     "tensor([[-5, 10],\n        [ 3,  4]], dtype=tocha.int32)"),
    (np.array([1.0, -2.0, 30.0], np.float32), "float32", "tensor([ 1., -2., 30.])"),
    (np.array([1e-8, 1.0], np.float32), "float32", "tensor([1.0000e-08, 1.0000e+00])"),
    (np.array([[0.001, 123.5], [-4.25, 0.5]], np.float32), "float32",
     "tensor([[ 1.0000e-03,  1.2350e+02],\n        [-4.2500e+00,  5.0000e-01]])"),
    (np.array([np.nan, np.inf, -np.inf, 1.5], np.float32), "float32",
     "tensor([   nan,    inf,   -inf, 1.5000])"),
    (np.array([-0.0, 0.0, 1.0], np.float32), "float32", "tensor([-0., 0., 1.])"),
    (np.arange(12, dtype=np.float32).reshape(2, 2, 3), "float32",
     ("tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n"
      "        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])")),
    (np.arange(2000), "int64", "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (np.arange(30, dtype=np.float32) / np.float32(7), "float32",
     ("tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
      "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
      "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
      "        3.8571, 4.0000, 4.1429])")),
    (np.array(7), "int64", "tensor(7)"),
    (np.array(np.nan, np.float32), "float32", "tensor(nan)"),
    (np.array([1 + 2j, -3.5 - 0j], np.complex64), "complex64", "tensor([ 1.0000+2.j, -3.5000+0.j])"),
]


@pytest.mark.parametrize("arr,dtype,want", CASES)
def test_known_outputs(arr, dtype, want):
    assert format_tensor(arr, dtype) == want


def test_summarised_matrix_wraps_rows():
    want = (
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,\n"
        "         9.9000e+01],\n"
        "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02, 1.9800e+02,\n"
        "         1.9900e+02],\n"
        "        [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02, 2.9800e+02,\n"
        "         2.9900e+02],\n"
        "        ...,\n"
        "        [2.7000e+03, 2.7010e+03, 2.7020e+03,  ..., 2.7970e+03, 2.7980e+03,\n"
        "         2.7990e+03],\n"
        "        [2.8000e+03, 2.8010e+03, 2.8020e+03,  ..., 2.8970e+03, 2.8980e+03,\n"
        "         2.8990e+03],\n"
        "        [2.9000e+03, 2.9010e+03, 2.9020e+03,  ..., 2.9970e+03, 2.9980e+03,\n"
        "         2.9990e+03]])"
    )
    assert format_tensor(np.arange(3000, dtype=np.float32).reshape(30, 100), "float32") == want


def test_suffixes():
    assert (format_tensor(np.array(14.0, np.float32), "float32",
                          suffixes=["grad_fn=<SumBackward0>"])
            == "tensor(14., grad_fn=<SumBackward0>)")
    # The last line is too long for ", requires_grad=True": the suffix wraps under "tensor(".
    want = ("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            "        28., 29.], requires_grad=True)")
    assert format_tensor(np.arange(30, dtype=np.float32), "float32",
                         suffixes=["requires_grad=True"]) == want


def test_device_suffix_goes_first():
    # Order as PyTorch builds it: device, then size/dtype, then autograd suffixes. Expected
    # text is torch's for a meta tensor printed with contents "[1., 1.]".
    got = format_tensor(np.ones(2, np.float32), "float32",
                        suffixes=["size=(2,)", "requires_grad=True", "device='meta'"])
    assert got == "tensor([1., 1.], device='meta', size=(2,), requires_grad=True)"


def test_parameter():
    assert (format_parameter(np.ones(2, np.float32), "float32")
            == "Parameter containing:\ntensor([1., 1.], requires_grad=True)")


def test_default_dtype_float64():
    assert format_tensor(np.ones(2), "float64", "float64") == "tensor([1., 1.])"
    assert (format_tensor(np.ones(2, np.float32), "float32", "float64")
            == "tensor([1., 1.], dtype=tocha.float32)")


def test_printoptions_examples():
    P.set_printoptions(precision=2)
    assert format_tensor(np.array([1.12345, 2.0], np.float32), "float32") == "tensor([1.12, 2.00])"
    P.set_printoptions(threshold=5)
    assert format_tensor(np.arange(10), "int64") == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    P.set_printoptions(profile="default", sci_mode=False)
    assert (format_tensor(np.array([1e-8, 1.0], np.float32), "float32")
            == "tensor([0.0000, 1.0000])")
    P.set_printoptions(profile="default", linewidth=30)
    assert (format_tensor(np.arange(10, dtype=np.float32), "float32")
            == "tensor([0., 1., 2., 3., 4.,\n        5., 6., 7., 8., 9.])")
    P.set_printoptions(profile="short")
    assert P.get_printoptions() == {"precision": 2, "threshold": 1000, "edgeitems": 2,
                                    "linewidth": 80, "sci_mode": None}


def test_options_profiles_and_context():
    assert P.get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3,
                                    "linewidth": 80, "sci_mode": None}
    P.set_printoptions(profile="full")
    assert P.get_printoptions()["threshold"] == math.inf
    P.set_printoptions(sci_mode=True)
    P.set_printoptions(precision=3)  # like torch, any call without sci_mode resets it
    assert P.get_printoptions()["sci_mode"] is None
    with P.printoptions(precision=1):
        assert format_tensor(np.array([0.25, 1.0], np.float32), "float32") == "tensor([0.2, 1.0])"
    assert P.get_printoptions()["precision"] == 3


def test_aliases_and_prefixed_names():
    assert format_tensor(np.ones(1), "double") == "tensor([1.], dtype=tocha.float64)"
    assert format_tensor(np.ones(1), "tocha.float64", "torch.float64") == "tensor([1.])"


def test_small_tensor_is_fast():
    arr = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    format_tensor(arr, "float32")
    start = time.perf_counter()
    for _ in range(200):
        format_tensor(arr, "float32")
    assert (time.perf_counter() - start) / 200 < 1e-3  # tens of µs in practice


# ---- tensor_repr on objects shaped like tocha.Tensor (NumPy only) ----

class _Dtype:
    def __init__(self, name):
        self.name = name


class _Device:
    def __init__(self, type_, index=None):
        self.type, self.index = type_, index


class MulBackward0:
    pass


class _FakeTensor:
    def __init__(self, data, dtype, device=("cpu", None), requires_grad=False, grad_fn=None):
        self._data, self.dtype = data, _Dtype(dtype)
        self.device = _Device(*device)
        self.requires_grad, self.grad_fn = requires_grad, grad_fn


_FakeTensor.__module__ = "tocha._tensor"  # printed like tocha's own Tensor


class Parameter(_FakeTensor):
    pass


Parameter.__module__ = "tocha.nn.parameter"


class MyTensor(_FakeTensor):
    pass


class MyParam(Parameter):
    pass


def test_tensor_repr_reads_tensor_fields():
    x = np.arange(4, dtype=np.float32)
    assert P.tensor_repr(_FakeTensor(x, "float32")) == "tensor([0., 1., 2., 3.])"
    assert (P.tensor_repr(_FakeTensor(x, "float32", requires_grad=True))
            == "tensor([0., 1., 2., 3.], requires_grad=True)")
    assert (P.tensor_repr(_FakeTensor(x, "float32", requires_grad=True, grad_fn=MulBackward0()))
            == "tensor([0., 1., 2., 3.], grad_fn=<MulBackward0>)")
    assert (P.tensor_repr(_FakeTensor(x, "float32", device=("cuda", 0)))
            == "tensor([0., 1., 2., 3.], device='cuda:0')")
    # Parameter prints its header itself and uses the plain "tensor(" body.
    assert (P.tensor_repr(Parameter(np.ones(2, np.float32), "float32", requires_grad=True))
            == "tensor([1., 1.], requires_grad=True)")


def test_tensor_repr_subclasses():
    # PyTorch: MyT([0., 1., 2.]) and Parameter(MyP([1., 1.], requires_grad=True)) (oracle).
    assert P.tensor_repr(MyTensor(np.arange(3.0), "float32")) == "MyTensor([0., 1., 2.])"
    assert (P.tensor_repr(MyParam(np.ones(2), "float32", requires_grad=True))
            == "Parameter(MyParam([1., 1.], requires_grad=True))")
