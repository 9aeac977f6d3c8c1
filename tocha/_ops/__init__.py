"""Differentiable primitives, and the Tensor methods and operators that call them."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dt
from ..autograd.function import _apply2
from ..autograd.grad_mode import STATE
from . import elementwise as E
from . import indexing as I
from . import linalg as L
from . import movement as M
from . import reduce as R
from ._util import axpy_

_ndarray = np.ndarray
_asarray = np.asarray

# Functions that are also Tensor methods under the same name (PyTorch has both forms).
_METHOD_NAMES = {
    E: """add sub mul div true_divide divide multiply subtract neg negative pow float_power
        square exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan
        sinh cosh tanh asinh acosh atanh arcsin arccos arctan arcsinh arccosh arctanh
        reciprocal sigmoid erf relu abs absolute sign sgn floor ceil trunc fix round frac clamp
        clip clamp_min clamp_max maximum minimum fmax fmin lerp addcmul addcdiv atan2
        arctan2 nan_to_num clone eq ne lt le gt ge greater greater_equal less less_equal
        not_equal equal logical_and logical_or logical_xor logical_not bitwise_and bitwise_or
        bitwise_xor bitwise_not isnan isinf isfinite isposinf isneginf isclose allclose
        floor_divide remainder fmod rsub positive logaddexp hypot deg2rad rad2deg logit xlogy
        signbit""",
    R: """sum mean prod cumsum cumprod max min amax amin argmax argmin aminmax var std norm
        logsumexp softmax log_softmax all any count_nonzero median nanmean nansum""",
    M: """view reshape view_as reshape_as flatten unflatten ravel expand expand_as
        broadcast_to permute transpose swapaxes swapdims t movedim moveaxis squeeze unsqueeze
        split chunk unbind narrow flip fliplr flipud roll repeat tile repeat_interleave tril
        triu contiguous select diagonal trace diag tensor_split rot90 diff as_strided""",
    I: """gather scatter scatter_add index_select masked_fill masked_select take
        take_along_dim nonzero argwhere sort argsort msort topk kthvalue unique
        unique_consecutive bincount index_put index_add index_copy index_fill""",
    L: """matmul mm bmm mv dot inner outer ger addmm addmv baddbmm vdot""",
}

# In-place variants `name_` computed out of place and written back (autograd-aware).
_INPLACE = ["sub", "mul", "div", "pow", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tan", "sigmoid", "tanh", "relu", "abs", "neg", "sign", "floor", "ceil", "trunc", "round", "frac", "clamp", "clip", "clamp_min", "clamp_max", "reciprocal", "masked_fill", "scatter", "scatter_add", "index_put", "lerp", "addcmul", "addcdiv", "log1p", "expm1", "exp2", "log2", "log10", "atan", "asin", "acos", "sinh", "cosh", "atan2", "tril", "triu", "fmod", "remainder", "floor_divide", "square", "nan_to_num", "erf", "logical_not", "logical_and", "logical_or", "index_add", "index_copy", "index_fill", "logit", "hypot", "xlogy", "deg2rad", "rad2deg"]


def _install():
    for mod, names in _METHOD_NAMES.items():
        for name in names.split():
            setattr(Tensor, name, getattr(mod, name))
    for name in _INPLACE:
        fn = getattr(Tensor, name)
        setattr(Tensor, name + "_", _make_inplace(fn, name))
    Tensor.where = _where_method
    Tensor.add_ = _add_
    Tensor.sub_ = _sub_
    Tensor.mul_ = _mul_
    Tensor.div_ = _div_
    Tensor.T = M._T
    Tensor.mT = M._mT
    Tensor.unfold = M._unfold
    Tensor.H = M._T
    Tensor.__getitem__ = I.getitem
    for k, v in _DUNDERS.items():
        setattr(Tensor, k, v)


def _where_method(self, condition, other):
    """`x.where(condition, y)` is `where(condition, x, y)` (self is the "true" branch)."""
    return E.where(condition, self, other)


def _make_inplace(fn, name):
    def inplace(self, *args, **kwargs):
        return self._inplace(fn, *args, **kwargs)
    inplace.__name__ = name + "_"
    inplace.__doc__ = f"In-place {name}."
    return inplace


def _add_(self, other, *, alpha=1):
    if alpha != 1:
        if (other.__class__ is Tensor and other._dtype is self._dtype and self._dtype._kind == 2
                and other._data.shape == self._data.shape and not (
                    STATE.enabled and (self._requires_grad or other._requires_grad))):
            axpy_(self._data, other._data, alpha)     # fused, as PyTorch's kernel
            self._bump()
            return self
        other = E._scaled(self, other, alpha, "add_")
    return self._inplace_ufunc(np.add, other, E.add)


def _sub_(self, other, *, alpha=1):
    if alpha != 1 and other.__class__ is Tensor:
        return _add_(self, other, alpha=-alpha)
    if alpha != 1:
        other = other * alpha
    if other.__class__ is bool or (other.__class__ is Tensor and other._dtype._kind == 0):
        E._check_bool_sub(self, other)      # the NumPy fast path would accept bool operands
    return self._inplace_ufunc(np.subtract, other, E.sub)


def _mul_(self, other):
    return self._inplace_ufunc(np.multiply, other, E.mul)


def _div_(self, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return self._inplace(E.div, other, rounding_mode=rounding_mode)
    return self._inplace_ufunc(np.true_divide, other, E.div)


# ---------------------------------------------------------------- operators
# Fast paths: same-dtype tensors (or a float tensor and a Python float) with nothing to record
# go straight to NumPy; everything else goes through the differentiable functions.

def _fast(ufunc, slow, prim=None, reflected=False, min_kind=0):
    """Operator with fast paths: straight to NumPy when nothing is recorded, straight to the
    primitive when both operands are tensors of one dtype (no promotion to work out)."""
    def op(self, other):
        cls = other.__class__
        if cls is Tensor:
            if (other._dtype is self._dtype and self._device is other._device
                    and self._dtype._kind >= min_kind):
                if not (STATE.enabled and (self._requires_grad or other._requires_grad)):
                    try:
                        r = ufunc(other._data, self._data) if reflected else ufunc(
                            self._data, other._data)
                    except ValueError:
                        return slow(self, other)
                    if r.__class__ is not _ndarray:
                        r = _asarray(r)
                    return _wrap_dt(r, self._dtype, self._device)
                if prim is not None and self._dtype._kind == 2:
                    try:
                        return _apply2(prim, other, self) if reflected else _apply2(
                            prim, self, other)
                    except ValueError:
                        return slow(self, other)
        elif (cls is float or cls is int) and self._dtype._kind == 2 and not (
                STATE.enabled and self._requires_grad):
            r = ufunc(other, self._data) if reflected else ufunc(self._data, other)
            if r.__class__ is not _ndarray:
                r = _asarray(r)
            return _wrap_dt(r, self._dtype, self._device)
        return slow(self, other)
    op.__name__ = slow.__name__
    return op


def _r(fn):
    def rop(self, other):
        return fn(other, self)
    return rop


def _iop(name):
    def iop(self, other):
        return getattr(self, name)(other)
    return iop


def _not_implemented_guard(fn):
    def op(self, other):
        if not isinstance(other, (Tensor, int, float, bool, np.generic, np.ndarray)):
            return NotImplemented
        if isinstance(other, np.ndarray):
            from .._creation import as_tensor
            other = as_tensor(other)
        return fn(self, other)
    op.__name__ = fn.__name__
    return op


def _invert_error(self):
    raise TypeError(f"~ (operator.invert) is only implemented on integer and Boolean-type "
                    f"tensors (got {self._dtype})")


def _truediv(self, other):
    return E.div(self, other)


_DUNDERS = {
    "__add__": _fast(np.add, _not_implemented_guard(E.add), E.Add),
    "__radd__": _fast(np.add, _not_implemented_guard(E.add), E.Add),
    "__sub__": _fast(np.subtract, _not_implemented_guard(E.sub), E.Sub, min_kind=1),
    "__rsub__": _fast(np.subtract, _not_implemented_guard(lambda s, o: E.rsub(s, o)),
                      reflected=True, min_kind=1),
    "__mul__": _fast(np.multiply, _not_implemented_guard(E.mul), E.Mul),
    "__rmul__": _fast(np.multiply, _not_implemented_guard(E.mul), E.Mul),
    "__truediv__": _fast(np.true_divide, _not_implemented_guard(_truediv), E.Div,
                          min_kind=2),
    "__rtruediv__": _not_implemented_guard(_r(E.div)),
    "__floordiv__": _not_implemented_guard(E.floor_divide),
    "__rfloordiv__": _not_implemented_guard(_r(E.floor_divide)),
    "__mod__": _not_implemented_guard(E.remainder),
    "__rmod__": _not_implemented_guard(_r(E.remainder)),
    "__pow__": _not_implemented_guard(E.pow),
    "__rpow__": _not_implemented_guard(_r(E.pow)),
    "__matmul__": _not_implemented_guard(L.matmul),
    "__rmatmul__": _not_implemented_guard(_r(L.matmul)),
    "__iadd__": _iop("add_"),
    "__isub__": _iop("sub_"),
    "__imul__": _iop("mul_"),
    "__itruediv__": _iop("div_"),
    "__ipow__": _iop("pow_"),
    "__neg__": E.neg,
    "__pos__": lambda self: self,
    "__abs__": E.abs,
    "__invert__": lambda self: E.logical_not(self) if self._dtype.name == "bool"
    else E.bitwise_not(self) if self._dtype._kind == 1 else _invert_error(self),
    # bitwise ops on bools are the logical ones, and bool & int promotes (NumPy agrees)
    "__and__": lambda s, o: E.bitwise_and(s, o),
    "__or__": lambda s, o: E.bitwise_or(s, o),
    "__xor__": lambda s, o: E.bitwise_xor(s, o),
    "__rand__": lambda s, o: s.__and__(o),
    "__ror__": lambda s, o: s.__or__(o),
    "__eq__": _not_implemented_guard(E.eq),
    "__ne__": _not_implemented_guard(E.ne),
    "__lt__": _not_implemented_guard(E.lt),
    "__le__": _not_implemented_guard(E.le),
    "__gt__": _not_implemented_guard(E.gt),
    "__ge__": _not_implemented_guard(E.ge),
}

_install()
