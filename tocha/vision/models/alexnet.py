"""AlexNet (torchvision's one-GPU variant; layers keep their default init)."""
from __future__ import annotations

from typing import Any

import tocha
from tocha import Tensor, nn

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model


class AlexNet(nn.Module):
    """5 convs with max pools, AdaptiveAvgPool2d(6), 3-layer classifier with dropout."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(tocha.flatten(x, 1))


_W = _weights("AlexNet", "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
              61100840, 56.522)
AlexNet_Weights = WeightsEnum("AlexNet_Weights", {"IMAGENET1K_V1": _W, "DEFAULT": _W})


@register_model("alexnet", AlexNet_Weights)
def alexnet(*, weights: WeightsEnum | str | None = None, progress: bool = True,
            **kwargs: Any) -> AlexNet:
    """AlexNet (61,100,840 parameters)."""
    w = handle_weights(weights, AlexNet_Weights, "alexnet", kwargs)
    return load_weights(AlexNet(**kwargs), w, progress)
