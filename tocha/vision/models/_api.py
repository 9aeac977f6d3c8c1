"""Weights enums and the `weights=` / `pretrained=` handling shared by the model builders.

tocha never downloads: the enums describe torchvision's published weights (URL, parameter
count, categories) so that code naming them runs, but asking for them raises an error that
explains how to load a local state dict instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Weights:
    """What torchvision publishes about one set of pretrained weights."""

    url: str
    transforms: object = None
    meta: dict = field(default_factory=dict)


class WeightsEnum(Enum):
    """Base of the `<Model>_Weights` enums (`DEFAULT` aliases the recommended member)."""

    @classmethod
    def verify(cls, obj):
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

    def get_state_dict(self, *args, **kwargs):
        raise RuntimeError(_no_download_message(self.url, "model"))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"


def _no_download_message(url: str, builder: str) -> str:
    file = url.rsplit("/", 1)[-1]
    return (f"tocha.vision cannot download pretrained weights (it never uses the network). "
            f"Build the model without them and load a state dict from a local file instead:\n"
            f"    model = {builder}()   # weights=None\n"
            f"    model.load_state_dict(tocha.load('{file}'))\n"
            f"where {file} was downloaded by hand from {url} (or saved with "
            f"tocha.save(model.state_dict(), path) / torch.save).")


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


def handle_weights(weights, weights_enum, builder: str, kwargs: dict) -> None:
    """Accept weights=None / pretrained=False; explain and raise for anything pretrained."""
    pretrained = kwargs.pop("pretrained", None)
    if pretrained is not None and "weights" not in kwargs and weights is None:
        weights = "DEFAULT" if pretrained else None
    kwargs.pop("progress", None)
    if weights is None:
        return
    w = weights_enum.verify(weights)
    raise RuntimeError(_no_download_message(w.url, builder))


_CATALOG: dict = {}
_WEIGHTS: dict = {}


def register_model(name: str, weights_enum=None):
    def deco(fn):
        _CATALOG[name] = fn
        _WEIGHTS[name] = weights_enum
        return fn
    return deco


def list_models(module=None, include=None, exclude=None) -> list[str]:
    """Names of the model builders available."""
    return sorted(_CATALOG)


def get_model_builder(name: str):
    name = name.lower()
    if name not in _CATALOG:
        raise ValueError(f"Unknown model {name}")
    return _CATALOG[name]


def get_model(name: str, **config):
    """Build a model by name, e.g. get_model('resnet18', num_classes=10)."""
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The weights enum of a builder (by name or function)."""
    if not isinstance(name, str):
        name = next(k for k, v in _CATALOG.items() if v is name)
    get_model_builder(name)
    return _WEIGHTS[name.lower()]


def get_weight(name: str):
    """'ResNet18_Weights.IMAGENET1K_V1' -> the enum member."""
    enum_name, member = name.split(".")
    for enum in _WEIGHTS.values():
        if enum is not None and enum.__name__ == enum_name:
            return enum[member]
    raise ValueError(f"Unknown weight enum {enum_name!r}")
