"""NAdam (Adam with Nesterov momentum), with momentum decay and decoupled weight decay."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, addcmul_, lerp_
from .adam import _check_betas_eps
from .optimizer import Optimizer, _floats, _step_tensor, _tick, _to_scalar, _zeros_like, scratch

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


class NAdam(Optimizer):
    """NAdam (PyTorch's `torch.optim.NAdam`)."""

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_betas_eps(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                        "momentum_decay": momentum_decay,
                        "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("maximize", False), ("foreach", None), ("capturable", False),
                         ("differentiable", False), ("decoupled_weight_decay", False)):
                group.setdefault(k, v)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            eps, wd = _floats(group, "eps", "weight_decay")
            maximize = group["maximize"]
            md, decoupled = _to_scalar(group["momentum_decay"]), group["decoupled_weight_decay"]
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                st = state[p]
                if len(st) == 0:
                    st["step"] = _step_tensor()
                    st["mu_product"] = _step_tensor(1.0)
                    st["exp_avg"] = _zeros_like(p)
                    st["exp_avg_sq"] = _zeros_like(p)
                step = _tick(st)
                nadam_update(p._data, gt._data, st["exp_avg"]._data, st["exp_avg_sq"]._data,
                             st["mu_product"]._data, step, lr, beta1, beta2, eps, wd, md,
                             decoupled, maximize)
                p._bump()
        return loss
