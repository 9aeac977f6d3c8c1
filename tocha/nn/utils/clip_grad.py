"""Gradient clipping: clip_grad_norm_, clip_grad_value_ (PyTorch's `torch.nn.utils`)."""
from __future__ import annotations

import types
import warnings
from collections.abc import Iterable

from ... import _creation
from ..._ops import movement as _movement
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = [
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
]

_tensors = Tensor | Iterable[Tensor]


def _norm(t: Tensor, p: float) -> Tensor:
    return t.norm(p) if p != 2.0 else t.norm()


@no_grad()
def get_total_norm(tensors: _tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The `norm_type`-norm of all `tensors` together (the norm of their norms); 0-d tensor."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _creation.tensor(0.0)
    norms = [_norm(t, norm_type) for t in tensors]
    total = _norm(_movement.stack(norms), norm_type)
    if error_if_nonfinite and bool((total.isnan() | total.isinf()).item()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


@no_grad()
def clip_grads_with_norm_(parameters: _tensors, max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale the gradients by `min(1, max_norm / (total_norm + 1e-6))`, in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef)


@no_grad()
def clip_grad_norm_(parameters: _tensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale the gradients in place so that their total norm is at most `max_norm`.

    Call it between `loss.backward()` and `optimizer.step()`; it keeps exploding gradients
    (common in recurrent networks) from throwing training off.

    Args:
        parameters (Tensor or iterable of Tensor): whose `.grad` to clip.
        max_norm (float): the largest total norm allowed.
        norm_type (float): the p of the p-norm (`inf` for the max). Default: 2.
        error_if_nonfinite (bool): raise if the total norm is nan or inf. Default: False.
        foreach (bool, optional): accepted for compatibility.

    Returns:
        Tensor: the total norm before clipping (0-d).

    Example:
        >>> import tocha
        >>> w = tocha.zeros(2, requires_grad=True)
        >>> (w * tocha.tensor([3.0, 4.0])).sum().backward()  # grad (3, 4), norm 5
        >>> tocha.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_gen = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_gen and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: _tensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated alias of `clip_grad_norm_`."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@no_grad()
def clip_grad_value_(parameters: _tensors, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient to [-clip_value, clip_value] in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    for p in parameters:
        g = p.grad
        if g is not None:
            g.clamp_(min=-clip_value, max=clip_value)
