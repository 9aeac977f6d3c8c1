"""torch.lstm/gru/rnn_tanh/rnn_relu (flat weights, packed form), torch.embedding_bag,
ctc_loss, grid_sampler(_2d/_3d), affine_grid_generator, segment_reduce: gradcheck, shapes,
agreement with the nn modules, errors."""
import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(3)


def t(*shape, grad=True):
    return tocha.tensor(RNG.standard_normal(shape), requires_grad=grad)


def _weights(gates, hidden, inp, layers=1, d=1, bias=True):
    ps = []
    for layer in range(layers):
        for _ in range(d):
            ps += [t(gates * hidden, inp if layer == 0 else hidden * d), t(gates * hidden, hidden)]
            if bias:
                ps += [t(gates * hidden), t(gates * hidden)]
    return ps


@pytest.mark.parametrize("mode,gates", [("lstm", 4), ("gru", 3), ("rnn_tanh", 1),
                                        ("rnn_relu", 1)])
def test_recurrent_gradcheck(mode, gates):
    ps = _weights(gates, 2, 3, layers=2, d=2)
    x, h = t(3, 2, 3), t(4, 2, 2)
    hx = (h, t(4, 2, 2)) if mode == "lstm" else h

    def f(x, *ps):
        return getattr(tocha, mode)(x, hx, list(ps), True, 2, 0.0, False, True, False)[0]
    assert gradcheck(f, (x, *ps))


