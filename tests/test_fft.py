"""tocha.fft: values against a direct DFT computed here, result dtypes, n/s/dim/norm,
round trips, errors, and gradients (gradcheck / gradgradcheck on real and complex inputs)."""
import math

import numpy as np
import pytest

import tocha
import tocha.fft as F
from tocha.autograd import gradcheck, gradgradcheck


def _dft(x, sign=-1):
    n = len(x)
    k = np.arange(n)
    return np.exp(sign * 2j * math.pi * np.outer(k, k) / n) @ x


RNG = np.random.default_rng(0)
X = RNG.standard_normal(6)
XC = X + 1j * RNG.standard_normal(6)


def test_fft_matches_direct_dft_and_dtypes():
    r = F.fft(tocha.tensor(X, dtype=tocha.float64))
    assert r.dtype is tocha.complex128 and np.allclose(r.numpy(), _dft(X))
    r32 = F.fft(tocha.tensor(X, dtype=tocha.float32))
    assert r32.dtype is tocha.complex64
    assert F.fft(tocha.tensor([1, 2, 3])).dtype is tocha.complex64      # ints: default float
    assert np.allclose(F.ifft(tocha.tensor(XC)).numpy(), _dft(XC, 1) / 6)


@pytest.mark.parametrize("norm,scale", [(None, 1), ("backward", 1), ("ortho", 6 ** -0.5),
                                        ("forward", 1 / 6)])
def test_norm_modes(norm, scale):
    r = F.fft(tocha.tensor(XC), norm=norm)
    assert np.allclose(r.numpy(), _dft(XC) * scale)
    back = F.ifft(r, norm=norm)
    assert np.allclose(back.numpy(), XC)


def test_n_crops_and_pads():
    assert np.allclose(F.fft(tocha.tensor(X), n=4).numpy(), _dft(X[:4]))
    assert np.allclose(F.fft(tocha.tensor(X), n=8).numpy(), _dft(np.r_[X, 0, 0]))


def test_real_transforms_round_trip_and_shapes():
    x = tocha.tensor(RNG.standard_normal((3, 7)), dtype=tocha.float64)
    r = F.rfft(x)
    assert r.shape == (3, 4) and np.allclose(r.numpy(), np.stack([_dft(v)[:4] for v in x.numpy()]))
    assert F.irfft(r).shape == (3, 6)
    assert np.allclose(F.irfft(r, n=7).numpy(), x.numpy())
    assert np.allclose(F.irfftn(F.rfftn(x), s=x.shape).numpy(), x.numpy())
    assert np.allclose(F.irfft2(F.rfft2(x), s=(3, 7)).numpy(), x.numpy())
    assert F.rfft(x).dtype is tocha.complex128 and F.irfft(r).dtype is tocha.float64


def test_multidim_transforms():
    a = RNG.standard_normal((2, 3, 4)) + 1j * RNG.standard_normal((2, 3, 4))
    t = tocha.tensor(a)
    ref = np.einsum("ai,bj,ck,ijk->abc", *[np.exp(-2j * math.pi * np.outer(np.arange(n),
                                                   np.arange(n)) / n) for n in (2, 3, 4)], a)
    assert np.allclose(F.fftn(t).numpy(), ref)
    assert np.allclose(F.ifftn(F.fftn(t)).numpy(), a)
    assert np.allclose(F.ifft2(F.fft2(t)).numpy(), a)
    assert F.fftn(t, s=(5, 6)).shape == (2, 5, 6)
    assert F.fft2(t, dim=(0, 2)).shape == (2, 3, 4)


def test_hermitian_transforms():
    x = tocha.tensor(X)
    h = F.ihfft(x)
    assert h.shape == (4,) and np.allclose(h.numpy(), np.conj(_dft(X)[:4]) / 6)
    assert np.allclose(F.hfft(h, n=6).numpy(), X)
    assert np.allclose(F.hfftn(F.ihfftn(x), s=(6,)).numpy(), X)
    assert np.allclose(F.hfft2(F.ihfft2(tocha.tensor(RNG.standard_normal((2, 4)))),
                       s=(2, 4)).shape, (2, 4))


