"""Recurrent layers and attention (NumPy only): gate primitives' gradcheck/gradgradcheck,
LSTM/GRU/RNN against NumPy step-by-step references, shapes, states, masks, errors."""
import warnings

import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha import nn
from tocha._ops.nn_rnn import gru_cell_gates, lstm_cell, lstm_cell_gates, lstm_layer
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(2)


def t64(*shape, grad=True):
    return tocha.tensor(rng.standard_normal(shape), requires_grad=grad)


def sig(x):
    return 1 / (1 + np.exp(-x))


def test_gate_primitives_gradcheck_and_gradgradcheck():
    g, c = t64(3, 8), t64(3, 2)
    f = lambda g, c: lstm_cell_gates(g, c)
    assert gradcheck(f, (g, c)) and gradgradcheck(f, (g, c))
    gi, gh, h = t64(3, 6), t64(3, 6), t64(3, 2)
    assert gradcheck(gru_cell_gates, (gi, gh, h)) and gradgradcheck(gru_cell_gates, (gi, gh, h))


@pytest.mark.parametrize("bias", [True, False])
def test_fused_lstm_cell_gradcheck_and_matches_composed(bias):
    x, h, c = t64(3, 4), t64(3, 2), t64(3, 2)
    wi, wh = t64(8, 4), t64(8, 2)
    bi, bh = (t64(8), t64(8)) if bias else (None, None)
    h2, c2 = lstm_cell(x, h, c, wi, wh, bi, bh)
    gates = x @ wi.t() + h @ wh.t()
    if bias:
        gates = gates + bi + bh
    hr, cr = lstm_cell_gates(gates, c)
    np.testing.assert_allclose(h2.detach().numpy(), hr.detach().numpy(), atol=1e-14)
    np.testing.assert_allclose(c2.detach().numpy(), cr.detach().numpy(), atol=1e-14)
    args = (x, h, c, wi, wh) + ((bi, bh) if bias else ())
    f = (lambda *a: lstm_cell(*a)) if bias else (lambda *a: lstm_cell(*a, None, None))
    assert gradcheck(f, args) and gradgradcheck(f, args)


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_primitive_matches_cells_and_gradchecks(reverse):
    xw, h0, c0, w = t64(3, 2, 8), t64(2, 2), t64(2, 2), t64(8, 2)
    out, h, c = lstm_layer(xw, h0, c0, w, reverse)
    hh, cc = h0, c0
    outs = [None] * 3
    for t in (range(2, -1, -1) if reverse else range(3)):
        hh, cc = lstm_cell_gates(xw[t] + hh @ w.t(), cc)
        outs[t] = hh
    np.testing.assert_allclose(out.detach().numpy(), tocha.stack(outs).detach().numpy(),
                               atol=1e-14)
    np.testing.assert_allclose(c.detach().numpy(), cc.detach().numpy(), atol=1e-14)
    np.testing.assert_allclose(h.detach().numpy(), hh.detach().numpy(), atol=1e-14)
    f = lambda *a: lstm_layer(*a, reverse)
    assert gradcheck(f, (xw, h0, c0, w)) and gradgradcheck(f, (xw, h0, c0, w))


def params(m):
    return {n: p.detach().numpy() for n, p in m.named_parameters()}


