"""More Tensor metadata and utility methods (issue 8): `itemsize`, `nbytes`, `output_nr`,
`name`, `grad_dtype`, `dim_order`, `new`, `new_empty_strided`, `sum_to_size`, `is_inference`,
`is_set_to`, `record_stream`, `as_subclass`, `module_load`, `volatile`, and the names
PyTorch keeps only to raise (`lstsq`, `solve`, `symeig`, `eig`, `reinforce`).

Wired in as Tensor methods by tocha/_tensor_methods.py (the `_EXT` block).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from . import _dtype as D
from ._tensor import Tensor, _as_view, _wrap_dt

# ---------------------------------------------------------------- properties

itemsize = property(lambda self: self._data.itemsize,
                    doc="Bytes per element (as `element_size()`).")
nbytes = property(lambda self: self._data.size * self._data.itemsize,
                  doc="Bytes the elements take: `numel() * itemsize`.")


def _output_nr(self: Tensor) -> int:
    if self._grad_fn is None:
        return 0
    # tocha gives each output of split/chunk/unbind a node of its own; the number PyTorch
    # reports is the output's place in the op's results
    return self.__dict__.get("_multi_view_nr", self._output_nr)


output_nr = property(_output_nr, doc="Which output of its grad_fn this tensor is (0 for leaves).")
name = property(lambda self: None, doc="The tensor's name (tocha has no named tensors: None).")


def _grad_dtype_get(self: Tensor) -> D.dtype | None:
    if self._grad_fn is not None:
        raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
    return self.__dict__.get("_grad_dtype", self._dtype)


def _grad_dtype_set(self: Tensor, value: D.dtype | None) -> None:
    if self._grad_fn is not None:
        raise RuntimeError("grad_dtype can only be set on leaf tensors.")
    if value is not self._dtype:
        # the engine would have to cast incoming gradients, and `.grad` accept other dtypes
        raise NotImplementedError(f"tocha does not support a grad_dtype ({value}) other than "
                                  f"the tensor's dtype ({self._dtype}) yet")
    self.__dict__["_grad_dtype"] = value


grad_dtype = property(_grad_dtype_get, _grad_dtype_set,
                      doc="The dtype `.grad` must have (the tensor's own; leaves only). "
                          "Differs from PyTorch: setting another dtype or None raises.")


def _volatile_get(self: Tensor) -> bool:
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _volatile_set(self: Tensor, value: bool) -> None:
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                  "instead.", UserWarning, stacklevel=2)


volatile = property(_volatile_get, _volatile_set,
                    doc="Removed in PyTorch 0.4: always False (setting it only warns).")


# ---------------------------------------------------------------- methods

def dim_order(self: Tensor, *, ambiguity_check: bool | list = False) -> tuple[int, ...]:
    """The dims from outermost to innermost in memory (by decreasing stride).

    >>> import tocha
    >>> tocha.zeros(2, 3).t().dim_order()
    (1, 0)
    """
    if not isinstance(ambiguity_check, (bool, list)):
        raise TypeError("ambiguity_check must be a bool or a list of memory formats")
    st = self.stride()
    # stable: ties keep the logical order (PyTorch sorts by stride, then by size-1 dims' place)
    return tuple(sorted(range(len(st)), key=lambda d: -st[d]))


def new(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Legacy constructor with self's dtype: `x.new(2, 3)` (uninitialized; tocha: zeros),
    `x.new([1, 2])` (data), `x.new()` (empty), `x.new(t)` (an alias of t's data)."""
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src._dtype is not self._dtype:
            raise TypeError(f"expected {self._dtype} (got {src._dtype})")
        return _wrap_dt(src._data, src._dtype, src._device)
    from ._tensor import _legacy_new
    kwargs.setdefault("dtype", self._dtype)
    return _legacy_new(Tensor, args, kwargs)


def new_empty_strided(self: Tensor, size: Sequence[int], stride: Sequence[int], *,
                      dtype: D.dtype | None = None, device: Any = None,
                      requires_grad: bool = False, **kw: Any) -> Tensor:
    """`empty_strided` with self's dtype by default (tocha: zeros)."""
    from tocha import empty_strided
    return empty_strided(size, stride, dtype=dtype or self._dtype,
                         requires_grad=requires_grad)


