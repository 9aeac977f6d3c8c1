"""torch.native_batch_norm/layer_norm/group_norm, batch_norm_update_stats, native_norm,
norm_except_dim, nuclear_norm and the SyncBatchNorm kernels against PyTorch 2.13: values,
dtypes, shapes, requires_grad of each output, gradients."""
import numpy as np
import pytest
import torch

import tocha

RNG = np.random.default_rng(1)
X = RNG.standard_normal((4, 3, 5))
W, B = RNG.standard_normal(3), RNG.standard_normal(3)


def both(fn, *arrays, grad=True):
    """fn(module, *tensors) under tocha and torch: (outputs, input grads) of each."""
    res = []
    for m in (tocha, torch):
        ts = [m.tensor(a, requires_grad=grad) for a in arrays]
        out = fn(m, *ts)
        outs = out if isinstance(out, tuple) else (out,)
        if grad:
            loss = sum((o * m.arange(o.numel(), dtype=o.dtype).reshape(o.shape)).sum()
                       for o in outs if o.requires_grad)
            loss.backward()
        res.append((outs, [tt.grad for tt in ts]))
    return res


def check(res, atol=1e-10):
    (a, ga), (b, gb) = res
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert tuple(x.shape) == tuple(y.shape) and str(x.dtype)[6:] == str(y.dtype)[6:]
        assert x.requires_grad == y.requires_grad
        np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), atol=atol)
    for x, y in zip(ga, gb):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x.numpy(), y.numpy(), atol=atol)


@pytest.mark.parametrize("training", [True, False])
def test_native_batch_norm(training):
    def f(m, x, w, b):
        rm, rv = m.zeros(3, dtype=m.float64), m.ones(3, dtype=m.float64)
        out = m.native_batch_norm(x, w, b, rm, rv, training, 0.1, 1e-5)
        return out + (rm, rv)
    check(both(f, X, W, B))


def test_native_layer_norm():
    check(both(lambda m, x, w, b: m.native_layer_norm(x, [3, 5], w, b, 1e-5), X,
               RNG.standard_normal((3, 5)), RNG.standard_normal((3, 5))))


def test_native_group_norm():
    check(both(lambda m, x, w, b: m.native_group_norm(x, w, b, 4, 3, 5, 3, 1e-5), X, W, B))
    check(both(lambda m, x: m.native_group_norm(x, None, None, 4, 3, 5, 1, 1e-5), X))


def test_batch_norm_update_stats():
    def f(m, x):
        rm, rv = m.zeros(3, dtype=m.float64), m.ones(3, dtype=m.float64)
        return m.batch_norm_update_stats(x, rm, rv, 0.2) + (rm, rv)
    check(both(f, X, grad=False))


@pytest.mark.parametrize("args", [(2, -1), (2, 0), (3, 1), (2, 2), (1, -2)])
def test_norm_except_dim(args):
    check(both(lambda m, x: m.norm_except_dim(x, *args), X))


@pytest.mark.parametrize("args", [(), (True,), ([0, 2],), ([2, 1], True)])
def test_nuclear_norm(args):
    check(both(lambda m, x: m.nuclear_norm(x, *args), X), atol=1e-9)


@pytest.mark.parametrize("p", [2, 1, 3.5])
def test_native_norm_matches_sparse(p):
    want = torch.native_norm(torch.tensor(X).to_sparse(), p)
    got = tocha.native_norm(tocha.tensor(X), p)
    np.testing.assert_allclose(got.numpy(), want.numpy())
    assert got.dtype == tocha.float64


def test_sync_kernels_against_pytorch_batch_norm():
    """The CUDA-only kernels, run over 2 'processes', equal PyTorch's batch norm and grads."""
    x, w, b, dy = (tocha.tensor(a) for a in (X, W, B, RNG.standard_normal(X.shape)))
    halves = x.chunk(2)
    st = [tocha.batch_norm_stats(h, 1e-5) for h in halves]
    counts = tocha.tensor([10.0, 10.0], dtype=tocha.float64)
    gm, gi = tocha.batch_norm_gather_stats_with_counts(
        x, tocha.stack([s[0] for s in st]), tocha.stack([s[1] for s in st]), None, None, 0.1,
        1e-5, counts)
    y = tocha.cat([tocha.batch_norm_elemt(h, w, b, gm, gi, 1e-5) for h in halves])
    tx, tw = torch.tensor(X, requires_grad=True), torch.tensor(W, requires_grad=True)
    ty = torch.nn.functional.batch_norm(tx, None, None, tw, torch.tensor(B), True)
    ty.backward(torch.tensor(dy.numpy()))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    red = [tocha.batch_norm_backward_reduce(g, h, gm, gi, w, True, True, True)
           for g, h in zip(dy.chunk(2), halves)]
    sdy, sdx = sum(r[0] for r in red), sum(r[1] for r in red)
    gx = tocha.cat([tocha.batch_norm_backward_elemt(g, h, gm, gi, w, sdy, sdx, counts)
                    for g, h in zip(dy.chunk(2), halves)])
    np.testing.assert_allclose(gx.numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(sum(r[2] for r in red).numpy(), tw.grad.numpy(), atol=1e-12)
