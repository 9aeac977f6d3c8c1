"""RMSprop with centering, momentum, weight decay and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, addcmul_, decay, lerp_
from .optimizer import Optimizer, _floats, _step_tensor, _tick, _to_scalar, _zeros_like, scratch

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(p, g, square_avg, grad_avg, momentum_buffer, lr: float, alpha: float,
                   eps: float, weight_decay: float, momentum: float, centered: bool,
                   maximize: bool) -> None:
    """One RMSprop step on arrays (in place)."""
    g = decay(g, p, weight_decay, maximize)
    tmp, avg = scratch(p, 2)
    square_avg *= alpha
    addcmul_(square_avg, g, g, 1 - alpha, tmp)
    if centered:
        lerp_(grad_avg, g, 1 - alpha, tmp)
        np.multiply(grad_avg, grad_avg, out=tmp)
        np.subtract(square_avg, tmp, out=avg)
        np.sqrt(avg, out=avg)
    else:
        np.sqrt(square_avg, out=avg)
    avg += eps
    if momentum > 0:
        momentum_buffer *= momentum
        addcdiv_(momentum_buffer, g, avg, 1, tmp)
        np.multiply(momentum_buffer, lr, out=tmp)
        p -= tmp
    else:
        addcdiv_(p, g, avg, -lr, tmp)


class RMSprop(Optimizer):
    """RMSprop (PyTorch's `torch.optim.RMSprop`)."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered,
                        "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                        "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("momentum", 0), ("centered", False), ("foreach", None),
                         ("maximize", False), ("differentiable", False), ("capturable", False)):
                group.setdefault(k, v)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            alpha, eps, wd, momentum = _floats(group, "alpha", "eps", "weight_decay", "momentum")
            centered, maximize = group["centered"], group["maximize"]
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                st = state[p]
                if len(st) == 0:
                    st["step"] = _step_tensor()
                    st["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        st["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        st["grad_avg"] = _zeros_like(p)
                _tick(st)
                rmsprop_update(p._data, gt._data, st["square_avg"]._data,
                               st["grad_avg"]._data if centered else None,
                               st["momentum_buffer"]._data if momentum > 0 else None,
                               lr, alpha, eps, wd, momentum, centered, maximize)
                p._bump()
        return loss
