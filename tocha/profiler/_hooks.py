"""The op-timing patch: wrappers installed on tocha's op entry points while a profiler records.

tocha has no dispatcher to hook, so while at least one profiler is recording, the entry points
a user's code reaches are replaced by timing wrappers, and put back when the last one stops:

- Tensor methods and operators from tocha's op table (`x.add`, `x + y`, `x @ w`, ...),
- the functions of `tocha` and `tocha.nn.functional` with the same names (and F.linear, ...),
- `Function.apply` (tocha's primitives, and user `autograd.Function`s),
- each Function's `backward` (what the engine runs: "autograd::engine::evaluate_function"),
- each optimizer's `step` and `zero_grad` ("Optimizer.step#SGD.step", as PyTorch labels them).

Nothing is wrapped while no profiler records, so tocha runs at full speed then (the
zero-cost-when-off property); the originals are the very objects put back.
"""
from __future__ import annotations

import functools
import importlib
import re
import sys
import threading

_LOCK = threading.Lock()
_USERS = 0                 # profilers recording now; the patch is installed while > 0
_SAVED: list = []          # (owner, attribute, original entry of owner.__dict__ or _MISSING)
_MISSING = object()
CURRENT: list = []         # the recording sessions, innermost last (see profiler._Session)

# operators named as PyTorch's profiler names them (aten::<name>)
_DUNDER = {"truediv": "div", "floordiv": "floor_divide", "mod": "remainder",
           "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
           "invert": "bitwise_not", "pos": "positive", "getitem": "index", "rsub": "rsub"}
_PRIM = {"MatMul": "matmul", "LogSumExp": "logsumexp", "AdvIndex": "index", "_Index": "index",
         "SelectInt": "select", "SelectNone": "unsqueeze", "SelectAlias": "alias",
         "MaxAll": "max", "MinAll": "min", "L2": "linalg_vector_norm", "PowT": "pow",
         "RPow": "pow", "RSub": "rsub", "T": "t", "Cast": "_to_copy",
         "CopyFrom": "copy_", "CopySlices": "copy_", "Fill": "fill_"}


def dunder_name(name: str) -> str:
    """`__add__` -> aten::add, `__radd__` -> aten::add, `__iadd__` -> aten::add_."""
    core = name.strip("_")
    if core in _DUNDER:
        return "aten::" + _DUNDER[core]
    if name.startswith("__i") and core[1:] in ("add", "sub", "mul", "truediv", "pow"):
        return "aten::" + _DUNDER.get(core[1:], core[1:]) + "_"
    if name.startswith("__r") and core not in ("round",):
        core = core[1:]
    return "aten::" + _DUNDER.get(core, core)


def function_name(cls) -> str:
    """A primitive's PyTorch op name (Addmm -> aten::addmm); a user Function keeps its name."""
    name = cls.__name__
    if not getattr(cls, "_arrays", False):
        return name
    if name in _PRIM:
        return "aten::" + _PRIM[name]
    name = re.sub(r"(\d)D", r"\1d", name.lstrip("_"))
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return "aten::" + re.sub(r"_dim$", "", snake)


def _set(owner, attr: str, new) -> None:
    _SAVED.append((owner, attr, owner.__dict__.get(attr, _MISSING)))
    setattr(owner, attr, new)


def _timed(fn, name: str):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not CURRENT:
            return fn(*args, **kwargs)
        sess = CURRENT[-1]
        ev = sess.begin(name, args, op=True)
        if ev is None:
            return fn(*args, **kwargs)
        try:
            out = fn(*args, **kwargs)
        except BaseException:
            sess.end(ev)
            raise
        sess.end(ev, out)
        return out
    return op


def _timed_method(fn, template: str):
    # the name depends on the instance's class: Optimizer.step#SGD.step, as PyTorch labels it
    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        if not CURRENT:
            return fn(self, *args, **kwargs)
        sess = CURRENT[-1]
        ev = sess.begin(template.format(type(self).__name__), (), op=False)
        try:
            return fn(self, *args, **kwargs)
        finally:
            if ev is not None:
                sess.end(ev)
    return method


