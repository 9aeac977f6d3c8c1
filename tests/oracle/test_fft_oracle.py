"""tocha.fft against torch.fft: every transform with n/s, dim and norm variants on float32,
float64, complex64 and int64 inputs (values, dtypes, shapes, or the same error type), the
gradients of every transform, frequencies and shifts, printing."""
import numpy as np
import pytest
import torch

import tocha

NAMES = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
         "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "rfft2", "rfftn", "ihfft", "ihfft2", "ihfftn"}
RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 5))
XC = X + 1j * RNG.standard_normal((3, 4, 5))
W = RNG.standard_normal((9, 9, 9)) + 1j * RNG.standard_normal((9, 9, 9))


def _kwargs(name):
    one_d = name[-1] not in "2n"
    return [{}, {"norm": "ortho"}, {"norm": "forward"}, {"norm": "backward"},
            {"dim": 0} if one_d else {"dim": (0, 2)},
            {"n": 3} if one_d else {"s": (3, 7)},
            {"n": 8, "dim": 1} if one_d else {"s": (2, -1), "dim": (2, 0)}]


def _input(m, dt):
    arr = XC if dt == "complex64" else (X * 3).astype(np.int64) if dt == "int64" else X
    return m.tensor(arr, dtype=getattr(m, dt))


def _run(m, name, dt, kw):
    try:
        return getattr(m.fft, name)(_input(m, dt), **kw)
    except Exception as e:      # noqa: BLE001 - compared by type
        return e


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", ["float32", "float64", "complex64", "int64"])
def test_values_dtypes_shapes(name, dt):
    bad = []
    for kw in _kwargs(name):
        a, b = _run(tocha, name, dt, kw), _run(torch, name, dt, kw)
        if isinstance(a, Exception) or isinstance(b, Exception):
            if type(a) is not type(b):
                bad.append(f"{kw}: tocha {a!r} vs torch {b!r}")
            continue
        tol = 1e-4 if dt in ("float32", "complex64", "int64") else 1e-10
        if (str(a.dtype).split(".")[1] != str(b.dtype).split(".")[1]
                or tuple(a.shape) != tuple(b.shape)
                or not np.allclose(a.numpy(), b.resolve_conj().numpy(), rtol=tol, atol=tol)):
            bad.append(f"{kw}: {a.dtype} {tuple(a.shape)} vs {b.dtype} {tuple(b.shape)}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", ["float64", "complex128"])
def test_gradients(name, dt):
    if name in REAL_ONLY and dt == "complex128":
        return
    bad = []
    for kw in _kwargs(name):
        grads = []
        for m in (tocha, torch):
            t = m.tensor(X if dt == "float64" else XC, dtype=getattr(m, dt),
                         requires_grad=True)
            o = getattr(m.fft, name)(t, **kw)
            w = m.tensor(W[tuple(slice(0, s) for s in o.shape)])
            (o * (w if o.is_complex() else w.real)).real.sum().backward()
            grads.append(t.grad.resolve_conj().numpy())
        if grads[0].dtype != grads[1].dtype or not np.allclose(*grads, atol=1e-10):
            bad.append(str(kw))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
@pytest.mark.parametrize("d", [1.0, 0.3])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_fftfreq_rfftfreq(n, d, dt):
    for f in ("fftfreq", "rfftfreq"):
        a = getattr(tocha.fft, f)(n, d, dtype=getattr(tocha, dt))
        b = getattr(torch.fft, f)(n, d, dtype=getattr(torch, dt))
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
        assert a.tolist() == b.tolist()


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
def test_shifts(dim):
    a = np.arange(30.0).reshape(5, 6)
    for f in ("fftshift", "ifftshift"):
        assert getattr(tocha.fft, f)(tocha.tensor(a), dim=dim).tolist() == \
            getattr(torch.fft, f)(torch.tensor(a), dim=dim).tolist()


def test_repr_of_a_spectrum():
    x = np.linspace(-1, 1, 10)
    assert repr(tocha.fft.fft(tocha.tensor(x, dtype=tocha.float32))) == \
        repr(torch.fft.fft(torch.tensor(x, dtype=torch.float32)))
    assert repr(tocha.fft.rfft(tocha.tensor(x))).replace("tocha.", "torch.") == \
        repr(torch.fft.rfft(torch.tensor(x)))


