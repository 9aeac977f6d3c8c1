"""Edges where a wrong number hides (issue 7 item 4) and what the long-mode fuzzer found with
seeds 101-131, each compared with PyTorch: values (NaN and infinities where they fall, signed
zeros), dtypes, shapes, gradients, and whether both raise and with which exception type."""
import math

import numpy as np
import pytest
import torch
from fuzz.run import diff, snap

import tocha

NAN, INF = math.nan, math.inf


def _grads(f, *vals, dtype="float64", create_graph=False):
    """program(m): f's value and the gradients of its sum for leaves made of `vals`."""
    def program(m):
        xs = [m.tensor(v, dtype=getattr(m, dtype), requires_grad=True) for v in vals]
        out = f(m, *xs)
        out = out[0] if isinstance(out, tuple) else out
        gs = m.autograd.grad(out.sum(), xs, allow_unused=True, create_graph=create_graph)
        return [out, *gs]
    return program


def _double(f, *vals, dtype="float64"):
    """program(m): the gradients of sum(first gradients ** 2) (a double backward)."""
    def program(m):
        xs = [m.tensor(v, dtype=getattr(m, dtype), requires_grad=True) for v in vals]
        gs = m.autograd.grad(f(m, *xs).sum(), xs, create_graph=True)
        return list(m.autograd.grad(sum((g * g).sum() for g in gs), xs, allow_unused=True))
    return program


def F(m):
    return m.nn.functional


