"""tocha.utils.tensorboard: `SummaryWriter` writing TensorBoard event files.

Needs the `tensorboard` package (an optional extra: `pip install tocha[tensorboard]`); the
event files and summary protos are TensorBoard's own.
"""
from __future__ import annotations

try:
    import tensorboard  # noqa: F401
except ModuleNotFoundError as e:
    raise ModuleNotFoundError(
        "tocha.utils.tensorboard needs the `tensorboard` package, which is not installed: "
        "pip install tensorboard (or pip install tocha[tensorboard])") from e

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
