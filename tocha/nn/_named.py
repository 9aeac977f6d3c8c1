"""PyTorch's grad_fn names for composites (`binary_cross_entropy_with_logits` shows
`BinaryCrossEntropyWithLogitsBackward0`, not the `MeanBackward0` of its last step).

`named(name, fn)` wraps a composite `fn(*tensors)` into one autograd node called
`<name>Backward0`: forward computes `fn` without recording; backward recomputes it with
recording on the saved inputs and differentiates that, so gradients (and double backward, via
`create_graph`) are exactly the composite's own.
"""
from __future__ import annotations

from collections.abc import Callable

import tocha
from tocha import Tensor
from tocha.autograd import Function

_CLASSES: dict[tuple, type] = {}


class _Composite(Function):
    fn: Callable[..., Tensor]

    @classmethod
    def _forward(cls, ctx, *args):
        fn = ctx.fn = cls.fn
        ctx.where = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[args[i] for i in ctx.where])
        return fn(*args)

    @staticmethod
    def backward(ctx, grad_output):
        tensors = ctx.saved_tensors
        args = list(ctx.args)
        for i, t in zip(ctx.where, tensors, strict=True):
            args[i] = t
        wanted = [k for k, i in enumerate(ctx.where) if ctx.needs_input_grad[i]]
        create = tocha.is_grad_enabled()
        if not create:
            # differentiate a copy of the block cut off from the inputs' own history (the
            # outer backward walks that history itself)
            tensors = [t.detach().requires_grad_(t.requires_grad) for t in tensors]
            for i, t in zip(ctx.where, tensors, strict=True):
                args[i] = t
        with tocha.enable_grad():
            out = ctx.fn(*args)
        grads = tocha.autograd.grad(out, [tensors[k] for k in wanted], grad_output,
                                    create_graph=create, retain_graph=create or None,
                                    allow_unused=True)
        result = [None] * len(args)
        for k, g in zip(wanted, grads, strict=True):
            result[ctx.where[k]] = g
        return tuple(result)


def named(name: str, fn: Callable[..., Tensor], *args) -> Tensor:
    """`fn(*args)` recorded as one node named `<name>Backward0` (see the module doc); `fn`
    should be a module-level function (one autograd class is made per (name, fn))."""
    if not tocha.is_grad_enabled() or not any(
            isinstance(a, Tensor) and a.requires_grad for a in args):
        return fn(*args)
    cls = _CLASSES.get((name, fn))
    if cls is None:
        def forward(ctx, *a):
            return cls._forward(ctx, *a)
        cls = _CLASSES[(name, fn)] = type(name, (_Composite,), {
            "node_name": name + "Backward0", "fn": staticmethod(fn),
            "forward": staticmethod(forward)})
    return cls.apply(*args)


def named_wrapper(name: str, impl: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """`impl` with the same signature, recorded as one `<name>Backward0` node."""
    import functools
    import inspect
    sig = inspect.signature(impl)

    @functools.wraps(impl)
    def wrapper(*args, **kwargs):
        if not tocha.is_grad_enabled() or not any(
                isinstance(a, Tensor) and a.requires_grad
                for a in (*args, *kwargs.values())):
            return impl(*args, **kwargs)
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        return named(name, impl, *bound.args)
    return wrapper


def rename(namespace: dict, pairs) -> None:
    """Replace each `namespace[fn_name]` by its named wrapper ((fn_name, node name) pairs)."""
    for fn_name, node in pairs:
        namespace[fn_name] = named_wrapper(node, namespace[fn_name])
