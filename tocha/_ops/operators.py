"""Python's operators on Tensors (`a + b`, `a * 2.0`, `a += b`, ...) and `add_`/`mul_`/....

Each operator calls the same primitive as its named function (`a * b` is `Mul.apply`, like
`tocha.mul(a, b)`). The common case -- two tensors of one dtype, or a float tensor and a
Python float -- calls the primitive directly, since no type promotion has to be worked out;
everything else goes through the named function, which promotes and reports errors.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _requires_grad_of
from ..autograd.grad_mode import STATE
from . import elementwise as E
from . import linalg as L
from ._util import axpy_

__all__: list[str] = []     # Tensor methods only (see tocha/_tensor_methods.py)


def _same_dtype(self: Tensor, other, float_only: bool = False) -> bool:
    """True when `self op other` needs no type promotion: the primitive can run directly.
    `float_only`: the primitive's result dtype differs for integer inputs (true division)."""
    if other.__class__ is Tensor:
        return other._dtype is self._dtype and (
            not float_only or self._dtype.is_floating_point)
    return (other.__class__ is float or other.__class__ is int) and \
        self._dtype.is_floating_point


def _operand(other):
    """The other operand as something the named functions take, or NotImplemented (so that
    Python tries the other side's reflected operator)."""
    if isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
        return other
    if isinstance(other, np.ndarray):
        from .._creation import as_tensor
        return as_tensor(other)
    return NotImplemented


def add(self, other):
    """`self + other`."""
    if (other.__class__ is Tensor and other._dtype is self._dtype) or _same_dtype(self, other):
        try:
            return E.Add.apply(self, other, None)
        except ValueError:      # shapes that do not broadcast: `E.add` says why
            pass
    other = _operand(other)
    return other if other is NotImplemented else E.add(self, other)


def sub(self, other):
    """`self - other` (bool operands are refused, as in PyTorch)."""
    if self._dtype.name != "bool" and _same_dtype(self, other):
        try:
            return E.Sub.apply(self, other, None)
        except ValueError:
            pass
    other = _operand(other)
    return other if other is NotImplemented else E.sub(self, other)


def rsub(self, other):
    """`other - self`."""
    if other.__class__ is not Tensor and _same_dtype(self, other):
        return E.RSub.apply(self, other, None)
    other = _operand(other)
    return other if other is NotImplemented else E.rsub(self, other)


def mul(self, other):
    """`self * other`."""
    if (other.__class__ is Tensor and other._dtype is self._dtype) or _same_dtype(self, other):
        try:
            return E.Mul.apply(self, other, None)
        except ValueError:
            pass
    other = _operand(other)
    return other if other is NotImplemented else E.mul(self, other)


def truediv(self, other):
    """`self / other` (integers divide into the default float dtype)."""
    if _same_dtype(self, other, float_only=True):
        try:
            return E.Div.apply(self, other, None)
        except ValueError:
            pass
    other = _operand(other)
    return other if other is NotImplemented else E.div(self, other)


def _binary(fn, reflected: bool = False):
    """An operator that calls `fn(self, other)` (`fn(other, self)` when reflected)."""
    def op(self, other):
        other = _operand(other)
        if other is NotImplemented:
            return other
        return fn(other, self) if reflected else fn(self, other)
    op.__name__ = fn.__name__
    return op




def rtruediv(self, other):
    """`other / self`: `self.reciprocal() * other`, as PyTorch computes it (two roundings,
    a ReciprocalBackward0 under a MulBackward0); `tocha.div(other, self)` rounds once."""
    other = _operand(other)
    return other if other is NotImplemented else E.reciprocal(self) * other


floordiv = _binary(E.floor_divide)
rfloordiv = _binary(E.floor_divide, reflected=True)
mod = _binary(E.remainder)
rmod = _binary(E.remainder, reflected=True)
pow = _binary(E.pow)
rpow = _binary(E.pow, reflected=True)
matmul = _binary(L.matmul)
rmatmul = _binary(L.matmul, reflected=True)
eq = _binary(E.eq)
ne = _binary(E.ne)
lt = _binary(E.lt)
le = _binary(E.le)
gt = _binary(E.gt)
ge = _binary(E.ge)
and_ = _binary(E.bitwise_and)   # on bools the bitwise ops are the logical ones
or_ = _binary(E.bitwise_or)
xor = _binary(E.bitwise_xor)
rand_ = _binary(E.bitwise_and, reflected=True)
ror = _binary(E.bitwise_or, reflected=True)


