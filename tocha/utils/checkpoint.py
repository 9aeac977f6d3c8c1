"""`tocha.utils.checkpoint`: trade compute for memory by recomputing a block in backward.

>>> import tocha
>>> from tocha.utils.checkpoint import checkpoint
>>> lin = tocha.nn.Linear(3, 2)
>>> x = tocha.randn(4, 3, requires_grad=True)
>>> y = checkpoint(lambda t: lin(t).tanh(), x, use_reentrant=True)
>>> y.sum().backward()  # lin(x) runs again here; x.grad and lin.weight.grad as without it

`use_reentrant=True` (PyTorch's default when not given, with a warning) runs the block without
recording a graph and reruns it in backward, restoring the RNG state so dropout draws the same
mask. Differs from PyTorch: `use_reentrant=False` runs the block normally and keeps its
activations (same values, gradients and grad_fn as PyTorch's non-reentrant checkpoint, without
its memory saving).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import tocha
from tocha import Tensor
from tocha.autograd import Function

__all__ = ["CheckpointError", "CheckpointFunction", "checkpoint", "checkpoint_sequential",
           "detach_variable", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """A checkpointed block recomputed differently from its first run."""


def noop_context_fn():
    """The default `context_fn`: two contexts that do nothing."""
    import contextlib
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: tuple) -> tuple:
    """Detached copies of the tensors in `inputs`, keeping their requires_grad."""
    if not isinstance(inputs, tuple):
        msg = f"Only tuple of tensors is supported. Got Unsupported input type: " \
              f"{type(inputs).__name__}"
        raise RuntimeError(msg)  # noqa: TRY004  (PyTorch's type)
    return tuple(x.detach().requires_grad_(x.requires_grad) if isinstance(x, Tensor) else x
                 for x in inputs)


class CheckpointFunction(Function):
    """The reentrant checkpoint: forward without a graph, backward reruns the block."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = tocha.get_rng_state() if preserve_rng_state else None
        ctx.inputs = args
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with tocha.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        ctx.saved_tensors  # noqa: B018  (raises if an input was modified in place since)
        inputs = detach_variable(tuple(ctx.inputs))
        state = tocha.get_rng_state()
        if ctx.rng_state is not None:
            tocha.set_rng_state(ctx.rng_state)
        try:
            with tocha.enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            tocha.set_rng_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False)
                 if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is "
                               "not necessary")
        tocha.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None for x in inputs)


def checkpoint(function: Callable, *args, use_reentrant: bool | None = None,
               context_fn: Callable = noop_context_fn, determinism_check: str = "default",
               debug: bool = False, preserve_rng_state: bool = True, **kwargs) -> Any:
    """`function(*args, **kwargs)`, its activations recomputed in backward (see the module).

    Args:
        function: the block to run; args: its inputs (tensors and other values).
        use_reentrant: pass it explicitly (PyTorch warns when it is omitted and then uses
            True); True reruns the block in backward, False runs it normally.
        preserve_rng_state: restore the RNG state for the rerun (same dropout masks).
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.", UserWarning, stacklevel=2)
        use_reentrant = True
    if not use_reentrant:
        return function(*args, **kwargs)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if context_fn is not noop_context_fn:
        raise ValueError("Passing `context_fn` or `debug` is only supported when "
                         "use_reentrant=False.")
    if tocha.is_grad_enabled() and not any(isinstance(a, Tensor) and a.requires_grad
                                           for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      UserWarning, stacklevel=2)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Run a Sequential (or list of modules) in `segments` chunks, checkpointing all but the
    last chunk; returns the output of the last module."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant "
                      "parameter should be passed explicitly. In version 2.9 we will raise an "
                      "exception if use_reentrant is not passed. use_reentrant=False is "
                      "recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", UserWarning, stacklevel=2)
        use_reentrant = True
    if isinstance(functions, tocha.nn.Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1

    def run(start: int, stop: int):
        def forward(x):
            for j in range(start, stop + 1):
                x = functions[j](x)
            return x
        return forward

    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=kwargs.get("preserve_rng_state", True))
    return run(end + 1, len(functions) - 1)(input)


def __getattr__(name: str):
    from .._missing import missing_attr
    raise missing_attr(__name__, name)