PAIR = ([[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0]])
CASES = {
    # p-norms at 0: PyTorch masks the infinite slope (p=3 was NaN, p=0.5 NaN at a zero element)
    "norm_p3_zero": _grads(lambda m, x: x.norm(p=3), [0.0, 0.0]),
    "norm_p05_zero_element": _grads(lambda m, x: x.norm(p=0.5), [0.0, 1.0]),
    "norm_p0_requires_grad": lambda m: m.tensor([0.0, 1.5], requires_grad=True).norm(p=0),
    "norm_p3_dim_float16": _grads(lambda m, x: x.norm(3, 0), [[0.0, 1.5], [0.0, -2.0]],
                                  dtype="float16"),
    "vector_norm_p05": _grads(lambda m, x: m.linalg.vector_norm(x, 0.5), [0.0, 2.0, -1.0]),
    # the 2-norm's double backward at 0 is NaN in PyTorch (0 * d(x / norm)); seed 101/113
    "norm_double_backward_at_zero": _double(lambda m, x: x.norm(dim=1), [[0.0], [0.7]]),
    "norm_double_backward_half": _double(lambda m, x: x.norm(), [-0.0], dtype="float16"),
    # cdist: p=inf gives every tie all of g; p=3 and p=0 at distance 0
    "cdist_inf_ties": _grads(lambda m, a, b: m.cdist(a, b, p=INF), *PAIR),
    "cdist_p3_zero": _grads(lambda m, a, b: m.cdist(a, b, p=3), *PAIR),
    "cdist_p0": _grads(lambda m, a, b: m.cdist(a, b, p=0), *PAIR),
    # nuclear norm of a zero matrix: U V^T, not NaN
    "nuclear_norm_zero": _grads(lambda m, a: m.linalg.matrix_norm(a, "nuc"),
                                [[0.0, 0.0], [0.0, 0.0]]),
    "svdvals_repeated": _grads(lambda m, a: m.linalg.svdvals(a), [[1.0, 0.0], [0.0, 1.0]]),
    # prod: g * result / x without zeros (an overflowed float16 product: inf everywhere)
    "prod_float16_overflow": _grads(lambda m, x: x.prod(), [300.0, 400.0, 0.5, -2.0],
                                    dtype="float16"),
    "prod_dim_with_zero": _grads(lambda m, x: x.prod(1), [[0.0, 2.0, 3.0], [1.5, 2.0, 0.5]]),
    # cumprod with zeros and an infinite incoming gradient (seed 113: remainder by a cumprod)
    "cumprod_zero_inf_grad": _grads(
        lambda m, x: x % (x * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=x.dtype)).cumprod(-1),
        [[0.0124, 0.871, -0.0174, 0.0863]], dtype="float32"),
    "cumprod_zero_inf_grad_create_graph": _grads(
        lambda m, x: x % (x * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=x.dtype)).cumprod(-1),
        [[0.0124, 0.871, -0.0174, 0.0863]], create_graph=True),
    # nanmean over NaNs only: g / 0 times the NaN mask is NaN in PyTorch
    "nanmean_all_nan_grad": _grads(lambda m, x: x.nanmean(), [NAN, NAN]),
    "nansum_grad": _grads(lambda m, x: x.nansum(), [NAN, 1.0, INF]),
    # special functions at their edges
    "entr_grad_edges": _grads(lambda m, x: m.special.entr(x), [0.0, 1.0, -1.0, 2.5]),
    "xlog1py_grad_x_zero": _grads(lambda m, x, y: m.special.xlog1py(x, y),
                                  [0.0, 0.0, 0.0, 1.0], [1.0, -1.0, -2.0, 3.0]),
    "rpow_negative_base": _grads(lambda m, x: (-2.0) ** x, [2.0, 0.5]),
    "div_floor_zero_grad": _grads(lambda m, x, y: m.div(x, y, rounding_mode="floor"),
                                  [1.5, -2.5], [0.7, 0.0]),
    "div_trunc_zero_grad": _grads(lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
                                  [1.5, -2.5], [0.7, 2.0]),
    "lerp_inf": _grads(lambda m, x, y: m.lerp(x, y, 0.5), [0.0, 1.0], [INF, 2.0]),
    "lerp_tensor_weight": _grads(lambda m, x, y, w: m.lerp(x, y, w), [0.0, -INF], [1.0, 3.0],
                                 [0.5, 0.9]),
    # losses at their clamps and kinks
    "bce_target_grad_at_0_and_1": _grads(lambda m, p, t: F(m).binary_cross_entropy(p, t),
                                         [0.0, 1.0, 0.5], [1.0, 0.0, 0.5]),
    "kl_div_target_zero_and_negative": _grads(
        lambda m, x, t: F(m).kl_div(x, t, reduction="sum"), [-1.0, -1.0, -0.5], [0.0, 0.5, -0.2]),
    "gaussian_nll_var_below_eps": _grads(lambda m, x, y, v: F(m).gaussian_nll_loss(x, y, v),
                                         [0.0, 1.0], [0.0, 2.0], [0.0, 1.0]),
    "multi_margin_at_kink": _grads(lambda m, x: F(m).multi_margin_loss(x, m.tensor([0])),
                                   [[1.0, 0.0]]),
    "hardswish_at_three": _grads(lambda m, x: F(m).hardswish(x), [-3.0, 3.0, NAN, 1.0]),
    "threshold_nan": _grads(lambda m, x: F(m).threshold(x, 0.5, -1.0), [NAN, 0.5, 2.0]),
    # NaN handling of order statistics and histograms
    "quantile_nan": lambda m: m.quantile(m.tensor([[1.0, NAN, 2.0], [3.0, 1.0, 2.0]]), 0.5,
                                         dim=1),
    "quantile_nan_all": lambda m: m.quantile(m.tensor([NAN, 1.0]), m.tensor([0.2, 0.9])),
    "nanquantile_inf": lambda m: m.nanquantile(m.tensor([1.0, INF, -INF, 0.5]), 0.3),
    "quantile_midpoint_inf": lambda m: m.quantile(m.tensor([-INF, 1.0]), 0.5,
                                                  interpolation="midpoint"),
    "unique_nan": lambda m: m.unique(m.tensor([3.0, NAN, 1.0, NAN]), return_inverse=True,
                                     return_counts=True),
    "histc_nan_range": lambda m: m.histc(m.tensor([1.0, NAN, 2.0]), 4),
    "histc_inf_range": lambda m: m.histc(m.tensor([INF, 1.0]), 4, 1.0, 1.0),
    "histc_given_range_skips_nan": lambda m: m.histc(m.tensor([1.0, NAN, 2.0, 5.0]), 4, 0, 3),
    "histc_max_below_min": lambda m: m.histc(m.tensor([1.0]), 4, 3, 0),
    "histc_int": lambda m: m.histc(m.tensor([1, 2]), 3),
    "heaviside_mixed_dtypes": lambda m: m.heaviside(m.tensor([0.0, 2.0], dtype=m.float64),
                                                    m.tensor(0.5)),
    # signed zero of an outer product (seed 113: 3 / einsum('i,j->ij') gave +inf for -inf)
    "einsum_outer_signed_zero": lambda m: 3 / m.einsum("i,j->ij", m.tensor([0.5, 0.0]),
                                                       m.tensor([1.0, -0.5])),
    "einsum_broadcast_product": lambda m: m.einsum("ij,k->kji", m.tensor([[0.0, 1.0]]),
                                                   m.tensor([-1.0, 2.0])),
    # seed 127: sigmoid where exp(-x) overflows is 0, relu/clamp keep -0.0, logit with eps
    # has PyTorch's where() gradient (its double backward is NaN where the first is NaN)
    "sigmoid_underflow": lambda m: 1 / m.tensor([-91.0, -88.0, -104.0, 30.0]).sigmoid(),
    "sigmoid_underflow_float64": lambda m: m.tensor([-740.0, -700.0]).double().sigmoid(),
    "relu_negative_zero": lambda m: 1 / m.relu(m.tensor([-0.0, 0.0, -3.0])),
    "clamp_negative_zero": lambda m: 1 / m.tensor([-0.0, 0.0, -1.0]).clamp(0, 1),
    "logit_eps_double_backward": _double(lambda m, x: _self_pow(x.logit(eps=0.1)),
                                         [0.61, 0.023, -0.32, 0.54, 0.65]),
    "logit_eps_grad": _grads(lambda m, x: x.logit(eps=0.1), [0.05, 0.1, 0.5, 0.95, NAN]),
    # seed 127 #8303: an infinite end (1 / 0 of an int8) in lerp: no NaN from the formula
    # not taken
    "lerp_inf_end_grad": _grads(lambda m, x, y: x.lerp(1.0 / y, 0.3), [-2.5, 4.8], [0.0, 2.0],
                                dtype="float32"),
    # seed 131: reciprocal's gradient -g * (y * y) (an overflowing float16 square times 0 is
    # NaN, as PyTorch's: atan2's double backward), and floor division of a view whose base
    # joined a graph in place requires grad
    "atan2_double_backward_half": _double(
        lambda m, x: m.remainder(x, m.atan2(x, x)), [0.284, 0.044, -0.026, 0.4],
        dtype="float16"),
    "reciprocal_double_backward_half": _double(lambda m, x: x.reciprocal(), [0.004, 2.0],
                                               dtype="float16"),
    "floor_divide_of_rebased_view": lambda m: _floordiv_rebased(m).requires_grad,
    # det of a singular matrix: zeros without create_graph, the cofactor matrix with it
    # (PyTorch's two formulas); elu's and sinc's second derivatives at 0
    "det_singular_grad": _grads(lambda m, a: m.linalg.det(a), [[1.0, 2.0], [2.0, 4.0]]),
    "det_singular_grad_create_graph": _grads(
        lambda m, a: m.linalg.det(a), [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
                                       [[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [2.0, 0.0, 1.0]]],
        create_graph=True),
    "elu_double_backward_at_zero": _double(lambda m, x: F(m).elu(x), [0.0, -1.0, 2.0]),
    "celu_double_backward_at_zero": _double(lambda m, x: F(m).celu(x, 0.5), [0.0, -1.0]),
    "sinc_grads_at_zero": _double(lambda m, x: x.sinc(), [0.0, 0.5, 1e-30]),
    "sinc_grad": _grads(lambda m, x: x.sinc(), [0.0, 0.5, -2.5]),
    # a 0-d tensor of another dtype on the right of a float16 product/quotient is the number
    # it holds (kept in float32); on the left, and any n-d one, is rounded to float16 first
    "half_over_0d_int": lambda m: m.tensor([1.0, 3.0, 0.1]).half() / m.tensor(70000),
    "half_times_0d_int": lambda m: m.tensor([1.0, 3.0, 0.1]).half() * m.tensor(4097),
    "half_times_0d_float": lambda m: m.tensor([3.0, 0.1]).half() * m.tensor(0.1),
    "0d_int_times_half": lambda m: m.tensor(70000) * m.tensor([1.0, 3.0]).half(),
    "half_times_1d_int": lambda m: m.tensor([1.0, 3.0]).half() * m.tensor([4097, 70000]),
    "bfloat16_over_0d_int": lambda m: m.tensor([1.0, 3.0, 0.1]).bfloat16() / m.tensor(257),
    "half_nanmean_overflow": lambda m: m.ones(100000, dtype=m.float16).nanmean(),
    # signed zeros and NaN in activations (1 / x shows a zero's sign)
    "elu_negative_zero": lambda m: 1 / F(m).elu(m.tensor([-0.0, 0.0])),
    "selu_negative_zero": lambda m: 1 / F(m).selu(m.tensor([-0.0])),
    "logsigmoid_large_is_plus_zero": lambda m: 1 / F(m).logsigmoid(m.tensor([INF, 1e30, 800.0])),
    "hardshrink_nan_and_zero": lambda m: 1 / F(m).hardshrink(m.tensor([NAN, -0.0, -0.5, 0.2])),
    "softshrink_nan": lambda m: F(m).softshrink(m.tensor([NAN, 0.7, -0.9])),
    "erfinv_negative_zero": lambda m: 1 / m.tensor([-0.0, 0.0]).erfinv(),
    # seed 149 #41463: float16 x ** 0.5 is C's pow in PyTorch ((-inf) ** 0.5 = inf), float32's
    # a sqrt (NaN)
    "half_pow_half": lambda m: 1 / m.tensor([-INF, -0.0, 4.0, INF], dtype=m.float16) ** 0.5,
    "half_pow_minus_half": lambda m: m.tensor([-INF, -0.0, 4.0], dtype=m.float16) ** -0.5,
    "float_pow_half": lambda m: 1 / m.tensor([-INF, -0.0, 4.0]) ** 0.5,
    # seed 151 #8646: fmod's divisor gradient -g * trunc(a / b) stays in the graph (its own
    # gradient zeros, not g * 0: a NaN gradient gives 0 there)
    "fmod_double_backward_nan": _double(lambda m, x, y: m.fmod(x.logit(), y), [1.302, 0.4],
                                        [0.348, 0.3], dtype="float32"),
    "div_trunc_nan_grad": lambda m: _rounded_nan_grad(m),
    "norm_nuc": _grads(lambda m, x: x.norm(p="nuc"), [[1.0, -2.0], [3.0, 4.0]]),
    # seed 157 #20411: a cast (or an integer's unary op) of an expanded tensor is contiguous,
    # as PyTorch's: .view(-1) works
    "tanh_of_expanded_bool_view": lambda m: m.tensor([[True], [False]]).expand(3, 2, 1).tanh()
    .view(-1),
    "float_of_expanded_view": lambda m: m.tensor([[1], [2]]).expand(2, 2, 3).float().view(-1),
    # seed 163 #21582: copy_'s gradient to the overwritten history is zeros, not g * 0
    "copy_blocks_nan_grad": _grads(lambda m, x: _copied(m, x).var() + x * x, 0.209),
    # bad input: PyTorch's exception type
    "gelu_int": lambda m: F(m).gelu(m.tensor([1, 2])),
    "elu_bool": lambda m: F(m).elu(m.tensor([True])),
    "softplus_uint8": lambda m: F(m).softplus(m.tensor([1], dtype=m.uint8)),
    "gaussian_nll_float_var": lambda m: F(m).gaussian_nll_loss(m.ones(2, 3), m.zeros(2, 3), 0.5),
    "gaussian_nll_broadcast_var": lambda m: F(m).gaussian_nll_loss(m.ones(2, 3), m.zeros(2, 3),
                                                                  m.ones(1, 3)),
    "gaussian_nll_bad_var": lambda m: F(m).gaussian_nll_loss(m.ones(2, 3), m.zeros(2, 3),
                                                            m.ones(4)),
    "multilabel_margin_bad_target": lambda m: F(m).multilabel_margin_loss(
        m.ones(2, 3), m.tensor([[0, 1]])),
    "adaptive_pool_negative": lambda m: F(m).adaptive_avg_pool2d(m.ones(1, 1, 4, 4), -1),
    "dropout2d_1d": lambda m: F(m).dropout2d(m.ones(2), 0.5),
    "rrelu_bounds": lambda m: F(m).rrelu(m.ones(3), 0.5, 0.1, training=True),
    "scatter_out_of_bounds": lambda m: m.zeros(2).scatter(0, m.tensor([3]), 1.0),
    "masked_select_float_mask": lambda m: m.ones(2).masked_select(m.ones(2)),
    "bincount_negative": lambda m: m.bincount(m.tensor([-1, 2])),
    "bincount_float": lambda m: m.bincount(m.tensor([1.0])),
    "unique_bad_dim": lambda m: m.unique(m.ones(2), dim=3),
    "roll_unaligned": lambda m: m.ones(2, 2).roll((1, 1), (0,)),
    "tile_negative": lambda m: m.ones(2).tile(-1),
    "repeat_interleave_negative": lambda m: m.repeat_interleave(m.ones(2), m.tensor([-1, 1])),
    "tril_1d": lambda m: m.tril(m.ones(2)),
    "outer_2d": lambda m: m.outer(m.ones(2, 2), m.ones(2)),
    "tensordot_unequal_dims": lambda m: m.tensordot(m.ones(2, 3), m.ones(2, 3), ([1], [1, 0])),
    "cdist_negative_p": lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), p=-1),
    "pdist_1d": lambda m: F(m).pdist(m.ones(3)),
    "clamp_unbroadcastable": lambda m: m.ones(2).clamp(m.ones(3)),
    "interpolate_1d": lambda m: F(m).interpolate(m.ones(2), scale_factor=2),
    "quantile_empty": lambda m: m.quantile(m.ones(0), 0.5),
    "polar_int": lambda m: m.polar(m.tensor([2]), m.tensor([1])),
}


