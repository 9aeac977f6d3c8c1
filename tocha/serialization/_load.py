"""Turning a checkpoint's pickle and records into tocha objects (PyTorch's formats, tocha-1).

PyTorch's zip format: ``data.pkl`` rebuilds each tensor with
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`` (``_v3``
adds a dtype for an untyped storage); a storage is a persistent id
``('storage', <storage type>, key, location, numel)`` whose bytes are record ``data/<key>``.
Those names resolve to the methods below (never to torch). Every tensor record is checked: its
storage holds exactly ``numel`` elements, the dtype is known, and every element the size, stride
and offset reach lies inside the storage.
"""
from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

from .. import _dtype as D
from .._backend import as_device, cpu, device
from .._tensor import Tensor, _wrap
from ._allow import TOCHA1_NAMES, StorageType, UnsupportedDtype, torch_names
from ._records import Damaged, ZipRecords, _readinto
from ._unpickle import SafeUnpickler

TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
TORCH_LEGACY_PROTOCOL = 1001


class CallerError(Exception):
    """Carries an exception raised by user code (map_location) out of the unpickler."""


class Storage:
    """A storage's bytes (uint8 array), element type (None: untyped) and saved location."""

    __slots__ = ("buf", "dtype", "location")

    def __init__(self, buf: np.ndarray, dtype: D.dtype | None, location: str) -> None:
        self.buf, self.dtype, self.location = buf, dtype, location


def unsupported_dtype(name: str) -> RuntimeError:
    return RuntimeError(f"tocha.load: the checkpoint holds a tensor of dtype {name}, which tocha "
                        "does not support (NumPy has no such type); convert it (.float(), "
                        ".long()) before saving")


def _ints(v: Any, nonneg: bool) -> tuple[int, ...] | None:
    if not isinstance(v, tuple) or not all(type(x) is int for x in v):
        return None
    if nonneg and any(x < 0 for x in v):
        return None
    return tuple(v)


def view_of(buf: np.ndarray, dt: np.dtype, shape: Any, strides: Any, offset: Any) -> np.ndarray:
    """``buf`` seen as ``dt`` with this shape, byte strides and byte offset, checked to lie
    inside it (``np.ndarray(buffer=...)`` would read out of bounds)."""
    shape, strides = _ints(shape, True), _ints(strides, False)
    ok = (not dt.hasobject and shape is not None and strides is not None
          and len(shape) == len(strides) and type(offset) is int)
    if ok:
        lo = hi = offset
        for n, s in zip(shape, strides):
            if n == 0:
                lo, hi = offset, offset - dt.itemsize
                break
            if s > 0:
                hi += (n - 1) * s
            else:
                lo += (n - 1) * s
        ok = 0 <= lo and hi + dt.itemsize <= buf.size
    if not ok:
        raise Damaged(f"a tensor record (shape {shape!r}, strides {strides!r}, offset "
                      f"{offset!r}) does not fit its storage of {buf.size} bytes")
    if 0 in shape:
        return np.empty(shape, dtype=dt)
    return np.ndarray(shape, dt, buffer=buf, offset=offset, strides=strides)


