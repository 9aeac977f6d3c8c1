"""InstanceNorm1d/2d/3d, BatchNorm3d, RMSNorm, LocalResponseNorm, CrossMapLRN2d: layers that
hold their state and call the functional forms."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import tocha

from ..._tensor import Tensor
from ...autograd import Function
from .. import functional as F
from .module import Module
from .normalization import _affine_parameters, _BatchNorm, _NormBase, _reset_affine

__all__ = ["BatchNorm3d", "CrossMapLRN2d", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d", "LocalResponseNorm", "RMSNorm"]


class _InstanceNorm(_NormBase):
    _batched = 3  # dims of a batched input; one less is an unbatched one

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=affine)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (self._batched - 1, self._batched):
            raise ValueError(f"expected {self._batched - 1}D or {self._batched}D input (got "
                             f"{input.dim()}D input)")
        feature_dim = input.dim() - (self._batched - 1)
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You "
                          "can silence this warning by not passing in num_features, which is "
                          "not used because affine=False", UserWarning, stacklevel=2)
        unbatched = input.dim() == self._batched - 1
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Normalise each (sample, channel) of (N, C, L) or (C, L) over L; no affine by default.

    >>> import tocha
    >>> tocha.nn.InstanceNorm1d(3)(tocha.randn(2, 3, 5)).shape
    torch.Size([2, 3, 5])
    """

    _batched = 3


class InstanceNorm2d(_InstanceNorm):
    """Normalise each (sample, channel) of (N, C, H, W) or (C, H, W) over H, W."""

    _batched = 4


class InstanceNorm3d(_InstanceNorm):
    """Normalise each (sample, channel) of (N, C, D, H, W) or (C, D, H, W) over D, H, W."""

    _batched = 5


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over (N, C, D, H, W)."""

    _dims = ("", "", "", "", "", ", D, H, W")

    def _check_input_dim(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"BatchNorm3d: expected a Tensor input, got {type(input).__name__}")
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class RMSNorm(Module):
    """x / sqrt(mean(x^2 over the trailing `normalized_shape` dims) + eps) * weight.

    `eps=None` uses the input dtype's machine epsilon, as PyTorch."""

    __constants__ = ("normalized_shape", "eps", "elementwise_affine")

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, False, self.normalized_shape,
                           {"device": device, "dtype": dtype})
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """x / (k + alpha/size * sum of x^2 over `size` neighbouring channels)^beta."""

    __constants__ = ("size", "alpha", "beta", "k")

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class _CrossMapLRN2dFn(Function):
    """Lua Torch's cross-channel LRN with its own forward recurrence and backward formula
    (they differ from LocalResponseNorm: the first channel's square stays in every later
    window, and the backward uses centred windows), reproduced as PyTorch keeps them."""

    @staticmethod
    def forward(ctx, input, size, alpha, beta, k):
        sq = input * input
        c = input.shape[1]
        pre = int((size - 1) / 2 + 1)
        scales = [sq[:, :min(pre, c)].sum(1)]
        for i in range(1, c):
            cur = scales[-1]
            if i < c - pre + 1:
                cur = cur + sq[:, i + pre - 1]
            if i > pre:
                cur = cur - sq[:, i - pre]
            scales.append(cur)
        scale = tocha.stack(scales, 1) * (alpha / size) + k
        out = input * scale.pow(-beta)
        ctx.save_for_backward(input, out, scale)
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        return out

    @staticmethod
    def backward(ctx, grad_output):
        input, out, scale = ctx.saved_tensors
        size, c = ctx.size, input.shape[1]
        inv_pre = int(size - (size - 1) / 2)
        ratio = grad_output * out / scale
        padded = F.pad(ratio, (0, 0, 0, 0, inv_pre, size - 1 - inv_pre))
        acc = sum(padded[:, j:j + c] for j in range(size))
        grad = grad_output * scale.pow(-ctx.beta) \
            - (2 * ctx.alpha * ctx.beta / size) * input * acc
        return grad, None, None, None, None


class CrossMapLRN2d(LocalResponseNorm):
    """Lua Torch's local response normalisation across channels, (N, C, H, W) inputs only
    (values and gradients as PyTorch's, which differ from LocalResponseNorm's)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__(size, alpha, beta, k)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D "
                             "instead.")
        return _CrossMapLRN2dFn.apply(input, self.size, self.alpha, self.beta, self.k)
