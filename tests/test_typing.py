"""Public signatures of nn, optim, utils.data, vision and the core are typed (issue 12, item 2).

Every parameter (but `self`/`cls`) and the return of each public function, and of the
constructor, public methods and __getitem__/__len__/... of each public class, must carry an
annotation that `typing.get_type_hints` can resolve in its module's namespace.
"""
from __future__ import annotations

import importlib
import inspect
import sys
import typing

import tocha

# namespaces checked: those with __all__ list their public names; nn and nn.functional do not,
# so their public names defined inside tocha.nn are taken
PACKAGES = [
    "tocha.nn",
    "tocha.nn.functional",
    "tocha.nn.init",
    "tocha.nn.utils",
    "tocha.nn.utils.rnn",
    "tocha.optim",
    "tocha.optim.lr_scheduler",
    "tocha.utils.data",
    "tocha.nn.modules",
    "tocha.nn.parameter",
    "tocha.nn.utils.parametrize",
    "tocha.nn.utils.parametrizations",
    "tocha.nn.utils.stateless",
    "tocha.optim.swa_utils",
    "tocha.utils.data.distributed",
    "tocha.vision.transforms",
    "tocha.vision.transforms.functional",
    "tocha.vision.transforms.v2",
    "tocha.vision.models",
]
# names defined here are in scope; the core (tensor, autograd, ops, creation) is typed apart
SCOPE = ("tocha.nn", "tocha.optim", "tocha.utils.data", "tocha.vision")
METHODS = ("__init__", "forward", "step", "zero_grad", "state_dict", "load_state_dict",
           "__getitem__", "__len__", "__iter__", "__call__", "get_lr")


def _public(modname: str) -> dict[str, object]:
    mod = importlib.import_module(modname)
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    out = {}
    for n in names:
        obj = getattr(mod, n)
        where = getattr(obj, "__module__", "") or ""
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and where.startswith(SCOPE):
            out[f"{modname}.{n}"] = obj
    return out


def _callables() -> dict[str, object]:
    out: dict[str, object] = {}
    for modname in PACKAGES:
        for name, obj in _public(modname).items():
            if inspect.isfunction(obj):
                out.setdefault(name, obj)
                continue
            for m, fn in obj.__dict__.items():
                if m.startswith("_") and m not in METHODS:
                    continue
                fn = getattr(fn, "__func__", fn)  # staticmethod/classmethod
                if inspect.isfunction(fn) and fn.__module__.startswith(SCOPE):
                    out.setdefault(f"{fn.__module__}.{fn.__qualname__}", fn)
    return out


def _missing(fn) -> list[str]:
    """The parameters (and 'return') of `fn` without a resolvable annotation."""
    try:
        hints = typing.get_type_hints(fn, vars(sys.modules[fn.__module__]),
                                      CORE_LOCALS.get(fn.__module__))
    # an annotation names something the module cannot resolve
    except (NameError, TypeError, AttributeError, SyntaxError) as e:
        return [f"unresolvable ({type(e).__name__}: {e})"]
    sig = inspect.signature(fn)
    bad = [p for p in sig.parameters if p not in hints and p not in ("self", "cls")]
    if "return" not in hints:
        bad.append("return")
    return bad


def test_public_signatures_are_annotated():
    found = _callables()
    assert len(found) > 300  # the walk really reached the packages
    offenders = {n: m for n, f in sorted(found.items()) if (m := _missing(f))}
    lines = [f"{n}: {', '.join(m)}" for n, m in offenders.items()]
    assert not offenders, f"{len(offenders)} unannotated signatures:\n" + "\n".join(lines)


def test_checker_flags_a_missing_annotation():
    def typed(x: int, y: float = 1.0) -> float:
        return x + y

    def untyped(x, y: float = 1.0):
        return x

    assert _missing(typed) == []
    assert _missing(untyped) == ["x", "return"]


def test_hints_resolve_to_tocha_types():
    hints = typing.get_type_hints(tocha.nn.Linear.forward)
    assert hints == {"input": tocha.Tensor, "return": tocha.Tensor}


# the core a learner meets: creation, random, autograd, serialization, the torch.* ops and
# Tensor's own methods (the mixins' generated in-place delegates live elsewhere: not checked)
CORE = (
    "tocha._creation", "tocha._random_api", "tocha.serialization",
    "tocha.autograd.engine", "tocha.autograd.grad_mode", "tocha.autograd.function",
    "tocha.autograd._gradcheck", "tocha.autograd.functional",
    "tocha._ops.arith", "tocha._ops.unary", "tocha._ops.compare", "tocha._ops.elementwise",
    "tocha._ops.reduce", "tocha._ops.movement", "tocha._ops.splitting", "tocha._ops.indexing",
    "tocha._ops.linalg", "tocha._tensor", "tocha._tensor_meta",
)
# _tensor_meta names Tensor under TYPE_CHECKING only (tocha._tensor imports it)
CORE_LOCALS = {"tocha._tensor_meta": {"Tensor": tocha.Tensor}}


def _core_methods(cls: type, out: dict[str, object]) -> None:
    for m, fn in cls.__dict__.items():
        if m.startswith("_") and m != "__init__":
            continue
        fn = getattr(fn, "__func__", fn)
        if inspect.isfunction(fn) and fn.__module__ in CORE:
            out.setdefault(f"{fn.__module__}.{fn.__qualname__}", fn)


def _core_callables() -> dict[str, object]:
    out: dict[str, object] = {}
    namespaces = [(tocha, getattr(tocha, "__all__", None) or dir(tocha)),
                  (tocha.autograd, tocha.autograd.__all__)]
    for ns, names in namespaces:
        for n in names:
            if n.startswith("_"):
                continue
            obj = getattr(ns, n, None)
            if inspect.isfunction(obj) and obj.__module__ in CORE:
                out.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
            elif inspect.isclass(obj) and obj.__module__ in CORE:
                _core_methods(obj, out)
    for n in dir(tocha.Tensor):
        if n.startswith("_"):
            continue
        if isinstance(inspect.getattr_static(tocha.Tensor, n), property):
            continue
        fn = getattr(tocha.Tensor, n)  # resolves the lazy delegates to their functions
        fn = getattr(fn, "__func__", fn)
        if inspect.isfunction(fn) and fn.__module__ in CORE:
            out.setdefault(f"{fn.__module__}.{fn.__qualname__}", fn)
    return out


def test_core_public_signatures_are_annotated():
    found = _core_callables()
    assert len(found) > 200  # the walk really reached the core
    assert {"tocha._creation.zeros", "tocha.autograd.engine.grad", "tocha._ops.reduce.sum",
            "tocha._tensor.Tensor.item", "tocha._tensor_meta.CastMethods.float",
            "tocha.autograd.engine.tensor_backward"} <= set(found)
    offenders = {n: m for n, f in sorted(found.items()) if (m := _missing(f))}
    lines = [f"{n}: {', '.join(m)}" for n, m in offenders.items()]
    assert not offenders, f"{len(offenders)} unannotated core signatures:\n" + "\n".join(lines)
