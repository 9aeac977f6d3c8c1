"""RAdam (rectified Adam), with decoupled weight decay."""
from __future__ import annotations

import numpy as np

from ._functional import addcmul_, lerp_
from .adam import _adam_options, _check_betas_eps
from .optimizer import ParamsT, _GroupOptimizer, scratch

__all__ = ["RAdam", "radam_update"]


def radam_update(p, g, exp_avg, exp_avg_sq, step: float, lr: float, beta1: float,
                 beta2: float, eps: float, weight_decay: float, decoupled_weight_decay: bool,
                 maximize: bool) -> None:
    """One RAdam step on arrays (in place); `step` counts from 1."""
    if maximize:
        g = -g
    if weight_decay != 0:
        if decoupled_weight_decay:
            p *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * p
    tmp, upd = scratch(p, 2)
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    np.divide(exp_avg, bias_correction1, out=upd)
    upd *= lr
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        # (c / t) in PyTorch is reciprocal(t) * c
        np.sqrt(exp_avg_sq, out=tmp)
        tmp += eps
        np.reciprocal(tmp, out=tmp)
        tmp *= bias_correction2 ** 0.5
        upd *= tmp
        upd *= rect
    p -= upd


class RAdam(_GroupOptimizer):
    """RAdam (PyTorch's `torch.optim.RAdam`)."""

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("capturable", False), ("decoupled_weight_decay", False))

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_betas_eps(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr, beta1, beta2, eps, wd = _adam_options(group)
        maximize = group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        for p, g, st, step in self._each(group, ("exp_avg", "exp_avg_sq")):
            radam_update(p._data, g, st["exp_avg"]._data, st["exp_avg_sq"]._data, step, lr,
                         beta1, beta2, eps, wd, decoupled, maximize)
