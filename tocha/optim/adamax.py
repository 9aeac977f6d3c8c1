"""Adamax (Adam with the infinity norm)."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, decay, lerp_
from .adam import _adam_options, _check_betas_eps
from .optimizer import ParamsT, _GroupOptimizer, scratch

__all__ = ["Adamax", "adamax_update"]


def adamax_update(p, g, exp_avg, exp_inf, step: float, lr: float, beta1: float, beta2: float,
                  eps: float, weight_decay: float, maximize: bool) -> None:
    """One Adamax step on arrays (in place); `step` counts from 1."""
    g = decay(g, p, weight_decay, maximize)
    tmp, tmp2 = scratch(p, 2)
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_inf *= beta2
    np.abs(g, out=tmp2)
    tmp2 += eps
    np.maximum(exp_inf, tmp2, out=exp_inf)
    clr = lr / (1 - beta1 ** step)
    addcdiv_(p, exp_avg, exp_inf, -clr, tmp)


class Adamax(_GroupOptimizer):
    """Adamax (PyTorch's `torch.optim.Adamax`)."""

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("capturable", False))

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_betas_eps(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr, beta1, beta2, eps, wd = _adam_options(group)
        maximize = group["maximize"]
        for p, g, st, step in self._each(group, ("exp_avg", "exp_inf")):
            adamax_update(p._data, g, st["exp_avg"]._data, st["exp_inf"]._data, step, lr,
                          beta1, beta2, eps, wd, maximize)
