"""torchvision.transforms.v2: the v1 transforms (same draws) plus ToImage / ToDtype /
ToPureTensor. Differs from torchvision: no tv_tensors (boxes, masks); images only."""
from __future__ import annotations

from typing import Any

import tocha
from tocha import Tensor

from .. import functional
from ..functional import InterpolationMode
from ..transforms import (
    CenterCrop,
    ColorJitter,
    Compose,
    ConvertImageDtype,
    FiveCrop,
    GaussianBlur,
    Grayscale,
    Lambda,
    Normalize,
    Pad,
    PILToTensor,
    RandomAffine,
    RandomApply,
    RandomChoice,
    RandomCrop,
    RandomErasing,
    RandomGrayscale,
    RandomHorizontalFlip,
    RandomOrder,
    RandomResizedCrop,
    RandomRotation,
    RandomVerticalFlip,
    Resize,
    TenCrop,
    ToPILImage,
    ToTensor,
    _Module,
)


class ToImage(_Module):
    """PIL image / ndarray (H, W, C) / tensor -> tensor image (C, H, W), values unchanged."""

    def forward(self, inpt: Any) -> Any:
        import numpy as np
        if isinstance(inpt, Tensor):
            return inpt.unsqueeze(0) if inpt.ndim == 2 else inpt
        if isinstance(inpt, np.ndarray):
            a = inpt[:, :, None] if inpt.ndim == 2 else inpt
            return tocha.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))
        return functional.pil_to_tensor(inpt)


class ToDtype(_Module):
    """Cast to `dtype`; with scale=True rescale values as ConvertImageDtype does."""

    def __init__(self, dtype: tocha.dtype | dict[Any, tocha.dtype], scale: bool = False) -> None:
        if isinstance(dtype, dict):
            dtype = next(iter(dtype.values()))
        self.dtype, self.scale = dtype, scale

    def forward(self, inpt: Tensor) -> Tensor:
        if self.scale:
            return functional.convert_image_dtype(inpt, self.dtype)
        return inpt.to(self.dtype)

    def _extra(self) -> str:
        return f"scale={self.scale}"


class ToPureTensor(_Module):
    """Identity on tensors (tocha has no tv_tensors subclasses to strip)."""

    def forward(self, inpt: Any) -> Any:
        return inpt


__all__ = ["CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "FiveCrop",
           "GaussianBlur", "Grayscale", "InterpolationMode", "Lambda", "Normalize",
           "PILToTensor", "Pad", "RandomAffine", "RandomApply", "RandomChoice", "RandomCrop",
           "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomOrder",
           "RandomResizedCrop", "RandomRotation", "RandomVerticalFlip", "Resize", "TenCrop",
           "ToDtype", "ToImage", "ToPILImage", "ToPureTensor", "ToTensor", "functional"]
