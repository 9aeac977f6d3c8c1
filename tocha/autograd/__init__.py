"""Automatic differentiation: Function, backward/grad, grad modes, gradcheck, Variable."""
from .engine import backward, grad
from .function import Function, FunctionCtx, NestedIOFunction, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,
                        set_grad_enabled)
from .variable import Variable

__all__ = ["Function", "FunctionCtx", "NestedIOFunction", "Variable", "backward", "grad",
           "enable_grad", "inference_mode", "is_grad_enabled", "no_grad", "once_differentiable",
           "set_grad_enabled", "gradcheck", "gradgradcheck", "functional"]


def __getattr__(name):
    # gradcheck and functional import tocha ops; load them on first use
    if name in ("gradcheck", "gradgradcheck"):
        from . import gradcheck as _gc
        return getattr(_gc, name)
    if name == "functional":
        import importlib
        return importlib.import_module(".functional", __name__)
    if name == "graph":
        import importlib
        return importlib.import_module(".graph", __name__)
    raise AttributeError(f"module 'tocha.autograd' has no attribute '{name}'")
