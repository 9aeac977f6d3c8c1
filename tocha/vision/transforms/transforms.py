"""torchvision.transforms classes. Random ones draw from tocha's generator in torchvision's
order (so after `tocha.manual_seed(s)` a pipeline makes torchvision's choices)."""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import tocha
from tocha import Tensor

from . import functional as F
from .functional import InterpolationMode, _interp


class Compose:
    """Apply transforms in order."""

    def __init__(self, transforms: Sequence[Callable[..., Any]]) -> None:
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


class _Module:
    """Transforms that are nn.Modules in torchvision: callable, with forward and a repr."""

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def _extra(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._extra()})"

    def train(self, mode: bool = True):
        return self

    def eval(self):
        return self


class ToTensor:
    """PIL image / ndarray (H, W, C) uint8 -> float tensor (C, H, W) in [0, 1]."""

    def __call__(self, pic: Any) -> Tensor:
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """PIL image -> tensor (C, H, W) of the same dtype, values unchanged."""

    def __call__(self, pic: Any) -> Tensor:
        return F.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class ToPILImage:
    """Tensor (C, H, W) / ndarray (H, W, C) -> PIL image."""

    def __init__(self, mode: str | None = None) -> None:
        self.mode = mode

    def __call__(self, pic: Any) -> Any:
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(" + (f"mode={self.mode}" if self.mode else "") + ")"


class ConvertImageDtype(_Module):
    """Convert a tensor image's dtype, rescaling its values."""

    def __init__(self, dtype: tocha.dtype) -> None:
        self.dtype = dtype

    def forward(self, image: Tensor) -> Tensor:
        return F.convert_image_dtype(image, self.dtype)


class Normalize(_Module):
    """(x - mean[c]) / std[c] on a float tensor image."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = mean, std, inplace

    def forward(self, tensor: Tensor) -> Tensor:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def _extra(self) -> str:
        return f"mean={self.mean}, std={self.std}"


class Lambda:
    """Apply a user function."""

    def __init__(self, lambd: Callable[[Any], Any]) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img: Any) -> Any:
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


def _setup_size(size, error_msg: str) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size[0], size[1]


class Resize(_Module):
    """Resize to (h, w), or the smaller edge to `size`."""

    def __init__(self, size: int | Sequence[int],
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 max_size: int | None = None, antialias: bool | None = True) -> None:
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = _interp(interpolation)

    def forward(self, img: Any) -> Any:
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def _extra(self) -> str:
        return (f"size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias}")


class CenterCrop(_Module):
    """Crop the centre."""

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def forward(self, img: Any) -> Any:
        return F.center_crop(img, self.size)

    def _extra(self) -> str:
        return f"size={self.size}"


class Pad(_Module):
    """Pad the borders."""

    def __init__(self, padding: int | Sequence[int], fill: float | Sequence[float] = 0,
                 padding_mode: str = "constant") -> None:
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img: Any) -> Any:
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def _extra(self) -> str:
        return f"padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode}"


class RandomCrop(_Module):
    """Crop at a random place (torch.randint for top, then left)."""

    @staticmethod
    def get_params(img: Any, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size "
                             f"{(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = tocha.randint(0, h - th + 1, size=(1,)).item()
        j = tocha.randint(0, w - tw + 1, size=(1,)).item()
        return i, j, th, tw

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] | None = None,
                 pad_if_needed: bool = False, fill: float | Sequence[float] = 0,
                 padding_mode: str = "constant") -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    def forward(self, img: Any) -> Any:
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, h, w = F.get_dimensions(img)
        if self.pad_if_needed and w < self.size[1]:
            img = F.pad(img, [self.size[1] - w, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and h < self.size[0]:
            img = F.pad(img, [0, self.size[0] - h], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def _extra(self) -> str:
        return f"size={self.size}, padding={self.padding}"


class RandomHorizontalFlip(_Module):
    """Flip left-right with probability p (one torch.rand(1) per call)."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def forward(self, img: Any) -> Any:
        if tocha.rand(1) < self.p:
            return F.hflip(img)
        return img

    def _extra(self) -> str:
        return f"p={self.p}"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flip top-bottom with probability p."""

    def forward(self, img: Any) -> Any:
        if tocha.rand(1) < self.p:
            return F.vflip(img)
        return img


class RandomApply(_Module):
    """Apply a list of transforms with probability p."""

    def __init__(self, transforms: Sequence[Callable[..., Any]], p: float = 0.5) -> None:
        self.transforms, self.p = transforms, p

    def forward(self, img: Any) -> Any:
        if self.p < tocha.rand(1):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}(\n    p={self.p}{body}\n)"


class RandomResizedCrop(_Module):
    """Crop a random area and aspect ratio, then resize (torchvision's 10 tries + fallback)."""

    def __init__(self, size: int | Sequence[int], scale: tuple[float, float] = (0.08, 1.0),
                 ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        self.scale, self.ratio, self.antialias = scale, ratio, antialias
        self.interpolation = _interp(interpolation)

    @staticmethod
    def get_params(img: Any, scale: Sequence[float], ratio: Sequence[float]
                   ) -> tuple[int, int, int, int]:
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = tocha.log(tocha.tensor(ratio))
        for _ in range(10):
            target_area = area * tocha.empty(1).uniform_(scale[0], scale[1]).item()
            aspect = tocha.exp(tocha.empty(1).uniform_(log_ratio[0].item(),
                                                        log_ratio[1].item())).item()
            w = round(math.sqrt(target_area * aspect))
            h = round(math.sqrt(target_area / aspect))
            if 0 < w <= width and 0 < h <= height:
                i = tocha.randint(0, height - h + 1, size=(1,)).item()
                j = tocha.randint(0, width - w + 1, size=(1,)).item()
                return i, j, h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w = width
            h = round(w / min(ratio))
        elif in_ratio > max(ratio):
            h = height
            w = round(h * max(ratio))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img: Any) -> Any:
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation,
                              antialias=self.antialias)

    def _extra(self) -> str:
        return (f"size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, "
                f"interpolation={self.interpolation.value}, antialias={self.antialias}")