def _timed_apply(orig):
    def apply(cls, *args, **kwargs):
        if not CURRENT:
            return orig(cls, *args, **kwargs)
        sess = CURRENT[-1]
        ev = sess.begin(function_name(cls), args, op=True)
        if ev is None:
            return orig(cls, *args, **kwargs)
        try:
            out = orig(cls, *args, **kwargs)
        except BaseException:
            sess.end(ev)
            raise
        sess.end(ev, out)
        return out
    return classmethod(apply)


def _timed_backward(fn):
    def backward(ctx, *grads):
        if not CURRENT:
            return fn(ctx, *grads)
        sess = CURRENT[-1]
        ev = sess.begin("autograd::engine::evaluate_function: " + type(ctx).__name__, (),
                        op=False)
        try:
            return fn(ctx, *grads)
        finally:
            if ev is not None:
                sess.end(ev)
    return staticmethod(backward)


def _install() -> None:
    import tocha

    from .. import _tensor_methods
    from .._tensor import Tensor
    from ..autograd.function import Function
    for n in _method_names(Tensor, _tensor_methods):
        fn = getattr(Tensor, n, None)       # resolves the mixin's delegate to the function
        if callable(fn):
            _set(Tensor, n, _timed(fn, dunder_name(n) if n.startswith("__") else "aten::" + n))
        top = tocha.__dict__.get(n)
        if callable(top) and not isinstance(top, type):
            _set(tocha, n, _timed(top, "aten::" + n))
    F = importlib.import_module("tocha.nn.functional")     # modules call F.linear, F.relu
    for n, fn in list(vars(F).items()):
        if (not n.startswith("_") and callable(fn) and not isinstance(fn, type)
                and getattr(fn, "__module__", "").startswith("tocha")):
            _set(F, n, _timed(fn, "aten::" + n))
    _install_optim()
    apply = Function.__dict__.get("apply")
    if isinstance(apply, classmethod):      # else autograd changed shape: time what we can
        _set(Function, "apply", _timed_apply(apply.__func__))
    for cls in _subclasses(Function):
        bw = cls.__dict__.get("backward")
        if isinstance(bw, staticmethod):
            _set(cls, "backward", _timed_backward(bw.__func__))


def _method_names(tensor_cls, mixins_module) -> list:
    """The Tensor methods declared in the mixins of tocha/_tensor_methods.py (ops, operators)."""
    names = []
    for cls in tensor_cls.__mro__:
        if cls.__module__ == mixins_module.__name__ and cls.__name__ not in (
                "RandomMethods", "AutogradMethods"):
            names += [n for n in vars(cls) if n not in ("__slots__", "__doc__", "__module__")
                      and not n.startswith("__") or n in _OPERATOR_DUNDERS]
    return list(dict.fromkeys(names))


_OPERATOR_DUNDERS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
    "__rpow__", "__matmul__", "__rmatmul__", "__iadd__", "__isub__", "__imul__",
    "__itruediv__", "__ipow__", "__neg__", "__abs__", "__getitem__"}


def _subclasses(base) -> list:
    out, todo = [], [base]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def _install_optim() -> None:
    optim = sys.modules.get("tocha.optim")     # not imported: no optimizer can run
    base = getattr(optim, "Optimizer", None)
    if base is None:
        return
    for cls in _subclasses(base):
        for meth in ("step", "zero_grad"):
            if callable(cls.__dict__.get(meth)):
                _set(cls, meth, _timed_method(cls.__dict__[meth],
                                              f"Optimizer.{meth}#{{}}.{meth}"))


def _uninstall() -> None:
    while _SAVED:
        owner, attr, orig = _SAVED.pop()
        if orig is _MISSING:
            delattr(owner, attr)
        else:
            setattr(owner, attr, orig)


def acquire() -> None:
    """A profiler starts recording: install the wrappers if it is the first."""
    global _USERS
    with _LOCK:
        if _USERS == 0:
            try:
                _install()
            except BaseException:
                _uninstall()
                raise
        _USERS += 1


def release() -> None:
    """A profiler stops recording: put the originals back if it was the last."""
    global _USERS
    with _LOCK:
        _USERS -= 1
        if _USERS == 0:
            _uninstall()


def installed() -> bool:
    """Whether the wrappers are in place now (tests check the patch is removed)."""
    return bool(_SAVED)
