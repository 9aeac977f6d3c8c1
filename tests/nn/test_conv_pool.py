"""Convolution and pooling (NumPy only): float64 gradcheck / gradgradcheck of every primitive,
values against direct loops, shapes, errors that name the layer."""
import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha import nn
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(0)


def t64(*shape, grad=True):
    return tocha.tensor(rng.standard_normal(shape), requires_grad=grad)


def conv2d_loops(x, w, b, stride, pad, dil, groups):
    """Direct definition of PyTorch's conv2d (cross-correlation), for small shapes."""
    n, _, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for ni in range(n):
        for oc in range(o):
            g = oc // og
            for i in range(oh):
                for j in range(ow):
                    s = 0.0
                    for ci in range(cg):
                        for p in range(kh):
                            for q in range(kw):
                                s += w[oc, ci, p, q] * xp[ni, g * cg + ci, i * stride[0] + p * dil[0],
                                                          j * stride[1] + q * dil[1]]
                    out[ni, oc, i, j] = s + (b[oc] if b is not None else 0)
    return out


@pytest.mark.parametrize("n", [2, 5])      # batch >= 4: the batch-last im2col layout
@pytest.mark.parametrize("stride,pad,dil,groups", [
    ((1, 1), (0, 0), (1, 1), 1), ((2, 1), (1, 2), (1, 2), 2), ((2, 2), (1, 1), (2, 1), 4)])
def test_conv2d_matches_loops(stride, pad, dil, groups, n):
    x = rng.standard_normal((n, 4, 7, 8))
    w = rng.standard_normal((4, 4 // groups, 3, 2))
    b = rng.standard_normal(4)
    out = F.conv2d(tocha.tensor(x), tocha.tensor(w), tocha.tensor(b), stride, pad, dil, groups)
    np.testing.assert_allclose(out.numpy(), conv2d_loops(x, w, b, stride, pad, dil, groups),
                               atol=1e-12)


@pytest.mark.parametrize("hw,stride,pad", [((1, 1), 1, 1), ((2, 2), 2, 1), ((1, 3), 1, 2),
                                           ((2, 1), 3, (3, 1))])
def test_conv2d_padding_only_taps_match_loops(hw, stride, pad):
    x = rng.standard_normal((5, 3) + hw)
    w = rng.standard_normal((4, 3, 3, 3))
    out = F.conv2d(tocha.tensor(x), tocha.tensor(w), None, stride, pad)
    p2 = pad if isinstance(pad, tuple) else (pad, pad)
    np.testing.assert_allclose(out.numpy(), conv2d_loops(x, w, None, (stride, stride), p2,
                                                         (1, 1), 1), atol=1e-12)


def test_conv_transpose2d_is_adjoint_of_conv2d():
    # <conv(x, w), y> == <x, conv_transpose(y, w)> for every x, y (with the matching geometry)
    x = rng.standard_normal((2, 4, 9, 8))
    w = rng.standard_normal((6, 2, 3, 3))
    y = F.conv2d(tocha.tensor(x), tocha.tensor(w), stride=2, padding=1, groups=2)
    g = rng.standard_normal(tuple(y.shape))
    xt = F.conv_transpose2d(tocha.tensor(g), tocha.tensor(w), stride=2, padding=1,
                            output_padding=(0, 1), groups=2)
    assert tuple(xt.shape) == x.shape
    np.testing.assert_allclose((y.numpy() * g).sum(), (x * xt.numpy()).sum(), rtol=1e-10)


CONV_CASES = [
    (lambda x, w, b: F.conv2d(x, w, b), (2, 2, 5, 4), (3, 2, 3, 2), 3),
    (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2), (2, 4, 5, 5),
     (4, 2, 3, 3), 4),
    (lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=(1, 2)), (1, 2, 4, 5),
     (2, 2, 2, 2), 2),
    (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2), (2, 2, 7), (3, 2, 2), 3),
    (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1,
                                        groups=2), (2, 4, 3, 3), (4, 1, 3, 2), 2),
    (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, dilation=2), (1, 2, 4), (2, 3, 2), 3),
    # batch >= 4 takes the batch-last input-gradient path
    (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
     (4, 2, 5, 4), (4, 1, 2, 3), 4),
    (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1,
                                        dilation=(1, 2), groups=2), (5, 2, 3, 2), (2, 2, 3, 2),
     4),
    # tiny maps, where kernel taps that only see padding are left out of the GEMMs
    (lambda x, w, b: F.conv2d(x, w, b, padding=1), (4, 3, 1, 1), (2, 3, 3, 3), 2),
    (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=(1, 2)), (4, 2, 2, 1), (3, 2, 3, 3),
     3),
]


