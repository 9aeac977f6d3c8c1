"""No silently wrong number: the gradients PyTorch guards at the edges, NaN-aware order
statistics, float32 accumulation, and PyTorch's input types and TypeErrors."""
import collections

import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck


def _grad(f, *xs):
    xs = [tocha.tensor(x, requires_grad=True) for x in xs]
    f(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


def test_bce_gradient_where_the_log_is_clamped():
    # sigmoid(20) is exactly 1 in float32: (x - t) / max(x (1 - x), eps) = 0, not 0 * inf
    x = tocha.tensor([20.0], requires_grad=True)
    loss = tocha.nn.BCELoss()(tocha.sigmoid(x), tocha.ones(1))
    loss.backward()
    assert loss.item() == 0.0 and x.grad.item() == 0.0
    g, = _grad(lambda p: tocha.nn.functional.binary_cross_entropy(p, tocha.tensor([0.0, 1.0])),
               [0.0, 1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_bce_gradcheck():
    x = tocha.tensor([0.2, 0.5, 0.9], dtype=tocha.float64, requires_grad=True)
    t = tocha.tensor([0.0, 0.3, 1.0], dtype=tocha.float64, requires_grad=True)
    f = tocha.nn.functional.binary_cross_entropy
    assert gradcheck(lambda a, b: f(a, b, reduction="none"), (x, t))
    assert gradgradcheck(lambda a, b: f(a, b), (x, t))


@pytest.mark.parametrize("op", ["std", "var"])
def test_spread_zero_gradient_is_zero(op):
    g, = _grad(lambda x: getattr(x, op)(), [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(g, 0.0)
    g, = _grad(lambda x: getattr(x, op)(1), [[1.0, 1.0], [1.0, 3.0]])
    assert np.isfinite(g).all() and (g[0] == 0).all()


def test_var_without_degrees_of_freedom():
    # numel <= correction: the value is NaN (inf where the values spread); the gradient is
    # nan where x equals the mean, else inf, times the incoming gradient, and has no path
    # back to x (as PyTorch's), so a double backward has nothing of x to differentiate
    x = tocha.tensor([0.3, float("nan"), 0.5, 0.7], dtype=tocha.float64, requires_grad=True)
    w = tocha.tensor(-2.0, dtype=tocha.float64, requires_grad=True)
    v1, v2 = x[:1].var(), x[2:].var(correction=2)
    assert np.isnan(v1.item()) and v2.item() == np.inf
    g, = tocha.autograd.grad(v1 * w + x[1:2].var() * 3 + v2, [x], create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [np.nan, np.inf, np.inf, np.inf])
    assert g.requires_grad and g.grad_fn is not None
    gx, gw = tocha.autograd.grad(g[0], [x, w], allow_unused=True)
    assert gx is None and np.isnan(gw.item())
    g, = tocha.autograd.grad(x[:1].var(), [x], create_graph=True)
    assert not g.requires_grad
    # with the dim named, PyTorch keeps the general formula (and its path)
    g, = tocha.autograd.grad(x[:1].var(0), [x], create_graph=True)
    assert g.requires_grad


def test_div_divisor_gradient_rounds_as_pytorch():
    # -g * ((a / b) / b), each step rounded to float16 (PyTorch's chain), not -g * a / (b * b)
    rng = np.random.default_rng(0)
    a, b, g = (rng.standard_normal(1000).astype(np.float16) for _ in range(3))
    b[:100] = a[:100]
    x, y = tocha.tensor(a, requires_grad=True), tocha.tensor(b, requires_grad=True)
    gy, = tocha.autograd.grad(x / y, [y], tocha.tensor(g))
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(gy.numpy(), -g * ((a / b) / b))


def test_narrow_float_conversion_goes_through_float32():
    # PyTorch's double -> float16 (bfloat16, float8) conversion: to float first, then round
    x = np.array([10.33203132, -1.0551758, 0.04615784, 1.54541016, 4.05273435, 0.1])
    want = x.astype(np.float32).astype(np.float16)
    assert not np.array_equal(x.astype(np.float16), want)       # one rounding differs
    for got in (tocha.tensor(x, dtype=tocha.float16), tocha.tensor(x.tolist()).double().half(),
                tocha.tensor(x.tolist(), dtype=tocha.float16), tocha.tensor(x).half()):
        np.testing.assert_array_equal(got.numpy(), want)


def test_logaddexp_half_is_rounded_once():
    # computed in float32 and rounded once: within one float16 ulp of the exact value, also
    # where the two terms cancel (a ~ b ~ -ln 2)
    a = np.array([-0.708984375, -0.7490234375, -0.67578125, 4.609375, 0.0], np.float16)
    b = np.array([-0.677734375, -0.64111328125, -0.71044921875, 4.5390625, -30.0], np.float16)
    exact = np.logaddexp(a.astype(np.float64), b.astype(np.float64))
    got = tocha.logaddexp(tocha.tensor(a), tocha.tensor(b)).numpy().astype(np.float64)
    assert np.all(np.abs(got - exact) <= np.spacing(np.abs(exact).astype(np.float16)))
    x = tocha.tensor([0.3, -1.2], dtype=tocha.float64, requires_grad=True)
    y = tocha.tensor([0.5, 2.0], dtype=tocha.float64, requires_grad=True)
    assert gradcheck(tocha.logaddexp, (x, y)) and gradgradcheck(tocha.logaddexp2, (x, y))


def test_std_gradcheck():
    x = tocha.tensor([[0.3, -1.0, 2.0], [1.0, 1.5, -0.5]], dtype=tocha.float64,
                     requires_grad=True)
    assert gradcheck(lambda a: a.std(1), (x,))
    assert gradgradcheck(lambda a: a.std(), (x,))


def test_atan2_at_origin():
    gy, gx = _grad(tocha.atan2, [0.0, 1.0], [0.0, 1.0])
    np.testing.assert_array_equal(gy, [0.0, 0.5])
    np.testing.assert_array_equal(gx, [0.0, -0.5])


def test_cumsum_float32_accumulates_wide():
    r = tocha.full((10 ** 6,), 0.1).cumsum(0)
    # exact: 10**6 * float32(0.1) = 100000.0015; a float32 running sum ends at 100958
    assert abs(r[-1].item() - 100000.0) < 0.01
    assert r.dtype is tocha.float32


def test_outer_axis_sum_float32_is_accurate():
    x = tocha.full((300_000, 4), 0.1)
    exact = 300_000 * float(np.float32(0.1))
    assert np.abs(x.sum(0).numpy() - exact).max() < 0.01
    assert np.abs(x.mean(0).numpy() - exact / 300_000).max() < 1e-7
    assert x.sum(0).dtype is tocha.float32


def test_median_with_nan():
    nan = float("nan")
    assert np.isnan(tocha.tensor([1.0, nan, 3.0, 2.0]).median().item())
    v, i = tocha.tensor([[1.0, nan, 3.0], [3.0, 1.0, 2.0]]).median(1)
    assert np.isnan(v[0].item()) and i[0].item() == 1
    assert v[1].item() == 2.0 and i[1].item() == 2


@pytest.mark.parametrize("data", [range(5), collections.deque([0, 1, 2, 3, 4]),
                                  (0, 1, 2, 3, 4), [np.int64(0), 1, 2, 3, 4]])
def test_tensor_takes_any_sequence(data):
    t = tocha.tensor(data)
    assert t.dtype is tocha.int64 and t.tolist() == [0, 1, 2, 3, 4]
    assert tocha.as_tensor(data).tolist() == [0, 1, 2, 3, 4]


def test_tensor_nested_ranges_and_bad_types():
    assert tocha.tensor([range(2), (2, 3)]).tolist() == [[0, 1], [2, 3]]
    # the exception types are PyTorch's
    with pytest.raises(TypeError, match="invalid data type 'str'"):
        tocha.tensor("ab")
    with pytest.raises(ValueError, match="too many dimensions 'str'"):
        tocha.tensor(["ab"])
    with pytest.raises(RuntimeError, match="Could not infer dtype of generator"):
        tocha.tensor(x for x in range(3))


def test_non_tensor_inputs_are_type_errors():
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        tocha.nn.Linear(3, 2)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        tocha.exp([1.0])
