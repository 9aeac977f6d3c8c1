"""torch.lstm/gru/rnn_tanh/rnn_relu (flat weights, projections, packed form),
torch.embedding_bag (all four outputs), ctc_loss, grid_sampler(_2d/_3d),
affine_grid_generator and segment_reduce against PyTorch 2.13: values, dtypes, shapes,
gradients."""
import numpy as np
import pytest
import torch

import tocha

RNG = np.random.default_rng(4)


def cmp(fn, *arrs, atol=1e-10, grad=True):
    res = []
    for m in (tocha, torch):
        ts = [m.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrs]
        out = fn(m, *ts)
        outs = out if isinstance(out, tuple) else (out,)
        if grad:
            sum((o * o).sum() for o in outs if o.requires_grad).backward()
        res.append(([o.detach().numpy() for o in outs],
                    [x.grad.numpy() if x.grad is not None else None for x in ts]))
    for a, b in zip(res[0][0], res[1][0]):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, atol=atol)
    for a, b in zip(res[0][1], res[1][1]):
        if a is None:  # tocha leaves no gradient where PyTorch's is all zeros
            assert b is None or not b.any()
        else:
            np.testing.assert_allclose(a, b, atol=atol)


def _params(mode, layers, d, bias, proj, hidden=4, inp=3):
    g = {"lstm": 4, "gru": 3}.get(mode, 1)
    ps = []
    for layer in range(layers):
        for _ in range(d):
            ins = inp if layer == 0 else (proj or hidden) * d
            ps += [RNG.standard_normal((g * hidden, ins)),
                   RNG.standard_normal((g * hidden, proj or hidden))]
            if bias:
                ps += [RNG.standard_normal(g * hidden), RNG.standard_normal(g * hidden)]
            if proj:
                ps += [RNG.standard_normal((proj, hidden))]
    return ps


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("kw", [{}, {"bidir": True}, {"bias": False, "bf": True},
                                {"layers": 1}])
def test_recurrent(mode, kw):
    layers, bidir = kw.get("layers", 2), kw.get("bidir", False)
    bias, bf, d = kw.get("bias", True), kw.get("bf", False), 2 if kw.get("bidir") else 1
    ps = _params(mode, layers, d, bias, 0)
    x = RNG.standard_normal((2, 5, 3) if bf else (5, 2, 3))
    h, c = RNG.standard_normal((layers * d, 2, 4)), RNG.standard_normal((layers * d, 2, 4))

    def f(m, x, h, c, *p):
        hx = (h, c) if mode == "lstm" else h
        return getattr(m, mode)(x, hx, list(p), bias, layers, 0.0, True, bidir, bf)
    cmp(f, x, h, c, *ps)


@pytest.mark.parametrize("bidir", [False, True])
def test_lstm_with_projection(bidir):
    d = 2 if bidir else 1
    ps = _params("lstm", 2, d, True, 2)
    x, h, c = (RNG.standard_normal(s) for s in ((5, 2, 3), (2 * d, 2, 2), (2 * d, 2, 4)))
    cmp(lambda m, x, h, c, *p: m.lstm(x, (h, c), list(p), True, 2, 0.0, True, bidir, False),
        x, h, c, *ps)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_relu"])
def test_recurrent_packed(mode):
    ps = _params(mode, 1, 1, True, 0)
    data, h = RNG.standard_normal((9, 3)), RNG.standard_normal((1, 3, 4))

    def f(m, x, h, *p):
        hx = (h, h) if mode == "lstm" else h
        return getattr(m, mode)(x, m.tensor([3, 3, 2, 1]), hx, list(p), True, 1, 0.0, True,
                                False)
    cmp(f, data, h, *ps)


W = RNG.standard_normal((10, 3))
IDX, OFF = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4])


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("pad", [None, 2])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedding_bag(mode, pad, dtype):
    cmp(lambda m, w, i, o: m.embedding_bag(w.to(getattr(m, dtype)), i, o, False, mode, False,
                                           None, False, pad), W, IDX, OFF, atol=1e-6)


