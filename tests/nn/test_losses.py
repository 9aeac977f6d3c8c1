"""Losses: float64 gradcheck/gradgradcheck, hand-computed values, reductions, errors."""
import math

import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha import nn
from tocha.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t64(*shape, lo=-2.0, hi=2.0, rg=True):
    return tocha.tensor(RNG.uniform(lo, hi, shape), requires_grad=rg)


def test_mse_l1_by_hand():
    x = tocha.tensor([1.0, 2.0, 4.0])
    y = tocha.tensor([0.0, 2.0, 1.0])
    assert F.mse_loss(x, y).item() == pytest.approx((1 + 0 + 9) / 3)
    assert F.mse_loss(x, y, reduction="sum").item() == 10
    assert F.mse_loss(x, y, reduction="none").numpy().tolist() == [1, 0, 9]
    assert F.l1_loss(x, y).item() == pytest.approx(4 / 3)
    assert F.smooth_l1_loss(x, y).item() == pytest.approx((0.5 + 0 + 2.5) / 3)
    assert F.huber_loss(x, y, delta=2.0).item() == pytest.approx((0.5 + 0 + 2 * 2) / 3)
    assert nn.MSELoss(reduction="sum")(x, y).item() == 10


def test_cross_entropy_by_hand():
    x = tocha.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], dtype=tocha.float64)
    t = tocha.tensor([2, 0])
    lse0 = math.log(math.exp(1) + math.exp(2) + math.exp(3))
    l0, l1 = lse0 - 3.0, math.log(3.0)
    assert F.cross_entropy(x, t).item() == pytest.approx((l0 + l1) / 2)
    assert F.cross_entropy(x, t, reduction="sum").item() == pytest.approx(l0 + l1)
    w = tocha.tensor([2.0, 1.0, 0.5], dtype=tocha.float64)
    assert F.cross_entropy(x, t, weight=w).item() == pytest.approx((0.5 * l0 + 2 * l1) / 2.5)
    assert F.cross_entropy(x, tocha.tensor([2, -100])).item() == pytest.approx(l0)
    assert F.cross_entropy(x[0], tocha.tensor(2)).item() == pytest.approx(l0)
    # all targets ignored: 0/0 = nan, as in PyTorch
    assert math.isnan(F.cross_entropy(x, tocha.tensor([-100, -100])).item())


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", [{}, {"ignore_index": 1}, {"label_smoothing": 0.2},
                                {"weight": True}, {"weight": True, "ignore_index": 0,
                                                   "label_smoothing": 0.1}])
def test_cross_entropy_gradcheck(red, kw):
    kw = dict(kw)
    if kw.get("weight"):
        kw["weight"] = tocha.tensor([0.5, 2.0, 1.0, 1.5], dtype=tocha.float64)
    x = t64(5, 4)
    t = tocha.tensor([0, 1, 3, 1, 2])
    f = (lambda u: F.cross_entropy(u, t, reduction=red, **kw))
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))
    x3 = t64(2, 4, 3)
    t3 = tocha.tensor([[0, 1, 3], [2, 2, 1]])
    assert gradcheck(lambda u: F.cross_entropy(u, t3, reduction=red, **kw), (x3,))


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_nll_and_prob_targets_gradcheck(red):
    x = t64(4, 3)
    t = tocha.tensor([0, 2, 1, 2])
    assert gradcheck(lambda u: F.nll_loss(u, t, reduction=red), (x,))
    assert gradgradcheck(lambda u: F.nll_loss(u, t, reduction=red), (x,))
    p = F.softmax(t64(4, 3, rg=False), 1)
    assert gradcheck(lambda u: F.cross_entropy(u, p, reduction=red), (x,))
    assert gradcheck(lambda u: F.cross_entropy(u, p, reduction=red, label_smoothing=0.3),
                     (x,))


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_other_losses_gradcheck(red):
    x, y = t64(3, 4), t64(3, 4)
    for f in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.huber_loss):
        assert gradcheck(lambda u, v: f(u, v, reduction=red), (x, y))  # noqa: B023
    assert gradgradcheck(lambda u, v: F.mse_loss(u, v, reduction=red), (x, y))
    prob = t64(3, 4, lo=0.05, hi=0.95)
    tgt = t64(3, 4, lo=0.0, hi=1.0, rg=False)
    assert gradcheck(lambda u: F.binary_cross_entropy(u, tgt, reduction=red), (prob,))
    pw = tocha.tensor([1.0, 2.0, 0.5, 3.0], dtype=tocha.float64)
    assert gradcheck(lambda u: F.binary_cross_entropy_with_logits(u, tgt, reduction=red,
                                                                  pos_weight=pw), (x,))
    assert gradgradcheck(lambda u: F.binary_cross_entropy_with_logits(u, tgt, reduction=red),
                         (x,))
    lp = F.log_softmax(x, 1)
    q = F.softmax(t64(3, 4, rg=False), 1)
    assert gradcheck(lambda u: F.kl_div(F.log_softmax(u, 1), q, reduction="sum"), (x,))
    assert lp.shape == (3, 4)


