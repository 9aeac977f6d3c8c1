"""torchvision.transforms.functional: image ops on PIL images and on tensors (..., C, H, W).

Tensor images hold floats in [0, 1] or integers in [0, max of dtype] (uint8: [0, 255]).
PIL is imported inside the functions that need it; NumPy only converts PIL images.
"""
from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Any

import tocha
from tocha import Tensor

from . import _resample


class InterpolationMode(Enum):
    """Interpolation modes (torchvision's names and values)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_RESAMPLE = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4,
                 "hamming": 5}


def _interp(mode) -> InterpolationMode:
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int):      # PIL's integer constants
        inv = {v: k for k, v in _PIL_RESAMPLE.items()}
        if mode in inv:
            return InterpolationMode(inv[mode])
    raise TypeError("Argument interpolation should be of type InterpolationMode or int")


def _is_pil_image(img) -> bool:
    mod = sys.modules.get("PIL.Image")
    return mod is not None and isinstance(img, mod.Image)


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("tocha.vision needs Pillow for PIL images: pip install pillow") from e
    return Image


def _check_img(img, fn: str) -> None:
    if not (isinstance(img, Tensor) or _is_pil_image(img)):
        raise TypeError(f"{fn}: img should be PIL Image or Tensor. Got {type(img)}")
    if isinstance(img, Tensor) and img.ndim < 2:
        raise TypeError(f"{fn}: tensor is not a torch image (expected (..., C, H, W) or (H, W), "
                        f"got shape {tuple(img.shape)})")


def _max_value(dtype) -> float:
    if dtype.is_floating_point:
        return 1.0
    return float(tocha.iinfo(dtype).max) if hasattr(tocha, "iinfo") else {
        tocha.uint8: 255.0, tocha.int8: 127.0, tocha.int16: 32767.0,
        tocha.int32: 2147483647.0, tocha.int64: 9223372036854775807.0}[dtype]


# ---------------------------------------------------------------- info
def get_dimensions(img: Any) -> list[int]:
    """[channels, height, width]."""
    _check_img(img, "get_dimensions")
    if isinstance(img, Tensor):
        c = 1 if img.ndim == 2 else img.shape[-3]
        return [c, img.shape[-2], img.shape[-1]]
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img: Any) -> list[int]:
    """[width, height]."""
    _c, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img: Any) -> int:
    return get_dimensions(img)[0]


# ---------------------------------------------------------------- conversions
def to_tensor(pic: Any) -> Tensor:
    """PIL image or ndarray (H, W, C) -> tensor (C, H, W); uint8 scaled to float in [0, 1]."""
    import numpy as np
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        t = tocha.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))
        if t.dtype == tocha.uint8:
            return t.to(tocha.get_default_dtype()).div(255)
        return t
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    modes = {"I": np.int32, "I;16": np.int16, "F": np.float32}
    arr = np.array(pic, modes.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = 255 * arr
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    t = tocha.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))
    if t.dtype == tocha.uint8:
        return t.to(tocha.get_default_dtype()).div(255)
    return t


def pil_to_tensor(pic: Any) -> Tensor:
    """PIL image -> tensor (C, H, W) of the image's own dtype (uint8 for 8-bit), not scaled."""
    import numpy as np
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    return tocha.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def convert_image_dtype(image: Tensor, dtype: tocha.dtype = tocha.float32) -> Tensor:
    """Convert a tensor image to `dtype`, rescaling values (uint8 255 <-> float 1.0)."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == tocha.float32 and dtype in (tocha.int32, tocha.int64)) or (
                image.dtype == tocha.float64 and dtype == tocha.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               f"safely.")
        eps = 1e-3
        return image.mul(_max_value(dtype) + 1.0 - eps).to(dtype)
    in_max = int(_max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype).div(in_max)
    out_max = int(_max_value(dtype))
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return image.div(factor, rounding_mode="floor").to(dtype)
    factor = (out_max + 1) // (in_max + 1)
    return image.to(dtype).mul(factor)


def to_pil_image(pic: Any, mode: str | None = None) -> Any:
    """Tensor (C, H, W) or ndarray (H, W, C) -> PIL image; floats are scaled by 255."""
    import numpy as np
    Image = _pil()
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        if pic.is_floating_point() and mode != "F":
            pic = pic.mul(255).to(tocha.uint8)
        arr = np.transpose(pic.detach().numpy(), (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        if arr.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        expected = {np.uint8: "L", np.int16: "I;16", np.int32: "I", np.float32: "F"}
        default = expected.get(arr.dtype.type)
        if mode is not None and mode != default:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {arr.dtype}. "
                             f"Should be {default}")
        mode = mode or default
        if mode is None:
            raise TypeError(f"Input type {arr.dtype} is not supported")
        if mode == "I;16":
            arr = arr.astype("<u2")
    else:
        permitted = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}
        nc = arr.shape[2]
        if mode is not None and mode not in permitted[nc]:
            raise ValueError(f"Only modes {permitted[nc]} are supported for {nc}D inputs")
        if mode is None:
            if arr.dtype != np.uint8:
                raise TypeError(f"Input type {arr.dtype} is not supported")
            mode = permitted[nc][0]
    # the array's bytes are the pixels in `mode` (as torchvision's fromarray(arr, mode)):
    # reinterpreted, not converted (a YCbCr tensor stays YCbCr)
    arr = np.ascontiguousarray(arr)
    return Image.frombytes(mode, (arr.shape[1], arr.shape[0]), arr.tobytes())


# ---------------------------------------------------------------- normalisation
def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float],
              inplace: bool = False) -> Tensor:
    """(tensor - mean[c]) / std[c] per channel of a float tensor (..., C, H, W)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    mean_t = tocha.as_tensor(mean, dtype=tensor.dtype)
    std_t = tocha.as_tensor(std, dtype=tensor.dtype)
    if bool((std_t == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         f"division by zero.")
    if mean_t.ndim == 1:
        mean_t = mean_t.view(-1, 1, 1)
    if std_t.ndim == 1:
        std_t = std_t.view(-1, 1, 1)
    shape = list(tensor.shape)
    wide = list(tocha.broadcast_shapes(tensor.shape, mean_t.shape, std_t.shape))
    if wide != shape:
        # torchvision subtracts in place, so the image never grows: 3 means on a 1-channel
        # image is an error there, not a silent 3-channel result
        raise RuntimeError(f"output with shape {shape} doesn't match the broadcast shape "
                           f"{wide} (normalize: mean has {mean_t.numel()} and std "
                           f"{std_t.numel()} values for an image of {shape[-3]} channels; "
                           f"give one value per channel)")
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return tensor.sub(mean_t).div(std_t)


# ---------------------------------------------------------------- geometry
def hflip(img: Any) -> Any:
    """Flip left-right."""
    _check_img(img, "hflip")
    if isinstance(img, Tensor):
        return img.flip(-1)
    return img.transpose(_pil().Transpose.FLIP_LEFT_RIGHT)


def vflip(img: Any) -> Any:
    """Flip top-bottom."""
    _check_img(img, "vflip")
    if isinstance(img, Tensor):
        return img.flip(-2)
    return img.transpose(_pil().Transpose.FLIP_TOP_BOTTOM)


def _parse_pad(padding) -> tuple[int, int, int, int]:
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = list(padding)
    if len(padding) == 1:
        return (int(padding[0]),) * 4
    if len(padding) == 2:
        return int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1])
    if len(padding) == 4:
        return tuple(int(p) for p in padding)
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img: Any, padding: int | Sequence[int], fill: float | Sequence[float] = 0,
        padding_mode: str = "constant") -> Any:
    """Pad by (left, top, right, bottom); modes constant/edge/reflect/symmetric."""
    import numpy as np
    _check_img(img, "pad")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_pad(padding)
    if isinstance(img, Tensor):
        if not isinstance(fill, (int, float)):
            raise TypeError(f"pad: a tensor image takes a number as fill, got {fill!r}")
        arr = img.detach().numpy()
        widths = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
        if padding_mode == "constant":
            out = np.pad(arr, widths, mode="constant", constant_values=fill)
        else:
            out = np.pad(arr, widths, mode=padding_mode)
        return tocha.from_numpy(np.ascontiguousarray(out))
    if padding_mode == "constant":
        from PIL import ImageOps
        bands = len(img.getbands())
        if isinstance(fill, (tuple, list)):
            fill = tuple(int(f) for f in fill) if bands > 1 else int(fill[0])
        elif bands > 1 and img.mode != "P":
            fill = (int(fill),) * bands
        return ImageOps.expand(img, border=(left, top, right, bottom), fill=fill)
    arr = np.asarray(img)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (arr.ndim - 2)
    res = _pil().fromarray(np.ascontiguousarray(np.pad(arr, widths, mode=padding_mode)))
    if img.mode == "P":
        res.putpalette(img.getpalette())
    return res


