"""tocha.utils: ``data`` (datasets, samplers, DataLoader) and friends, loaded on first use."""
from __future__ import annotations

import importlib
import importlib.util


def __getattr__(name: str):
    # any submodule (tocha.utils.data, ...) is imported when first asked for
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    # the submodules tocha has, loaded on first use
    import os
    import pkgutil
    here = os.path.dirname(__file__)
    subs = {m.name for m in pkgutil.iter_modules([here]) if not m.name.startswith("_")}
    if importlib.util.find_spec("tensorboard") is None:  # its optional extra is missing
        subs.discard("tensorboard")
    return sorted(set(globals()) | subs)
