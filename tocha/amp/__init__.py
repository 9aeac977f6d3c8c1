"""`torch.amp`: automatic mixed precision -- `autocast` (CPU: bfloat16 by default, PyTorch's
op lists) and `GradScaler` (loss scaling with inf/nan step skipping)."""
from __future__ import annotations

import sys as _sys
from importlib import import_module as _import_module

from .autocast_mode import (
    autocast,
    custom_bwd,
    custom_fwd,
    is_autocast_available,
)
from .grad_scaler import GradScaler

# `import torch.cuda.amp` (a submodule of a module that is not a package here); tocha.cuda's
# `amp` attribute is the same module
_sys.modules.setdefault("tocha.cuda.amp", _import_module("tocha.amp._cuda_amp"))

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]