def crop(img: Any, top: int, left: int, height: int, width: int) -> Any:
    """The (height, width) window at (top, left); zero-filled where it leaves the image."""
    _check_img(img, "crop")
    if not isinstance(img, Tensor):
        return img.crop((left, top, left + width, top + height))
    h, w = img.shape[-2], img.shape[-1]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [max(-min(0, left), 0), max(-min(0, top), 0), max(right - w, 0),
                max(bottom - h, 0)]
        sub = img[..., max(top, 0):bottom, max(left, 0):right]
        return pad(sub, pads, fill=0)
    return img[..., top:bottom, left:right]


def center_crop(img: Any, output_size: int | Sequence[int]) -> Any:
    """Crop the centre (h, w) (or (s, s)); pads with zeros first when the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, h, w = get_dimensions(img)
    ch, cw = output_size
    if ch > h or cw > w:
        pads = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        img = pad(img, pads, fill=0)
        _, h, w = get_dimensions(img)
        if ch == h and cw == w:
            return img
    top = round((h - ch) / 2.0)
    left = round((w - cw) / 2.0)
    return crop(img, top, left, ch, cw)


def _output_size(h: int, w: int, size, max_size) -> list[int]:
    if isinstance(size, int) or len(size) == 1:
        requested = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return [new_long, new_short] if w <= h else [new_short, new_long]
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the "
                         "smaller edge, i.e. size should be an int or a sequence of length 1")
    return [int(size[0]), int(size[1])]


def resize(img: Any, size: int | Sequence[int],
           interpolation: InterpolationMode = InterpolationMode.BILINEAR,
           max_size: int | None = None, antialias: bool | None = True) -> Any:
    """Resize to (h, w), or the smaller edge to `size` (keeping the aspect ratio).

    Tensors: PyTorch's antialiased interpolate (Pillow's filters); differs from PyTorch: uint8
    tensors are computed in float32 then rounded (PyTorch's fixed-point path may be 1 off).
    """
    _check_img(img, "resize")
    mode = _interp(interpolation)
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    if not isinstance(img, Tensor):
        if mode == InterpolationMode.NEAREST_EXACT:
            raise ValueError("NEAREST_EXACT is not supported for PIL images")
        return img.resize((ow, oh), _PIL_RESAMPLE[mode.value])
    if mode.value not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode {mode} is not supported for tensors")
    aa = bool(antialias) and mode.value in ("bilinear", "bicubic")
    x = img if img.is_floating_point() else img.to(tocha.float32)
    wh = tocha.tensor(_resample.weights(h, oh, mode.value, aa), dtype=x.dtype)
    ww = tocha.tensor(_resample.weights(w, ow, mode.value, aa), dtype=x.dtype)
    with tocha.no_grad():
        out = tocha.matmul(tocha.matmul(wh, x), ww.t())
    if img.is_floating_point():
        return out
    if mode.value not in ("nearest", "nearest-exact"):
        out = out.round().clamp(0, _max_value(img.dtype))
    return out.to(img.dtype)


def resized_crop(img: Any, top: int, left: int, height: int, width: int, size: int | Sequence[int],
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> Any:
    """crop then resize."""
    return resize(crop(img, top, left, height, width), size, interpolation,
                  antialias=antialias)


def five_crop(img: Any, size: int | Sequence[int]) -> tuple[Any, ...]:
    """(top-left, top-right, bottom-left, bottom-right, center) crops."""
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    _, h, w = get_dimensions(img)
    ch, cw = size
    if ch > h or cw > w:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw),
            crop(img, h - ch, w - cw, ch, cw), center_crop(img, (ch, cw)))


# ---------------------------------------------------------------- colour
def rgb_to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """L = 0.2989 R + 0.587 G + 0.114 B (tensors); PIL's convert('L') for PIL images."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    _check_img(img, "rgb_to_grayscale")
    if not isinstance(img, Tensor):
        import numpy as np
        g = img.convert("L")
        if num_output_channels == 3:
            a = np.asarray(g, dtype=np.uint8)
            g = _pil().fromarray(np.ascontiguousarray(np.dstack([a, a, a])))
        return g
    c = img.shape[-3]
    if c not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {c}")
    if c == 3:
        r, g, b = img.unbind(dim=-3)
        lum = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        lum = img.clone()
    if num_output_channels == 3:
        return lum.expand(img.shape).clone() if c == 3 else lum.expand(
            *img.shape[:-3], 3, *img.shape[-2:]).clone()
    return lum


to_grayscale = rgb_to_grayscale


def _blend(img1: Tensor, img2: Tensor, ratio: float) -> Tensor:
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def _enhance(img, name: str, factor: float):
    from PIL import ImageEnhance
    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img: Any, brightness_factor: float) -> Any:
    """img * factor, clamped to the value range."""
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check_img(img, "adjust_brightness")
    if not isinstance(img, Tensor):
        return _enhance(img, "Brightness", brightness_factor)
    return _blend(img, tocha.zeros_like(img), brightness_factor)


