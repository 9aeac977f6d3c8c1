"""Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d."""
from __future__ import annotations

import math

from ... import _creation as C
from ..._ops import nn_conv as F
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]

_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(v) if len(v) != 1 else tuple(v) * n
    return (v,) * n


def _pad_nonzero(x: Tensor, pads: tuple, mode: str) -> Tensor:
    """reflect / replicate / circular padding of the trailing dims by (left, right) pairs."""
    nd = len(pads)
    for i, (p, q) in enumerate(pads):
        if p == 0 and q == 0:
            continue
        dim = x.ndim - nd + i
        n = x.shape[dim]
        idx = list(range(-p, n + q))
        if mode == "reflect":
            if p >= n or q >= n:
                raise RuntimeError(f"Argument #4: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({p}, {q}) "
                                   f"at dimension {dim} of input {list(x.shape)}")
            idx = [abs(j) if j < n else 2 * (n - 1) - j for j in idx]
        elif mode == "replicate":
            idx = [min(max(j, 0), n - 1) for j in idx]
        else:
            if p > n or q > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            idx = [j % n for j in idx]
        x = x.index_select(dim, C.tensor(idx))
    return x


class _ConvNd(Module):
    __constants__ = ("stride", "padding", "dilation", "groups", "padding_mode", "output_padding",
                     "in_channels", "out_channels", "kernel_size")
    _nd = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, nd)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _MODES:
            raise ValueError(f"padding_mode must be one of {list(_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, nd)
        self.stride = _ntuple(stride, nd)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, nd)
        self.dilation = _ntuple(dilation, nd)
        self.transposed = transposed
        self.output_padding = _ntuple(output_padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(self.padding, str):
            pads = []
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                left = total // 2
                pads += [left, total - left]
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding)
                                                     for _ in range(2)]
        kw = {"dtype": dtype, "device": device}
        if transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(C.empty(shape, **kw))
        if bias:
            self.bias = Parameter(C.empty(out_channels, **kw))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), then the bias
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, " \
            f"stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"

    def _check_input(self, input) -> None:
        nd = self._nd
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._short()}: expected a Tensor input, got "
                            f"{type(input).__name__}")
        c = self.in_channels
        dims = ("L",) if nd == 1 else ("H", "W")
        if input.ndim not in (nd + 1, nd + 2):
            raise RuntimeError(
                f"{self._short()}: expected {nd + 1}-D (C, {', '.join(dims)}) or {nd + 2}-D "
                f"(N, C, {', '.join(dims)}) input, got input of shape {tuple(input.shape)}")
        if input.shape[-nd - 1] != c:
            shape = ("N", str(c)) + dims if input.ndim == nd + 2 else (str(c),) + dims
            raise RuntimeError(
                f"{self._short()}: expected input with {c} channels (shape "
                f"({', '.join(shape)})), got {tuple(input.shape)}")

    def _short(self) -> str:
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels}, " \
               f"kernel_size={self.kernel_size})"


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        fn = F.conv1d if self._nd == 1 else F.conv2d
        if self.padding_mode != "zeros":
            rp = self._reversed_padding_repeated_twice
            pads = [(rp[2 * i], rp[2 * i + 1]) for i in range(self._nd)][::-1]
            return fn(_pad_nonzero(input, pads, self.padding_mode), weight, bias, self.stride,
                      0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """A 1-d convolution over a sequence with channels.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels produced (number of filters).
        kernel_size (int or tuple): length of each filter.
        stride (int or tuple): step between filter positions. Default: 1.
        padding (int, tuple or str): zeros added at both ends, or `"same"`/`"valid"`. Default: 0.
        dilation (int or tuple): spacing between filter taps. Default: 1.
        groups (int): split channels into groups convolved separately. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        padding_mode (str): `"zeros"`, `"reflect"`, `"replicate"` or `"circular"`.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters.

    Shape:
        - Input: `(N, C_in, L)` or `(C_in, L)`.
        - Output: `(N, C_out, L_out)`, `L_out = (L + 2*padding - dilation*(kernel_size-1) - 1)
          // stride + 1`.

    Example:
        >>> import tocha
        >>> conv = tocha.nn.Conv1d(4, 8, kernel_size=3)
        >>> conv(tocha.zeros(2, 4, 10)).shape
        torch.Size([2, 8, 8])
    """

    _nd = 1


class Conv2d(_Conv):
    """A 2-d convolution over images: the building block of CNNs.

    Each of the `out_channels` filters has shape `(in_channels / groups, kH, kW)` and slides
    over the image.

    Args:
        in_channels (int): channels of the input image (1 for grey, 3 for RGB).
        out_channels (int): channels produced (number of filters).
        kernel_size (int or tuple): filter height and width.
        stride (int or tuple): step between filter positions. Default: 1.
        padding (int, tuple or str): zeros added on each side, or `"same"`/`"valid"`. Default: 0.
        dilation (int or tuple): spacing between filter taps. Default: 1.
        groups (int): split channels into groups convolved separately. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        padding_mode (str): `"zeros"`, `"reflect"`, `"replicate"` or `"circular"`.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters.

    Shape:
        - Input: `(N, C_in, H, W)` or `(C_in, H, W)`.
        - Output: `(N, C_out, H_out, W_out)` with `H_out = (H + 2*padding - dilation*(kH-1) - 1)
          // stride + 1` (and likewise `W_out`).

    Example:
        >>> import tocha
        >>> conv = tocha.nn.Conv2d(1, 16, kernel_size=3, padding=1)
        >>> conv(tocha.zeros(8, 1, 28, 28)).shape  # padding=1 keeps 28 x 28
        torch.Size([8, 16, 28, 28])
        >>> conv.weight.shape
        torch.Size([16, 1, 3, 3])

    Differs from PyTorch:
        computed with NumPy (im2col and a matrix product): large images are slower.
    """

    _nd = 2


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         True, output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims,
                        dilation=None):
        if output_size is None:
            return self.output_padding
        output_size = [int(s) for s in output_size]
        has_batch = input.ndim == num_spatial_dims + 2
        if len(output_size) == num_spatial_dims + (2 if has_batch else 1):
            output_size = output_size[-num_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.ndim}D input, "
                             f"output_size must have {num_spatial_dims} or "
                             f"{num_spatial_dims + (2 if has_batch else 1)} elements (got "
                             f"{len(output_size)})")
        res = []
        for d in range(num_spatial_dims):
            dim_size = input.shape[d + input.ndim - num_spatial_dims]
            lo = ((dim_size - 1) * stride[d] - 2 * padding[d]
                  + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            hi = lo + stride[d] - 1
            if not lo <= output_size[d] <= hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {lo} to {hi} (for an input of "
                                 f"{list(input.shape[2:])})")
            res.append(output_size[d] - lo)
        return tuple(res)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        self._check_input(input)
        nd = self._nd
        op = self._output_padding(input, output_size, self.stride, self.padding,
                                  self.kernel_size, nd, self.dilation)
        fn = F.conv_transpose1d if nd == 1 else F.conv_transpose2d
        return fn(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                  self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-d convolution layer: (N, C_in, L) -> (N, C_out, L_out)."""

    _nd = 1


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-d convolution layer: (N, C_in, H, W) -> (N, C_out, H_out, W_out)."""

    _nd = 2
