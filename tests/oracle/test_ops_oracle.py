"""Every op of the shared table on tocha and on torch with the same inputs: value, dtype, shape,
gradients (`tocha.autograd.grad` vs `torch.autograd.grad`) and grad_fn names; integer inputs for
the ops without gradients; both libraries must raise on the same bad inputs."""
import pathlib
import sys
import zlib

import numpy as np
import pytest
import torch

import tocha

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _op_cases import CASES, Spec, make_inputs


def flat(out):
    """Tensors (and plain values) of an op's result, in order."""
    if isinstance(out, (tuple, list)):
        return [v for o in out for v in flat(o)]
    return [out]


def dtname(t):
    return str(t.dtype).split(".")[-1]


def to_np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return t.detach().numpy() if isinstance(t, tocha.Tensor) else np.asarray(t)


def assert_same(a, b, rtol, atol, what=""):
    """tocha result `a` equals torch result `b` in type, shape, dtype and value."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, tocha.Tensor), f"{what}: tocha gave {type(a).__name__}"
        assert tuple(a.shape) == tuple(b.shape), f"{what}: shape {tuple(a.shape)} vs " \
            f"{tuple(b.shape)}"
        assert dtname(a) == dtname(b), f"{what}: dtype {a.dtype} vs {b.dtype}"
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=rtol, atol=atol, err_msg=what)
    else:
        assert not isinstance(a, tocha.Tensor), what
        assert a == b, f"{what}: {a!r} vs {b!r}"


TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
GRAD_CASES = [(c, d) for c in CASES for d in ("float64", "float32") if d == "float64" or c.f32]


@pytest.mark.parametrize("case,dtype", GRAD_CASES, ids=lambda v: getattr(v, "name", v))
def test_value_and_grad(case, dtype):
    rtol, atol = TOL[dtype]
    ti, pi = make_inputs(case, tocha, dtype), make_inputs(case, torch, dtype)
    to, po = flat(case.fn(tocha, *ti)), flat(case.fn(torch, *pi))
    assert len(to) == len(po)
    for k, (a, b) in enumerate(zip(to, po)):
        assert_same(a, b, rtol, atol, f"{case.name} output {k}")
        if isinstance(b, torch.Tensor):
            assert a.requires_grad == b.requires_grad, f"{case.name} output {k} requires_grad"
    # gradients of a random weighting of the differentiable outputs
    pairs = [(a, b) for a, b in zip(to, po) if isinstance(b, torch.Tensor) and b.requires_grad]
    idx = [i for i, s in enumerate(case.specs) if isinstance(s, Spec) and s.grad]
    if not pairs or not idx:
        return
    rng = np.random.default_rng(zlib.crc32(case.name.encode()) + 1)
    cot = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    tg = tocha.autograd.grad([a for a, _ in pairs], [ti[i] for i in idx],
                             [tocha.tensor(c, dtype=getattr(tocha, dtype)) for c in cot],
                             allow_unused=True)
    pg = torch.autograd.grad([b for _, b in pairs], [pi[i] for i in idx],
                             [torch.tensor(c, dtype=getattr(torch, dtype)) for c in cot],
                             allow_unused=True)
    for k, (a, b) in enumerate(zip(tg, pg)):
        if b is None:
            b = torch.zeros_like(pi[idx[k]])
        if a is None:
            a = tocha.zeros_like(ti[idx[k]])
        assert_same(a, b, rtol * 10, atol * 10, f"{case.name} grad of input {idx[k]}")


# ---------------------------------------------------------------- grad_fn names

# Ops that tocha builds from other primitives (or fuses) where PyTorch has a node of its own:
# their grad_fn is named after tocha's last primitive. Everything else must match PyTorch.
COMPOSITE_NAMES = {
    "rsub_fn", "addcmul", "addcdiv", "round_decimals", "clamp_max", "clamp_tensor", "lerp_scalar",
    "lerp_tensor", "nan_to_num", "fmax", "fmin", "remainder", "remainder_scalar", "fmod",
    "fmod_scalar", "std", "std_dim", "var", "var_dim_biased",
    "var_correction", "norm", "norm_dim", "norm_p1", "norm_p3", "norm_inf", "median", "median_dim",
    "matmul_1d_2d", "matmul_batched", "matmul_batched_bcast", "matmul_1d_3d", "matmul_3d_1d",
    "einsum_mm", "einsum_bmm", "einsum_sum", "einsum_outer", "einsum_implicit", "einsum_three",
    "T", "stack", "stack_dim", "split_sizes", "unbind", "unbind_fn", "setitem_int",
    "setitem_slice", "setitem_scalar", "scatter_value", "scatter_add", "index_select",
    "index_select_0", "masked_fill", "masked_fill_bcast", "masked_select", "masked_select_bcast",
    "take", "sort", "sort_desc", "topk", "topk_smallest", "index_add", "index_copy", "index_fill",
    "select", "select_fn", "diagonal", "diagonal_offset_dims", "trace", "diag_1d", "diag_2d",
    "tensor_split", "tensor_split_idx", "rot90", "rot90_k", "diff", "diff_n_prepend", "logaddexp",
    "hypot", "deg2rad", "logit", "logit_eps", "xlogy", "positive", "inner_2d",
}


@pytest.mark.parametrize("case", [c for c in CASES if c.name not in COMPOSITE_NAMES],
                         ids=lambda c: c.name)
def test_grad_fn_name(case):
    to = flat(case.fn(tocha, *make_inputs(case, tocha)))
    po = flat(case.fn(torch, *make_inputs(case, torch)))
    for a, b in zip(to, po):
        if isinstance(b, torch.Tensor):
            na = a.grad_fn.name() if a.grad_fn is not None else None
            nb = b.grad_fn.name() if b.grad_fn is not None else None
            assert na == nb


# ---------------------------------------------------------------- integer and bool inputs

def _ints(*shape, lo=-5, hi=6, seed=0):
    return np.random.default_rng(seed + len(shape)).integers(lo, hi, shape)


A = _ints(3, 4)
B = _ints(3, 4, seed=1)
NZ = _ints(3, 4, lo=1, hi=5, seed=2)           # no zeros (divisors)
V = _ints(4, seed=3)
BOOL = _ints(3, 4, lo=0, hi=2, seed=4).astype(bool)
BOOL2 = _ints(3, 4, lo=0, hi=2, seed=5).astype(bool)

INT_CASES = [
    ("add", lambda m, a, b: a + b, [A, B]),
    ("add_scalar", lambda m, a: a + 3, [A]),
    ("add_float_scalar", lambda m, a: a + 1.5, [A]),
    ("mul_float_scalar", lambda m, a: a * 2.5, [A]),
    ("sub_bcast", lambda m, a, v: a - v, [A, V]),
    ("rsub_scalar", lambda m, a: 2 - a, [A]),
    ("mul", lambda m, a, b: a * b, [A, B]),
    ("truediv", lambda m, a, b: a / b, [A, NZ]),
    ("truediv_scalar", lambda m, a: a / 2, [A]),
    ("rtruediv", lambda m, b: 3 / b, [NZ]),
    ("floordiv", lambda m, a, b: a // b, [A, NZ]),
    ("floordiv_scalar", lambda m, a: a // 3, [A]),
    ("div_floor", lambda m, a, b: m.div(a, b, rounding_mode="floor"), [A, NZ]),
    ("div_trunc", lambda m, a, b: m.div(a, b, rounding_mode="trunc"), [A, NZ]),
    ("remainder", lambda m, a, b: a % b, [A, NZ]),
    ("remainder_neg", lambda m, a: m.remainder(a, -3), [A]),
    ("fmod", lambda m, a, b: m.fmod(a, b), [A, NZ]),
    ("neg", lambda m, a: -a, [A]),
    ("abs", lambda m, a: m.abs(a), [A]),
    ("pow", lambda m, a: a ** 2, [A]),
    ("pow_tensor", lambda m, a, b: a ** b, [A, NZ]),
    ("pow_float", lambda m, a: a ** 0.5, [NZ]),
    ("rpow", lambda m, b: 2 ** b, [NZ]),
    ("sign", lambda m, a: m.sign(a), [A]),
    ("clamp", lambda m, a: m.clamp(a, -2, 2), [A]),
    ("clamp_float", lambda m, a: a.clamp(min=-1.5), [A]),
    ("maximum", lambda m, a, b: m.maximum(a, b), [A, B]),
    ("minimum", lambda m, a, b: m.minimum(a, b), [A, B]),
    ("where", lambda m, c, a, b: m.where(c, a, b), [BOOL, A, B]),
    ("where_scalar", lambda m, c, a: m.where(c, a, 0), [BOOL, A]),
    ("where_float_scalar", lambda m, c, a: m.where(c, a, 0.5), [BOOL, A]),
    ("where_method", lambda m, c, a, b: (a.where(c, b), a.where(c, 0)), [BOOL, A, B]),
    ("where_one_arg", lambda m, c: m.where(c), [BOOL]),
    ("eq", lambda m, a, b: a == b, [A, B]),
    ("ne_scalar", lambda m, a: a != 1, [A]),
    ("lt", lambda m, a, b: a < b, [A, B]),
    ("ge_float", lambda m, a: a >= 0.5, [A]),
    ("sum", lambda m, a: a.sum(), [A]),
    ("sum_dim", lambda m, a: m.sum(a, 0), [A]),
    ("sum_bool", lambda m, c: c.sum(), [BOOL]),
    ("prod", lambda m, a: a.prod(1), [NZ]),
    ("cumsum", lambda m, a: a.cumsum(1), [A]),
    ("cumprod", lambda m, a: m.cumprod(a, 0), [NZ]),
    ("max", lambda m, a: a.max(), [A]),
    ("max_dim", lambda m, a: a.max(1), [_ints(3, 4, lo=-100, hi=100)]),
    ("min_dim", lambda m, a: m.min(a, 0), [_ints(3, 4, lo=-100, hi=100, seed=9)]),
    ("argmax", lambda m, a: m.argmax(_uniq(m, a)), [A]),
    ("argmin_dim", lambda m, a: _uniq(m, a).argmin(1), [A]),
    ("amax", lambda m, a: m.amax(a, 0), [A]),
    ("sort", lambda m, a: m.sort(_uniq(m, a), 1), [A]),
    ("sort_desc", lambda m, a: _uniq(m, a).sort(0, descending=True), [A]),
    ("argsort", lambda m, a: m.argsort(_uniq(m, a)), [A]),
    ("topk", lambda m, a: m.topk(_uniq(m, a), 2), [A]),
    ("unique", lambda m, a: m.unique(a), [A]),
    ("unique_inverse_counts", lambda m, a: m.unique(a, return_inverse=True,
                                                    return_counts=True), [A]),
    ("unique_consecutive", lambda m, a: m.unique_consecutive(a.flatten()), [A]),
    ("median", lambda m, a: a.median(), [A]),
    ("kthvalue", lambda m, a: m.kthvalue(_uniq(m, a), 2, 1), [A]),
    ("cat", lambda m, a, b: m.cat([a, b], 1), [A, B]),
    ("cat_promote", lambda m, a, b: m.cat([a, b.double()]), [A, B]),
    ("stack", lambda m, a, b: m.stack([a, b]), [A, B]),
    ("flip", lambda m, a: a.flip(1), [A]),
    ("roll", lambda m, a: a.roll(1, 1), [A]),
    ("tril", lambda m, a: a.tril(), [A]),
    ("repeat", lambda m, a: a.repeat(1, 2), [A]),
    ("repeat_interleave", lambda m, a: a.repeat_interleave(2, 0), [A]),
    ("gather", lambda m, a, i: a.gather(1, i), [A, np.array([[0, 3], [1, 1], [2, 0]])]),
    ("index_select", lambda m, a, i: a.index_select(0, i), [A, np.array([2, 0])]),
    ("masked_fill", lambda m, a, c: a.masked_fill(c, -7), [A, BOOL]),
    ("masked_select", lambda m, a, c: a.masked_select(c), [A, BOOL]),
    ("mask_index", lambda m, a, c: a[c], [A, BOOL]),
    ("nonzero", lambda m, a: m.nonzero(a), [A]),
    ("nonzero_tuple", lambda m, a: m.nonzero(a, as_tuple=True), [A]),
    ("count_nonzero", lambda m, a: m.count_nonzero(a, 0), [A]),
    ("any_all", lambda m, c: (c.any(), c.all(1)), [BOOL]),
    ("exp", lambda m, a: m.exp(a), [A]),
    ("sqrt", lambda m, a: a.sqrt(), [NZ]),
    ("sigmoid", lambda m, a: m.sigmoid(a), [A]),
    ("reciprocal", lambda m, a: a.reciprocal(), [NZ]),
    ("softmax_dtype", lambda m, a: a.softmax(1, dtype=m.float64), [A]),
    ("gather_int32", lambda m, a, i: a.gather(1, i.int()), [A, np.array([[0, 3], [1, 1], [2, 0]])]),
    ("floor", lambda m, a: m.floor(a), [A]),
    ("round", lambda m, a: a.round(), [A]),
    ("matmul", lambda m, a, b: a @ b.t(), [A, B]),
    ("bitwise_and", lambda m, a, b: a & b, [A, B]),
    ("bitwise_or", lambda m, a, b: a | b, [A, B]),
    ("bitwise_xor", lambda m, a, b: a ^ b, [A, B]),
    ("invert", lambda m, a: ~a, [A]),
    ("logical_and", lambda m, c, d: c & d, [BOOL, BOOL2]),
    ("logical_not", lambda m, c: ~c, [BOOL]),
    ("logical_fn", lambda m, a, b: m.logical_xor(a, b), [A, B]),
    ("bool_add", lambda m, c, d: c + d, [BOOL, BOOL2]),
    ("bool_mul_int", lambda m, c, a: c * a, [BOOL, A]),
    ("bool_plus_float", lambda m, c: c + 0.5, [BOOL]),
    ("int32_int64", lambda m, a, b: a.int() + b, [A, B]),
    ("uint8_int8", lambda m, a, b: a.abs().byte() + b.char(), [A, B]),
    ("int16_0d_int64", lambda m, a, b: a.short() * b.sum(), [A, B]),
    ("float_0d_int", lambda m, a: a * m.tensor(2.5), [A]),
    ("bincount", lambda m, a: m.bincount(a.abs().flatten()), [A]),
    ("isnan", lambda m, a: m.isnan(a), [A]),
    ("to_float", lambda m, a: a.float() / 3, [A]),
    ("to_bool", lambda m, a: a.bool(), [A]),
    ("clone", lambda m, a: a.clone(), [A]),
]


def _uniq(m, a):
    # break ties so that sort/argmax indices are well defined in both libraries
    return a * 100 + m.arange(a.numel()).reshape(a.shape)


@pytest.mark.parametrize("name,fn,arrays", INT_CASES, ids=[c[0] for c in INT_CASES])
def test_int_inputs(name, fn, arrays):
    to = flat(fn(tocha, *[tocha.tensor(a) for a in arrays]))
    po = flat(fn(torch, *[torch.tensor(a) for a in arrays]))
    assert len(to) == len(po)
    for k, (a, b) in enumerate(zip(to, po)):
        assert_same(a, b, 1e-6, 1e-6, f"{name} output {k}")


# ---------------------------------------------------------------- same errors

X = np.arange(12.0).reshape(3, 4)

ERROR_CASES = [
    ("add_shapes", lambda m: m.tensor(X) + m.ones(3, 5)),
    ("mul_shapes", lambda m: m.tensor(X) * m.ones(2, 4)),
    ("where_shapes", lambda m: m.where(m.ones(2, dtype=m.bool), m.tensor(X), 0.0)),
    ("matmul_shapes", lambda m: m.tensor(X) @ m.ones(3, 2, dtype=m.float64)),
    ("matmul_0d", lambda m: m.tensor(X) @ m.tensor(2.0, dtype=m.float64)),
    ("matmul_dtypes", lambda m: m.tensor(X) @ m.ones(4, 2)),
    ("mm_1d", lambda m: m.mm(m.ones(3), m.ones(3))),
    ("bmm_2d", lambda m: m.bmm(m.ones(3, 4), m.ones(4, 3))),
    ("dot_2d", lambda m: m.dot(m.ones(2, 2), m.ones(2, 2))),
    ("dot_sizes", lambda m: m.dot(m.ones(2), m.ones(3))),
    ("cat_shapes", lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)])),
    ("cat_ndim", lambda m: m.cat([m.ones(2, 3), m.ones(3)])),
    ("cat_0d", lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)])),
    ("cat_empty", lambda m: m.cat([])),
    ("stack_shapes", lambda m: m.stack([m.ones(2), m.ones(3)])),
    ("view_size", lambda m: m.ones(3, 4).view(5, -1)),
    ("view_two_infer", lambda m: m.ones(3, 4).view(-1, -1)),
    ("view_strides", lambda m: m.ones(3, 4).t().view(12)),
    ("reshape_size", lambda m: m.ones(3, 4).reshape(7)),
    ("index_out_of_range", lambda m: m.ones(3, 4)[3]),
    ("index_neg_out_of_range", lambda m: m.ones(3, 4)[:, -5]),
    ("too_many_indices", lambda m: m.ones(3, 4)[0, 0, 0]),
    ("float_index", lambda m: m.ones(3, 4)[m.tensor([0.0, 1.0])]),
    ("index_tensor_out_of_range", lambda m: m.ones(3, 4)[m.tensor([0, 3])]),
    ("mask_shape", lambda m: m.ones(3, 4)[m.ones(2, 4, dtype=m.bool)]),
    ("setitem_shape", lambda m: m.ones(3, 4).__setitem__(0, m.ones(3))),
    ("item_many", lambda m: m.ones(3).item()),
    ("bool_many", lambda m: bool(m.ones(3))),
    ("len_0d", lambda m: len(m.tensor(1.0))),
    ("iter_0d", lambda m: iter(m.tensor(1.0))),
    ("index_0d", lambda m: m.tensor(1.0)[0]),
    ("squeeze_dim_range", lambda m: m.ones(3, 1).squeeze(2)),
    ("unsqueeze_range", lambda m: m.ones(3).unsqueeze(3)),
    ("transpose_range", lambda m: m.ones(3, 4).transpose(0, 2)),
    ("permute_len", lambda m: m.ones(3, 4).permute(0)),
    ("permute_dup", lambda m: m.ones(3, 4).permute(0, 0)),
    ("expand_bad", lambda m: m.ones(3, 4).expand(3, 5)),
    ("expand_fewer", lambda m: m.ones(3, 4).expand(4)),
    ("t_3d", lambda m: m.ones(2, 3, 4).t()),
    ("repeat_fewer", lambda m: m.ones(3, 4).repeat(2)),
    ("flatten_order", lambda m: m.ones(2, 3, 4).flatten(2, 1)),
    ("sum_dim_range", lambda m: m.ones(3, 4).sum(2)),
    ("sum_dim_dup", lambda m: m.ones(3, 4).sum((0, 0))),
    ("mean_int", lambda m: m.ones(3, dtype=m.int64).mean()),
    ("softmax_dim", lambda m: m.ones(3, 4).softmax(2)),
    ("max_empty", lambda m: m.ones(0).max()),
    ("split_sizes", lambda m: m.ones(5).split([2, 2])),
    ("chunk_zero", lambda m: m.ones(5).chunk(0)),
    ("topk_k", lambda m: m.ones(3).topk(4)),
    ("kthvalue_k0", lambda m: m.ones(3).kthvalue(0)),
    ("kthvalue_k_big", lambda m: m.ones(3).kthvalue(4)),
    ("gather_ndim", lambda m: m.ones(3, 4).gather(1, m.tensor([0, 1]))),
    ("gather_int16", lambda m: m.ones(3, 4).gather(1, m.zeros(3, 1, dtype=m.int16))),
    ("gather_range", lambda m: m.ones(3, 4).gather(1, m.tensor([[4], [0], [0]]))),
    ("index_select_2d", lambda m: m.ones(3, 4).index_select(0, m.zeros(2, 2, dtype=m.int64))),
    ("index_select_float", lambda m: m.ones(3, 4).index_select(0, m.zeros(2))),
    ("masked_fill_float_mask", lambda m: m.ones(3).masked_fill(m.ones(3), 0.0)),
    ("masked_fill_shape", lambda m: m.ones(3).masked_fill(m.ones(2, dtype=m.bool), 0.0)),
    ("bool_sub", lambda m: m.ones(3, dtype=m.bool) - m.ones(3, dtype=m.bool)),
    ("bool_neg", lambda m: -m.ones(3, dtype=m.bool)),
    ("int_neg_pow", lambda m: m.ones(3, dtype=m.int64) ** -1),
    ("where_float_cond", lambda m: m.where(m.ones(3), m.ones(3), m.ones(3))),
    ("int_requires_grad", lambda m: m.ones(3, dtype=m.int64).requires_grad_()),
    ("backward_nonscalar", lambda m: (m.ones(3, requires_grad=True) * 2).backward()),
    ("backward_no_grad", lambda m: m.ones(3).sum().backward()),
    ("leaf_inplace", lambda m: m.ones(3, requires_grad=True).add_(1)),
    ("int_inplace_float", lambda m: m.ones(3, dtype=m.int64).add_(1.5)),
    ("inplace_bcast", lambda m: m.ones(3).add_(m.ones(2, 3))),
    ("clamp_none", lambda m: m.ones(3).clamp()),
    ("bitwise_float", lambda m: m.ones(3) & m.ones(3)),
    ("zeros_negative", lambda m: m.zeros(-1)),
    ("arange_step0", lambda m: m.arange(0, 5, 0)),
    ("arange_sign", lambda m: m.arange(0, 5, -1)),
    ("tensor_ragged", lambda m: m.tensor([[1, 2], [3]])),
    ("tensor_str", lambda m: m.tensor("abc")),
    ("from_numpy_list", lambda m: m.from_numpy([1, 2])),
    ("from_numpy_str", lambda m: m.from_numpy(np.array(["a"]))),
    ("softmax_int", lambda m: m.ones(3, dtype=m.int64).softmax(0)),
    ("narrow_start", lambda m: m.ones(3, 4).narrow(1, -5, 2)),
    ("numpy_requires_grad", lambda m: m.ones(3, requires_grad=True).numpy()),
    ("fill_nonscalar", lambda m: m.ones(3).fill_(m.ones(2))),
    ("grad_wrong_shape", lambda m: setattr(m.ones(3, requires_grad=True), "grad", m.ones(2))),
    ("requires_grad_nonleaf", lambda m: setattr(m.ones(3, requires_grad=True) * 2,
                                                "requires_grad", False)),
    ("einsum_shapes", lambda m: m.einsum("ij,jk->ik", m.ones(2, 3), m.ones(4, 2))),
    ("linspace_negative", lambda m: m.linspace(0, 1, -1)),
    ("narrow_range", lambda m: m.ones(3, 4).narrow(1, 3, 2)),
    ("scatter_float_index", lambda m: m.ones(3).scatter(0, m.zeros(1), 1.0)),
    ("retain_grad_no_rg", lambda m: m.ones(3).retain_grad()),
    ("hook_no_rg", lambda m: m.ones(3).register_hook(lambda g: g)),
]


def _raised(fn, m):
    try:
        fn(m)
    except Exception as e:      # noqa: BLE001 - the type is what is compared
        return e
    return None


@pytest.mark.parametrize("name,fn", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_same_error(name, fn):
    pe = _raised(fn, torch)
    te = _raised(fn, tocha)
    assert pe is not None, "torch accepts this input: the case is wrong"
    assert te is not None, f"tocha accepted an input torch rejects ({type(pe).__name__}: {pe})"
    assert isinstance(te, type(pe)), f"tocha {te!r} vs torch {pe!r}"


# ---------------------------------------------------------------- special values and options

NAN, INF = float("nan"), float("inf")
SPECIAL = np.array([[1.0, NAN, -2.0, 0.0], [INF, -INF, 3.0, -0.0], [0.5, 2.5, -1.5, 1.5]])
TIES = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, -1.0, 5.0, -1.0]])
F = np.array([[0.3, -1.7, 2.5, -2.5], [1.0, 0.0, -0.5, 3.5]])

EDGE_CASES = [
    ("max_nan", lambda m, x: x.max(), [SPECIAL]),
    ("max_dim_nan", lambda m, x: x.max(1), [SPECIAL]),
    ("min_dim_nan", lambda m, x: x.min(0), [SPECIAL]),
    ("amax_nan", lambda m, x: x.amax(1), [SPECIAL]),
    ("argmax_nan", lambda m, x: x.argmax(1), [SPECIAL]),
    ("argmax_ties", lambda m, x: (x.argmax(1), x.argmin(1), x.argmax()), [TIES]),
    ("max_ties_indices", lambda m, x: x.max(1), [TIES]),
    ("sort_nan", lambda m, x: x.sort(1), [SPECIAL]),
    ("sort_nan_desc", lambda m, x: x.sort(1, descending=True), [SPECIAL]),
    ("sort_stable_ties", lambda m, x: x.sort(dim=1, stable=True), [TIES]),
    ("sort_stable_ties_desc", lambda m, x: x.sort(dim=0, descending=True, stable=True),
     [TIES]),
    ("topk_ties", lambda m, x: x.topk(2, 1).values, [TIES]),
    ("maximum_nan", lambda m, x, y: m.maximum(x, y), [SPECIAL, TIES]),
    ("fmax_nan", lambda m, x, y: m.fmax(x, y), [SPECIAL, TIES]),
    ("fmin_nan", lambda m, x, y: m.fmin(x, y), [SPECIAL, TIES]),
    ("relu_nan", lambda m, x: x.relu(), [SPECIAL]),
    ("clamp_nan", lambda m, x: x.clamp(-1, 1), [SPECIAL]),
    ("clamp_min_gt_max", lambda m, x: x.clamp(2, 1), [F]),
    ("sign_special", lambda m, x: x.sign(), [SPECIAL]),
    ("softmax_inf", lambda m, x: x.softmax(1), [np.array([[-INF, 0.0, 1.0], [-INF, -INF, 2.0]])]),
    ("log_softmax_inf", lambda m, x: x.log_softmax(1),
     [np.array([[-INF, 0.0, 1.0], [-INF, -INF, 2.0]])]),
    ("logsumexp_all_neg_inf", lambda m, x: x.logsumexp(1),
     [np.array([[-INF, -INF], [0.0, -INF]])]),
    ("logsumexp_inf", lambda m, x: x.logsumexp(1), [np.array([[INF, 1.0], [0.0, 2.0]])]),
    ("log_sqrt_special", lambda m, x: (x.log(), x.sqrt(), x.rsqrt(), x.reciprocal()), [SPECIAL]),
    ("div_zero", lambda m, x, y: (x / y, y / x), [F, np.zeros_like(F)]),
    ("pow_special", lambda m, x: (x ** 0, x ** -1, x ** 0.5, 0.0 ** x), [F]),
    ("round_half_even", lambda m, x: (x.round(), (x * 10).round(decimals=-1),
                                      m.round(x, decimals=1)), [F]),
    ("floor_ceil_trunc_frac", lambda m, x: (x.floor(), x.ceil(), x.trunc(), x.frac()), [F]),
    ("div_modes_float", lambda m, x: (m.div(x, 0.7, rounding_mode="floor"),
                                      m.div(x, -0.7, rounding_mode="trunc")), [F]),
    ("floor_divide_float", lambda m, x: (x // 0.7, x // -0.7), [F]),
    ("remainder_float", lambda m, x: (x % 0.7, x % -0.7, m.fmod(x, -0.7)), [F]),
    ("nan_to_num_opts", lambda m, x: (m.nan_to_num(x), m.nan_to_num(x, 1.0, 2.0, -3.0)),
     [SPECIAL]),
    ("isfinite_family", lambda m, x: (x.isnan(), x.isinf(), x.isfinite(), m.isposinf(x),
                                      m.isneginf(x)), [SPECIAL]),
    ("sum_dtype", lambda m, x: (x.float().sum(dtype=m.float64), x.sum(0, dtype=m.float32)),
     [F]),
    ("mean_dtype", lambda m, x: x.float().mean(dtype=m.float64), [F]),
    ("cumsum_dtype", lambda m, x: (x.cumsum(1, dtype=m.float32), (x > 0).cumsum(0)), [F]),
    ("var_std_options", lambda m, x: (x.var(1, correction=2), x.std(0, unbiased=False),
                                      x.var(unbiased=True), m.var_mean(x, 1),
                                      m.std_mean(x, 0, keepdim=True)), [F]),
    ("var_single", lambda m, x: x[:1, :1].var(), [F]),
    ("median_even", lambda m, x: (x.median(), x.median(1)), [F]),
    ("median_ties", lambda m, x: x.median(1), [TIES]),
    ("norm_options", lambda m, x: (x.norm(p=0), x.norm(p=-INF), x.norm(dim=(0, 1)),
                                   x.norm(p=1, dim=1, keepdim=True), x.norm(p=2.5)), [F]),
    ("empty_dim_list", lambda m, x: (x.sum(dim=()), x.mean(dim=[]), x.std(dim=()),
                                     x.norm(dim=()), x.amax(dim=()), x.var(dim=[])), [F]),
    ("empty_reductions", lambda m, x: (x[:0].sum(), x[:0].prod(), x[:0].mean(),
                                       x[:0].sum(0)), [F]),
    ("prod_zero", lambda m, x: (x * (x > 0)).prod(1), [F]),
    ("where_scalars", lambda m, c: (m.where(c > 0, 1, 0), m.where(c > 0, 1.0, 0),
                                    m.where(c > 0, c, 2)), [F]),
    ("unique_float", lambda m, x: m.unique(x.round(), return_inverse=True,
                                           return_counts=True), [F]),
    ("unique_dim", lambda m, x: m.unique(m.cat([x, x[:1]]), dim=0), [F]),
    ("isclose", lambda m, x, y: (m.isclose(x, y), m.isclose(x, x + 1e-9),
                                 m.allclose(x, x + 1e-9)), [F, F[::-1].copy()]),
    ("nonzero_0d", lambda m, x: (m.nonzero(x[0, 0]), m.nonzero(x[0, 0], as_tuple=True)), [F]),
    ("cumprod_zero_value", lambda m, x: (x * (x > 0)).cumprod(1), [F]),
    ("count_argsort", lambda m, x: (m.count_nonzero(x), x.argsort(1, descending=True)), [F]),
    ("kthvalue_keepdim", lambda m, x: m.kthvalue(x, 2, 1, keepdim=True), [F]),
    ("repeat_interleave_tensor", lambda m, x: x.repeat_interleave(m.tensor([1, 0, 2, 1]), 1),
     [F]),
    ("diag", lambda m, x: (m.diag(x), m.diag(x[0]), m.diag(x, 1)), [F]),
    ("triu_tril_neg", lambda m, x: (x.tril(-1), x.triu(2), m.tril(x, 5)), [F]),
    ("hstack_vstack", lambda m, x: (m.hstack([x, x]), m.vstack([x[0], x[1]])), [F]),
    ("movedim_multi", lambda m, x: x[None].movedim((0, 1), (2, 0)), [F]),
    ("swapaxes_fliplr", lambda m, x: (x.swapaxes(0, 1), m.fliplr(x), m.flipud(x)), [F]),
    ("tile", lambda m, x: (m.tile(x, (2,)), x.tile((2, 1, 1)), x.tile(2, 1)), [F]),
    ("squeeze_dims", lambda m, x: (x[None, :, None].squeeze(0, 2), x[None].squeeze((0, 1))),
     [F]),
    ("take_along_dim", lambda m, x: m.take_along_dim(x, x.argsort(1), 1), [F]),
    ("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x[:, :1], y[0]), [F, F]),
    ("addmv_baddbmm", lambda m, x: (m.addmv(x[:, 0], x, x[0], beta=0.5),
                                    m.baddbmm(x[None, :, :2], x[None], x.t()[None, :, :2],
                                              alpha=2.0)), [F]),
    ("outer_inner", lambda m, x: (m.outer(x[0], x[1]), m.inner(x[0], x[1]), m.inner(x, x),
                                  m.inner(x[None], x[0]), m.inner(x, x[0, 0])), [F]),
    ("searchsorted", lambda m, x: (m.searchsorted(x.sort().values, x),
                                   m.searchsorted(x[0].sort().values, x, right=True),
                                   m.searchsorted(x[0].sort().values, 0.1)), [F]),
    ("logical_float", lambda m, x: (m.logical_and(x, x > 1), m.logical_not(x)), [F]),
    ("sigmoid_extreme", lambda m, x: (x * 1000).sigmoid(), [F]),
    ("exp_overflow", lambda m, x: (x * 1000).exp(), [F]),
    ("erf_tanh", lambda m, x: (x.erf(), x.tanh(), (x * 100).tanh()), [F]),
    ("signbit_isin", lambda m, x: (x.signbit(), m.isin(x, x[0]), m.isin(x, m.tensor([0.0, 3.5]))),
     [np.array([[0.0, -0.0, 1.5], [-2.0, 3.5, NAN]])]),
    ("xlogy_zero", lambda m, x, y: m.xlogy(x, y), [np.array([0.0, 0.0, 2.0, 0.0]),
                                                     np.array([0.0, NAN, 3.0, 5.0])]),
    ("logaddexp_inf", lambda m, x, y: m.logaddexp(x, y), [np.array([-INF, 1000.0, INF]),
                                                          np.array([-INF, 1000.0, 1.0])]),
    ("int_composites", lambda m, a: (a.diagonal(), m.trace(a), m.diag(a[0]), a.diff(),
                                     a.rot90(), a.tensor_split(2), a.deg2rad(),
                                     a.index_add(0, m.tensor([1]), a[:1]),
                                     a.index_fill(1, m.tensor([0]), 7)),
     [np.arange(12).reshape(3, 4)]),
]


@pytest.mark.parametrize("name,fn,arrays", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_special_values_and_options(name, fn, arrays):
    run = []
    for m in (tocha, torch):
        try:
            run.append(flat(fn(m, *[m.tensor(a) for a in arrays])))
        except Exception as e:      # noqa: BLE001 - compared by type
            run.append(e)
    to, po = run
    if isinstance(po, Exception):
        assert isinstance(to, type(po)), f"tocha {to!r} vs torch {po!r}"
        return
    assert not isinstance(to, Exception), f"tocha raised {to!r}"
    assert len(to) == len(po)
    for k, (a, b) in enumerate(zip(to, po)):
        assert_same(a, b, 1e-6, 1e-6, f"{name} output {k}")
