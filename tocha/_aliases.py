"""`import torch` gives tocha: the import hook behind `python -m tocha run`, `%load_ext tocha`
and `tocha.install_as_torch()`.

A `sys.meta_path` finder maps `torch` (and every `torch.*` submodule) to `tocha`, `torchvision`
to `tocha.vision` and `torchviz` to `tocha.viz`, so `import torch.nn as nn` gives the very
module object `tocha.nn`. This module imports nothing heavy: `import tocha` stays fast.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

# import name prefix -> tocha module it stands for
ALIASES = {"torch": "tocha", "torchvision": "tocha.vision", "torchviz": "tocha.viz"}


def _target(fullname: str) -> str | None:
    """tocha module name for an aliased import name (`torch.nn` -> `tocha.nn`), else None."""
    head, dot, rest = fullname.partition(".")
    base = ALIASES.get(head)
    if base is None:
        return None
    return base + dot + rest


class _AliasLoader(importlib.abc.Loader):
    """Hands the already-imported tocha module to the import system under the torch name."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def create_module(self, spec):
        # import machinery keeps the module's own __name__/__spec__ (it does not override them)
        return self.module

    def exec_module(self, module) -> None:
        pass  # already executed as tocha.*


class AliasFinder(importlib.abc.MetaPathFinder):
    """`sys.meta_path` finder: `torch.*` -> `tocha.*`, `torchvision` / `torchviz` -> tocha's."""

    def find_spec(self, fullname, path=None, target=None):
        name = _target(fullname)
        if name is None:
            return None
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:  # tocha.x exists but needs something missing: say so
                raise
            # tocha lacks a submodule PyTorch has: fail at the import, saying so (otherwise
            # the import system raises Python's own "No module named 'torch.x'")
            from tocha._missing import is_pytorch_module, missing_module
            if is_pytorch_module(fullname):
                raise missing_module(fullname) from None
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def install_aliases() -> AliasFinder:
    """Put the alias finder first on `sys.meta_path` (idempotent); return it."""
    for f in sys.meta_path:
        if isinstance(f, AliasFinder):
            return f
    finder = AliasFinder()
    sys.meta_path.insert(0, finder)
    from tocha._naming import stand_in_for_torch
    stand_in_for_torch()  # dtypes print as torch.float32, as the script expects
    # a real torch imported earlier in this process must not shadow the aliases
    for mod in [m for m in sys.modules if _target(m) is not None]:
        del sys.modules[mod]
    return finder


def uninstall_aliases() -> None:
    """Undo `install_aliases`: remove the finder and the `torch*` names it put in sys.modules."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, AliasFinder)]
    for name in [m for m in sys.modules if _target(m) is not None]:
        if getattr(sys.modules[name], "__name__", name) != name:  # an alias, not a real torch
            del sys.modules[name]
    from tocha._naming import stand_in_for_torch
    stand_in_for_torch(False)  # names print as tocha.* again


def install_as_torch() -> None:
    """Make `import torch`, `import torchvision` and `import torchviz` give tocha's modules.

    After this call, in this Python process, `import torch` returns `tocha` itself,
    `import torch.nn as nn` returns `tocha.nn`, `torchvision` is `tocha.vision` and `torchviz`
    is `tocha.viz`: PyTorch code written for a notebook or a script runs unchanged on tocha.
    Call it before the first `import torch`. It is what `python -m tocha run` and
    `%load_ext tocha` (IPython, Jupyter) do for you; calling it twice is harmless.

    Differs from PyTorch: PyTorch has no such function. A real PyTorch imported earlier in
    the process is dropped from `sys.modules` (objects already made with it stay PyTorch's).

    Example:
        >>> import tocha
        >>> tocha.install_as_torch()
        >>> import torch
        >>> torch is tocha
        True
        >>> import torch.nn as nn
        >>> nn.Linear(2, 3).weight.shape
        torch.Size([3, 2])
        >>> tocha.uninstall_as_torch()  # back to normal imports
    """
    install_aliases()


def uninstall_as_torch() -> None:
    """Undo `install_as_torch()`: later `import torch` looks for the real PyTorch again.

    Modules already bound to names (e.g. `torch` in your namespace) keep pointing at tocha.

    Example:
        >>> import tocha
        >>> tocha.install_as_torch(); tocha.uninstall_as_torch()
    """
    uninstall_aliases()


def load_ipython_extension(ipython) -> None:
    """`%load_ext tocha`: in this IPython/Jupyter kernel `import torch` gives tocha.

    IPython calls this with its shell; it installs the aliases (see `install_as_torch`).
    """
    install_aliases()


def unload_ipython_extension(ipython) -> None:
    """`%unload_ext tocha`: later imports of `torch` look for the real PyTorch again."""
    uninstall_aliases()
