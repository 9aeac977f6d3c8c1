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
        try:
            par = importlib.import_module(".parallel", __name__)
        except ImportError:
            from .._missing import missing_attr
            raise missing_attr(__name__, name) from None
        return par if name == "parallel" else getattr(par, name)
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    # the lazily loaded names too (parallel only where tocha has it)
    import importlib.util
    lazy = {"utils"}
    if importlib.util.find_spec(f"{__name__}.parallel") is not None:
        lazy |= {"parallel", "DataParallel", "DistributedDataParallel"}
    return sorted(set(globals()) | lazy)
