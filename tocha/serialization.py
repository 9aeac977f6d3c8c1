"""``tocha.save`` / ``tocha.load``: a zip of raw buffers plus a pickle that names no code.

Format (see docs/serialization.md): a ZIP_STORED archive with
``archive/version`` ("tocha-1"), ``archive/byteorder`` ("little"), ``archive/data.pkl`` and one
``archive/data/<k>`` entry per memory buffer. In ``data.pkl`` every tensor or NumPy array is a
*persistent id* (a tuple of plain values: buffer key, dtype name, shape, byte strides, byte
offset, ...), so a file written by ``save`` needs no global besides a short allow-list
(OrderedDict, set, tocha dtypes, ...). ``load(weights_only=True)`` (the default) refuses any
other global with ``pickle.UnpicklingError``; ``weights_only=False`` runs full pickle (and warns).
Tensors that share memory are written once and share memory again after loading.
``load`` also reads PyTorch's checkpoints, zip and legacy (state dicts, optimizer states), with
the same restrictions: torch's tensor-rebuild names map to tocha code, torch is never imported.
"""
from __future__ import annotations

import builtins
import codecs
import collections
import contextlib
import io
import os
import pickle
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import _dtype as D
from ._backend import as_device, cpu, device
from ._tensor import Size, Tensor, _wrap

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load",
           "safe_globals", "save"]

DEFAULT_PROTOCOL = 2
_VERSION = b"tocha-1"
_PREFIX = "archive/"
_MAGIC_ZIP = b"PK\x03\x04"
_TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # first pickle of torch's pre-1.6 files


# ----------------------------------------------------------------------------- allow-list
def _builtin_allowed() -> dict[tuple[str, str], Any]:
    allowed: dict[tuple[str, str], Any] = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "defaultdict"): collections.defaultdict,
        ("collections", "Counter"): collections.Counter,
        ("tocha._dtype", "_by_name"): D._by_name,
        ("tocha._backend", "device"): device,
        ("tocha._tensor", "Size"): Size,
        ("_codecs", "encode"): codecs.encode,  # how protocol 2 pickles bytes
    }
    for name in ("set", "frozenset", "complex", "slice", "range", "bytearray", "int", "float",
                 "bool", "str", "bytes", "list", "dict", "tuple"):
        allowed[("builtins", name)] = getattr(builtins, name)
        allowed[("__builtin__", name)] = getattr(builtins, name)  # protocol 2 from Python 2
    return allowed


_ALLOWED = _builtin_allowed()
_user_safe_globals: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow these classes/functions in ``load(weights_only=True)`` (trust them first)."""
    _user_safe_globals.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    """The user-added globals allowed by ``load(weights_only=True)``."""
    return list(_user_safe_globals)


def clear_safe_globals() -> None:
    """Forget every global added with ``add_safe_globals``."""
    _user_safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list[Any]) -> Iterator[None]:
    """Context manager: allow these globals for ``load(weights_only=True)`` inside the block."""
    n = len(_user_safe_globals)
    _user_safe_globals.extend(safe_globals)
    try:
        yield
    finally:
        del _user_safe_globals[n:]


def _user_allowed(module: str, name: str) -> Any:
    for g in _user_safe_globals:
        obj, full = (g if isinstance(g, tuple) else (g, None))
        mod = getattr(obj, "__module__", None)
        qual = getattr(obj, "__qualname__", getattr(obj, "__name__", None))
        if full == f"{module}.{name}" or (mod == module and qual == name):
            return obj
    return None


def _weights_only_error(detail: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two "
        "options, do those steps only if you trust the source of the checkpoint.\n"
        "\t(1) Re-running `tocha.load` with `weights_only` set to `False` will likely succeed, "
        "but it can result in arbitrary code execution. Do it only if you got the file from a "
        "trusted source.\n"
        "\t(2) Alternatively, to load with `weights_only=True` please check the recommended "
        "steps in the following error message.\n"
        f"WeightsUnpickler error: {detail}")


# ----------------------------------------------------------------------------- saving
def _root(arr: np.ndarray) -> np.ndarray:
    """The ndarray at the bottom of ``arr``'s base chain (owner of the memory, usually)."""
    r = arr
    while isinstance(r.base, np.ndarray):
        r = r.base
    return r


