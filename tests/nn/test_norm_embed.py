"""Normalisation and embedding (NumPy only): gradcheck / gradgradcheck, running statistics by
hand, eval mode, momentum=None, errors."""
import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha import nn
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(1)


def t64(*shape, grad=True):
    return tocha.tensor(rng.standard_normal(shape), requires_grad=grad)


NORM_CASES = [
    lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
    lambda x, w, b: F.batch_norm(x, None, None, training=True),
    lambda x, w, b: F.batch_norm(x, tocha.tensor([0.1, -0.2, 0.3], dtype=tocha.float64),
                                 tocha.tensor([1.5, 0.5, 2.0], dtype=tocha.float64), w, b),
    lambda x, w, b: F.group_norm(x, 3, w, b),
    lambda x, w, b: F.group_norm(x, 1),
    lambda x, w, b: F.layer_norm(x, (4,), w.sum() * tocha.ones(4, dtype=tocha.float64),
                                 b[:1] * tocha.ones(4, dtype=tocha.float64)),
    lambda x, w, b: F.layer_norm(x, (3, 4)),
]


@pytest.mark.parametrize("i", range(len(NORM_CASES)))
def test_norm_gradcheck_and_gradgradcheck(i):
    args = (t64(2, 3, 4), t64(3), t64(3))
    assert gradcheck(NORM_CASES[i], args)
    assert gradgradcheck(NORM_CASES[i], args)


def test_batch_norm_training_values_and_running_stats_by_hand():
    x = rng.standard_normal((4, 3, 5))
    rm, rv = tocha.zeros(3, dtype=tocha.float64), tocha.ones(3, dtype=tocha.float64)
    y = F.batch_norm(tocha.tensor(x), rm, rv, training=True, momentum=0.25, eps=1e-5)
    mean = x.mean((0, 2))
    var = x.var((0, 2))                                  # biased: normalisation
    np.testing.assert_allclose(y.numpy(), (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-5),
                               atol=1e-12)
    np.testing.assert_allclose(rm.numpy(), 0.25 * mean, atol=1e-15)
    unbiased = x.var((0, 2), ddof=1)                     # unbiased: running variance
    np.testing.assert_allclose(rv.numpy(), 0.75 + 0.25 * unbiased, atol=1e-15)


def test_batchnorm_module_momentum_none_is_cumulative_average():
    m = nn.BatchNorm1d(2, momentum=None).double()
    xs = [rng.standard_normal((5, 2)) for _ in range(3)]
    for x in xs:
        m(tocha.tensor(x))
    assert int(m.num_batches_tracked) == 3
    np.testing.assert_allclose(m.running_mean.numpy(), np.mean([x.mean(0) for x in xs], 0),
                               atol=1e-12)
    np.testing.assert_allclose(m.running_var.numpy(),
                               np.mean([x.var(0, ddof=1) for x in xs], 0), atol=1e-12)


def test_batchnorm_eval_uses_running_stats_and_flags():
    m = nn.BatchNorm2d(3).double()
    with tocha.no_grad():
        m.running_mean.copy_(tocha.tensor([1.0, 2.0, 3.0], dtype=tocha.float64))
        m.running_var.copy_(tocha.tensor([4.0, 1.0, 0.25], dtype=tocha.float64))
    m.eval()
    x = rng.standard_normal((2, 3, 2, 2))
    y = m(tocha.tensor(x)).detach().numpy()
    rmean, rvar = np.array([1.0, 2, 3]), np.array([4.0, 1, 0.25])
    np.testing.assert_allclose(y, (x - rmean[:, None, None]) / np.sqrt(rvar[:, None, None] + 1e-5))
    assert int(m.num_batches_tracked) == 0
    a = nn.BatchNorm2d(3, affine=False, track_running_stats=False)
    assert a.weight is None and a.running_mean is None
    assert list(a.state_dict()) == []
    a.eval()          # no running stats: batch statistics even in eval mode
    out = a(tocha.randn(4, 3, 2, 2)).numpy()
    np.testing.assert_allclose(out.mean((0, 2, 3)), 0, atol=1e-5)
    assert list(nn.BatchNorm1d(2).state_dict()) == ["weight", "bias", "running_mean",
                                                    "running_var", "num_batches_tracked"]


def test_norm_errors():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        F.batch_norm(tocha.randn(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(tocha.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected input with 3 channels"):
        nn.BatchNorm2d(3)(tocha.randn(2, 4, 5, 5))
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\]"):
        F.layer_norm(tocha.randn(2, 3), (4,))
    with pytest.raises(RuntimeError, match=r"LayerNorm\(\(4,\)\): expected input of shape"):
        nn.LayerNorm(4)(tocha.randn(2, 3))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(tocha.randn(2, 6, 3), 4)
    with pytest.raises(ValueError, match="must be divisible by num_groups"):
        nn.GroupNorm(4, 6)


def test_layernorm_groupnorm_values_by_hand():
    x = rng.standard_normal((2, 6, 3))
    y = F.layer_norm(tocha.tensor(x), (3,)).numpy()
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, ref, atol=1e-12)
    g = F.group_norm(tocha.tensor(x), 2).numpy()
    xr = x.reshape(2, 2, -1)
    ref = ((xr - xr.mean(-1, keepdims=True)) / np.sqrt(xr.var(-1, keepdims=True) + 1e-5))
    np.testing.assert_allclose(g, ref.reshape(x.shape), atol=1e-12)
    assert F.layer_norm(tocha.tensor(x), (3,)).dtype == tocha.float64
    assert nn.LayerNorm(3)(tocha.randn(2, 3)).dtype == tocha.float32


# ---------------------------------------------------------------- embedding

def test_embedding_lookup_and_grad_by_hand():
    w = t64(5, 3)
    idx = tocha.tensor([[0, 2, 2], [4, 0, 1]])
    out = F.embedding(idx, w)
    np.testing.assert_array_equal(out.detach().numpy(), w.detach().numpy()[idx.numpy()])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [2, 1, 2, 0, 1])
    assert out.grad_fn.name() == "EmbeddingBackward0"


def test_embedding_padding_idx_and_scale_grad_by_freq():
    w = t64(5, 2)
    idx = tocha.tensor([0, 2, 2, 3])
    F.embedding(idx, w, padding_idx=2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [1, 0, 0, 1, 0])
    w.grad = None
    F.embedding(idx, w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [1, 0, 1, 1, 0])
    e = nn.Embedding(6, 3, padding_idx=-1)
    assert e.padding_idx == 5
    np.testing.assert_array_equal(e.weight.detach().numpy()[5], 0)


def test_embedding_max_norm_renormalises_rows_in_place():
    w = tocha.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=tocha.float64)
    F.embedding(tocha.tensor([0, 1]), w, max_norm=1.0)
    np.testing.assert_allclose(np.linalg.norm(w.numpy(), axis=1), [1.0, 0.5, 10.0], rtol=1e-6)


def test_embedding_gradcheck_and_gradgradcheck():
    idx = tocha.tensor([[1, 3], [3, 0]])
    w = t64(4, 3)
    assert gradcheck(lambda w: F.embedding(idx, w), (w,))
    assert gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=3, scale_grad_by_freq=True),
                         (w,))


def test_embedding_errors():
    w = tocha.randn(4, 3)
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(tocha.tensor([1.0]), w)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(tocha.tensor([4]), w)
    with pytest.raises(AssertionError, match="Padding_idx must be within"):
        nn.Embedding(4, 3, padding_idx=4)
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and tuple(e(tocha.tensor([1, 2])).shape) == (2, 3)
