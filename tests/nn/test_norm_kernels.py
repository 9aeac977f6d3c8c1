"""torch.native_*_norm, the SyncBatchNorm kernels and native_norm / norm_except_dim /
nuclear_norm: gradients (float64 gradcheck/gradgradcheck), shapes, errors, and agreement of
the SyncBatchNorm kernels with one-process batch norm."""
import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t(*shape, grad=True):
    return tocha.tensor(RNG.standard_normal(shape), requires_grad=grad)


def test_native_batch_norm_grads_and_stats():
    x, w, b = t(4, 3, 2), t(3), t(3)
    assert gradcheck(lambda x, w, b: tocha.native_batch_norm(
        x, w, b, None, None, True, 0.1, 1e-5)[0], (x, w, b))
    assert gradgradcheck(lambda x, w: tocha.native_batch_norm(
        x, w, None, None, None, True, 0.1, 1e-5)[0], (x, w))
    _, m, s = tocha.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-5)
    xa = x.detach().numpy()
    np.testing.assert_allclose(m.numpy(), xa.mean((0, 2)))
    np.testing.assert_allclose(s.numpy(), 1 / np.sqrt(xa.var((0, 2)) + 1e-5))
    assert not m.requires_grad and not s.requires_grad
    rm, rv = tocha.zeros(3, dtype=tocha.float64), tocha.ones(3, dtype=tocha.float64)
    _, m, s = tocha.native_batch_norm(x, w, b, rm, rv, False, 0.1, 1e-5)
    assert m.shape == (0,) and s.shape == (0,)
    with pytest.raises(RuntimeError, match="running_mean"):
        tocha.native_batch_norm(x, w, b, None, None, False, 0.1, 1e-5)


def test_native_layer_and_group_norm():
    x, w, b = t(2, 3, 4), t(4), t(4)
    assert gradcheck(lambda x, w, b: tocha.native_layer_norm(x, [4], w, b, 1e-5)[0],
                     (x, w, b))
    _, m, r = tocha.native_layer_norm(x, [4], w, b, 1e-5)
    assert m.shape == (2, 3, 1) and r.shape == (2, 3, 1)
    np.testing.assert_allclose(m.numpy(), x.detach().numpy().mean(-1, keepdims=True))
    gw, gb = t(3), t(3)
    _, m, r = tocha.native_group_norm(x, gw, gb, 2, 3, 4, 3, 1e-5)
    assert m.shape == (2, 3) and m.requires_grad
    assert gradcheck(lambda x: sum(o.sum() for o in tocha.native_group_norm(
        x, None, None, 2, 3, 4, 1, 1e-5)), (x,))
    with pytest.raises(RuntimeError, match="N \\* C \\* HxW"):
        tocha.native_group_norm(x, None, None, 2, 3, 5, 1, 1e-5)


def _sync_pieces(x, w, b, parts):
    """Forward and backward of batch norm split over `parts` processes via the kernels."""
    chunks = x.chunk(parts)
    stats = [tocha.batch_norm_stats(c, 1e-5) for c in chunks]
    mean = tocha.stack([s[0] for s in stats])
    invstd = tocha.stack([s[1] for s in stats])
    counts = tocha.tensor([float(c.shape[0] * c.shape[2]) for c in chunks],
                          dtype=tocha.float64)
    gm, gi = tocha.batch_norm_gather_stats_with_counts(x, mean, invstd, None, None, 0.1, 1e-5,
                                                       counts)
    return gm, gi, counts, tocha.cat([tocha.batch_norm_elemt(c, w, b, gm, gi, 1e-5)
                                      for c in chunks])


