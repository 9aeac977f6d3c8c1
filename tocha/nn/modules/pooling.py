"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d."""
from __future__ import annotations

from ..._ops import nn_pool as F
from ..._tensor import Tensor
from .module import Module

__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
           "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d"]


def _check(mod, input, nd):
    if not isinstance(input, Tensor):
        raise TypeError(f"{type(mod).__name__}: expected a Tensor input, got "
                        f"{type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        dims = "L" if nd == 1 else "H, W"
        raise RuntimeError(f"{type(mod).__name__}({mod.extra_repr()}): expected {nd + 1}-D "
                           f"(C, {dims}) or {nd + 2}-D (N, C, {dims}) input, got input of "
                           f"shape {tuple(input.shape)}")


class _MaxPoolNd(Module):
    __constants__ = ("kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode")

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-d max pooling: (N, C, L) -> (N, C, L_out) (and indices if `return_indices`)."""

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        _check(self, input, 1)
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """2-d max pooling: the largest value in each window.

    Args:
        kernel_size (int or tuple): window size.
        stride (int or tuple, optional): step between windows. Default: `kernel_size`.
        padding (int or tuple): implicit -inf padding on each side. Default: 0.
        dilation (int or tuple): spacing inside the window. Default: 1.
        return_indices (bool): also return the argmax positions. Default: False.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: `(N, C, H, W)` or `(C, H, W)`.
        - Output: `(N, C, H_out, W_out)`, `H_out = (H + 2*padding - dilation*(k-1) - 1)
          // stride + 1`.

    Example:
        >>> import tocha
        >>> pool = tocha.nn.MaxPool2d(2)
        >>> x = tocha.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        _check(self, input, 2)
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _AvgPoolNd(Module):
    __constants__ = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """1-d average pooling: (N, C, L) -> (N, C, L_out)."""

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        one = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,))
        self.kernel_size = one(kernel_size)
        self.stride = one(stride if stride is not None else kernel_size)
        self.padding = one(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        _check(self, input, 1)
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """2-d average pooling: the mean of each window.

    Args:
        kernel_size (int or tuple): window size.
        stride (int or tuple, optional): step between windows. Default: `kernel_size`.
        padding (int or tuple): zero padding on each side. Default: 0.
        ceil_mode (bool): round the output size up. Default: False.
        count_include_pad (bool): count padded zeros in the mean. Default: True.
        divisor_override (int, optional): divide by this instead of the window size.

    Shape:
        - Input: `(N, C, H, W)` or `(C, H, W)`.
        - Output: `(N, C, H_out, W_out)`.

    Example:
        >>> import tocha
        >>> tocha.nn.AvgPool2d(2)(tocha.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    __constants__ = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override")

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        _check(self, input, 2)
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptiveNd(Module):
    __constants__ = ("output_size", "return_indices")

    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveNd):
    """Adaptive 1-d average pooling to `output_size`."""

    def __init__(self, output_size: int | tuple[int | None, ...] | None) -> None:
        super().__init__(output_size)
        del self.return_indices

    def forward(self, input: Tensor) -> Tensor:
        _check(self, input, 1)
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveNd):
    """2-d average pooling to a fixed output size, whatever the input size.

    Args:
        output_size (int or tuple): `(H_out, W_out)`, or one int for a square; `None` keeps
            that dimension.

    Shape:
        - Input: `(N, C, H, W)` or `(C, H, W)`.
        - Output: `(N, C, H_out, W_out)`.

    Example:
        >>> import tocha
        >>> gap = tocha.nn.AdaptiveAvgPool2d(1)  # global average pooling, as in ResNet
        >>> gap(tocha.ones(2, 64, 7, 7)).shape
        torch.Size([2, 64, 1, 1])
    """

    def __init__(self, output_size: int | tuple[int | None, ...] | None) -> None:
        super().__init__(output_size)
        del self.return_indices

    def forward(self, input: Tensor) -> Tensor:
        _check(self, input, 2)
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool1d(_AdaptiveNd):
    """Adaptive 1-d max pooling to `output_size`."""

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        _check(self, input, 1)
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveNd):
    """Adaptive 2-d max pooling to `output_size`."""

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        _check(self, input, 2)
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
