"""LinearCrossEntropyLoss: a Linear classifier head fused with cross_entropy."""
from __future__ import annotations

from collections.abc import Sequence

import tocha

from ..._tensor import Tensor
from .._functional_misc import LinearCrossEntropyOptions, linear_cross_entropy
from .linear import Linear
from .module import Module

__all__ = ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]


class LinearCrossEntropyLoss(Module):
    """cross_entropy(Linear(in_features, num_classes)(input), target).

    Differs from PyTorch: always the reference path (full logits); `options` is recorded;
    `out_features` must be ()."""

    def __init__(self, in_features: int, num_classes: int, *, out_features: Sequence[int] = (),
                 bias: bool = False, device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None,
                 label_smoothing: float = 0.0,
                 options: LinearCrossEntropyOptions | None = None) -> None:
        super().__init__()
        if tuple(out_features) != ():
            raise NotImplementedError("tocha's LinearCrossEntropyLoss supports "
                                      "out_features=() only")
        self.in_features, self.num_classes = in_features, num_classes
        self.out_features, self.bias = tuple(out_features), bias
        self.reduction, self.ignore_index = reduction, ignore_index
        self.label_smoothing, self.options = label_smoothing, options
        self.register_buffer("weight", weight)
        self.linear = Linear(in_features, num_classes, bias=bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return linear_cross_entropy(input, self.linear.weight, target,
                                    linear_bias=self.linear.bias, weight=self.weight,
                                    reduction=self.reduction, ignore_index=self.ignore_index,
                                    label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.bias}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