class Loader:
    """One ``load`` call: its records, map_location, and the rebuild functions it resolves."""

    def __init__(self, records: ZipRecords | None, map_location: Any) -> None:
        self.records = records
        self.map_location = map_location
        self.storages: dict[str, Storage] = {}
        self.legacy: dict[str, tuple[np.ndarray, D.dtype | None]] = {}
        self.tocha1: dict[int, Tensor] = {}
        self.size_limit = 1 << 62  # legacy files: no storage larger than the file
        self.rebuilders = {"torch._utils._rebuild_tensor_v2": self.rebuild_v2,
                           "torch._utils._rebuild_tensor": self.rebuild_v2,
                           "torch._utils._rebuild_tensor_v3": self.rebuild_v3,
                           "torch._utils._rebuild_parameter": self.rebuild_parameter,
                           "torch._utils._rebuild_parameter_with_state": self.rebuild_parameter,
                           "torch._tensor._rebuild_from_type_v2": self.rebuild_from_type_v2,
                           "torch._utils._rebuild_sparse_tensor": self.rebuild_sparse}

    def names(self) -> dict[str, Any]:
        return torch_names(self.rebuilders)

    # ---------------------------------------------------------------- zip storages
    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], StorageType) and isinstance(pid[2], str)
                and type(pid[4]) is int and pid[4] >= 0):
            raise Damaged(f"unsupported persistent id {pid!r}")
        _, st, key, location, numel = pid
        if st.dtype is not None and st.dtype.np is None:
            raise unsupported_dtype(f"torch.{st.dtype.name}")
        s = self.storages.get(key)
        if s is None:
            if self.records is None:
                raise Damaged("a storage outside an archive")
            isz = 1 if st.dtype is None else st.dtype.itemsize
            buf = self.records.data(key, numel * isz)
            s = self.storages[key] = Storage(buf, st.dtype, str(location))
        return s

    # ---------------------------------------------------------------- rebuild functions
    def rebuild_v2(self, storage: Any, storage_offset: Any, size: Any, stride: Any,
                   requires_grad: Any = False, backward_hooks: Any = None,
                   metadata: Any = None) -> Tensor:
        if not isinstance(storage, Storage) or storage.dtype is None:
            raise Damaged("_rebuild_tensor_v2 without a typed storage")
        return self._tensor(storage, storage.dtype, storage_offset, size, stride, requires_grad)

    def rebuild_v3(self, storage: Any, storage_offset: Any, size: Any, stride: Any,
                   requires_grad: Any, backward_hooks: Any, dtype: Any,
                   metadata: Any = None) -> Tensor:
        if isinstance(dtype, UnsupportedDtype):
            raise unsupported_dtype(repr(dtype))
        if not isinstance(storage, Storage) or not isinstance(dtype, D.dtype):
            raise Damaged("_rebuild_tensor_v3 without a storage and dtype")
        return self._tensor(storage, dtype, storage_offset, size, stride, requires_grad)

    def _tensor(self, storage: Storage, dt: D.dtype, offset: Any, size: Any, stride: Any,
                requires_grad: Any) -> Tensor:
        if dt.np is None:
            raise unsupported_dtype(f"torch.{dt.name}")
        if storage.dtype is not None and storage.dtype is not dt:
            raise Damaged("a tensor's dtype differs from its storage's")
        isz = dt.itemsize
        size, stride = _ints(tuple(size) if isinstance(size, tuple) else size, True), \
            _ints(stride, True)
        if type(offset) is not int or size is None or stride is None:
            raise Damaged("a tensor record has a non-integer size, stride or offset")
        arr = view_of(storage.buf, dt.np, size, tuple(s * isz for s in stride), offset * isz)
        t = _wrap(arr)
        t._dtype = dt
        t = self.place(t, storage.location)
        if requires_grad is True:
            t.requires_grad_(True)
        return t

    def rebuild_sparse(self, layout: Any, data: Any) -> Tensor:
        # (checked as PyTorch's loader checks them: indices in range, compressed invariants)
        from ..sparse._pickle import sparse_rebuild
        try:
            return sparse_rebuild(layout, data)
        except (TypeError, ValueError, RuntimeError, IndexError) as e:
            raise Damaged(f"_rebuild_sparse_tensor: {e}") from None

    def rebuild_parameter(self, data: Any, requires_grad: Any, backward_hooks: Any = None,
                          state: Any = None) -> Tensor:
        if not isinstance(data, Tensor):
            raise Damaged("_rebuild_parameter without a tensor")
        from ..nn import Parameter
        return Parameter(data, requires_grad=bool(requires_grad))

    def rebuild_from_type_v2(self, func: Any, new_type: Any, args: Any, state: Any) -> Any:
        # tensor subclasses: rebuild the plain tensor (the subclass is not known to tocha)
        if func not in self.rebuilders.values() or not isinstance(args, tuple):
            raise pickle.UnpicklingError("tocha.load: _rebuild_from_type_v2 may only call a "
                                         "tensor rebuild function")
        return func(*args)

    # ---------------------------------------------------------------- map_location
    def place(self, t: Tensor, location: str) -> Tensor:
        ml = self.map_location
        target: Any = location
        if isinstance(ml, (str, device)):
            target = ml
        elif isinstance(ml, dict):
            target = ml.get(location, location)
        elif callable(ml):
            try:
                res = ml(t, location)
            except Exception as e:
                raise CallerError from e  # the user's error, not a format error
            if isinstance(res, Tensor):
                return res
            if res is not None:
                raise TypeError("map_location should return a Tensor or None, got "
                                f"{type(res).__name__}")
        dev = as_device(target)
        return t if dev is cpu or dev == t.device else t.to(dev)

    # ---------------------------------------------------------------- tocha's first format
    def tocha1_load(self, pid: Any) -> Any:
        """Persistent ids of "tocha-1" archives: ("ndarray", ...) and ("tensor", ...)."""
        if isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "ndarray":
            return self._tocha1_view(*pid[1:])
        if not (isinstance(pid, tuple) and len(pid) == 11 and pid[0] == "tensor"):
            raise Damaged(f"unsupported persistent id {pid!r}")
        _, kind, key, dt_name, np_dt, shape, strides, offset, rg, loc, serial = pid
        if serial in self.tocha1:
            return self.tocha1[serial]
        dt = D._NAME2DT.get(dt_name) if isinstance(dt_name, str) else None
        arr = self._tocha1_view(key, np_dt, shape, strides, offset)
        if dt is None or dt.np != arr.dtype:
            raise Damaged(f"a tensor record claims dtype {dt_name!r} but holds {np_dt!r}")
        t = _wrap(arr)
        t._dtype = dt
        t = self.place(t, str(loc))
        if kind == "parameter":
            t = self.rebuild_parameter(t, bool(rg))
        elif rg:
            t.requires_grad_(True)
        self.tocha1[serial] = t
        return t

    def _tocha1_view(self, key: Any, np_dt: Any, shape: Any, strides: Any,
                     offset: Any) -> np.ndarray:
        if not isinstance(key, str) or self.records is None or not self.records.has("data/"
                                                                                     + key):
            raise Damaged(f"the archive has no buffer {key!r}")
        try:
            dt = np.dtype(np_dt)
        except TypeError:
            raise Damaged(f"bad dtype {np_dt!r}") from None
        return view_of(self.records.entry(key), dt, shape, strides, offset)