def np_lstm_layer(x, h, c, p, sfx, reverse=False):
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    out = np.zeros(x.shape[:2] + (h.shape[-1],))
    for t in steps:
        z = (x[t] @ p["weight_ih" + sfx].T + p["bias_ih" + sfx] + h @ p["weight_hh" + sfx].T
             + p["bias_hh" + sfx])
        i, f, g, o = np.split(z, 4, -1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        out[t] = h
    return out, h, c


def np_gru_layer(x, h, p, sfx):
    out = np.zeros(x.shape[:2] + (h.shape[-1],))
    for t in range(x.shape[0]):
        gi = x[t] @ p["weight_ih" + sfx].T + p["bias_ih" + sfx]
        gh = h @ p["weight_hh" + sfx].T + p["bias_hh" + sfx]
        ir, iz, in_ = np.split(gi, 3, -1)
        hr, hz, hn = np.split(gh, 3, -1)
        r, z = sig(ir + hr), sig(iz + hz)
        n = np.tanh(in_ + r * hn)
        h = (1 - z) * n + z * h
        out[t] = h
    return out, h


def test_lstm_bidirectional_two_layers_matches_numpy():
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    p = params(m)
    x = rng.standard_normal((5, 2, 3))
    h0, c0 = rng.standard_normal((4, 2, 4)), rng.standard_normal((4, 2, 4))
    out, (hn, cn) = m(tocha.tensor(x), (tocha.tensor(h0), tocha.tensor(c0)))
    layer_in = x
    hs, cs = [], []
    for layer in range(2):
        o1, h1, c1 = np_lstm_layer(layer_in, h0[2 * layer], c0[2 * layer], p, f"_l{layer}")
        o2, h2, c2 = np_lstm_layer(layer_in, h0[2 * layer + 1], c0[2 * layer + 1], p,
                                   f"_l{layer}_reverse", reverse=True)
        layer_in = np.concatenate([o1, o2], -1)
        hs += [h1, h2]
        cs += [c1, c2]
    np.testing.assert_allclose(out.detach().numpy(), layer_in, atol=1e-12)
    np.testing.assert_allclose(hn.detach().numpy(), np.stack(hs), atol=1e-12)
    np.testing.assert_allclose(cn.detach().numpy(), np.stack(cs), atol=1e-12)


def test_gru_batch_first_matches_numpy_and_rnn_relu():
    m = nn.GRU(3, 2, batch_first=True).double()
    p = params(m)
    x = rng.standard_normal((2, 4, 3))
    out, hn = m(tocha.tensor(x))
    ref, h = np_gru_layer(x.transpose(1, 0, 2), np.zeros((2, 2)), p, "_l0")
    np.testing.assert_allclose(out.detach().numpy(), ref.transpose(1, 0, 2), atol=1e-12)
    np.testing.assert_allclose(hn.detach().numpy()[0], h, atol=1e-12)
    r = nn.RNN(3, 2, nonlinearity="relu", bias=False).double()
    p = params(r)
    out, hn = r(tocha.tensor(x[0][:, None]))
    h = np.zeros(2)
    for t in range(4):
        h = np.maximum(x[0][t] @ p["weight_ih_l0"].T + h @ p["weight_hh_l0"].T, 0)
    np.testing.assert_allclose(hn.detach().numpy()[0, 0], h, atol=1e-12)


def _first_output(m):
    return lambda x: m(x)[0]


def test_rnn_gradcheck_through_layers():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cls in (nn.LSTM, nn.GRU, nn.RNN):
            m = cls(2, 2, num_layers=2, bidirectional=True).double()
            x = t64(3, 1, 2)
            assert gradcheck(_first_output(m), (x,))


def test_rnn_parameter_names_and_shapes():
    m = nn.LSTM(3, 5, num_layers=2, bidirectional=True, bias=False)
    names = [n for n, _ in m.named_parameters()]
    assert names == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse",
                     "weight_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1",
                     "weight_ih_l1_reverse", "weight_hh_l1_reverse"]
    assert tuple(m.weight_ih_l1.shape) == (20, 10) and tuple(m.weight_hh_l0.shape) == (20, 5)
    g = nn.GRU(3, 5)
    assert tuple(g.bias_hh_l0.shape) == (15,)
    bound = 1 / np.sqrt(5)
    assert all(abs(p.detach().numpy()).max() <= bound for p in g.parameters())