def test_bce_with_logits_stable_and_by_hand():
    z = tocha.tensor([-100.0, 0.0, 100.0])
    t = tocha.tensor([0.0, 1.0, 1.0])
    out = F.binary_cross_entropy_with_logits(z, t, reduction="none").numpy()
    np.testing.assert_allclose(out, [0.0, math.log(2.0), 0.0], atol=1e-6)
    p = tocha.tensor([0.0, 1.0])
    out = F.binary_cross_entropy(p, tocha.tensor([1.0, 0.0]), reduction="none").numpy()
    assert out.tolist() == [100.0, 100.0]          # log clamped at -100


def test_kl_div_by_hand():
    q = tocha.tensor([[0.5, 0.5, 0.0]])
    logp = tocha.tensor([[math.log(0.25), math.log(0.25), math.log(0.5)]])
    v = F.kl_div(logp, q, reduction="batchmean").item()
    assert v == pytest.approx(2 * 0.5 * math.log(2.0), rel=1e-6)
    v2 = F.kl_div(logp, q.clamp_min(1e-30).log(), reduction="batchmean", log_target=True)
    assert v2.item() == pytest.approx(v, rel=1e-5)


def test_loss_errors():
    x = tocha.randn(3, 5)
    with pytest.raises(IndexError, match="cross_entropy: target class 7 out of range for 5 "
                                         "classes"):
        F.cross_entropy(x, tocha.tensor([0, 7, 1]))
    with pytest.raises(IndexError, match="nll_loss: target class -3 out of range"):
        F.nll_loss(x, tocha.tensor([0, -3, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.nll_loss(x, tocha.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        nn.CrossEntropyLoss()(x, tocha.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="to match target batch_size"):
        F.cross_entropy(x, tocha.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5"):
        F.cross_entropy(x, tocha.tensor([0, 1, 2]), weight=tocha.ones(3))
    with pytest.raises(ValueError, match="mea is not a valid value for reduction"):
        F.cross_entropy(x, tocha.tensor([0, 1, 2]), reduction="mea")
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(tocha.tensor([1.5]), tocha.tensor([1.0]))
    with pytest.raises(ValueError, match="Target size"):
        F.binary_cross_entropy_with_logits(tocha.randn(3), tocha.rand(3, 1))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, tocha.tensor([0, 1, 2]), label_smoothing=1.5)


def test_loss_modules_and_legacy_args():
    x = t64(4, 3)
    t = tocha.tensor([0, 1, 2, 1])
    m = nn.CrossEntropyLoss(weight=tocha.ones(3, dtype=tocha.float64), ignore_index=1)
    assert "weight" in dict(m.named_buffers())
    assert m(x, t).shape == ()
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        v = F.mse_loss(x, x * 0, size_average=False)
    assert v.item() == pytest.approx((x.detach().numpy() ** 2).sum())
    assert nn.MSELoss(reduce=False).reduction == "none"
    assert nn.CrossEntropyLoss()(x, t).grad_fn.name() == "NllLossBackward0"


def test_target_dtypes():
    x = t64(3, 4)
    ref = F.cross_entropy(x, tocha.tensor([1, 2, 3])).item()
    assert F.cross_entropy(x, tocha.tensor([1, 2, 3], dtype=tocha.uint8)).item() == ref
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got "
                                           "Int"):
        F.cross_entropy(x, tocha.tensor([1, 2, 3], dtype=tocha.int32))