@pytest.mark.parametrize("i", range(len(CONV_CASES)))
def test_conv_gradcheck_and_gradgradcheck(i):
    fn, xs, ws, nb = CONV_CASES[i]
    args = (t64(*xs), t64(*ws), t64(nb))
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


@pytest.mark.parametrize("n", [2, 6])
def test_conv_reused_im2col_buffers_are_not_clobbered(n):
    # im2col buffers are reused across calls: two forwards in flight before their backwards
    # (and an unfold result kept by the caller) must still see their own windows
    w = t64(3, 2, 3, 3)
    xs = [t64(n, 2, 6, 6, grad=False) for _ in range(2)]
    ys = [F.conv2d(x, w) for x in xs]
    gs = [rng.standard_normal(tuple(y.shape)) for y in ys]
    u1 = F.unfold(xs[0], 3)
    u2 = F.unfold(xs[1], 3)
    assert not np.shares_memory(u1.numpy(), u2.numpy())
    for y, g in zip(ys, gs):
        y.backward(tocha.tensor(g))
    expect = sum(conv_wgrad_loops(x.numpy(), g, 3) for x, g in zip(xs, gs))
    np.testing.assert_allclose(w.grad.numpy(), expect, atol=1e-10)


def conv_wgrad_loops(x, g, k):
    c = x.shape[1]
    o, oh, ow = g.shape[1:]
    out = np.zeros((o, c, k, k))
    for p in range(k):
        for q in range(k):
            out[:, :, p, q] = np.einsum("noij,ncij->oc", g, x[:, :, p:p + oh, q:q + ow])
    return out


def test_conv_node_names_and_no_grad():
    x, w = t64(1, 2, 4, 4), t64(3, 2, 2, 2)
    assert F.conv2d(x, w).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(t64(1, 3, 2, 2), w).grad_fn.name() == "ConvolutionBackward0"
    with tocha.no_grad():
        assert F.conv2d(x, w).grad_fn is None


def test_conv_float32_stays_float32_and_unbatched():
    x = tocha.randn(3, 6, 6)
    w = tocha.randn(4, 3, 3, 3)
    y = F.conv2d(x, w, padding=1)
    assert y.dtype == tocha.float32 and tuple(y.shape) == (4, 6, 6)


