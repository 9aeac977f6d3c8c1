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
