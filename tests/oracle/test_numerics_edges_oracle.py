"""Edge values and gradients against PyTorch: guarded gradients, NaN in reductions and order
statistics, float32 accumulation, accepted input types."""
import collections

import numpy as np
import pytest
import torch

import tocha

NAN = float("nan")


def _both(f):
    return f(tocha), f(torch)


def _np(r):
    if isinstance(r, (tuple, list)):
        return [_np(v) for v in r]
    return r.detach().numpy() if hasattr(r, "detach") else np.asarray(r)


def _grads(m, f, *vals):
    xs = [m.tensor(v, requires_grad=True) for v in vals]
    f(m, *xs).sum().backward()
    return [x.grad.numpy() for x in xs]


GRAD_EDGES = {
    "bce_clamped": (lambda m, x: m.nn.BCELoss()(m.sigmoid(x), m.ones(2)), [20.0, -120.0]),
    "bce_at_target": (lambda m, x: m.nn.functional.binary_cross_entropy(
        x, m.tensor([0.0, 1.0, 1.0])), [0.0, 1.0, 0.0]),
    "std_const": (lambda m, x: x.std(), [2.0, 2.0, 2.0]),
    "std_dim_const": (lambda m, x: x.std(0), [[1.0, 2.0], [1.0, 5.0]]),
    "var_const": (lambda m, x: x.var(), [1.0, 1.0]),
    "norm_zero": (lambda m, x: x.norm(), [0.0, 0.0]),
    "norm_dim_zero": (lambda m, x: x.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]]),
    "atan2_origin": (lambda m, x: m.atan2(x, x * 0), [0.0, 1.0]),
    "sqrt_zero": (lambda m, x: x.sqrt(), [0.0, 4.0]),
    "pow_half_zero": (lambda m, x: x ** 0.5, [0.0, 4.0]),
    "pow_zero_zero": (lambda m, x: x ** 0, [0.0, 2.0]),
    "pow_tensor_zero": (lambda m, x: x ** (x + 2), [0.0, 1.0]),
    "abs_zero": (lambda m, x: x.abs(), [0.0, -1.0]),
    "max_ties": (lambda m, x: x.max(), [1.0, 3.0, 3.0]),
    "amax_ties": (lambda m, x: x.amax(), [1.0, 3.0, 3.0]),
    "clamp_edge": (lambda m, x: x.clamp(0.0, 1.0), [0.0, 1.0, 0.5]),
    "relu_zero": (lambda m, x: m.relu(x), [0.0, 1.0]),
}


@pytest.mark.parametrize("name", GRAD_EDGES)
def test_edge_gradient(name):
    f, v = GRAD_EDGES[name]
    a, b = _grads(tocha, f, v), _grads(torch, f, v)
    for ga, gb in zip(a, b):
        np.testing.assert_allclose(ga, gb, rtol=1e-6, atol=0)


NAN_OPS = {
    "median": lambda m, x: x.median(),
    "median_dim": lambda m, x: x.reshape(2, 2).median(1),
    "max": lambda m, x: x.max(),
    "min_dim": lambda m, x: x.reshape(2, 2).min(0),
    "argmax": lambda m, x: x.argmax(),
    "argmin": lambda m, x: x.argmin(),
    "amax": lambda m, x: x.amax(),
    "sort": lambda m, x: x.sort(),
    "sort_desc": lambda m, x: x.sort(descending=True),
    "argsort": lambda m, x: x.argsort(),
    "topk": lambda m, x: x.topk(2),
    "topk_small": lambda m, x: x.topk(2, largest=False),
    "unique": lambda m, x: m.unique(x),
    "nanmean": lambda m, x: m.nanmean(x),
    "nansum": lambda m, x: m.nansum(x),
    "maximum": lambda m, x: m.maximum(x, x.flip(0)),
    "clamp": lambda m, x: x.clamp(0.0, 2.0),
    "sum": lambda m, x: x.sum(),
    "cumsum": lambda m, x: x.cumsum(0),
    "logsumexp": lambda m, x: m.logsumexp(x, 0),
    "softmax": lambda m, x: x.softmax(0),
}


@pytest.mark.parametrize("name", NAN_OPS)
def test_nan_handling(name):
    f = NAN_OPS[name]
    a, b = _both(lambda m: f(m, m.tensor([1.0, NAN, 3.0, 2.0])))
    for x, y in zip(np.atleast_1d(_np(a)) if not isinstance(a, tuple) else _np(a),
                    np.atleast_1d(_np(b)) if not isinstance(b, tuple) else _np(b)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("op", ["cumsum", "sum0", "mean0", "sum_all"])
def test_float32_accumulation(op):
    def f(m):
        x = m.full((1_000_000, 2), 0.1)
        if op == "cumsum":
            return x[:, 0].cumsum(0)[-1]
        if op == "sum0":
            return x.sum(0)
        if op == "mean0":
            return x.mean(0)
        return x.sum()
    a, b = _both(f)
    assert a.dtype is tocha.float32 and b.dtype is torch.float32
    np.testing.assert_allclose(_np(a), _np(b), rtol=2e-6)


@pytest.mark.parametrize("data", [range(4), collections.deque([1, 2]), ((1, 2), (3, 4)),
                                  np.float32(1.5), [np.float32(1.5), np.int64(2)],
                                  [True, 2], [[range(2)], [(5, 6)]]])
def test_tensor_accepts_what_torch_accepts(data):
    a, b = _both(lambda m: m.tensor(data))
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_array_equal(_np(a), _np(b))


@pytest.mark.parametrize("call", [
    lambda m: m.nn.Linear(3, 2)([1.0, 2.0, 3.0]),
    lambda m: m.exp([1.0]),
    lambda m: m.tensor("abc"),
])
def test_same_type_error(call):
    with pytest.raises(TypeError):
        call(torch)
    with pytest.raises(TypeError):
        call(tocha)


def test_float32_var_and_std_bits_and_range_match_torch():
    # PyTorch's CPU var/std accumulate float32 in double: the same bits, and no overflow of
    # the squares where the spread passes 1e19 (long-mode seed 173: std gave inf)
    rs = np.random.RandomState(0)
    for shape, scale in (((5, 37), 1e-3), ((3, 8), 1.0), ((7, 20), 1e3), ((2, 3), 1e23)):
        a = (rs.standard_normal(shape) * scale).astype(np.float32)
        for f in (lambda m, x: x.var(1), lambda m, x: x.std(0), lambda m, x: x.std(),
                  lambda m, x: x.var(correction=0), lambda m, x: m.std(x, 1, keepdim=True)):
            u, v = f(tocha, tocha.tensor(a)).numpy(), f(torch, torch.tensor(a)).numpy()
            np.testing.assert_array_equal(u, v)


def test_std_is_one_node_with_torchs_gradient():
    def run(m):
        x = m.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]], requires_grad=True)
        y = x.std(1)
        g, = m.autograd.grad(y.sum(), x)
        return y.grad_fn.name(), [f.name() for f, _ in y.grad_fn.next_functions], g.tolist()
    assert run(tocha) == run(torch)


def test_fmin_fmax_keep_the_first_of_equal_zeros():
    # PyTorch's fmin/fmax return the first operand of a tie in every loop; NumPy's pick either
    # by loop (3 elements: its scalar loop, 16: its SIMD one)
    def run(m, n):
        a, b = m.tensor([-0.0, 0.0] * n), m.tensor([0.0, -0.0] * n)
        return [str(f(a, b).tolist()) for f in (m.fmin, m.fmax)]
    for n in (1, 8):
        assert run(tocha, n) == run(torch, n)
