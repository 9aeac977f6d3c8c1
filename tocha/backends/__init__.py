"""`tocha.backends`: PyTorch's backend switches, as its CPU-only build reports them.

tocha computes with NumPy, so no flag changes a result; they exist so that setup code
(`torch.backends.cudnn.benchmark = True`, `torch.backends.mps.is_available()`) runs, and they
hold what is set. Libraries tocha does not use report `is_available() == False` (differs from
PyTorch, whose CPU build has MKL-DNN, MKL, OpenMP and NNPACK).

>>> import tocha
>>> tocha.backends.cudnn.benchmark = True
>>> tocha.backends.mps.is_available()
False
"""
from __future__ import annotations

_SUBMODULES = ("cpu", "cuda", "cudnn", "mha", "mkl", "mkldnn", "mps", "nnpack", "openmp",
               "opt_einsum", "cusparselt", "kleidiai", "miopen")

fp32_precision = "none"


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