def _shift(name: str, reflected: bool = False):
    """`<<` / `>>` as tocha.bitwise_left_shift / bitwise_right_shift (integer tensors)."""
    def op(self, other):
        other = _operand(other)
        if other is NotImplemented:
            return other
        from .. import _torch_extra as X
        fn = getattr(X, name)
        return fn(other, self) if reflected else fn(self, other)
    op.__name__ = name
    return op


lshift = _shift("bitwise_left_shift")
rshift = _shift("bitwise_right_shift")
rlshift = _shift("bitwise_left_shift", reflected=True)
rrshift = _shift("bitwise_right_shift", reflected=True)


def ilshift(self, other):
    return self.bitwise_left_shift_(other)


def irshift(self, other):
    return self.bitwise_right_shift_(other)


def invert(self):
    """`~self`: logical not of bools, bitwise not of integers."""
    if self._dtype.name == "bool":
        return E.logical_not(self)
    if self._dtype.is_floating_point:
        raise TypeError(f"~ (operator.invert) is only implemented on integer and Boolean-type "
                        f"tensors (got {self._dtype})")
    return E.bitwise_not(self)


def pos(self):
    """`+self`: self itself."""
    return self


# ---------------------------------------------------------------- in-place arithmetic

def _nothing_recorded(self: Tensor, other) -> bool:
    """Whether `self op= other` records nothing."""
    return not (STATE.enabled and (_requires_grad_of(self) or (
        other.__class__ is Tensor and _requires_grad_of(other))))


def _ufunc_(self: Tensor, ufunc, other, fn) -> Tensor:
    """`self op= other` straight into self's memory when autograd records nothing and no
    promotion is involved; otherwise the general (autograd-aware) in-place path."""
    if (_nothing_recorded(self, other) and self._dtype.is_floating_point
            and not (other.__class__ is Tensor and other._dtype is not self._dtype)
            and self._data.dtype.kind != "V"):  # (bfloat16: the primitives' rounding rules)
        self._check_writable(fn)
        try:
            ufunc(self._data, other._data if other.__class__ is Tensor else other,
                  out=self._data, casting="same_kind")
        except (ValueError, TypeError):
            return self._inplace(fn, other)
        self._bump()
        return self
    return self._inplace(fn, other)


def add_(self, other, *, alpha=1):
    """`self += alpha * other` in place (one rounding for `alpha`, as PyTorch's kernel)."""
    if alpha != 1:
        if (other.__class__ is Tensor and other._dtype is self._dtype
                and self._dtype.is_floating_point and other._data.shape == self._data.shape
                and _nothing_recorded(self, other)):
            self._check_writable(add_)
            axpy_(self._data, other._data, alpha)
            self._bump()
            return self
        other = E._scaled(self, other, alpha, "add_")
    return _ufunc_(self, np.add, other, E.add)


def sub_(self, other, *, alpha=1):
    """`self -= alpha * other` in place."""
    if alpha != 1 and other.__class__ is Tensor:
        return add_(self, other, alpha=-alpha)
    if alpha != 1:
        other = other * alpha
    if other.__class__ is bool or (other.__class__ is Tensor and other._dtype.name == "bool"):
        E._check_bool_sub(self, other)      # the NumPy path would accept bool operands
    return _ufunc_(self, np.subtract, other, E.sub)


def mul_(self, other):
    """`self *= other` in place."""
    return _ufunc_(self, np.multiply, other, E.mul)


def div_(self, other, *, rounding_mode=None):
    """`self /= other` in place."""
    if rounding_mode is not None:
        return self._inplace(E.div, other, rounding_mode=rounding_mode)
    return _ufunc_(self, np.true_divide, other, E.div)


def iadd(self, other):
    return self.add_(other)


def isub(self, other):
    return self.sub_(other)


def imul(self, other):
    return self.mul_(other)


def itruediv(self, other):
    return self.div_(other)


def ipow(self, other):
    return self.pow_(other)


def where(self, condition, other):
    """`x.where(condition, y)` is `tocha.where(condition, x, y)` (self: the "true" branch)."""
    return E.where(condition, self, other)
