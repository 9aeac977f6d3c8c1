"""tocha.vision: torchvision's datasets, transforms, models and utils (mapped as `torchvision`).

Submodules load on first use, and PIL is imported only by the functions that need it, so that
`import tocha` stays fast.
"""
from __future__ import annotations

import importlib

from .._version import TORCHVISION_API as _API
from .._version import VERSION as _VERSION

__version__ = f"{_API}+tocha{_VERSION}"
_SUBMODULES = ("datasets", "transforms", "models", "utils", "io")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tocha.vision' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))


def get_image_backend() -> str:
    return "PIL"


def set_image_backend(backend: str) -> None:
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. tocha.vision supports only 'PIL' "
                         f"(Pillow is its only image library).")
