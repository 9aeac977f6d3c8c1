"""nn.utils gradient clipping and parameter/vector conversion (NumPy only)."""
import math

import numpy as np
import pytest

import tocha
from tocha.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def _params(grads, dtype=tocha.float32):
    ps = []
    for g in grads:
        p = tocha.zeros(len(g), dtype=dtype, requires_grad=True)
        p.grad = tocha.tensor(g, dtype=dtype)
        ps.append(p)
    return ps


def test_clip_grad_norm_scales_to_max_norm():
    ps = _params([[3.0, 0.0], [0.0, 4.0]])
    total = clip_grad_norm_(ps, max_norm=1.0)
    assert total.dim() == 0 and total.dtype == tocha.float32 and float(total) == 5.0
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(ps[0].grad.numpy(), [3 * coef, 0], rtol=1e-6)
    np.testing.assert_allclose(ps[1].grad.numpy(), [0, 4 * coef], rtol=1e-6)


def test_clip_grad_norm_no_op_below_max_and_other_norms():
    ps = _params([[3.0, -4.0]], tocha.float64)
    total = clip_grad_norm_(ps, max_norm=10.0)
    np.testing.assert_array_equal(ps[0].grad.numpy(), [3.0, -4.0])
    assert float(total) == 5.0
    ps = _params([[3.0, -4.0], [1.0]], tocha.float64)
    assert float(clip_grad_norm_(ps, 100.0, norm_type=1)) == 8.0
    assert float(clip_grad_norm_(ps, 100.0, norm_type=math.inf)) == 4.0
    assert float(clip_grad_norm_(ps, 100.0, norm_type=3)) == pytest.approx(92 ** (1 / 3))
    single = _params([[6.0, 8.0]])[0]
    assert float(clip_grad_norm_(single, 5.0)) == 10.0    # a tensor, not a list
    np.testing.assert_allclose(single.grad.numpy(), [3.0, 4.0], rtol=1e-6)


def test_clip_grad_norm_skips_missing_grads_and_nonfinite():
    p = tocha.zeros(2, requires_grad=True)
    assert float(clip_grad_norm_([p], 1.0)) == 0.0
    ps = _params([[1.0, float("nan")]])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    clip_grad_norm_(ps, 1.0)   # without the flag: scales by NaN like PyTorch


def test_clip_grad_value():
    ps = _params([[-2.0, 0.5, 3.0]])
    clip_grad_value_(ps, 1.0)
    np.testing.assert_array_equal(ps[0].grad.numpy(), [-1.0, 0.5, 1.0])


def test_parameters_vector_round_trip():
    a = tocha.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = tocha.tensor([5.0], requires_grad=True)
    v = parameters_to_vector([a, b])
    np.testing.assert_array_equal(v.detach().numpy(), [1, 2, 3, 4, 5])
    assert v.requires_grad
    vector_to_parameters(tocha.arange(5.0) * 10, [a, b])
    np.testing.assert_array_equal(a.detach().numpy(), [[0, 10], [20, 30]])
    np.testing.assert_array_equal(b.detach().numpy(), [40])
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        vector_to_parameters([1.0], [a])
