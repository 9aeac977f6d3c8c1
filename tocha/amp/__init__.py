"""`torch.amp`: automatic mixed precision -- `autocast` (CPU: bfloat16 by default, PyTorch's
op lists) and `GradScaler` (loss scaling with inf/nan step skipping)."""
from __future__ import annotations

from .autocast_mode import (
    autocast,
    custom_bwd,
    custom_fwd,
    is_autocast_available,
)
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]
