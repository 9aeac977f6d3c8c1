"""Flatten and Unflatten."""
from __future__ import annotations

from collections.abc import Sequence

from ..._tensor import Tensor
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flatten a range of dimensions into one (by default all but the batch dimension).

    Args:
        start_dim (int): first dimension to flatten. Default: 1.
        end_dim (int): last dimension to flatten. Default: -1.

    Shape:
        - Input: `(N, *dims)`.
        - Output: `(N, prod(dims))` with the defaults.

    Example:
        >>> import tocha
        >>> tocha.nn.Flatten()(tocha.zeros(32, 16, 4, 4)).shape  # CNN features -> Linear input
        torch.Size([32, 256])
    """

    __constants__ = ("start_dim", "end_dim",)

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim `dim` into `unflattened_size`."""

    __constants__ = ("dim", "unflattened_size",)

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if isinstance(dim, int):
            if not isinstance(unflattened_size, (tuple, list)) or not all(
                    isinstance(s, int) for s in unflattened_size):
                raise TypeError("unflattened_size must be tuple of ints, but found type "
                                f"{type(unflattened_size).__name__}")
        elif isinstance(dim, str):
            raise TypeError("named tensors (a str dim) are not supported by tocha")
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
