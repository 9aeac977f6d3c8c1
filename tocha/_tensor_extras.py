"""Tensor predicates that setup code reads (`t.is_xpu`, `t.is_mps`, ...), attached to Tensor.

They live outside `_tensor.py` so that they do not meddle with the core class's code: each is
a property answering from the tensor's device (tocha's tensors are dense, strided and on the
CPU, so all are False there, as in PyTorch).
"""
from __future__ import annotations

from ._tensor import Tensor

_DEVICE_TYPES = ("xpu", "mps", "ipu", "maia", "mtia", "xla", "vulkan")
# layouts and formats tocha's dense NumPy tensors never have
_NEVER = ("is_mkldnn", "is_sparse_csr", "is_nested")


def _device_is(kind: str) -> property:
    def get(self) -> bool:
        return self.device.type == kind
    get.__name__ = f"is_{kind}"
    get.__doc__ = f"True if the tensor is stored on the {kind} device (never, in tocha)."
    return property(get)


def _never(name: str) -> property:
    def get(self) -> bool:
        return False
    get.__name__ = name
    return property(get)


def install() -> None:
    for kind in _DEVICE_TYPES:
        if not hasattr(Tensor, f"is_{kind}"):
            setattr(Tensor, f"is_{kind}", _device_is(kind))
    for name in _NEVER:
        if not hasattr(Tensor, name):
            setattr(Tensor, name, _never(name))


install()
