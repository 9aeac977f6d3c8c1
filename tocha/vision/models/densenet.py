"""DenseNet 121/161/169/201 (torchvision's layout, names and init)."""
from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import tocha
from tocha import Tensor, nn
from tocha.nn import functional as F

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (bn_size * growth) then BN-ReLU-3x3 conv (growth) on all inputs."""

    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int,
                 drop_rate: float, memory_efficient: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1,
                               stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1,
                               padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        # differs from torchvision: memory_efficient (checkpointing) is accepted, not used
        self.memory_efficient = memory_efficient

    def bn_function(self, inputs: list) -> Tensor:
        return self.conv1(self.relu1(self.norm1(tocha.cat(inputs, 1))))

    def forward(self, input) -> Tensor:
        prev = [input] if isinstance(input, Tensor) else input
        out = self.conv2(self.relu2(self.norm2(self.bn_function(prev))))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return out


class _DenseBlock(nn.ModuleDict):
    """Layers each seeing the concatenation of the block input and all earlier outputs."""

    _version = 2

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int,
                 growth_rate: int, drop_rate: float, memory_efficient: bool = False) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(num_input_features + i * growth_rate, growth_rate=growth_rate,
                                bn_size=bn_size, drop_rate=drop_rate,
                                memory_efficient=memory_efficient)
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, init_features: Tensor) -> Tensor:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return tocha.cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv halving the channels, then 2x2 average pooling."""

    def __init__(self, num_input_features: int, num_output_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1,
                              bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """DenseNet-BC: stem, dense blocks joined by transitions, BN, ReLU, pool, linear."""

    def __init__(self, growth_rate: int = 32, block_config: tuple[int, ...] = (6, 12, 24, 16),
                 num_init_features: int = 64, bn_size: int = 4, drop_rate: float = 0,
                 num_classes: int = 1000, memory_efficient: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3,
                                bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers=num_layers, num_input_features=num_features,
                                bn_size=bn_size, growth_rate=growth_rate, drop_rate=drop_rate,
                                memory_efficient=memory_efficient)
            self.features.add_module(f"denseblock{i + 1}", block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = _Transition(num_input_features=num_features,
                                    num_output_features=num_features // 2)
                self.features.add_module(f"transition{i + 1}", trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.features(x), inplace=True)
        out = F.adaptive_avg_pool2d(out, (1, 1))
        return self.classifier(tocha.flatten(out, 1))


_U = "https://download.pytorch.org/models/"


def _enum(name: str, file: str, n: int, acc: float):
    w = _weights(name, _U + file, n, acc)
    return WeightsEnum(f"{name}_Weights", {"IMAGENET1K_V1": w, "DEFAULT": w})


DenseNet121_Weights = _enum("DenseNet121", "densenet121-a639ec97.pth", 7978856, 74.434)
DenseNet161_Weights = _enum("DenseNet161", "densenet161-8d451a50.pth", 28681000, 77.138)
DenseNet169_Weights = _enum("DenseNet169", "densenet169-b2777c0a.pth", 14149480, 75.6)
DenseNet201_Weights = _enum("DenseNet201", "densenet201-c1103571.pth", 20013928, 76.896)


_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|"
                      r"running_mean|running_var))$")


def _old_keys(sd: dict) -> dict:
    """torchvision's published DenseNet files name `norm.1` what the model calls `norm1`."""
    out = type(sd)()
    for k, v in sd.items():
        m = _OLD_KEY.match(k)
        out[m.group(1) + m.group(2) if m else k] = v
    return out


def _builder(name: str, growth: int, config: tuple, init: int, enum):
    def build(*, weights: WeightsEnum | str | None = None, progress: bool = True,
              **kwargs: Any) -> DenseNet:
        w = handle_weights(weights, enum, name, kwargs)
        return load_weights(DenseNet(growth, config, init, **kwargs), w, progress, _old_keys)
    build.__name__ = build.__qualname__ = name
    build.__doc__ = (f"{name} (growth {growth}, blocks {config}, "
                     f"{enum.DEFAULT.meta['num_params']:,} parameters).")
    return register_model(name, enum)(build)


densenet121 = _builder("densenet121", 32, (6, 12, 24, 16), 64, DenseNet121_Weights)
densenet161 = _builder("densenet161", 48, (6, 12, 36, 24), 96, DenseNet161_Weights)
densenet169 = _builder("densenet169", 32, (6, 12, 32, 32), 64, DenseNet169_Weights)
densenet201 = _builder("densenet201", 32, (6, 12, 48, 32), 64, DenseNet201_Weights)
