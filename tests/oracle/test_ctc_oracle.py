"""ctc_loss / CTCLoss against PyTorch 2.13: losses and gradients (of log_probs and of the
logits under log_softmax) for padded and concatenated targets, reductions, zero_infinity,
unbatched input, another blank index."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
LOGITS = rng.standard_normal((12, 3, 5))
TG = np.array([[1, 2, 2, 3], [4, 4, 0, 0], [1, 3, 1, 0]])
TL, IL = [4, 2, 3], [12, 9, 10]


def run(m, logits, targets, il, tl, **kw):
    x = m.tensor(logits, requires_grad=True)
    lp = x.log_softmax(-1)
    lp.retain_grad()
    loss = m.nn.functional.ctc_loss(lp, targets(m), il, tl, **kw)
    (loss * (m.arange(loss.numel(), dtype=m.float64).reshape(loss.shape) + 1)).sum().backward()
    return loss.detach().numpy(), x.grad.numpy(), lp.grad.numpy()


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("concat", [False, True])
def test_ctc_loss(reduction, concat):
    if concat:
        def targets(m):
            return m.tensor(np.concatenate([TG[i, :TL[i]] for i in range(3)]))
    else:
        def targets(m):
            return m.tensor(TG)
    a = run(tocha, LOGITS, targets, IL, TL, reduction=reduction)
    b = run(torch, LOGITS, targets, torch.tensor(IL), torch.tensor(TL), reduction=reduction)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_impossible_alignment_and_blank(zero_infinity):
    def targets(m):
        return m.tensor([[1, 1, 1], [2, 3, 0]])
    kw = {"reduction": "none", "zero_infinity": zero_infinity, "blank": 4}
    a = run(tocha, LOGITS[:3, :2], targets, [3, 3], [3, 2], **kw)
    b = run(torch, LOGITS[:3, :2], targets, [3, 3], [3, 2], **kw)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


def test_unbatched_and_module():
    res = []
    for m in (tocha, torch):
        lp = m.tensor(LOGITS[:, 0]).log_softmax(-1)
        res.append(m.nn.functional.ctc_loss(lp, m.tensor([1, 2, 2]), m.tensor(12),
                                            m.tensor(3)).item())
        mod = m.nn.CTCLoss(blank=0, reduction="sum")
        res.append(mod(m.tensor(LOGITS).log_softmax(-1), m.tensor(TG), m.tensor(IL),
                       m.tensor(TL)).item())
        with pytest.raises(RuntimeError):
            m.nn.functional.ctc_loss(m.tensor(LOGITS).log_softmax(-1), m.tensor(TG),
                                     m.tensor([13, 9, 10]), m.tensor(TL))
    np.testing.assert_allclose(res[:2], res[2:], rtol=1e-12)