def test_every_torch_fft_name_exists():
    names = [n for n in dir(torch.fft) if not n.startswith("_") and n not in (
        "common_args", "factory_common_args", "torch")]
    assert [n for n in names if not hasattr(tocha.fft, n)] == []


# ---------------------------------------------------------------- stft / istft

_STFT = [{"n_fft": 8}, {"n_fft": 8, "hop_length": 3}, {"n_fft": 8, "win_length": 5},
         {"n_fft": 8, "center": False}, {"n_fft": 8, "pad_mode": "constant"},
         {"n_fft": 8, "normalized": True}, {"n_fft": 8, "onesided": False},
         {"n_fft": 7, "hop_length": 2, "win_length": 6, "window": "hann"},
         {"n_fft": 16, "window": "hann", "pad_mode": "replicate"}]


def _with_window(m, kw):
    k = dict(kw)
    if k.get("window") == "hann":
        k["window"] = m.hann_window(k.get("win_length", k["n_fft"]), dtype=m.float64)
    return k


@pytest.mark.parametrize("i", range(len(_STFT)))
@pytest.mark.parametrize("kind", ["batch", "single", "complex"])
def test_stft_values_and_grads(i, kind):
    x = RNG.standard_normal((2, 40))
    inp = {"batch": x, "single": x[0], "complex": x + 1j * x[::-1]}[kind]
    res = []
    for m in (tocha, torch):
        t = m.tensor(inp, requires_grad=True)
        o = m.stft(t, return_complex=True, **_with_window(m, _STFT[i]))
        (o * o.conj()).real.sum().backward()
        res.append((o.detach().numpy(), t.grad.numpy()))
    assert res[0][0].shape == res[1][0].shape and res[0][0].dtype == res[1][0].dtype
    assert np.allclose(res[0][0], res[1][0]) and np.allclose(res[0][1], res[1][1])


_ISTFT = [{"n_fft": 8, "window": "hann"}, {"n_fft": 8, "hop_length": 3, "window": "hann"},
          {"n_fft": 8, "win_length": 6, "window": "hann"}, {"n_fft": 8, "center": False},
          {"n_fft": 8, "normalized": True, "window": "hann"},
          {"n_fft": 8, "onesided": False, "window": "hann"}, {"n_fft": 8, "length": 37, "window": "hann"},
          {"n_fft": 8, "length": 45, "window": "hann"}]


@pytest.mark.parametrize("i", range(len(_ISTFT)))
def test_istft_values_and_grads(i):
    x = RNG.standard_normal((2, 40))
    res = []
    for m in (tocha, torch):
        k = _with_window(m, _ISTFT[i])
        sk = {a: v for a, v in k.items() if a != "length"}
        s = m.stft(m.tensor(x), return_complex=True, **sk).detach().requires_grad_()
        o = m.istft(s, **k)
        (o * o).sum().backward()
        res.append((o.detach().numpy(), s.grad.resolve_conj().numpy()))
    assert res[0][0].shape == res[1][0].shape
    assert np.allclose(res[0][0], res[1][0]) and np.allclose(res[0][1], res[1][1])


def test_stft_refusals_match():
    for call in (lambda m: m.stft(m.ones(20), 8),
                 lambda m: m.istft(m.ones(5, 3), 8),
                 lambda m: m.stft(m.ones(20), 32, center=False, return_complex=True),
                 lambda m: m.stft(m.ones(2, 2, 20), 8, return_complex=True),
                 # a Hann window without centering: the overlap-add envelope starts at 0
                 lambda m: m.istft(m.stft(m.ones(20), 8, center=False, window=m.hann_window(8),
                                          return_complex=True), 8, center=False,
                                   window=m.hann_window(8))):
        a, b = _run_call(call, tocha), _run_call(call, torch)
        assert isinstance(b, Exception) and type(a) is type(b)


def _run_call(call, m):
    try:
        return call(m)
    except Exception as e:      # noqa: BLE001 - compared by type
        return e
