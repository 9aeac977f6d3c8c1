"""`torch.nn` for tocha: Module, Parameter, layers, losses, init, functional, utils."""
from . import (  # noqa: F401
    functional,
    init,
    modules,
)
from .modules import *
from .modules import module as _module_mod
from .parameter import Buffer, Parameter, UninitializedParameter  # noqa: F401

for _k, _v in vars(modules).items():
    if isinstance(_v, type) and issubclass(_v, _module_mod.Module):
        globals()[_k] = _v
del _k, _v


def __getattr__(name):
    if name == "utils":
        import importlib
        return importlib.import_module(".utils", __name__)
    if name in ("parallel", "DataParallel", "DistributedDataParallel"):
        import importlib
        par = importlib.import_module(".parallel", __name__)
        return par if name == "parallel" else getattr(par, name)
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    # the lazily loaded names too
    lazy = {"utils", "parallel", "DataParallel", "DistributedDataParallel"}
    return sorted(set(globals()) | lazy)
