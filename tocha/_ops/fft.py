"""Discrete Fourier transforms (the primitives behind `tocha.fft`), computed by numpy.fft.

Three primitives cover every transform, as in PyTorch: complex-to-complex (`fft`, `fftn`,
...), real-to-complex one-sided (`rfft`, ...) and complex-to-real (`irfft`, ...). `hfft` and
`ihfft` are compositions of them with `conj`. Each primitive first crops or zero-pads its
input to the signal sizes `s` (the `n` argument), then transforms.

Gradients follow PyTorch's formulas: the adjoint of a transform with norm `m` is the
opposite-direction transform with the dual norm (backward <-> forward, ortho <-> ortho); the
one-sided transforms zero-fill or double the half spectrum.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._dtype_ext import scalar_name
from .._tensor import Tensor
from ._util import norm_dim, prim

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}

def _norm(norm: str | None, op: str) -> str:
    if norm is None:
        return "backward"
    if norm not in _DUAL:
        raise RuntimeError(f"{op}: Invalid normalization mode: \"{norm}\"")
    return norm


def _resize(x: np.ndarray, axes, sizes) -> np.ndarray:
    """Crop or zero-pad `x` along `axes` to `sizes` (a copy only when something changes)."""
    for ax, n in zip(axes, sizes):
        m = x.shape[ax]
        if n < m:
            x = x[(slice(None),) * ax + (slice(0, n),)]
        elif n > m:
            pad = [(0, 0)] * x.ndim
            pad[ax] = (0, n - m)
            x = np.pad(x, pad)
    return x


def _resize_t(g: Tensor, axes, sizes) -> Tensor:
    """`_resize` on Tensors, differentiable (narrow / zero padding)."""
    for ax, n in zip(axes, sizes):
        m = g.shape[ax]
        if n < m:
            g = g.narrow(ax, 0, n)
        elif n > m:
            from .._creation import zeros
            shape = list(g.shape)
            shape[ax] = n - m
            from .movement import cat
            g = cat([g, zeros(shape, dtype=g.dtype)], ax)
    return g


def _cdtype(x: np.ndarray):
    return np.complex64 if x.dtype in (np.float32, np.complex64) else np.complex128


class FftC2C(prim):
    node_name = "FftC2CBackward0"

    @staticmethod
    def forward(ctx, x, axes, sizes, norm, forward):
        ctx.meta = (axes, tuple(x.shape[a] for a in axes), sizes, norm, forward)
        f = np.fft.fftn if forward else np.fft.ifftn
        out = f(_resize(x, axes, sizes), axes=axes, norm=norm)
        return out.astype(_cdtype(x), copy=False)

    @staticmethod
    def backward(ctx, g):
        axes, orig, sizes, norm, forward = ctx.meta
        gi = FftC2C.apply(g, axes, sizes, _DUAL[norm], not forward)
        return _resize_t(gi, axes, orig)


class FftR2C(prim):
    node_name = "FftR2CBackward0"

    @staticmethod
    def forward(ctx, x, axes, sizes, norm):
        ctx.meta = (axes, tuple(x.shape[a] for a in axes), sizes, norm)
        out = np.fft.rfftn(_resize(x, axes, sizes), axes=axes, norm=norm)
        return out.astype(_cdtype(x), copy=False)

    @staticmethod
    def backward(ctx, g):
        axes, orig, sizes, norm = ctx.meta
        # adjoint of the one-sided transform: the missing half of the spectrum is zero
        full = _resize_t(g, axes[-1:], sizes[-1:])
        gi = FftC2C.apply(full, axes, sizes, _DUAL[norm], False)
        return _resize_t(gi.real, axes, orig)


class FftC2R(prim):
    node_name = "FftC2RBackward0"

    @staticmethod
    def forward(ctx, x, axes, sizes, norm):
        half = sizes[:-1] + (sizes[-1] // 2 + 1,)
        ctx.meta = (axes, tuple(x.shape[a] for a in axes), sizes, norm, half)
        out = np.fft.irfftn(_resize(x, axes, half), s=sizes, axes=axes, norm=norm)
        return out.astype(np.float32 if x.dtype == np.complex64 else np.float64, copy=False)

    @staticmethod
    def backward(ctx, g):
        axes, orig, sizes, norm, half = ctx.meta
        gi = FftR2C.apply(g, axes, sizes, _DUAL[norm])
        # the entries irfft reads twice (k and n - k) get twice the gradient
        double = sizes[-1] - half[-1]
        if double > 0:
            ax = axes[-1]
            idx = np.ones(half[-1])
            idx[1:1 + double] = 2
            shape = [1] * gi.ndim
            shape[ax] = half[-1]
            from .._creation import tensor
            gi = gi * tensor(idx.reshape(shape), dtype=gi.real.dtype)
        return _resize_t(gi, axes, orig)


# ---------------------------------------------------------------- argument handling

def _prep(x, op: str, real_only: bool = False, complex_out: bool = False) -> Tensor:
    """`x` in a dtype the transforms take: integers/bools become the default float dtype
    (then complex where the op needs complex input); float16 is refused as on PyTorch's CPU."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    dt = x._dtype
    if dt.name in ("float16", "bfloat16", "complex32"):
        raise RuntimeError(f"Unsupported dtype {scalar_name(dt)}")
    if real_only and dt.is_complex:
        raise RuntimeError(f"{op} expects a real input tensor, but got "
                           f"{scalar_name(dt)}")
    if dt._kind < 2:
        x = x.to(D.get_default_dtype())
    if complex_out and not x._dtype.is_complex:
        x = x.to(x._dtype.to_complex())
    return x


