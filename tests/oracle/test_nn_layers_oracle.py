"""Heavy layers against PyTorch: seeded initialisation bit for bit, reprs, functional values and
gradients (same lambda, same inputs), modules with copied weights, node names, errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import tocha
import tocha.nn as cnn
import tocha.nn.functional as CF

rng = np.random.default_rng(3)


def lib_pair(arrays, dtype):
    ts = [torch.tensor(a.astype(dtype), requires_grad=a.dtype.kind == "f") for a in arrays]
    cs = [tocha.tensor(a.astype(dtype), requires_grad=a.dtype.kind == "f") for a in arrays]
    return ts, cs


def run_both(fn_t, fn_c, arrays, dtype=np.float64, rtol=1e-7, atol=1e-9):
    """Same inputs on both libraries: values, dtype, shape and every input gradient agree."""
    ts, cs = lib_pair(arrays, dtype)
    to, co = fn_t(*ts), fn_c(*cs)
    to = to[0] if isinstance(to, tuple) else to
    co = co[0] if isinstance(co, tuple) else co
    assert tuple(co.shape) == tuple(to.shape)
    assert str(co.dtype).split(".")[-1] == str(to.dtype).split(".")[-1]
    np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = rng.standard_normal(tuple(to.shape)).astype(dtype)
    to.backward(torch.tensor(g))
    co.backward(tocha.tensor(g))
    for t, c in zip(ts, cs):
        if t.grad is not None:
            np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)
    return to, co


# ---------------------------------------------------------------- seeded init, bit for bit

INIT_CASES = [
    ("Conv2d", (3, 16, 3), {}),
    ("Conv2d", (4, 6, (3, 2)), {"groups": 2, "bias": False}),
    ("Conv1d", (3, 5, 4), {}),
    ("ConvTranspose2d", (4, 6, 3), {"groups": 2, "stride": 2}),
    ("ConvTranspose1d", (3, 2, 5), {}),
    ("Embedding", (10, 3), {}),
    ("Embedding", (50, 8), {"padding_idx": 0}),
    ("LSTM", (5, 7), {"num_layers": 2, "bidirectional": True}),
    ("GRU", (4, 6), {}),
    ("RNN", (3, 4), {"num_layers": 2, "nonlinearity": "relu"}),
    ("MultiheadAttention", (8, 2), {}),
    ("MultiheadAttention", (8, 2), {"kdim": 3, "vdim": 5, "add_bias_kv": True}),
    ("BatchNorm2d", (6,), {}),
    ("LayerNorm", ((3, 4),), {}),
    ("GroupNorm", (2, 6), {}),
    ("LSTMCell", (3, 4), {}),
    ("GRUCell", (3, 4), {}),
]


@pytest.mark.parametrize("name,args,kw", INIT_CASES, ids=[c[0] for c in INIT_CASES])
@pytest.mark.parametrize("seed", [0, 7])
def test_seeded_init_bit_exact(name, args, kw, seed):
    torch.manual_seed(seed)
    t = getattr(tnn, name)(*args, **kw)
    after_t = torch.rand(3).numpy()
    tocha.manual_seed(seed)
    c = getattr(cnn, name)(*args, **kw)
    after_c = tocha.rand(3).numpy()
    st, sc = t.state_dict(), c.state_dict()
    assert list(st) == list(sc)
    for k in st:
        a, b = sc[k].numpy(), st[k].numpy()
        assert a.dtype == b.dtype and a.shape == b.shape, k
        np.testing.assert_array_equal(a, b, err_msg=k)
    np.testing.assert_array_equal(after_c, after_t)     # same number of draws
    assert repr(c) == repr(t)


def test_transformer_encoder_init_and_repr():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        t = tnn.TransformerEncoder(tnn.TransformerEncoderLayer(8, 2, 16), 2)
        tocha.manual_seed(0)
        c = cnn.TransformerEncoder(cnn.TransformerEncoderLayer(8, 2, 16), 2)
    assert repr(c) == repr(t)
    st, sc = t.state_dict(), c.state_dict()
    assert list(st) == list(sc)
    for k in st:
        np.testing.assert_array_equal(sc[k].numpy(), st[k].numpy(), err_msg=k)


REPR_CASES = [
    ("Conv2d", (3, 8, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 1,
                           "bias": False, "padding_mode": "reflect"}),
    ("Conv2d", (3, 8, 3), {"padding": "same"}),
    ("ConvTranspose2d", (3, 8, 3), {"output_padding": 1, "stride": 2}),
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((3, 2),), {"stride": 1, "padding": 1}),
    ("MaxPool1d", (3,), {"ceil_mode": True}), ("AvgPool2d", (3, 2, 1), {}),
    ("AvgPool1d", (3,), {}), ("AdaptiveAvgPool2d", ((None, 2),), {}),
    ("AdaptiveMaxPool2d", (3,), {}), ("AdaptiveAvgPool1d", (2,), {}),
    ("BatchNorm1d", (3,), {"momentum": None, "affine": False}),
    ("BatchNorm2d", (3,), {"track_running_stats": False, "eps": 1e-3}),
    ("LayerNorm", (5,), {"elementwise_affine": False, "bias": False}),
    ("GroupNorm", (1, 2), {"affine": False}),
    ("Embedding", (10, 3), {"padding_idx": 1, "max_norm": 2.0, "norm_type": 1.0,
                            "scale_grad_by_freq": True, "sparse": True}),
    ("LSTM", (3, 4), {"bias": False, "batch_first": True, "dropout": 0.5, "num_layers": 2}),
    ("GRU", (3, 4), {"bidirectional": True}), ("RNN", (3, 4), {"nonlinearity": "relu"}),
    ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("TransformerEncoderLayer", (8, 2, 16), {"norm_first": True, "activation": "gelu"}),
    ("Fold", ((4, 5), 2), {"stride": (1, 2)}), ("Unfold", (2,), {"padding": 1}),
]


@pytest.mark.parametrize("name,args,kw", REPR_CASES, ids=[c[0] for c in REPR_CASES])
def test_reprs(name, args, kw):
    assert repr(getattr(cnn, name)(*args, **kw)) == repr(getattr(tnn, name)(*args, **kw))


# ---------------------------------------------------------------- functional oracle

def r(*shape):
    return rng.standard_normal(shape)


FUNC_CASES = [
    ("conv2d", lambda F: lambda x, w, b: F.conv2d(x, w, b), [r(2, 3, 7, 6), r(4, 3, 3, 2), r(4)]),
    ("conv2d_strided", lambda F: lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2),
                                                          dilation=(1, 2), groups=3),
     [r(2, 3, 8, 9), r(6, 1, 3, 3), r(6)]),
    ("conv2d_batch", lambda F: lambda x, w, b: F.conv2d(x, w, b, stride=(2, 3), padding=(2, 1),
                                                        dilation=(1, 2), groups=2),
     [r(6, 4, 9, 10), r(6, 2, 3, 3), r(6)]),
    ("conv_transpose2d_batch", lambda F: lambda x, w, b: F.conv_transpose2d(
        x, w, b, stride=(2, 3), padding=(1, 2), output_padding=(1, 0), groups=2, dilation=2),
     [r(5, 4, 4, 5), r(4, 3, 3, 3), r(6)]),
    # ResNet's late layers: 1x1 and 2x2 maps, where taps that see only padding are skipped
    ("conv2d_tiny_map", lambda F: lambda x, w: F.conv2d(x, w, padding=1),
     [r(5, 4, 1, 1), r(3, 4, 3, 3)]),
    ("conv2d_tiny_strided", lambda F: lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
     [r(4, 3, 2, 2), r(5, 3, 3, 3), r(5)]),
    ("conv2d_same", lambda F: lambda x, w: F.conv2d(x, w, padding="same", dilation=2),
     [r(1, 2, 6, 7), r(3, 2, 2, 3)]),
    ("conv1d", lambda F: lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=2, groups=2),
     [r(2, 4, 11), r(6, 2, 3), r(6)]),
    ("conv_transpose2d", lambda F: lambda x, w, b: F.conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=1),
     [r(2, 4, 4, 5), r(4, 3, 3, 3), r(6)]),
    ("conv_transpose1d", lambda F: lambda x, w: F.conv_transpose1d(x, w, stride=3, dilation=2),
     [r(2, 3, 5), r(3, 2, 4)]),
    ("unfold", lambda F: lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=2),
     [r(2, 3, 7, 8)]),
    ("fold", lambda F: lambda x: F.fold(x, (5, 6), 2, padding=1, stride=2), [r(2, 8, 12)]),
    ("max_pool2d", lambda F: lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), [r(2, 3, 9, 8)]),
    ("max_pool2d_dil", lambda F: lambda x: F.max_pool2d(x, (2, 3), (1, 2), dilation=(2, 1)),
     [r(2, 3, 9, 8)]),
    ("max_pool1d", lambda F: lambda x: F.max_pool1d(x, 4, 3, 2), [r(2, 3, 11)]),
    ("avg_pool2d", lambda F: lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                     count_include_pad=False), [r(2, 3, 8, 9)]),
    ("avg_pool2d_div", lambda F: lambda x: F.avg_pool2d(x, 2, 1, 1, divisor_override=3),
     [r(2, 3, 5, 5)]),
    ("avg_pool1d", lambda F: lambda x: F.avg_pool1d(x, 3, 2, 1), [r(2, 3, 10)]),
    ("adaptive_avg_pool2d", lambda F: lambda x: F.adaptive_avg_pool2d(x, (3, 4)), [r(2, 3, 7, 9)]),
    ("adaptive_avg_pool2d_1", lambda F: lambda x: F.adaptive_avg_pool2d(x, 1), [r(2, 3, 7, 9)]),
    ("adaptive_max_pool2d", lambda F: lambda x: F.adaptive_max_pool2d(x, (3, 4)),
     [r(2, 3, 7, 9)]),
    ("adaptive_max_pool1d", lambda F: lambda x: F.adaptive_max_pool1d(x, 4), [r(2, 3, 10)]),
    ("batch_norm", lambda F: lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
     [r(4, 3, 5, 2), r(3), r(3)]),
    ("layer_norm", lambda F: lambda x, w, b: F.layer_norm(x, (4, 5), w, b),
     [r(2, 3, 4, 5), r(4, 5), r(4, 5)]),
    ("group_norm", lambda F: lambda x, w, b: F.group_norm(x, 2, w, b), [r(2, 6, 5), r(6), r(6)]),
    ("sdpa", lambda F: lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
     [r(2, 3, 4, 8), r(2, 3, 5, 8), r(2, 3, 5, 6)]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,make,arrays", FUNC_CASES, ids=[c[0] for c in FUNC_CASES])
def test_functional_values_and_grads(name, make, arrays, dtype):
    tol = {"rtol": 1e-7, "atol": 1e-9} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
    to, co = run_both(make(TF), make(CF), arrays, dtype, **tol)
    if name != "sdpa":      # PyTorch's fused kernel ends in a view node; ours in the matmul
        assert co.grad_fn.name() == to.grad_fn.name()


def test_max_pool_indices_equal():
    x = r(2, 3, 9, 8)
    _, ti = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True, ceil_mode=True)
    _, ci = CF.max_pool2d(tocha.tensor(x), 3, 2, 1, return_indices=True, ceil_mode=True)
    np.testing.assert_array_equal(ci.numpy(), ti.numpy())
    _, ti = TF.adaptive_max_pool2d(torch.tensor(x), (4, 3), return_indices=True)
    _, ci = CF.adaptive_max_pool2d(tocha.tensor(x), (4, 3), return_indices=True)
    np.testing.assert_array_equal(ci.numpy(), ti.numpy())


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 2}, {"scale_grad_by_freq": True},
                                {"max_norm": 1.0, "norm_type": 1.0}])
def test_embedding_oracle(kw):
    w = r(10, 4)
    idx = rng.integers(0, 10, (3, 5))
    tw, cw = torch.tensor(w, requires_grad=True), tocha.tensor(w, requires_grad=True)
    to = TF.embedding(torch.tensor(idx), tw, **kw)
    co = CF.embedding(tocha.tensor(idx), cw, **kw)
    np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), rtol=1e-12)
    g = r(*to.shape)
    to.backward(torch.tensor(g))
    co.backward(tocha.tensor(g))
    np.testing.assert_allclose(cw.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cw.detach().numpy(), tw.detach().numpy(), rtol=1e-12)
    assert co.grad_fn.name() == to.grad_fn.name()


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_module_training_and_eval(momentum):
    t = tnn.BatchNorm2d(3, momentum=momentum)
    c = cnn.BatchNorm2d(3, momentum=momentum)
    for step in range(4):
        if step == 3:
            t.eval()
            c.eval()
        x = rng.standard_normal((4, 3, 5, 5)).astype(np.float32)
        tx, cx = torch.tensor(x, requires_grad=True), tocha.tensor(x, requires_grad=True)
        to, co = t(tx), c(cx)
        np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), rtol=1e-4, atol=1e-5)
        to.square().sum().backward()
        co.square().sum().backward()
        np.testing.assert_allclose(cx.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)
        for k, v in t.state_dict().items():
            np.testing.assert_allclose(c.state_dict()[k].numpy(), v.numpy(), rtol=1e-5,
                                       atol=1e-6, err_msg=k)
    np.testing.assert_allclose(c.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-3,
                               atol=1e-4)


def copy_weights(t, c):
    """Float64 copies of torch's parameters into the tocha module (same names)."""
    c.double()
    tp = dict(t.named_parameters())
    for n, p in c.named_parameters():
        p._data[...] = tp[n].detach().numpy()


