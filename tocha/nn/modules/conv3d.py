"""Conv3d and ConvTranspose3d: the 2-d layers' machinery with 3-d functional forms."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import _functional3d as F3
from .conv import _Conv, _ConvTransposeNd, _pad_nonzero

__all__ = ["Conv3d", "ConvTranspose3d"]


class Conv3d(_Conv):
    """3-d convolution layer: (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out).

    >>> import tocha
    >>> tocha.nn.Conv3d(2, 4, 3, padding=1)(tocha.randn(1, 2, 5, 6, 7)).shape
    torch.Size([1, 4, 5, 6, 7])
    """

    _nd = 3

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        if self.padding_mode != "zeros":
            rp = self._reversed_padding_repeated_twice
            pads = [(rp[2 * i], rp[2 * i + 1]) for i in range(3)][::-1]
            return F3.conv3d(_pad_nonzero(input, pads, self.padding_mode), weight, bias,
                             self.stride, 0, self.dilation, self.groups)
        return F3.conv3d(input, weight, bias, self.stride, self.padding, self.dilation,
                         self.groups)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-d convolution layer: (N, C_in, D, H, W) -> (N, C_out, D', H', W')."""

    _nd = 3

    def forward(self, input: Tensor, output_size: list[int] | None = None) -> Tensor:
        self._check_input(input)
        op = self._output_padding(input, output_size, self.stride, self.padding,
                                  self.kernel_size, 3, self.dilation)
        return F3.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, op,
                                   self.groups, self.dilation)
