"""SparseAdam: Adam for sparse gradients (nn.Embedding(sparse=True)); only the rows a step's
gradient holds are updated, moments included."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, _check_lr, _to_scalar, _zeros_like

__all__ = ["SparseAdam", "sparse_adam_update"]


def sparse_adam_update(p: np.ndarray, idx: tuple, vals: np.ndarray, exp_avg: np.ndarray,
                       exp_avg_sq: np.ndarray, step: int, lr: float, beta1: float, beta2: float,
                       eps: float) -> None:
    """One SparseAdam step on arrays (in place) at the unique positions `idx` holding the
    gradient values `vals`; the moments move toward the gradient only there."""
    old_m = exp_avg[idx]
    upd_m = (vals - old_m) * (1 - beta1)
    exp_avg[idx] = old_m + upd_m
    old_v = exp_avg_sq[idx]
    upd_v = (vals * vals - old_v) * (1 - beta2)
    exp_avg_sq[idx] = old_v + upd_v
    numer = upd_m + old_m
    denom = np.sqrt(upd_v + old_v) + eps
    step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
    p[idx] = p[idx] + -step_size * (numer / denom)


class SparseAdam(Optimizer):
    """Adam for sparse gradients: the moments and the parameter change only at the rows the
    gradient holds (lazy Adam). Use it with `nn.Embedding(..., sparse=True)`.

    Args:
        params: dense parameters whose gradients are sparse, or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-3.
        betas (tuple): decay rates of the moment estimates. Default: (0.9, 0.999).
        eps (float): added to the denominator. Default: 1e-8.
        maximize (bool): ascend instead of descend. Default: False.

    Example:
        >>> import tocha
        >>> emb = tocha.nn.Embedding(4, 2, sparse=True)
        >>> opt = tocha.optim.SparseAdam(emb.parameters(), lr=0.1)
        >>> emb(tocha.tensor([1, 3])).sum().backward()
        >>> emb.weight.grad.layout
        tocha.sparse_coo
        >>> opt.step()      # rows 1 and 3 move by lr; rows 0 and 2 stay
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)
        bad = [[gi, pi] for gi, group in enumerate(self.param_groups)
               for pi, p in enumerate(group["params"]) if p.is_sparse]
        if bad:
            raise ValueError(f"Sparse params at indices {bad}: SparseAdam requires dense "
                             f"parameter tensors")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One step for every parameter with a (sparse) gradient; returns the closure's loss
        if one is given. A dense gradient is refused, as in PyTorch."""
        loss = None if closure is None else self._closure(closure)
        for group in self.param_groups:
            lr, eps = _to_scalar(group["lr"]), _to_scalar(group["eps"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if not g.is_sparse:
                    raise RuntimeError("SparseAdam does not support dense gradients, please "
                                       "consider Adam instead")
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["exp_avg"] = _zeros_like(p)
                    st["exp_avg_sq"] = _zeros_like(p)
                st["step"] += 1
                if group.get("maximize", False):
                    g = -g
                c = g.coalesce()
                vals = c._values()._data
                if vals.size == 0:
                    continue
                idx = tuple(c._indices()._data)
                sparse_adam_update(p._data, idx, vals, st["exp_avg"]._data,
                                   st["exp_avg_sq"]._data, st["step"], lr, beta1, beta2, eps)
                p._bump()
        return loss