def _dims_sizes(x: Tensor, s, dim, op: str, default_all: bool, last_c2r: bool = False):
    """The transformed dims and the signal size along each (PyTorch's s/dim rules)."""
    nd = x.ndim
    if s is not None and len(s) > nd:
        raise RuntimeError(f"{op}: Got shape with {len(s)} values but input tensor only has "
                           f"{nd} dimensions.")
    if dim is None:
        if s is not None:
            axes = tuple(range(nd - len(s), nd))
        else:
            axes = tuple(range(nd)) if default_all else (nd - 1,)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(norm_dim(d, nd) for d in dims)
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"{op}: FFT dims must be unique")
        if s is not None and len(s) != len(axes):
            raise RuntimeError(f"{op}: When given, dim and shape arguments must have the same "
                               f"length")
    if nd == 0 and axes:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if s is None:
        sizes = [x.shape[a] for a in axes]
        if last_c2r and axes:
            sizes[-1] = 2 * (sizes[-1] - 1)
    else:
        sizes = [x.shape[a] if (n == -1) else n for a, n in zip(axes, s)]
        if last_c2r and axes and s[-1] == -1:
            sizes[-1] = 2 * (x.shape[axes[-1]] - 1)
    for n in sizes:
        if n < 1:
            raise RuntimeError(f"{op}: Invalid number of data points ({n}) specified")
    return axes, tuple(int(n) for n in sizes)


def _out(r: Tensor, out: Tensor | None) -> Tensor:
    if out is None:
        return r
    out._data = r._data
    out._dtype = r._dtype
    return out


def c2c(x, s, dim, norm, forward: bool, op: str, default_all: bool, out=None) -> Tensor:
    x = _prep(x, op, complex_out=True)
    axes, sizes = _dims_sizes(x, s, dim, op, default_all)
    return _out(FftC2C.apply(x, axes, sizes, _norm(norm, op), forward), out)


def r2c(x, s, dim, norm, op: str, default_all: bool, out=None) -> Tensor:
    x = _prep(x, op, real_only=True)
    axes, sizes = _dims_sizes(x, s, dim, op, default_all)
    return _out(FftR2C.apply(x, axes, sizes, _norm(norm, op)), out)


def c2r(x, s, dim, norm, op: str, default_all: bool, out=None) -> Tensor:
    x = _prep(x, op, complex_out=True)
    axes, sizes = _dims_sizes(x, s, dim, op, default_all, last_c2r=True)
    return _out(FftC2R.apply(x, axes, sizes, _norm(norm, op)), out)


def dual(norm: str | None, op: str) -> str:
    """The norm of the opposite direction (hfft is irfft of the conjugate, dual norm)."""
    return _DUAL[_norm(norm, op)]
