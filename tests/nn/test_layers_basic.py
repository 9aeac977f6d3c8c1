"""Layers and functional ops: float64 gradcheck/gradgradcheck of each primitive written for
nn, shapes, train/eval behaviour and error messages (NumPy only)."""
import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha import nn
from tocha.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def x64(*shape, lo=0.2, hi=2.5):
    # values away from the kinks at 0, +-1, +-3 (signs mixed)
    mag = RNG.uniform(lo, hi, shape)
    sign = np.where(RNG.random(shape) < 0.5, -1.0, 1.0)
    a = np.asarray(mag * sign)
    a = a.reshape(-1)
    a[np.abs(np.abs(a) - 1) < 0.05] += 0.1
    a[np.abs(np.abs(a) - 3) < 0.05] += 0.1
    return tocha.tensor(a.reshape(shape), requires_grad=True)


ACT = [
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("elu", {}), ("elu", {"alpha": 0.4}),
    ("selu", {}), ("celu", {"alpha": 0.7}), ("silu", {}), ("mish", {}), ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 3.0}), ("leaky_relu", {"negative_slope": 0.2}),
    ("hardtanh", {}), ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {}),
    ("logsigmoid", {}), ("threshold", {"threshold": 0.1, "value": 2.0}), ("softsign", {}),
    ("tanhshrink", {}), ("softshrink", {}), ("hardshrink", {}), ("relu", {}),
]


@pytest.mark.parametrize("shape", [(3, 4), (), (5,)])
@pytest.mark.parametrize("fn,kw", ACT)
def test_activation_gradcheck(fn, kw, shape):
    x = x64(*shape)
    f = getattr(F, fn)
    assert gradcheck(lambda t: f(t, **kw), (x,))
    assert gradgradcheck(lambda t: f(t, **kw), (x,))


@pytest.mark.parametrize("fn,kw", [("gelu", {}), ("elu", {}), ("silu", {}),
                                   ("leaky_relu", {}), ("softplus", {})])
def test_activation_dtypes(fn, kw):
    x = tocha.randn(4, 3)
    y = getattr(F, fn)(x, **kw)
    assert y.dtype is tocha.float32 and y.shape == (4, 3)
    xi = tocha.tensor([[-1, 2]])
    # PyTorch's CPU kernels refuse integers ("elu_cpu" not implemented for 'Long')
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        getattr(F, fn)(xi, **kw)


def test_activation_values_by_hand():
    x = tocha.tensor([-2.0, 0.5, 4.0], dtype=tocha.float64)
    np.testing.assert_allclose(F.leaky_relu(x, 0.1).numpy(), [-0.2, 0.5, 4.0])
    np.testing.assert_allclose(F.relu6(x * 2).numpy(), [0.0, 1.0, 6.0])
    np.testing.assert_allclose(F.hardtanh(x).numpy(), [-1.0, 0.5, 1.0])
    np.testing.assert_allclose(F.elu(x).numpy(), [np.expm1(-2.0), 0.5, 4.0])
    np.testing.assert_allclose(F.hardsigmoid(x).numpy(), [-2 / 6 + 0.5, 0.5 / 6 + 0.5, 1.0])
    np.testing.assert_allclose(F.softplus(x).numpy(), np.log1p(np.exp([-2.0, 0.5, 4.0])))
    np.testing.assert_allclose(F.silu(x).numpy(), x.numpy() / (1 + np.exp(-x.numpy())))
    np.testing.assert_allclose(F.threshold(x, 1.0, -5.0).numpy(), [-5.0, -5.0, 4.0])


def test_prelu_gradcheck():
    x = x64(2, 3, 4)
    w = tocha.tensor([0.25, -0.1, 0.5], dtype=tocha.float64, requires_grad=True)
    assert gradcheck(F.prelu, (x, w))
    m = nn.PReLU(3).double()
    assert m(x).shape == (2, 3, 4)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        nn.PReLU(5)(tocha.randn(2, 3))


def test_softmax_family():
    x = x64(3, 4)
    for f in (F.softmax, F.log_softmax, F.softmin):
        assert gradcheck(lambda t: f(t, dim=1), (x,))  # noqa: B023
    y = nn.Softmax(dim=1)(x)
    np.testing.assert_allclose(y.detach().numpy().sum(1), 1.0)
    np.testing.assert_allclose(nn.Softmin(1)(x).detach().numpy(),
                               F.softmax(-x, 1).detach().numpy())


def test_glu():
    x = x64(2, 6)
    assert gradcheck(lambda t: F.glu(t, -1), (x,))
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(tocha.randn(2, 5))


def test_linear_and_bilinear_gradcheck():
    tocha.manual_seed(0)
    lin = nn.Linear(3, 2).double()
    x = x64(4, 3)
    assert gradcheck(lambda t, w, b: F.linear(t, w, b), (x, lin.weight, lin.bias))
    assert gradcheck(lambda t, w: F.linear(t, w), (x64(2, 5, 3), lin.weight))
    bl = nn.Bilinear(3, 2, 4).double()
    assert gradcheck(lambda a, b, w, c: F.bilinear(a, b, w, c),
                     (x64(5, 3), x64(5, 2), bl.weight, bl.bias))
    assert bl(x64(2, 7, 3), x64(2, 7, 2)).shape == (2, 7, 4)
    assert lin(x64(3)).shape == (2,)
    assert type(lin(x).grad_fn).__name__ == "AddmmBackward0"


