"""Automatic differentiation: Function, backward/grad, grad modes, gradcheck, Variable.

Grad modes load with the package; the rest on first use (`tocha._tensor` imports the grad
mode, and `function`/`engine` import `tocha._tensor`, so they cannot load before it).
"""
from __future__ import annotations

import importlib

from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "Function",
    "FunctionCtx",
    "NestedIOFunction",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "enforce_grad_layout_policy",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
    "set_multithreading_enabled",
]

# public name -> the submodule that defines it (`_gradcheck`: a submodule named `gradcheck`
# would replace the function `gradcheck` in this namespace whenever it is first imported)
_LAZY = {"Function": "function", "FunctionCtx": "function", "NestedIOFunction": "function",
         "once_differentiable": "function", "backward": "engine", "grad": "engine",
         "Variable": "variable", "gradcheck": "_gradcheck", "gradgradcheck": "_gradcheck",
         "detect_anomaly": "anomaly_mode", "set_detect_anomaly": "anomaly_mode",
         "set_multithreading_enabled": "_modes", "is_multithreading_enabled": "_modes",
         "enforce_grad_layout_policy": "_modes"}
_SUBMODULES = {"functional", "function", "engine", "grad_mode", "variable", "hooks", "graph",
               "profiler", "anomaly_mode"}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tocha.autograd' has no attribute '{name}'")
