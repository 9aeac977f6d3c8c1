"""tocha.utils: ``data`` (datasets, samplers, DataLoader), loaded on first use."""
from __future__ import annotations


def __getattr__(name: str):
    import importlib
    if name in ("data",):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tocha.utils' has no attribute '{name}'")
