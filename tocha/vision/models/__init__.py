"""torchvision.models: architectures only (tocha cannot download pretrained weights)."""
from ._api import (
                   Weights,
                   WeightsEnum,
                   get_model,
                   get_model_builder,
                   get_model_weights,
                   get_weight,
                   list_models,
)
from .alexnet import AlexNet, AlexNet_Weights, alexnet
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2
from .resnet import (
                   BasicBlock,
                   Bottleneck,
                   ResNet,
                   ResNet18_Weights,
                   ResNet34_Weights,
                   ResNet50_Weights,
                   ResNet101_Weights,
                   ResNet152_Weights,
                   resnet18,
                   resnet34,
                   resnet50,
                   resnet101,
                   resnet152,
)
from .vgg import (
                   VGG,
                   VGG11_BN_Weights,
                   VGG11_Weights,
                   VGG13_BN_Weights,
                   VGG13_Weights,
                   VGG16_BN_Weights,
                   VGG16_Weights,
                   VGG19_BN_Weights,
                   VGG19_Weights,
                   vgg11,
                   vgg11_bn,
                   vgg13,
                   vgg13_bn,
                   vgg16,
                   vgg16_bn,
                   vgg19,
                   vgg19_bn,
)

__all__ = ["VGG", "AlexNet", "AlexNet_Weights", "BasicBlock", "Bottleneck", "MobileNetV2",
           "MobileNet_V2_Weights", "ResNet", "ResNet18_Weights", "ResNet34_Weights",
           "ResNet50_Weights", "ResNet101_Weights", "ResNet152_Weights", "VGG11_BN_Weights",
           "VGG11_Weights", "VGG13_BN_Weights", "VGG13_Weights", "VGG16_BN_Weights",
           "VGG16_Weights", "VGG19_BN_Weights", "VGG19_Weights", "Weights", "WeightsEnum",
           "alexnet", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models", "mobilenet_v2", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
           "vgg19_bn"]
