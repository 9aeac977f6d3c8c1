"""SyncBatchNorm: batch normalisation with statistics over the batch of every rank."""
from __future__ import annotations

from typing import Any

import tocha

from ... import _creation as C
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .module import Module
from .normalization import _BatchNorm

__all__ = ["SyncBatchNorm"]


def _sync_stats(x: Tensor, group) -> tuple[Tensor, Tensor, float]:
    """(mean, biased var) per channel over every rank's batch, and the global count; both
    through a differentiable all-reduce, so backward sums the statistics' gradients over the
    ranks (what one process with the whole batch computes)."""
    from ...distributed.nn.functional import all_reduce
    dims = [0] + list(range(2, x.ndim))
    local_n = x.numel() // x.shape[1]
    s = x.sum(dim=dims)
    both = all_reduce(cat_count(s, float(local_n)), group=group)
    n = float(both[-1].item())
    mean = both[:-1] / n
    shape = [1, x.shape[1]] + [1] * (x.ndim - 2)
    xc = x - mean.reshape(shape)
    var = all_reduce((xc * xc).sum(dim=dims), group=group) / n
    return mean, var, n


def cat_count(s: Tensor, n: float) -> Tensor:
    from ..._ops.movement import cat
    return cat([s, C.full((1,), n, dtype=s.dtype)])


class SyncBatchNorm(_BatchNorm):
    """BatchNorm whose training statistics cover the whole batch across the ranks of
    `process_group` (default: all ranks), as one process with the full batch would see.

    Input (N, C, *). Outside training, on one process, or without an initialised process
    group it behaves as BatchNorm. Convert a model with
    ``nn.SyncBatchNorm.convert_sync_batchnorm(model)``.

    Example::

        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        model = nn.parallel.DistributedDataParallel(model)

    Differs from PyTorch: runs on the CPU (PyTorch's SyncBatchNorm needs GPUs).
    """

    _dims = ("", "", ", L", ", H, W", ", D, H, W")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 process_group: Any | None = None, device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)
        self.process_group = process_group

    def _check_input_dim(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"SyncBatchNorm: expected a Tensor input, got "
                            f"{type(input).__name__}")
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _need_sync(self) -> bool:
        from ... import distributed as dist
        if not (self.training and dist.is_available() and dist.is_initialized()):
            return False
        return dist.get_world_size(self.process_group) > 1

    def forward(self, input: Tensor) -> Tensor:
        if not self._need_sync():
            return super().forward(input)
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise ValueError(f"SyncBatchNorm({self.num_features}): expected input with "
                             f"{self.num_features} channels, got {tuple(input.shape)}")
        mean, var, n = _sync_stats(input, self.process_group)
        if self.track_running_stats and self.num_batches_tracked is not None:
            self._update_running(mean, var, n)
        shape = [1, input.shape[1]] + [1] * (input.ndim - 2)
        y = (input - mean.reshape(shape)) / (var.reshape(shape) + self.eps).sqrt()
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        return y

    def _update_running(self, mean: Tensor, var: Tensor, n: float) -> None:
        with no_grad():
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                f = 1.0 / float(self.num_batches_tracked)
            else:
                f = self.momentum
            unbiased = var.detach() * (n / max(n - 1.0, 1.0))
            self.running_mean.mul_(1 - f).add_(mean.detach() * f)
            self.running_var.mul_(1 - f).add_(unbiased * f)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """Return `module` with every BatchNorm*D layer replaced by a SyncBatchNorm that keeps
        its parameters, buffers and training mode."""
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group)
            if module.affine:
                with no_grad():
                    out.weight = module.weight
                    out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return out
