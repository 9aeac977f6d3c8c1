"""ASGD (averaged stochastic gradient descent)."""
from __future__ import annotations

from .optimizer import ParamsT, _check_lr, _check_nonneg, _floats, _GroupOptimizer, _to_scalar

__all__ = ["ASGD", "asgd_update"]


def asgd_update(p, g, ax, eta, mu, step: float, lr: float, lambd: float, alpha: float,
                t0: float, weight_decay: float, maximize: bool) -> None:
    """One ASGD step on arrays; `eta` and `mu` are the 0-d state arrays (updated in place)."""
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * p
    eta_value = float(eta)
    p *= 1 - lambd * eta_value
    p -= g * eta_value
    if float(mu) != 1:
        d = p - ax
        d *= mu
        ax += d
    else:
        ax[...] = p
    eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
    mu[...] = 1 / max(1, step - t0)


class ASGD(_GroupOptimizer):
    """Averaged SGD (PyTorch's `torch.optim.ASGD`)."""

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("capturable", False))

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr = _to_scalar(group["lr"])
        lambd, alpha, t0 = _floats(group, "lambd", "alpha", "t0")
        wd, maximize = _to_scalar(group["weight_decay"]), group["maximize"]
        for p, g, st, step in self._each(group, ("ax",), (("eta", lr), ("mu", 1.0))):
            asgd_update(p._data, g, st["ax"]._data, st["eta"]._data, st["mu"]._data, step,
                        lr, lambd, alpha, t0, wd, maximize)
