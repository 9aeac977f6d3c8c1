"""Affine warps (rotate, affine), Gaussian blur and erase for PIL images and tensors.

Tensors follow torchvision's tensor path: the inverse affine matrix, a pixel-centre grid and
`grid_sample(align_corners=False, padding_mode='zeros')` with nearest (round half to even) or
bilinear sampling. NumPy does the sampling (image resampling, like PIL conversion, is done on
arrays here). PIL images use Pillow's own rotate/transform.
"""
from __future__ import annotations

import math
import numbers

import tocha
from tocha import Tensor


def inverse_affine_matrix(center, angle: float, translate, scale: float,
                          shear) -> list[float]:
    """Matrix mapping output to input points for rotate(angle) scale shear then translate,
    about `center` (torchvision's _get_inverse_affine_matrix, same operation order)."""
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [d, -b, 0.0, -c, a, 0.0]
    m = [x / scale for x in m]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
    m[2] += cx
    m[5] += cy
    return m


def _expanded_size(m: list[float], w: int, h: int) -> tuple[int, int]:
    import numpy as np
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], np.float32)
    theta = np.array(m, np.float32).reshape(2, 3)
    new = pts @ theta.T
    lo = new.min(0) + np.array([w * 0.5, h * 0.5], np.float32)
    hi = new.max(0) + np.array([w * 0.5, h * 0.5], np.float32)
    tol = np.float32(1e-4)
    cmax = np.ceil(np.trunc(hi / tol) * tol)
    cmin = np.floor(np.trunc(lo / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def warp_tensor(img: Tensor, m: list[float], mode: str, out_size=None, fill=None) -> Tensor:
    """Sample img (..., C, H, W) at the inverse-mapped pixel centres (zeros outside)."""
    import numpy as np
    h, w = img.shape[-2], img.shape[-1]
    ow, oh = out_size if out_size is not None else (w, h)
    x = img.detach().numpy()
    dt = x.dtype.type if x.dtype.kind == "f" else np.float32
    theta = np.array(m, dt).reshape(2, 3)
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, dtype=dt)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, dtype=dt)
    bx, by = np.meshgrid(xs, ys)
    # grid_sample(align_corners=False) pixel coordinate = normalised * size/2 + (size-1)/2
    gx = (theta[0, 0] * bx + theta[0, 1] * by + theta[0, 2]) / dt(0.5 * w)
    gy = (theta[1, 0] * bx + theta[1, 1] * by + theta[1, 2]) / dt(0.5 * h)
    ix = ((gx + 1) * w - 1) / 2
    iy = ((gy + 1) * h - 1) / 2
    src = x.astype(dt, copy=False)
    if mode == "nearest":
        jx, jy = np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64)
        ok = (jx >= 0) & (jx < w) & (jy >= 0) & (jy < h)
        out = src[..., np.clip(jy, 0, h - 1), np.clip(jx, 0, w - 1)] * ok
        mask = ok.astype(dt)
    elif mode == "bilinear":
        x0, y0 = np.floor(ix).astype(np.int64), np.floor(iy).astype(np.int64)
        out = np.zeros(src.shape[:-2] + (oh, ow), dt)
        mask = np.zeros((oh, ow), dt)
        for dy in (0, 1):
            for dx in (0, 1):
                xx, yy = x0 + dx, y0 + dy
                wgt = (1 - np.abs(ix - xx)) * (1 - np.abs(iy - yy))
                ok = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
                wgt = (wgt * ok).astype(dt)
                out += src[..., np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)] * wgt
                mask += wgt
    else:
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    if fill is not None:
        fill_v = np.array(fill if isinstance(fill, (list, tuple)) else [fill], dt)
        fill_v = fill_v.reshape((-1, 1, 1)) if fill_v.size > 1 else fill_v.reshape(())
        if mode == "nearest":
            out = np.where(mask < 0.5, fill_v, out)
        else:
            out = out * mask + (1.0 - mask) * fill_v
    if x.dtype.kind != "f":
        out = np.round(out) if mode != "nearest" else out
        out = out.astype(x.dtype)
    return tocha.from_numpy(np.ascontiguousarray(out.astype(out.dtype, copy=False)))


def gaussian_kernel1d(ksize: int, sigma: float) -> list[float]:
    half = (ksize - 1) * 0.5
    xs = [-half + i * (2 * half / (ksize - 1)) if ksize > 1 else 0.0 for i in range(ksize)]
    pdf = [math.exp(-0.5 * (v / sigma) ** 2) for v in xs]
    s = sum(pdf)
    return [p / s for p in pdf]


def blur_tensor(img: Tensor, ksize: list[int], sigma: list[float]) -> Tensor:
    """Separable Gaussian blur with reflect padding (torchvision's tensor gaussian_blur)."""
    import numpy as np
    x = img.detach().numpy()
    dt = x.dtype if x.dtype.kind == "f" else np.float32
    kx = np.array(gaussian_kernel1d(ksize[0], sigma[0]), dt)
    ky = np.array(gaussian_kernel1d(ksize[1], sigma[1]), dt)
    px, py = ksize[0] // 2, ksize[1] // 2
    pad = [(0, 0)] * (x.ndim - 2) + [(py, py), (px, px)]
    a = np.pad(x.astype(dt), pad, mode="reflect")
    h, w = x.shape[-2], x.shape[-1]
    out = np.zeros(a.shape[:-2] + (h, w), dt)
    # the 2-D kernel is the outer product ky x kx, applied as one correlation
    for i in range(ksize[1]):
        for j in range(ksize[0]):
            out += (ky[i] * kx[j]) * a[..., i:i + h, j:j + w]
    if x.dtype.kind != "f":
        out = np.round(out).astype(x.dtype)
    return tocha.from_numpy(np.ascontiguousarray(out))


def parse_fill(fill, nchan: int):
    if fill is None:
        return None
    if isinstance(fill, numbers.Number):
        return [float(fill)] * nchan
    return [float(f) for f in fill]