def _check_input(value, name: str, center: float = 1, bound=(0, float("inf")),
                 clip_first_on_zero: bool = True):
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    if value[0] == value[1] == center:
        return None
    return tuple(value)


class ColorJitter(_Module):
    """Random brightness, contrast, saturation and hue, applied in a random order."""

    def __init__(self, brightness: float | tuple[float, float] = 0,
                 contrast: float | tuple[float, float] = 0,
                 saturation: float | tuple[float, float] = 0,
                 hue: float | tuple[float, float] = 0) -> None:
        self.brightness = _check_input(brightness, "brightness")
        self.contrast = _check_input(contrast, "contrast")
        self.saturation = _check_input(saturation, "saturation")
        self.hue = _check_input(hue, "hue", center=0, bound=(-0.5, 0.5),
                                clip_first_on_zero=False)

    @staticmethod
    def get_params(brightness: Sequence[float] | None, contrast: Sequence[float] | None,
                   saturation: Sequence[float] | None, hue: Sequence[float] | None
                   ) -> tuple[Tensor, float | None, float | None, float | None, float | None]:
        fn_idx = tocha.randperm(4)

        def draw(r):
            return None if r is None else float(tocha.empty(1).uniform_(r[0], r[1]))
        b = draw(brightness)
        c = draw(contrast)
        s = draw(saturation)
        h = draw(hue)
        return fn_idx, b, c, s, h

    def forward(self, img: Any) -> Any:
        fn_idx, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation,
                                             self.hue)
        for fn_id in fn_idx.tolist():
            if fn_id == 0 and b is not None:
                img = F.adjust_brightness(img, b)
            elif fn_id == 1 and c is not None:
                img = F.adjust_contrast(img, c)
            elif fn_id == 2 and s is not None:
                img = F.adjust_saturation(img, s)
            elif fn_id == 3 and h is not None:
                img = F.adjust_hue(img, h)
        return img

    def _extra(self) -> str:
        return (f"brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue}")


class Grayscale(_Module):
    """To grayscale with 1 or 3 output channels."""

    def __init__(self, num_output_channels: int = 1) -> None:
        self.num_output_channels = num_output_channels

    def forward(self, img: Any) -> Any:
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def _extra(self) -> str:
        return f"num_output_channels={self.num_output_channels}"


