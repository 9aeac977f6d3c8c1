"""EfficientNet B0-B7 (torchvision's V1 family: layout, names, init, stochastic depth)."""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from functools import partial
from typing import Any

import tocha
from tocha import Tensor, nn

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model
from .mobilenetv2 import Conv2dNormActivation, _make_divisible
from .mobilenetv3 import SqueezeExcitation


class StochasticDepth(nn.Module):
    """Drop the whole residual branch of random samples ('row') or the batch ('batch') in
    training, scaling the survivors by 1 / (1 - p) (torchvision.ops.StochasticDepth)."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        if p < 0.0 or p > 1.0:
            raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
        if mode not in ("batch", "row"):
            raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
        self.p, self.mode = p, mode

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        size = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = tocha.empty(size, dtype=x.dtype).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"


class MBConvConfig:
    """One stage: expand ratio, kernel, stride, channels in/out, number of blocks."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int, width_mult: float = 1.0,
                 depth_mult: float = 1.0) -> None:
        self.expand_ratio, self.kernel, self.stride = expand_ratio, kernel, stride
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.num_layers = math.ceil(num_layers * depth_mult)
        self.block = MBConv

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConv(nn.Module):
    """Expand 1x1, depthwise kxk, squeeze-excitation (SiLU), project 1x1, stochastic depth."""

    def __init__(self, cnf: MBConvConfig, stochastic_depth_prob: float, norm_layer: Callable,
                 se_layer: Callable = SqueezeExcitation) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers: list = []
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel,
                                           stride=cnf.stride, groups=expanded,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4),
                               activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result = result + x
        return result


class EfficientNet(nn.Module):
    """SiLU stem, MBConv stages (stochastic depth growing with depth), 1x1 head, classifier."""

    def __init__(self, inverted_residual_setting: list, dropout: float,
                 stochastic_depth_prob: float = 0.2, num_classes: int = 1000,
                 norm_layer: Callable | None = None, last_channel: int | None = None) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        layers: list = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels,
                                             kernel_size=3, stride=2, norm_layer=norm_layer,
                                             activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(block_id) / total
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -init_range, init_range)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = tocha.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def _setting(width_mult: float, depth_mult: float) -> list:
    c = partial(MBConvConfig, width_mult=width_mult, depth_mult=depth_mult)
    return [c(1, 3, 1, 32, 16, 1), c(6, 3, 2, 16, 24, 2), c(6, 5, 2, 24, 40, 2),
            c(6, 3, 2, 40, 80, 3), c(6, 5, 1, 80, 112, 3), c(6, 5, 2, 112, 192, 4),
            c(6, 3, 1, 192, 320, 1)]


_U = "https://download.pytorch.org/models/"
# name: width, depth, dropout, weights file, parameters, acc@1, crop, resize (bicubic)
_B = {
    "efficientnet_b0": (1.0, 1.0, 0.2, "efficientnet_b0_rwightman-7f5810bc.pth", 5288548,
                        77.692, 224, 256),
    "efficientnet_b1": (1.0, 1.1, 0.2, "efficientnet_b1_rwightman-bac287d4.pth", 7794184,
                        78.642, 240, 256),
    "efficientnet_b2": (1.1, 1.2, 0.3, "efficientnet_b2_rwightman-c35c1473.pth", 9109994,
                        80.608, 288, 288),
    "efficientnet_b3": (1.2, 1.4, 0.3, "efficientnet_b3_rwightman-b3899882.pth", 12233232,
                        82.008, 300, 320),
    "efficientnet_b4": (1.4, 1.8, 0.4, "efficientnet_b4_rwightman-23ab8bcd.pth", 19341616,
                        83.384, 380, 384),
    "efficientnet_b5": (1.6, 2.2, 0.4, "efficientnet_b5_lukemelas-1a07897c.pth", 30389784,
                        83.444, 456, 456),
    "efficientnet_b6": (1.8, 2.6, 0.5, "efficientnet_b6_lukemelas-24a108a5.pth", 43040704,
                        84.008, 528, 528),
    "efficientnet_b7": (2.0, 3.1, 0.5, "efficientnet_b7_lukemelas-c5b4e57e.pth", 66347960,
                        84.122, 600, 600),
}


def _make(name: str):
    width, depth, dropout, file, n, acc, crop, resize = _B[name]
    w = _weights(name, _U + file, n, acc, resize_size=resize, crop_size=crop,
                 interpolation="bicubic")
    members = {"IMAGENET1K_V1": w, "DEFAULT": w}
    if name == "efficientnet_b1":       # torchvision's default for B1 is its V2 recipe
        w2 = _weights(name, _U + "efficientnet_b1-c27df63c.pth", n, 79.838, resize_size=255,
                      crop_size=240)
        members = {"IMAGENET1K_V1": w, "IMAGENET1K_V2": w2, "DEFAULT": w2}
    enum = WeightsEnum(f"EfficientNet_B{name[-1]}_Weights", members)

    def build(*, weights: WeightsEnum | str | None = None, progress: bool = True,
              **kwargs: Any) -> EfficientNet:
        w = handle_weights(weights, enum, name, kwargs)
        if name in ("efficientnet_b5", "efficientnet_b6", "efficientnet_b7"):
            kwargs.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))
        model = EfficientNet(_setting(width, depth), kwargs.pop("dropout", dropout), **kwargs)
        return load_weights(model, w, progress)
    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"EfficientNet-B{name[-1]} ({n:,} parameters)."
    return register_model(name, enum)(build), enum


efficientnet_b0, EfficientNet_B0_Weights = _make("efficientnet_b0")
efficientnet_b1, EfficientNet_B1_Weights = _make("efficientnet_b1")
efficientnet_b2, EfficientNet_B2_Weights = _make("efficientnet_b2")
efficientnet_b3, EfficientNet_B3_Weights = _make("efficientnet_b3")
efficientnet_b4, EfficientNet_B4_Weights = _make("efficientnet_b4")
efficientnet_b5, EfficientNet_B5_Weights = _make("efficientnet_b5")
efficientnet_b6, EfficientNet_B6_Weights = _make("efficientnet_b6")
efficientnet_b7, EfficientNet_B7_Weights = _make("efficientnet_b7")
