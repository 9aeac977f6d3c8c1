"""The preprocessing that published weights expect (`Weights.transforms()`)."""
from __future__ import annotations

import tocha
from tocha import Tensor

from . import functional as F
from .functional import InterpolationMode
from .transforms import _Module


class ImageClassification(_Module):
    """Resize the smaller edge, center-crop, to float in [0, 1], normalise (ImageNet stats)."""

    def __init__(self, *, crop_size: int, resize_size: int = 256,
                 mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias: bool | None = True):
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean, self.std = list(mean), list(std)
        self.interpolation, self.antialias = interpolation, antialias

    def forward(self, img) -> Tensor:
        img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                       antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, tocha.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        body = (f"\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}"
                f"\n    mean={self.mean}\n    std={self.std}"
                f"\n    interpolation={self.interpolation}")
        return f"{self.__class__.__name__}({body}\n)"

    def describe(self) -> str:
        return ("Accepts PIL.Image, batched (B, C, H, W) and single (C, H, W) image tensors. "
                f"The images are resized to resize_size={self.resize_size} using "
                f"interpolation={self.interpolation}, followed by a central crop of "
                f"crop_size={self.crop_size}. Finally the values are first rescaled to "
                f"[0.0, 1.0] and then normalized using mean={self.mean} and std={self.std}.")
