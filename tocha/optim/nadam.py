"""NAdam (Adam with Nesterov momentum), with momentum decay and decoupled weight decay."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, addcmul_, lerp_
from .adam import _adam_options, _check_betas_eps
from .optimizer import ParamsT, _check_nonneg, _GroupOptimizer, _to_scalar, scratch

__all__ = ["NAdam", "nadam_update"]


def nadam_update(p, g, exp_avg, exp_avg_sq, mu_product, step: float, lr: float, beta1: float,
                 beta2: float, eps: float, weight_decay: float, momentum_decay: float,
                 decoupled_weight_decay: bool, maximize: bool) -> None:
    """One NAdam step on arrays (in place); `mu_product` is the 0-d state array (kept in its
    dtype, float32 by default, as PyTorch does)."""
    if maximize:
        g = -g
    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        if decoupled_weight_decay:
            p *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * p
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product *= mu
    mu_prod = float(mu_product)
    mu_product_next = mu_prod * mu_next
    tmp, denom = scratch(p, 2)
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
    np.divide(exp_avg_sq, bias_correction2, out=denom)
    np.sqrt(denom, out=denom)
    denom += eps
    addcdiv_(p, g, denom, -lr * (1.0 - mu) / (1.0 - mu_prod), tmp)
    addcdiv_(p, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next), tmp)


class NAdam(_GroupOptimizer):
    """NAdam (PyTorch's `torch.optim.NAdam`)."""

    _group_defaults = (("maximize", False), ("foreach", None), ("capturable", False),
                       ("differentiable", False), ("decoupled_weight_decay", False))

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_betas_eps(lr, betas, eps, weight_decay)
        _check_nonneg(momentum_decay, "momentum_decay value")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr, beta1, beta2, eps, wd = _adam_options(group)
        maximize = group["maximize"]
        md, decoupled = _to_scalar(group["momentum_decay"]), group["decoupled_weight_decay"]
        for p, g, st, step in self._each(group, ("exp_avg", "exp_avg_sq"),
                                         (("mu_product", 1.0),)):
            nadam_update(p._data, g, st["exp_avg"]._data, st["exp_avg_sq"]._data,
                         st["mu_product"]._data, step, lr, beta1, beta2, eps, wd, md,
                         decoupled, maximize)