def test_lstm_matches_module_and_batch_first():
    m = tocha.nn.LSTM(3, 4, num_layers=2, batch_first=True).double()
    x = t(2, 5, 3, grad=False)
    want, (h, c) = m(x)
    assert h.shape == (2, 2, 4)
    z = tocha.zeros(2, 2, 4, dtype=tocha.float64)
    out, hn, cn = tocha.lstm(x, (z, z), m._flat_weights, True, 2, 0.0, False, False, True)
    np.testing.assert_allclose(hn.detach().numpy(), h.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(cn.detach().numpy(), c.detach().numpy(), atol=1e-12)


def test_gru_packed_matches_padded():
    ps = _weights(3, 2, 3)
    data = t(5, 3, grad=False)  # lengths 3, 2 packed: batch_sizes [2, 2, 1]
    h0 = t(1, 2, 2, grad=False)
    out, hn = tocha.gru(data, tocha.tensor([2, 2, 1]), h0, ps, True, 1, 0.0, False, False)
    assert out.shape == (5, 2) and hn.shape == (1, 2, 2)
    seq1 = data[tocha.tensor([1, 3])].unsqueeze(1)
    o1, h1 = tocha.gru(seq1, h0[:, 1:], ps, True, 1, 0.0, False, False, False)
    np.testing.assert_allclose(hn[:, 1].detach().numpy(), h1[:, 0].detach().numpy(),
                               atol=1e-12)
    np.testing.assert_allclose(out[3].detach().numpy(), o1[1, 0].detach().numpy(), atol=1e-12)


def test_lstm_projection_and_dropout():
    h, p, x = 4, 2, t(3, 1, 3, grad=False)
    ps = [t(16, 3), t(16, p), t(16), t(16), t(p, h)]
    out, hn, cn = tocha.lstm(x, (t(1, 1, p), t(1, 1, h)), ps, True, 1, 0.0, False, False,
                             False)
    assert out.shape == (3, 1, p) and hn.shape == (1, 1, p) and cn.shape == (1, 1, h)
    ps2 = _weights(1, 3, 3, layers=2)
    tocha.manual_seed(0)
    a = tocha.rnn_relu(x, t(2, 1, 3), ps2, True, 2, 0.5, True, False, False)[0]
    assert a.shape == (3, 1, 3)


def test_recurrent_errors():
    ps = _weights(4, 2, 3)
    z = tocha.zeros(1, 2, 2, dtype=tocha.float64)
    with pytest.raises(RuntimeError, match="expected 4 weights"):
        tocha.lstm(t(3, 2, 3), (z, z), ps[:3], True, 1, 0.0, False, False, False)
    with pytest.raises(RuntimeError, match="two hidden states"):
        tocha.lstm(t(3, 2, 3), (z,), ps, True, 1, 0.0, False, False, False)
    with pytest.raises(RuntimeError, match="3-D input"):
        tocha.lstm(t(3, 3), (z, z), ps, True, 1, 0.0, False, False, False)
    with pytest.raises(RuntimeError, match="do not fit"):
        tocha.lstm(t(3, 2, 5), (z, z), ps, True, 1, 0.0, False, False, False)


def test_embedding_bag_internals_by_hand():
    w = t(6, 2)
    _, o2b, size, mx = tocha.embedding_bag(w, tocha.tensor([1, 2, 4, 5]),
                                           tocha.tensor([0, 1, 1]), False, 2)
    assert o2b.tolist() == [0, 2, 2, 2] and size.tolist() == [1, 0, 3]
    assert mx[1].tolist() == [0, 0]
    rows = w.detach().numpy()[[2, 4, 5]]
    assert mx[2].tolist() == [[2, 4, 5][i] for i in rows.argmax(0)]
    assert gradcheck(lambda w: tocha.embedding_bag(w, tocha.tensor([1, 2, 4, 5]),
                                                   tocha.tensor([0, 2]), False, 1)[0], (w,))
    with pytest.raises(TypeError, match="offsets"):
        tocha.embedding_bag(w, tocha.tensor([1, 2]), None)
    with pytest.raises(RuntimeError, match="mode must be one of"):
        tocha.embedding_bag(w, tocha.tensor([1, 2]), tocha.tensor([0]), False, 5)


def test_ctc_loss_int_reduction():
    lp = t(5, 2, 4).log_softmax(2)
    tg = tocha.tensor([[1, 2], [3, 3]])
    a = tocha.ctc_loss(lp, tg, [5, 4], [2, 2], 0, 2)
    b = tocha.nn.functional.ctc_loss(lp, tg, [5, 4], [2, 2], reduction="sum")
    assert a.item() == pytest.approx(b.item())
    with pytest.raises(RuntimeError, match="reduction"):
        tocha.ctc_loss(lp, tg, [5, 4], [2, 2], 0, 7)


@pytest.mark.parametrize("interp", [0, 1])
@pytest.mark.parametrize("pad", [0, 1, 2])
def test_grid_sampler_3d_grads(interp, pad):
    x = t(1, 2, 2, 3, 3)
    g = tocha.tensor(RNG.uniform(-1.1, 1.1, (1, 2, 2, 2, 3)), requires_grad=True)
    args = (x, g) if interp == 0 else (x,)

    def f(x, g=g):
        return tocha.grid_sampler_3d(x, g, interp, pad, False)
    assert gradcheck(f, args)


def test_grid_sampler_errors_and_affine():
    with pytest.raises(RuntimeError, match="interpolation_mode"):
        tocha.grid_sampler(t(1, 1, 2, 2), t(1, 2, 2, 2), 5, 0, False)
    with pytest.raises(RuntimeError, match="4D input"):
        tocha.grid_sampler_3d(t(1, 1, 2, 2, 2), t(1, 1, 1, 1, 3), 2, 0, False)
    with pytest.raises(RuntimeError, match="5D input"):
        tocha.grid_sampler_3d(t(1, 1, 2, 2), t(1, 1, 1, 3), 0, 0, False)
    th = t(2, 2, 3)
    assert tocha.affine_grid_generator(th, [2, 1, 3, 4], False).shape == (2, 3, 4, 2)
    assert gradcheck(lambda th: tocha.affine_grid_generator(th, [2, 1, 3, 4], True), (th,))


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
def test_segment_reduce(reduce):
    d = t(6, 2)
    ln = tocha.tensor([2, 0, 4])
    assert gradcheck(lambda d: tocha.segment_reduce(d, reduce, lengths=ln, initial=0.5), (d,))
    out = tocha.segment_reduce(d, reduce, lengths=tocha.tensor([2, 4]))
    want = getattr(np, {"max": "amax", "min": "amin"}.get(reduce, reduce))
    a = d.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), [want(a[:2], 0), want(a[2:], 0)])
    if reduce in ("sum", "prod", "mean"):
        assert gradgradcheck(lambda d: tocha.segment_reduce(d, reduce, lengths=ln), (d,))


