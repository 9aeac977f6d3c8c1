"""Adagrad with learning-rate decay, weight decay and maximize."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from ._functional import addcdiv_, decay
from .optimizer import Optimizer, _floats, _step_tensor, _tick, _to_scalar, scratch

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


class Adagrad(Optimizer):
    """Adagrad (PyTorch's `torch.optim.Adagrad`); state is created for every parameter at
    construction, as in PyTorch."""

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10,
                 foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                        "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                        "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p) -> dict:
        st = self.state[p]
        st["step"] = _step_tensor()
        st["sum"] = _wrap(np.full_like(p._data, self.defaults["initial_accumulator_value"]),
                          p._device)
        return st

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("foreach", None), ("maximize", False), ("differentiable", False),
                         ("fused", None)):
                group.setdefault(k, v)

    def share_memory(self) -> None:
        pass

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lr_decay, wd, eps = _floats(group, "lr_decay", "weight_decay", "eps")
            maximize = group["maximize"]
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                st = state[p]
                if len(st) == 0:
                    st = self._init_state(p)
                step = _tick(st)
                adagrad_update(p._data, gt._data, st["sum"]._data, step, lr, lr_decay, wd, eps,
                               maximize)
                p._bump()
        return loss