def _addr(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


class _Saver:
    """Collects buffers while pickling; tensors/arrays become persistent ids."""

    def __init__(self) -> None:
        self.buffers: dict[int, tuple[str, np.ndarray]] = {}  # id(root) -> (key, root)
        self.keys: list[tuple[str, memoryview]] = []
        self.tensors: dict[int, tuple[int, Tensor]] = {}  # id -> (serial, tensor kept alive)

    def _buffer(self, arr: np.ndarray) -> tuple[str, int]:
        """(buffer key, byte offset of arr's first element inside that buffer)."""
        root = _root(arr)
        shareable = root.flags.c_contiguous or root.flags.f_contiguous
        if shareable and root.dtype.hasobject is False and root.size:
            ent = self.buffers.get(id(root))
            if ent is None:
                key = str(len(self.keys))
                mem = root if root.flags.c_contiguous else root.T
                self.keys.append((key, _bytes_view(mem)))
                self.buffers[id(root)] = ent = (key, root)
            return ent[0], _addr(arr) - _addr(root)
        key = str(len(self.keys))  # not shareable: a private contiguous copy
        self.keys.append((key, _bytes_view(arr)))
        return key, -1

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            return self._tensor_id(obj)
        if type(obj) is np.ndarray and obj.dtype.hasobject is False:
            return ("ndarray",) + self._array_desc(obj)
        return None

    def _array_desc(self, arr: np.ndarray) -> tuple:
        if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and
                                          np.little_endian is False):
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        key, offset = self._buffer(arr)
        if offset < 0:  # private copy: C-contiguous strides from 0
            return key, arr.dtype.str, tuple(arr.shape), _c_strides(arr), 0
        return key, arr.dtype.str, tuple(arr.shape), tuple(arr.strides), offset

    def _tensor_id(self, t: Tensor) -> tuple:
        # a serial per tensor object: the same object saved twice loads as one object
        ent = self.tensors.get(id(t))
        if ent is None:
            ent = self.tensors[id(t)] = (len(self.tensors), t)
        kind = "parameter" if type(t).__name__ == "Parameter" else "tensor"
        key, np_dt, shape, strides, offset = self._array_desc(t._data)
        return ("tensor", kind, key, t._dtype.name, np_dt, shape, strides, offset,
                bool(t._requires_grad), str(t._device), ent[0])


def _bytes_view(arr: np.ndarray) -> memoryview:
    """The bytes of ``arr`` in C order, without a copy when it is already C-contiguous."""
    return memoryview(np.ascontiguousarray(arr).reshape(-1)).cast("B")


