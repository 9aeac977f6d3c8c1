"""RMSprop with centering, momentum, weight decay and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, addcmul_, decay, lerp_
from .optimizer import (
    ParamsT,
    _check_lr,
    _check_nonneg,
    _floats,
    _GroupOptimizer,
    _to_scalar,
    scratch,
)

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


class RMSprop(_GroupOptimizer):
    """RMSprop: each step divided by a running root-mean-square of the gradient.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-2.
        alpha (float): decay rate of the squared-gradient average. Default: 0.99.
        eps (float): added to the denominator for stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        momentum (float): momentum of the step. Default: 0.
        centered (bool): divide by the variance estimate instead. Default: False.
        capturable (bool): accepted and ignored.
        foreach (bool, optional): accepted and ignored.
        maximize (bool): ascend instead of descend. Default: False.
        differentiable (bool): accepted and ignored.

    Example:
        >>> import tocha
        >>> w = tocha.tensor([1.0], requires_grad=True)
        >>> opt = tocha.optim.RMSprop([w], lr=0.01)
        >>> (w ** 2).sum().backward()  # grad 2; average of squares 0.01 * 4 = 0.04
        >>> opt.step()  # w = 1 - 0.01 * 2 / sqrt(0.04)
        >>> w
        tensor([0.9000], requires_grad=True)
    """

    _group_defaults = (("momentum", 0), ("centered", False), ("foreach", None),
                       ("maximize", False), ("differentiable", False), ("capturable", False))

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(momentum, "momentum value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(alpha, "alpha value")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr = _to_scalar(group["lr"])
        alpha, eps, wd, momentum = _floats(group, "alpha", "eps", "weight_decay", "momentum")
        centered, maximize = group["centered"], group["maximize"]
        buffers = ("square_avg", "momentum_buffer" if momentum > 0 else None,
                   "grad_avg" if centered else None)
        for p, g, st, _ in self._each(group, buffers):
            rmsprop_update(p._data, g, st["square_avg"]._data,
                           st["grad_avg"]._data if centered else None,
                           st["momentum_buffer"]._data if momentum > 0 else None,
                           lr, alpha, eps, wd, momentum, centered, maximize)