def test_rnn_unbatched_and_states_shapes():
    m = nn.LSTM(3, 4, num_layers=2)
    out, (h, c) = m(tocha.randn(6, 3))
    assert tuple(out.shape) == (6, 4) and tuple(h.shape) == (2, 4) and tuple(c.shape) == (2, 4)
    g = nn.GRU(3, 4, batch_first=True, bidirectional=True)
    out, h = g(tocha.randn(2, 6, 3), tocha.zeros(2, 2, 4))
    assert tuple(out.shape) == (2, 6, 8) and tuple(h.shape) == (2, 2, 4)


def test_rnn_dropout_between_layers_only_in_training():
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = tocha.randn(5, 2, 3)
    m.eval()
    a, b = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(2, 2, dropout=0.3)


def test_rnn_errors_name_the_layer():
    m = nn.LSTM(10, 20)
    with pytest.raises(RuntimeError, match=r"LSTM\(10, 20\): expected input with 10 features "
                                           r"\(shape \(L, N, 10\)\), got \(5, 3, 7\)"):
        m(tocha.randn(5, 3, 7))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 3, 20\), got \(2, 3, 20\)"):
        m(tocha.randn(5, 3, 10), (tocha.zeros(2, 3, 20), tocha.zeros(1, 3, 20)))
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D"):
        nn.GRU(2, 2)(tocha.randn(2))


def test_cells():
    c = nn.LSTMCell(3, 2).double()
    x = t64(4, 3)
    h, cc = c(x)
    p = params(c)
    z = x.detach().numpy() @ p["weight_ih"].T + p["bias_ih"] + p["bias_hh"]
    i, _, g, o = np.split(z, 4, -1)
    cref = sig(i) * np.tanh(g)
    np.testing.assert_allclose(cc.detach().numpy(), cref, atol=1e-12)
    np.testing.assert_allclose(h.detach().numpy(), sig(o) * np.tanh(cref), atol=1e-12)
    assert tuple(nn.GRUCell(3, 2)(tocha.randn(3)).shape) == (2,)
    assert tuple(nn.RNNCell(3, 2, nonlinearity="relu")(tocha.randn(4, 3)).shape) == (4, 2)


# ---------------------------------------------------------------- attention

def np_mha(q, k, v, p, heads, mask=None):
    e = q.shape[-1]
    hd = e // heads
    wq, wk, wv = np.split(p["in_proj_weight"], 3)
    bq, bk, bv = np.split(p["in_proj_bias"], 3)
    lq, n, _ = q.shape
    s = k.shape[0]
    qq = (q @ wq.T + bq).reshape(lq, n * heads, hd).transpose(1, 0, 2)
    kk = (k @ wk.T + bk).reshape(s, n * heads, hd).transpose(1, 0, 2)
    vv = (v @ wv.T + bv).reshape(s, n * heads, hd).transpose(1, 0, 2)
    sc = qq @ kk.transpose(0, 2, 1) / np.sqrt(hd)
    if mask is not None:
        sc = sc + mask
    w = np.exp(sc - sc.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    o = (w @ vv).transpose(1, 0, 2).reshape(lq, n, e)
    o = o @ p["out_proj.weight"].T + p["out_proj.bias"]
    return o, w.reshape(n, heads, lq, s)


def test_mha_matches_numpy_with_masks():
    m = nn.MultiheadAttention(6, 3).double()
    with tocha.no_grad():
        m.in_proj_bias.copy_(tocha.tensor(rng.standard_normal(18)))
        m.out_proj.bias.copy_(tocha.tensor(rng.standard_normal(6)))
    p = params(m)
    q, k = rng.standard_normal((4, 2, 6)), rng.standard_normal((5, 2, 6))
    kpm = np.array([[False, False, True, False, True], [False, True, False, False, False]])
    out, w = m(tocha.tensor(q), tocha.tensor(k), tocha.tensor(k),
               key_padding_mask=tocha.tensor(kpm), average_attn_weights=False)
    add = np.where(kpm, -np.inf, 0.0).repeat(3, 0)[:, None, :]
    ref_o, ref_w = np_mha(q, k, k, p, 3, add)
    np.testing.assert_allclose(out.detach().numpy(), ref_o, atol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), ref_w, atol=1e-12)
    am = rng.standard_normal((4, 5))
    out, w = m(tocha.tensor(q), tocha.tensor(k), tocha.tensor(k), attn_mask=tocha.tensor(am))
    ref_o, ref_w = np_mha(q, k, k, p, 3, am[None])
    np.testing.assert_allclose(w.detach().numpy(), ref_w.mean(1), atol=1e-12)
    out2, w2 = m(tocha.tensor(q), tocha.tensor(k), tocha.tensor(k), attn_mask=tocha.tensor(am),
                 need_weights=False)
    assert w2 is None
    np.testing.assert_allclose(out2.detach().numpy(), ref_o, atol=1e-12)


