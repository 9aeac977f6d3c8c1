"""`ctc_loss`: the Connectionist Temporal Classification loss (tocha/_ops/nn_ctc.py)."""
from __future__ import annotations

from .._ops.nn_ctc import ctc_loss

__all__ = ["ctc_loss"]