RNN_CASES = [
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"batch_first": True, "bias": False}),
    ("GRU", {"num_layers": 2, "bidirectional": True, "batch_first": True}),
    ("RNN", {"nonlinearity": "tanh", "num_layers": 2}),
    ("RNN", {"nonlinearity": "relu", "bidirectional": True}),
]


@pytest.mark.parametrize("name,kw", RNN_CASES, ids=[c[0] for c in RNN_CASES])
@pytest.mark.parametrize("with_state", [False, True])
def test_rnn_modules_against_torch(name, kw, with_state):
    t = getattr(tnn, name)(5, 4, **kw).double()
    c = getattr(cnn, name)(5, 4, **kw)
    copy_weights(t, c)
    d = 2 if kw.get("bidirectional") else 1
    n_l = kw.get("num_layers", 1)
    x = r(3, 6, 5) if kw.get("batch_first") else r(6, 3, 5)
    states = [r(n_l * d, 3, 4)] * (2 if name == "LSTM" else 1) if with_state else []
    arrays = [x] + states

    def fwd(lib, m):
        def f(x, *hs):
            if not hs:
                out, h = m(x)
            else:
                out, h = m(x, tuple(hs) if name == "LSTM" else hs[0])
            hs_out = h if name == "LSTM" else (h,)
            return out.sum() + sum((k * k).sum() for k in hs_out) + (out * out).sum()
        return f
    run_both(fwd(torch, t), fwd(tocha, c), arrays)
    for (n, p), (_, q) in zip(t.named_parameters(), c.named_parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-7, atol=1e-9,
                                   err_msg=n)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_rnn_packed_sequence_against_torch(name, enforce_sorted):
    from torch.nn.utils import rnn as TU

    from tocha.nn.utils import rnn as CU
    t = getattr(tnn, name)(3, 4, num_layers=2, bidirectional=True).double()
    c = getattr(cnn, name)(3, 4, num_layers=2, bidirectional=True)
    copy_weights(t, c)
    lens = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x = r(5, 4, 3)
    tx, cx = torch.tensor(x, requires_grad=True), tocha.tensor(x, requires_grad=True)
    to, th = t(TU.pack_padded_sequence(tx, lens, enforce_sorted=enforce_sorted))
    co, ch = c(CU.pack_padded_sequence(cx, lens, enforce_sorted=enforce_sorted))
    if name == "LSTM":
        th, ch = th[0] + 2 * th[1], ch[0] + 2 * ch[1]
    np.testing.assert_array_equal(co.batch_sizes.numpy(), to.batch_sizes.numpy())
    np.testing.assert_allclose(co.data.detach().numpy(), to.data.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ch.detach().numpy(), th.detach().numpy(), atol=1e-12)
    (to.data.sum() + (th * th).sum()).backward()
    (co.data.sum() + (ch * ch).sum()).backward()
    np.testing.assert_allclose(cx.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    for (n, p), (_, q) in zip(t.named_parameters(), c.named_parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), atol=1e-12, err_msg=n)
    out, lengths = CU.pad_packed_sequence(co)
    assert lengths.tolist() == lens and tuple(out.shape) == (5, 4, 8)


