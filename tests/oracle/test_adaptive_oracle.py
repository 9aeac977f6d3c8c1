"""AdaptiveLogSoftmaxWithLoss and SyncBatchNorm against PyTorch 2.13: seeded parameters,
reprs, outputs, loss, log_prob, predict, gradients, errors; convert_sync_batchnorm."""
import numpy as np
import pytest
import torch

import tocha


def build(m, **kw):
    m.manual_seed(4)
    return m.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, **kw)


@pytest.mark.parametrize("kw", [{}, {"head_bias": True}], ids=str)
def test_adaptive_log_softmax(kw):
    ours, theirs = build(tocha, **kw), build(torch, **kw)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)
    y = np.array([0, 9, 4, 2, 7, 5])
    res = []
    for m, mod in ((tocha, ours), (torch, theirs)):
        xt = m.tensor(x, requires_grad=True)
        out, loss = mod(xt, m.tensor(y))
        loss.backward()
        res.append((out.detach().numpy(), loss.detach().numpy(), xt.grad.numpy(),
                    mod.log_prob(m.tensor(x)).detach().numpy(), mod.predict(m.tensor(x)).numpy(),
                    mod.head.weight.grad.numpy(), mod(m.tensor(x[0]), m.tensor(y[0]))[0].item()))
    for a, b in zip(*res, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for m, mod in ((tocha, ours), (torch, theirs)):
        with pytest.raises(RuntimeError, match="Target values should be in"):
            mod(m.tensor(x), m.tensor([0, 1, 2, 3, 4, 10]))
        with pytest.raises(ValueError, match="cutoffs should be a sequence of unique"):
            m.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])


def test_sync_batch_norm():
    x = np.random.default_rng(2).standard_normal((4, 3, 5)).astype(np.float32)
    res = []
    for m in (tocha, torch):
        net = m.nn.Sequential(m.nn.Conv1d(3, 3, 1), m.nn.BatchNorm1d(3))
        sync = m.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        res.append(repr(sync))
        bn = m.nn.SyncBatchNorm(3)
        out = bn(m.tensor(x))
        res.append(out.detach().numpy())
        res.append(bn.running_var.numpy())
        with pytest.raises(ValueError, match="expected at least 2D input"):
            bn(m.zeros(3))
    assert res[0] == res[3]
    np.testing.assert_allclose(res[1], res[4], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res[2], res[5], rtol=1e-6)


@pytest.mark.parametrize("kw", [{}, {"bias": True, "label_smoothing": 0.1, "ignore_index": 1}],
                         ids=str)
def test_linear_cross_entropy(kw):
    x = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)
    y = np.array([0, 2, 1, 2, 0])
    res = []
    for m in (tocha, torch):
        m.manual_seed(0)
        mod = m.nn.LinearCrossEntropyLoss(4, 3, **kw)
        xt = m.tensor(x, requires_grad=True)
        loss = mod(xt, m.tensor(y))
        loss.backward()
        res.append((repr(mod), loss.item(), xt.grad.numpy()))
    assert res[0][0] == res[1][0]
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-6)
    np.testing.assert_allclose(res[0][2], res[1][2], rtol=1e-5, atol=1e-7)
    tbc = [np.random.default_rng(4).standard_normal(s) for s in ((5, 2, 3), (3, 3, 4), (4,))]
    outs = [m.nn.functional.conv_tbc(*[m.tensor(a) for a in tbc], 1).numpy()
            for m in (tocha, torch)]
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-10, atol=1e-12)
    assert tocha.nn.functional.GRID_SAMPLE_PADDING_MODES == \
        torch.nn.functional.GRID_SAMPLE_PADDING_MODES
