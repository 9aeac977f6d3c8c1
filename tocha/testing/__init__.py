"""`tocha.testing`: `assert_close` (PyTorch's tolerances and messages) and `make_tensor`.

>>> import tocha
>>> from tocha.testing import assert_close
>>> assert_close(tocha.tensor([1.0, 2.0]), tocha.tensor([1.0, 2.0 + 1e-7]))
"""
from __future__ import annotations

from ._comparison import assert_allclose, assert_close
from ._creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]


def __getattr__(name: str):
    from .._missing import missing_attr
    raise missing_attr(__name__, name)
