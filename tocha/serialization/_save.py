"""Writing PyTorch's checkpoint format (zip, and the legacy pre-1.6 stream) from tocha objects.

``data.pkl`` is what ``torch.save`` writes: each tensor is a REDUCE of
``torch._utils._rebuild_tensor_v2`` (``_rebuild_parameter`` around it for a Parameter) over a
storage persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``; dtypes are
GLOBAL ``torch.float32``, sizes ``torch.Size``, devices ``torch.device``. Those names are
written as raw GLOBAL opcodes by pickle's pure-Python pickler (the C pickler would import
``torch`` to check them). Each storage's bytes are one ``data/<key>`` record, uncompressed and
aligned to 64 bytes (so ``torch.load(mmap=True)`` and ``tocha.load(mmap=True)`` map them).
Tensors that share a NumPy buffer share one storage, as views of one storage do in PyTorch.
"""
from __future__ import annotations

import collections
import os
import pickle
import struct
import sys
import zipfile
from typing import Any, ClassVar

import numpy as np

from .. import _dtype as D
from .. import _layout
from .._backend import device
from .._tensor import Size, Tensor
from ._allow import STORAGE_NAMES

_Pk = pickle._Pickler  # type: ignore[attr-defined]
ALIGN = 64
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


class _Name:
    """A global written into the pickle by name only (module and name)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # pickle insists that a REDUCE function be callable
        raise TypeError(f"{self.module}.{self.name} is a name written into a pickle")


_NAMES: dict[tuple[str, str], _Name] = {}


def _name(module: str, name: str) -> _Name:
    key = (module, name)
    if key not in _NAMES:
        _NAMES[key] = _Name(module, name)
    return _NAMES[key]


class _StorageRef:
    __slots__ = ("key", "location", "numel", "stype")

    def __init__(self, key: str, stype: _Name, location: str, numel: int) -> None:
        self.key, self.stype, self.location, self.numel = key, stype, location, numel


def _root(arr: np.ndarray) -> np.ndarray:
    """The ndarray at the bottom of ``arr``'s base chain (owner of the memory, usually)."""
    r = arr
    while isinstance(r.base, np.ndarray):
        r = r.base
    return r


