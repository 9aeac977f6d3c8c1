"""AdamW: Adam with decoupled weight decay."""
from __future__ import annotations

from .adam import Adam
from .optimizer import ParamsT

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay: `p -= lr * weight_decay * p` before the Adam step.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-3.
        betas (tuple of float): decay rates of the two running averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for stability. Default: 1e-8.
        weight_decay (float): the decoupled decay rate. Default: 1e-2.
        amsgrad (bool): use the maximum of past squared averages. Default: False.
        maximize (bool): ascend instead of descend. Default: False.
        foreach (bool, optional): accepted and ignored.
        capturable (bool): accepted and ignored.
        differentiable (bool): accepted and ignored.
        fused (bool, optional): accepted and ignored.

    Example:
        >>> import tocha
        >>> w = tocha.tensor([1.0], requires_grad=True)
        >>> opt = tocha.optim.AdamW([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()  # 1 * (1 - 0.1 * 0.01), then the Adam step of 0.1
        >>> w
        tensor([0.8990], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