class RandomGrayscale(_Module):
    """To grayscale (as many channels as the input) with probability p."""

    def __init__(self, p: float = 0.1) -> None:
        self.p = p

    def forward(self, img: Any) -> Any:
        c = F.get_image_num_channels(img)
        if tocha.rand(1) < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=c)
        return img

    def _extra(self) -> str:
        return f"p={self.p}"


def _range(value, name: str, center: float = 0.0) -> list[float]:
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        return [center - float(value), center + float(value)]
    if len(value) != 2:
        raise ValueError(f"If {name} is a sequence, it must be of len 2.")
    return [float(v) for v in value]


class RandomRotation(_Module):
    """Rotate by an angle drawn uniformly from `degrees`."""

    def __init__(self, degrees: float | Sequence[float],
                 interpolation: InterpolationMode = InterpolationMode.NEAREST, expand: bool = False,
                 center: Sequence[float] | None = None, fill: float | Sequence[float] = 0) -> None:
        self.degrees = _range(degrees, "degrees")
        self.interpolation = _interp(interpolation)
        self.expand, self.center, self.fill = expand, center, fill

    @staticmethod
    def get_params(degrees: Sequence[float]) -> float:
        return float(tocha.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())

    def forward(self, img: Any) -> Any:
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)

    def _extra(self) -> str:
        return (f"degrees={self.degrees}, interpolation={self.interpolation.value}, "
                f"expand={self.expand}, fill={self.fill}")


class RandomAffine(_Module):
    """Random rotation, translation (fractions of the size), scale and shear."""

    def __init__(self, degrees: float | Sequence[float],
                 translate: tuple[float, float] | None = None,
                 scale: tuple[float, float] | None = None,
                 shear: float | Sequence[float] | None = None,
                 interpolation: InterpolationMode = InterpolationMode.NEAREST,
                 fill: float | Sequence[float] = 0, center: Sequence[float] | None = None) -> None:
        self.degrees = _range(degrees, "degrees")
        if translate is not None and not all(0.0 <= t <= 1.0 for t in translate):
            raise ValueError("translation values should be between 0 and 1")
        if scale is not None and any(s <= 0 for s in scale):
            raise ValueError("scale values should be positive")
        self.translate, self.scale = translate, scale
        if shear is not None and isinstance(shear, numbers.Number):
            shear = _range(shear, "shear")
        self.shear = list(shear) if shear is not None else None
        self.interpolation = _interp(interpolation)
        self.fill, self.center = fill, center

    @staticmethod
    def get_params(degrees: Sequence[float], translate: Sequence[float] | None,
                   scale_ranges: Sequence[float] | None, shears: Sequence[float] | None,
                   img_size: Sequence[int]
                   ) -> tuple[float, tuple[int, int], float, tuple[float, float]]:
        angle = float(tocha.empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            tx = round(tocha.empty(1).uniform_(-max_dx, max_dx).item())
            ty = round(tocha.empty(1).uniform_(-max_dy, max_dy).item())
            translations = (tx, ty)
        else:
            translations = (0, 0)
        scale = 1.0
        if scale_ranges is not None:
            scale = float(tocha.empty(1).uniform_(scale_ranges[0], scale_ranges[1]).item())
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = float(tocha.empty(1).uniform_(shears[0], shears[1]).item())
            if len(shears) == 4:
                shear_y = float(tocha.empty(1).uniform_(shears[2], shears[3]).item())
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img: Any) -> Any:
        _, h, w = F.get_dimensions(img)
        angle, tr, sc, sh = self.get_params(self.degrees, self.translate, self.scale,
                                            self.shear, [w, h])
        return F.affine(img, angle, tr, sc, sh, self.interpolation, self.fill, self.center)

    def _extra(self) -> str:
        s = f"degrees={self.degrees}"
        if self.translate is not None:
            s += f", translate={self.translate}"
        if self.scale is not None:
            s += f", scale={self.scale}"
        if self.shear is not None:
            s += f", shear={self.shear}"
        if self.interpolation != InterpolationMode.NEAREST:
            s += f", interpolation={self.interpolation.value}"
        if self.fill != 0:
            s += f", fill={self.fill}"
        if self.center is not None:
            s += f", center={self.center}"
        return s


