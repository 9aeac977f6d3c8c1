"""The torch.* composites of tocha/_torch_extra*.py against PyTorch 2.13: values, dtypes,
shapes and gradients (float64 inputs), and errors."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
V3, W3 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
X1 = rng.standard_normal(5)
POS = rng.uniform(0.5, 2.0, (3, 4))

CASES = [
    ("atleast_1d", lambda m, a: m.atleast_1d(a.sum()), [A]),
    ("atleast_2d", lambda m, a: m.atleast_2d(a[0]), [A]),
    ("atleast_3d", lambda m, a: m.atleast_3d(a), [A]),
    ("atleast_3d_multi", lambda m, a: m.atleast_3d(a[0], a), [A]),
    ("column_stack", lambda m, a: m.column_stack([a[:, 0], a[:, 1], a[:, :1]]), [A]),
    ("row_stack", lambda m, a: m.row_stack([a, a]), [A]),
    ("dstack", lambda m, a: m.dstack([a, a]), [A]),
    ("hsplit", lambda m, a: m.hsplit(a, 2), [A]), ("hsplit_idx", lambda m, a: m.hsplit(a, [1, 3]),
                                                    [A]),
    ("vsplit", lambda m, a: m.vsplit(a, [1]), [A]),
    ("dsplit", lambda m, a: m.dsplit(a.reshape(3, 2, 2), 2), [A]),
    ("block_diag", lambda m, a, b: m.block_diag(a, b[0], a.sum()), [A, B]),
    ("cartesian_prod", lambda m, x: m.cartesian_prod(x[:2], x[2:]), [X1]),
    ("combinations", lambda m, x: m.combinations(x, 2), [X1]),
    ("combinations_rep", lambda m, x: m.combinations(x[:3], 3, with_replacement=True), [X1]),
    ("tensordot", lambda m, a, b: m.tensordot(a, b, 1), [A, B]),
    ("tensordot_pairs", lambda m, a, b: m.tensordot(a, b.T, ([1], [1])), [A, B]),
    ("tensordot_0", lambda m, a, b: m.tensordot(a, b, 0), [A, B]),
    ("kron", lambda m, a, b: m.kron(a, b[:2, :3]), [A, B]),
    ("kron_1d_2d", lambda m, x, a: m.kron(x, a), [X1, A]),
    ("chain_matmul", lambda m, a, b: m.chain_matmul(a, b, b.T), [A, B]),
    ("addbmm", lambda m, a, b: m.addbmm(a, a.reshape(1, 3, 4).expand(2, 3, 4), b[:, :4]
                                       .reshape(1, 4, 4).expand(2, 4, 4), beta=0.5, alpha=2),
     [A, B]),
    ("addr", lambda m, a, x: m.addr(a, x[:3], x[1:], alpha=3), [A, X1]),
    ("adjoint", lambda m, a: m.adjoint(a), [A]),
    ("cross", lambda m, a, b: m.cross(a, b, dim=1), [V3, W3]),
    ("cross_default", lambda m, a, b: m.cross(a.T, b.T), [V3, W3]),
    ("dist", lambda m, a, b: m.dist(a, b, 3), [V3, W3]),
    ("cdist", lambda m, a, b: m.cdist(a, b), [A, B.T[:2]]),
    ("cdist_p1", lambda m, a, b: m.cdist(a, b, p=1), [A, B.T[:2]]),
    ("cov", lambda m, a: m.cov(a), [A]), ("cov_corr0", lambda m, a: m.cov(a, correction=0), [A]),
    ("corrcoef", lambda m, a: m.corrcoef(a), [A]),
    ("logcumsumexp", lambda m, a: m.logcumsumexp(a, 1), [A]),
    ("renorm", lambda m, a: m.renorm(a, 2, 0, 1.0), [A]),
    ("vander", lambda m, x: m.vander(x, 4), [X1]),
    ("vander_inc", lambda m, x: m.vander(x, increasing=True), [X1]),
    ("trapezoid", lambda m, a: m.trapezoid(a), [A]), ("trapz_dx", lambda m, a: m.trapz(a, dx=0.5),
                                                      [A]),
    ("trapezoid_x", lambda m, a, x: m.trapezoid(a, x[:4]), [A, X1]),
    ("cumulative_trapezoid", lambda m, a: m.cumulative_trapezoid(a, dim=0), [A]),
    ("diag_embed", lambda m, a: m.diag_embed(a), [A]),
    ("diag_embed_off", lambda m, a: m.diag_embed(a, 1, 0, 2), [A]),
    ("diag_embed_neg", lambda m, a: m.diag_embed(a, -2), [A]),
    ("diagflat", lambda m, a: m.diagflat(a[:2], -1), [A]),
    ("diagonal_scatter", lambda m, a, x: m.diagonal_scatter(a, x[:3]), [A, X1]),
    ("select_scatter", lambda m, a, x: m.select_scatter(a, x[:4], 0, 1), [A, X1]),
    ("slice_scatter", lambda m, a, b: m.slice_scatter(a, b[:3, :2], 1, 1, 4, 2), [A, B]),
    ("diagonal_copy", lambda m, a: m.diagonal_copy(a), [A]),
    ("permute_copy", lambda m, a: m.permute_copy(a, (1, 0)), [A]),
    ("unbind_copy", lambda m, a: m.unbind_copy(a, 1), [A]),
    ("abs_", lambda m, a: m.abs_(a * 1), [A]), ("fix_", lambda m, a: m.fix_(a * 1), [A]),
    ("clamp_", lambda m, a: m.clamp_(a * 1, -0.5, 0.5), [A]),
    ("hann", lambda m: m.hann_window(8, dtype=m.float64), []),
    ("hamming", lambda m: m.hamming_window(7, periodic=False, dtype=m.float64), []),
    ("blackman", lambda m: m.blackman_window(6, dtype=m.float64), []),
    ("bartlett", lambda m: m.bartlett_window(7, dtype=m.float64), []),
    ("bartlett_odd", lambda m: m.bartlett_window(6, periodic=False, dtype=m.float64), []),
    ("window_1", lambda m: m.hann_window(1), []),
    ("batch_norm", lambda m, a, x: m.batch_norm(a, x[:4], x[1:], None, None, True, 0.1, 1e-5,
                                                False), [A, X1]),
    ("instance_norm", lambda m, a: m.instance_norm(a.reshape(1, 3, 4), None, None, None, None,
                                                   True, 0.1, 1e-5, False), [A]),
    ("kl_div", lambda m, a, p: m.kl_div(a, p, 2), [A, POS]),
    ("margin_ranking", lambda m, a, b: m.margin_ranking_loss(a, b, a.sign(), 0.1, 0), [A, POS]),
    ("hinge_embedding", lambda m, a: m.hinge_embedding_loss(a, a.sign(), 1.0, 1), [A]),
    ("bce_logits", lambda m, a, p: m.binary_cross_entropy_with_logits(a, p / 2, None, None, 1),
     [A, POS]),
    ("poisson_nll", lambda m, a, p: m.poisson_nll_loss(a, p, True, False, 1e-8, 1), [A, POS]),
    ("constant_pad_nd", lambda m, a: m.constant_pad_nd(a, (1, 2), 3.0), [A]),
    ("convolution", lambda m, a, b: m.convolution(a.reshape(1, 3, 4), b[:2, :3].reshape(2, 3, 1),
                                                  None, [1], [0], [1], False, [0], 1), [A, B]),
    ("convolution_t", lambda m, a, b: m.convolution(a.reshape(1, 3, 4), b[:3, :2].reshape(3, 2, 1),
                                                    None, [2], [0], [1], True, [1], 1), [A, B]),
    ("conv_tbc", lambda m, a, b, x: m.conv_tbc(a.reshape(3, 2, 2), b[:2, :4].reshape(2, 2, 2),
                                               x[:2], 1), [A, B, X1]),
    ("rnn_tanh_cell", lambda m, a, b, x: m.rnn_tanh_cell(a, a[:, :2], b[:2, :4], b[2:4, :2],
                                                         x[:2], x[2:4]), [A, B, X1]),
    ("lstm_cell", lambda m, a, b: m.lstm_cell(a, (a[:, :1], a[:, 1:2]), b.T[:4, :4],
                                              b.T[:4, :1]), [A, B]),
    ("gru_cell", lambda m, a, b: m.gru_cell(a, a[:, :1], b.T[:3, :4], b.T[:3, :1]), [A, B]),
    ("cond", lambda m, a: m.cond(a.sum() > 0, lambda t: t + 1, lambda t: t - 1, (a,)), [A]),
    ("while_loop", lambda m, a: m.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t * 2),
                                             (m.tensor(0), a)), [A]),
    ("unravel_index", lambda m: m.unravel_index(m.tensor([5, -1, 7]), (2, 4)), []),
    ("nonzero_static", lambda m, a: m.nonzero_static(a > 0, size=9), [A]),
    ("histc", lambda m, a: m.histc(a, 5, -1, 1), [A]),
    ("bucketize", lambda m, a, x: m.bucketize(a, m.sort(x)[0], right=True), [A, X1]),
    ("feature_dropout_eval", lambda m, a: m.feature_dropout(a, 0.5, False), [A]),
]


def flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


# PyTorch has no heaviside derivative, and its own vander backward fails (in-place cumprod)
NO_GRAD = {"vander", "vander_inc", "heaviside"}


def run(m, fn, arrays, grad=True):
    args = [m.tensor(a, requires_grad=grad) for a in arrays]
    outs = flat(fn(m, *args))
    tensors = [o for o in outs if isinstance(o, m.Tensor)]
    diff = [o for o in tensors if o.requires_grad]
    grads = []
    if diff:
        loss = sum((o * (m.arange(o.numel(), dtype=o.dtype).reshape(o.shape) + 1)).sum()
                   for o in diff)
        gs = m.autograd.grad(loss, args, allow_unused=True)
        grads = [None if g is None else g.numpy() for g in gs]
    return [(str(o.dtype).split(".")[-1], tuple(o.shape), o.detach().numpy()) for o in tensors], \
        grads


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch(name, fn, arrays):
    grad = name not in NO_GRAD
    (ours, g1), (theirs, g2) = run(tocha, fn, arrays, grad), run(torch, fn, arrays, grad)
    assert len(ours) == len(theirs)
    for (d1, s1, v1), (d2, s2, v2) in zip(ours, theirs, strict=True):
        assert (d1, s1) == (d2, s2)
        np.testing.assert_allclose(v1, v2, rtol=1e-9, atol=1e-12)
    assert len(g1) == len(g2)
    for a, b in zip(g1, g2, strict=True):
        if b is None or a is None:  # no gradient and a zero gradient are the same
            assert not np.any(a if b is None else b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_finfo_iinfo_typename_and_predicates():
    for d in ("float32", "float64", "float16", "bfloat16"):
        assert repr(tocha.finfo(getattr(tocha, d))) == repr(torch.finfo(getattr(torch, d)))
        assert tocha.finfo(getattr(tocha, d)).eps == torch.finfo(getattr(torch, d)).eps
    for d in ("uint8", "int8", "int16", "int32", "int64"):
        assert repr(tocha.iinfo(getattr(tocha, d))) == repr(torch.iinfo(getattr(torch, d)))
    assert repr(tocha.finfo()) == repr(torch.finfo())
    for m in (tocha, torch):
        with pytest.raises(TypeError, match="requires a floating point input type"):
            m.finfo(m.int32)
        with pytest.raises(TypeError, match="requires an integer input type"):
            m.iinfo(m.float32)
        with pytest.raises(TypeError, match="not supported by torch.iinfo"):
            m.iinfo(m.bool)
        with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
            m.is_nonzero(m.ones(2))
        with pytest.raises(RuntimeError, match="not divisible by the split_size"):
            m.hsplit(m.ones(2, 3), 2)
    assert tocha.typename(tocha.zeros(1)) == torch.typename(torch.zeros(1))
    assert tocha.typename(1.0) == torch.typename(1.0)
    assert tocha.is_nonzero(tocha.tensor([2])) is torch.is_nonzero(torch.tensor([2]))
    assert tocha.is_signed(tocha.zeros(1, dtype=tocha.uint8)) is False
    assert (tocha.pi, tocha.e, tocha.inf) == (torch.pi, torch.e, torch.inf)
    assert issubclass(tocha.OutOfMemoryError, RuntimeError)


MORE = [
    ("heaviside", lambda m, a: m.heaviside(a, m.tensor([0.5], dtype=m.float64)), [A]),
    ("copysign", lambda m, a, b: m.copysign(a, b[:3, :4]), [A, B]),
    ("logaddexp2", lambda m, a, p: m.logaddexp2(a, p), [A, POS]),
    ("sinc", lambda m, a: m.sinc(a), [A]), ("ldexp", lambda m, a: m.ldexp(a, m.tensor([3])), [A]),
    ("frobenius_norm", lambda m, a: m.frobenius_norm(a, [0, 1]), [A]),
    ("gradient", lambda m, a: m.gradient(a), [A]),
    ("gradient_spacing", lambda m, a: m.gradient(a, spacing=[2.0], dim=1), [A]),
    ("quantile", lambda m, a: m.quantile(a, 0.4), [A]),
    ("quantile_dim", lambda m, a: m.quantile(a, m.tensor([0.25, 0.5], dtype=m.float64), dim=1,
                                             keepdim=True), [A]),
    ("quantile_lower", lambda m, a: m.quantile(a, 0.3, 0, interpolation="lower"), [A]),
    ("quantile_midpoint", lambda m, a: m.quantile(a, 0.3, 1, interpolation="midpoint"), [A]),
    ("quantile_nearest", lambda m, a: m.quantile(a, 0.7, interpolation="nearest"), [A]),
]


@pytest.mark.parametrize("name,fn,arrays", MORE, ids=[c[0] for c in MORE])
def test_more_matches_pytorch(name, fn, arrays):
    test_matches_pytorch(name, fn, arrays)


def test_int_helpers():
    x = np.array([-3, 5, 7])
    for f in ("bitwise_left_shift", "bitwise_right_shift"):
        np.testing.assert_array_equal(getattr(tocha, f)(tocha.tensor(x), 2).numpy(),
                                      getattr(torch, f)(torch.tensor(x), 2).numpy())
    assert bool(tocha.isreal(tocha.ones(2)).all())
    buf = bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")
    np.testing.assert_array_equal(tocha.frombuffer(buf, dtype=tocha.int32).numpy(),
                                  torch.frombuffer(buf, dtype=torch.int32).numpy())
