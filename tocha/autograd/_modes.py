"""Switches PyTorch's engine reads that change nothing in tocha's results: multithreaded
backward and the gradient layout contract (kept, so code that sets them runs as written)."""
from __future__ import annotations

import threading

from .grad_mode import _DecoratorContextManager

__all__ = ["enforce_grad_layout_policy", "is_multithreading_enabled",
           "set_multithreading_enabled"]


class _Flags(threading.local):
    multithreading = True
    grad_layout = True


_FLAGS = _Flags()


def is_multithreading_enabled() -> bool:
    """Whether backward may run on per-device worker threads (`set_multithreading_enabled`)."""
    return _FLAGS.multithreading


class set_multithreading_enabled(_DecoratorContextManager):
    """Enable or disable multithreaded backward; as a function or a context manager
    (thread-local).

    Args:
        mode (bool): True (the default behaviour) or False (backward on the calling thread).

    Example:
        >>> import tocha
        >>> with tocha.autograd.set_multithreading_enabled(False):
        ...     tocha.autograd.is_multithreading_enabled()
        False
        >>> tocha.autograd.is_multithreading_enabled()
        True

    Differs from PyTorch: tocha's backward always runs on the calling thread (PyTorch too on
    CPU); the flag is only kept. As in PyTorch, using it as a decorator leaves the mode set.
    """

    def __new__(cls, mode=None):
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        self.prev = _FLAGS.multithreading
        _FLAGS.multithreading = bool(mode)
        self.mode = mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _FLAGS.multithreading = self.prev

    def clone(self) -> set_multithreading_enabled:
        return self.__class__(self.mode)


def is_grad_layout_enforcement_enabled() -> bool:
    """Whether accumulated gradients must follow their parameter's layout."""
    return _FLAGS.grad_layout


class enforce_grad_layout_policy(_DecoratorContextManager):
    """Enforce (True) or relax (False) the gradient layout contract: accumulated gradients
    with their parameter's strides. A function, context manager or decorator (thread-local).

    Args:
        enable (bool): enforce the contract. Default: True.

    Example:
        >>> import tocha
        >>> p = tocha.ones(2, 3).t().requires_grad_()
        >>> with tocha.autograd.enforce_grad_layout_policy(False):
        ...     (p * 2).sum().backward()
        >>> p.grad
        tensor([[2., 2.],
                [2., 2.],
                [2., 2.]])

    Differs from PyTorch: tocha's gradients are always new arrays, so the flag changes nothing
    but is kept and restored as PyTorch's.
    """

    def __new__(cls, enable=True):
        return object.__new__(cls)

    def __init__(self, enable: bool = True) -> None:
        self.prev = _FLAGS.grad_layout
        _FLAGS.grad_layout = bool(enable)
        self.mode = enable

    def __call__(self, func):
        # as a decorator: constructing us switched the flag; undo that until calls
        _FLAGS.grad_layout = self.prev
        return super().__call__(func)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _FLAGS.grad_layout = self.prev

    def clone(self) -> enforce_grad_layout_policy:
        return self.__class__(self.mode)
