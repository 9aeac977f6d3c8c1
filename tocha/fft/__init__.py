"""torch.fft: discrete Fourier transforms, with gradients (computed by numpy.fft).

Common arguments, as in PyTorch:
    input (Tensor): integer inputs become the default float dtype; float32 gives complex64
        results, float64 gives complex128 (float16 is refused, as on PyTorch's CPU).
    n / s (int / sequence of ints, optional): signal length(s): the input is cropped or
        zero-padded to it along the transformed dim(s) first (-1 keeps a dim's size).
    dim (int / sequence of ints): the transformed dim(s).
    norm (str, optional): "backward" (default: no scaling forward, 1/n inverse), "ortho"
        (1/sqrt(n) both ways) or "forward" (1/n forward, none inverse).

Example:
    >>> import tocha
    >>> x = tocha.tensor([1., 2., 3., 4.])
    >>> tocha.fft.fft(x)
    tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    >>> tocha.fft.irfft(tocha.fft.rfft(x), n=4)
    tensor([1., 2., 3., 4.])

Differs from PyTorch: results come from NumPy's pocketfft, so float32 values may differ
from PyTorch's (MKL/pocketfft) in the last places.
"""
from __future__ import annotations

from collections.abc import Sequence

from .. import _dtype as D
from .._ops import fft as _F
from .._ops.complex import conj_physical as _conj
from .._tensor import Tensor

__all__ = ["Tensor", "fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "hfft2", "hfftn",
           "ifft", "ifft2", "ifftn", "ifftshift", "ihfft", "ihfft2", "ihfftn", "irfft",
           "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]

_Dims = int | Sequence[int] | None
_Sizes = Sequence[int] | None


def _n(n: int | None) -> tuple | None:
    return None if n is None else (n,)


def fft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
        out: Tensor | None = None) -> Tensor:
    """1-D discrete Fourier transform along `dim` (complex result; see the module doc).

    >>> import tocha
    >>> tocha.fft.fft(tocha.tensor([1., 0., 0., 0.]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _F.c2c(input, _n(n), dim, norm, True, "fft", False, out)


def ifft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
         out: Tensor | None = None) -> Tensor:
    """1-D inverse discrete Fourier transform along `dim`."""
    return _F.c2c(input, _n(n), dim, norm, False, "ifft", False, out)


def fft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
         norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """2-D discrete Fourier transform over `dim` (the last two by default)."""
    return _F.c2c(input, s, dim, norm, True, "fft2", False, out)


def ifft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
          norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """2-D inverse discrete Fourier transform over `dim`."""
    return _F.c2c(input, s, dim, norm, False, "ifft2", False, out)


def fftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
         out: Tensor | None = None) -> Tensor:
    """N-D discrete Fourier transform over `dim` (all dims, or the last len(s), by default)."""
    return _F.c2c(input, s, dim, norm, True, "fftn", True, out)


def ifftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """N-D inverse discrete Fourier transform over `dim`."""
    return _F.c2c(input, s, dim, norm, False, "ifftn", True, out)


def rfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
         out: Tensor | None = None) -> Tensor:
    """1-D transform of a real input: the n // 2 + 1 non-redundant frequencies.

    >>> import tocha
    >>> tocha.fft.rfft(tocha.tensor([1., 2., 3., 4.]))
    tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    return _F.r2c(input, _n(n), dim, norm, "rfft", False, out)


def irfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """Inverse of `rfft`: a real signal of length `n` (default 2 * (input.size(dim) - 1))."""
    return _F.c2r(input, _n(n), dim, norm, "irfft", False, out)


def rfft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
          norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """2-D `rfft` (one-sided along the last of `dim`)."""
    return _F.r2c(input, s, dim, norm, "rfft2", False, out)


def irfft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
           norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """Inverse of `rfft2`."""
    return _F.c2r(input, s, dim, norm, "irfft2", False, out)


def rfftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """N-D `rfft` (one-sided along the last of `dim`)."""
    return _F.r2c(input, s, dim, norm, "rfftn", True, out)


def irfftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
           out: Tensor | None = None) -> Tensor:
    """Inverse of `rfftn`."""
    return _F.c2r(input, s, dim, norm, "irfftn", True, out)


def hfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
         out: Tensor | None = None) -> Tensor:
    """Transform of a Hermitian-symmetric signal given by its first half: a real result of
    length `n` (default 2 * (input.size(dim) - 1)). `hfft(x) == irfft(x.conj())` scaled."""
    x = _F._prep(input, "hfft", complex_out=True)
    return _F._out(irfft(_conj(x), n, dim, _F.dual(norm, "hfft")), out)


def ihfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """Inverse of `hfft`: the one-sided inverse transform of a real signal."""
    return _F._out(_conj(rfft(input, n, dim, _F.dual(norm, "ihfft"))), out)


def hfft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
          norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """2-D `hfft`."""
    x = _F._prep(input, "hfft2", complex_out=True)
    return _F._out(irfft2(_conj(x), s, dim, _F.dual(norm, "hfft2")), out)


def ihfft2(input: Tensor, s: _Sizes = None, dim: Sequence[int] = (-2, -1),
           norm: str | None = None, *, out: Tensor | None = None) -> Tensor:
    """2-D `ihfft`."""
    return _F._out(_conj(rfft2(input, s, dim, _F.dual(norm, "ihfft2"))), out)


def hfftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """N-D `hfft`."""
    x = _F._prep(input, "hfftn", complex_out=True)
    return _F._out(irfftn(_conj(x), s, dim, _F.dual(norm, "hfftn")), out)


def ihfftn(input: Tensor, s: _Sizes = None, dim: _Dims = None, norm: str | None = None, *,
           out: Tensor | None = None) -> Tensor:
    """N-D `ihfft`."""
    return _F._out(_conj(rfftn(input, s, dim, _F.dual(norm, "ihfftn"))), out)


# ---------------------------------------------------------------- frequencies and shifts

def _freq_dtype(dtype):
    dt = dtype or D.get_default_dtype()
    if dt._kind < 2:
        raise RuntimeError(f"fftfreq requires a floating point or complex dtype (got {dt})")
    return dt


def fftfreq(n: int, d: float = 1.0, *, out: Tensor | None = None, dtype: D.dtype | None = None,
            layout: object = None, device: object = None,
            requires_grad: bool = False) -> Tensor:
    """The sample frequencies of an n-point `fft` with sample spacing `d`:
    [0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (d * n).

    >>> import tocha
    >>> tocha.fft.fftfreq(4)
    tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    from .. import _creation as C
    dt = _freq_dtype(dtype)
    k = C.arange(n, dtype=dt)
    k = k - n * (k >= (n + 1) // 2).to(dt)     # the upper half are negative frequencies
    r = k * (1.0 / (n * d)) if n else k
    return _F._out(r.requires_grad_(requires_grad), out)


def rfftfreq(n: int, d: float = 1.0, *, out: Tensor | None = None,
             dtype: D.dtype | None = None, layout: object = None, device: object = None,
             requires_grad: bool = False) -> Tensor:
    """The sample frequencies of an n-point `rfft`: [0, 1, ..., n // 2] / (d * n).

    >>> import tocha
    >>> tocha.fft.rfftfreq(4)
    tensor([0.0000, 0.2500, 0.5000])
    """
    from .. import _creation as C
    dt = _freq_dtype(dtype)
    r = C.arange(n // 2 + 1, dtype=dt) * (1.0 / (n * d) if n else float("inf"))
    return _F._out(r.requires_grad_(requires_grad), out)


def _shift(input: Tensor, dim, sign: int) -> Tensor:
    dims = tuple(range(input.ndim)) if dim is None else (
        (dim,) if isinstance(dim, int) else tuple(dim))
    if not dims:
        return input.clone()
    shifts = tuple(sign * (input.shape[d] // 2) if sign > 0 else -(input.shape[d] // 2)
                   for d in dims)
    return input.roll(shifts, dims)


def fftshift(input: Tensor, dim: _Dims = None) -> Tensor:
    """Move the zero frequency to the centre (roll by n // 2 along each of `dim`).

    >>> import tocha
    >>> tocha.fft.fftshift(tocha.fft.fftfreq(4))
    tensor([-0.5000, -0.2500,  0.0000,  0.2500])
    """
    return _shift(input, dim, 1)


def ifftshift(input: Tensor, dim: _Dims = None) -> Tensor:
    """Inverse of `fftshift` (roll by -(n // 2))."""
    return _shift(input, dim, -1)