def test_mha_gradcheck_batch_first_and_params():
    m = nn.MultiheadAttention(4, 2, batch_first=True, add_bias_kv=True,
                              add_zero_attn=True).double()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight",
                     "out_proj.bias"]
    x = t64(2, 3, 4)
    assert gradcheck(lambda x: m(x, x, x)[0], (x,))
    sep = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    assert sep.in_proj_weight is None and tuple(sep.k_proj_weight.shape) == (4, 3)
    out, w = sep(tocha.randn(2, 1, 4), tocha.randn(6, 1, 3), tocha.randn(6, 1, 5))
    assert tuple(out.shape) == (2, 1, 4) and tuple(w.shape) == (1, 2, 6)
    o, w = nn.MultiheadAttention(4, 2)(tocha.randn(3, 4), tocha.randn(5, 4), tocha.randn(5, 4))
    assert tuple(o.shape) == (3, 4) and tuple(w.shape) == (3, 5)


def test_mha_errors():
    m = nn.MultiheadAttention(8, 2)
    with pytest.raises(RuntimeError, match=r"MultiheadAttention\(embed_dim=8, num_heads=2\): "
                                           r"expected query of shape"):
        m(tocha.randn(3, 2, 6), tocha.randn(3, 2, 8), tocha.randn(3, 2, 8))
    with pytest.raises(RuntimeError, match="2D attn_mask"):
        m(tocha.randn(3, 2, 8), tocha.randn(4, 2, 8), tocha.randn(4, 2, 8),
          attn_mask=tocha.zeros(3, 3))
    with pytest.raises(AssertionError, match="divisible by num_heads"):
        nn.MultiheadAttention(7, 2)


def test_sdpa_bool_mask_and_causal():
    q, k, v = t64(2, 3, 4), t64(2, 5, 4), t64(2, 5, 2)
    keep = tocha.tensor(rng.random((3, 5)) < 0.7)
    keep[:, 0] = True
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    sc = q.detach().numpy() @ k.detach().numpy().transpose(0, 2, 1) / 2.0
    sc = np.where(keep.numpy(), sc, -np.inf)
    w = np.exp(sc - sc.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    np.testing.assert_allclose(out.detach().numpy(), w @ v.detach().numpy(), atol=1e-12)
    c = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    np.testing.assert_allclose(c.detach().numpy()[:, 0], q.detach().numpy()[:, 0], atol=1e-12)
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v), (q, k, v))


def test_transformer_encoder_shapes_and_norm_first():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=True,
                                           activation="gelu", batch_first=True)
        enc = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(8))
    assert len(enc.layers) == 3 and enc.layers[0] is not layer
    x = tocha.randn(2, 5, 8)
    mask = tocha.triu(tocha.full((5, 5), float("-inf")), 1)
    y = enc(x, mask=mask, src_key_padding_mask=tocha.zeros(2, 5, dtype=tocha.bool))
    assert tuple(y.shape) == (2, 5, 8)
    np.testing.assert_allclose(y.detach().numpy().mean(-1), 0, atol=1e-5)
    with pytest.warns(UserWarning, match="enable_nested_tensor is True"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
