"""The one seam that maps a device to the array module holding its data (NumPy now)."""
from __future__ import annotations

import numpy as np


class device:
    """A device: `tocha.device('cpu')`, `tocha.device('cuda', 0)`, `tocha.device('cuda:1')`."""

    __slots__ = ("index", "type")

    def __new__(cls, type_or_device="cpu", index: int | None = None):
        if isinstance(type_or_device, device):
            return type_or_device
        if isinstance(type_or_device, int):          # torch.device(0) means cuda:0
            type_or_device, index = "cuda", type_or_device
        if not isinstance(type_or_device, str):
            raise TypeError(f"device(): expected a string or device, got "
                            f"{type(type_or_device).__name__}")
        name = type_or_device
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type_or_device}'")
            index = int(idx)
        if name not in _KNOWN:
            raise RuntimeError(
                f"Expected one of cpu, cuda, mps, meta device type at start of device string: "
                f"{type_or_device}")
        if name == "cpu" and index is None:
            return cpu
        self = object.__new__(cls)
        object.__setattr__(self, "type", name)
        object.__setattr__(self, "index", index)
        return self

    def __setattr__(self, k, v):
        raise AttributeError("device objects are immutable")

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return (isinstance(other, device) and self.type == other.type
                and self.index == other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


_KNOWN = ("cpu", "cuda", "mps", "meta")
cpu = object.__new__(device)
object.__setattr__(cpu, "type", "cpu")
object.__setattr__(cpu, "index", None)


def cuda_is_available() -> bool:
    """True when a CUDA array module (CuPy with a GPU) can hold tensors."""
    return False


class CudaUnavailableError(RuntimeError, AssertionError):
    """No CUDA device. PyTorch raises AssertionError here; this is also a RuntimeError."""


def as_device(d) -> device:
    """Normalise a device argument and check that tocha can place tensors there."""
    if d is None or d is cpu:
        return cpu
    dev = device(d)
    if dev.type == "cpu":
        return cpu
    if dev.type == "cuda" and not cuda_is_available():
        raise CudaUnavailableError(
            "Torch not compiled with CUDA enabled: tocha found no CUDA device (CuPy with a "
            "GPU). Use device='cpu', or `device = 'cuda' if tocha.cuda.is_available() "
            "else 'cpu'`.")
    raise RuntimeError(f"tocha cannot place tensors on device '{dev}': only 'cpu' is available")


def xp(dev: device):
    """The array module for a device."""
    return np
