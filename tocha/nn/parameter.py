"""`nn.Parameter` (a Tensor that a Module registers) and `nn.Buffer`."""
from __future__ import annotations

from typing import Any

from .._tensor import Tensor, _wrap


def _rebuild_parameter(data, requires_grad):
    return Parameter(_wrap(data), requires_grad)


class Parameter(Tensor):
    """A tensor that a `Module` learns: assigning it to a module attribute registers it.

    Registered parameters are what `module.parameters()` hands to an optimizer and what
    `state_dict()` saves. A Parameter shares memory with `data`.

    Args:
        data (Tensor, optional): the initial values. Default: an empty tensor.
        requires_grad (bool): Default: True.

    Example:
        >>> import tocha
        >>> class Line(tocha.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.a = tocha.nn.Parameter(tocha.tensor([2.0]))
        ...     def forward(self, x):
        ...         return self.a * x
        >>> m = Line()
        >>> m.a
        Parameter containing:
        tensor([2.], requires_grad=True)
        >>> list(m.state_dict())
        ['a']
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        t = object.__new__(cls)
        t._data = data._data
        t._dtype = data._dtype
        t._grad_fn = None
        t._requires_grad = False
        if data._device is not Tensor._device:
            t._device = data._device
        # share the version counter: in-place changes to either are seen by autograd
        if data._vc is None:
            data._vc = [0]
        t._vc = data._vc
        if requires_grad:
            t.requires_grad = True
        return t

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        from .._printing import tensor_repr
        return "Parameter containing:\n" + tensor_repr(self)

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = type(self)(_wrap(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            r._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = r
        return r


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute.

    Differs from PyTorch: the registered buffer is the given tensor itself (PyTorch also
    unwraps the marker); `persistent` is read when it is registered.
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        t = object.__new__(cls)
        t._data, t._dtype, t._grad_fn = data._data, data._dtype, None
        t._requires_grad = data._requires_grad
        t.persistent = persistent
        return t

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass


class UninitializedParameter(Parameter):
    """A parameter of a lazy module (`nn.LazyLinear`, ...) whose shape is not known yet; the
    module's first forward materialises it into a Parameter."""

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. "
                           "This error usually happens in `load_state_dict` when trying to "
                           "load an uninitialized parameter into an initialized one. Call "
                           "`forward` to initialize the parameters before accessing their "
                           "attributes.")


def is_lazy(param: Any) -> bool:
    return isinstance(param, UninitializedParameter)
