"""`tocha.backends.opt_einsum`: whether `einsum` plans its contraction order with opt_einsum.
tocha's einsum is NumPy's (which optimises the order itself); without the opt_einsum package,
as in PyTorch, `is_available()` is False, `enabled` False and `strategy` None."""
from __future__ import annotations

import importlib.util

from ._flags import install

_STRATEGIES = ("auto", "greedy", "optimal")


def is_available() -> bool:
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    """The opt_einsum module when installed, else None."""
    if not is_available():
        return None
    import opt_einsum
    return opt_einsum


def _get_strategy(mod):
    return mod.__dict__["_strategy"]


def _set_strategy(mod, value):
    if not mod.enabled:
        raise ValueError("opt_einsum is not enabled, so setting a strategy will not take "
                         "effect. Please set torch.backends.opt_einsum.enabled = True.")
    if value not in _STRATEGIES:
        raise ValueError(f"opt_einsum strategy must be one of {list(_STRATEGIES)}, got "
                         f"{value!r}")
    mod.__dict__["_strategy"] = value


_strategy = "auto" if is_available() else None
install(__name__, {"enabled": (is_available(), "set_enabled")},
        {"strategy": property(_get_strategy, _set_strategy)})