def test_segment_reduce_errors():
    d = t(6)
    with pytest.raises(RuntimeError, match="sum to data.size"):
        tocha.segment_reduce(d, "sum", lengths=tocha.tensor([2, 3]))
    with pytest.raises(RuntimeError, match="must be either"):
        tocha.segment_reduce(d, "foo", lengths=tocha.tensor([2, 4]))
    with pytest.raises(RuntimeError, match="Either lengths or offsets"):
        tocha.segment_reduce(d, "sum")
    with pytest.raises(RuntimeError, match="indices based"):
        tocha.segment_reduce(d, "sum", indices=tocha.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="negative"):
        tocha.segment_reduce(d, "sum", lengths=tocha.tensor([2, -1, 5]))
    with pytest.raises(RuntimeError, match="last dimension of lengths"):
        tocha.segment_reduce(t(2, 6), "sum", lengths=tocha.tensor([2, 4]), axis=1)


def test_recurrent_keywords_as_pytorch():
    ps = _weights(4, 2, 3, bias=False)
    x, z = t(5, 2, 3, grad=False), tocha.zeros(1, 2, 2, dtype=tocha.float64)
    a = tocha.lstm(x, (z, z), ps, False, 1, 0.0, False, False, False)[0]
    b = tocha.lstm(input=x, hx=(z, z), params=ps, has_biases=False, num_layers=1, dropout=0.0,
                   train=False, bidirectional=False, batch_first=False)[0]
    assert a.tolist() == b.tolist()
    c = tocha.lstm(data=x[0], batch_sizes=tocha.tensor([2]), hx=(z, z), params=ps,
                   has_biases=False, num_layers=1, dropout=0.0, train=False,
                   bidirectional=False)[0]
    assert c.tolist() == a[0].tolist()
    g = _weights(3, 2, 3, bias=False)
    d = tocha.gru(x, z, g, has_biases=False, num_layers=1, dropout=0.0, train=False,
                  bidirectional=False, batch_first=False)[0]
    assert d.shape == (5, 2, 2)
    with pytest.raises(TypeError, match="invalid combination"):
        tocha.lstm(x, (z, z), ps, False, 1, 0.0, False, False)
    with pytest.raises(TypeError, match="unknown keywords"):
        tocha.gru(x, z, g, False, 1, 0.0, False, False, False, foo=1)


@pytest.mark.parametrize("pad", [0, 1, 2])
def test_grid_sampler_bicubic_grads(pad):
    x = t(1, 2, 3, 4)
    g = tocha.tensor(RNG.uniform(-1.2, 1.2, (1, 2, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, g: tocha.grid_sampler(x, g, 2, pad, True), (x, g))


def test_functional_grid_sample_3d_and_bicubic():
    F = tocha.nn.functional
    x, g = t(1, 1, 2, 3, 3, grad=False), tocha.zeros(1, 1, 1, 1, 3, dtype=tocha.float64)
    centre = F.grid_sample(x, g, align_corners=True)  # the middle of every axis
    want = x[0, 0].numpy()[:, 1, 1].mean()
    assert centre.shape == (1, 1, 1, 1, 1) and centre.item() == pytest.approx(want)
    img = t(1, 1, 4, 4, grad=False)
    ident = F.affine_grid(tocha.tensor([[[1.0, 0, 0], [0, 1.0, 0]]], dtype=tocha.float64),
                          [1, 1, 4, 4], align_corners=True)
    same = F.grid_sample(img, ident, "bicubic", align_corners=True)
    np.testing.assert_allclose(same.numpy(), img.numpy(), atol=1e-12)