MHA_CASES = [
    ({}, {}),
    ({"batch_first": True}, {"key_padding_mask": "bool"}),
    ({}, {"attn_mask": "float", "average_attn_weights": False}),
    ({"kdim": 3, "vdim": 5, "add_bias_kv": True, "add_zero_attn": True},
     {"attn_mask": "bool", "key_padding_mask": "bool"}),
    ({"bias": False}, {"need_weights": False, "attn_mask": "float"}),
]


@pytest.mark.parametrize("ckw,fkw", MHA_CASES)
def test_multihead_attention_against_torch(ckw, fkw):
    t = tnn.MultiheadAttention(8, 2, **ckw).double()
    c = cnn.MultiheadAttention(8, 2, **ckw)
    copy_weights(t, c)
    with torch.no_grad():           # non-zero biases, so their gradients mean something
        for n, p in t.named_parameters():
            if "bias" in n:
                p.copy_(torch.tensor(r(*p.shape)))
    copy_weights(t, c)
    bf = ckw.get("batch_first", False)
    kd, vd = ckw.get("kdim", 8), ckw.get("vdim", 8)
    q = r(2, 4, 8) if bf else r(4, 2, 8)
    k = r(2, 6, kd) if bf else r(6, 2, kd)
    v = r(2, 6, vd) if bf else r(6, 2, vd)
    extra_t, extra_c = {}, {}
    for key, kind in fkw.items():
        if key == "key_padding_mask":
            m = rng.random((2, 6)) < 0.3
            m[:, 0] = False
        elif key == "attn_mask":
            m = rng.standard_normal((4, 6)) if kind == "float" else rng.random((4, 6)) < 0.3
            if kind == "bool":
                m[:, 0] = False
        else:
            extra_t[key] = extra_c[key] = kind
            continue
        extra_t[key], extra_c[key] = torch.tensor(m), tocha.tensor(m)

    def fwd(m, extra):
        def f(q, k, v):
            out, w = m(q, k, v, **extra)
            return out.sum() + (out * out).sum() + (0 if w is None else (w * w).sum())
        return f
    run_both(fwd(t, extra_t), fwd(c, extra_c), [q, k, v])
    for (n, p), (_, qq) in zip(t.named_parameters(), c.named_parameters()):
        np.testing.assert_allclose(qq.grad.numpy(), p.grad.numpy(), rtol=1e-7, atol=1e-9,
                                   err_msg=n)


