"""torchvision.io (images only): read/decode/encode/write through Pillow.

Images are uint8 tensors (C, H, W). Differs from torchvision: no video, and decoding goes
through Pillow (JPEG decoders may differ by a few levels from libjpeg-turbo's).
"""
from __future__ import annotations

import io as _io
from enum import Enum

import tocha
from tocha import Tensor


class ImageReadMode(Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4  # noqa: PIE796  (an alias of RGB_ALPHA, as in torchvision)


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path: str) -> Tensor:
    """The file's bytes as a 1-D uint8 tensor."""
    with open(path, "rb") as fh:
        return _bytes_tensor(fh.read())


def _bytes_tensor(data: bytes) -> Tensor:
    import numpy as np
    return tocha.from_numpy(np.frombuffer(data, dtype=np.uint8).copy())


def _from_pil(img, mode: ImageReadMode) -> Tensor:
    from .transforms.functional import pil_to_tensor
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODE[mode])
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I;16", "I", "F"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    return pil_to_tensor(img)


def decode_image(input, mode: ImageReadMode = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> Tensor:
    """Decode encoded image bytes (a uint8 tensor or a path) into (C, H, W) uint8."""
    from PIL import Image, ImageOps
    if isinstance(input, str):
        return read_image(input, mode, apply_exif_orientation)
    if not isinstance(input, Tensor) or input.dtype != tocha.uint8 or input.ndim != 1:
        raise TypeError("decode_image: expected a 1-D uint8 tensor of encoded bytes or a path")
    img = Image.open(_io.BytesIO(input.numpy().tobytes()))
    img.load()
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    return _from_pil(img, mode)


decode_png = decode_jpeg = decode_image


def read_image(path: str, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Read a PNG/JPEG/... file into a uint8 tensor (C, H, W)."""
    from PIL import Image, ImageOps
    with Image.open(path) as img:
        img.load()
        if apply_exif_orientation:
            img = ImageOps.exif_transpose(img)
        return _from_pil(img, mode)


def _to_pil(input: Tensor):
    from .transforms.functional import to_pil_image
    if not isinstance(input, Tensor) or input.dtype != tocha.uint8 or input.ndim != 3:
        raise TypeError("expected a uint8 tensor image (C, H, W)")
    return to_pil_image(input)


def _encode(input: Tensor, fmt: str, **kw) -> Tensor:
    buf = _io.BytesIO()
    _to_pil(input).save(buf, format=fmt, **kw)
    return _bytes_tensor(buf.getvalue())


def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    return _encode(input, "PNG", compress_level=compression_level)


def encode_jpeg(input: Tensor, quality: int = 75) -> Tensor:
    return _encode(input, "JPEG", quality=quality)


def write_file(filename: str, data: Tensor) -> None:
    with open(filename, "wb") as fh:
        fh.write(data.numpy().tobytes())


def write_png(input: Tensor, filename: str, compression_level: int = 6) -> None:
    _to_pil(input).save(filename, format="PNG", compress_level=compression_level)


def write_jpeg(input: Tensor, filename: str, quality: int = 75) -> None:
    _to_pil(input).save(filename, format="JPEG", quality=quality)
