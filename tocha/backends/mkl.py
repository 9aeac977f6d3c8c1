"""`tocha.backends.mkl`: a library tocha does not use; `is_available()` is False."""
from __future__ import annotations


def is_available() -> bool:
    return False
