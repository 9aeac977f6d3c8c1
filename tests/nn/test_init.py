"""nn.init and default layer initialisation against the PyTorch values recorded in
the RNG specification (docs/rng.md) §13 (computed by PyTorch 2.13), and the gain table (§10.1)."""
import math

import numpy as np
import pytest

import tocha
from tocha import nn
from tocha.nn import init


def first(t, n=4):
    return t.detach().numpy().ravel()[:n]


def f32(*v):
    return np.array(v, dtype=np.float32)


def same(a, b):
    # the spec lists values as PyTorch prints them (8 significant digits); the bit-exact
    # comparison is in tests/oracle/test_nn_basic_oracle.py
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=0)


def test_linear_default_anchor():
    tocha.manual_seed(0)
    lin = nn.Linear(3, 2)
    same(first(lin.weight), f32(-0.0043225177, 0.30971584,
                                                         -0.47518533, -0.4248946))
    same(first(lin.bias, 2), f32(-0.011439145, 0.45777494))


def test_sequential_anchor():
    tocha.manual_seed(0)
    m = nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1))
    sd = m.state_dict()
    same(first(sd["0.weight"]), f32(-0.0074868202, 0.53644359,
                                                             -0.82304513, -0.73593903))
    same(first(sd["0.bias"]), f32(-0.30221307, -0.19656539,
                                                           -0.95534849, -0.66228211))
    same(first(sd["2.weight"]), f32(0.11485934, 0.26259172,
                                                             -0.065079726, 0.23663695))
    same(first(sd["2.bias"], 1), f32(-0.12326556))


def test_init_function_anchors():
    tocha.manual_seed(0)
    same(first(init.xavier_uniform_(tocha.empty(5, 7))),
                                  f32(-0.0052939812, 0.37932289, -0.58198076, -0.52038747))
    tocha.manual_seed(0)
    same(first(init.normal_(tocha.empty(4, 3), 0, 0.02)),
                                  f32(0.030819923, -0.0058685783, -0.043575786, 0.011368626))
    tocha.manual_seed(0)
    w = init.kaiming_normal_(tocha.empty(64, 3, 7, 7), mode="fan_out", nonlinearity="relu")
    same(first(w), f32(-0.028431749, -0.029101489, -0.0063280649,
                                                -0.010957095))
    tocha.manual_seed(0)
    same(first(init.trunc_normal_(tocha.empty(20, 30))),
                                  f32(-1.1258398, -1.1523602, -0.25057858, -0.43387881))


def test_gains_by_hand():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "x")


def test_fans_and_bounds():
    assert init._calculate_fan_in_and_fan_out(tocha.empty(8, 3, 5, 5)) == (75, 200)
    assert init._calculate_fan_in_and_fan_out(tocha.empty(4, 6)) == (6, 4)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(tocha.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(tocha.empty(3, 3), mode="fan_avg")
    tocha.manual_seed(1)
    w = init.kaiming_uniform_(tocha.empty(50, 40), a=math.sqrt(5))
    bound = math.sqrt(3.0) * (math.sqrt(2.0 / 6) / math.sqrt(40))
    assert np.abs(w.numpy()).max() <= bound
    b = init.xavier_uniform_(tocha.empty(30, 20))
    assert np.abs(b.numpy()).max() <= math.sqrt(6.0 / 50)


def test_deterministic_and_no_grad():
    p = nn.Parameter(tocha.empty(3, 4))
    tocha.manual_seed(5)
    init.xavier_normal_(p)
    a = p.detach().numpy().copy()
    tocha.manual_seed(5)
    init.xavier_normal_(p)
    assert np.array_equal(a, p.detach().numpy())
    assert p.grad_fn is None and p.requires_grad


def test_structural_inits():
    assert np.array_equal(init.eye_(tocha.empty(2, 3)).numpy(), np.eye(2, 3, dtype=np.float32))
    assert np.array_equal(init.constant_(tocha.empty(2), 0.5).numpy(), f32(0.5, 0.5))
    assert not init.zeros_(tocha.ones(3)).numpy().any()
    assert init.ones_(tocha.zeros(3)).numpy().all()
    d = init.dirac_(tocha.empty(2, 2, 3))
    assert d.numpy()[0, 0, 1] == 1 and d.numpy()[1, 1, 1] == 1 and d.numpy().sum() == 2
    q = init.orthogonal_(tocha.empty(3, 5)).numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-5)
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(tocha.empty(0, 3))


def test_float64_linear_uses_u64_draws():
    tocha.manual_seed(0)
    lin = nn.Linear(3, 2, dtype=tocha.float64)
    assert lin.weight.dtype is tocha.float64
    tocha.manual_seed(0)
    ref = init.kaiming_uniform_(tocha.empty(2, 3, dtype=tocha.float64), a=math.sqrt(5))
    assert np.array_equal(lin.weight.detach().numpy(), ref.numpy())
