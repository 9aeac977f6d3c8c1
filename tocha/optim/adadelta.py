"""Adadelta with weight decay and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcmul_, decay
from .optimizer import (
    ParamsT,
    _check_lr,
    _check_nonneg,
    _floats,
    _GroupOptimizer,
    _to_scalar,
    scratch,
)

__all__ = ["Adadelta", "adadelta_update"]


def adadelta_update(p, g, square_avg, acc_delta, lr: float, rho: float, eps: float,
                    weight_decay: float, maximize: bool) -> None:
    """One Adadelta step on arrays (in place)."""
    g = decay(g, p, weight_decay, maximize)
    tmp, std, delta = scratch(p, 3)
    square_avg *= rho
    addcmul_(square_avg, g, g, 1 - rho, tmp)
    np.add(square_avg, eps, out=std)
    np.sqrt(std, out=std)
    np.add(acc_delta, eps, out=delta)
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc_delta *= rho
    addcmul_(acc_delta, delta, delta, 1 - rho, tmp)
    np.multiply(delta, lr, out=tmp)
    p -= tmp


class Adadelta(_GroupOptimizer):
    """Adadelta (PyTorch's `torch.optim.Adadelta`)."""

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("capturable", False))

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr = _to_scalar(group["lr"])
        rho, eps, wd = _floats(group, "rho", "eps", "weight_decay")
        maximize = group["maximize"]
        for p, g, st, _ in self._each(group, ("square_avg", "acc_delta")):
            adadelta_update(p._data, g, st["square_avg"]._data, st["acc_delta"]._data, lr,
                            rho, eps, wd, maximize)
