"""Stochastic weight averaging: AveragedModel, update_bn, SWALR (PyTorch's `swa_utils`)."""
from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any

import numpy as np

import tocha

from .. import _creation
from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ._functional import lerp_
from .lr_scheduler import LRScheduler, _format_param
from .optimizer import Optimizer

__all__ = ["SWALR", "AveragedModel", "get_ema_avg_fn", "get_ema_multi_avg_fn",
           "get_swa_avg_fn", "get_swa_multi_avg_fn", "update_bn"]


def _lerp_list(avg: list, cur: list, weight) -> None:
    for a, c in zip(avg, cur):
        arr = a._data
        lerp_(arr, c._data, weight, np.empty_like(arr))
        a._bump()


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """In-place exponential moving average over lists of tensors (for `multi_avg_fn`)."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         f"[0,1] range.")

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _) -> None:
        if ema_param_list[0].is_floating_point():
            _lerp_list(ema_param_list, current_param_list, 1 - decay)
        else:
            for e, m in zip(ema_param_list, current_param_list):
                e.copy_(e * decay + m * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """In-place running mean over lists of tensors (for `multi_avg_fn`)."""

    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged) -> None:
        n = num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged
        if averaged_param_list[0].is_floating_point():
            # PyTorch computes the weight 1 / (n + 1) as a float32 tensor
            w = float(np.float32(1) / np.float32(n + 1))
            _lerp_list(averaged_param_list, current_param_list, w)
        else:
            for a, c in zip(averaged_param_list, current_param_list):
                a.add_((c - a) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """`avg_fn` for an exponential moving average: decay * ema + (1 - decay) * current."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         f"[0,1] range.")

    @no_grad()
    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable:
    """`avg_fn` for the running mean: avg + (current - avg) / (n + 1)."""

    @no_grad()
    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters hold an average (SWA by default, or EMA via
    `avg_fn`/`multi_avg_fn`) of the parameters passed to `update_parameters`."""

    def __init__(self, model: Module, device: tocha.device | str | None = None,
                 avg_fn: Callable | None = None, multi_avg_fn: Callable | None = None,
                 use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", _creation.tensor(0, dtype=D.int64))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current parameters (and buffers if `use_buffers`) into the average."""
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        avg_list, cur_list = [], []
        n = int(self.n_averaged.item())
        with no_grad():
            for pa, pm in zip(mine, theirs):
                pa, pm = pa.detach(), pm.detach()
                avg_list.append(pa)
                cur_list.append(pm)
                if n == 0:
                    pa.copy_(pm)
            if n > 0:
                if self.multi_avg_fn is not None:
                    groups: dict = {}
                    for pa, pm in zip(avg_list, cur_list):
                        g = groups.setdefault(pa.dtype, ([], []))
                        g[0].append(pa)
                        g[1].append(pm)
                    for a_list, c_list in groups.values():
                        self.multi_avg_fn(a_list, c_list, self.n_averaged)
                else:
                    # PyTorch's CPU path: the per-tensor formula (also for integer buffers,
                    # whose mean is truncated by copy_)
                    fn = self.avg_fn or get_swa_avg_fn()
                    for pa, pm in zip(avg_list, cur_list):
                        pa.copy_(fn(pa, pm, self.n_averaged))
            if not self.use_buffers:
                for bs, bm in zip(self.module.buffers(), model.buffers()):
                    bs.detach().copy_(bm.detach())
            self.n_averaged.add_(1)


@no_grad()
def update_bn(loader: Iterable[Any], model: Module,
              device: tocha.device | str | None = None) -> None:
    """Recompute BatchNorm running statistics with one pass over `loader`."""
    from ..nn.modules.normalization import _BatchNorm
    momenta = {}
    for m in model.modules():
        if isinstance(m, _BatchNorm):
            m.reset_running_stats()
            momenta[m] = m.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for m in momenta:
        m.momentum = None
    for inp in loader:
        if isinstance(inp, (list, tuple)):
            inp = inp[0]
        if device is not None:
            inp = inp.to(device)
        model(inp)
    for m, mom in momenta.items():
        m.momentum = mom
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to `swa_lr` over `anneal_epochs` (cos or linear), then hold."""

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "`get_last_lr()`.", UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        groups = self.optimizer.param_groups
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" \
            else self._linear_anneal

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
