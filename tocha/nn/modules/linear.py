"""Linear, Bilinear, Identity, LazyLinear-free: layers hold parameters and call functional."""
from __future__ import annotations

import math
from typing import Any

import tocha

from ... import _creation as C
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Bilinear", "Identity", "Linear"]


def _empty(shape, device, dtype):
    return C.empty(*shape, device=device, dtype=dtype)


class Identity(Module):
    """Returns its input (ignores constructor arguments, as PyTorch does)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """A fully connected layer: `y = x @ W.T + b`.

    Args:
        in_features (int): size of each input sample (the last dimension of `x`).
        out_features (int): size of each output sample.
        bias (bool): learn the additive bias `b`. Default: True.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters. Default float32.

    Shape:
        - Input: `(*, in_features)`, any number of leading dimensions (e.g. a batch `(N,
          in_features)`).
        - Output: `(*, out_features)`.

    Attributes:
        weight (Parameter): `(out_features, in_features)`, initialised from
            `kaiming_uniform_(a=sqrt(5))`, i.e. U(-1/sqrt(in_features), 1/sqrt(in_features)).
        bias (Parameter): `(out_features,)`, from the same uniform range.

    Example:
        >>> import tocha
        >>> layer = tocha.nn.Linear(3, 2)
        >>> layer(tocha.ones(4, 3)).shape
        torch.Size([4, 2])
        >>> layer.weight.shape
        torch.Size([2, 3])
    """

    __constants__ = ("in_features", "out_features",)

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_empty((out_features, in_features), device, dtype))
        if bias:
            self.bias = Parameter(_empty((out_features,), device, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        try:
            return F.linear(input, self.weight, self.bias)
        except (RuntimeError, IndexError):
            shape = tuple(getattr(input, "shape", ()))
            if not shape or shape[-1] != self.in_features:
                raise RuntimeError(
                    f"Linear(in_features={self.in_features}): expected last dimension "
                    f"{self.in_features}, got {shape[-1] if shape else 'a 0-d tensor'} (input "
                    f"shape {shape})") from None
            raise

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y_k = x1^T W_k x2 + b_k; W (out, in1, in2) and b ~ U(-1/sqrt(in1), 1/sqrt(in1))."""

    __constants__ = ("in1_features", "in2_features", "out_features",)

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(_empty((out_features, in1_features, in2_features), device,
                                       dtype))
        if bias:
            self.bias = Parameter(_empty((out_features,), device, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        for x, n, k in ((input1, self.in1_features, 1), (input2, self.in2_features, 2)):
            if x.shape[-1] != n:
                raise RuntimeError(f"Bilinear(in{k}_features={n}): expected last dimension {n} "
                                   f"for input{k}, got {x.shape[-1]} (shape {tuple(x.shape)})")
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
