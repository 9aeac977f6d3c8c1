"""Short-time Fourier transforms: `stft` and its inverse `istft` (torch.stft / torch.istft),
built from framing (`unfold`), windowing and the `tocha.fft` primitives, so that gradients
flow through them as in PyTorch."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from . import fft as _F

__all__ = ["istft", "stft"]


def _window(window: Tensor | None, win_length: int, n_fft: int, like: Tensor, op: str):
    """The window, zero-padded on both sides to n_fft (PyTorch centres a shorter window)."""
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{op}: expected 0 < win_length <= n_fft, but got "
                           f"win_length={win_length}")
    if window is None:
        from .._creation import ones
        window = ones(win_length, dtype=like.dtype.to_real() if like.is_complex() else like.dtype)
    elif window.dim() != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"{op}: expected a 1D window tensor of size equal to win_length="
                           f"{win_length}, but got window with size {list(window.shape)}")
    if win_length < n_fft:
        from .._creation import zeros
        from .movement import cat
        left = (n_fft - win_length) // 2
        window = cat([zeros(left, dtype=window.dtype), window,
                      zeros(n_fft - win_length - left, dtype=window.dtype)])
    return window


def stft(input: Tensor, n_fft: int, hop_length: int | None = None,
         win_length: int | None = None, window: Tensor | None = None, center: bool = True,
         pad_mode: str = "reflect", normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Tensor:
    """Short-time Fourier transform of a signal (L,) or a batch (B, L).

    Frames of `n_fft` samples every `hop_length` (default n_fft // 4), each multiplied by
    `window` (default: ones of `win_length`, centred in n_fft), are Fourier transformed.
    With `center`, the signal is first padded by n_fft // 2 on both sides (`pad_mode`).

    Returns:
        Tensor: complex, shape (B?, n_fft // 2 + 1 (onesided) or n_fft, n_frames);
        with `return_complex=False` (deprecated), its `view_as_real`.

    >>> import tocha
    >>> tocha.stft(tocha.ones(16), 8, return_complex=True).shape
    torch.Size([5, 9])
    """
    return_complex = _check_stft(input, window, return_complex)
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if x.dtype._kind < 2:
        x = x.to(D.get_default_dtype())
    if center:
        from ..nn.functional import pad
        x = pad(x.unsqueeze(1), (n_fft // 2, n_fft // 2), mode=pad_mode).squeeze(1)
    if not 0 < n_fft <= x.shape[-1]:
        raise RuntimeError(f"stft: expected 0 < n_fft < {x.shape[-1]}, but got n_fft={n_fft}")
    w = _window(window, win_length, n_fft, x, "stft")
    spec = _spectrum(x.unfold(-1, n_fft, hop) * w, onesided, normalized).transpose(1, 2)
    if input.dim() == 1:
        spec = spec.squeeze(0)
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch "
                      "release, stft will return complex tensors for all inputs, and "
                      "return_complex=False will raise an error.", UserWarning, stacklevel=2)
        from .complex import view_as_real
        return view_as_real(spec)
    return spec


def _check_stft(input, window, return_complex) -> bool:
    if not isinstance(input, Tensor):
        raise TypeError(f"stft(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if return_complex is None:
        if not (input.is_complex() or (window is not None and window.is_complex())):
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        return True
    return return_complex


def _spectrum(frames: Tensor, onesided, normalized: bool) -> Tensor:
    """The transform of each windowed frame (B, n_frames, n_fft) along its last dim."""
    complex_in = frames.is_complex()
    if onesided is None:
        onesided = not complex_in
    elif onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    return (_F.r2c(frames, None, -1, norm, "stft", False) if onesided
            else _F.c2c(frames, None, -1, norm, True, "stft", False))


def _overlap_add(frames: Tensor, hop: int) -> Tensor:
    """Sum frames (B, n_frames, n) into a signal (B, n + hop * (n_frames - 1))."""
    b, t, n = frames.shape
    idx = (np.arange(t)[:, None] * hop + np.arange(n)[None, :]).reshape(-1)
    from .._creation import zeros
    out = zeros(b, n + hop * (t - 1), dtype=frames.dtype)
    return out.index_add(1, _wrap(idx), frames.reshape(b, t * n))


def istft(input: Tensor, n_fft: int, hop_length: int | None = None,
          win_length: int | None = None, window: Tensor | None = None, center: bool = True,
          normalized: bool = False, onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False) -> Tensor:
    """Inverse of `stft`: overlap-add of the inverse-transformed, windowed frames, divided by
    the summed squared window. `input`: complex (B?, n_freq, n_frames) as `stft` returns.

    >>> import tocha
    >>> x = tocha.randn(32)
    >>> w = tocha.hann_window(8)
    >>> y = tocha.istft(tocha.stft(x, 8, window=w, return_complex=True), 8, window=w,
    ...                 length=32)
    >>> bool((x - y).abs().max() < 1e-5)
    True
    """
    if not isinstance(input, Tensor) or not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex "
                           f"dtype, but got {input.dim()}")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    spec = input if input.dim() == 3 else input.unsqueeze(0)
    onesided = _istft_onesided(spec.shape[1], n_fft, onesided)
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please "
                      "provide the same window used by stft to make the inversion lossless.To "
                      "suppress this warning and use a rectangular window, explicitly set "
                      "`window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=2)
    w = _window(window, win_length, n_fft, spec, "istft")
    norm = "ortho" if normalized else "backward"
    frames = spec.transpose(1, 2)       # (B, n_frames, n_freq)
    if return_complex:
        if onesided:
            raise RuntimeError("cannot have onesided output if window or input is complex")
        frames = _F.c2c(frames, None, -1, norm, False, "istft", False)
    else:
        if w.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:    # a real result reads only the first half, as PyTorch's
            frames = frames[..., :n_fft // 2 + 1]
        frames = _F.c2r(frames, (n_fft,), -1, norm, "istft", False)
    return _istft_finish(frames, w, hop, n_fft, center, length, input.dim() == 2)


def _istft_onesided(n_freq: int, n_fft: int, onesided) -> bool:
    if onesided is None:
        onesided = n_freq != n_fft
    if onesided and n_fft // 2 + 1 != n_freq:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft / 2 + 1 when onesided=True, but got "
                           f"{n_freq}")
    if not onesided and n_freq != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft when onesided=False, but got {n_freq}")
    return onesided


def _istft_finish(frames, w, hop, n_fft, center, length, unbatch) -> Tensor:
    """Overlap-add the windowed frames, trim the centring padding, divide by the envelope."""
    n_frames = frames.shape[1]
    y = _overlap_add(frames * w, hop)
    env = _overlap_add((w * w.conj()).real.detach().expand(1, n_frames, n_fft), hop)
    expected = n_fft + hop * (n_frames - 1)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected - n_fft // 2 if center
                                                     else expected)
    y, env = y[:, start:min(end, expected)], env[:, start:min(end, expected)]
    if env.abs().min().item() < 1e-11:
        raise RuntimeError("istft(...): window overlap add min: 1e-11")
    y = y / env
    if length is not None and y.shape[1] < length:
        y = _F._resize_t(y, (1,), (length,))
    return y.squeeze(0) if unbatch else y
