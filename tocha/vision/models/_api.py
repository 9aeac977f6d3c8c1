"""Weights enums and the `weights=` / `pretrained=` handling shared by the model builders.

The enums describe torchvision's published weights (URL, file name with its SHA-256 prefix,
parameter count). `weights=` / `pretrained=True` load the file from PyTorch's download cache
(`$TORCH_HOME/hub/checkpoints/<file>`, see `tocha.hub`), checking its hash as torchvision
does; tocha never downloads, so a missing file is an error naming the file, the folder to put
it in and the URL to fetch it from.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import Any

from ...nn import Module


@dataclass(frozen=True)
class Weights:
    """What torchvision publishes about one set of pretrained weights."""

    url: str
    transforms: object = None
    meta: dict = field(default_factory=dict)


class WeightsEnum(Enum):
    """Base of the `<Model>_Weights` enums (`DEFAULT` aliases the recommended member)."""

    @classmethod
    def verify(cls, obj: Any) -> Any:
        if obj is None:
            return None
        if isinstance(obj, str):
            name = obj.replace(cls.__name__ + ".", "")
            if name not in cls.__members__:
                raise ValueError(f"Failed to find Weights {obj} in {cls.__name__}.")
            return cls.__members__[name]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but "
                            f"received {obj.__class__.__name__}.")
        return obj

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def meta(self) -> dict:
        return self.value.meta

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def file_name(self) -> str:
        """The file's name in the cache: the URL's last part (`resnet18-f37072fd.pth`)."""
        return self.url.rsplit("/", 1)[-1]

    @property
    def hash_prefix(self) -> str:
        """The start of the file's SHA-256 that its name carries (`f37072fd`)."""
        from ...hub import HASH_REGEX
        m = HASH_REGEX.search(self.file_name)
        return m.group(1) if m else ""

    def get_state_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The state dict from PyTorch's cache (`tocha.hub.load_state_dict_from_url`).

        Differs from torchvision: loads with `weights_only=True` unless told otherwise.
        """
        from ...hub import load_state_dict_from_url
        kwargs.setdefault("weights_only", True)
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"


def _weights(name: str, url: str, num_params: int, acc1: float,
             resize_size: int | None = None, crop_size: int = 224,
             interpolation: str = "bilinear") -> Weights:
    """torchvision's description of one weights file; V2 recipes resize to 232, V1 to 256."""
    from functools import partial

    from ..transforms._presets import ImageClassification
    from ..transforms.functional import InterpolationMode
    if resize_size is None:
        resize_size = 232 if url.split("-")[-1] in _V2_FILES else 256
    return Weights(url=url, transforms=partial(ImageClassification, crop_size=crop_size,
                                               resize_size=resize_size,
                                               interpolation=InterpolationMode(interpolation)),
                   meta={"num_params": num_params, "categories": None,
                         "_metrics": {"ImageNet-1K": {"acc@1": acc1}},
                         "_docs": f"{name} weights published by torchvision"})


# the files of torchvision's "V2" training recipe (evaluated at resize 232)
_V2_FILES = {"11ad3fa6.pth", "cd907fc2.pth", "f82ba261.pth", "1a0047aa.pth", "110c445d.pth",
             "9ba9bcbe.pth", "d733dc28.pth", "7ebf99e0.pth", "5c1a4163.pth"}


def handle_weights(weights, weights_enum, builder: str, kwargs: dict):
    """The weights enum member asked for (`weights=` or the legacy `pretrained=True`), or None.

    With weights, `num_classes` must be (and defaults to) the 1000 ImageNet classes.
    """
    pretrained = kwargs.pop("pretrained", None)
    if pretrained is not None and "weights" not in kwargs and weights is None:
        weights = "DEFAULT" if pretrained else None
    kwargs.pop("progress", None)
    if weights is None:
        return None
    w = weights_enum.verify(weights)
    classes = kwargs.setdefault("num_classes", 1000)
    if classes != 1000:
        raise ValueError(f"The parameter 'num_classes' expected value 1000 but got {classes} "
                         "instead.")
    return w


def load_weights(model, weights, progress: bool = True, remap=None):
    """Load `weights` (an enum member, or None for nothing) into `model`; returns `model`."""
    if weights is not None:
        sd = weights.get_state_dict(progress=progress, check_hash=True)
        model.load_state_dict(remap(sd) if remap is not None else sd)
    return model


_CATALOG: dict = {}
_WEIGHTS: dict = {}


def register_model(name: str, weights_enum=None):
    def deco(fn):
        _CATALOG[name] = fn
        _WEIGHTS[name] = weights_enum
        return fn
    return deco


def list_models(module: ModuleType | None = None, include: str | Iterable[str] | None = None,
                exclude: str | Iterable[str] | None = None) -> list[str]:
    """Names of the model builders available."""
    return sorted(_CATALOG)


def get_model_builder(name: str) -> Callable[..., Module]:
    name = name.lower()
    if name not in _CATALOG:
        raise ValueError(f"Unknown model {name}")
    return _CATALOG[name]


def get_model(name: str, **config: Any) -> Module:
    """Build a model by name, e.g. get_model('resnet18', num_classes=10)."""
    return get_model_builder(name)(**config)


def get_model_weights(name: str) -> type[WeightsEnum]:
    """The weights enum of a builder (by name or function)."""
    if not isinstance(name, str):
        name = next(k for k, v in _CATALOG.items() if v is name)
    get_model_builder(name)
    return _WEIGHTS[name.lower()]


def get_weight(name: str) -> WeightsEnum:
    """'ResNet18_Weights.IMAGENET1K_V1' -> the enum member."""
    enum_name, member = name.split(".")
    for enum in _WEIGHTS.values():
        if enum is not None and enum.__name__ == enum_name:
            return enum[member]
    raise ValueError(f"Unknown weight enum {enum_name!r}")
