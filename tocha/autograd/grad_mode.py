"""Grad mode: thread-local on/off switch read by `Function.apply`; context managers."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


class _State(threading.local):
    enabled = True
    inference = False


STATE = _State()


def is_grad_enabled() -> bool:
    return STATE.enabled


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _DecoratorContextManager:
    """Usable as `with no_grad():`, as `@no_grad()` and as bare `@no_grad`."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        if callable(orig_func) and not isinstance(orig_func, bool):
            return cls()(orig_func)
        return super().__new__(cls)

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self) -> _DecoratorContextManager:
        return type(self)()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block (or the decorated function).

    Results computed inside have requires_grad=False; use it for evaluation and for updating
    parameters by hand.

    >>> import tocha
    >>> w = tocha.ones(2, requires_grad=True)
    >>> with tocha.no_grad():
    ...     (w * 2).requires_grad
    False
    """

    def __enter__(self) -> None:
        self.prev = STATE.enabled
        STATE.enabled = False

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside the block, even within `no_grad`.

    >>> import tocha
    >>> w = tocha.ones(2, requires_grad=True)
    >>> with tocha.no_grad():
    ...     with tocha.enable_grad():
    ...         (w * 2).requires_grad
    True
    """

    def __enter__(self) -> None:
        self.prev = STATE.enabled
        STATE.enabled = True

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off; works as a function, context manager or decorator."""

    def __new__(cls, mode=None):
        self = object.__new__(cls)
        return self

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev = STATE.enabled
        STATE.enabled = self.mode

    def __call__(self, func: _F) -> _F:
        # used as a decorator: constructing us switched the mode; undo that until calls
        STATE.enabled = self.prev
        return super().__call__(func)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev

    def clone(self) -> _DecoratorContextManager:
        return type(self)(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like no_grad (tocha has no separate inference tensors).

    `inference_mode(False)` is a no-op."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return object.__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self.prev = (STATE.enabled, STATE.inference)
        if self.mode:
            STATE.enabled = False
            STATE.inference = True

    def __exit__(self, *exc: object) -> None:
        STATE.enabled, STATE.inference = self.prev

    def clone(self) -> _DecoratorContextManager:
        return type(self)(self.mode)


def __getattr__(name: str):
    # PyTorch defines these two switches in grad_mode too; tocha keeps them in `_modes`
    if name in ("set_multithreading_enabled", "enforce_grad_layout_policy"):
        from . import _modes
        return getattr(_modes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
