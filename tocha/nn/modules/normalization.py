"""Normalisation layers: BatchNorm1d/2d, LayerNorm, GroupNorm."""
from __future__ import annotations

from collections.abc import Sequence

import tocha

from ... import _creation as C
from ... import _dtype as D
from ..._ops import nn_norm as F
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm"]


class _NormBase(Module):
    _version = 2
    __constants__ = ("track_running_stats", "momentum", "eps", "num_features", "affine")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(C.empty(num_features, **kw))
            if bias:
                self.bias = Parameter(C.empty(num_features, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", C.zeros(num_features, **kw))
            self.register_buffer("running_var", C.ones(num_features, **kw))
            self.register_buffer("num_batches_tracked",
                                 C.tensor(0, dtype=D.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not
                                   None else C.tensor(0, dtype=D.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    _dims = ()

    def _check_input_dim(self, input) -> None:
        raise NotImplementedError

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): expected input with "
                f"{self.num_features} channels (shape (N, {self.num_features}"
                f"{self._dims[input.ndim]}), got {tuple(input.shape)}")
        if self.momentum is None:
            factor = 0.0
        else:
            factor = self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:       # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        if self.training:
            bn_training = True
        else:
            bn_training = (self.running_mean is None) and (self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep else None,
                            self.running_var if keep else None, self.weight, self.bias,
                            bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over a batch of feature vectors (or sequences).

    In training mode each feature is normalised with the batch's mean and (biased) variance,
    then scaled by `weight` and shifted by `bias`; the running estimates used in eval mode are
    updated with `momentum`.

    Args:
        num_features (int): `C`, the number of features (channels).
        eps (float): added to the variance for stability. Default: 1e-5.
        momentum (float, optional): weight of the new batch in the running estimates; None for
            a cumulative average. Default: 0.1.
        affine (bool): learn `weight` and `bias`. Default: True.
        track_running_stats (bool): keep running mean/variance for eval mode. Default: True.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters and buffers.
        bias (bool): learn `bias` (with `affine`). Default: True.

    Shape:
        - Input: `(N, C)` or `(N, C, L)`.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> bn = tocha.nn.BatchNorm1d(3)
        >>> y = bn(tocha.tensor([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]]))
        >>> y
        tensor([[-1.0000, -1.0000, -1.0000],
                [ 1.0000,  1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
        >>> bn.running_mean  # moved 10 % of the way to the batch mean [2, 4, 6]
        tensor([0.2000, 0.4000, 0.6000])
    """

    _dims = ("", "", "", ", L")

    def _check_input_dim(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"BatchNorm1d: expected a Tensor input, got {type(input).__name__}")
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of images, per channel over `(N, H, W)`.

    Args:
        num_features (int): `C`, the number of channels.
        eps (float): added to the variance for stability. Default: 1e-5.
        momentum (float, optional): weight of the new batch in the running estimates; None for
            a cumulative average. Default: 0.1.
        affine (bool): learn `weight` and `bias`. Default: True.
        track_running_stats (bool): keep running mean/variance for eval mode. Default: True.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters and buffers.
        bias (bool): learn `bias` (with `affine`). Default: True.

    Shape:
        - Input: `(N, C, H, W)`.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> bn = tocha.nn.BatchNorm2d(16)
        >>> bn(tocha.randn(4, 16, 8, 8)).shape
        torch.Size([4, 16, 8, 8])
        >>> _ = bn.eval()  # now it uses running_mean / running_var
    """

    _dims = ("", "", "", "", ", H, W")

    def _check_input_dim(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"BatchNorm2d: expected a Tensor input, got {type(input).__name__}")
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


def _affine_parameters(module, affine: bool, bias: bool, shape: tuple, kw: dict) -> None:
    """`weight` (and `bias`) of a norm layer, or registered Nones, in PyTorch's order."""
    if affine:
        module.weight = Parameter(C.empty(shape, **kw))
        if bias:
            module.bias = Parameter(C.empty(shape, **kw))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def _reset_affine(module) -> None:
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """Layer normalization: each sample normalised over its last dimensions.

    Unlike batch normalization it does not depend on the batch, and train and eval modes agree.

    Args:
        normalized_shape (int or tuple): the trailing dimensions to normalise over.
        eps (float): added to the variance for stability. Default: 1e-5.
        elementwise_affine (bool): learn `weight` (ones) and `bias` (zeros). Default: True.
        bias (bool): learn `bias` (with `elementwise_affine`). Default: True.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the parameters.

    Shape:
        - Input: `(*, *normalized_shape)`.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> ln = tocha.nn.LayerNorm(4)
        >>> y = ln(tocha.tensor([[1.0, 2.0, 3.0, 4.0]]))
        >>> round(y.mean().item(), 6), round(y.var(unbiased=False).item(), 3)
        (0.0, 1.0)
    """

    __constants__ = ("normalized_shape", "eps", "elementwise_affine")

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, bias, self.normalized_shape, kw)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        ns = self.normalized_shape
        if not isinstance(input, Tensor) or tuple(input.shape[input.ndim - len(ns):]) != ns \
                or input.ndim < len(ns):
            got = tuple(input.shape) if isinstance(input, Tensor) else type(input).__name__
            raise RuntimeError(f"{type(self).__name__}({ns}): expected input of shape "
                               f"(*, {', '.join(map(str, ns))}), got {got}")
        return F.layer_norm(input, ns, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalise groups of channels of (N, C, *), with per-channel affine."""

    __constants__ = ("num_groups", "num_channels", "eps", "affine")

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: tocha.device | str | None = None, dtype: tocha.dtype | None = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, affine, bias, (num_channels,), kw)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        if isinstance(input, Tensor) and input.ndim >= 2 and input.shape[1] != self.num_channels:
            raise RuntimeError(f"{type(self).__name__}({self.num_groups}, {self.num_channels}): "
                               f"expected input with {self.num_channels} channels (shape (N, "
                               f"{self.num_channels}, *)), got {tuple(input.shape)}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")