def adjust_contrast(img: Any, contrast_factor: float) -> Any:
    """Blend with the mean of the grayscale image."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _check_img(img, "adjust_contrast")
    if not isinstance(img, Tensor):
        return _enhance(img, "Contrast", contrast_factor)
    dtype = img.dtype if img.is_floating_point() else tocha.float32
    gray = rgb_to_grayscale(img) if img.shape[-3] == 3 else img
    mean = gray.to(dtype).mean(dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img: Any, saturation_factor: float) -> Any:
    """Blend with the grayscale image."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _check_img(img, "adjust_saturation")
    if not isinstance(img, Tensor):
        return _enhance(img, "Color", saturation_factor)
    if img.shape[-3] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def adjust_hue(img: Any, hue_factor: float) -> Any:
    """Shift the hue by hue_factor (in [-0.5, 0.5]) turns, through HSV."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_img(img, "adjust_hue")
    import numpy as np
    if not isinstance(img, Tensor):
        if img.mode in ("L", "1", "I", "F"):
            return img
        mode = img.mode
        h, s, v = img.convert("HSV").split()
        a = np.asarray(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            a = (a + np.uint8(np.int64(hue_factor * 255) % 256)).astype(np.uint8)
        h = _pil().fromarray(a)
        return _pil().merge("HSV", (h, s, v)).convert(mode)
    if img.shape[-3] == 1:
        return img
    x = convert_image_dtype(img, tocha.float32).detach().numpy()
    r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
    maxc, minc = x.max(axis=-3), x.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    crd = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    hh = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    hh = np.fmod(hh + hue_factor, 1.0)
    hh = np.where(hh < 0, hh + 1.0, hh)
    i = np.floor(hh * 6.0)
    f = hh * 6.0 - i
    i = i.astype(np.int32) % 6
    v = maxc
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    sel = [i == k for k in range(6)]
    rr = np.select(sel, [v, q, p, p, t, v])
    gg = np.select(sel, [t, v, v, q, p, p])
    bb = np.select(sel, [p, p, t, v, v, q])
    out = tocha.from_numpy(np.stack([rr, gg, bb], axis=-3).astype(np.float32))
    return convert_image_dtype(out, img.dtype)



# ---------------------------------------------------------------- affine, blur, erase
def _pil_fill(fill, img):
    if fill is None:
        return None
    n = len(img.getbands())
    if isinstance(fill, (int, float)):
        return int(fill) if n == 1 else tuple([int(fill)] * n)
    return tuple(int(f) for f in fill) if n > 1 else int(fill[0])


def rotate(img: Any, angle: float, interpolation: InterpolationMode = InterpolationMode.NEAREST,
           expand: bool = False, center: Sequence[float] | None = None,
           fill: float | Sequence[float] | None = None) -> Any:
    """Rotate counter-clockwise by `angle` degrees about the centre (or `center`, (x, y))."""
    from . import _geometry as G
    _check_img(img, "rotate")
    mode = _interp(interpolation)
    if not isinstance(img, Tensor):
        return img.rotate(angle, resample=_PIL_RESAMPLE[mode.value], expand=expand,
                          center=center, fillcolor=_pil_fill(fill, img))
    _, h, w = get_dimensions(img)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    m = G.inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    size = G._expanded_size(m, w, h) if expand else None
    return G.warp_tensor(img, m, mode.value, size, G.parse_fill(fill, get_dimensions(img)[0]))


def affine(img: Any, angle: float, translate: Sequence[float], scale: float,
           shear: float | Sequence[float],
           interpolation: InterpolationMode = InterpolationMode.NEAREST,
           fill: float | Sequence[float] | None = None,
           center: Sequence[float] | None = None) -> Any:
    """Rotation, translation (pixels), scale and shear (degrees) about the image centre."""
    from . import _geometry as G
    _check_img(img, "affine")
    mode = _interp(interpolation)
    if isinstance(shear, (int, float)):
        shear = [float(shear), 0.0]
    shear = list(shear) + [0.0] * (2 - len(shear))
    translate = [float(t) for t in translate]
    _, h, w = get_dimensions(img)
    if not isinstance(img, Tensor):
        c = [w * 0.5, h * 0.5] if center is None else list(center)
        m = G.inverse_affine_matrix(c, angle, translate, scale, shear)
        return img.transform((w, h), _pil().Transform.AFFINE, m,
                             resample=_PIL_RESAMPLE[mode.value], fillcolor=_pil_fill(fill, img))
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    m = G.inverse_affine_matrix(center_f, angle, translate, scale, shear)
    return G.warp_tensor(img, m, mode.value, None, G.parse_fill(fill, get_dimensions(img)[0]))


def gaussian_blur(img: Any, kernel_size: int | Sequence[int],
                  sigma: float | tuple[float, float] | None = None) -> Any:
    """Blur with a normalised Gaussian kernel (odd sizes), reflect-padded borders."""
    from . import _geometry as G
    _check_img(img, "gaussian_blur")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2 or any(k <= 0 or k % 2 == 0 for k in kernel_size):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    sigma = list(sigma) * (2 if len(sigma) == 1 else 1)
    if any(s <= 0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    if isinstance(img, Tensor):
        return G.blur_tensor(img, list(kernel_size), sigma)
    out = G.blur_tensor(pil_to_tensor(img), list(kernel_size), sigma)
    return to_pil_image(out, mode=img.mode)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v: Tensor, inplace: bool = False) -> Tensor:
    """Set img[..., i:i+h, j:j+w] = v (a tensor broadcastable to (C, h, w))."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    with tocha.no_grad():
        img[..., i:i + h, j:j + w] = v
    return img


def ten_crop(img: Any, size: int | Sequence[int], vertical_flip: bool = False) -> tuple[Any, ...]:
    """five_crop of the image and of its flipped copy."""
    first = five_crop(img, size)
    second = five_crop(vflip(img) if vertical_flip else hflip(img), size)
    return first + second


__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_hue",
           "adjust_saturation", "affine", "center_crop", "convert_image_dtype", "crop", "erase",
           "five_crop", "gaussian_blur", "get_dimensions", "get_image_num_channels",
           "get_image_size", "hflip", "normalize", "pad", "pil_to_tensor", "resize",
           "resized_crop", "rgb_to_grayscale", "rotate", "ten_crop", "to_grayscale",
           "to_pil_image", "to_tensor", "vflip"]
