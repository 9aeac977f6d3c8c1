"""``tocha.save`` / ``tocha.load``: PyTorch's checkpoint format, both ways, safe by default.

``save`` writes what ``torch.save`` writes (a zip archive: ``data.pkl`` plus one record per
storage), so ``torch.load(f, weights_only=True)`` reads tocha's checkpoints and ``tocha.load``
reads PyTorch's (and PyTorch's pre-1.6 format, and tocha's own earlier "tocha-1" archives).
``load`` defaults to ``weights_only=True``: only PyTorch's allowlist of globals (containers,
numbers, dtypes, sizes, devices, tensors) plus what ``add_safe_globals`` adds may appear, and
no opcode may call or change anything else. See docs/serialization.md.
"""
from __future__ import annotations

import _compat_pickle
import contextlib
import io
import os
import pickle
import pickletools
import tempfile
from collections.abc import Iterator
from typing import Any

from ._allow import (
    CheckpointError,
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    safe_globals,
    torch_names,
    user_globals,
)
from ._load import CallerError, Loader, load_torch_legacy, load_zip
from ._records import Damaged, ZipRecords, damaged
from ._save import Saver, write_legacy, write_zip

__all__ = [
    "DEFAULT_PROTOCOL",
    "CheckpointError",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "get_unsafe_globals_in_checkpoint",
    "load",
    "safe_globals",
    "save",
]

DEFAULT_PROTOCOL = 2
_TMP_TAG = ".tocha-tmp-"


# ----------------------------------------------------------------------------- save
def save(obj: Any, f: Any, pickle_module: Any = pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False
         ) -> None:
    """Save ``obj`` (tensors, state dicts, nested containers, numbers) in PyTorch's format.

    Args:
        obj: what to save; tensors anywhere inside it are stored once per memory buffer
            (views of one tensor stay views of one storage after loading, here and in torch).
        f: a path (``str`` / ``os.PathLike``) or a binary file object with ``write``.
        pickle_module: accepted for PyTorch compatibility; tocha always pickles with its own
            pure-Python pickler (it must name ``torch`` globals without importing torch).
        pickle_protocol: pickle protocol of ``data.pkl`` (2, as PyTorch).
        _use_new_zipfile_serialization: False writes PyTorch's legacy pre-1.6 stream.

    To a path the write is atomic: a temporary file in the target's folder is written, synced
    and renamed over the target (through a symlink: over the link's target, as ``open()``
    writes), so an interrupted save leaves the previous file intact; temporary files of
    interrupted saves in that folder are removed by the next save that completes.

    Example::

        >>> import io, tocha
        >>> buf = io.BytesIO()
        >>> w = tocha.arange(6.0).reshape(2, 3)
        >>> tocha.save({"w": w, "row": w[1], "step": 3}, buf)
        >>> _ = buf.seek(0)
        >>> out = tocha.load(buf)
        >>> out["row"].tolist(), out["step"]
        ([3.0, 4.0, 5.0], 3)

    Differs from PyTorch: ``pickle_module`` is not used for saving; NumPy arrays are pickled
    by NumPy (so ``load(weights_only=True)`` refuses them, as ``torch.load`` does).
    """
    def write(out: Any) -> None:
        if not _use_new_zipfile_serialization:
            write_legacy(out, obj, pickle_protocol)
            return
        saver = Saver()
        write_zip(out, saver.dumps(obj, pickle_protocol), saver.records)

    if isinstance(f, (str, os.PathLike)):
        _atomic_write(os.fspath(f), write)
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
    write(f)


def _atomic_write(path: str, write: Any) -> None:
    target = os.path.realpath(path)  # a symlink: write where it points, as open() does
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {os.path.dirname(path) or directory} does not "
                           "exist.")
    mode = _new_file_mode(target)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp",
                               prefix=f".{os.path.basename(target)}{_TMP_TAG}{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
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
    _remove_stale_temps(directory)


