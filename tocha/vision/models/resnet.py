"""ResNet (torchvision's architecture, module names and initialisation order).

After `tocha.manual_seed(s)`, `resnet18()` draws the same numbers as torchvision's: every
layer first draws its default init in construction order (a stage's downsample conv before
its first block's convs), then the re-init loop walks `modules()` in registration order
(rng.md 10.4).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tocha
from tocha import Tensor, nn

from ._api import WeightsEnum, _weights, handle_weights, load_weights, register_model

_URL = "https://download.pytorch.org/models/"


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1,
            dilation: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding (no bias)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation,
                     groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution (no bias)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convs with a residual connection (resnet18/34)."""

    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 dilation: int = 1, norm_layer: Callable | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (stride here, as torchvision's V1.5), 1x1 expand x4, residual."""

    expansion: int = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 dilation: int = 1, norm_layer: Callable | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """ResNet: stem (7x7 conv, maxpool), four stages of blocks, global pool, fc."""

    def __init__(self, block: type[nn.Module], layers: list[int], num_classes: int = 1000,
                 zero_init_residual: bool = False, groups: int = 1, width_per_group: int = 64,
                 replace_stride_with_dilation: list[bool] | None = None,
                 norm_layer: Callable | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element "
                             f"tuple, got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2,
                                       dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2,
                                       dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2,
                                       dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1,
                    dilate: bool = False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            # built (and default-initialised) before the block's own convs
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width,
                        previous_dilation, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups,
                                base_width=self.base_width, dilation=self.dilation,
                                norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def _forward_impl(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x)
        x = tocha.flatten(x, 1)
        return self.fc(x)

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


class ResNet18_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNet18", _URL + "resnet18-f37072fd.pth", 11689512, 69.758)
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNet34", _URL + "resnet34-b627a593.pth", 21797672, 73.314)
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNet50", _URL + "resnet50-0676ba61.pth", 25557032, 76.130)
    IMAGENET1K_V2 = _weights("ResNet50", _URL + "resnet50-11ad3fa6.pth", 25557032, 80.858)
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNet101", _URL + "resnet101-63fe2227.pth", 44549160, 77.374)
    IMAGENET1K_V2 = _weights("ResNet101", _URL + "resnet101-cd907fc2.pth", 44549160, 81.886)
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNet152", _URL + "resnet152-394f9c45.pth", 60192808, 78.312)
    IMAGENET1K_V2 = _weights("ResNet152", _URL + "resnet152-f82ba261.pth", 60192808, 82.284)
    DEFAULT = IMAGENET1K_V2


class ResNeXt50_32X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNeXt50_32X4D", _URL + "resnext50_32x4d-7cdf4587.pth",
                             25028904, 77.618)
    IMAGENET1K_V2 = _weights("ResNeXt50_32X4D", _URL + "resnext50_32x4d-1a0047aa.pth",
                             25028904, 81.198)
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_32X8D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("ResNeXt101_32X8D", _URL + "resnext101_32x8d-8ba56ff5.pth",
                             88791336, 79.312)
    IMAGENET1K_V2 = _weights("ResNeXt101_32X8D", _URL + "resnext101_32x8d-110c445d.pth",
                             88791336, 82.834)
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet50_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("Wide_ResNet50_2", _URL + "wide_resnet50_2-95faca4d.pth",
                             68883240, 78.468)
    IMAGENET1K_V2 = _weights("Wide_ResNet50_2", _URL + "wide_resnet50_2-9ba9bcbe.pth",
                             68883240, 81.602)
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet101_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("Wide_ResNet101_2", _URL + "wide_resnet101_2-32ee1156.pth",
                             126886696, 78.848)
    IMAGENET1K_V2 = _weights("Wide_ResNet101_2", _URL + "wide_resnet101_2-d733dc28.pth",
                             126886696, 82.510)
    DEFAULT = IMAGENET1K_V2


def _resnet(block, layers, weights, enum, name, kwargs) -> ResNet:
    w = handle_weights(weights, enum, name, kwargs)
    progress = kwargs.pop("progress", True)
    return load_weights(ResNet(block, layers, **kwargs), w, progress)


@register_model("resnet18", ResNet18_Weights)
def resnet18(*, weights: WeightsEnum | str | None = None, progress: bool = True,
             **kwargs: Any) -> ResNet:
    """ResNet-18 (11,689,512 parameters with 1000 classes)."""
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, ResNet18_Weights, "resnet18", kwargs)


@register_model("resnet34", ResNet34_Weights)
def resnet34(*, weights: WeightsEnum | str | None = None, progress: bool = True,
             **kwargs: Any) -> ResNet:
    """ResNet-34 (21,797,672 parameters)."""
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, ResNet34_Weights, "resnet34", kwargs)


@register_model("resnet50", ResNet50_Weights)
def resnet50(*, weights: WeightsEnum | str | None = None, progress: bool = True,
             **kwargs: Any) -> ResNet:
    """ResNet-50 (25,557,032 parameters)."""
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, ResNet50_Weights, "resnet50", kwargs)


@register_model("resnet101", ResNet101_Weights)
def resnet101(*, weights: WeightsEnum | str | None = None, progress: bool = True,
              **kwargs: Any) -> ResNet:
    """ResNet-101 (44,549,160 parameters)."""
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, ResNet101_Weights, "resnet101", kwargs)


@register_model("resnet152", ResNet152_Weights)
def resnet152(*, weights: WeightsEnum | str | None = None, progress: bool = True,
              **kwargs: Any) -> ResNet:
    """ResNet-152 (60,192,808 parameters)."""
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, ResNet152_Weights, "resnet152", kwargs)


@register_model("resnext50_32x4d", ResNeXt50_32X4D_Weights)
def resnext50_32x4d(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                    **kwargs: Any) -> ResNet:
    """ResNeXt-50 32x4d (25,028,904 parameters)."""
    kwargs.setdefault("groups", 32)
    kwargs.setdefault("width_per_group", 4)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, ResNeXt50_32X4D_Weights,
                   "resnext50_32x4d", kwargs)


@register_model("resnext101_32x8d", ResNeXt101_32X8D_Weights)
def resnext101_32x8d(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                     **kwargs: Any) -> ResNet:
    """ResNeXt-101 32x8d (88,791,336 parameters)."""
    kwargs.setdefault("groups", 32)
    kwargs.setdefault("width_per_group", 8)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, ResNeXt101_32X8D_Weights,
                   "resnext101_32x8d", kwargs)


@register_model("wide_resnet50_2", Wide_ResNet50_2_Weights)
def wide_resnet50_2(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                    **kwargs: Any) -> ResNet:
    """Wide ResNet-50-2 (68,883,240 parameters)."""
    kwargs.setdefault("width_per_group", 64 * 2)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, Wide_ResNet50_2_Weights,
                   "wide_resnet50_2", kwargs)


@register_model("wide_resnet101_2", Wide_ResNet101_2_Weights)
def wide_resnet101_2(*, weights: WeightsEnum | str | None = None, progress: bool = True,
                     **kwargs: Any) -> ResNet:
    """Wide ResNet-101-2 (126,886,696 parameters)."""
    kwargs.setdefault("width_per_group", 64 * 2)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, Wide_ResNet101_2_Weights,
                   "wide_resnet101_2", kwargs)
