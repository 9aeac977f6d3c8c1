"""Honest gaps: a PyTorch name tocha lacks fails at the name, with PyTorch's exception type and
"tocha does not implement torch.X yet"; `dir()` of a module lists the names it loads lazily.

`_torch_api.txt` lists PyTorch 2.13's public names per namespace ("torch.nn Linear"), written
by `tools/coverage.py --write-names`; a name PyTorch lacks too keeps Python's plain message.
"""
from __future__ import annotations

import functools
import os

# tocha module -> the PyTorch module it stands for
_PREFIXES = (("tocha.vision", "torchvision"), ("tocha.viz", "torchviz"), ("tocha", "torch"))


def torch_name(modname: str) -> str:
    """`tocha.nn.functional` -> `torch.nn.functional` (the name a PyTorch user knows)."""
    for own, theirs in _PREFIXES:
        if modname == own or modname.startswith(own + "."):
            return theirs + modname[len(own):]
    return modname


@functools.lru_cache(maxsize=1)
def _api() -> dict[str, frozenset[str]]:
    path = os.path.join(os.path.dirname(__file__), "_torch_api.txt")
    out: dict[str, set[str]] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                ns, _, name = line.strip().partition(" ")
                if name:
                    out.setdefault(ns, set()).add(name)
    except OSError:
        pass
    return {k: frozenset(v) for k, v in out.items()}


def pytorch_has(namespace: str, name: str) -> bool:
    """Whether PyTorch 2.13 has `namespace.name` (namespace in PyTorch's spelling)."""
    return name in _api().get(namespace, ())


def is_pytorch_module(fullname: str) -> bool:
    """Whether `torch.a.b` is a module PyTorch 2.13 ships (public ones only)."""
    return fullname in _api().get("modules", ())


def missing_attr(modname: str, name: str) -> AttributeError:
    """The AttributeError for `<module>.name`: "tocha does not implement torch.X yet" when
    PyTorch has the name, Python's own message otherwise."""
    from . import _naming
    ns = torch_name(modname)
    shown = ns if _naming.prefix == "torch" else modname  # the script's own module name
    if pytorch_has(ns, name) or is_pytorch_module(f"{ns}.{name}"):
        return AttributeError(f"module '{shown}' has no attribute '{name}': tocha does not "
                              f"implement {ns}.{name} yet")
    return AttributeError(f"module '{shown}' has no attribute '{name}'")


def missing_module(fullname: str) -> ModuleNotFoundError:
    """The error for importing a submodule tocha lacks (`import torch.foo`)."""
    ns = torch_name(fullname)
    if is_pytorch_module(ns):
        msg = f"No module named '{fullname}': tocha does not implement {ns} yet"
    else:
        msg = f"No module named '{fullname}'"
    return ModuleNotFoundError(msg, name=fullname)


def import_submodule(package: str, name: str):
    """`importlib.import_module(package.name)`; a submodule tocha lacks -> missing_attr."""
    import importlib
    full = f"{package}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as e:
        if e.name != full:
            raise
    raise missing_attr(package, name) from None


def module_dir(module_globals: dict, lazy) -> list[str]:
    """`dir()` of a module: its globals plus the names its `__getattr__` loads on use."""
    return sorted(set(module_globals) | set(lazy))
