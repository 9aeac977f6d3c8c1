"""Pieces of nn.Module kept apart to keep module.py short: hook handles and global hook
registries, the mirroring parameter/buffer/module registry, repr and state-dict helpers."""
from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Callable

from ..._tensor import Tensor

_global_forward_hooks: dict = OrderedDict()
_global_forward_pre_hooks: dict = OrderedDict()
_global_backward_hooks: dict = OrderedDict()
_hook_ids = itertools.count()


class RemovableHandle:
    """Handle returned by `register_*_hook`; `remove()` unregisters the hook."""

    def __init__(self, *dicts):
        self.id = next(_hook_ids)
        self._dicts = dicts

    def remove(self) -> None:
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """A forward pre-hook for every module (`hook(module, args)`)."""
    h = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[h.id] = hook
    return h


def register_module_forward_hook(hook: Callable) -> RemovableHandle:
    """A forward hook for every module (`hook(module, args, output)`)."""
    h = RemovableHandle(_global_forward_hooks)
    _global_forward_hooks[h.id] = hook
    return h


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """A full backward hook for every module (`hook(module, grad_input, grad_output)`)."""
    h = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[h.id] = hook
    return h


class _Registry(dict):
    """`_parameters`/`_buffers`/`_modules`: a dict that mirrors its entries into the owner's
    instance `__dict__` (fast attribute reads) and removes them from it when deleted."""

    __slots__ = ("_d",)

    def __init__(self, owner_dict: dict):
        dict.__init__(self)
        self._d = owner_dict

    def __setitem__(self, k, v):
        dict.__setitem__(self, k, v)
        self._d[k] = v

    def __delitem__(self, k):
        dict.__delitem__(self, k)
        self._d.pop(k, None)

    def pop(self, k, *default):
        r = dict.pop(self, k, *default)
        self._d.pop(k, None)
        return r

    def popitem(self):
        k, v = dict.popitem(self)
        self._d.pop(k, None)
        return k, v

    def clear(self):
        for k in self:
            self._d.pop(k, None)
        dict.clear(self)

    def update(self, *args, **kw):
        for k, v in dict(*args, **kw).items():
            self[k] = v

    def setdefault(self, k, v=None):
        if k not in self:
            self[k] = v
        return self[k]

    def __reduce__(self):
        return (dict, (dict(self),))

    def __copy__(self):
        return dict(self)


def _typename(v) -> str:
    if isinstance(v, Tensor):
        from ..._tensor import _legacy_type_names
        return "torch." + _legacy_type_names.get(v._dtype.name, "Tensor")
    t = type(v)
    mod = t.__module__
    return t.__qualname__ if mod in ("builtins", None) else f"{mod}.{t.__qualname__}"


def _addindent(s: str, n: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(" " * n + ln for ln in lines[1:])


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class _WrappedHook:
    def __init__(self, hook, module=None):
        self.hook = hook
        self.module = weakref.ref(module) if module is not None else None

    def __call__(self, *args, **kwargs):
        if self.module is None:
            return self.hook(*args, **kwargs)
        return self.hook(self.module(), *args, **kwargs)
