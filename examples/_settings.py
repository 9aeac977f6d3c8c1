"""Sizes for the examples: full by default, tiny with TOCHA_EXAMPLES_QUICK=1 (the test suite)."""
import os

QUICK = os.environ.get("TOCHA_EXAMPLES_QUICK", "") not in ("", "0")


def size(full: int, quick: int) -> int:
    """`full` normally, `quick` when the examples run as tests."""
    return quick if QUICK else full
