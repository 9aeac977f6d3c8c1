"""Tensor: an array plus autograd state (requires_grad, grad, grad_fn, version)."""
from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _dtype as D
from ._backend import cpu
from ._inplace_msgs import (
    _LEAF_MSG,
    _NOGRAD_VIEW_BASE_MSG,
    _check_cast,
    _inplace_shape_error,
    _multi_view_message,
)
from ._tensor_meta import CastMethods, MetadataMethods, _dim
from ._tensor_methods import (
    AutogradMethods,
    ElementwiseMethods,
    IndexingMethods,
    LinalgMethods,
    MovementMethods,
    OperatorMethods,
    RandomMethods,
    ReduceMethods,
    SpecialMethods,
)
from ._view_rules import (  # noqa: F401 (_unview, _as_view: other modules import them here)
    NOT_RECORDED,
    RECORDED,
    RECORDED_ON_VIEW,
    _as_view,
    _requires_grad_of,
    _unview,
    check_inplace_view,
)
from .autograd.grad_mode import STATE
from .autograd.hooks import RemovableHandle

_ndarray = np.ndarray
_NP2DT = D._NP2DT
_new = object.__new__


class Size(tuple):
    """The shape of a tensor: a tuple that prints as `torch.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(int(s)) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


def _wrap(arr, device=None) -> Tensor:
    """A new Tensor around `arr` (no copy); dtype from the array."""
    if arr.__class__ is not _ndarray:
        arr = np.asarray(arr)
    t = _new(Tensor)
    t._data = arr
    try:
        t._dtype = _NP2DT[arr.dtype]
    except KeyError:
        t._dtype = D.from_numpy_dtype(arr.dtype)
    t._grad_fn = None
    t._requires_grad = False
    if device is not None and device is not cpu:
        t._device = device
    return t


def _wrap_dt(arr, dtype, device) -> Tensor:
    # hot path: the caller knows the dtype and that arr is an ndarray
    t = _new(Tensor)
    t._data = arr
    t._dtype = dtype
    t._grad_fn = None
    t._requires_grad = False
    if device is not cpu:
        t._device = device
    return t


_NOT_RECORDED, _RECORDED, _RECORDED_ON_VIEW = NOT_RECORDED, RECORDED, RECORDED_ON_VIEW


class Tensor(MetadataMethods, CastMethods, OperatorMethods, ElementwiseMethods, ReduceMethods,
             MovementMethods, IndexingMethods, LinalgMethods, SpecialMethods, RandomMethods,
             AutogradMethods):
    """A multi-dimensional array with autograd (PyTorch's `torch.Tensor`).

    The array lives in `_data` (a NumPy array); autograd state in `_requires_grad`,
    `_grad_fn` (the Node that made it), `_grad` and `_vc` (the version counter, shared with
    views). Methods that are ops come from the mixins above: each names the module that
    implements it (see tocha/_tensor_methods.py); metadata and casts are in
    tocha/_tensor_meta.py.
    """

    __slots__ = ("__dict__", "__weakref__", "_data", "_dtype", "_grad_fn", "_requires_grad")
    # Rarely set fields live in the instance dict, with these class-level defaults.
    _device = cpu
    _grad = None
    _vc = None            # shared version counter [n]; None means version 0, never viewed
    _base = None          # the tensor this one is a view of
    _view_fn = None       # recreates this view from _base (records in-place ops on views)
    _output_nr = 0
    _hooks = None
    _post_acc_hooks = None
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        return _legacy_new(cls, args, kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim(dim, self._data.ndim, "size")]

    # ---- autograd state ----
    @property
    def requires_grad(self) -> bool:
        """Whether autograd records operations on this tensor (settable on leaves).

        >>> import tocha
        >>> w = tocha.zeros(2)
        >>> w.requires_grad = True
        >>> (w * 2).requires_grad
        True
        """
        if self._base is not None:
            return _requires_grad_of(self)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            return
        if value and not self._dtype._diff:
            raise RuntimeError(f"only Tensors of floating point and complex dtype can require "
                               f"gradients (got {self._dtype})")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self (only float tensors may require it)."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        """The Node that computed this tensor (None for leaves and untracked tensors)."""
        if self._base is not None:
            self._rebase_view()
        return self._grad_fn

    def _rebase_view(self) -> None:
        """After an in-place op on its base, a view's grad_fn is the view op replayed on the
        base's new history (PyTorch rebases views the same way), so gradients flow through the
        in-place change into the view's uses. PyTorch does this when the view's grad_fn is
        read (`.grad_fn`, `.is_leaf`, a recorded op using it), and so does tocha."""
        root = self._base
        d = self.__dict__
        if self._view_fn is None or self._vc[0] == d.get("_view_version"):
            return
        if d.get("_nograd_view") or d.get("_multi_view"):
            # any change of its memory since it was made (even one autograd did not record)
            # leaves such a view no usable history, once it or its base is in a graph
            if self._grad_fn is None and not root._requires_grad:
                return
            what = "its base or another view of its base has been modified inplace"
            if d.get("_multi_view"):
                raise RuntimeError(_multi_view_message(self, what))
            raise RuntimeError(_NOGRAD_VIEW_BASE_MSG)
        if root.__dict__.get("_graph_write", -1) <= d.get("_view_version", -1):
            return      # only writes autograd did not record since: the history stands
        if not root._requires_grad or root._grad_fn is None:
            return
        prev, STATE.enabled = STATE.enabled, True
        try:
            v = self._view_fn(root)
        finally:
            STATE.enabled = prev
        self._grad_fn, self._output_nr, self._requires_grad = v._grad_fn, v._output_nr, True
        self._view_version = self._vc[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None     # (a view rebased first, as grad_fn is)

    @property
    def grad(self):
        """The gradient accumulated by `backward()` into this leaf (None until then).

        Same shape and dtype as the tensor; backward adds to it, so zero it between steps
        (`optimizer.zero_grad()` or `x.grad = None`). Reading it on a non-leaf warns, as in
        PyTorch; call `retain_grad()` first to keep a non-leaf's gradient.

        >>> import tocha
        >>> x = tocha.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
        """
        if self._grad_fn is not None and self._grad is None and not self.__dict__.get(
                "_retains"):
            _warn_nonleaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._dtype is not self._dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return bool(self.__dict__.get("_retains"))

    def retain_grad(self) -> None:
        # (PyTorch first reads a view's record as it stands: a view whose base joined a graph
        # since it was made, with no history of its own yet, is a leaf to it: nothing kept)
        if self._grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._base is not None:
            self._rebase_view()
        node = self._grad_fn
        node._hooked = True
        if node._retain is None:
            node._retain = {}
        node._retain[self._output_nr] = weakref.ref(self)
        self._retains = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed during backward.

        Args:
            hook: `hook(grad) -> Tensor or None`; a returned Tensor replaces the gradient and
                must have the same shape and dtype (else RuntimeError, as in PyTorch).
        Returns:
            a handle whose `remove()` unregisters the hook.

        >>> import tocha
        >>> x = tocha.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> x.sum().backward()
        >>> x.grad
        tensor([10., 10.])
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._add_tensor_hook(self._output_nr, hook)
        hooks = self.__dict__.get("_hooks")
        if hooks is None:
            hooks = self._hooks = []
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(
            self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        hooks = self.__dict__.setdefault("_post_acc_hooks", [])
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def detach(self) -> Tensor:
        """A tensor sharing this one's data but outside the graph (requires_grad=False).

        In-place changes to either are seen by both (shared memory and version counter).

        >>> import tocha
        >>> x = tocha.tensor([1.0], requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        t = _wrap_dt(self._data, self._dtype, self._device)
        if self._vc is None:
            self._vc = [0]
        t._vc = self._vc
        # not an autograd view (PyTorch: `x.detach()._base` is None): an in-place change
        # through it bumps the shared version but never rebases x's graph
        return t

    def detach_(self) -> Tensor:
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        t = _wrap_dt(self._data, self._dtype, self._device)
        return t

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data
        self._dtype = value._dtype
        self._device = value._device

    def _bump(self) -> None:
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    @property
    def _version(self) -> int:
        return self._vc[0] if self._vc is not None else 0

    # ---- conversion ----
    def item(self) -> complex:
        """The value of a one-element tensor as a Python number.

        >>> import tocha
        >>> tocha.tensor([[2.5]]).item()
        2.5
        """
        if self._data.size != 1:
            raise RuntimeError(f"item(): a Tensor with {self._data.size} elements cannot be "
                               f"converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers; a 0-d tensor gives a number.

        >>> import tocha
        >>> tocha.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return self._data.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The data as a NumPy array sharing memory with the tensor (no copy).

        Raises RuntimeError for a tensor that requires grad: use `x.detach().numpy()`.
        Differs from PyTorch: tocha's tensors *are* NumPy arrays inside, so this never copies.

        >>> import tocha
        >>> tocha.tensor([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        if _requires_grad_of(self) and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if self._device is not cpu and not force:
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. Use "
                            f"Tensor.cpu() to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if _requires_grad_of(self):
            # matplotlib and friends call np.asarray(t); PyTorch raises here too, but only for
            # tensors that require grad
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        a = self._data
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        return _wrap(np.asarray(arr))

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def _one_value(self):
        """The value of a one-element tensor, for float()/int()/complex() (PyTorch's error:
        ValueError, where .item() raises RuntimeError)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        v = self._one_value()
        if v.__class__ is complex:      # PyTorch: only a zero imaginary part converts
            from ._ops.complex import real_value
            v = real_value(v, D.float64)
        return float(v)

    def __int__(self) -> int:
        v = self._one_value()
        if v.__class__ is complex:
            from ._ops.complex import real_value
            v = real_value(v, D.int64)
        return int(v)

    def __index__(self) -> int:
        if self._dtype.np.kind not in "biu" or self._data.size != 1:   # (bool: as PyTorch)
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        return complex(self._one_value())

    __hash__ = object.__hash__      # identity, computed in C (tensors key the engine's dicts)

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._printing import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        if type(self) is Tensor:
            t = _wrap(self._data.copy(), self._device)
        else:
            t = type(self).__new__(type(self), _wrap(self._data.copy(), self._device))
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    # ---- device / dtype movement ----
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor in another dtype (and/or on a device): `to(dtype)`, `to(device)`,
        `to(device, dtype)`, `to(other)`. Returns self when nothing changes; differentiable.

        Differs from PyTorch: tocha computes on the CPU only; `"cuda"` is accepted only where
        tocha.cuda pretends to be available.

        >>> import tocha
        >>> tocha.tensor([1, 2]).to(tocha.float64)
        tensor([1., 2.], dtype=tocha.float64)
        """
        dtype = kwargs.get("dtype")
        device = kwargs.get("device")
        copy = kwargs.get("copy", False)
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype, device = a._dtype, a._device
            elif a is not None and not isinstance(a, bool):
                device = a
        out = self
        if device is not None:
            from ._backend import as_device
            dev = as_device(device)
            if dev is not self._device:
                raise RuntimeError(f"cannot move tensor from {self._device} to {dev}")
        if dtype is not None and dtype is not self._dtype:
            D.check_supported(dtype, "to")
            from ._ops.elementwise import _cast
            out = _cast(self, dtype)
        elif copy:
            out = self.clone()
        return out

    def type(self, dtype: D.dtype | str | None = None, non_blocking: bool = False,
             **kwargs: Any) -> str | Tensor:
        if dtype is None:
            return "torch." + _legacy_type_names[self._dtype.name]
        if isinstance(dtype, type) and isinstance(getattr(dtype, "dtype", None), D.dtype):
            dtype = dtype.dtype         # a typed constructor: x.type(torch.LongTensor)
        if isinstance(dtype, str):
            name = dtype.split(".")[-1]
            rev = {v: k for k, v in _legacy_type_names.items()}
            if name not in rev and not isinstance(getattr(D, name, None), D.dtype):
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = D._NAME2DT[rev[name]] if name in rev else getattr(D, name)
        return self.to(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other._dtype)

    # ---- new_* ----
    def new_tensor(self, data: Any, dtype: D.dtype | None = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
        from ._creation import tensor
        return tensor(data, dtype=dtype or self._dtype, device=device or self._device,
                      requires_grad=requires_grad)

    def _new_filled(self, fill, size, dtype, requires_grad):
        from ._creation import _size
        dt = dtype or self._dtype
        t = _wrap_dt(np.full(_size(size), fill, dtype=dt.np), dt, self._device)
        if requires_grad:
            t.requires_grad = True
        return t

    def new_zeros(self, *size: int | Sequence[int], dtype: D.dtype | None = None,
                  device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
        return self._new_filled(0, size, dtype, requires_grad)

    def new_ones(self, *size: int | Sequence[int], dtype: D.dtype | None = None,
                 device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
        return self._new_filled(1, size, dtype, requires_grad)

    def new_empty(self, *size: int | Sequence[int], dtype: D.dtype | None = None,
                  device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
        return self._new_filled(0, size, dtype, requires_grad)

    def new_full(self, size: int | Sequence[int], fill_value: complex,
                 dtype: D.dtype | None = None, device: Any = None,
                 requires_grad: bool = False, **kw: Any) -> Tensor:
        return self._new_filled(fill_value, (size,), dtype, requires_grad)

    # ---- in-place machinery ----
    def _check_inplace(self, other_rg: bool) -> int:
        """How autograd must treat an in-place op on self: _NOT_RECORDED, _RECORDED, or
        _RECORDED_ON_VIEW (the base's history is rewritten too); raises PyTorch's errors for
        in-place ops it refuses."""
        if not STATE.enabled:
            return _NOT_RECORDED
        if self._base is not None:
            return check_inplace_view(self, other_rg)
        if not (self._requires_grad or other_rg):
            return _NOT_RECORDED
        if self._grad_fn is None and self._requires_grad:
            raise RuntimeError(_LEAF_MSG)
        self._graph_write = self._version + 1     # (see _rebase_view)
        return _RECORDED

    def _check_writable(self, op=None) -> None:
        """In-place writes need one memory location per element: not an expanded tensor."""
        a = self._data
        if not a.flags.writeable and any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape)):
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.")

    def _inplace(self, fn, *args, **kwargs) -> Tensor:
        """Run `fn(self, *args)` and store the result in self's memory (autograd-aware)."""
        other_rg = any(isinstance(a, Tensor) and _requires_grad_of(a) for a in args)
        mode = self._check_inplace(other_rg)      # (PyTorch's autograd checks come first)
        self._check_writable(fn)
        if mode == _RECORDED_ON_VIEW:
            self._inplace_view(fn, args, kwargs)
        elif mode == _RECORDED:
            old = _wrap_dt(self._data, self._dtype, self._device)
            old._grad_fn, old._requires_grad = self._grad_fn, self._requires_grad
            old._output_nr = self._output_nr
            if self._vc is not None:
                # memory is shared (views, saved outputs): the graph keeps a snapshot
                old._data = self._data.copy()
            out = fn(old, *args, **kwargs)
            _check_cast(out._dtype, self._dtype, fn)
            if out._data.shape != self._data.shape:
                _inplace_shape_error(fn, self, out)
            if self._vc is None and out._dtype is self._dtype:
                self._adopt(out)        # self takes over the result's memory: no copy
                return self
            self._data[...] = out._data
            if self._dtype._diff:
                prev = self._grad_fn
                self._grad_fn = out._grad_fn
                self._output_nr = out._output_nr
                self._requires_grad = out._requires_grad
                self._move_retain(prev)
            # (an integer or bool target keeps no history: it cannot have a gradient)
        else:
            prev = STATE.enabled
            STATE.enabled = False
            try:
                out = fn(self, *args, **kwargs)
            finally:
                STATE.enabled = prev
            _check_cast(out._dtype, self._dtype, fn)
            if out._data.shape != self._data.shape:
                _inplace_shape_error(fn, self, out)
            self._data[...] = out._data
        self._bump()
        return self

    def _move_retain(self, old) -> None:
        """After an in-place op gave self a new history (its node was `old`): retain_grad
        follows the tensor (PyTorch moves the hook), so the gradient kept is the new one's."""
        if old is not None and self.__dict__.get("_retains") and old._retain:
            old._retain = {k: r for k, r in old._retain.items() if r() is not self}
            self.retain_grad()

    def _adopt(self, out: Tensor) -> None:
        """Become `out` (a recorded in-place op's result, of self's dtype): its memory, its
        history, and its version counter bumped past self's version, since out's node may
        have saved out for backward -- a later in-place op on self must then fail that
        node's version check, as PyTorch's does, not change its saved value silently."""
        old = self._grad_fn
        self._data = out._data
        self._grad_fn, self._output_nr = out._grad_fn, out._output_nr
        self._requires_grad = out._requires_grad
        self._move_retain(old)
        vc, new = out._vc, self._version + 1
        if vc is None:
            self._vc = [new]
            return
        node = out._grad_fn
        if node is not None and node._saved:     # the node's records of out move with it
            # (a saved output keeps the counter as .vc, an array sharing its memory as ._vc)
            node._versions = tuple(
                new if getattr(s, "vc", None) is vc or getattr(s, "_vc", None) is vc else v
                for s, v in zip(node._saved, node._versions))
        vc[0] = new
        self._vc = vc

    def _inplace_view(self, fn, args, kwargs) -> None:
        """In-place op on a view whose base is in a graph: PyTorch's CopySlices. The view's new
        value is computed from a snapshot of the base, written through the shared memory, and
        the base's history becomes "old base with the view's region replaced"."""
        from ._ops.indexing import CopySlices
        base = self._base
        snap = _wrap_dt(base._data.copy(), base._dtype, base._device)
        snap._grad_fn, snap._requires_grad = base._grad_fn, base._requires_grad
        snap._output_nr = base._output_nr
        new = fn(self._view_fn(snap), *args, **kwargs)
        _check_cast(new._dtype, self._dtype, fn)
        if new._data.shape != self._data.shape:
            _inplace_shape_error(fn, self, new)
        self._data[...] = new._data
        out = CopySlices.apply(snap, new, self._view_fn)
        base._data[...] = out._data
        base._grad_fn, base._output_nr, base._requires_grad = out._grad_fn, 0, True
        base._move_retain(snap._grad_fn)
        v = self._view_fn(base)
        self._grad_fn, self._output_nr, self._requires_grad = v._grad_fn, v._output_nr, True

    def zero_(self) -> Tensor:
        """Fill with zeros in place and return self (recorded by autograd on graph tensors).

        >>> import tocha
        >>> tocha.ones(2).zero_()
        tensor([0., 0.])
        """
        if self._check_inplace(False):      # a graph tensor: record it (zero gradient)
            from ._ops.elementwise import fill
            return self._inplace(fill, 0.0)
        self._data[...] = 0
        self._bump()
        return self

    def fill_(self, value: Tensor | complex) -> Tensor:
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                                   f"with {value._data.ndim} dimensions.")
            if _requires_grad_of(value) or _requires_grad_of(self):
                from ._ops.elementwise import fill
                return self._inplace(fill, value)
            value = value.item()
        if value.__class__ is complex:
            from ._ops.complex import real_value
            value = real_value(value, self._dtype)
        elif self._dtype._kind == 1:    # an integer tensor: PyTorch's overflow rule
            from ._ops.compare import _int_bound
            value = _int_bound(value, self._dtype)
        if self._check_inplace(False):
            from ._ops.elementwise import fill
            return self._inplace(fill, value)
        self._data[...] = value
        self._bump()
        return self

    def copy_(self, src: Tensor | Any, non_blocking: bool = False) -> Tensor:
        if isinstance(src, (bool, int, float, complex)):    # PyTorch takes a number too
            from ._creation import tensor
            src = tensor(src)
        if not isinstance(src, Tensor):
            raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
        self._check_writable(self.copy_)
        # (into an integer or bool tensor nothing is recorded: the result takes no gradient)
        if STATE.enabled and self._dtype._diff and (_requires_grad_of(src)
                                                    or _requires_grad_of(self)):
            from ._ops.elementwise import copy_from
            return self._inplace(copy_from, src)
        try:
            np.copyto(self._data, np.broadcast_to(src._data, self._data.shape),
                      casting="unsafe")
        except ValueError:
            raise RuntimeError(f"copy_: the size of src {tuple(src._data.shape)} must be "
                               f"broadcastable to the size of self {tuple(self._data.shape)}")
        self._bump()
        return self

    def __setitem__(self, index, value) -> None:
        from ._ops.indexing import setitem
        setitem(self, index, value)

    def set_(self, source: Tensor | None = None) -> Tensor:
        if source is not None:
            self._data = source._data
            self._dtype = source._dtype
        return self


_legacy_type_names = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor", "bfloat16": "BFloat16Tensor",
}
_legacy_type_names.update(complex64="ComplexFloatTensor", complex128="ComplexDoubleTensor")


def _rebuild(arr, requires_grad):
    t = _wrap(arr)
    t._requires_grad = requires_grad
    return t


def _legacy_new(cls, args, kwargs):
    # torch.Tensor(2, 3) -> uninitialised float tensor; torch.Tensor([1, 2]) -> float data
    if cls is not Tensor and args and isinstance(args[0], Tensor) and len(args) == 1:
        # subclass construction from a tensor (Parameter and user subclasses)
        src = args[0]
        t = _new(cls)
        t._data, t._dtype, t._grad_fn, t._requires_grad = src._data, src._dtype, None, False
        if src._device is not cpu:
            t._device = src._device
        return t
    dt = kwargs.pop("dtype", None) or D.get_default_dtype()
    device = kwargs.pop("device", None)
    if not args:
        arr = np.zeros((0,), dt.np)
    elif all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        arr = np.zeros(args, dt.np)
    elif len(args) == 1:
        from ._creation import tensor
        return tensor(args[0], dtype=dt, device=device)
    else:
        raise TypeError(f"Tensor(): invalid arguments {args}")
    t = _new(cls)
    t._data, t._dtype, t._grad_fn, t._requires_grad = arr, dt, None, False
    return t


def _warn_nonleaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf "
        "Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf "
        "Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
        UserWarning, stacklevel=3)
