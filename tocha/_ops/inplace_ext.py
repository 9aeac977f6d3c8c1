"""In-place Tensor methods that are not "compute out of place, write back": the view ops that
change self's own shape (`t_`, `transpose_`, `squeeze_`, `unsqueeze_`, `as_strided_`),
`resize_`, `fill_diagonal_`, `float_power_` (its dtype rule), and the Python-callable
methods `apply_`/`map_`/`map2_`.

The write-back in-place ops (`absolute_`, `eq_`, `cumsum_`, `addmm_`, ...) need no code here:
tocha/_tensor_methods.py wires them to `Tensor._inplace`, the machinery `add_` and `mul_`
use (version counter, leaf checks, views rebased on their base's new history).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from .._dtype_ext import scalar_name
from .._tensor import Tensor, _requires_grad_of, _wrap
from ..autograd.grad_mode import STATE
from . import movement as M
from ._util import norm_dim, prim

__all__ = [
    "apply_",
    "as_strided_",
    "fill_diagonal_",
    "float_power_",
    "map2_",
    "map_",
    "resize",
    "resize_",
    "resize_as",
    "resize_as_",
    "squeeze_",
    "swapaxes_",
    "swapdims_",
    "t_",
    "transpose_",
    "unsqueeze_",
]


class _Then:
    """A view's replay function followed by one more view op (after `v.t_()` on a view `v`,
    `v` is `t(old_view(base))`)."""

    __slots__ = ("args", "first", "fn")

    def __init__(self, first, fn, args) -> None:
        self.first, self.fn, self.args = first, fn, args

    def __call__(self, t: Tensor) -> Tensor:
        return self.fn(self.first(t), *self.args)


def _restride_(self: Tensor, fn, *args) -> Tensor:
    """Make self `fn(self, *args)`, a view op, in place: same memory, new sizes/strides.
    Autograd records the view op as the new grad_fn (PyTorch's TBackward1 & co.)."""
    recorded = self._check_inplace(False)    # a leaf requiring grad is refused, as in PyTorch
    prev = STATE.enabled
    STATE.enabled = bool(recorded) and prev
    try:
        out = fn(self, *args)
    finally:
        STATE.enabled = prev
    self._data = out._data
    if recorded:
        self._grad_fn, self._output_nr = out._grad_fn, out._output_nr
        self._requires_grad = out._requires_grad
    if self._base is not None and self._view_fn is not None:
        self._view_fn = _Then(self._view_fn, fn, args)
    self._bump()
    return self


# the view ops under the node names PyTorch gives their in-place forms (TBackward1, ...)
class _T1(M.T):
    node_name = "TBackward1"


class _Transpose1(M.Transpose):
    node_name = "TransposeBackward1"


class _Unsqueeze1(M.Unsqueeze):
    node_name = "UnsqueezeBackward1"


_SQUEEZE = {k: type(f"_Squeeze{k}", (M.Squeeze,), {"node_name": f"SqueezeBackward{k}"})
            for k in (3, 4, 5)}


def _t1(x: Tensor) -> Tensor:
    if x._data.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{x._data.ndim}D")
    return _T1.apply(x)


def _transpose1(x: Tensor, dim0: int, dim1: int) -> Tensor:
    nd = x._data.ndim
    if nd == 0:
        return M.transpose(x, dim0, dim1)
    return _Transpose1.apply(x, norm_dim(dim0, nd), norm_dim(dim1, nd))


def _squeeze1(x: Tensor, dim) -> Tensor:
    shape = tuple(M.squeeze(x.detach(), dim).shape)
    kind = 3 if dim is None else 4 if isinstance(dim, int) else 5
    return _SQUEEZE[kind].apply(x, shape)


def _unsqueeze1(x: Tensor, dim: int) -> Tensor:
    return _Unsqueeze1.apply(x, tuple(M.unsqueeze(x.detach(), dim).shape))


def t_(self: Tensor) -> Tensor:
    """In-place `t()`: self becomes its transpose (same memory)."""
    return _restride_(self, _t1)


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place `transpose(dim0, dim1)`."""
    return _restride_(self, _transpose1, dim0, dim1)


swapaxes_ = swapdims_ = transpose_


def squeeze_(self: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """In-place `squeeze(dim)`."""
    return _restride_(self, _squeeze1, dim)


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In-place `unsqueeze(dim)`."""
    return _restride_(self, _unsqueeze1, dim)


def as_strided_(self: Tensor, size: Sequence[int], stride: Sequence[int],
                storage_offset: int | None = None) -> Tensor:
    """In-place `as_strided` (same limits as tocha's `as_strided`)."""
    return _restride_(self, M.as_strided, size, stride, storage_offset)


# ---------------------------------------------------------------- resize

def resize_(self: Tensor, *sizes: int | Sequence[int], memory_format: object = None) -> Tensor:
    """Give self the shape `sizes`, keeping its first elements (in memory order).

    Differs from PyTorch: growing gives self new memory (views of the old memory no longer
    share it) and the new elements are zero (PyTorch leaves them uninitialized).

    >>> import tocha
    >>> tocha.arange(6.).resize_(2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    if _requires_grad_of(self):
        raise RuntimeError("cannot resize variables that require grad")
    shape = M._shape_arg(sizes)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"{list(shape)}")
    n = math.prod(shape)
    a = self._data
    if n == a.size and a.flags.c_contiguous:
        self._data = a.reshape(shape)
    elif n <= a.size and a.flags.c_contiguous:
        self._data = a.reshape(-1)[:n].reshape(shape)
    else:
        new = np.zeros(n, a.dtype)
        k = min(n, a.size)
        new[:k] = a.reshape(-1)[:k]
        self._data = new.reshape(shape)
    self._bump()
    return self


def resize_as_(self: Tensor, the_template: Tensor, *, memory_format: object = None) -> Tensor:
    """`resize_(the_template.shape)`."""
    return resize_(self, tuple(the_template._data.shape))


def resize(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """Deprecated out-of-place resize: a reshaped copy with the same number of elements."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    shape = M._shape_arg(sizes)
    if math.prod(shape) != self._data.size:
        def fmt(s):
            return "x".join(str(d) for d in s)
        raise RuntimeError(
            f"requested resize to {fmt(shape)} ({math.prod(shape)} elements in total), but the "
            f"given tensor has a size of {fmt(self._data.shape)} ({self._data.size} elements). "
            f"autograd's resize can only change the shape of a given tensor, while preserving "
            f"the number of elements. ")
    return self.clone().reshape(shape)


def resize_as(self: Tensor, tensor: Tensor) -> Tensor:
    """Deprecated out-of-place `resize_as`: `resize(tensor.shape)`."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return resize(self, tuple(tensor._data.shape))


# ---------------------------------------------------------------- value-writing ops

def float_power_(self: Tensor, exponent: Tensor | float) -> Tensor:
    """In-place `float_power`: self must be float64 (the result's dtype), as in PyTorch."""
    from .arith import float_power
    if self._dtype.name != "float64":
        raise RuntimeError(f"the base given to float_power_ has dtype {_word(self)} but the "
                           f"operation's result requires dtype Double")
    return self._inplace(float_power, exponent)


def _word(t: Tensor) -> str:
    return scalar_name(t._dtype)


def _diag_fill(x: Tensor, fill_value: float, wrap: bool) -> Tensor:
    """Out-of-place fill_diagonal_ (a masked fill; the gradient is zero on the diagonal)."""
    shape = x._data.shape
    mask = np.zeros(shape, dtype=bool)
    n = min(shape)
    idx = np.arange(n)
    mask[(idx,) * len(shape)] = True
    if wrap and len(shape) == 2:
        mask.reshape(-1)[::shape[1] + 1] = True     # NumPy's fill_diagonal(wrap=True) rule
    return x.masked_fill(_wrap(mask), fill_value)


def fill_diagonal_(self: Tensor, fill_value: float, wrap: bool = False) -> Tensor:
    """Fill the main diagonal (all dims of equal length, or a 2-D matrix) with `fill_value`.
    `wrap`: for tall matrices, restart the diagonal every `cols + 1` rows (NumPy's rule).

    >>> import tocha
    >>> tocha.zeros(2, 3).fill_diagonal_(1.)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return self._inplace(_diag_fill, fill_value, wrap)


# ---------------------------------------------------------------- Python callables

def _each_(self: Tensor, op: str, fn: Callable, *others: Tensor) -> Tensor:
    if _requires_grad_of(self):
        raise RuntimeError(f"Can't call {op}() on Variable that requires grad. Use "
                           f"var.detach().{op}() instead.")
    a = self._data
    srcs = [np.broadcast_to(o._data, a.shape) for o in others]
    for idx in np.ndindex(a.shape):
        a[idx] = fn(a[idx].item(), *[s[idx].item() for s in srcs])
    self._bump()
    return self


def apply_(self: Tensor, callable: Callable) -> Tensor:
    """Replace each element x by `callable(x)` (a Python function; slow, CPU only)."""
    return _each_(self, "apply_", callable)


def map_(self: Tensor, tensor: Tensor, callable: Callable) -> Tensor:
    """Replace each element x by `callable(x, y)`, y the matching element of `tensor`."""
    return _each_(self, "map_", callable, tensor)


def map2_(self: Tensor, x: Tensor, y: Tensor, callable: Callable) -> Tensor:
    """Replace each element s by `callable(s, a, b)`, a and b from `x` and `y`."""
    return _each_(self, "map2_", callable, x, y)


# ---------------------------------------------------------------- comparisons in place

class _ZeroGrad(prim):
    """A comparison's result written into a graph tensor: it stays in the graph with a zero
    gradient, as PyTorch's EqBackward0 & co."""

    @staticmethod
    def forward(ctx, x, values):
        ctx.shape = x.shape
        return values

    @staticmethod
    def backward(ctx, g):
        return g.new_zeros(ctx.shape)


_ZERO_NODES: dict = {}
_CMP_WORD = {"eq": "Eq", "ne": "Ne", "lt": "Lt", "le": "Le", "gt": "Gt", "ge": "Ge"}


def _compare_into(op: str):
    def compute(old: Tensor, other) -> Tensor:
        from . import compare
        res = getattr(compare, op)(old, other)
        vals = res._data.astype(old._data.dtype)
        if not (STATE.enabled and old._requires_grad):
            return _wrap(vals)
        name = f"{_CMP_WORD[op]}Backward{1 if isinstance(other, Tensor) else 0}"
        node = _ZERO_NODES.get(name)
        if node is None:
            node = _ZERO_NODES[name] = type(name, (_ZeroGrad,), {"node_name": name})
        return node.apply(old, vals)
    compute.__name__ = op
    return compute


def _cmp_method(op: str, name: str):
    compute = _compare_into(op)

    def method(self: Tensor, other: Tensor | float) -> Tensor:
        return self._inplace(compute, other)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"In-place `{op}`: self becomes 1 where the comparison holds, else 0 "
                      f"(self's dtype; in a graph, with a zero gradient).")
    return method


eq_, ne_, lt_, le_, gt_, ge_ = (_cmp_method(op, op + "_") for op in _CMP_WORD)
greater_, greater_equal_ = _cmp_method("gt", "greater_"), _cmp_method("ge", "greater_equal_")
less_, less_equal_ = _cmp_method("lt", "less_"), _cmp_method("le", "less_equal_")
not_equal_ = _cmp_method("ne", "not_equal_")
