"""Tensor metadata (shape, dtype, strides, ...) and dtype casts: plain methods that need
nothing but the tensor's array, kept apart so that tocha/_tensor.py holds the autograd core."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import _dtype as D

if TYPE_CHECKING:  # _tensor imports this module: the name is for annotations only
    from ._tensor import Tensor

__all__ = ["CastMethods", "MetadataMethods", "_dim"]


class MetadataMethods:
    """`x.dtype`, `x.ndim`, `x.stride()`, ... (mixed into Tensor)."""

    __slots__ = ()

    @property
    def dtype(self) -> D.dtype:
        return self._dtype

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self._device.type == "cpu"

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None) -> tuple[int, ...] | int:
        a = self._data
        if a.size or any(a.strides):
            st = tuple(s // a.itemsize for s in a.strides)
        else:   # NumPy gives a new empty array 0 strides; PyTorch, contiguous ones
            st, n = [], 1
            for size in reversed(a.shape):
                st.insert(0, n)
                n *= max(size, 1)
            st = tuple(st)
        return st if dim is None else st[_dim(dim, self._data.ndim, "stride")]

    def is_contiguous(self, memory_format: object = None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    def is_complex(self) -> bool:
        return self._dtype.is_complex

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def storage_offset(self) -> int:
        base = self._data
        while base.base is not None and isinstance(base.base, np.ndarray):
            base = base.base
        return (self.data_ptr() - base.__array_interface__["data"][0]) // self._data.itemsize

    def get_device(self) -> int:
        return -1 if self._device.type == "cpu" else (self._device.index or 0)

    @property
    def layout(self):
        from ._layout import strided
        return strided

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    # devices and layouts setup code asks about; tocha's tensors are dense, strided, on the CPU
    is_xpu = is_mps = is_ipu = is_maia = is_mtia = is_xla = is_vulkan = is_meta
    is_mkldnn = is_sparse_csr = is_nested = is_meta


class CastMethods:
    """`x.float()`, `x.long()`, ..., `x.cpu()`: `x.to(...)` shorthands (mixed into Tensor)."""

    __slots__ = ()

    def cpu(self, memory_format: object = None) -> Tensor:
        """The tensor on the CPU: self (tocha's tensors always are)."""
        return self

    def cuda(self, device: object = None, non_blocking: bool = False,
             memory_format: object = None) -> Tensor:
        from ._backend import as_device
        as_device("cuda" if device is None else device)
        return self

    def float(self, memory_format: object = None) -> Tensor:
        """`self.to(tocha.float32)`.

        >>> import tocha
        >>> tocha.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return self.to(D.float32)

    def double(self, memory_format: object = None) -> Tensor:
        return self.to(D.float64)

    def half(self, memory_format: object = None) -> Tensor:
        return self.to(D.float16)

    def bfloat16(self, memory_format: object = None) -> Tensor:
        return self.to(D.bfloat16)

    def long(self, memory_format: object = None) -> Tensor:
        return self.to(D.int64)

    def int(self, memory_format: object = None) -> Tensor:
        return self.to(D.int32)

    def short(self, memory_format: object = None) -> Tensor:
        return self.to(D.int16)

    def char(self, memory_format: object = None) -> Tensor:
        return self.to(D.int8)

    def byte(self, memory_format: object = None) -> Tensor:
        return self.to(D.uint8)

    def bool(self, memory_format: object = None) -> Tensor:
        return self.to(D.bool_)

    def pin_memory(self, device: object = None) -> Tensor:
        return self

    def is_pinned(self, device: object = None) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False


def _dim(d: int, ndim: int, op: str) -> int:
    """Wrap a possibly negative dim, with PyTorch's IndexError."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d % n
