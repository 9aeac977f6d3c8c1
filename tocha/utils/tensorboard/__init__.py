"""`tocha.utils.tensorboard`: SummaryWriter writing TensorBoard event files (through the
`tensorboard` package, the optional extra `tensorboard`).

>>> from tocha.utils.tensorboard import SummaryWriter  # doctest: +SKIP
>>> with SummaryWriter("runs/exp1") as w:               # doctest: +SKIP
...     for step in range(3):
...         w.add_scalar("loss", 1.0 / (step + 1), step)
"""
from __future__ import annotations

try:
    import tensorboard  # noqa: F401
except ImportError as e:  # a clear message instead of a deep traceback
    raise ImportError("tocha.utils.tensorboard needs the tensorboard package: "
                      "pip install tensorboard (or tocha's extra: pip install "
                      "'tocha[tensorboard]')") from e

from ._writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
