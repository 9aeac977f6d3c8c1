"""Flatten parameters into one vector and back (PyTorch's `torch.nn.utils`)."""
from __future__ import annotations

from collections.abc import Iterable

from ..._ops import movement as _movement
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param: Tensor, old: int | None) -> int:
    dev = param.get_device()
    if old is not None and dev != old:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return dev


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-d tensor (differentiable)."""
    dev = None
    vec = []
    for p in parameters:
        dev = _check_param_device(p, dev)
        vec.append(p.view(-1))
    return _movement.cat(vec)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Point each parameter's `.data` at its slice of `vec` (views, no copy)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    dev = None
    ptr = 0
    for p in parameters:
        dev = _check_param_device(p, dev)
        n = p.numel()
        p.data = vec[ptr:ptr + n].view_as(p).data
        ptr += n
