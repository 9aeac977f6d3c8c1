"""tocha.testing.assert_close: verdicts and messages worked out by hand from PyTorch's rules
(the oracle suite compares them with PyTorch: tests/oracle/test_testing_oracle.py)."""
import numpy as np
import pytest

import tocha
from tocha.testing import assert_close, make_tensor


def test_close_values_pass_within_default_tolerances():
    assert_close(tocha.tensor([1.0, 2.0]), tocha.tensor([1.0, 2.0 + 1e-6]))
    assert_close({"a": [tocha.tensor(1.0)]}, {"a": [tocha.tensor(1.0)]})
    assert_close(np.array([1.0]), np.array([1.0]))
    assert_close(tocha.tensor([float("nan")]), tocha.tensor([float("nan")]), equal_nan=True)


def test_mismatch_message():
    with pytest.raises(AssertionError) as e:
        assert_close(tocha.tensor([1.0, 2.0, 4.0]), tocha.tensor([1.0, 2.0, 2.0]))
    assert str(e.value) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 2.0 at index (2,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 1.0 at index (2,) (up to 1.3e-06 allowed)")
    with pytest.raises(AssertionError, match=r"^Tensor-likes are not equal!"):
        assert_close(tocha.tensor([1, 2]), tocha.tensor([1, 3]))
    with pytest.raises(AssertionError, match=r"for item \['a'\]$"):
        assert_close({"a": 1.0}, {"a": 2.0})


def test_attribute_and_type_errors():
    with pytest.raises(AssertionError, match="attribute 'dtype' do not match"):
        assert_close(tocha.zeros(1), tocha.zeros(1, dtype=tocha.float64))
    assert_close(tocha.zeros(1), tocha.zeros(1, dtype=tocha.float64), check_dtype=False)
    with pytest.raises(AssertionError, match="attribute 'shape'"):
        assert_close(tocha.zeros(1), tocha.zeros(2))
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(tocha.zeros(1), 0.0)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        assert_close(tocha.zeros(1), tocha.zeros(1), rtol=0.1)
    with pytest.raises(AssertionError, match="^mine$"):
        assert_close(1.0, 2.0, msg="mine")


def test_make_tensor_ranges():
    t = make_tensor(3, 4, dtype=tocha.float32, device="cpu", low=-1, high=1)
    assert t.shape == (3, 4) and t.dtype is tocha.float32
    assert float(t.min()) >= -1 and float(t.max()) < 1
    i = make_tensor((50,), dtype=tocha.int64, device="cpu", exclude_zero=True)
    assert bool((i != 0).all()) and int(i.min()) >= -9 and int(i.max()) < 10
