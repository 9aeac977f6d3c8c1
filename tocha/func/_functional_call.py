"""functional_call: run a module with some parameters and buffers replaced."""
from __future__ import annotations


def _owner(module, name):
    *path, leaf = name.split(".")
    m = module
    for p in path:
        m = getattr(m, p)
    return m, leaf


def _swap(module, name, value):
    """Put `value` in place of parameter/buffer/attribute `name`; return how to undo it."""
    m, leaf = _owner(module, name)
    for reg in ("_parameters", "_buffers"):
        table = m.__dict__.get(reg)
        if table is not None and leaf in table:
            old = table[leaf]
            table[leaf] = value     # tocha's registries mirror entries into __dict__
            return reg, m, leaf, old
    old = m.__dict__.get(leaf)
    m.__dict__[leaf] = value
    return None, m, leaf, old


def _restore(undo):
    reg, m, leaf, old = undo
    if reg is None:
        if old is None:
            m.__dict__.pop(leaf, None)
        else:
            m.__dict__[leaf] = old
        return
    m.__dict__[reg][leaf] = old


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """Call `module(*args, **kwargs)` with its parameters and buffers named in
    `parameter_and_buffer_dicts` (a dict, or a tuple of dicts) replaced by the given tensors;
    the module is unchanged afterwards.

    Example:
        >>> lin = tocha.nn.Linear(2, 1)
        >>> p = {"weight": tocha.ones(1, 2), "bias": tocha.zeros(1)}
        >>> tocha.func.functional_call(lin, p, (tocha.ones(1, 2),))
        tensor([[2.]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        merged = dict(parameter_and_buffer_dicts)
    else:
        merged = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                if k in merged:
                    raise ValueError(f"{k} appeared in multiple dictionaries; behavior of "
                                     f"functional call is ambiguous")
            merged.update(d)
    if strict:
        names = {n for n, _ in module.named_parameters()} | {n for n, _ in
                                                              module.named_buffers()}
        missing, unexpected = sorted(names - set(merged)), sorted(set(merged) - names)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               f"Missing key(s): {missing}. Unexpected key(s): {unexpected}.")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    undo = [_swap(module, k, v) for k, v in merged.items()]
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for u in reversed(undo):
            _restore(u)
