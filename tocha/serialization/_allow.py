"""What ``load(weights_only=True)`` may name: PyTorch's default allowlist, mapped to tocha.

A pickle names classes and functions as GLOBAL ``module.name``. PyTorch's weights-only loader
resolves a fixed set of names (containers, dtypes, ``torch.Size``, ``torch.device``, the tensor
rebuild functions, storage types) plus what the user adds with ``add_safe_globals``. tocha
resolves the same names, to its own objects (torch is never imported), so a file is accepted by
``tocha.load`` exactly when ``torch.load`` would accept it.
"""
from __future__ import annotations

import builtins
import codecs
import collections
import contextlib
import pickle
from typing import Any

from .. import _dtype as D
from .._backend import device
from .._tensor import Size

_user_safe_globals: list[Any] = []


class StorageType:
    """Stands for ``torch.FloatStorage`` (and friends) in a pickle: an element type."""

    __slots__ = ("dtype", "name")

    def __init__(self, name: str, dtype: D.dtype | None) -> None:
        self.name, self.dtype = name, dtype  # dtype None: untyped (bytes)

    def __repr__(self) -> str:
        return f"StorageType(dtype={self.dtype})"


# torch's legacy typed storages; dtypes without one are saved as UntypedStorage + dtype
STORAGE_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage",
                 "float16": "HalfStorage", "bfloat16": "BFloat16Storage",
                 "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage",
                 "int8": "CharStorage", "uint8": "ByteStorage", "bool": "BoolStorage",
                 "complex64": "ComplexFloatStorage", "complex128": "ComplexDoubleStorage"}
UNTYPED = StorageType("UntypedStorage", None)
_TORCH_ONLY_DTYPES = ("uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e4m3fnuz",
                      "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "complex32",
                      "float4_e2m1fn_x2", "qint8", "quint8", "qint32")


class UnsupportedDtype:
    """A PyTorch dtype tocha does not have: loads as a name, refuses to build tensors."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


def _get_layout(name: Any) -> Any:
    """`torch.serialization._get_layout('torch.sparse_coo')` in a record: the layout."""
    from .. import _layout
    from ._records import Damaged
    lay = None
    if isinstance(name, str) and name.startswith("torch."):
        lay = getattr(_layout, name[6:], None)
    if not isinstance(lay, _layout.layout):
        raise Damaged(f"unknown layout {name!r}")
    return lay


def torch_names(rebuild: dict[str, Any]) -> dict[str, Any]:
    """PyTorch's default weights-only globals -> tocha objects; ``rebuild`` gives the functions
    (``torch._utils._rebuild_tensor_v2`` ...) and parameter class."""
    from .._tensor import Tensor
    from ..nn import Parameter
    names: dict[str, Any] = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter, "torch.Tensor": Tensor,
        "torch._tensor.Tensor": Tensor,
        "torch.Size": Size, "torch.device": device, "_codecs.encode": codecs.encode,
        "builtins.bytearray": bytearray, "builtins.set": set, "builtins.complex": complex,
        "torch.storage.UntypedStorage": UNTYPED,
    }
    for dt in D.ALL:
        names[f"torch.{dt.name}"] = dt
    names["torch.serialization._get_layout"] = _get_layout  # (sparse tensors' records)
    for name in _TORCH_ONLY_DTYPES:  # allowed as in PyTorch; a tensor of one says so clearly
        names[f"torch.{name}"] = D._NAME2DT.get(name) or UnsupportedDtype(name)
    for dt_name, st in STORAGE_NAMES.items():
        names[f"torch.{st}"] = StorageType(st, D._NAME2DT[dt_name])
    names.update(rebuild)
    return names


# the globals tocha's own first format ("tocha-1" archives) used: still read, nothing else
TOCHA1_NAMES: dict[str, Any] = {
    "collections.OrderedDict": collections.OrderedDict,
    "collections.defaultdict": collections.defaultdict,
    "collections.Counter": collections.Counter,
    "tocha._dtype._by_name": D._by_name, "tocha._backend.device": device,
    "tocha._tensor.Size": Size, "_codecs.encode": codecs.encode,
}
for _n in ("set", "frozenset", "complex", "slice", "range", "bytearray", "int", "float",
           "bool", "str", "bytes", "list", "dict", "tuple"):
    TOCHA1_NAMES[f"builtins.{_n}"] = TOCHA1_NAMES[f"__builtin__.{_n}"] = getattr(builtins, _n)


def _full_name(g: Any) -> tuple[Any, str]:
    if isinstance(g, tuple):
        if len(g) != 2 or not isinstance(g[1], str):
            raise ValueError(f"Expected (global, 'module.name') tuple, got {g!r}")
        return g[0], g[1]
    mod = getattr(g, "__module__", None)
    qual = getattr(g, "__qualname__", getattr(g, "__name__", None))
    return g, f"{mod}.{qual}"


def user_globals() -> dict[str, Any]:
    """'module.name' -> object, for everything added with ``add_safe_globals``."""
    return {name: obj for obj, name in map(_full_name, _user_safe_globals)}


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow these classes/functions in ``load(weights_only=True)``.

    Args:
        safe_globals: objects (classes, functions) or ``(object, "module.name")`` tuples, the
            latter when the name in the file differs from the object's own.

    Only allow what you trust not to run code or change state when called or built: a class
    added here may be instantiated and given any attribute values by a checkpoint.
    """
    for g in safe_globals:
        _full_name(g)
    _user_safe_globals.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    """The user-added globals allowed by ``load(weights_only=True)``."""
    return list(_user_safe_globals)


def clear_safe_globals() -> None:
    """Forget every global added with ``add_safe_globals``."""
    _user_safe_globals.clear()


class safe_globals(contextlib.ContextDecorator):
    """Context manager: allow these globals for ``load(weights_only=True)`` inside the block."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = list(safe_globals)
        self._n: list[int] = []

    def __enter__(self) -> None:
        self._n.append(len(_user_safe_globals))
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: object) -> None:
        del _user_safe_globals[self._n.pop():]


def weights_only_error(detail: str) -> pickle.UnpicklingError:
    """PyTorch's refusal message: what was refused and how to allow it if trusted."""
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two "
        "options, do those steps only if you trust the source of the checkpoint.\n"
        "\t(1) Re-running `tocha.load` with `weights_only` set to `False` will likely succeed, "
        "but it can result in arbitrary code execution. Do it only if you got the file from a "
        "trusted source.\n"
        "\t(2) Alternatively, to load with `weights_only=True` please check the recommended "
        "steps in the following error message.\n"
        f"WeightsUnpickler error: {detail}")


def unsupported_global(full: str) -> pickle.UnpicklingError:
    name = full.rsplit(".", 1)[-1]
    return weights_only_error(
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
        f"`tocha.serialization.add_safe_globals([{name}])` or the "
        f"`tocha.serialization.safe_globals([{name}])` context manager to allowlist this "
        "global if you trust this class/function.")


class CheckpointError(RuntimeError, pickle.UnpicklingError):
    """A damaged or malformed checkpoint: names the file and what is wrong.

    A ``RuntimeError`` as PyTorch raises for unreadable archives, and an
    ``pickle.UnpicklingError`` so ``except`` clauses written for either catch it.
    """
