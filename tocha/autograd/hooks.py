"""`RemovableHandle`: what every `register_*hook` returns (no dependencies: Tensor uses it)."""
from __future__ import annotations


class RemovableHandle:
    """Returned by `register_hook` and friends; `remove()` unregisters the hook.

    Also a context manager: the hook is removed when the `with` block ends.
    """

    __slots__ = ("_hook", "_hooks")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
