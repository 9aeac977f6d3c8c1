"""Checks of DataPipe arguments and the file helpers of the file-reading pipes."""
from __future__ import annotations

import fnmatch
import functools
import importlib.util
import inspect
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

__all__ = ["StreamWrapper", "get_file_binaries_from_pathnames", "get_file_pathnames_from_root",
           "match_masks", "validate_input_col"]


def _fn_name(fn: Callable) -> str:
    if isinstance(fn, functools.partial):
        return getattr(fn.func, "__name__", repr(fn.func))
    return getattr(fn, "__name__", repr(fn))


def validate_input_col(fn: Callable, input_col: int | tuple | list | None) -> None:
    """Check that `fn` takes as many positional arguments as `input_col` names columns
    (ValueError otherwise, as PyTorch)."""
    try:
        sig = inspect.signature(fn)
    except ValueError:      # builtins without a signature: nothing to check
        return
    size = len(input_col) if isinstance(input_col, (list, tuple)) else 1
    kinds = inspect.Parameter
    pos = [p for p in sig.parameters.values()
           if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    var_positional = any(p.kind is kinds.VAR_POSITIONAL for p in sig.parameters.values())
    kw_only = [p for p in sig.parameters.values()
               if p.kind is kinds.KEYWORD_ONLY and p.default is p.empty]
    name = _fn_name(fn)
    if kw_only:
        raise ValueError(f"The function {name} takes {len(kw_only)} non-default keyword-only "
                         "parameters, which is not allowed.")
    if len(sig.parameters) < size:
        if not var_positional:
            raise ValueError(f"The function {name} takes {len(sig.parameters)} parameters, but "
                             f"{size} are required.")
    elif len(pos) > size:
        if any(p.default is p.empty for p in pos[size:]):
            raise ValueError(f"The function {name} takes {len(pos)} positional parameters, but "
                             f"{size} are required.")
    elif len(pos) < size and not var_positional:
        raise ValueError(f"The function {name} takes {len(pos)} positional parameters, but "
                         f"{size} are required.")


def _dill_available() -> bool:
    return importlib.util.find_spec("dill") is not None


def _is_local_fn(fn: Any) -> bool:
    if hasattr(fn, "__code__"):
        return bool(fn.__code__.co_flags & inspect.CO_NESTED)
    qual = getattr(fn, "__qualname__", None) or getattr(type(fn), "__qualname__", "")
    return "<locals>" in qual


def _check_unpickable_fn(fn: Callable) -> None:
    """TypeError for a non-callable; a warning for a lambda or local function (worker
    processes cannot receive them without dill)."""
    if not callable(fn):
        raise TypeError(f"A callable function is expected, but {type(fn)} is provided.")
    if isinstance(fn, functools.partial):
        fn = fn.func
    if _is_local_fn(fn) and not _dill_available():
        warnings.warn("Local function is not supported by pickle, please use regular python "
                      "function or functools.partial instead.", stacklevel=3)
        return
    if getattr(fn, "__name__", None) == "<lambda>" and not _dill_available():
        warnings.warn("Lambda function is not supported by pickle, please use regular python "
                      "function or functools.partial instead.", stacklevel=3)


def match_masks(name: str, masks: str | list[str]) -> bool:
    """Whether `name` matches one of the shell patterns `masks` (all names when empty)."""
    if not masks:
        return True
    if isinstance(masks, str):
        return fnmatch.fnmatch(name, masks)
    return any(fnmatch.fnmatch(name, m) for m in masks)


def get_file_pathnames_from_root(root: str, masks: str | list[str], recursive: bool = False,
                                 abspath: bool = False, non_deterministic: bool = False
                                 ) -> Iterator[str]:
    """The files under `root` (or `root` itself) whose names match `masks`, sorted unless
    `non_deterministic`."""
    def onerror(err: OSError):
        warnings.warn(f"{err.filename} : {err.strerror}", stacklevel=2)
        raise err

    if os.path.isfile(root):
        path = os.path.abspath(root) if abspath else root
        if match_masks(os.path.basename(path), masks):
            yield path
        return
    for path, dirs, files in os.walk(root, onerror=onerror):
        if abspath:
            path = os.path.abspath(path)
        if not non_deterministic:
            files.sort()
        for f in files:
            if match_masks(f, masks):
                yield os.path.join(path, f)
        if not recursive:
            break
        if not non_deterministic:
            dirs.sort()


def get_file_binaries_from_pathnames(pathnames: Iterable, mode: str,
                                     encoding: str | None = None) -> Iterator[tuple]:
    """`(pathname, StreamWrapper(open file))` for each pathname."""
    if not isinstance(pathnames, Iterable):
        pathnames = [pathnames]
    if mode in ("b", "t"):
        mode = "r" + mode
    for pathname in pathnames:
        if not isinstance(pathname, str):
            raise TypeError(f"Expected string type for pathname, but got {type(pathname)}")
        # the stream goes to the caller, who closes it (or a pipe that drops it does)
        yield pathname, StreamWrapper(open(pathname, mode, encoding=encoding))  # noqa: SIM115


class StreamWrapper:
    """A file object that DataPipes close when they drop it (filters, buffers)."""

    session_streams: ClassVar[dict] = {}
    debug_unclosed_streams: bool = False

    def __init__(self, file_obj: Any, parent_stream: StreamWrapper | None = None,
                 name: str | None = None) -> None:
        self.file_obj = file_obj
        self.child_counter = 0
        self.parent_stream = parent_stream
        self.close_on_last_child = False
        self.name = name
        self.closed = False
        if parent_stream is not None:
            if not isinstance(parent_stream, StreamWrapper):
                raise RuntimeError("Parent stream should be StreamWrapper, "
                                   f"{type(parent_stream)} was given")
            parent_stream.child_counter += 1

    @classmethod
    def close_streams(cls, v: Any, depth: int = 0) -> None:
        """Close every StreamWrapper in `v` (nested lists, tuples, dicts; 10 levels)."""
        if depth > 10:
            return
        if isinstance(v, StreamWrapper):
            v.close()
        elif isinstance(v, dict):
            for vv in v.values():
                cls.close_streams(vv, depth + 1)
        elif isinstance(v, (list, tuple)):
            for vv in v:
                cls.close_streams(vv, depth + 1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["file_obj"], name)

    def close(self, *args: Any, **kwargs: Any) -> None:
        if self.closed:
            return
        parent = self.__dict__.get("parent_stream")
        if parent is not None:
            parent.child_counter -= 1
            if not parent.child_counter and parent.close_on_last_child:
                parent.close()
        try:
            self.file_obj.close(*args, **kwargs)
        except AttributeError:
            pass
        self.closed = True

    def autoclose(self) -> None:
        """Close once the last child stream is closed."""
        self.close_on_last_child = True
        if self.child_counter == 0:
            self.close()

    def __del__(self) -> None:
        if not self.__dict__.get("closed", True):
            self.close()

    def __iter__(self) -> Iterator:
        yield from self.file_obj

    def __next__(self) -> Any:
        return next(self.file_obj)

    def __repr__(self) -> str:
        if self.name is None:
            return f"StreamWrapper<{self.file_obj!r}>"
        return f"StreamWrapper<{self.name},{self.file_obj!r}>"

    def __getstate__(self) -> Any:
        return self.file_obj

    def __setstate__(self, obj: Any) -> None:
        self.file_obj = obj
