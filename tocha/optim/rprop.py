"""Rprop (resilient backpropagation): per-element step sizes driven by gradient signs."""
from __future__ import annotations

import numpy as np

from .optimizer import ParamsT, _check_lr, _GroupOptimizer, _to_scalar

__all__ = ["Rprop", "rprop_update"]


def rprop_update(p, g, prev, step_size, etaminus: float, etaplus: float, step_size_min: float,
                 step_size_max: float, maximize: bool) -> None:
    """One Rprop step on arrays (in place on p, prev, step_size)."""
    if maximize:
        g = -g
    sign = np.empty_like(prev)    # (explicit outputs keep 0-d parameters as arrays)
    np.multiply(g, prev, out=sign)
    np.sign(sign, out=sign)
    up, down, zero = sign > 0, sign < 0, sign == 0   # NaN stays NaN, as in PyTorch
    sign[up] = etaplus
    sign[down] = etaminus
    sign[zero] = 1
    step_size *= sign
    np.clip(step_size, step_size_min, step_size_max, out=step_size)
    g = np.array(g, copy=True)
    g[down] = 0
    p -= np.sign(g) * step_size
    prev[...] = g


class Rprop(_GroupOptimizer):
    """Rprop (PyTorch's `torch.optim.Rprop`)."""

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("capturable", False))

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        etaminus, etaplus = group["etas"]
        smin, smax = group["step_sizes"]
        maximize = group["maximize"]
        buffers = ("prev", ("step_size", _to_scalar(group["lr"])))
        for p, g, st, _ in self._each(group, buffers):
            rprop_update(p._data, g, st["prev"]._data, st["step_size"]._data, etaminus,
                         etaplus, smin, smax, maximize)