def test_sync_kernels_match_one_process_batch_norm():
    x, w, b = t(6, 3, 2, grad=False), t(3, grad=False), t(3, grad=False)
    gm, gi, counts, y = _sync_pieces(x, w, b, 3)
    ref = tocha.nn.functional.batch_norm(x, None, None, w, b, True)
    np.testing.assert_allclose(y.numpy(), ref.numpy(), atol=1e-12)
    dy = t(6, 3, 2, grad=False)
    parts = [tocha.batch_norm_backward_reduce(g, c, gm, gi, w, True, True, True)
             for g, c in zip(dy.chunk(3), x.chunk(3))]
    sum_dy = sum(p[0] for p in parts)
    sum_dy_xmu = sum(p[1] for p in parts)
    gx = tocha.cat([tocha.batch_norm_backward_elemt(g, c, gm, gi, w, sum_dy, sum_dy_xmu, counts)
                    for g, c in zip(dy.chunk(3), x.chunk(3))])
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()
    tocha.nn.functional.batch_norm(xr, None, None, wr, b, True).backward(dy)
    np.testing.assert_allclose(gx.numpy(), xr.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(sum(p[2] for p in parts).numpy(), wr.grad.numpy(), atol=1e-12)
    r = tocha.batch_norm_backward_reduce(dy, x, gm, gi, None, False, True, False)
    assert r == (None, None, None, None)


def test_gather_stats_running_update_and_count_form():
    x = t(8, 2, grad=False)
    m, s = tocha.batch_norm_stats(x, 1e-5)
    rm, rv = tocha.zeros(2, dtype=tocha.float64), tocha.ones(2, dtype=tocha.float64)
    gm, gi = tocha.batch_norm_gather_stats(x, tocha.stack([m, m]), tocha.stack([s, s]), rm,
                                           rv, 0.1, 1e-5, 8)
    np.testing.assert_allclose(gm.numpy(), m.numpy())
    np.testing.assert_allclose(gi.numpy(), s.numpy())
    var = x.numpy().var(0)
    np.testing.assert_allclose(rv.numpy(), 0.9 + 0.1 * var * 16 / 15)
    rm2, rv2 = tocha.zeros(2, dtype=tocha.float64), tocha.ones(2, dtype=tocha.float64)
    _, v = tocha.batch_norm_update_stats(x, rm2, rv2, 0.1)
    np.testing.assert_allclose(v.numpy(), var)
    np.testing.assert_allclose(rv2.numpy(), 0.9 + 0.1 * var * 8 / 7)
    with pytest.raises(RuntimeError, match="world_size"):
        tocha.batch_norm_gather_stats_with_counts(x, m, s, None, None, 0.1, 1e-5,
                                                  tocha.ones(2))


def test_kernel_grads():
    x, w = t(4, 2, 3), t(2)
    m, s = t(2), t(2).abs()
    assert gradcheck(lambda x, w, m, s: tocha.batch_norm_elemt(x, w, None, m, s, 1e-5),
                     (x, w, m, s))
    assert gradgradcheck(lambda x: tocha.batch_norm_stats(x, 1e-5)[1], (x,))


def test_norms():
    x = t(3, 4, 2)
    assert gradcheck(lambda x: tocha.norm_except_dim(x, 2, 1), (x,))
    assert gradcheck(lambda x: tocha.norm_except_dim(x, 3, 0), (x,))
    assert gradgradcheck(lambda x: tocha.norm_except_dim(x, 2, 2), (x,))
    assert tocha.norm_except_dim(x, 2, -1).shape == ()
    assert tocha.norm_except_dim(x, 2, -2).shape == (1, 4, 1)
    with pytest.raises(IndexError, match="out of range"):
        tocha.norm_except_dim(x, 2, 5)
    with pytest.raises(TypeError, match="must be int"):
        tocha.norm_except_dim(x, 1.5, 0)
    assert gradcheck(lambda x: tocha.nuclear_norm(x, [0, 2], True), (x,))
    assert tocha.nuclear_norm(x).shape == (3,)
    assert tocha.nuclear_norm(x, True).shape == (3, 1, 1)
    o = tocha.empty(0, dtype=tocha.float64)
    assert tocha.nuclear_norm(x[0], out=o) is o and o.shape == ()
    np.testing.assert_allclose(tocha.nuclear_norm(x[0]).item(),
                               np.linalg.norm(x[0].detach().numpy(), "nuc"))
    np.testing.assert_allclose(tocha.native_norm(x, 3).item(),
                               (np.abs(x.detach().numpy()) ** 3).sum() ** (1 / 3))
    assert gradcheck(lambda x: tocha.native_norm(x), (x,))
    with pytest.raises(RuntimeError, match="full reductions"):
        tocha.native_norm(x, 2, [1], False, None)
    with pytest.raises(TypeError, match="Number"):
        tocha.native_norm(x, None)


def test_bad_inputs():
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tocha.batch_norm_stats(t(3), 1e-5)
    with pytest.raises(RuntimeError, match="floating point"):
        tocha.batch_norm_stats(tocha.ones(2, 2, dtype=tocha.int64), 1e-5)
    with pytest.raises(TypeError, match="must be Tensor"):
        tocha.batch_norm_elemt([1.0], None, None, t(1), t(1), 1e-5)


def test_nuclear_norm_warns_once(monkeypatch):
    import warnings

    from tocha._ops import nn_norm_kernels
    monkeypatch.setattr(nn_norm_kernels, "_NUC_WARNED", False)
    with pytest.warns(UserWarning, match="deprecated"):
        tocha.nuclear_norm(t(3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tocha.nuclear_norm(t(3, 3))
