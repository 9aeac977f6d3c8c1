"""Adagrad with learning-rate decay, weight decay and maximize."""
from __future__ import annotations

import numpy as np

from ._functional import addcdiv_, decay
from .optimizer import (
    ParamsT,
    _check_fused,
    _check_lr,
    _check_nonneg,
    _floats,
    _GroupOptimizer,
    _init_state,
    _to_scalar,
    scratch,
)

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(p, g, state_sum, step: float, lr: float, lr_decay: float,
                   weight_decay: float, eps: float, maximize: bool) -> None:
    """One Adagrad step on arrays (in place); `step` counts from 1."""
    g = decay(g, p, weight_decay, maximize)
    clr = lr / (1 + (step - 1) * lr_decay)
    tmp, std = scratch(p, 2)
    np.multiply(g, g, out=tmp)
    state_sum += tmp
    np.sqrt(state_sum, out=std)
    std += eps
    addcdiv_(p, g, std, -clr, tmp)


class Adagrad(_GroupOptimizer):
    """Adagrad: each step divided by the root of the sum of all past squared gradients.

    As in PyTorch, the state of every parameter is created at construction.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-2.
        lr_decay (float): the learning rate decays as `lr / (1 + (step - 1) * lr_decay)`.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        initial_accumulator_value (float): starting value of the sum. Default: 0.
        eps (float): added to the denominator for stability. Default: 1e-10.
        foreach (bool, optional): accepted and ignored.
        maximize (bool): ascend instead of descend. Default: False.
        differentiable (bool): accepted and ignored.
        fused (bool, optional): accepted and ignored.

    Example:
        >>> import tocha
        >>> w = tocha.tensor([1.0], requires_grad=True)
        >>> opt = tocha.optim.Adagrad([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()  # w = 1 - 0.1 * 2 / sqrt(4)
        >>> w
        tensor([0.9000], requires_grad=True)
    """

    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                       ("fused", None))
    _takes_sparse = True    # (a sparse gradient updates only its rows: the dense update)

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0, eps: float = 1e-10,
                 foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        _check_nonneg(lr_decay, "lr_decay value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(initial_accumulator_value, "initial_accumulator_value value")
        _check_nonneg(eps, "epsilon value")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        buffers = self._buffers()
        for group in self.param_groups:
            for p in group["params"]:
                _init_state(self.state[p], p, buffers)

    def _buffers(self) -> tuple:
        # the constructor's initial value, not the group's (as in PyTorch)
        return (("sum", self.defaults["initial_accumulator_value"]),)

    def share_memory(self) -> None:
        pass

    def _group_step(self, group: dict) -> None:
        lr = _to_scalar(group["lr"])
        lr_decay, wd, eps = _floats(group, "lr_decay", "weight_decay", "eps")
        maximize = group["maximize"]
        for p, g, st, step in self._each(group, self._buffers()):
            adagrad_update(p._data, g, st["sum"]._data, step, lr, lr_decay, wd, eps, maximize)
