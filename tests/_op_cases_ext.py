"""Op cases for the Tensor methods and torch functions added for issue 8 (in-place variants,
scatter-style reductions, cummax, nanquantile, ...), in the format of the shared table
(tests/_op_cases.py): `fn(m, *inputs)` runs unchanged on `m = tocha` and `m = torch`.
Used by tests/test_breadth_ops.py (gradchecks) and tests/oracle/test_breadth_oracle.py."""
from __future__ import annotations

from _op_cases import MASK34, Case, D, G, L, M, P, R, U

I24 = [[0, 2, 1, 0], [2, 2, 0, 1]]          # scatter index (2, 4) into a (3, 4) input, dim 0
I34 = [[1, 0], [2, 2], [0, 3]]              # (3, 2) index into a (3, 4) input, dim 1


def _ip(name, *args, **kw):
    """`x.clone().<name>(*args)`: an in-place method on a graph tensor (gradients flow
    through the in-place change, as in PyTorch)."""
    def fn(m, x, *ts):
        return getattr(x.clone(), name)(*ts, *args, **kw)
    return fn


def _sr(reduce, inc, dim=0):
    return lambda m, x, i, s: x.scatter_reduce(dim, i, s, reduce, include_self=inc)


def _ir(reduce, inc):
    return lambda m, x, i, s: m.index_reduce(x, 0, i, s, reduce, include_self=inc)


def _nq(how):
    return lambda m, x: m.nanquantile(x, 0.4, 1, interpolation=how)


def _view_t_(m, x):
    y = x.clone() * 1
    y[0].t_()
    return y