def test_linear_errors():
    lin = nn.Linear(10, 5)
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=10\): expected last dimension "
                                           r"10, got 3"):
        lin(tocha.randn(4, 3))
    with pytest.raises(RuntimeError, match="expected last dimension 10, got 3"):
        lin(tocha.randn(2, 4, 3))
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        F.linear(tocha.randn(4, 3), lin.weight, lin.bias)
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype"):
        lin(tocha.randn(4, 10, dtype=tocha.float64))
    with pytest.raises(RuntimeError, match=r"Bilinear\(in2_features=4\)"):
        nn.Bilinear(3, 4, 2)(tocha.randn(2, 3), tocha.randn(2, 5))


def test_dropout_behaviour():
    x = tocha.ones(1000)
    tocha.manual_seed(0)
    y = F.dropout(x, 0.3)
    vals = np.unique(y.numpy())
    assert set(vals.tolist()) <= {0.0, np.float32(1) / np.float32(0.7)}
    assert 200 < (y.numpy() == 0).sum() < 400
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).numpy().any()
    m = nn.Dropout(0.5)
    m.eval()
    assert m(x) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)
    xr = x64(4, 5)

    def f(t):
        tocha.manual_seed(3)
        return F.dropout(t, 0.4)
    assert gradcheck(f, (xr,))
    assert gradgradcheck(f, (xr,))
    tocha.manual_seed(1)
    y2 = F.dropout2d(tocha.ones(2, 6, 3, 3), 0.5).numpy()
    per_channel = y2.reshape(2, 6, 9)
    assert (per_channel.min(2) == per_channel.max(2)).all()     # whole channels dropped
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(tocha.ones(2, 3, 4, 5))


def test_dropout_inplace():
    a = tocha.ones(6, 6)
    tocha.manual_seed(0)
    r = F.dropout(a, 0.5, inplace=True)
    assert r is a and (a.numpy() == 0).any()


def test_pad_gradcheck_and_errors():
    x = x64(2, 3, 4)
    for mode, pad in (("constant", (1, 2, -1, 1)), ("reflect", (2, 1)),
                      ("replicate", (1, 3)), ("circular", (2, 1)),
                      ("reflect", (1, 1, 2, 1))):
        xx = x if mode != "reflect" or len(pad) == 2 else x64(1, 3, 4)
        assert gradcheck(lambda t: F.pad(t, pad, mode), (xx,)), mode  # noqa: B023
        assert gradgradcheck(lambda t: F.pad(t, pad, mode), (xx,)), mode  # noqa: B023
    y = F.pad(tocha.ones(2, 2), (1, 1), value=7.0)
    assert y.numpy().tolist() == [[7, 1, 1, 7], [7, 1, 1, 7]]
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        F.pad(x, (4, 0), "reflect")
    assert type(F.pad(x, (1, 1)).grad_fn).__name__ == "ConstantPadNdBackward0"


def test_interpolate():
    x = x64(1, 2, 3, 4)
    for kw in ({"size": (5, 6), "mode": "bilinear"},
               {"scale_factor": 2, "mode": "bilinear", "align_corners": True},
               {"size": (5, 7), "mode": "nearest"}):
        assert gradcheck(lambda t: F.interpolate(t, **kw), (x,))  # noqa: B023
    y = F.interpolate(tocha.tensor([[[1.0, 2.0]]]), scale_factor=2, mode="nearest")
    assert y.numpy().tolist() == [[[1.0, 1.0, 2.0, 2.0]]]
    y = F.interpolate(tocha.tensor([[[0.0, 3.0]]]), size=4, mode="linear", align_corners=True)
    np.testing.assert_allclose(y.numpy(), [[[0.0, 1.0, 2.0, 3.0]]], atol=1e-6)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(x, size=2, mode="bicubic")


def test_misc_functional():
    t = tocha.tensor([0, 2, 1])
    assert F.one_hot(t).numpy().tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(t).dtype is tocha.int64
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(tocha.tensor([0.0]))
    a, b = x64(3, 4), x64(3, 4)
    assert gradcheck(lambda u: F.normalize(u, dim=1), (a,))
    assert gradcheck(lambda u, v: F.cosine_similarity(u, v), (a, b))
    assert gradcheck(lambda u, v: F.pairwise_distance(u, v), (a, b))
    n = F.normalize(a, dim=1).detach().numpy()
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0)
    c = F.cosine_similarity(a, a).detach().numpy()
    np.testing.assert_allclose(c, 1.0)


def test_layer_reprs_by_hand():
    assert repr(nn.Linear(3, 4)) == "Linear(in_features=3, out_features=4, bias=True)"
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.2, True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    assert repr(nn.Sequential(nn.Linear(1, 2), nn.Sequential(nn.Tanh()))) == (
        "Sequential(\n  (0): Linear(in_features=1, out_features=2, bias=True)\n"
        "  (1): Sequential(\n    (0): Tanh()\n  )\n)")
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()])) == (
        "ModuleList(\n  (0-1): 2 x ReLU()\n  (2): Tanh()\n)")


def test_linear_weight_grad_is_contiguous_and_right():
    # the weight enters addmm as the transposed view W.T; its gradient is computed in W's
    # memory order (tocha._ops.linalg._gemm_as) so optimizers update contiguous arrays
    lin = nn.Linear(7, 5).double()
    x = tocha.tensor(np.random.default_rng(1).standard_normal((4, 7)), requires_grad=True)
    g = np.random.default_rng(2).standard_normal((4, 5))
    (lin(x) * tocha.tensor(g)).sum().backward()
    w = lin.weight.grad.numpy()
    assert lin.weight.grad.is_contiguous()
    np.testing.assert_allclose(w, g.T @ x.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(x.grad.numpy(), g @ lin.weight.detach().numpy(), rtol=1e-13)
    w2 = tocha.randn(5, 7, dtype=tocha.float64, requires_grad=True)
    (x @ w2.t()).sum().backward()                       # the same through mm
    assert w2.grad.is_contiguous()
