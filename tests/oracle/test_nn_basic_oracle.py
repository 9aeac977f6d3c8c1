"""tocha.nn (Module, containers, layers, losses, init, functional) against torch.nn."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import tocha
import tocha.nn as tnn
import tocha.nn.functional as TF

RNG = np.random.default_rng(1234)


def arr(*shape, dtype=np.float32, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, shape).astype(dtype)


def pair(a, rg=True):
    return tocha.tensor(a, requires_grad=rg), torch.tensor(a, requires_grad=rg)


def close(t, r, rtol=1e-5, atol=1e-6):
    r = r.detach().numpy()
    t = t.detach().numpy()
    assert t.shape == r.shape, (t.shape, r.shape)
    assert t.dtype == r.dtype, (t.dtype, r.dtype)
    np.testing.assert_allclose(t, r, rtol=rtol, atol=atol)


def seeded(seed, fn_t, fn_r):
    tocha.manual_seed(seed)
    mt = fn_t()
    torch.manual_seed(seed)
    mr = fn_r()
    return mt, mr


def exact_state(mt, mr):
    st, sr = mt.state_dict(), mr.state_dict()
    assert list(st) == list(sr)
    for k in sr:
        a, b = st[k].numpy(), sr[k].numpy()
        assert a.dtype == b.dtype and a.shape == b.shape, k
        assert np.array_equal(a, b), k


# ------------------------------------------------------------------ init, bit exact
LAYERS = [
    lambda nn: nn.Linear(3, 2),
    lambda nn: nn.Linear(20, 30),
    lambda nn: nn.Linear(5, 4, bias=False),
    lambda nn: nn.Linear(7, 3, dtype=(tocha if nn is tnn else torch).float64),
    lambda nn: nn.Linear(0, 3),
    lambda nn: nn.Bilinear(3, 4, 5),
    lambda nn: nn.Bilinear(2, 6, 3, bias=False),
    lambda nn: nn.PReLU(),
    lambda nn: nn.PReLU(4, init=0.1),
    lambda nn: nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1)),
    lambda nn: nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 10)),
    lambda nn: nn.ModuleList([nn.Linear(4, 4) for _ in range(3)]),
    lambda nn: nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.Bilinear(2, 2, 2)}),
]


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("i", range(len(LAYERS)))
def test_default_init_bit_exact(seed, i):
    mt, mr = seeded(seed, lambda: LAYERS[i](tnn), lambda: LAYERS[i](nn))
    exact_state(mt, mr)
    # the generator advanced by the same amount
    assert np.array_equal(tocha.rand(5).numpy(), torch.rand(5).numpy())


def test_spec_anchor_values():
    tocha.manual_seed(0)
    lin = tnn.Linear(3, 2)
    np.testing.assert_array_equal(lin.weight.detach().numpy().ravel()[:4],
                                  np.float32([-0.0043225177, 0.30971584, -0.47518533,
                                              -0.4248946]))
    np.testing.assert_array_equal(lin.bias.detach().numpy(),
                                  np.float32([-0.011439145, 0.45777494]))


INITS = [
    ("uniform_", (), {}),
    ("uniform_", (-3.0, 5.0), {}),
    ("normal_", (), {}),
    ("normal_", (0.0, 0.02), {}),
    ("xavier_uniform_", (), {}),
    ("xavier_uniform_", (), {"gain": 2.0}),
    ("xavier_normal_", (), {}),
    ("kaiming_uniform_", (), {}),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", (), {}),
    ("kaiming_normal_", (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("trunc_normal_", (), {}),
    ("trunc_normal_", (), {"std": 0.02}),
    ("constant_", (0.3,), {}),
    ("ones_", (), {}),
    ("zeros_", (), {}),
]
SHAPES = [(5, 7), (4, 3), (64, 3, 7, 7), (20, 30), (16, 8, 3)]


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,args,kw", INITS)
def test_init_functions_bit_exact(seed, shape, name, args, kw):
    for dt in ("float32", "float64"):
        tocha.manual_seed(seed)
        t = tocha.empty(*shape, dtype=getattr(tocha, dt))
        rt = getattr(tnn.init, name)(t, *args, **kw)
        torch.manual_seed(seed)
        r = torch.empty(*shape, dtype=getattr(torch, dt))
        getattr(nn.init, name)(r, *args, **kw)
        assert rt is t
        assert np.array_equal(t.numpy(), r.numpy()), (name, dt)
        assert np.array_equal(tocha.rand(3).numpy(), torch.rand(3).numpy())


def test_init_structural():
    for shape in [(3, 5), (5, 3), (4, 4)]:
        t, r = tocha.empty(*shape), torch.empty(*shape)
        tnn.init.eye_(t)
        nn.init.eye_(r)
        assert np.array_equal(t.numpy(), r.numpy())
    for shape, g in [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 3, 3, 3), 1)]:
        t, r = tocha.empty(*shape), torch.empty(*shape)
        tnn.init.dirac_(t, g)
        nn.init.dirac_(r, g)
        assert np.array_equal(t.numpy(), r.numpy())
    for shape in [(3, 5), (6, 2), (4, 2, 2)]:
        tocha.manual_seed(0)
        t = tnn.init.orthogonal_(tocha.empty(*shape), gain=1.5)
        torch.manual_seed(0)
        r = nn.init.orthogonal_(torch.empty(*shape), gain=1.5)
        np.testing.assert_allclose(t.numpy(), r.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                      ("tanh", None), ("relu", None), ("leaky_relu", None),
                                      ("leaky_relu", 0.2), ("selu", None), ("leaky_relu", 3)])
def test_calculate_gain(nl, param):
    assert tnn.init.calculate_gain(nl, param) == nn.init.calculate_gain(nl, param)


def test_fans():
    for shape in [(3, 4), (8, 3, 5, 5), (2, 6, 3)]:
        assert (tnn.init._calculate_fan_in_and_fan_out(tocha.empty(*shape))
                == nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape)))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        tnn.init.xavier_uniform_(tocha.empty(3))


# ------------------------------------------------------------------ activations
ACTS = [
    ("ReLU", {}), ("ReLU6", {}), ("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {}), ("ELU", {"alpha": 0.5}), ("CELU", {"alpha": 1.5}), ("SELU", {}),
    ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Mish", {}),
    ("Softplus", {}), ("Softplus", {"beta": 2.0, "threshold": 1.0}), ("Softsign", {}),
    ("Sigmoid", {}), ("Tanh", {}), ("Hardtanh", {}), ("Hardtanh", {"min_val": -0.5,
                                                                    "max_val": 1.5}),
    ("Hardsigmoid", {}), ("Hardswish", {}), ("Softmax", {"dim": 1}),
    ("LogSoftmax", {"dim": 1}), ("Softmin", {"dim": 0}), ("Threshold", {"threshold": 0.1,
                                                                         "value": 20.0}),
    ("LogSigmoid", {}), ("Tanhshrink", {}), ("Softshrink", {}), ("Hardshrink", {"lambd": 0.3}),
    ("GLU", {}), ("PReLU", {}), ("PReLU", {"num_parameters": 6}),
]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_modules(name, kw, dt):
    a = arr(4, 6, dtype=dt, lo=-4, hi=4)
    mt, mr = getattr(tnn, name)(**kw), getattr(nn, name)(**kw)
    if dt == np.float64:
        mt, mr = mt.double(), mr.double()
    assert repr(mt) == repr(mr)
    xt, xr = pair(a)
    yt, yr = mt(xt), mr(xr)
    close(yt, yr)
    g = arr(*yr.shape, dtype=dt)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad)
    for (n1, p1), (n2, p2) in zip(mt.named_parameters(), mr.named_parameters()):
        assert n1 == n2
        close(p1.grad, p2.grad)


@pytest.mark.parametrize("fn,kw", [
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("elu", {}), ("selu", {}),
    ("celu", {}), ("leaky_relu", {}), ("softplus", {}), ("silu", {}), ("mish", {}),
    ("hardtanh", {}), ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {}),
    ("logsigmoid", {}), ("relu", {}), ("threshold", {"threshold": 0.5, "value": -1.0}),
])
def test_activation_node_names_and_double_backward(fn, kw):
    a = arr(3, 4, dtype=np.float64, lo=-3, hi=3)
    xt, xr = pair(a)
    yt = getattr(TF, fn)(xt, **kw)
    yr = getattr(F, fn)(xr, **kw)
    assert type(yt.grad_fn).__name__ == type(yr.grad_fn).__name__
    if fn == "hardsigmoid":     # PyTorch has no double backward for it
        return
    (gt,) = tocha.autograd.grad(yt.sum() * 1.0 + (yt * yt).sum(), xt, create_graph=True)
    (gr,) = torch.autograd.grad(yr.sum() * 1.0 + (yr * yr).sum(), xr, create_graph=True)
    close(gt, gr, 1e-7, 1e-9)
    (ht,) = tocha.autograd.grad((gt * gt).sum(), xt)
    (hr,) = torch.autograd.grad((gr * gr).sum(), xr)
    close(ht, hr, 1e-6, 1e-8)


def test_inplace_activations():
    a = arr(3, 4)
    xt, xr = pair(a, rg=False)
    yt = TF.relu(xt, inplace=True)
    F.relu(xr, inplace=True)
    assert yt is xt or np.shares_memory(yt.numpy(), xt.numpy())
    close(xt, xr)
    wt, wr = pair(a)
    ht, hr = wt * 1, wr * 1
    tnn.LeakyReLU(0.1, inplace=True)(ht)
    nn.LeakyReLU(0.1, inplace=True)(hr)
    ht.sum().backward()
    hr.sum().backward()
    close(wt.grad, wr.grad)


# ------------------------------------------------------------------ linear / bilinear
@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3), (0, 3)])
def test_linear_forward_backward(shape):
    mt, mr = seeded(0, lambda: tnn.Linear(3, 6), lambda: nn.Linear(3, 6))
    a = arr(*shape)
    xt, xr = pair(a)
    yt, yr = mt(xt), mr(xr)
    close(yt, yr)
    if len(shape) == 2:
        assert type(yt.grad_fn).__name__ == type(yr.grad_fn).__name__ == "AddmmBackward0"
    g = arr(*yr.shape)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad)
    close(mt.weight.grad, mr.weight.grad, 1e-5, 1e-5)
    close(mt.bias.grad, mr.bias.grad, 1e-5, 1e-5)


def test_bilinear_forward_backward():
    mt, mr = seeded(1, lambda: tnn.Bilinear(3, 4, 5), lambda: nn.Bilinear(3, 4, 5))
    a, b = arr(6, 3), arr(6, 4)
    (at, ar), (bt, br) = pair(a), pair(b)
    yt, yr = mt(at, bt), mr(ar, br)
    close(yt, yr, 1e-5, 1e-5)
    yt.sum().backward()
    yr.sum().backward()
    for x, y in ((at, ar), (bt, br), (mt.weight, mr.weight), (mt.bias, mr.bias)):
        close(x.grad, y.grad, 1e-5, 1e-5)


# ------------------------------------------------------------------ losses
REDUCTIONS = ["mean", "sum", "none"]


def _loss_check(name, kw, inputs_np, red, rtol=1e-5, atol=1e-6, grad_idx=(0,)):
    tins, rins = [], []
    for i, a in enumerate(inputs_np):
        rg = i in grad_idx
        t, r = pair(a, rg=rg and a.dtype.kind == "f")
        tins.append(t)
        rins.append(r)
    kw_t = {k: (tocha.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    kw_r = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    lt = getattr(tnn, name)(reduction=red, **kw_t)
    lr = getattr(nn, name)(reduction=red, **kw_r)
    assert repr(lt) == repr(lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt, yr = lt(*tins), lr(*rins)
    close(yt, yr, rtol, atol)
    g = np.asarray(arr(*yr.shape, dtype=inputs_np[0].dtype))
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    for i in grad_idx:
        if rins[i].requires_grad:
            close(tins[i].grad, rins[i].grad, rtol, atol)


@pytest.mark.parametrize("red", REDUCTIONS)
@pytest.mark.parametrize("name,kw", [("MSELoss", {}), ("L1Loss", {}), ("SmoothL1Loss", {}),
                                     ("SmoothL1Loss", {"beta": 0.5}), ("HuberLoss", {}),
                                     ("HuberLoss", {"delta": 0.3}), ("SoftMarginLoss", {})])
def test_regression_losses(name, kw, red):
    gi = (0,) if name == "SoftMarginLoss" else (0, 1)
    _loss_check(name, kw, [arr(4, 5), arr(4, 5)], red, grad_idx=gi)


@pytest.mark.parametrize("red", REDUCTIONS)
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_mse_loss_one_element_bitwise(shape, red):
    # the one-element path of the fused MseLoss primitive (batch_size=1 regression loops) and
    # its array-mode backward round as torch does (larger sums: summation order differs)
    x, t = arr(*shape), arr(*shape)
    xt, xr = tocha.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    tt, tr = tocha.tensor(t, requires_grad=True), torch.tensor(t, requires_grad=True)
    yt, yr = TF.mse_loss(xt, tt, reduction=red), torch.nn.functional.mse_loss(xr, tr,
                                                                             reduction=red)
    assert yt.dtype == tocha.float32 and tuple(yt.shape) == tuple(yr.shape)
    np.testing.assert_array_equal(yt.detach().numpy(), yr.detach().numpy())
    g = arr(*yr.shape)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    np.testing.assert_array_equal(xt.grad.numpy(), xr.grad.numpy())
    np.testing.assert_array_equal(tt.grad.numpy(), tr.grad.numpy())


CE_CASES = [
    ((5, 4), (5,), {}),
    ((5, 4), (5,), {"weight": np.float32([0.2, 1.0, 2.0, 0.5])}),
    ((5, 4), (5,), {"ignore_index": 1}),
    ((5, 4), (5,), {"label_smoothing": 0.1}),
    ((5, 4), (5,), {"label_smoothing": 0.2, "weight": np.float32([0.2, 1.0, 2.0, 0.5]),
                    "ignore_index": 2}),
    ((4,), (), {}),
    ((3, 4, 2, 2), (3, 2, 2), {}),
    ((3, 4, 5), (3, 5), {"weight": np.float32([1, 2, 3, 4]), "ignore_index": 0}),
]


@pytest.mark.parametrize("red", REDUCTIONS)
@pytest.mark.parametrize("case", range(len(CE_CASES)))
def test_cross_entropy_and_nll(case, red):
    si, st, kw = CE_CASES[case]
    ncls = si[0] if len(si) == 1 else si[1]
    tgt = RNG.integers(0, ncls, st).astype(np.int64)
    x = arr(*si)
    _loss_check("CrossEntropyLoss", kw, [x, tgt], red)
    kw2 = {k: v for k, v in kw.items() if k != "label_smoothing"}
    lp = torch.log_softmax(torch.tensor(x), 0 if len(si) == 1 else 1).numpy()
    _loss_check("NLLLoss", kw2, [lp, tgt], red)


@pytest.mark.parametrize("red", REDUCTIONS)
@pytest.mark.parametrize("ls", [0.0, 0.15])
def test_cross_entropy_probabilities(red, ls):
    x = arr(5, 4)
    p = torch.softmax(torch.tensor(arr(5, 4)), 1).numpy()
    _loss_check("CrossEntropyLoss", {"label_smoothing": ls}, [x, p], red)
    _loss_check("CrossEntropyLoss", {"weight": np.float32([1, 2, 0.5, 1])}, [x, p], red)


def test_cross_entropy_graph_and_double_backward():
    a = arr(4, 3, dtype=np.float64)
    xt, xr = pair(a)
    tt, tr = tocha.tensor([0, 2, 1, 2]), torch.tensor([0, 2, 1, 2])
    lt, lr = TF.cross_entropy(xt, tt), F.cross_entropy(xr, tr)
    assert type(lt.grad_fn).__name__ == type(lr.grad_fn).__name__ == "NllLossBackward0"
    assert (type(lt.grad_fn.next_functions[0][0]).__name__
            == type(lr.grad_fn.next_functions[0][0]).__name__)
    (gt,) = tocha.autograd.grad(lt, xt, create_graph=True)
    (gr,) = torch.autograd.grad(lr, xr, create_graph=True)
    close(gt, gr, 1e-10, 1e-12)
    (ht,) = tocha.autograd.grad((gt ** 2).sum(), xt)
    (hr,) = torch.autograd.grad((gr ** 2).sum(), xr)
    close(ht, hr, 1e-8, 1e-10)


@pytest.mark.parametrize("red", REDUCTIONS)
def test_bce_losses(red):
    x = arr(4, 3, lo=0.02, hi=0.98)
    t = arr(4, 3, lo=0, hi=1)
    w = arr(4, 3, lo=0.5, hi=2)
    _loss_check("BCELoss", {}, [x, t], red)
    _loss_check("BCELoss", {"weight": w}, [x, t], red)
    z = arr(4, 3, lo=-5, hi=5)
    _loss_check("BCEWithLogitsLoss", {}, [z, t], red, grad_idx=(0, 1))
    _loss_check("BCEWithLogitsLoss", {"pos_weight": np.float32([1.0, 2.0, 0.5])}, [z, t], red)
    _loss_check("BCEWithLogitsLoss", {"weight": w}, [z, t], red)


@pytest.mark.parametrize("red", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(red, log_target):
    x = torch.log_softmax(torch.tensor(arr(4, 5)), 1).numpy()
    p = torch.softmax(torch.tensor(arr(4, 5)), 1).numpy()
    p[0, 0] = 0.0
    t = np.log(p + 1e-3) if log_target else p
    _loss_check("KLDivLoss", {"log_target": log_target}, [x, t], red)


@pytest.mark.parametrize("red", REDUCTIONS)
def test_pair_losses(red):
    a, b = arr(5, 4), arr(5, 4)
    y = np.float32([1, -1, 1, -1, -1])
    _loss_check("CosineEmbeddingLoss", {}, [a, b, y], red, grad_idx=(0, 1))
    _loss_check("CosineEmbeddingLoss", {"margin": 0.2}, [a, b, y], red, grad_idx=(0, 1))
    s1, s2 = arr(5), arr(5)
    _loss_check("MarginRankingLoss", {"margin": 0.1}, [s1, s2, y], red, grad_idx=(0, 1))
    _loss_check("HingeEmbeddingLoss", {}, [s1, y], red)
    _loss_check("TripletMarginLoss", {}, [a, b, arr(5, 4)], red, 1e-4, 1e-5,
                grad_idx=(0, 1, 2))
    _loss_check("MultiLabelSoftMarginLoss", {}, [a, (y[:4] > 0).astype(np.float32)[None]
                                                 .repeat(5, 0)], red)


def test_loss_errors():
    x = tocha.randn(3, 5)
    with pytest.raises(IndexError, match="cross_entropy: target class 7 out of range for 5 "
                                         "classes"):
        TF.cross_entropy(x, tocha.tensor([0, 7, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        TF.nll_loss(x, tocha.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(RuntimeError):
        F.nll_loss(torch.randn(3, 5), torch.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target "
                                         r"batch_size \(2\)"):
        TF.cross_entropy(x, tocha.tensor([0, 1]))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        TF.mse_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="Using a target size"):
        TF.binary_cross_entropy(x.sigmoid(), tocha.rand(3, 5, 1))


def test_mse_broadcast_warning():
    with pytest.warns(UserWarning, match="Using a target size"):
        TF.mse_loss(tocha.randn(3, 1), tocha.randn(3))


# ------------------------------------------------------------------ dropout
def test_dropout_masks_match_torch():
    tocha.manual_seed(0)
    torch.manual_seed(0)
    assert np.array_equal(TF.dropout(tocha.ones(8), 0.5).numpy(),
                          F.dropout(torch.ones(8), 0.5).numpy())
    for p in (0.1, 0.5, 0.9):
        a = arr(6, 7)
        mt, mr = tnn.Dropout(p), nn.Dropout(p)
        assert repr(mt) == repr(mr)
        xt, xr = pair(a)
        tocha.manual_seed(3)
        torch.manual_seed(3)
        yt, yr = mt(xt), mr(xr)
        assert np.array_equal(yt.detach().numpy(), yr.detach().numpy())
        assert type(yt.grad_fn).__name__ == type(yr.grad_fn).__name__
        yt.sum().backward()
        yr.sum().backward()
        assert np.array_equal(xt.grad.numpy(), xr.grad.numpy())
        mt.eval()
        mr.eval()
        assert mt(xt) is xt
    for cls, shape in (("Dropout2d", (2, 3, 4, 4)), ("Dropout1d", (2, 3, 5)),
                       ("Dropout1d", (3, 5)), ("Dropout3d", (2, 3, 2, 2, 2))):
        a = arr(*shape)
        tocha.manual_seed(5)
        torch.manual_seed(5)
        yt, yr = getattr(tnn, cls)(0.4)(tocha.tensor(a)), getattr(nn, cls)(0.4)(torch.tensor(a))
        assert np.array_equal(yt.numpy(), yr.numpy()), cls
        assert np.array_equal(tocha.rand(2).numpy(), torch.rand(2).numpy())


# ------------------------------------------------------------------ functional misc
def test_one_hot():
    t = tocha.tensor([[0, 2], [1, 3]])
    r = torch.tensor([[0, 2], [1, 3]])
    assert np.array_equal(TF.one_hot(t).numpy(), F.one_hot(r).numpy())
    assert np.array_equal(TF.one_hot(t, 6).numpy(), F.one_hot(r, 6).numpy())
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        TF.one_hot(t, 3)


@pytest.mark.parametrize("mode,pad,shape", [
    ("constant", (1, 2), (2, 3, 4)), ("constant", (1, 0, 2, 1), (2, 3, 4)),
    ("constant", (-1, 2, 0, 1), (2, 3, 4)), ("reflect", (2, 1), (2, 3, 4)),
    ("reflect", (1, 2, 2, 1), (1, 2, 3, 4)), ("replicate", (3, 1), (2, 3, 4)),
    ("replicate", (1, 2, 3, 0), (1, 2, 3, 4)), ("circular", (1, 2), (2, 3, 4)),
    ("circular", (1, 1, 2, 1), (1, 2, 3, 4)),
])
def test_pad(mode, pad, shape):
    a = arr(*shape, dtype=np.float64)
    xt, xr = pair(a)
    kw = {"value": 1.5} if mode == "constant" else {}
    yt, yr = TF.pad(xt, pad, mode, **kw), F.pad(xr, pad, mode, **kw)
    close(yt, yr)
    g = arr(*yr.shape, dtype=np.float64)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad)


@pytest.mark.parametrize("mode,shape,kw", [
    ("nearest", (1, 2, 5), {"size": 8}), ("nearest", (1, 2, 4, 5), {"scale_factor": 2}),
    ("nearest", (1, 2, 4, 5), {"size": (3, 7)}), ("nearest", (1, 1, 5, 6),
                                                  {"scale_factor": 0.5}),
    ("nearest-exact", (1, 2, 4, 5), {"size": (7, 3)}),
    ("linear", (2, 3, 5), {"size": 9}), ("linear", (2, 3, 5), {"size": 9,
                                                              "align_corners": True}),
    ("bilinear", (1, 2, 4, 5), {"size": (7, 3)}),
    ("bilinear", (1, 2, 4, 5), {"scale_factor": 2}),
    ("bilinear", (1, 2, 4, 5), {"scale_factor": 1.7, "align_corners": True}),
    ("bilinear", (2, 1, 6, 6), {"size": (3, 4)}),
    ("trilinear", (1, 1, 3, 4, 2), {"size": (5, 3, 4)}),
])
def test_interpolate(mode, shape, kw):
    a = arr(*shape)
    xt, xr = pair(a)
    yt, yr = TF.interpolate(xt, mode=mode, **kw), F.interpolate(xr, mode=mode, **kw)
    close(yt, yr, 1e-5, 1e-6)
    g = arr(*yr.shape)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad, 1e-5, 1e-5)


def test_distances():
    a, b = arr(4, 6, dtype=np.float64), arr(4, 6, dtype=np.float64)
    for fn, kw in (("normalize", {}), ("normalize", {"p": 1, "dim": 0})):
        xt, xr = pair(a)
        yt, yr = getattr(TF, fn)(xt, **kw), getattr(F, fn)(xr, **kw)
        close(yt, yr)
        yt.sum().backward()
        yr.sum().backward()
        close(xt.grad, xr.grad)
    for fn, kw in (("cosine_similarity", {}), ("cosine_similarity", {"dim": 0}),
                   ("pairwise_distance", {}), ("pairwise_distance", {"p": 1.0,
                                                                     "keepdim": True})):
        (xt, xr), (zt, zr) = pair(a), pair(b)
        yt, yr = getattr(TF, fn)(xt, zt, **kw), getattr(F, fn)(xr, zr, **kw)
        close(yt, yr)
        yt.sum().backward()
        yr.sum().backward()
        close(xt.grad, xr.grad, 1e-6, 1e-8)
        close(zt.grad, zr.grad, 1e-6, 1e-8)


# ------------------------------------------------------------------ module machinery vs torch
class _Net:
    @staticmethod
    def build(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1))
                self.heads = nn.ModuleList([nn.Linear(8, 2), nn.Linear(8, 2), nn.Linear(8, 3)])
                self.table = nn.ModuleDict({"x": nn.Tanh(), "y": nn.Identity()})
                self.scale = nn.Parameter((tocha if nn is tnn else torch).ones(2))
                self.register_buffer("steps", (tocha if nn is tnn else torch).zeros(3))
                self.register_buffer("tmp", (tocha if nn is tnn else torch).zeros(1),
                                     persistent=False)
                self.plist = nn.ParameterList([nn.Parameter((tocha if nn is tnn else torch)
                                                            .zeros(2, 3))])
                self.flat = nn.Flatten()
                self.unflat = nn.Unflatten(1, (2, 4))

            def forward(self, x):
                h = self.features(x)
                return self.heads[0](h) * self.scale
        return Net()


def test_module_structure_matches_torch():
    mt, mr = seeded(0, lambda: _Net.build(tnn), lambda: _Net.build(nn))
    assert repr(mt) == repr(mr)
    assert [n for n, _ in mt.named_parameters()] == [n for n, _ in mr.named_parameters()]
    assert [n for n, _ in mt.named_buffers()] == [n for n, _ in mr.named_buffers()]
    assert [n for n, _ in mt.named_modules()] == [n for n, _ in mr.named_modules()]
    assert [n for n, _ in mt.named_children()] == [n for n, _ in mr.named_children()]
    assert list(mt.state_dict()) == list(mr.state_dict())
    exact_state(mt, mr)
    a = arr(3, 4)
    mt.eval()
    mr.eval()
    close(mt(tocha.tensor(a)), mr(torch.tensor(a)))


def test_reprs_match_torch():
    specs = [
        lambda nn: nn.Linear(3, 4, bias=False), lambda nn: nn.Bilinear(2, 3, 4),
        lambda nn: nn.Identity(), lambda nn: nn.Flatten(0, 2), lambda nn: nn.Unflatten(1, (2, 2)),
        lambda nn: nn.Dropout(0.3, inplace=True), lambda nn: nn.Dropout2d(),
        lambda nn: nn.ReLU(inplace=True), lambda nn: nn.LeakyReLU(0.2, True),
        lambda nn: nn.ELU(alpha=2.0, inplace=True), lambda nn: nn.Hardtanh(-2, 2),
        lambda nn: nn.Threshold(0.1, 20), lambda nn: nn.Softmax(), lambda nn: nn.ReLU6(True),
        lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.MSELoss(reduction="sum"),
        lambda nn: nn.Sequential(), lambda nn: nn.ModuleList(),
        lambda nn: nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Linear(2, 2), nn.ReLU()]),
        lambda nn: nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Tanh()),
        lambda nn: nn.ModuleDict({"a": nn.ReLU(), "b": nn.ModuleList([nn.Tanh()])}),
    ]
    for s in specs:
        assert repr(s(tnn)) == repr(s(nn))
    pl_t = tnn.ParameterList([tnn.Parameter(tocha.zeros(2, 3)), tocha.ones(4)])
    pl_r = nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), torch.ones(4)])
    assert repr(pl_t) == repr(pl_r)
    pd_t = tnn.ParameterDict({"b": tnn.Parameter(tocha.zeros(2)), "a": tocha.ones(1, 1)})
    pd_r = nn.ParameterDict({"b": nn.Parameter(torch.zeros(2)), "a": torch.ones(1, 1)})
    assert repr(pd_t) == repr(pd_r)
    assert repr(tnn.Parameter(tocha.zeros(2))) == repr(nn.Parameter(torch.zeros(2)))


def test_load_state_dict_errors_match_torch():
    mt, mr = seeded(0, lambda: _Net.build(tnn), lambda: _Net.build(nn))
    sd_t, sd_r = mt.state_dict(), mr.state_dict()
    for mutate in (
        lambda sd, lib: sd.pop("heads.1.bias"),
        lambda sd, lib: sd.__setitem__("extra.weight", lib.zeros(1)),
        lambda sd, lib: sd.__setitem__("bogus", lib.zeros(1)),
        lambda sd, lib: sd.__setitem__("heads.0.weight", lib.zeros(3, 3)),
        lambda sd, lib: (sd.pop("scale"), sd.__setitem__("features.0.bias", lib.zeros(2))),
    ):
        a, b = dict(sd_t), dict(sd_r)
        mutate(a, tocha)
        mutate(b, torch)
        with pytest.raises(RuntimeError) as et:
            mt.load_state_dict(a)
        with pytest.raises(RuntimeError) as er:
            mr.load_state_dict(b)
        assert str(et.value) == str(er.value)
        if "size mismatch" not in str(er.value):
            rt = mt.load_state_dict(a, strict=False)
            rr = mr.load_state_dict(b, strict=False)
            assert rt.missing_keys == rr.missing_keys
            assert rt.unexpected_keys == rr.unexpected_keys
    assert repr(mt.load_state_dict(sd_t)) == repr(mr.load_state_dict(sd_r))


MORE_REPRS = ["ConstantPad2d(2, 3.5)", "ZeroPad2d((1, 2, 3, 4))", "ReflectionPad1d(2)",
              "ReplicationPad3d(1)", "CircularPad2d(1)", "Upsample(scale_factor=2)",
              "Upsample(size=(3, 4), mode='bilinear')", "UpsamplingBilinear2d(scale_factor=2)",
              "UpsamplingNearest2d(size=3)", "PixelShuffle(2)", "PixelUnshuffle(3)",
              "ChannelShuffle(2)", "Fold(4, 2)", "Unfold(3, padding=1)", "CosineSimilarity()",
              "PairwiseDistance()", "MultiMarginLoss()", "MultiLabelMarginLoss()",
              "TripletMarginWithDistanceLoss()", "ZeroPad1d(2)"]


@pytest.mark.parametrize("spec", MORE_REPRS)
def test_more_layers_repr_and_forward(spec):
    mt, mr = eval("tnn." + spec), eval("nn." + spec)
    assert repr(mt) == repr(mr)


@pytest.mark.parametrize("spec,shape", [
    ("ConstantPad2d(2, 3.5)", (1, 2, 3, 4)), ("ZeroPad2d((1, 2, 3, 4))", (1, 2, 3, 4)),
    ("ReflectionPad1d(2)", (2, 3, 5)), ("ReplicationPad3d(1)", (1, 1, 2, 3, 4)),
    ("CircularPad2d(1)", (1, 2, 3, 4)), ("Upsample(scale_factor=2)", (1, 2, 3, 4)),
    ("UpsamplingBilinear2d(scale_factor=2)", (1, 2, 3, 4)), ("PixelShuffle(2)", (1, 8, 2, 3)),
    ("PixelUnshuffle(2)", (1, 2, 4, 6)), ("ChannelShuffle(2)", (2, 4, 3, 3)),
])
def test_more_layers_forward(spec, shape):
    mt, mr = eval("tnn." + spec), eval("nn." + spec)
    xt, xr = pair(arr(*shape, dtype=np.float64))
    yt, yr = mt(xt), mr(xr)
    close(yt, yr)
    g = arr(*yr.shape, dtype=np.float64)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad)


@pytest.mark.parametrize("red", REDUCTIONS)
def test_margin_losses(red):
    x = arr(4, 5)
    y = np.int64([0, 3, 4, 1])
    _loss_check("MultiMarginLoss", {}, [x, y], red)
    _loss_check("MultiMarginLoss", {"p": 2, "margin": 0.5,
                                    "weight": np.float32([1, 2, 1, 0.5, 3])}, [x, y], red)
    ml = np.int64([[3, 0, -1, 1, 1], [1, 2, 4, -1, 0], [-1, 0, 0, 0, 0], [0, 1, 2, 3, 4]])
    _loss_check("MultiLabelMarginLoss", {}, [x, ml], red)
    a, b, c = arr(4, 5), arr(4, 5), arr(4, 5)
    _loss_check("TripletMarginWithDistanceLoss", {}, [a, b, c], red, grad_idx=(0, 1, 2))


@pytest.mark.parametrize("fn,args", [("rms_norm", ((4, 5),)), ("instance_norm", ()),
                                     ("local_response_norm", (3,)),
                                     ("local_response_norm", (2,))])
def test_norm_composites(fn, args):
    a = arr(2, 3, 4, 5, dtype=np.float64)
    xt, xr = pair(a)
    yt, yr = getattr(TF, fn)(xt, *args), getattr(F, fn)(xr, *args)
    close(yt, yr, 1e-10, 1e-12)
    g = arr(*yr.shape, dtype=np.float64)
    yt.backward(tocha.tensor(g))
    yr.backward(torch.tensor(g))
    close(xt.grad, xr.grad, 1e-9, 1e-11)


def test_instance_norm_running_stats():
    a = arr(2, 3, 4, 5, dtype=np.float64)
    rm_t, rv_t = tocha.zeros(3, dtype=tocha.float64), tocha.ones(3, dtype=tocha.float64)
    rm_r, rv_r = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    TF.instance_norm(tocha.tensor(a), rm_t, rv_t, momentum=0.2)
    F.instance_norm(torch.tensor(a), rm_r, rv_r, momentum=0.2)
    close(rm_t, rm_r, 1e-12, 1e-14)
    close(rv_t, rv_r, 1e-12, 1e-14)


def test_rnn_utils_pad_and_pack():
    from torch.nn.utils import rnn as R

    from tocha.nn.utils import rnn as T
    arrs = [arr(n, 3, dtype=np.float64) for n in (4, 2, 5)]
    ts = [tocha.tensor(a, requires_grad=True) for a in arrs]
    rs = [torch.tensor(a, requires_grad=True) for a in arrs]
    for bf in (False, True):
        for side in ("right", "left"):
            close(T.pad_sequence(ts, bf, 1.5, side), R.pad_sequence(rs, bf, 1.5, side))
    for sort in (False, True):
        order = [2, 0, 1] if sort else [0, 1, 2]
        p1 = T.pack_sequence([ts[i] for i in order], enforce_sorted=sort)
        p2 = R.pack_sequence([rs[i] for i in order], enforce_sorted=sort)
        for f in ("data", "batch_sizes", "sorted_indices", "unsorted_indices"):
            a, b = getattr(p1, f), getattr(p2, f)
            assert (a is None) == (b is None)
            if a is not None:
                assert np.array_equal(a.detach().numpy(), b.detach().numpy()), f
        o1, l1 = T.pad_packed_sequence(p1, True, total_length=6)
        o2, l2 = R.pad_packed_sequence(p2, True, total_length=6)
        close(o1, o2)
        assert l1.tolist() == l2.tolist()
    o1.sum().backward()
    o2.sum().backward()
    for a, b in zip(ts, rs):
        close(a.grad, b.grad)
    assert [tuple(u.shape) for u in T.unpack_sequence(p1)] == [(5, 3), (4, 3), (2, 3)]


@pytest.mark.parametrize("red", REDUCTIONS)
def test_mse_fused_node_and_double_backward(red):
    (xt, xr), (tt, tr) = pair(arr(3, 4, dtype=np.float64)), pair(arr(3, 4, dtype=np.float64))
    lt, lr = TF.mse_loss(xt, tt, reduction=red), F.mse_loss(xr, tr, reduction=red)
    assert type(lt.grad_fn).__name__ == type(lr.grad_fn).__name__ == "MseLossBackward0"
    gt = tocha.autograd.grad(lt.sum(), (xt, tt), create_graph=True)
    gr = torch.autograd.grad(lr.sum(), (xr, tr), create_graph=True)
    for a, b in zip(gt, gr):
        close(a, b, 1e-12, 1e-14)
    ht = tocha.autograd.grad((gt[0] ** 3).sum(), (xt, tt))
    hr = torch.autograd.grad((gr[0] ** 3).sum(), (xr, tr))
    for a, b in zip(ht, hr):
        close(a, b, 1e-10, 1e-12)


@pytest.mark.parametrize("seed", [0, 3])
def test_sparse_init_bit_exact(seed):
    tocha.manual_seed(seed)
    a = tnn.init.sparse_(tocha.empty(10, 6), 0.3, std=0.05)
    torch.manual_seed(seed)
    b = nn.init.sparse_(torch.empty(10, 6), 0.3, std=0.05)
    assert np.array_equal(a.numpy(), b.numpy())
    assert np.array_equal(tocha.rand(3).numpy(), torch.rand(3).numpy())


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm(dim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt, mr = seeded(0, lambda: tnn.utils.weight_norm(tnn.Linear(3, 4), dim=dim),
                        lambda: nn.utils.weight_norm(nn.Linear(3, 4), dim=dim))
    assert list(mt.state_dict()) == list(mr.state_dict())
    for k, v in mr.state_dict().items():
        close(mt.state_dict()[k], v)
    (xt, xr) = pair(arr(2, 3))
    yt, yr = mt(xt), mr(xr)
    close(yt, yr)
    yt.sum().backward()
    yr.sum().backward()
    close(mt.weight_g.grad, mr.weight_g.grad, 1e-5, 1e-6)
    close(mt.weight_v.grad, mr.weight_v.grad, 1e-5, 1e-6)
    tnn.utils.remove_weight_norm(mt)
    nn.utils.remove_weight_norm(mr)
    assert list(mt.state_dict()) == list(mr.state_dict())
    close(mt.weight, mr.weight)


def test_functional_call():
    from torch.func import functional_call as fc_r

    from tocha.nn.utils.stateless import functional_call as fc_t
    mt, mr = seeded(0, lambda: tnn.Sequential(tnn.Linear(3, 4), tnn.ReLU(), tnn.Linear(4, 2)),
                    lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)))
    (wt, wr), (xt, xr) = pair(arr(4, 3)), pair(arr(5, 3), rg=False)
    yt = fc_t(mt, {"0.weight": wt}, (xt,))
    yr = fc_r(mr, {"0.weight": wr}, (xr,))
    close(yt, yr)
    yt.sum().backward()
    yr.sum().backward()
    close(wt.grad, wr.grad)
    assert isinstance(mt[0].weight, tnn.Parameter) and mt[0].weight.grad is None
    with pytest.raises(RuntimeError, match="Missing key"):
        fc_t(mt, {"0.weight": wt}, (xt,), strict=True)