EXT_CASES = [
    # ---------------------------------------------------------------- in-place variants
    Case("absolute_", _ip("absolute_"), R(3, 4)),
    Case("acosh_", _ip("acosh_"), G(3, 4)),
    Case("arccos_", _ip("arccos_"), U(3, 4)),
    Case("arcsinh_", _ip("arcsinh_"), R(3, 4)),
    Case("atanh_", _ip("atanh_"), U(3, 4)),
    Case("arctan2_", _ip("arctan2_"), R(3, 4), R(4)),
    Case("multiply_", _ip("multiply_"), R(3, 4), R(3, 1)),
    Case("subtract_alpha", _ip("subtract_", alpha=2.5), R(3, 4), R(4)),
    Case("true_divide_", _ip("true_divide_"), R(3, 4), P(3, 4)),
    Case("divide_", _ip("divide_"), R(2, 3), P()),
    Case("negative_", _ip("negative_"), R(3, 4)),
    Case("float_power_", _ip("float_power_"), P(3, 4), R(3, 4), f32=False),
    Case("cumsum_", _ip("cumsum_", 1), R(3, 4)),
    Case("cumprod_", _ip("cumprod_", 0), R(3, 4)),
    Case("addmm_", _ip("addmm_", beta=0.5, alpha=2.0), R(2, 3), R(2, 4), R(4, 3)),
    Case("addmv_", _ip("addmv_"), R(2), R(2, 3), R(3)),
    Case("baddbmm_", _ip("baddbmm_"), R(2, 2, 3), R(2, 2, 4), R(2, 4, 3)),
    Case("addbmm_", _ip("addbmm_", alpha=0.5), R(2, 3), R(4, 2, 5), R(4, 5, 3)),
    Case("addr_", _ip("addr_", beta=2.0), R(3, 2), R(3), R(2)),
    Case("copysign_", _ip("copysign_"), R(3, 4), R(4)),
    Case("ldexp_", _ip("ldexp_"), R(3, 4), R(3, 4, grad=False)),
    Case("renorm_", _ip("renorm_", 2, 0, 1.0), R(3, 4)),
    Case("t_", _ip("t_"), R(3, 4)),
    Case("transpose_", _ip("transpose_", 0, 2), R(2, 3, 4)),
    Case("swapaxes_", _ip("swapaxes_", 1, 0), R(2, 3)),
    Case("squeeze_", _ip("squeeze_", 1), R(3, 1, 2)),
    Case("unsqueeze_", _ip("unsqueeze_", -1), R(3, 2)),
    Case("unsqueeze_0d", _ip("unsqueeze_", 0), R()),
    Case("fill_diagonal_", _ip("fill_diagonal_", 2.0), R(3, 4)),
    Case("fill_diagonal_wrap", _ip("fill_diagonal_", -1.0, wrap=True), R(7, 3)),
    Case("masked_scatter_", lambda m, x, k, s: x.clone().masked_scatter_(k, s), R(3, 4),
         M(MASK34), R(7)),
    Case("put_", lambda m, x, i, s: x.clone().put_(i, s), R(3, 4), L([0, 5, -1]), R(3)),
    Case("put_acc_", lambda m, x, i, s: x.clone().put_(i, s, accumulate=True), R(3, 4),
         L([1, 1, 7]), R(3)),
    Case("scatter_reduce_", lambda m, x, i, s: x.clone().scatter_reduce_(0, i, s, "amax"),
         R(3, 4), L(I24), R(2, 4)),
    Case("index_reduce_", lambda m, x, i, s: x.clone().index_reduce_(1, i, s, "prod"),
         R(3, 4), L([3, 0, 3]), R(3, 3)),
    Case("inplace_on_view_t_", _view_t_, R(2, 3, 4)),
    # ---------------------------------------------------------------- scatter-style ops
    *[Case(f"scatter_reduce_{r}_{int(inc)}", _sr(r, inc), R(3, 4), L(I24), R(2, 4))
      for r in ("sum", "mean", "prod", "amax", "amin") for inc in (True, False)],
    Case("scatter_reduce_dim1", _sr("mean", True, 1), R(3, 4), L(I34), R(3, 2)),
    Case("scatter_reduce_1d", lambda m, x, i, s: m.scatter_reduce(x, 0, i, s, "sum"),
         R(3), L([2, 2, 0, 1]), R(4)),
    Case("scatter_reduce_prod_zero",
         lambda m, x, i, s: x.scatter_reduce(0, i, s * m.tensor([1., 0., 1., 0.],
                                                             dtype=s.dtype), "prod"),
         R(3), L([2, 2, 0, 2]), R(4)),
    *[Case(f"index_reduce_{r}_{int(inc)}", _ir(r, inc), R(3, 2), L([0, 2, 0, 0]), R(4, 2))
      for r in ("prod", "mean", "amax", "amin") for inc in (True, False)],
    Case("masked_scatter", lambda m, x, k, s: m.masked_scatter(x, k, s), R(3, 4), M(MASK34),
         R(2, 5)),
    Case("masked_scatter_bcast", lambda m, x, k, s: x.masked_scatter(k, s), R(3, 4),
         M([True, False, False, True]), R(6)),
    Case("masked_scatter_bcast_self", lambda m, x, k, s: m.masked_scatter(x, k, s), R(4),
         M(MASK34), R(6)),
    Case("put", lambda m, x, i, s: x.put(i, s), R(2, 3), L([[0, 4], [5, -5]]), R(2, 2)),
    Case("put_acc", lambda m, x, i, s: m.put(x, i, s, accumulate=True), R(2, 3),
         L([1, 1, 1]), R(3)),
    Case("as_strided_scatter", lambda m, x, s: m.as_strided_scatter(x, s, (2, 2), (1, 3), 1),
         R(3, 3), R(2, 2)),
    # ---------------------------------------------------------------- math
    Case("cummax", lambda m, x: m.cummax(x, 1), D(3, 4)),
    Case("cummin", lambda m, x: x.cummin(0), D(3, 4)),
    Case("cummax_0d", lambda m, x: m.cummax(x, 0), R()),
    Case("frexp", lambda m, x: m.frexp(x), R(3, 4)),
    Case("mode", lambda m, x: m.mode(x, 1), D(3, 4)),
    Case("mode_keepdim", lambda m, x: x.mode(0, keepdim=True), D(3, 4)),
    Case("nanmedian", lambda m, x: m.nanmedian(x), D(3, 4)),
    Case("nanmedian_dim", lambda m, x: x.nanmedian(1, keepdim=True), D(3, 4)),
    Case("nanquantile", lambda m, x: m.nanquantile(x, 0.3), D(3, 4)),
    Case("nanquantile_dim", lambda m, x: x.nanquantile(0.75, dim=0, keepdim=True), D(3, 4)),
    Case("nanquantile_qvec",
         lambda m, x: m.nanquantile(x, m.tensor([0.1, 0.5, 1.0], dtype=x.dtype), dim=1),
         D(3, 4)),
    *[Case(f"nanquantile_{how}", _nq(how), D(3, 5))
      for how in ("lower", "higher", "midpoint", "nearest")],
    # ---------------------------------------------------------------- now Tensor methods too
    Case("m_kron", lambda m, x, y: x.kron(y), R(2, 3), R(2, 2)),
    Case("m_addr", lambda m, x, a, b: x.addr(a, b, alpha=2.0), R(3, 2), R(3), R(2)),
    Case("m_addbmm", lambda m, x, a, b: x.addbmm(a, b), R(2, 3), R(4, 2, 5), R(4, 5, 3)),
    Case("m_dist", lambda m, x, y: x.dist(y, 3), R(3, 4), R(4)),
    Case("m_cov", lambda m, x: x.cov(), R(3, 5)),
    Case("m_corrcoef", lambda m, x: x.corrcoef(), R(3, 5)),
    Case("m_logaddexp2", lambda m, x, y: x.logaddexp2(y), R(3, 4), R(4)),
    Case("m_logcumsumexp", lambda m, x: x.logcumsumexp(1), R(3, 4)),
    Case("m_diag_embed", lambda m, x: x.diag_embed(1), R(2, 3)),
    Case("m_diagflat", lambda m, x: x.diagflat(-1), R(2, 2)),
    Case("m_diagonal_scatter", lambda m, x, s: x.diagonal_scatter(s, 1), R(3, 4), R(3)),
    Case("m_select_scatter", lambda m, x, s: x.select_scatter(s, 1, 2), R(3, 4), R(3)),
    Case("m_slice_scatter", lambda m, x, s: x.slice_scatter(s, 1, 0, 4, 2), R(3, 4), R(3, 2)),
    Case("m_renorm", lambda m, x: x.renorm(1, 1, 0.5), R(3, 4)),
    Case("m_prelu", lambda m, x, w: x.prelu(w), R(2, 3, 4), P(3)),
    Case("m_hardshrink", lambda m, x: x.hardshrink(0.3), R(3, 4)),
    Case("m_sum_to_size", lambda m, x: x.sum_to_size(1, 4), R(3, 4)),
    Case("m_sum_to_size_lead", lambda m, x: x.sum_to_size((4,)), R(2, 3, 4)),
    Case("m_quantile", lambda m, x: x.quantile(0.25, dim=1), D(3, 4)),
    Case("m_adjoint", lambda m, x: x.adjoint(), R(2, 3, 4)),
    Case("m_split_with_sizes", lambda m, x: x.split_with_sizes([1, 3], 1), R(3, 4)),
    Case("m_hsplit", lambda m, x: x.hsplit(2), R(3, 4)),
    Case("m_vsplit", lambda m, x: x.vsplit([1]), R(3, 4)),
    Case("m_dsplit", lambda m, x: x.dsplit(2), R(2, 3, 4)),
    Case("m_narrow_copy", lambda m, x: x.narrow_copy(1, 1, 2), R(3, 4)),
    Case("m_unsafe_chunk", lambda m, x: x.unsafe_chunk(2, 0), R(4, 3)),
    Case("m_copysign", lambda m, x, y: x.copysign(y), R(3, 4), R(3, 4)),
    # ---------------------------------------------------------------- torch-level forms
    Case("slice_copy", lambda m, x: m.slice_copy(x, 1, 1, None, 2), R(3, 5)),
    Case("as_strided_copy", lambda m, x: m.as_strided_copy(x, (2, 2), (1, 2)), R(3, 4)),
    Case("norm_except_dim", lambda m, x: m.norm_except_dim(x, 2, 1), R(3, 4)),
    Case("norm_except_dim_all", lambda m, x: m.norm_except_dim(x, 3, -1), R(3, 4)),
    Case("nuclear_norm", lambda m, x: m.nuclear_norm(x), D(3, 4)),
    Case("segment_reduce_sum", lambda m, x, n: m.segment_reduce(x, "sum", lengths=n),
         R(6), L([2, 0, 3, 1])),
    Case("segment_reduce_max", lambda m, x, n: m.segment_reduce(x, "max", offsets=n), D(5, 2),
         L([0, 2, 5])),
    Case("segment_reduce_mean", lambda m, x, n: m.segment_reduce(x, "mean", lengths=n),
         R(4, 3), L([1, 3])),
]
