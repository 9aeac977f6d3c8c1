"""Dropout layers: active in train() mode, identity in eval()."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    "AlphaDropout",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "FeatureAlphaDropout",
]


class _DropoutNd(Module):
    __constants__ = ("p", "inplace",)

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """During training, zero each element with probability `p` and scale the rest by `1/(1-p)`.

    In eval mode (`model.eval()`) it returns its input unchanged.

    Args:
        p (float): probability of zeroing an element. Default: 0.5.
        inplace (bool): modify the input in place. Default: False.

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> drop = tocha.nn.Dropout(0.5)
        >>> drop(tocha.ones(8))  # the same mask PyTorch draws after manual_seed(0)
        tensor([0., 0., 2., 0., 0., 0., 2., 2.])
        >>> _ = drop.eval()
        >>> drop(tocha.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Differs from PyTorch: not implemented in training mode (clear error); eval is identity."""

    def forward(self, input: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return input
        raise NotImplementedError("AlphaDropout in training mode is not implemented by tocha")


class FeatureAlphaDropout(AlphaDropout):
    pass
