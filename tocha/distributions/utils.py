"""Helpers of torch.distributions: broadcasting parameters, probs <-> logits, lazy
properties, dtype limits."""
from __future__ import annotations

import functools
import math
from numbers import Number

from .. import _dtype as D
from .._tensor import Size, Tensor

euler_constant = 0.57721566490153286060

# (eps, tiny, max, min) of the floating dtypes, as torch.finfo reports them
_FINFO = {"float16": (0.0009765625, 6.103515625e-05, 65504.0),
          "bfloat16": (0.0078125, 1.1754943508222875e-38, 3.3895313892515355e+38),
          "float32": (1.1920928955078125e-07, 1.1754943508222875e-38, 3.4028234663852886e+38),
          "float64": (2.220446049250313e-16, 2.2250738585072014e-308,
                      1.7976931348623157e+308)}


class finfo:
    """eps, tiny, max and min of a floating dtype (the fields torch.finfo has that
    distributions use)."""

    def __init__(self, dtype=None):
        name = str(dtype or D.get_default_dtype()).split(".")[-1]
        self.eps, self.tiny, self.max = _FINFO[name]
        self.min = -self.max
        self.smallest_normal = self.tiny


def broadcast_all(*values):
    """Tensors and numbers as tensors of one broadcast shape (numbers take the dtype of the
    tensors, else the default dtype)."""
    from .._creation import tensor
    from .._ops.movement import broadcast_tensors
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if all(isinstance(v, Tensor) for v in values) and len({tuple(v.shape) for v in values}) == 1:
        return tuple(values)    # already one shape: the tensors themselves, as PyTorch
    if not all(isinstance(v, Tensor) for v in values):
        dt = next((v.dtype for v in values if isinstance(v, Tensor)), D.get_default_dtype())
        values = [v if isinstance(v, Tensor) else tensor(float(v) if not isinstance(v, bool)
                                                         else v, dtype=dt) for v in values]
    return broadcast_tensors(*values)


def _standard_normal(shape, dtype, device=None) -> Tensor:
    from .._creation import empty
    return empty(tuple(shape), dtype=dtype).normal_()


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum out the `dim` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def clamp_probs(probs: Tensor) -> Tensor:
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (-ps).log1p()
    return ps.log()


class lazy_property:
    """Computed on first access (with grad enabled), then cached on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        from ..autograd.grad_mode import enable_grad
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    n = mat.shape[-1]
    from .._creation import ones
    mask = ones(n, n, dtype=D.bool_).tril(diag)
    return mat[..., mask]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    from .._creation import ones, zeros
    n = int((-(1 + 2 * diag) + math.sqrt((1 + 2 * diag) ** 2 + 8 * vec.shape[-1]
                                          + 4 * abs(diag) * (diag + 1))) / 2 + 1e-6)
    mat = zeros(tuple(vec.shape[:-1]) + (n, n), dtype=vec.dtype)
    mask = ones(n, n, dtype=D.bool_).tril(diag)
    mat[..., mask] = vec
    return mat


def _size(shape) -> Size:
    return Size(tuple(shape))
