"""Lazy modules: LazyLinear, LazyConv*/LazyConvTranspose* (1-3 d), LazyBatchNorm*,
LazyInstanceNorm*: the input size is read from the first input.

Until then their parameters are `UninitializedParameter`s (buffers `UninitializedBuffer`s);
the first forward materialises them, initialises them exactly as the plain layer would (same
random draws), and the module becomes that layer (`LazyLinear` -> `Linear`). Loading a
state_dict materialises them with the checkpoint's shapes.

>>> import tocha
>>> m = tocha.nn.LazyLinear(3)
>>> m(tocha.randn(2, 5)).shape, m
(torch.Size([2, 3]), Linear(in_features=5, out_features=3, bias=True))
"""
from __future__ import annotations

from typing import Any

import tocha

from ... import _creation as C
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter, UninitializedParameter
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .conv3d import Conv3d, ConvTranspose3d
from .instancenorm import BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Linear
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d

__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d",
           "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d", "LazyLinear",
           "LazyModuleMixin", "UninitializedBuffer"]


class UninitializedBuffer(Tensor):
    """A buffer of a lazy module whose shape is not known yet."""

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        return Tensor.__new__(cls, C.empty(0, device=device, dtype=dtype))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    @property
    def shape(self):
        raise RuntimeError(_NO_SHAPE)


_NO_SHAPE = ("Can't access the shape of an uninitialized parameter or buffer. This error "
             "usually happens in `load_state_dict` when trying to load an uninitialized "
             "parameter into an initialized one. Call `forward` to initialize the parameters "
             "before accessing their attributes.")


def _uninitialized_parameter(kw: dict) -> UninitializedParameter:
    return UninitializedParameter(C.empty(0, **kw))


def _is_lazy(t) -> bool:
    return isinstance(t, (UninitializedParameter, UninitializedBuffer))


def _materialize(t: Tensor, shape) -> None:
    """Give an uninitialised parameter/buffer its shape (in place; same object)."""
    with no_grad():
        t.data = C.empty(tuple(shape), dtype=t.dtype)
    t.__class__ = Parameter if isinstance(t, UninitializedParameter) else Tensor


def _infer_parameters(module, args):
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    module._lazy_hook.remove()
    del module._lazy_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin:
    """Shared machinery of the lazy modules (PyTorch's `LazyModuleMixin`)."""

    cls_to_become: type | None = None

    def _lazy_init(self) -> None:
        self._lazy_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self) -> bool:
        return any(_is_lazy(t) for t in list(self._parameters.values())
                   + list(self._buffers.values()))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        for name, t in list(self._parameters.items()) + list(self._buffers.items()):
            key = prefix + name
            if _is_lazy(t) and key in state_dict and not _is_lazy(state_dict[key]):
                _materialize(t, state_dict[key].shape)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class LazyLinear(LazyModuleMixin, Linear):
    """Linear whose `in_features` is read from the first input's last dimension."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        Module.__init__(self)
        kw = {"device": device, "dtype": dtype}
        self.in_features, self.out_features = 0, out_features
        self.weight = _uninitialized_parameter(kw)
        if bias:
            self.bias = _uninitialized_parameter(kw)
        else:
            self.register_parameter("bias", None)
        self._lazy_init()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            _materialize(self.weight, (self.out_features, self.in_features))
            if self.bias is not None:
                _materialize(self.bias, (self.out_features,))
            self.reset_parameters()


class _LazyConvMixin(LazyModuleMixin):
    def _lazy_conv_init(self, out_channels: int, bias: bool, kw: dict) -> None:
        del self.weight
        self.weight = _uninitialized_parameter(kw)
        self.out_channels = out_channels
        if bias:
            del self.bias
            self.bias = _uninitialized_parameter(kw)
        self._lazy_init()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        if not self.has_uninitialized_params():
            return
        unbatched = input.ndim == self._nd + 1
        self.in_channels = input.shape[0] if unbatched else input.shape[1]
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups)
        else:
            shape = (self.out_channels, self.in_channels // self.groups)
        _materialize(self.weight, shape + tuple(self.kernel_size))
        if self.bias is not None:
            _materialize(self.bias, (self.out_channels,))
        self.reset_parameters()


def _lazy_conv(name: str, base: type, transposed: bool) -> type:
    def __init__(self, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0, *rest: Any,
                 bias: bool = True, device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None, **kwargs: Any) -> None:
        # build the plain layer with 0 input channels (as PyTorch), then swap in placeholders
        base.__init__(self, 0, 0, kernel_size, stride, padding, *rest, bias=False, **kwargs)
        self._lazy_conv_init(out_channels, bias, {"device": device, "dtype": dtype})

    doc = (f"{base.__name__} whose `in_channels` is read from the first input (dim 1, or 0 "
           "when unbatched).")
    return type(name, (_LazyConvMixin, base), {"__init__": __init__, "cls_to_become": base,
                                               "__doc__": doc, "__module__": __name__})


LazyConv1d = _lazy_conv("LazyConv1d", Conv1d, False)
LazyConv2d = _lazy_conv("LazyConv2d", Conv2d, False)
LazyConv3d = _lazy_conv("LazyConv3d", Conv3d, False)
LazyConvTranspose1d = _lazy_conv("LazyConvTranspose1d", ConvTranspose1d, True)
LazyConvTranspose2d = _lazy_conv("LazyConvTranspose2d", ConvTranspose2d, True)
LazyConvTranspose3d = _lazy_conv("LazyConvTranspose3d", ConvTranspose3d, True)


class _LazyNormMixin(LazyModuleMixin):
    def _lazy_norm_init(self, kw: dict) -> None:
        if self.affine:
            self.weight = _uninitialized_parameter(kw)
            self.bias = _uninitialized_parameter(kw)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=kw["device"], dtype=kw["dtype"])
            self.running_var = UninitializedBuffer(device=kw["device"], dtype=kw["dtype"])
        self._lazy_init()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if not self.has_uninitialized_params():
            return
        unbatched = getattr(self, "_batched", None) == input.ndim + 1
        self.num_features = input.shape[0] if unbatched else input.shape[1]
        for t in (self.weight, self.bias, self.running_mean, self.running_var):
            if t is not None and _is_lazy(t):
                _materialize(t, (self.num_features,))
        self.reset_parameters()


def _lazy_norm(name: str, base: type) -> type:
    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        base.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype)
        self._lazy_norm_init({"device": device, "dtype": dtype})

    doc = f"{base.__name__} whose `num_features` is read from the first input."
    return type(name, (_LazyNormMixin, base), {"__init__": __init__, "cls_to_become": base,
                                               "__doc__": doc, "__module__": __name__})


LazyBatchNorm1d = _lazy_norm("LazyBatchNorm1d", BatchNorm1d)
LazyBatchNorm2d = _lazy_norm("LazyBatchNorm2d", BatchNorm2d)
LazyBatchNorm3d = _lazy_norm("LazyBatchNorm3d", BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm("LazyInstanceNorm1d", InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm("LazyInstanceNorm2d", InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm("LazyInstanceNorm3d", InstanceNorm3d)
