"""torchvision.transforms: image transforms on PIL images and tensors."""
from . import functional
from .functional import InterpolationMode
from .transforms import (
                         CenterCrop,
                         ColorJitter,
                         Compose,
                         ConvertImageDtype,
                         Grayscale,
                         Lambda,
                         Normalize,
                         Pad,
                         PILToTensor,
                         RandomApply,
                         RandomCrop,
                         RandomGrayscale,
                         RandomHorizontalFlip,
                         RandomResizedCrop,
                         RandomVerticalFlip,
                         Resize,
                         ToPILImage,
                         ToTensor,
)

__all__ = ["CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "Grayscale",
           "InterpolationMode", "Lambda", "Normalize", "PILToTensor", "Pad", "RandomApply",
           "RandomCrop", "RandomGrayscale", "RandomHorizontalFlip", "RandomResizedCrop",
           "RandomVerticalFlip", "Resize", "ToPILImage", "ToTensor", "functional"]
