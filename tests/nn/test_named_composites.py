"""Composites that show PyTorch's grad_fn name (tocha/nn/_named.py): one node of that name,
gradients and double backward of the composite itself (float64 gradcheck/gradgradcheck)."""
import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(0)
X = tocha.tensor(rng.standard_normal((3, 4)), requires_grad=True)
T = tocha.tensor(rng.uniform(0.1, 0.9, (3, 4)), requires_grad=True)
P = tocha.tensor(rng.uniform(0.1, 0.9, (3, 4)), requires_grad=True)
W = tocha.tensor(rng.uniform(0.5, 1.5, (4,)), requires_grad=True)

CASES = [
    ("BinaryCrossEntropyWithLogitsBackward0",
     lambda x, t, w: F.binary_cross_entropy_with_logits(x, t, w, pos_weight=w), (X, T, W)),
    ("BinaryCrossEntropyBackward0", lambda p, t: F.binary_cross_entropy(p, t), (P, T)),
    ("SmoothL1LossBackward0", lambda x, t: F.smooth_l1_loss(x, t, beta=0.5), (X, T)),
    ("HuberLossBackward0", lambda x, t: F.huber_loss(x, t, reduction="sum"), (X, T)),
    ("SoftMarginLossBackward0", lambda x, t: F.soft_margin_loss(x, t), (X, T)),
    ("SoftshrinkBackward0", lambda x: F.softshrink(x, 0.3), (X,)),
    ("HardshrinkBackward0", lambda x: F.hardshrink(x, 0.3), (X,)),
    ("GluBackward0", lambda x: F.glu(x, 1), (X,)),
    ("PreluKernelBackward0", lambda x, w: F.prelu(x, w), (X, W)),
]


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_name_and_gradients(name, fn, args):
    out = fn(*args)
    assert out.grad_fn.name() == name
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)
    with tocha.no_grad():
        assert fn(*args).grad_fn is None


def test_embedding_bag_gradcheck():
    w = tocha.tensor(rng.standard_normal((6, 3)), requires_grad=True)
    x, off = tocha.tensor([1, 2, 4, 5, 0]), tocha.tensor([0, 2, 2])
    for mode in ("sum", "mean", "max"):
        def fn(w, mode=mode):
            return F.embedding_bag(x, w, off, mode=mode, padding_idx=0)
        assert fn(w).grad_fn.name() == "EmbeddingBagBackward0"
        assert gradcheck(fn, (w,))
        assert gradgradcheck(fn, (w,))
    bag = tocha.nn.EmbeddingBag(6, 2, mode="sum")
    assert bag(tocha.tensor([[1, 2], [3, 4]])).shape == (2, 2)


def test_grid_sample_gradcheck():
    x = tocha.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = tocha.tensor(rng.uniform(-1.2, 1.2, (1, 2, 3, 2)), requires_grad=True)
    theta = tocha.tensor(rng.standard_normal((1, 2, 3)), requires_grad=True)
    for pm in ("zeros", "border", "reflection"):
        def fn(x, g, pm=pm):
            return F.grid_sample(x, g, "bilinear", pm, align_corners=False)
        assert gradcheck(fn, (x, g))
    assert gradcheck(lambda t: F.affine_grid(t, (1, 1, 3, 4), align_corners=True), (theta,))
    out = F.grid_sample(x, F.affine_grid(tocha.eye(2, 3, dtype=tocha.float64).unsqueeze(0),
                                         (1, 2, 3, 4), align_corners=True), align_corners=True)
    assert float((out - x).abs().max()) < 1e-12  # the identity map samples the input back


def test_adaptive_log_softmax_gradcheck_and_shapes():
    asm = tocha.nn.AdaptiveLogSoftmaxWithLoss(6, 8, [2, 5], div_value=2.0, dtype=tocha.float64)
    x = tocha.tensor(rng.standard_normal((5, 6)), requires_grad=True)
    y = tocha.tensor([0, 7, 3, 1, 5])
    assert gradcheck(lambda x: asm(x, y).loss, (x,))
    out = asm(x, y)
    assert out.output.shape == (5,) and out.loss.ndim == 0
    full = asm.log_prob(x)
    assert full.shape == (5, 8)
    assert float((full.exp().sum(1) - 1).abs().max()) < 1e-12  # a distribution per row
    assert bool((full.gather(1, y.unsqueeze(1)).squeeze(1) - out.output).abs().max() < 1e-12)
    assert tocha.nn.SyncBatchNorm(3)(tocha.randn(4, 3, 2)).shape == (4, 3, 2)


def test_ctc_loss_gradcheck_through_log_softmax():
    # PyTorch's (and tocha's) CTC gradient is the logits' gradient under log_softmax
    logits = tocha.tensor(rng.standard_normal((6, 2, 4)), requires_grad=True)
    targets, il, tl = tocha.tensor([[1, 2, 2], [3, 0, 0]]), [6, 5], [3, 1]

    def fn(x):
        return F.ctc_loss(x.log_softmax(2), targets, il, tl, reduction="sum")
    assert fn(logits).grad_fn is not None
    assert gradcheck(fn, (logits,))
    assert tocha.nn.CTCLoss(reduction="none")(logits.log_softmax(2), targets, il, tl).shape == (2,)