def _remove_stale_temps(directory: str) -> None:
    """Delete temporary files left by saves whose process died (killed mid-write)."""
    with contextlib.suppress(OSError):
        for name in os.listdir(directory):
            if not (name.startswith(".") and _TMP_TAG in name and name.endswith(".tmp")):
                continue
            pid = name.rsplit(_TMP_TAG, 1)[1].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _new_file_mode(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777  # keep the mode of the file we replace
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# ----------------------------------------------------------------------------- load
def load(f: Any, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = True, mmap: bool | None = None,
         **pickle_load_args: Any) -> Any:
    """Load a checkpoint written by ``tocha.save`` or ``torch.save`` (any version since 0.4).

    Args:
        f: a path or a binary file object (seekable or not).
        map_location: None (tensors go to their saved device), a device or string, a dict
            ``{saved location: new location}``, or a callable ``fn(tensor, location)``
            returning a tensor (or None for the default).
        pickle_module: only with ``weights_only=False``: its ``Unpickler.find_class`` resolves
            the globals tocha does not know.
        weights_only: True (the default, None means True): only PyTorch's allowlist plus
            ``add_safe_globals``; anything else raises ``pickle.UnpicklingError`` before it
            runs. False runs full pickle: only for files you trust.
        mmap: map the tensors' bytes from the file (copy-on-write) instead of reading them;
            ``f`` must be a path or a file with a name, and the file PyTorch's zip format.
        pickle_load_args: ``encoding`` / ``errors`` / ``fix_imports`` for Python 2 pickles.

    A damaged or malformed file raises ``CheckpointError`` (a ``RuntimeError`` and a
    ``pickle.UnpicklingError``) naming the file and what is wrong.

    Example::

        >>> import io, tocha
        >>> buf = io.BytesIO()
        >>> tocha.save(tocha.nn.Linear(2, 1).state_dict(), buf)
        >>> _ = buf.seek(0)
        >>> sorted(tocha.load(buf, map_location="cpu"))
        ['bias', 'weight']

    Differs from PyTorch: a ``map_location`` callable is called once per tensor (PyTorch: per
    storage) with the tensor; tensor subclasses other than ``nn.Parameter`` load as plain
    tensors; complex tensors raise (tocha has no such types yet).
    """
    weights_only = _check_load_args(map_location, pickle_module, weights_only)
    src, close, path = _source(f, bool(mmap))
    try:
        with _errors(repr(path) if path is not None else "the checkpoint stream", weights_only):
            return _load(src, path, bool(mmap), Loader(None, map_location), weights_only,
                         _fallback(pickle_module or pickle), pickle_load_args)
    finally:
        if close:
            src.close()


def _check_load_args(map_location: Any, pickle_module: Any, weights_only: bool | None) -> bool:
    if weights_only is None:
        weights_only = True
    if pickle_module is not None and weights_only:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    _check_map_location(map_location)
    if not weights_only:
        import warnings
        warnings.warn("tocha.load with weights_only=False runs full pickle, which can execute "
                      "arbitrary code: only load files you trust.", UserWarning, stacklevel=3)
    return weights_only


@contextlib.contextmanager
def _errors(name: str, weights_only: bool) -> Iterator[None]:
    """User errors pass through; any sign of damage becomes one CheckpointError naming
    the file; refusals stay PyTorch's UnpicklingError."""
    try:
        yield
    except CallerError as e:
        raise e.__cause__ from None  # type: ignore[misc]
    except Damaged as e:
        raise damaged(name, str(e)) from None
    except CheckpointError:
        raise
    except pickle.UnpicklingError as e:
        if str(e).startswith("Weights only load failed"):
            raise
        raise damaged(name, str(e)) from None
    except (EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            UnicodeDecodeError, OverflowError, RecursionError) as e:
        if not weights_only:
            raise
        raise damaged(name, f"{type(e).__name__}: {e}") from None


def _load(src: Any, path: str | None, mmap: bool, loader: Loader, weights_only: bool,
          fallback: Any, kw: dict) -> Any:
    start = src.tell()
    head = src.read(4)
    src.seek(start)
    if not head:
        raise Damaged("the file is empty")
    if head == b"PK\x03\x04":
        records = ZipRecords(src, path, mmap)
        loader.records = records
        return load_zip(records, loader, weights_only, fallback, kw)
    if mmap:
        raise RuntimeError("mmap can only be used with files saved with "
                           "`torch.save(_use_new_zipfile_serialization=True)`, please "
                           "torch.save your checkpoint with this option in order to use mmap.")
    with contextlib.suppress(OSError, ValueError):
        loader.size_limit = src.seek(0, io.SEEK_END) - start
    src.seek(start)
    return load_torch_legacy(src, loader, weights_only, fallback, kw)


def _fallback(pickle_module: Any) -> Any:
    """find_class for weights_only=False: torch names tocha lacks are refused clearly."""
    def find(module: str, name: str) -> Any:
        if module.split(".")[0] == "torch":
            raise pickle.UnpicklingError(
                f"tocha.load: this PyTorch file needs {module}.{name}, which tocha cannot "
                "provide; save and load a state_dict() instead of whole objects")
        return pickle_module.Unpickler(io.BytesIO(b"")).find_class(module, name)
    return find


def _check_map_location(ml: Any) -> None:
    from .._backend import device
    if not (ml is None or isinstance(ml, (str, device, dict)) or callable(ml)):
        raise ValueError("map_location should be either None, a string, a tocha.device, "
                         f"a dict or a callable, but got {type(ml).__name__}")


def _source(f: Any, mmap: bool) -> tuple[Any, bool, str | None]:
    """A seekable binary stream for ``f``, whether to close it, and the file's path."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        return open(path, "rb"), True, path
    if not hasattr(f, "read"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'read'")
    path = getattr(f, "name", None)
    path = path if isinstance(path, str) and os.path.isfile(path) else None
    if mmap and path is None:
        raise ValueError("f must be a file path or a file object with a name in order to use "
                         "the mmap argument")
    if getattr(f, "seekable", lambda: False)():
        return f, False, path
    return io.BytesIO(f.read()), False, path


def get_unsafe_globals_in_checkpoint(f: Any) -> list[str]:
    """The ``module.name`` globals in a checkpoint that ``load(weights_only=True)`` refuses.

    Reads the pickle without running it (nothing is built), so names that the pickle only
    constructs on the stack are not listed. Raises ``ValueError`` for a file that is not a
    zip checkpoint.
    """
    src, close, path = _source(f, False)
    try:
        if src.read(4) != b"PK\x03\x04":
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        src.seek(-4, io.SEEK_CUR)
        try:
            pkl = ZipRecords(src, None, False).small("data.pkl")
        except Damaged as e:
            raise damaged(repr(path) if path else "the checkpoint stream", str(e)) from None
    finally:
        if close:
            src.close()
    safe = set(torch_names(Loader(None, None).rebuilders)) | set(user_globals())
    found = set()
    for op, arg, _ in pickletools.genops(pkl):
        if op.name in ("GLOBAL", "INST"):
            module, name = arg.split(" ", 1)
            if (module, name) in _compat_pickle.NAME_MAPPING:  # as the unpickler maps them
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
            found.add(f"{module}.{name}")
    return sorted(found - safe)