def test_embedding_bag_last_offset_and_weights():
    cmp(lambda m, w, i, o: m.embedding_bag(w, i, o, False, 1, False, None, True), W, IDX,
        np.array([0, 4, 4, 8]))
    cmp(lambda m, w, i, o, p: m.embedding_bag(w, i, o, False, 0, False, p), W, IDX, OFF,
        RNG.standard_normal(8))


@pytest.mark.parametrize("reduction", [0, 1, 2])
@pytest.mark.parametrize("zero_inf", [False, True])
def test_ctc_loss(reduction, zero_inf):
    lp, tg = RNG.standard_normal((6, 2, 4)), RNG.integers(1, 4, (2, 3))
    cmp(lambda m, x, t: m.ctc_loss(x.log_softmax(2), t, [6, 5], [3, 2], 0, reduction,
                                   zero_inf), lp, tg)


@pytest.mark.parametrize("ac", [False, True])
def test_affine_grid_generator(ac):
    cmp(lambda m, t: m.affine_grid_generator(t, [2, 1, 3, 4], ac),
        RNG.standard_normal((2, 2, 3)))
    cmp(lambda m, t: m.affine_grid_generator(t, [2, 1, 2, 3, 4], ac),
        RNG.standard_normal((2, 3, 4)))


@pytest.mark.parametrize("interp", [0, 1])
@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sampler(interp, pad, ac):
    x2, g2 = RNG.standard_normal((2, 2, 4, 5)), RNG.uniform(-1.2, 1.2, (2, 3, 3, 2))
    x3, g3 = RNG.standard_normal((2, 2, 3, 4, 5)), RNG.uniform(-1.2, 1.2, (2, 2, 3, 3, 3))
    cmp(lambda m, x, g: m.grid_sampler(x, g, interp, pad, ac), x2, g2)
    cmp(lambda m, x, g: m.grid_sampler_2d(x, g, interp, pad, ac), x2, g2)
    cmp(lambda m, x, g: m.grid_sampler_3d(x, g, interp, pad, ac), x3, g3)
    cmp(lambda m, x, g: m.grid_sampler(x, g, interp, pad, ac), x3, g3)


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "amax", "amin"])
@pytest.mark.parametrize("initial", [None, 0.5])
def test_segment_reduce(reduce, initial):
    d = RNG.standard_normal((6, 2))
    cmp(lambda m, x: m.segment_reduce(x, reduce, lengths=m.tensor([2, 0, 4]),
                                      initial=initial), d)
    cmp(lambda m, x: m.segment_reduce(x, reduce, offsets=m.tensor([0, 2, 2, 6]),
                                      initial=initial), d)


def test_segment_reduce_batched_axis():
    cmp(lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([[2, 4], [3, 3]]), axis=1),
        RNG.standard_normal((2, 6, 3)))
    cmp(lambda m, x: m.segment_reduce(x, "mean", offsets=m.tensor([[0, 2, 6], [0, 3, 6]]),
                                      axis=1), RNG.standard_normal((2, 6)))


@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sampler_bicubic(pad, ac):
    x, g = RNG.standard_normal((2, 2, 4, 5)), RNG.uniform(-1.3, 1.3, (2, 3, 3, 2))
    cmp(lambda m, x, g: m.grid_sampler(x, g, 2, pad, ac), x, g, atol=1e-9)
    mode = ("zeros", "border", "reflection")[pad]
    cmp(lambda m, x, g: m.nn.functional.grid_sample(x, g, "bicubic", mode, ac), x, g,
        atol=1e-9)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("pad", ["zeros", "border", "reflection"])
def test_functional_grid_sample_3d(mode, pad):
    x, g = RNG.standard_normal((2, 2, 3, 4, 5)), RNG.uniform(-1.2, 1.2, (2, 2, 3, 3, 3))
    cmp(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode, pad, False), x, g)