def test_freqs_and_shifts():
    assert F.fftfreq(5).numpy().tolist() == np.float32([0, 1, 2, -2, -1]) \
        .__mul__(np.float32(1 / 5)).tolist()
    assert np.allclose(F.rfftfreq(6, d=0.5).numpy(), np.arange(4) / 3)
    f = F.fftfreq(6)
    assert F.fftshift(f).numpy().argmin() == 0
    assert F.ifftshift(F.fftshift(f)).numpy().tolist() == f.numpy().tolist()
    m = tocha.arange(6).reshape(2, 3)
    assert F.fftshift(m, dim=1).tolist() == [[2, 0, 1], [5, 3, 4]]
    assert F.Tensor is tocha.Tensor


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: F.fft(tocha.ones(4), n=0), RuntimeError, "Invalid number of data points"),
    (lambda: F.fft(tocha.ones(4), norm="bad"), RuntimeError, "Invalid normalization"),
    (lambda: F.fft(tocha.ones(4), dim=1), IndexError, "out of range"),
    (lambda: F.rfft(tocha.ones(4, dtype=tocha.complex64)), RuntimeError, "real input"),
    (lambda: F.fft(tocha.ones(4, dtype=tocha.float16)), RuntimeError, "Unsupported dtype"),
    (lambda: F.fftn(tocha.ones(2, 2), dim=(0, 0)), RuntimeError, "unique"),
    (lambda: F.fftn(tocha.ones(2), s=(2, 2)), RuntimeError, "only has 1 dimensions"),
    (lambda: F.fft([1.0, 2.0]), TypeError, "must be Tensor"),
])
def test_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


_C_FUNCS = [
    lambda z: F.fft(z), lambda z: F.ifft(z, n=5, norm="ortho"), lambda z: F.fft(z, n=2),
    lambda z: F.fftn(z, s=(3, 2)), lambda z: F.ifft2(z, norm="forward"),
    lambda z: F.irfft(z), lambda z: F.irfft(z, n=5), lambda z: F.irfftn(z, norm="ortho"),
    lambda z: F.hfft(z), lambda z: F.hfft2(z, s=(2, 3)), lambda z: F.fftshift(z),
]
_R_FUNCS = [
    lambda x: F.rfft(x), lambda x: F.rfft(x, n=6, norm="forward"), lambda x: F.rfft2(x),
    lambda x: F.rfftn(x, s=(3, 4), norm="ortho"), lambda x: F.ihfft(x),
    lambda x: F.ihfftn(x), lambda x: F.fft(x), lambda x: F.ifftshift(x, dim=0),
]


@pytest.mark.parametrize("i", range(len(_C_FUNCS)))
def test_gradcheck_complex_input(i):
    z = tocha.tensor(RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3)),
                     requires_grad=True)
    assert gradcheck(_C_FUNCS[i], (z,))
    assert gradgradcheck(_C_FUNCS[i], (z,))


@pytest.mark.parametrize("i", range(len(_R_FUNCS)))
def test_gradcheck_real_input(i):
    x = tocha.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert gradcheck(_R_FUNCS[i], (x,))
    assert gradgradcheck(_R_FUNCS[i], (x,))


def test_gradcheck_zero_dim_freq_axis_and_batch_broadcast():
    x = tocha.tensor(RNG.standard_normal(4), requires_grad=True)
    w = tocha.tensor(RNG.standard_normal((3, 1)))
    assert gradcheck(lambda a: F.fft(a * w), (x,))


# ---------------------------------------------------------------- stft / istft

def test_stft_shapes_and_frames():
    x = tocha.tensor(RNG.standard_normal(64))
    s = tocha.stft(x, 16, return_complex=True)
    assert s.shape == (9, 17) and s.dtype is tocha.complex128
    s2 = tocha.stft(x, 16, hop_length=8, center=False, return_complex=True)
    assert s2.shape == (9, 7)
    # frame 1 without centering: samples 8..23, rectangular window
    assert np.allclose(s2[:, 1].numpy(), _dft(x.numpy()[8:24])[:9])
    assert x.stft(16, return_complex=True, onesided=False).shape == (16, 17)
    with pytest.warns(UserWarning, match="deprecated"):
        assert tocha.stft(x.float(), 16, return_complex=False).shape == (9, 17, 2)


def test_stft_istft_round_trip():
    x = tocha.tensor(RNG.standard_normal((2, 50)))
    w = tocha.hann_window(16, dtype=tocha.float64)
    s = tocha.stft(x, 16, hop_length=4, window=w, return_complex=True)
    y = tocha.istft(s, 16, hop_length=4, window=w, length=50)
    assert y.shape == (2, 50) and np.allclose(y.numpy(), x.numpy())
    assert np.allclose(s.istft(16, hop_length=4, window=w, length=50).numpy(), x.numpy())


def test_stft_errors():
    x = tocha.ones(20)
    with pytest.raises(RuntimeError, match="return_complex"):
        tocha.stft(x, 8)
    with pytest.raises(RuntimeError, match="complex-valued"):
        tocha.istft(tocha.ones(5, 3), 8)
    with pytest.raises(RuntimeError, match="window"):
        tocha.stft(x, 8, window=tocha.ones(3), return_complex=True)


def test_stft_istft_gradcheck():
    x = tocha.tensor(RNG.standard_normal(24), requires_grad=True)
    w = tocha.hann_window(8, dtype=tocha.float64)
    assert gradcheck(lambda a: tocha.stft(a, 8, window=w, return_complex=True), (x,))
    s = tocha.stft(x.detach(), 8, window=w, return_complex=True).requires_grad_()
    assert gradcheck(lambda a: tocha.istft(a, 8, window=w), (s,))
