"""The single-iterator rule of IterDataPipes: each `iter(dp)` resets the pipe and invalidates
the iterators made before it (PyTorch's `hook_iterator`, applied to every subclass)."""
from __future__ import annotations

import functools
import inspect
from enum import Enum
from typing import Any


class _SnapshotState(Enum):
    """Where a DataPipe is in its life: `NotStarted`, `Restored` (from a snapshot, no reset on
    the next iter), `Iterating`."""

    NotStarted = 0
    Restored = 1
    Iterating = 2


def _simplify_obj_name(obj: Any) -> str:
    return obj.__name__ if inspect.isfunction(obj) else repr(obj)


def _generate_input_args_string(obj: Any) -> str:
    """`name=value, ...` for the constructor arguments the pipe keeps as attributes."""
    try:
        names = set(inspect.signature(obj.__class__).parameters)
    except (TypeError, ValueError):
        return ""
    pairs = [(n, _simplify_obj_name(v)) for n, v in inspect.getmembers(obj) if n in names]
    return ", ".join(f"{n}={v}" for n, v in pairs)


def _generate_iterdatapipe_msg(datapipe: Any, simplify_dp_name: bool = False) -> str:
    out = f"{datapipe.__class__.__name__}({_generate_input_args_string(datapipe)})"
    if simplify_dp_name:
        out = out.replace("IterDataPipe", "").replace("MapDataPipe", "")
    return out


_FEEDBACK = ("\nFor feedback regarding this single iterator per IterDataPipe constraint, feel "
             "free to comment on this issue: https://github.com/pytorch/data/issues/45.")


def _invalid_msg(datapipe: Any) -> str:
    return ("This iterator has been invalidated because another iterator has been created "
            f"from the same IterDataPipe: {_generate_iterdatapipe_msg(datapipe)}\n"
            "This may be caused by multiple references to the same IterDataPipe. We recommend "
            "using `.fork()` if that is necessary.")


def _check_iterator_valid(datapipe: Any, iterator_id: Any, next_method_exists: bool = False
                          ) -> None:
    """Raise when `iterator_id` is no longer the pipe's live iterator."""
    if next_method_exists:
        if datapipe._valid_iterator_id is not None and datapipe._valid_iterator_id != 0:
            raise RuntimeError(_invalid_msg(datapipe) + "\nNote that this exception is raised "
                               "inside your IterDataPipe's a `__next__` method" + _FEEDBACK)
    elif getattr(datapipe, "_is_child_datapipe", False) is True:
        if not datapipe._check_valid_iterator_id(iterator_id):
            raise RuntimeError("This iterator has been invalidated, because a new iterator has "
                               "been created from one of the ChildDataPipes of "
                               f"{_generate_iterdatapipe_msg(datapipe.main_datapipe)}."
                               + _FEEDBACK)
    elif datapipe._valid_iterator_id != iterator_id:
        raise RuntimeError(_invalid_msg(datapipe) + _FEEDBACK)


def _set_datapipe_valid_iterator_id(datapipe: Any) -> int:
    """A new iterator's id: bumps the pipe's live id and resets the pipe."""
    if getattr(datapipe, "_is_child_datapipe", False) is True:
        datapipe._set_main_datapipe_valid_iterator_id()   # resets the container if needed
    else:
        datapipe._valid_iterator_id = (0 if datapipe._valid_iterator_id is None
                                       else datapipe._valid_iterator_id + 1)
        datapipe.reset()
    return datapipe._valid_iterator_id


def _annotate(e: Exception, datapipe: Any) -> None:
    """Append which pipe's `__iter__` raised to the exception's message (as PyTorch)."""
    msg = "thrown by __iter__ of"
    if not hasattr(e.args, "__len__"):
        return
    full = f"{msg} {datapipe.__class__.__name__}({_generate_input_args_string(datapipe)})"
    if len(e.args) == 0 or not isinstance(e.args[0], str):
        e.args = (f"\nThis exception is {full}",)
    elif msg not in e.args[0] and "single iterator per IterDataPipe constraint" not in e.args[0]:
        e.args = (e.args[0] + f"\nThis exception is {full}",) + e.args[1:]


class _IteratorDecorator:
    """Wraps the iterator of a pipe whose `__iter__` is not a generator function."""

    def __init__(self, iterator: Any, datapipe: Any, iterator_id: int,
                 has_next_method: bool) -> None:
        self.iterator, self.datapipe, self.iterator_id = iterator, datapipe, iterator_id
        self.self_and_has_next_method = iterator is datapipe and has_next_method

    def __iter__(self) -> _IteratorDecorator:
        return self

    def __next__(self) -> Any:
        _check_iterator_valid(self.datapipe, self.iterator_id)
        result = next(self.iterator)
        if not self.self_and_has_next_method:
            self.datapipe._number_of_samples_yielded += 1
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.iterator, name)


def _wrap_generator(func):
    @functools.wraps(func)
    def wrap_generator(*args, **kwargs):
        gen = func(*args, **kwargs)
        datapipe = args[0]
        if datapipe._fast_forward_iterator:
            it, datapipe._fast_forward_iterator = datapipe._fast_forward_iterator, None
            datapipe._snapshot_state = _SnapshotState.Iterating
            yield from it
            return
        iterator_id = _set_datapipe_valid_iterator_id(datapipe)
        try:
            response = gen.send(None)
            while True:
                datapipe._number_of_samples_yielded += 1
                request = yield response
                _check_iterator_valid(datapipe, iterator_id)
                response = gen.send(request)
        except StopIteration:
            return
        except Exception as e:
            _annotate(e, datapipe)
            raise
    return wrap_generator


def _wrap_iter(func, has_next: bool):
    @functools.wraps(func)
    def wrap_iter(*args, **kwargs):
        ret = func(*args, **kwargs)
        datapipe = args[0]
        datapipe._snapshot_state = _SnapshotState.Iterating
        if datapipe._fast_forward_iterator:
            ret, datapipe._fast_forward_iterator = datapipe._fast_forward_iterator, None
            return ret
        iterator_id = _set_datapipe_valid_iterator_id(datapipe)
        return _IteratorDecorator(ret, datapipe, iterator_id, has_next)
    return wrap_iter


def _wrap_next(func):
    @functools.wraps(func)
    def wrap_next(*args, **kwargs):
        result = func(*args, **kwargs)
        args[0]._number_of_samples_yielded += 1
        return result
    return wrap_next


def _wrap_reset(func):
    @functools.wraps(func)
    def conditional_reset(*args, **kwargs) -> None:
        # a pipe just restored from a snapshot keeps its state through its first iter()
        datapipe = args[0]
        if datapipe._snapshot_state in (_SnapshotState.Iterating, _SnapshotState.NotStarted):
            datapipe._number_of_samples_yielded = 0
            datapipe._fast_forward_iterator = None
            func(*args, **kwargs)
        datapipe._snapshot_state = _SnapshotState.Iterating
    return conditional_reset


def hook_iterator(cls: type) -> None:
    """Install the hooks on a class's own `__iter__`, `__next__` and `reset`."""
    ns = cls.__dict__
    if "reset" in ns:
        cls.reset = _wrap_reset(ns["reset"])
    if "__iter__" not in ns:
        return
    func = ns["__iter__"]
    if inspect.isgeneratorfunction(func):
        cls.__iter__ = _wrap_generator(func)
    else:
        if "__next__" in ns:
            cls.__next__ = _wrap_next(ns["__next__"])
        cls.__iter__ = _wrap_iter(func, "__next__" in ns)
