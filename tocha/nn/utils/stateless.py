"""`functional_call`: run a module with some parameters/buffers replaced by given tensors."""
from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["functional_call"]


@contextlib.contextmanager
def _swapped(module, tensors: dict, tie_weights: bool = True, strict: bool = False):
    saved = []
    if strict:
        names = {n for n, _ in module.named_parameters(remove_duplicate=False)} | {
            n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing = sorted(names - set(tensors))
        unexpected = sorted(set(tensors) - names)
        if missing or unexpected:
            msg = []
            if unexpected:
                msg.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                msg.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError("Error(s) in reparametrizing for " + type(module).__name__
                               + ":\n\t" + "\n\t".join(msg))
    try:
        for name, t in tensors.items():
            path, _, leaf = name.rpartition(".")
            mod = module.get_submodule(path)
            for reg in (mod._parameters, mod._buffers):
                if leaf in reg:
                    saved.append((reg, leaf, reg[leaf]))
                    reg[leaf] = t          # the registry mirrors it into the attribute
                    break
            else:
                saved.append((mod.__dict__, leaf, mod.__dict__.get(leaf, _MISSING)))
                mod.__dict__[leaf] = t
        yield
    finally:
        for reg, leaf, old in reversed(saved):
            if old is _MISSING:
                reg.pop(leaf, None)
            else:
                reg[leaf] = old


_MISSING = object()


def functional_call(module: Module,
                    parameter_and_buffer_dicts: dict[str, Tensor] | Sequence[dict[str, Tensor]],
                    args: Any = None, kwargs: dict[str, Any] | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """`module(*args, **kwargs)` with the named parameters/buffers replaced for this call."""
    if isinstance(parameter_and_buffer_dicts, (list, tuple)):
        merged = {}
        for d in parameter_and_buffer_dicts:
            dup = set(merged) & set(d)
            if dup:
                raise ValueError(f"{sorted(dup)} appeared in multiple dictionaries; behavior "
                                 f"of functional call is ambiguous")
            merged.update(d)
    else:
        merged = dict(parameter_and_buffer_dicts)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, merged, tie_weights, strict):
        return module(*args, **(kwargs or {}))
