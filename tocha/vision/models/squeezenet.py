"""SqueezeNet 1.0 / 1.1 (torchvision's layout and init)."""
from __future__ import annotations

from typing import Any

import tocha
from tocha import Tensor, nn

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model


class Fire(nn.Module):
    """1x1 squeeze, then 1x1 and 3x3 expands concatenated on channels."""

    def __init__(self, inplanes: int, squeeze_planes: int, expand1x1_planes: int,
                 expand3x3_planes: int) -> None:
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        x = self.squeeze_activation(self.squeeze(x))
        return tocha.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    """SqueezeNet: Fire modules between max pools, a 1x1 conv classifier, global pooling."""

    def __init__(self, version: str = "1_0", num_classes: int = 1000,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.num_classes = num_classes
        pool = (lambda: nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, kernel_size=7, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256), pool(), Fire(512, 64, 256, 256))
        elif version == "1_1":
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, kernel_size=3, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                Fire(512, 64, 256, 256))
        else:
            raise ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        return tocha.flatten(self.classifier(self.features(x)), 1)


_U = "https://download.pytorch.org/models/"
_W0 = _weights("SqueezeNet1_0", _U + "squeezenet1_0-b66bff10.pth", 1248424, 58.092)
_W1 = _weights("SqueezeNet1_1", _U + "squeezenet1_1-b8a52dc0.pth", 1235496, 58.178)
SqueezeNet1_0_Weights = WeightsEnum("SqueezeNet1_0_Weights", {"IMAGENET1K_V1": _W0,
                                                              "DEFAULT": _W0})
SqueezeNet1_1_Weights = WeightsEnum("SqueezeNet1_1_Weights", {"IMAGENET1K_V1": _W1,
                                                              "DEFAULT": _W1})


@register_model("squeezenet1_0", SqueezeNet1_0_Weights)
def squeezenet1_0(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                  **kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.0 (1,248,424 parameters)."""
    w = handle_weights(weights, SqueezeNet1_0_Weights, "squeezenet1_0", kwargs)
    return load_weights(SqueezeNet("1_0", **kwargs), w, progress)


@register_model("squeezenet1_1", SqueezeNet1_1_Weights)
def squeezenet1_1(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                  **kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.1 (1,235,496 parameters)."""
    w = handle_weights(weights, SqueezeNet1_1_Weights, "squeezenet1_1", kwargs)
    return load_weights(SqueezeNet("1_1", **kwargs), w, progress)
