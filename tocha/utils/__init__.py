"""tocha.utils: ``data`` (datasets, samplers, DataLoader) and friends, loaded on first use."""
from __future__ import annotations

import importlib
import importlib.util


def __getattr__(name: str):
    # any submodule (tocha.utils.data, ...) is imported when first asked for
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tocha.utils' has no attribute '{name}'")