def _rounded_nan_grad(m):
    x, y = m.tensor([1.5], requires_grad=True), m.tensor([0.7], requires_grad=True)
    return m.autograd.grad(m.div(x, y, rounding_mode="trunc"), [x, y], m.tensor([NAN]))


def _copied(m, x):
    r = x * 1
    r.copy_(m.tensor(-1.0, dtype=x.dtype))
    return r


def _self_pow(r):
    return r ** r


def _floordiv_rebased(m):
    r1 = m.tensor([[[-7.902, -3.044]], [[-0.052, -1.541]]])
    r4 = r1.diagonal()
    r1[1:2] = m.tensor(-0.687, dtype=m.float16, requires_grad=True)
    return r4 // 2


@pytest.mark.parametrize("name", CASES)
def test_edge_agrees_with_torch(name):
    def run(m):
        try:
            return None, snap(CASES[name](m))
        except Exception as e:  # noqa: BLE001 - whether both raise, and how, is compared
            return type(e).__name__, None
    (ea, a), (eb, b) = run(tocha), run(torch)
    assert ea == eb, f"tocha {ea or 'ok'}, torch {eb or 'ok'}"
    if a is not None:
        assert diff(a, b, view=False) is None, diff(a, b, view=False)


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_cumprod_accumulates_as_pytorch(dtype):
    # PyTorch's CPU cumprod runs float32 in float64 (float16 in float32), rounding each output:
    # a float32 running product underflowed to the smallest subnormal and stuck there
    x = np.random.default_rng(0).uniform(0.5, 1.0, 3000).astype(dtype)
    got, want = (m.tensor(x).cumprod(0).float().numpy() for m in (tocha, torch))
    np.testing.assert_array_equal(got, want)


