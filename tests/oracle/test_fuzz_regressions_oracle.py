"""Mismatches the differential fuzzer (tests/oracle/fuzz) found, each as the smallest program
that showed it, compared with PyTorch: value, dtype, shape, requires_grad, gradients, and
whether both raise."""
import pytest
import torch

import tocha
from fuzz.run import diff, snap


def _grad(m, f, *vals, dtype="float32"):
    xs = [m.tensor(v, dtype=getattr(m, dtype), requires_grad=True) for v in vals]
    f(m, *xs).sum().backward()
    return [x.grad for x in xs]


# name -> program(m) returning what is compared
CASES = {
    # 0-d inputs with dim 0 / -1 (the only dim a 0-d tensor has)
    "flip_0d": lambda m: m.tensor(2.0).flip(0),
    "median_dim_0d": lambda m: m.tensor(0.5).median(0),
    "cumsum_0d_int32": lambda m: m.tensor(-2, dtype=m.int32).cumsum(-1),
    "cumprod_0d": lambda m: m.tensor(3, dtype=m.uint8).cumprod(-1),
    "norm_0d": lambda m: m.tensor(-0.6).norm(dim=0),
    "sum_0d": lambda m: m.tensor(-0.6).sum(0, keepdim=True),
    "amax_0d": lambda m: m.tensor(-0.6).amax(0),
    "mean_0d": lambda m: m.tensor(-0.6).mean(-1),
    "logsumexp_0d": lambda m: m.tensor(-0.6).logsumexp(0),
    "any_0d": lambda m: m.tensor(True).any(0),
    "topk_0d": lambda m: m.tensor(0.5).topk(1, 0),
    "kthvalue_0d": lambda m: m.tensor(0.5).kthvalue(1, 0),
    "std_0d_grad": lambda m: _grad(m, lambda m, x: x.std(0), 0.3),
    # empty inputs
    "softmax_empty": lambda m: m.tensor([]).softmax(0),
    "log_softmax_empty": lambda m: m.zeros(0, 3).log_softmax(0),
    "softmax_empty_int": lambda m: m.tensor([], dtype=m.int64).softmax(-1),
    # dtypes
    "sub_alpha_int_float": lambda m: m.sub(m.tensor(4), m.tensor(1, dtype=m.uint8), alpha=0.5),
    "sub_alpha_keeps_half": lambda m: m.sub(m.tensor([0.25], dtype=m.float16),
                                            m.tensor([4], dtype=m.uint8), alpha=0.5),
    "add_bool_alpha": lambda m: m.tensor(True).add_(m.tensor(True), alpha=2),
    "xlogy_uint8_scalar": lambda m: m.xlogy(m.tensor([4], dtype=m.uint8), 0.5),
    "xlogy_half_long": lambda m: m.xlogy(m.tensor([0.5, 0.0], dtype=m.float16),
                                         m.tensor([3, 0])),
    "fmod_bool_grad": lambda m: _grad(m, lambda m, x: m.fmod(m.tensor([True, True]), x),
                                      [0.7, -2.0], dtype="float64"),
    "remainder_bool_grad": lambda m: _grad(
        m, lambda m, x: m.remainder(m.tensor([True, False]), x), [0.7, -2.0]),
    "nanmean_bool": lambda m: m.nanmean(m.tensor([True])),
    "index_copy_dtype": lambda m: m.index_copy(m.zeros(3), 0, m.tensor([0]),
                                               m.ones(1, dtype=m.float64)),
    "scatter_dtype": lambda m: m.zeros(3).scatter(0, m.tensor([1]), m.ones(1, dtype=m.float64)),
    "clamp_uint8_negative": lambda m: m.tensor([0, 3, 1], dtype=m.uint8).clamp(-1, 1),
    "clamp_int8_overflow": lambda m: m.tensor([0, 3], dtype=m.int8).clamp(-300, 2),
    "masked_fill_uint8": lambda m: m.tensor([3, 0], dtype=m.uint8).masked_fill(
        m.tensor([True, False]), -1),
    # gradients
    "logit_outside_grad": lambda m: _grad(m, lambda m, x: x.logit(), [-0.5, 0.3, 1.5]),
    "floor_divide_requires_grad": lambda m: (m.tensor([1.5], requires_grad=True) // 2),
    "floor_divide_backward": lambda m: _grad(m, lambda m, x: x // 2, [1.5]),
    "unique_requires_grad": lambda m: m.unique(m.tensor([2.0, 1.0, 2.0], requires_grad=True)),
}


@pytest.mark.parametrize("name", CASES)
def test_fuzz_regression(name):
    def run(m):
        try:
            return None, snap(CASES[name](m))
        except Exception as e:  # noqa: BLE001 - whether both raise is what is compared
            return type(e).__name__, None
    (ea, a), (eb, b) = run(tocha), run(torch)
    assert (ea is None) == (eb is None), f"tocha {ea or 'ok'}, torch {eb or 'ok'}"
    if a is not None:
        assert diff(a, b, view=False) is None, diff(a, b, view=False)
