"""Settable backend flags with PyTorch's type checks (`cudnn.benchmark = 'x'` raises)."""
from __future__ import annotations

import contextlib
import sys
import types


def _bool_prop(name: str, setter_name: str, allow_none: bool = False):
    key = "_flag_" + name

    def get(mod):
        return mod.__dict__[key]

    def set_(mod, value):
        if not (isinstance(value, bool) or (allow_none and value is None)):
            raise RuntimeError(f"{setter_name} expects a bool, but got {type(value).__name__}")
        mod.__dict__[key] = value
    return property(get, set_)


def install(modname: str, flags: dict[str, tuple], extra: dict | None = None) -> None:
    """Give module `modname` the properties `flags` ({attr: (default, setter name[, none])})
    and the plain attributes `extra` (class attributes, e.g. sub-objects)."""
    mod = sys.modules[modname]
    ns = {n: _bool_prop(n, *spec[1:]) for n, spec in flags.items()}
    ns.update(extra or {})
    cls = type(f"{modname.rsplit('.', 1)[-1]}_module", (types.ModuleType,), ns)
    for n, spec in flags.items():
        mod.__dict__["_flag_" + n] = spec[0]
    mod.__class__ = cls


@contextlib.contextmanager
def set_flags(module, **values):
    """Set some flags of `module` for a `with` block, then restore them."""
    old = {k: getattr(module, k) for k, v in values.items() if v is not None}
    for k, v in values.items():
        if v is not None:
            setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


class Precision:
    """A holder of settable precision knobs (`backends.cuda.matmul.allow_tf32`, ...)."""

    def __init__(self, **attrs) -> None:
        self.__dict__.update(attrs)

    def __setattr__(self, name, value):
        if name not in self.__dict__:
            raise AttributeError(f"Unknown attribute {name}")
        old = self.__dict__[name]
        if isinstance(old, bool) and not isinstance(value, bool):
            raise TypeError(f"{name} expects a bool, but got {type(value).__name__}")
        self.__dict__[name] = value
