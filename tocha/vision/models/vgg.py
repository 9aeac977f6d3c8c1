"""VGG 11/13/16/19 (with and without batch norm), torchvision's layout and init."""
from __future__ import annotations

from typing import Any

import tocha
from tocha import Tensor, nn

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model

_URL = "https://download.pytorch.org/models/"
cfgs: dict[str, list] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
          "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512,
          512, 512, 512, "M"],
}


class VGG(nn.Module):
    """features -> AdaptiveAvgPool2d(7) -> 3-layer classifier with dropout."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(tocha.flatten(x, 1))


def make_layers(cfg: list, batch_norm: bool = False) -> nn.Sequential:
    """3x3 convs (padding 1) with ReLU (and BatchNorm), "M" = 2x2 max pool."""
    layers: list = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


def _enum(name: str, file: str, n: int, acc: float):
    member = _weights(name, _URL + file, n, acc)
    return WeightsEnum(f"{name}_Weights", {"IMAGENET1K_V1": member, "DEFAULT": member})


VGG11_Weights = _enum("VGG11", "vgg11-8a719046.pth", 132863336, 69.02)
VGG11_BN_Weights = _enum("VGG11_BN", "vgg11_bn-6002323d.pth", 132868840, 70.37)
VGG13_Weights = _enum("VGG13", "vgg13-19584684.pth", 133047848, 69.928)
VGG13_BN_Weights = _enum("VGG13_BN", "vgg13_bn-abd245e5.pth", 133053736, 71.586)
VGG16_Weights = _enum("VGG16", "vgg16-397923af.pth", 138357544, 71.592)
VGG16_BN_Weights = _enum("VGG16_BN", "vgg16_bn-6c64b313.pth", 138365992, 73.36)
VGG19_Weights = _enum("VGG19", "vgg19-dcbb9e9d.pth", 143667240, 72.376)
VGG19_BN_Weights = _enum("VGG19_BN", "vgg19_bn-c79401a0.pth", 143678248, 74.218)


def _vgg(cfg: str, batch_norm: bool, weights, enum, name: str, kwargs) -> VGG:
    w = handle_weights(weights, enum, name, kwargs)
    progress = kwargs.pop("progress", True)
    return load_weights(VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), w,
                        progress)


def _builder(cfg: str, bn: bool, enum, name: str):
    def build(*, weights: WeightsEnum | str | None = None, progress: bool = True,
              **kwargs: Any) -> VGG:
        return _vgg(cfg, bn, weights, enum, name, kwargs)
    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"{name.upper().replace('_BN', ' with batch norm')} (configuration {cfg})."
    return register_model(name, enum)(build)


vgg11 = _builder("A", False, VGG11_Weights, "vgg11")
vgg11_bn = _builder("A", True, VGG11_BN_Weights, "vgg11_bn")
vgg13 = _builder("B", False, VGG13_Weights, "vgg13")
vgg13_bn = _builder("B", True, VGG13_BN_Weights, "vgg13_bn")
vgg16 = _builder("D", False, VGG16_Weights, "vgg16")
vgg16_bn = _builder("D", True, VGG16_BN_Weights, "vgg16_bn")
vgg19 = _builder("E", False, VGG19_Weights, "vgg19")
vgg19_bn = _builder("E", True, VGG19_BN_Weights, "vgg19_bn")