def _c_strides(arr: np.ndarray) -> tuple[int, ...]:
    strides, acc = [], arr.dtype.itemsize
    for s in reversed(arr.shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


def _dump(obj: Any, pickle_module: Any, pickle_protocol: int) -> tuple[bytes, list]:
    saver = _Saver()
    buf = io.BytesIO()

    class _Pickler(pickle_module.Pickler):  # type: ignore[name-defined,misc]
        def persistent_id(self, o: Any) -> Any:
            return saver.persistent_id(o)

    _Pickler(buf, protocol=pickle_protocol).dump(obj)
    return buf.getvalue(), saver.keys


def _write_zip(f: Any, data_pkl: bytes, buffers: list) -> None:
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(_PREFIX + "version", _VERSION)
        z.writestr(_PREFIX + "byteorder", b"little")
        z.writestr(_PREFIX + "data.pkl", data_pkl)
        for key, raw in buffers:
            z.writestr(f"{_PREFIX}data/{key}", raw)


def _new_file_mode(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777  # keep the mode of the file we replace
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(obj: Any, f: Any, pickle_module: Any = pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False
         ) -> None:
    """Save ``obj`` (tensors, state dicts, nested containers) to a path or a binary file.

    To a path the write is atomic: a temporary file in the same directory is written, flushed,
    fsync'ed and renamed over the target, so a failure leaves any old file intact.
    Differs from PyTorch: the archive layout is tocha's own (see docs/serialization.md);
    PyTorch cannot read it (``tocha.load`` does read PyTorch's checkpoints).
    """
    data_pkl, buffers = _dump(obj, pickle_module, pickle_protocol)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise RuntimeError(f"Parent directory {os.path.dirname(path) or directory} does not "
                               "exist.")
        mode = _new_file_mode(path)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                _write_zip(out, data_pkl, buffers)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # make the rename itself durable
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
    _write_zip(f, data_pkl, buffers)


# ----------------------------------------------------------------------------- loading
class _ZipEntries:
    """The ``data/<key>`` entries of an open archive, read on demand straight into arrays."""

    def __init__(self, z: zipfile.ZipFile, names: dict[str, str]) -> None:
        self.z, self.names = z, names

    def __contains__(self, key: str) -> bool:
        return key in self.names

    def array(self, key: str) -> np.ndarray:
        info = self.z.getinfo(self.names[key])
        arr = np.empty(info.file_size, dtype=np.uint8)
        view = memoryview(arr)
        pos = 0
        try:
            with self.z.open(info) as fh:  # reading to the end also checks the CRC
                while True:
                    n = fh.readinto(view[pos:])
                    if not n:
                        break
                    pos += n
        except zipfile.BadZipFile as e:
            raise pickle.UnpicklingError(f"tocha.load: corrupt archive ({e})") from None
        if pos != info.file_size:
            raise pickle.UnpicklingError(f"tocha.load: buffer {key!r} is truncated")
        return arr


class _CallerError(Exception):
    """Carries an exception raised by user code (map_location) out of the unpickler."""


def _check_map_location(ml: Any) -> None:
    if not (ml is None or isinstance(ml, (str, device, dict)) or callable(ml)):
        raise ValueError("map_location should be either None, a string, a tocha.device, "
                         f"a dict or a callable, but got {type(ml).__name__}")


class _Loader:
    def __init__(self, raw: _ZipEntries | None, map_location: Any) -> None:
        self.raw = raw
        self.map_location = map_location
        self.arrays: dict[str, np.ndarray] = {}
        self.tensors: dict[int, Tensor] = {}
        self.legacy: dict[str, tuple[np.ndarray, D.dtype]] = {}

    def _buffer(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or self.raw is None or key not in self.raw:
            raise pickle.UnpicklingError(f"tocha.load: the archive has no buffer {key!r}")
        a = self.arrays.get(key)
        if a is None:  # one writable buffer per key: views into it share memory
            a = self.arrays[key] = self.raw.array(key)
        return a

    def _view(self, key: Any, np_dt: Any, shape: Any, strides: Any, offset: Any) -> np.ndarray:
        return self._view_of(self._buffer(key), np_dt, shape, strides, offset)

    def _view_of(self, buf: np.ndarray, np_dt: Any, shape: Any, strides: Any,
                 offset: Any) -> np.ndarray:
        """A view of ``buf`` (byte offset and strides), checked to lie inside it."""
        try:
            dt = np.dtype(np_dt)
        except TypeError:
            raise pickle.UnpicklingError(f"tocha.load: bad dtype {np_dt!r}") from None
        ok = (not dt.hasobject and isinstance(shape, tuple) and isinstance(strides, tuple)
              and len(shape) == len(strides) and type(offset) is int
              and all(type(s) is int and s >= 0 for s in shape)
              and all(type(s) is int for s in strides))
        if ok:
            # every element must lie inside the buffer (as_strided does not check)
            lo = hi = offset
            for n, s in zip(shape, strides):
                if n == 0:
                    lo, hi = offset, offset - dt.itemsize
                    break
                (hi := hi + (n - 1) * s) if s > 0 else (lo := lo + (n - 1) * s)
            ok = 0 <= lo and hi + dt.itemsize <= buf.size
        if not ok:
            raise pickle.UnpicklingError("tocha.load: corrupt tensor record "
                                         f"(shape {shape!r}, strides {strides!r}, "
                                         f"offset {offset!r}, {buf.size} bytes)")
        if 0 in shape:
            return np.empty(shape, dtype=dt)
        return np.ndarray(shape, dt, buffer=buf, offset=offset, strides=strides)

    def persistent_load(self, pid: Any) -> Any:
        if not isinstance(pid, tuple) or not pid:
            raise pickle.UnpicklingError(f"tocha.load: unsupported persistent id {pid!r}")
        if pid[0] == "ndarray" and len(pid) == 6:
            return self._view(*pid[1:])
        if pid[0] == "tensor" and len(pid) == 11:
            serial = pid[10]
            if serial in self.tensors:
                return self.tensors[serial]
            _, kind, key, dt_name, np_dt, shape, strides, offset, rg, loc, _ = pid
            dt = D._NAME2DT.get(dt_name) if isinstance(dt_name, str) else None
            if dt is None:
                raise pickle.UnpicklingError(f"tocha.load: unknown dtype {dt_name!r}")
            t = _wrap(self._view(key, np_dt, shape, strides, offset))
            t._dtype = dt
            t = self._place(t, str(loc))
            if kind == "parameter":
                t = _as_parameter(t, bool(rg))
            elif rg:
                t.requires_grad_(True)
            self.tensors[serial] = t
            return t
        raise pickle.UnpicklingError(f"tocha.load: unsupported persistent id {pid[0]!r}")

    def _place(self, t: Tensor, location: str) -> Tensor:
        ml = self.map_location
        if ml is None:
            target: Any = location
        elif isinstance(ml, (str, device)):
            target = ml
        elif isinstance(ml, dict):
            target = ml.get(location, location)
        elif callable(ml):
            try:
                res = ml(t, location)
            except Exception as e:
                raise _CallerError from e  # the user's error, not a format error
            if res is None:
                target = location
            elif isinstance(res, Tensor):
                return res
            else:
                raise TypeError("map_location should return a Tensor or None, got "
                                f"{type(res).__name__}")
        dev = as_device(target)
        return t if dev is cpu or dev == t.device else t.to(dev)


def _as_parameter(t: Tensor, requires_grad: bool) -> Tensor:
    try:
        from .nn import Parameter  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        t.requires_grad_(requires_grad)
        return t
    return Parameter(t, requires_grad=requires_grad)


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only allow-listed globals: data, never code."""

    def find_class(self, module: str, name: str) -> Any:
        obj = _ALLOWED.get((module, name)) or _user_allowed(module, name)
        if obj is not None:
            return obj
        raise _weights_only_error(
            f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by default. "
            f"Please use `tocha.serialization.add_safe_globals([{name}])` or the "
            f"`tocha.serialization.safe_globals([{name}])` context manager to allowlist this "
            "global if you trust this class/function.")


# ----------------------------------------------------------------------------- PyTorch's files
# torch.save's zip layout: data.pkl names torch._utils._rebuild_tensor_v2 (and friends) and
# refers to storages as persistent ids ('storage', <torch.XStorage>, key, location, numel);
# data/<key> holds each storage's bytes. These names resolve to tocha code below, never to
# torch (which tocha does not import).
_TORCH_STORAGES = {"FloatStorage": "float32", "DoubleStorage": "float64",
                   "HalfStorage": "float16", "LongStorage": "int64", "IntStorage": "int32",
                   "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
                   "BoolStorage": "bool", "BFloat16Storage": "bfloat16",
                   "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128"}


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = D._NAME2DT[name]


class _Storage:
    def __init__(self, buf: np.ndarray, dtype: D.dtype, location: str) -> None:
        self.buf, self.dtype, self.location = buf, dtype, location


def _torch_unpickler(pickle_module: Any, weights_only: bool) -> type:
    base = pickle.Unpickler if weights_only else pickle_module.Unpickler

    class _TorchUnpickler(base):  # type: ignore[misc,valid-type]
        def __init__(self, f: Any, loader: _Loader, **kw: Any) -> None:
            super().__init__(f, **kw)
            self.loader = loader

        def persistent_load(self, pid: Any) -> Any:
            # zip: ('storage', type, key, location, numel)
            # legacy: ('storage', type, key, location, numel, view_metadata)
            if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"
                    and isinstance(pid[1], _StorageType) and isinstance(pid[2], str)):
                raise pickle.UnpicklingError(f"tocha.load: unsupported persistent id {pid!r}")
            dt = pid[1].dtype
            if dt.np is None:
                raise pickle.UnpicklingError(f"tocha.load: dtype tocha.{dt.name} is not "
                                             "supported by tocha (NumPy has no such type)")
            if len(pid) == 5:
                return _Storage(self.loader._buffer(pid[2]), dt, str(pid[3]))
            return self._legacy_storage(dt, *pid[2:])

        def _legacy_storage(self, dt: D.dtype, key: str, location: Any, numel: Any,
                            view: Any) -> _Storage:
            # the bytes come after the pickle: hand out a zeroed buffer, filled in later
            bufs = self.loader.legacy
            isz = dt.itemsize
            if key not in bufs:
                if type(numel) is not int or not 0 <= numel < (1 << 40):
                    raise pickle.UnpicklingError(f"tocha.load: bad storage size {numel!r}")
                bufs[key] = (np.zeros(numel * isz, dtype=np.uint8), dt)
            buf = bufs[key][0]
            if view is not None:  # (view key, element offset, element count) into the root
                if not (isinstance(view, tuple) and len(view) == 3
                        and all(type(v) is int and v >= 0 for v in view[1:])
                        and (view[1] + view[2]) * isz <= buf.size):
                    raise pickle.UnpicklingError("tocha.load: bad storage view")
                buf = buf[view[1] * isz:(view[1] + view[2]) * isz]
            return _Storage(buf, dt, str(location))

        def find_class(self, module: str, name: str) -> Any:
            if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
                return self._rebuild_tensor
            if module == "torch._utils" and name in ("_rebuild_parameter",
                                                     "_rebuild_parameter_with_state"):
                return _rebuild_parameter
            if module == "torch" and name in _TORCH_STORAGES:
                return _StorageType(_TORCH_STORAGES[name])
            if module == "torch" and name in D._NAME2DT:
                return D._NAME2DT[name]
            if module == "torch" and name in ("Size", "device"):
                return Size if name == "Size" else device
            if module == "torch._tensor" and name == "_rebuild_from_type_v2":
                return _rebuild_from_type_v2
            obj = _ALLOWED.get((module, name)) or _user_allowed(module, name)
            if obj is not None:
                return obj
            if weights_only:
                return _RestrictedUnpickler.find_class(self, module, name)  # type: ignore
            if module.split(".")[0] == "torch":
                raise pickle.UnpicklingError(
                    f"tocha.load: this PyTorch file needs {module}.{name}, which tocha cannot "
                    "provide; save and load a state_dict() instead of whole objects")
            return super().find_class(module, name)

        def _rebuild_tensor(self, storage: Any, storage_offset: Any, size: Any, stride: Any,
                            requires_grad: Any = False, backward_hooks: Any = None,
                            metadata: Any = None) -> Tensor:
            if not isinstance(storage, _Storage):
                raise pickle.UnpicklingError("tocha.load: _rebuild_tensor_v2 without a storage")
            isz = storage.dtype.itemsize
            shape, strides = tuple(size), tuple(stride)
            if not all(type(v) is int for v in (storage_offset, *strides)):
                raise pickle.UnpicklingError("tocha.load: corrupt tensor record")
            arr = self.loader._view_of(storage.buf, storage.dtype.np, shape,
                                       tuple(v * isz for v in strides), storage_offset * isz)
            t = _wrap(arr)
            t._dtype = storage.dtype
            t = self.loader._place(t, storage.location)
            if requires_grad:
                t.requires_grad_(True)
            return t

    return _TorchUnpickler


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any,
                       state: Any = None) -> Tensor:
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("tocha.load: _rebuild_parameter without a tensor")
    return _as_parameter(data, bool(requires_grad))


def _rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Any:
    # tensor subclasses: rebuild the plain tensor (the subclass is not known to tocha)
    if not callable(func) or not isinstance(args, tuple):
        raise pickle.UnpicklingError("tocha.load: corrupt tensor subclass record")
    return func(*args)


_TORCH_LEGACY_PROTOCOL = 1001


def _is_torch_legacy(pkl: bytes) -> bool:
    try:
        first = _RestrictedUnpickler(io.BytesIO(pkl)).load()
    except Exception:  # noqa: BLE001  (not even a pickle: let the main path report it)
        return False
    return type(first) is int and first == _TORCH_LEGACY_MAGIC


def _load_torch_legacy(stream: io.BytesIO, loader: _Loader, pickle_module: Any,
                       weights_only: bool, **kw: Any) -> Any:
    """PyTorch's pre-1.6 format: magic, protocol, sys_info, the object, the storage keys,
    then each storage as an int64 element count followed by its bytes."""
    head = [_RestrictedUnpickler(stream, **kw).load() for _ in range(3)]
    if head[1] != _TORCH_LEGACY_PROTOCOL or not isinstance(head[2], dict):
        raise RuntimeError(f"tocha.load: unsupported PyTorch legacy protocol {head[1]!r}")
    if not head[2].get("little_endian", True):
        raise RuntimeError("tocha.load: big-endian PyTorch files are not supported")
    up = _torch_unpickler(pickle_module, weights_only)(stream, loader, **kw)
    result = up.load()
    keys = _RestrictedUnpickler(stream, **kw).load()
    if not isinstance(keys, list):
        raise pickle.UnpicklingError("tocha.load: corrupt PyTorch legacy file (storage keys)")
    for key in keys:
        if key not in loader.legacy:
            raise pickle.UnpicklingError(f"tocha.load: storage {key!r} is not used by the data")
        buf, dt = loader.legacy[key]
        count = int.from_bytes(stream.read(8), "little", signed=True)
        raw = stream.read(count * dt.itemsize) if count >= 0 else b""
        if count * dt.itemsize != buf.size or len(raw) != buf.size:
            raise pickle.UnpicklingError(f"tocha.load: storage {key!r} is truncated or has the "
                                         "wrong size")
        buf[:] = np.frombuffer(raw, dtype=np.uint8)
    return result


def load(f: Any, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = True, mmap: bool | None = None,
         **pickle_load_args: Any) -> Any:
    """Load what ``save`` wrote, from a path or a binary file.

    ``weights_only=True`` (the default) unpickles only plain data (containers, numbers,
    strings, tensors and a short allow-list of globals) and raises ``pickle.UnpicklingError``
    for anything else; ``weights_only=False`` runs full pickle, which can execute arbitrary
    code (a warning says so). ``map_location``: None, a device or string, a dict
    ``{saved location: new location}``, or a callable ``(tensor, location) -> tensor|None``.
    ``mmap`` is accepted and ignored.
    """
    if weights_only is None:
        weights_only = True
    if pickle_module is not None and weights_only:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    pickle_module = pickle_module or pickle
    _check_map_location(map_location)
    if not weights_only:
        warnings.warn("tocha.load with weights_only=False runs full pickle, which can execute "
                      "arbitrary code: only load files you trust.", UserWarning, stacklevel=2)
    src, close = _source(f)
    try:
        head = src.read(4)
        src.seek(-len(head), io.SEEK_CUR)
        if head == _MAGIC_ZIP:
            try:
                z = zipfile.ZipFile(src)
            except zipfile.BadZipFile as e:
                raise RuntimeError(f"tocha.load: corrupt archive ({e})") from None
            with z:
                return _load_zip(z, map_location, pickle_module, weights_only,
                                 pickle_load_args)
        pkl = src.read()
    finally:
        if close:
            src.close()
    loader = _Loader(None, map_location)  # a bare pickle: not written by tocha.save
    if _is_torch_legacy(pkl):
        return _unpickle(lambda: _load_torch_legacy(io.BytesIO(pkl), loader, pickle_module,
                                                    weights_only, **pickle_load_args),
                         weights_only)
    if weights_only:
        up: Any = _RestrictedUnpickler(io.BytesIO(pkl), **pickle_load_args)
    else:
        up = pickle_module.Unpickler(io.BytesIO(pkl), **pickle_load_args)
    up.persistent_load = loader.persistent_load
    return _unpickle(up.load, weights_only)


def _source(f: Any) -> tuple[Any, bool]:
    """A seekable binary stream for ``f`` and whether to close it."""
    if isinstance(f, (str, os.PathLike)):
        return open(f, "rb"), True
    if not hasattr(f, "read"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'read'")
    if getattr(f, "seekable", lambda: False)():
        return f, False
    return io.BytesIO(f.read()), False


def _load_zip(z: zipfile.ZipFile, map_location: Any, pickle_module: Any, weights_only: bool,
              pickle_load_args: dict) -> Any:
    names = z.namelist()
    prefix = next((n[:-len("data.pkl")] for n in names
                   if n.endswith("data.pkl") and n.count("/") == 1), None)
    if prefix is None:
        raise RuntimeError("tocha.load: not a tocha archive (no data.pkl)")
    entries = {n[len(prefix) + 5:]: n for n in names if n.startswith(prefix + "data/")}
    version = z.read(prefix + "version") if prefix + "version" in names else b""
    order = z.read(prefix + "byteorder") if prefix + "byteorder" in names else b"little"
    if order.strip() != b"little":
        raise RuntimeError(f"tocha.load: byte order {order!r} is not supported")
    pkl = z.read(prefix + "data.pkl")
    loader = _Loader(_ZipEntries(z, entries), map_location)
    if version.strip() != _VERSION:  # written by torch.save
        up: Any = _torch_unpickler(pickle_module, weights_only)(io.BytesIO(pkl), loader,
                                                               **pickle_load_args)
    elif weights_only:
        up = _RestrictedUnpickler(io.BytesIO(pkl), **pickle_load_args)
        up.persistent_load = loader.persistent_load
    else:
        up = pickle_module.Unpickler(io.BytesIO(pkl), **pickle_load_args)
        up.persistent_load = loader.persistent_load
    return _unpickle(up.load, weights_only)


def _unpickle(run: Any, weights_only: bool) -> Any:
    """Run an unpickling step; user errors pass through, format errors become clear ones."""
    try:
        return run()
    except _CallerError as e:
        raise e.__cause__ from None
    except pickle.UnpicklingError:
        raise
    except (EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError) as e:
        if weights_only:
            raise _weights_only_error(f"{type(e).__name__}: {e}") from None
        raise