def test_histc_bins_bit_equal():
    # each element's bin is (x - min) * bins / (max - min) in the input's dtype, as PyTorch's
    x = (np.random.default_rng(1).standard_normal(100000) * 3).astype(np.float32)
    for args in ((100,), (7, -1.3, 2.1), (50, 0.0, 0.7)):
        got, want = (m.histc(m.tensor(x), *args).numpy() for m in (tocha, torch))
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("w", [0.3, 0.7, 1.0, -0.2])
def test_lerp_formula_float32(w):
    # PyTorch's two formulas (from the start below 0.5, from the end above): the values
    # agree to within float32's fused multiply-add (last place), and exactly at weight 1
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(5000).astype(np.float32) for _ in range(2))
    got, want = (m.lerp(m.tensor(a), m.tensor(b), w).numpy() for m in (tocha, torch))
    np.testing.assert_allclose(got, want, rtol=2e-7, atol=1e-7)
    if w == 1.0:
        np.testing.assert_array_equal(got, b)


@pytest.mark.parametrize("shape,dim", [((1000, 100), 0), ((100, 1000), 1), ((7, 33), 0),
                                       ((3, 4, 5), 1)])
def test_float16_softmax_family_accumulates_in_float32(shape, dim):
    # PyTorch's CPU kernels compute float16 softmax/log_softmax in float32 and round once
    # (logsumexp: float16 steps, a float32 sum); tocha's float16 arithmetic summed 1000 terms
    # to a 2% error (PyTorch's: 0.1%). Within one float16 place (mostly bit-equal)
    x = (np.random.default_rng(3).standard_normal(shape) * 3).astype(np.float16)
    for name in ("log_softmax", "logsumexp", "softmax"):
        got, want = (getattr(m, name)(m.tensor(x), dim).float().numpy() for m in (tocha, torch))
        ulp = np.spacing(np.abs(want).astype(np.float16)).astype(np.float32)
        assert np.all(np.abs(got - want) <= ulp), name