def test_unfold_fold():
    x = t64(2, 3, 5, 6)
    f = lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)
    assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))
    cols = t64(2, 3 * 4, 12)
    g = lambda c: F.fold(c, (5, 6), 2, padding=1, stride=(2, 2))
    assert tuple(g(cols).shape) == (2, 3, 5, 6)
    assert gradcheck(g, (cols,)) and gradgradcheck(g, (cols,))
    # fold(unfold(x)) counts every pixel once per window that covers it
    ones = tocha.ones(1, 1, 4, 4, dtype=tocha.float64)
    cnt = F.fold(F.unfold(ones, 2), (4, 4), 2).numpy()[0, 0]
    exp = np.array([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    np.testing.assert_array_equal(cnt, exp)


def test_conv_errors_name_the_problem():
    with pytest.raises(RuntimeError, match=r"expected input\[2, 1, 8, 8\] to have 3 channels"):
        F.conv2d(tocha.randn(2, 1, 8, 8), tocha.randn(16, 3, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv2d(tocha.randn(1, 1, 2, 2), tocha.randn(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="not supported for strided"):
        F.conv2d(tocha.randn(1, 1, 5, 5), tocha.randn(1, 1, 3, 3), stride=2, padding="same")
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv2d(tocha.randn(1, 1, 5, 5), tocha.randn(1, 1, 3, 3, dtype=tocha.float64))
    m = nn.Conv2d(3, 16, kernel_size=3)
    msg = ("Conv2d(3, 16, kernel_size=(3, 3)): expected input with 3 channels "
           "(shape (N, 3, H, W)), got (2, 1, 28, 28)")
    with pytest.raises(RuntimeError) as e:
        m(tocha.zeros(2, 1, 28, 28))
    assert str(e.value) == msg
    with pytest.raises(RuntimeError, match=r"Conv1d\(2, 4, kernel_size=\(3,\)\): expected 2-D"):
        nn.Conv1d(2, 4, 3)(tocha.zeros(5))


def test_conv_modules_shapes_and_state():
    m = nn.Conv2d(3, 8, (3, 5), stride=(2, 1), padding=(1, 2), groups=1, bias=False)
    assert tuple(m.weight.shape) == (8, 3, 3, 5) and m.bias is None
    assert tuple(m(tocha.randn(2, 3, 9, 9)).shape) == (2, 8, 5, 9)
    t = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2)
    assert tuple(t.weight.shape) == (4, 3, 3, 3)
    x = tocha.randn(1, 4, 5, 5)
    assert tuple(t(x).shape) == (1, 6, 9, 9)
    assert tuple(t(x, output_size=(10, 10)).shape) == (1, 6, 10, 10)
    with pytest.raises(ValueError, match="valid sizes"):
        t(x, output_size=(12, 12))
    for mode in ("reflect", "replicate", "circular"):
        c = nn.Conv2d(2, 2, 3, padding=1, padding_mode=mode).double()
        xx = t64(1, 2, 4, 5)
        assert tuple(c(xx).shape) == (1, 2, 4, 5)
        assert gradcheck(c, (xx,))


# ---------------------------------------------------------------- pooling

def max_pool_loops(x, k, s, p):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.empty((n, c, oh, ow))
    idx = np.empty((n, c, oh, ow), np.int64)
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s:i * s + k, j * s:j * s + k].reshape(n, c, -1)
            a = win.argmax(-1)
            out[:, :, i, j] = win.max(-1)
            idx[:, :, i, j] = (i * s - p + a // k) * w + (j * s - p + a % k)
    return out, idx


def test_max_pool2d_values_and_indices():
    x = rng.standard_normal((2, 3, 7, 6))
    out, idx = F.max_pool2d(tocha.tensor(x), 3, 2, 1, return_indices=True)
    eo, ei = max_pool_loops(x, 3, 2, 1)
    np.testing.assert_array_equal(out.numpy(), eo)
    np.testing.assert_array_equal(idx.numpy(), ei)
    assert idx.dtype == tocha.int64 and not idx.requires_grad


@pytest.mark.parametrize("shape", [(5, 3, 8, 6), (3, 2, 7, 9)])
def test_max_pool2d_2x2_fast_path_matches_general_path(shape):
    # ReLU-like inputs with many ties (first maximum wins), odd sizes, and a NaN window
    x = np.maximum(np.round(rng.standard_normal(shape)), 0).astype(np.float32)
    x[0, 0, 2, 3] = np.nan
    g = rng.standard_normal((shape[0], shape[1], shape[2] // 2, shape[3] // 2))
    for data in (np.nan_to_num(x), x):
        a = tocha.tensor(data, requires_grad=True)
        b = tocha.tensor(data, requires_grad=True)
        out = F.max_pool2d(a, 2)                                  # fast path (no indices)
        ref, _ = F.max_pool2d(b, 2, return_indices=True)          # general path
        np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
        out.backward(tocha.tensor(g, dtype=tocha.float32))
        ref.backward(tocha.tensor(g, dtype=tocha.float32))
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
        assert a.grad.dtype == tocha.float32


def test_avg_pool2d_divisors_by_hand():
    x = tocha.ones(1, 1, 3, 3, dtype=tocha.float64)
    # windows of 2x2 at stride 2 with padding 1 over a 3x3 image of ones
    a = F.avg_pool2d(x, 2, 2, 1).numpy()[0, 0]
    np.testing.assert_allclose(a, [[0.25, 0.5], [0.5, 1.0]])
    b = F.avg_pool2d(x, 2, 2, 1, count_include_pad=False).numpy()[0, 0]
    np.testing.assert_allclose(b, np.ones((2, 2)))
    c = F.avg_pool2d(x, 2, 2, ceil_mode=True).numpy()[0, 0]
    np.testing.assert_allclose(c, [[1.0, 1.0], [1.0, 1.0]])
    d = F.avg_pool2d(x, 3, divisor_override=2).numpy()
    np.testing.assert_allclose(d, [[[[4.5]]]])


def test_adaptive_avg_pool_windows_by_hand():
    x = tocha.arange(5.0, dtype=tocha.float64).reshape(1, 1, 1, 5)
    # PyTorch's windows for 5 -> 3: [0, 2), [1, 4), [3, 5)
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, (1, 3)).numpy().ravel(), [0.5, 2, 3.5])
    _, idx = F.adaptive_max_pool2d(x, (1, 3), return_indices=True)
    np.testing.assert_array_equal(idx.numpy().ravel(), [1, 3, 4])


POOL_CASES = [
    lambda x: F.max_pool2d(x, 2),
    lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
    lambda x: F.max_pool2d(x, (2, 3), 1, dilation=(2, 1)),
    lambda x: F.max_pool1d(x.flatten(2), 3, 2, 1),
    lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda x: F.avg_pool2d(x, 2, divisor_override=3),
    lambda x: F.avg_pool1d(x.flatten(2), 4, 3, 2),
    lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
    lambda x: F.adaptive_avg_pool2d(x, 1),
    lambda x: F.adaptive_max_pool2d(x, (3, 4)),
    lambda x: F.adaptive_max_pool2d(x, 2),
    lambda x: F.adaptive_avg_pool1d(x.flatten(2), 4),
    lambda x: F.adaptive_max_pool1d(x.flatten(2), 4),
]


@pytest.mark.parametrize("i", range(len(POOL_CASES)))
def test_pool_gradcheck_and_gradgradcheck(i):
    # distinct values: max pooling is differentiable away from ties
    x = tocha.tensor(rng.permutation(2 * 2 * 5 * 6).reshape(2, 2, 5, 6) / 7.0,
                     requires_grad=True)
    assert gradcheck(POOL_CASES[i], (x,))
    assert gradgradcheck(POOL_CASES[i], (x,))


def test_pool_modules_and_errors():
    x = tocha.randn(2, 3, 8, 8)
    assert tuple(nn.MaxPool2d(2)(x).shape) == (2, 3, 4, 4)
    _, idx = nn.MaxPool2d(2, return_indices=True)(x)
    assert tuple(idx.shape) == (2, 3, 4, 4)
    assert tuple(nn.AvgPool2d(3, 2, 1)(x).shape) == (2, 3, 4, 4)
    assert tuple(nn.AdaptiveAvgPool2d((None, 2))(x).shape) == (2, 3, 8, 2)
    assert tuple(nn.AdaptiveMaxPool2d(1)(x).shape) == (2, 3, 1, 1)
    assert tuple(nn.MaxPool1d(2)(tocha.randn(2, 3, 8)).shape) == (2, 3, 4)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match=r"MaxPool2d\(kernel_size=2.*got input of shape \(8,\)"):
        nn.MaxPool2d(2)(tocha.randn(8))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(tocha.randn(1, 1, 2, 2), 3)