def sum_to_size(self: Tensor, *size: int | Sequence[int]) -> Tensor:
    """Sum self down to `size`, which must be expandable to self's shape.

    >>> import tocha
    >>> tocha.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    from ._ops.movement import _shape_arg
    from ._ops.reduce import sum_to
    shape = _shape_arg(size)
    have = tuple(self._data.shape)
    ok = len(shape) <= len(have) and all(
        s == h or s == 1 for s, h in zip(shape[::-1], have[::-1]))
    if not ok:
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(have)}}}.")
    out = sum_to(self, shape)
    # (PyTorch's drops the leading dims by a view of its sum)
    return _as_view(out) if 0 < len(shape) < len(have) else out


def is_inference(self: Tensor) -> bool:
    """Whether self is an inference tensor.

    Differs from PyTorch: tocha's `inference_mode` is `no_grad` (no separate inference
    tensors), so this is always False."""
    return False


def is_set_to(self: Tensor, tensor: Tensor) -> bool:
    """True when both tensors view the same memory with the same sizes and strides."""
    a, b = self._data, tensor._data
    same_start = a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    return bool(same_start and a.shape == b.shape and a.strides == b.strides
                and a.dtype == b.dtype)


def record_stream(self: Tensor, stream: Any) -> None:
    """CUDA memory bookkeeping: nothing to do on CPU."""
    return


def const_data_ptr(self: Tensor) -> int:
    """The address of the first element (as `data_ptr()`)."""
    return self.data_ptr()


def as_subclass(self: Tensor, cls: type) -> Tensor:
    """The same data (and autograd history) seen as an instance of the Tensor subclass `cls`."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not "
                        f"{cls!r}")
    t = Tensor.__new__(cls) if cls is Tensor else object.__new__(cls)
    t._data, t._dtype, t._requires_grad = self._data, self._dtype, self._requires_grad
    t._grad_fn = self._grad_fn
    t._output_nr = self._output_nr
    if self._device is not t._device:
        t._device = self._device
    return t


def module_load(self: Tensor, other: Tensor, assign: bool = False) -> Tensor:
    """How `load_state_dict` turns the state-dict value `other` into this parameter's
    replacement (PyTorch's default: `other` itself, detached; a subclass may override)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"Expected other to be a Tensor, got {type(other).__name__}")
    return other.detach()


# ---------------------------------------------------------------- removed from PyTorch

_REMOVED_1_9 = "This function was deprecated since version 1.9 and is now removed. "


def lstsq(self: Tensor, other: Tensor) -> Tensor:
    raise RuntimeError(_REMOVED_1_9 + "`torch.lstsq` is deprecated in favor of "
                       "`torch.linalg.lstsq`. `torch.linalg.lstsq` has reversed arguments and "
                       "does not return the QR decomposition in the returned tuple.\n"
                       "X = torch.lstsq(B, A).solution[:A.size(1)] should be replaced with:\n"
                       "X = torch.linalg.lstsq(A, B).solution")


def solve(self: Tensor, other: Tensor) -> Tensor:
    raise RuntimeError(_REMOVED_1_9 + "`torch.solve` is deprecated in favor of "
                       "`torch.linalg.solve`. `torch.linalg.solve` has its arguments reversed "
                       "and does not return the LU factorization.\n"
                       "X = torch.solve(B, A).solution should be replaced with:\n"
                       "X = torch.linalg.solve(A, B)")


def symeig(self: Tensor, eigenvectors: bool = False) -> Tensor:
    raise RuntimeError(_REMOVED_1_9 + "Use torch.linalg.eigvalsh(A) for the eigenvalues and "
                       "torch.linalg.eigh(A) for eigenvalues and eigenvectors "
                       "(L, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')).")


def eig(self: Tensor, eigenvectors: bool = False) -> Tensor:
    raise RuntimeError(_REMOVED_1_9 + "`torch.linalg.eig` returns complex tensors of dtype "
                       "`cfloat` or `cdouble` rather than real tensors mimicking complex "
                       "tensors.\nL, _ = torch.eig(A) should be replaced with:\n"
                       "L_complex = torch.linalg.eigvals(A)\nand\n"
                       "L, V = torch.eig(A, eigenvectors=True) should be replaced with:\n"
                       "L_complex, V_complex = torch.linalg.eig(A)")


def reinforce(self: Tensor, reward: Any) -> None:
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead: "
                       "m = torch.distributions.Categorical(probs); action = m.sample(); "
                       "loss = -m.log_prob(action) * reward; loss.backward()")
