"""Automatic differentiation: Function, backward/grad, grad modes, gradcheck, Variable."""
from .engine import backward, grad
from .function import Function, FunctionCtx, NestedIOFunction, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .variable import Variable

__all__ = [
    "Function",
    "FunctionCtx",
    "NestedIOFunction",
    "Variable",
    "backward",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "once_differentiable",
    "set_grad_enabled",
]


def __getattr__(name):
    # gradcheck and functional import tocha ops; load them on first use
    if name in ("gradcheck", "gradgradcheck"):
        import importlib
        _gc = importlib.import_module(".gradcheck", __name__)
        # importing the submodule set `gradcheck` to the module: the public name is the function
        globals()["gradcheck"], globals()["gradgradcheck"] = _gc.gradcheck, _gc.gradgradcheck
        return globals()[name]
    if name == "functional":
        import importlib
        return importlib.import_module(".functional", __name__)
    if name == "graph":
        import importlib
        return importlib.import_module(".graph", __name__)
    if name == "profiler":     # the legacy profiler names, on tocha.profiler (issue 8)
        import importlib
        return importlib.import_module(".profiler", __name__)
    raise AttributeError(f"module 'tocha.autograd' has no attribute '{name}'")