@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "activation": "gelu",
                                     "batch_first": True}])
def test_transformer_encoder_against_torch(kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = tnn.TransformerEncoder(tnn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw), 2,
                                   norm=tnn.LayerNorm(8)).double()
        c = cnn.TransformerEncoder(cnn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw), 2,
                                   norm=cnn.LayerNorm(8))
    copy_weights(t, c)
    x = r(3, 5, 8)
    mask = np.triu(np.full((5, 5) if kw else (3, 3), -np.inf), 1)
    kpm = rng.random((3, 5) if kw else (5, 3)) < 0.3
    kpm[:, 0] = False
    kpm = np.where(kpm, -np.inf, 0.0)       # same mask type as `mask` (PyTorch warns otherwise)
    t.eval()
    c.eval()
    run_both(lambda x: t(x, mask=torch.tensor(mask), src_key_padding_mask=torch.tensor(kpm)),
             lambda x: c(x, mask=tocha.tensor(mask), src_key_padding_mask=tocha.tensor(kpm)),
             [x])


@pytest.mark.parametrize("bias", [True, False])
def test_lstm_cell_unrolled_against_torch(bias):
    """The fused LSTMCell step (one node) against PyTorch's composed cell: values, gradients."""
    torch.manual_seed(3)
    t1, t2 = tnn.LSTMCell(2, 5, bias=bias).double(), tnn.LSTMCell(5, 5, bias=bias).double()
    c1, c2 = cnn.LSTMCell(2, 5, bias=bias).double(), cnn.LSTMCell(5, 5, bias=bias).double()
    for t, c in ((t1, c1), (t2, c2)):
        c.load_state_dict({k: tocha.from_numpy(v.numpy().copy())
                           for k, v in t.state_dict().items()})
    xs = np.random.default_rng(0).standard_normal((6, 3, 2))

    def run(lib, m1, m2):
        x = lib.tensor(xs, requires_grad=True)
        h = c_ = h2 = c2_ = lib.zeros(3, 5, dtype=lib.float64)
        outs = []
        for t in range(6):
            h, c_ = m1(x[t], (h, c_))
            h2, c2_ = m2(h, (h2, c2_))
            outs.append(h2)
        (lib.stack(outs) ** 2).sum().backward()
        return lib.stack(outs), x.grad, [p.grad for p in (*m1.parameters(), *m2.parameters())]

    ot, gt, pt = run(torch, t1, t2)
    oc, gc, pc = run(tocha, c1, c2)
    np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(gc.numpy(), gt.numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(pc, pt):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_lenet_training_steps_match_torch():
    """Seeded LeNet-5 with Adam: identical init, losses equal over a few steps."""
    def make(nn):
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                             nn.Linear(84, 10))
    torch.manual_seed(0)
    t = make(tnn)
    tocha.manual_seed(0)
    c = make(cnn)
    to, co = torch.optim.Adam(t.parameters(), 1e-3), tocha.optim.Adam(c.parameters(), 1e-3)
    x = rng.standard_normal((16, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 16)
    for _ in range(5):
        to.zero_grad()
        co.zero_grad()
        lt = TF.cross_entropy(t(torch.tensor(x)), torch.tensor(y))
        lc = CF.cross_entropy(c(tocha.tensor(x)), tocha.tensor(y))
        lt.backward()
        lc.backward()
        to.step()
        co.step()
        np.testing.assert_allclose(lc.item(), lt.item(), rtol=1e-5)


# ---------------------------------------------------------------- both raise

BAD = [
    lambda F, T: F.conv2d(T(np.zeros((2, 1, 8, 8))), T(np.zeros((4, 3, 3, 3)))),
    lambda F, T: F.conv2d(T(np.zeros((1, 1, 2, 2))), T(np.zeros((1, 1, 3, 3)))),
    lambda F, T: F.conv2d(T(np.zeros((1, 2, 5, 5))), T(np.zeros((3, 1, 3, 3))), groups=2),
    lambda F, T: F.conv_transpose2d(T(np.zeros((1, 2, 5, 5))), T(np.zeros((2, 1, 3, 3))),
                                    stride=2, output_padding=2),
    lambda F, T: F.max_pool2d(T(np.zeros((1, 1, 5, 5))), 2, padding=2),
    lambda F, T: F.batch_norm(T(np.zeros((1, 3))), None, None, training=True),
    lambda F, T: F.layer_norm(T(np.zeros((2, 3))), (4,)),
    lambda F, T: F.group_norm(T(np.zeros((2, 6, 3))), 4),
    lambda F, T: F.embedding(T(np.array([10])), T(np.zeros((10, 3)))),
    lambda F, T: F.embedding(T(np.array([1.0])), T(np.zeros((10, 3)))),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_both_raise(i):
    with pytest.raises(Exception):  # noqa: B017
        BAD[i](TF, torch.tensor)
    with pytest.raises(Exception):  # noqa: B017
        BAD[i](CF, tocha.tensor)
