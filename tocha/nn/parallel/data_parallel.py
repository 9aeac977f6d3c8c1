"""DataParallel on a machine without GPUs: PyTorch then simply calls the module."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tocha

from ..modules.module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Replicates a module over GPUs in PyTorch; without GPUs (always in tocha) it runs the
    wrapped module unchanged, as PyTorch does on a CPU-only machine.

    Args:
        module: the module to run. device_ids, output_device: must be None or empty (no GPUs).
        dim: the batch dimension (kept for the API).

    Example::

        model = nn.DataParallel(nn.Linear(4, 2))
        y = model(torch.randn(8, 4))             # same as model.module(x)
        model.state_dict().keys()                # 'module.weight', 'module.bias'
    """

    def __init__(self, module: Module, device_ids: Sequence[int | tocha.device] | None = None,
                 output_device: int | tocha.device | None = None, dim: int = 0) -> None:
        super().__init__()
        if device_ids:
            raise RuntimeError(f"DataParallel: device_ids={device_ids!r} names GPUs, but "
                               "tocha runs on the CPU only; leave device_ids unset")
        self.module = module
        self.device_ids: list = []
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)
