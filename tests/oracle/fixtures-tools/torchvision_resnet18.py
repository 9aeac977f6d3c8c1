"""ResNet-18 written in plain PyTorch with torchvision's module names: a torchvision-format
checkpoint without torchvision (PyPI's torchvision does not install beside torch 2.13).

`build(seed)` returns the model with random weights and random BatchNorm statistics (so that
eval-mode outputs exercise every saved tensor); `python torchvision_resnet18.py OUT [SEED]`
writes its state_dict with torch.save, named as torchvision names the file it publishes
(`resnet18-<first 8 hex digits of the file's SHA-256>.pth`) in folder OUT. This file imports
torch only, never tocha: the oracle test compares tocha's model on this checkpoint with the
outputs of this model.
"""
import hashlib
import io
import os
import sys

import torch
from torch import nn


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet18(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._layer(64, 1)
        self.layer2 = self._layer(128, 2)
        self.layer3 = self._layer(256, 2)
        self.layer4 = self._layer(512, 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _layer(self, planes, stride):
        down = None
        if stride != 1 or self.inplanes != planes:
            down = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False),
                                 nn.BatchNorm2d(planes))
        blocks = [BasicBlock(self.inplanes, planes, stride, down)]
        self.inplanes = planes
        blocks.append(BasicBlock(planes, planes))
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(seed=0):
    torch.manual_seed(seed)
    m = ResNet18()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.normal_(0, 0.1)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.normal_(0, 0.1)
                mod.num_batches_tracked.fill_(100)
    return m.eval()


def write(folder, seed=0):
    """Save build(seed)'s state_dict in folder under torchvision's naming; return the path."""
    buf = io.BytesIO()
    torch.save(build(seed).state_dict(), buf)
    name = f"resnet18-{hashlib.sha256(buf.getvalue()).hexdigest()[:8]}.pth"
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())
    return path


if __name__ == "__main__":
    print(write(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
