"""``torch.UntypedStorage`` (a tensor's bytes), ``Tensor.untyped_storage`` and ``frombuffer``.

Enough of PyTorch's storage API for code that inspects or maps tensor memory, such as
``safetensors.torch`` (which finds shared tensors by storage pointer and size, and maps
files with ``UntypedStorage.from_file``). A storage is a flat uint8 NumPy view of the memory
a tensor's array lives in: the bottom of its base chain, when that is one contiguous block.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, _wrap


class UntypedStorage:
    """A flat block of bytes (``torch.UntypedStorage``) shared with the tensors that use it.

    Args:
        size_or_data: a byte count (zero-filled) or a sequence of byte values.

    Example::

        >>> import tocha
        >>> t = tocha.arange(4, dtype=tocha.int32)
        >>> s = t.untyped_storage()
        >>> s.nbytes(), s.data_ptr() == t.data_ptr()
        (16, True)

    Differs from PyTorch: no ``device`` other than cpu, no resizing.
    """

    def __init__(self, size_or_data: Any = 0, *, device: Any = None) -> None:
        if isinstance(size_or_data, np.ndarray):
            self._mem = size_or_data.reshape(-1).view(np.uint8)
        elif isinstance(size_or_data, int):
            self._mem = np.zeros(size_or_data, dtype=np.uint8)
        else:
            self._mem = np.array(list(size_or_data), dtype=np.uint8)

    @classmethod
    def from_file(cls, filename: str, shared: bool = False, nbytes: int = 0) -> UntypedStorage:
        """Map ``nbytes`` of ``filename``: writes reach the file if ``shared``, else stay
        private (copy-on-write)."""
        if nbytes == 0:
            return cls(0)
        return cls(np.memmap(filename, dtype=np.uint8, mode="r+" if shared else "c",
                             shape=(nbytes,)))

    def nbytes(self) -> int:
        return int(self._mem.size)

    size = nbytes
    __len__ = nbytes

    def data_ptr(self) -> int:
        return int(self._mem.__array_interface__["data"][0])

    def element_size(self) -> int:
        return 1

    def untyped(self) -> UntypedStorage:
        return self

    _untyped = untyped  # the name safetensors' extension calls

    @property
    def device(self) -> Any:
        from ._backend import cpu
        return cpu

    @property
    def dtype(self) -> D.dtype:
        return D.uint8

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return UntypedStorage(self._mem[idx])
        return int(self._mem[idx])

    def __setitem__(self, idx: Any, value: Any) -> None:
        self._mem[idx] = value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._mem if dtype is None else self._mem.astype(dtype)

    def tolist(self) -> list[int]:
        return self._mem.tolist()

    def __repr__(self) -> str:
        return f" {self.tolist()[:8]}...\n[tocha.storage.UntypedStorage(device=cpu) of size " \
               f"{self.nbytes()}]"


def untyped_storage(self: Tensor) -> UntypedStorage:
    """The bytes this tensor's memory belongs to (shared, not copied)."""
    a = self._data
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.flags.c_contiguous or root.flags.f_contiguous:
        return UntypedStorage(root if root.flags.c_contiguous else root.T)
    return UntypedStorage(np.ascontiguousarray(a))


def frombuffer(buffer: Any, *, dtype: D.dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-D tensor sharing memory with ``buffer`` (any object with the buffer protocol)."""
    if dtype.np is None:
        raise TypeError(f"frombuffer: dtype {dtype} is not supported by tocha")
    arr = np.frombuffer(buffer, dtype=dtype.np, count=count, offset=offset)
    if not arr.flags.writeable:
        arr = arr.copy()  # read-only memory (bytes): PyTorch warns and shares; tocha copies
    t = _wrap(arr)
    t._dtype = dtype
    if requires_grad:
        t.requires_grad_(True)
    return t


Tensor.untyped_storage = untyped_storage  # type: ignore[attr-defined]
