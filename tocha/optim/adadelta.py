"""Adadelta with weight decay and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcmul_, decay
from .optimizer import Optimizer, _floats, _step_tensor, _tick, _to_scalar, _zeros_like, scratch

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


class Adadelta(Optimizer):
    """Adadelta (PyTorch's `torch.optim.Adadelta`)."""

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("foreach", None), ("maximize", False), ("differentiable", False),
                         ("capturable", False)):
                group.setdefault(k, v)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            rho, eps, wd = _floats(group, "rho", "eps", "weight_decay")
            maximize = group["maximize"]
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                st = state[p]
                if len(st) == 0:
                    st["step"] = _step_tensor()
                    st["square_avg"] = _zeros_like(p)
                    st["acc_delta"] = _zeros_like(p)
                _tick(st)
                adadelta_update(p._data, gt._data, st["square_avg"]._data,
                                st["acc_delta"]._data, lr, rho, eps, wd, maximize)
                p._bump()
        return loss