class GaussianBlur(_Module):
    """Blur with a Gaussian whose sigma is drawn uniformly from `sigma`."""

    def __init__(self, kernel_size: int | Sequence[int],
                 sigma: float | tuple[float, float] = (0.1, 2.0)) -> None:
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two "
                                                    "integers")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif not (len(sigma) == 2 and 0.0 < sigma[0] <= sigma[1]):
            raise ValueError("sigma values should be positive and of the form (min, max).")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min: float, sigma_max: float) -> float:
        return tocha.empty(1).uniform_(sigma_min, sigma_max).item()

    def forward(self, img: Any) -> Any:
        s = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [s, s])

    def _extra(self) -> str:
        return f"kernel_size={self.kernel_size}, sigma={self.sigma}"


class RandomErasing(_Module):
    """With probability p, erase a random rectangle of a tensor image (torchvision's draws)."""

    def __init__(self, p: float = 0.5, scale: tuple[float, float] = (0.02, 0.33),
                 ratio: tuple[float, float] = (0.3, 3.3), value: float | str | Sequence[float] = 0,
                 inplace: bool = False) -> None:
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img: Tensor, scale: Sequence[float], ratio: Sequence[float],
                   value: Sequence[float] | None = None
                   ) -> tuple[int, int, int, int, Tensor]:
        c, h_img, w_img = img.shape[-3], img.shape[-2], img.shape[-1]
        area = h_img * w_img
        log_ratio = tocha.log(tocha.tensor(ratio))
        for _ in range(10):
            erase_area = area * tocha.empty(1).uniform_(scale[0], scale[1]).item()
            aspect = tocha.exp(tocha.empty(1).uniform_(log_ratio[0].item(),
                                                        log_ratio[1].item())).item()
            h = round(math.sqrt(erase_area * aspect))
            w = round(math.sqrt(erase_area / aspect))
            if not (h < h_img and w < w_img):
                continue
            if value is None:
                v = tocha.empty([c, h, w], dtype=tocha.float32).normal_()
            else:
                v = tocha.tensor(value)[:, None, None]
            i = tocha.randint(0, h_img - h + 1, size=(1,)).item()
            j = tocha.randint(0, w_img - w + 1, size=(1,)).item()
            return i, j, h, w, v
        return 0, 0, h_img, w_img, img

    def forward(self, img: Any) -> Any:
        if tocha.rand(1) < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            else:
                value = [float(v) for v in self.value]
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError("If value is a sequence, it should have either a single value "
                                 f"or {img.shape[-3]} (number of input channels)")
            x, y, h, w, v = self.get_params(img, self.scale, self.ratio, value)
            return F.erase(img, x, y, h, w, v, self.inplace)
        return img

    def _extra(self) -> str:
        return (f"p={self.p}, scale={self.scale}, ratio={self.ratio}, value={self.value}, "
                f"inplace={self.inplace}")


class FiveCrop(_Module):
    """The four corners and the centre, as a tuple."""

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def forward(self, img: Any) -> tuple[Any, ...]:
        return F.five_crop(img, self.size)

    def _extra(self) -> str:
        return f"size={self.size}"


class TenCrop(FiveCrop):
    """FiveCrop of the image and of its flipped copy."""

    def __init__(self, size: int | Sequence[int], vertical_flip: bool = False) -> None:
        super().__init__(size)
        self.vertical_flip = vertical_flip

    def forward(self, img: Any) -> tuple[Any, ...]:
        return F.ten_crop(img, self.size, self.vertical_flip)

    def _extra(self) -> str:
        return f"size={self.size}, vertical_flip={self.vertical_flip}"


class RandomChoice(_Module):
    """Apply one transform picked at random (Python's `random`, as torchvision)."""

    def __init__(self, transforms: Sequence[Callable[..., Any]], p: float | None = None) -> None:
        self.transforms, self.p = transforms, p

    def forward(self, *args: Any) -> Any:
        import random
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self) -> str:
        return Compose.__repr__(self) + f"(p={self.p})"


class RandomOrder(_Module):
    """Apply the transforms in a random order (Python's `random`, as torchvision)."""

    def __init__(self, transforms: Sequence[Callable[..., Any]]) -> None:
        self.transforms = transforms

    def forward(self, img: Any) -> Any:
        import random
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img

    __repr__ = Compose.__repr__