def _addr(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


class Saver:
    """Pickles an object the way ``torch.save`` does and collects the storages' bytes."""

    def __init__(self, legacy: bool = False) -> None:
        self.legacy = legacy
        self.records: list[tuple[str, memoryview]] = []
        self.numels: dict[str, int] = {}
        self._shared: dict[tuple[int, str], tuple[_StorageRef, np.ndarray]] = {}

    def dumps(self, obj: Any, protocol: int) -> bytes:
        import io
        buf = io.BytesIO()
        _TorchPickler(buf, protocol, self).dump(obj)
        return buf.getvalue()

    def _new_storage(self, mem: np.ndarray, dt: D.dtype, location: str) -> _StorageRef:
        key = str(len(self.records))
        self.records.append((key, memoryview(mem.reshape(-1).view(np.uint8))))
        if dt.name in STORAGE_NAMES:
            stype, numel = _name("torch", STORAGE_NAMES[dt.name]), mem.nbytes // dt.itemsize
        else:
            stype, numel = _name("torch.storage", "UntypedStorage"), mem.nbytes
        self.numels[key] = numel
        return _StorageRef(key, stype, location, numel)

    def tensor_args(self, t: Tensor) -> tuple:
        """(storage, offset, size, stride) in elements, sharing the buffer when PyTorch can."""
        a, dt = np.asarray(t._data), t._dtype
        # a size-1 dimension's stride is arbitrary (and may be negative): make it 0
        byte_strides = [0 if n == 1 else s for n, s in zip(a.shape, a.strides)]
        isz, loc = dt.itemsize, str(t.device)
        root = _root(a)
        off = _addr(a) - _addr(root)
        shareable = ((root.flags.c_contiguous or root.flags.f_contiguous)
                     and not root.dtype.hasobject and root.dtype.byteorder in "=|<"
                     and a.dtype.byteorder in "=|<" and sys.byteorder == "little"
                     and root.nbytes % isz == 0 and off % isz == 0 and off >= 0
                     and all(s >= 0 and s % isz == 0 for s in byte_strides) and a.size > 0)
        if shareable:
            key = (id(root), dt.name)
            ent = self._shared.get(key)
            if ent is None:
                mem = root if root.flags.c_contiguous else root.T
                ent = self._shared[key] = (self._new_storage(mem, dt, loc), root)
            return ent[0], off // isz, tuple(a.shape), tuple(s // isz for s in byte_strides)
        mem = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
        strides, acc = [], 1
        for n in reversed(a.shape):
            strides.append(acc)
            acc *= max(n, 1)
        return self._new_storage(mem, dt, loc), 0, tuple(a.shape), tuple(reversed(strides))

    def reduce_tensor(self, t: Tensor) -> tuple:
        from ..nn import Parameter
        if t.layout is not _layout.strided:     # sparse (tocha/sparse/): PyTorch's record
            from ..sparse._pickle import sparse_reduce_args
            return (_name("torch._utils", "_rebuild_sparse_tensor"), sparse_reduce_args(t))
        if isinstance(t, Parameter):
            data = t.detach()
            return (_name("torch._utils", "_rebuild_parameter"),
                    (data, t.requires_grad, collections.OrderedDict()))
        storage, offset, size, stride = self.tensor_args(t)
        hooks = collections.OrderedDict()
        if storage.stype.name == "UntypedStorage":
            return (_name("torch._utils", "_rebuild_tensor_v3"),
                    (storage, offset, size, stride, t.requires_grad, hooks, t._dtype))
        return (_name("torch._utils", "_rebuild_tensor_v2"),
                (storage, offset, size, stride, t.requires_grad, hooks))


class _TorchPickler(_Pk):  # type: ignore[misc,valid-type]
    dispatch: ClassVar[dict] = dict(_Pk.dispatch)

    def __init__(self, file: Any, protocol: int, saver: Saver) -> None:
        super().__init__(file, protocol=protocol)
        self.saver = saver

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is _StorageRef:
            if self.saver.legacy:
                return ("storage", obj.stype, obj.key, obj.location, obj.numel, None)
            return ("storage", obj.stype, obj.key, obj.location, obj.numel)
        return None

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            return self.saver.reduce_tensor(obj)
        return NotImplemented

    def save_name(self, obj: _Name) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def save_dtype(self, obj: D.dtype) -> None:
        self.save(_name("torch", obj.name))     # save(): a repeated dtype reuses the memo

    def save_size(self, obj: Size) -> None:
        self.save_reduce(_name("torch", "Size"), (tuple(obj),), obj=obj)

    def save_device(self, obj: device) -> None:
        args = (obj.type,) if obj.index is None else (obj.type, obj.index)
        self.save_reduce(_name("torch", "device"), args, obj=obj)

    def save_layout(self, obj: _layout.layout) -> None:
        # PyTorch's record: torch.serialization._get_layout('torch.sparse_coo')
        self.save_reduce(_name("torch.serialization", "_get_layout"), (f"torch.{obj.name}",),
                         obj=obj)

    dispatch[_Name] = save_name
    dispatch[_layout.layout] = save_layout
    dispatch[D.dtype] = save_dtype
    dispatch[type(D.bfloat16)] = save_dtype     # ml_dtypes-backed dtypes (tocha/_dtype_ext.py)
    dispatch[Size] = save_size
    dispatch[device] = save_device


def write_zip(f: Any, data_pkl: bytes, records: list[tuple[str, memoryview]]) -> None:
    """PyTorch's archive: every record stored and its bytes aligned to 64."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        _put(z, "archive/data.pkl", data_pkl)
        _put(z, "archive/.format_version", b"1")
        _put(z, "archive/.storage_alignment", str(ALIGN).encode())
        _put(z, "archive/byteorder", b"little")
        for key, mem in records:
            _put(z, f"archive/data/{key}", mem)
        _put(z, "archive/version", b"3\n")
        _put(z, "archive/.data/serialization_id",
             str(int.from_bytes(os.urandom(16), "little")).zfill(40).encode())


def _put(z: zipfile.ZipFile, name: str, data: Any) -> None:
    zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_STORED
    n = memoryview(data).nbytes
    zip64 = n * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own rule: a 20-byte zip64 extra
    head = 30 + len(name.encode()) + 4 + (20 if zip64 else 0)
    pad = -(z.fp.tell() + head) % ALIGN  # type: ignore[union-attr]
    zi.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    z.writestr(zi, data)


def write_legacy(f: Any, obj: Any, protocol: int) -> None:
    """PyTorch's pre-1.6 stream (``_use_new_zipfile_serialization=False``)."""
    sys_info = {"protocol_version": LEGACY_PROTOCOL, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for head in (LEGACY_MAGIC, LEGACY_PROTOCOL, sys_info):
        pickle.dump(head, f, protocol=protocol)
    saver = Saver(legacy=True)
    f.write(saver.dumps(obj, protocol))
    pickle.dump([k for k, _ in saver.records], f, protocol=protocol)
    for key, mem in saver.records:
        f.write(struct.pack("<q", saver.numels[key]))
        f.write(mem)
