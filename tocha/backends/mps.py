"""`tocha.backends.mps`: Apple's Metal backend; tocha has none."""
from __future__ import annotations


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
