"""Adam (and, with `decoupled_weight_decay=True`, AdamW), with amsgrad and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcmul_, lerp_
from .optimizer import (
    ParamsT,
    _check_fused,
    _check_lr,
    _check_nonneg,
    _GroupOptimizer,
    scratch,
)

__all__ = ["Adam", "adam_update"]


def adam_update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step: float, lr: float,
                beta1: float, beta2: float, eps: float, weight_decay: float, amsgrad: bool,
                maximize: bool, decoupled_weight_decay: bool) -> None:
    """One Adam step on arrays (`p` and the moment arrays in place); `step` counts from 1."""
    if maximize:
        g = -g
    if weight_decay != 0:
        if decoupled_weight_decay:
            p *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * p
    tmp, tmp2 = scratch(p, 2)
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        np.sqrt(max_exp_avg_sq, out=tmp2)
    else:
        np.sqrt(exp_avg_sq, out=tmp2)
    tmp2 /= bias_correction2_sqrt
    tmp2 += eps
    np.multiply(exp_avg, -step_size, out=tmp)
    tmp /= tmp2
    p += tmp


def _check_betas_eps(lr, betas, eps, weight_decay, strict_beta: bool = True) -> None:
    _check_lr(lr)
    _check_nonneg(eps, "epsilon value")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    _check_nonneg(weight_decay, "weight_decay value")


def _adam_options(group: dict) -> tuple[float, float, float, float, float]:
    """A group's `lr, beta1, beta2, eps, weight_decay` as Python floats (see `_to_scalar`)."""
    beta1, beta2 = group["betas"]
    return (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
            float(group["weight_decay"]))


class Adam(_GroupOptimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    Each parameter moves by about `lr` per step in the direction of its recent gradients,
    whatever their scale, which makes Adam a good default.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-3.
        betas (tuple of float): decay rates of the two running averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        amsgrad (bool): use the maximum of past squared averages. Default: False.
        foreach (bool, optional): accepted and ignored (tocha has one implementation).
        maximize (bool): ascend instead of descend. Default: False.
        capturable (bool): accepted and ignored.
        differentiable (bool): accepted and ignored.
        fused (bool, optional): accepted and ignored.
        decoupled_weight_decay (bool): decay the weights directly, as `AdamW`. Default: False.

    Example:
        >>> import tocha
        >>> w = tocha.tensor([1.0], requires_grad=True)
        >>> opt = tocha.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()  # the first step moves by lr, whatever the gradient's size
        >>> w
        tensor([0.9000], requires_grad=True)
    """

    _group_defaults = (("amsgrad", False), ("maximize", False), ("foreach", None),
                       ("capturable", False), ("differentiable", False),
                       ("decoupled_weight_decay", False), ("fused", None))

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_betas_eps(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _group_step(self, group: dict) -> None:
        lr, beta1, beta2, eps, wd = _adam_options(group)
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        buffers = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq" if amsgrad else None)
        for p, g, st, step in self._each(group, buffers):
            adam_update(p._data, g, st["exp_avg"]._data, st["exp_avg_sq"]._data,
                        st["max_exp_avg_sq"]._data if amsgrad else None, step, lr, beta1,
                        beta2, eps, wd, amsgrad, maximize, decoupled)