# -------------------------------------------------------------------- the formats
def load_zip(records: ZipRecords, loader: Loader, strict: bool, fallback: Any,
             kw: dict) -> Any:
    version = records.small("version").strip() if records.has("version") else b""
    order = records.small("byteorder").strip() if records.has("byteorder") else b"little"
    if order != b"little":
        raise Damaged(f"byte order {order!r} (big-endian files are not supported)")
    pkl = io.BytesIO(records.small("data.pkl"))
    if version == b"tocha-1":
        names = dict(TOCHA1_NAMES)
        up = SafeUnpickler(pkl, names, strict=strict, persistent_load=loader.tocha1_load,
                           fallback=fallback, **kw)
    else:
        up = SafeUnpickler(pkl, loader.names(), strict=strict,
                           persistent_load=loader.persistent_load, fallback=fallback, **kw)
    return up.load()


def is_torch_legacy(stream: Any) -> bool:
    """Whether ``stream`` starts with PyTorch's pre-1.6 magic number (position restored)."""
    pos = stream.tell()
    try:
        first = SafeUnpickler(stream, {}, strict=True).load()
    except Exception:  # noqa: BLE001  (not even a pickle: the caller reports it)
        return False
    finally:
        stream.seek(pos)
    return type(first) is int and first == TORCH_LEGACY_MAGIC


def load_torch_legacy(stream: Any, loader: Loader, strict: bool, fallback: Any,
                      kw: dict) -> Any:
    """PyTorch's pre-1.6 format: magic, protocol, sys_info, the object, the storage keys,
    then each storage as an int64 element count followed by its bytes (read in place)."""
    head = [SafeUnpickler(stream, {}, strict=True, **kw).load() for _ in range(3)]
    if head[1] != TORCH_LEGACY_PROTOCOL or not isinstance(head[2], dict):
        raise Damaged(f"unsupported PyTorch legacy protocol {head[1]!r}")
    if not head[2].get("little_endian", True):
        raise Damaged("big-endian PyTorch files are not supported")
    result = SafeUnpickler(stream, loader.names(), strict=strict,
                           persistent_load=lambda pid: _legacy_storage(loader, pid),
                           fallback=fallback, **kw).load()
    keys = SafeUnpickler(stream, {}, strict=True, **kw).load()
    if not isinstance(keys, list):
        raise Damaged("corrupt PyTorch legacy file (storage keys)")
    for key in keys:
        if key not in loader.legacy:
            raise Damaged(f"storage {key!r} is not used by the data")
        buf, dt = loader.legacy[key]
        count = int.from_bytes(stream.read(8), "little", signed=True)
        isz = 1 if dt is None else dt.itemsize
        if count * isz != buf.size:
            raise Damaged(f"storage {key!r} has {count} elements, the data needs "
                          f"{buf.size // isz}")
        _readinto(stream, memoryview(buf), f"storage {key}")
    return result


def _legacy_storage(loader: Loader, pid: Any) -> Storage:
    # ('storage', type, key, location, numel, view_metadata): the bytes come after the
    # pickle, so hand out a zeroed buffer that is filled in later
    if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"
            and isinstance(pid[1], StorageType) and isinstance(pid[2], str)):
        raise Damaged(f"unsupported persistent id {pid!r}")
    _, st, key, location, numel, view = pid
    isz = 1 if st.dtype is None else st.dtype.itemsize
    if key not in loader.legacy:
        if type(numel) is not int or not 0 <= numel * isz <= loader.size_limit:
            raise Damaged(f"bad storage size {numel!r}")
        loader.legacy[key] = (np.zeros(numel * isz, dtype=np.uint8), st.dtype)
    buf = loader.legacy[key][0]
    if view is not None:  # (view key, element offset, element count) into the root
        if not (isinstance(view, tuple) and len(view) == 3
                and all(type(v) is int and v >= 0 for v in view[1:])
                and (view[1] + view[2]) * isz <= buf.size):
            raise Damaged("bad storage view")
        buf = buf[view[1] * isz:(view[1] + view[2]) * isz]
    return Storage(buf, st.dtype, str(location))

