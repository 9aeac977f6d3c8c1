"""torchvision.datasets: datasets read from local files (tocha never downloads)."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = [
           "CIFAR10",
           "CIFAR100",
           "KMNIST",
           "MNIST",
           "DatasetFolder",
           "FakeData",
           "FashionMNIST",
           "ImageFolder",
           "StandardTransform",
           "VisionDataset",
]
