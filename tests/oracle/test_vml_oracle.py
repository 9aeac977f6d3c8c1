"""tocha._vml (MKL vector math, TOCHA_VML=1) gives PyTorch's float results bit for bit."""
import numpy as np
import pytest
import torch

from tocha import _vml

if not _vml._FUNCS:
    _vml._load()      # the oracle environment installs the `exact` extra (mkl)

CASES = [("Exp", torch.exp, False), ("Ln", torch.log, True), ("Sin", torch.sin, False),
         ("Cos", torch.cos, False), ("Tanh", torch.tanh, False), ("Sqrt", torch.sqrt, True)]


@pytest.mark.parametrize("name,fn,positive", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 10, 17, 100_000])
def test_vml_matches_torch(name, fn, positive, dtype, n):
    rs = np.random.RandomState(n)
    x = (rs.standard_normal(n) * rs.choice([1e-3, 1.0, 30.0], n)).astype(dtype)
    if positive:
        x = np.abs(x)
    got = _vml.apply(name, x)
    assert got is not None, "MKL runtime not found: install tocha[exact]"
    want = fn(torch.from_numpy(x)).numpy()
    assert np.array_equal(got, want, equal_nan=True)


def test_tocha_tanh_uses_vml_when_enabled(monkeypatch):
    from tocha._ops import elementwise as E
    monkeypatch.setattr(_vml, "REQUESTED", True)
    monkeypatch.setattr(_vml, "enabled", True)
    x = np.random.RandomState(0).standard_normal(100_000).astype(np.float32) * 3
    want = torch.tanh(torch.from_numpy(x)).numpy()
    assert not np.array_equal(E._via64(np.tanh)(x), want)   # NumPy alone differs somewhere
    assert np.array_equal(_vml.exact("Tanh", E._via64(np.tanh))(x), want)


@pytest.mark.parametrize("name,fn,positive", CASES)
def test_vml_keeps_0d_shape(name, fn, positive):
    x = np.array(0.75, np.float32)      # np.ascontiguousarray makes a 0-d array 1-d
    want = fn(torch.from_numpy(x)).numpy()
    got = _vml.apply(name, x)
    assert got.shape == want.shape == () and np.array_equal(got, want)
