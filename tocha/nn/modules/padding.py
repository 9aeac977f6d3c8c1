"""Padding layers: Constant/Zero/Reflection/Replication/Circular Pad{1,2,3}d."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [f"{k}Pad{n}d" for k in ("Constant", "Zero", "Reflection", "Replication", "Circular")
           for n in (1, 2, 3)]


def _ntuple(p, n: int, name: str) -> tuple:
    if isinstance(p, int):
        return (p,) * (2 * n)
    p = tuple(p)
    if len(p) != 2 * n:
        raise ValueError(f"{name}: padding must be an int or a {2 * n}-tuple, got {p}")
    return p


class _PadNd(Module):
    __constants__ = ("padding",)
    _mode = "constant"
    _n = 1

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _ntuple(padding, self._n, type(self).__name__)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ("padding", "value")

    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _make(kind: str, n: int):
    if kind == "Constant":
        base = _ConstantPadNd
        ns = {"_n": n}
    elif kind == "Zero":
        def __init__(self, padding: int | tuple[int, ...]) -> None:
            _ConstantPadNd.__init__(self, padding, 0.0)
        base = _ConstantPadNd
        ns = {"_n": n, "__init__": __init__, "extra_repr": _PadNd.extra_repr}
    else:
        base = _PadNd
        ns = {"_n": n, "_mode": {"Reflection": "reflect", "Replication": "replicate",
                                 "Circular": "circular"}[kind]}
    name = f"{kind}Pad{n}d"
    ns["__module__"] = __name__
    ns["__qualname__"] = name
    ns["__doc__"] = f"Pad the last {n} dim(s) ({kind.lower()} mode)."
    return type(name, (base,), ns)


for _k in ("Constant", "Zero", "Reflection", "Replication", "Circular"):
    for _n in (1, 2, 3):
        globals()[f"{_k}Pad{_n}d"] = _make(_k, _n)
