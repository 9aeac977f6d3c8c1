"""The package name in printed API names: `tocha.float32` after `import tocha`,
`torch.float32` when tocha stands in for torch (`python -m tocha run`), so a script prints
exactly what it prints under PyTorch."""
from __future__ import annotations

prefix = "tocha"


def stand_in_for_torch(on: bool = True) -> None:
    """Print dtypes (and other API names) as `torch.*` (on) or `tocha.*` (off)."""
    global prefix
    prefix = "torch" if on else "tocha"
