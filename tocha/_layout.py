"""Memory layouts (PyTorch's `torch.layout`): `strided` for dense tensors, the sparse formats.

>>> import tocha
>>> tocha.ones(2).layout
tocha.strided
"""
from __future__ import annotations

from . import _naming

__all__ = ["jagged", "layout", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc",
           "sparse_csr", "strided"]


class layout:
    """How a tensor's elements are stored: `tocha.strided` (dense), `tocha.sparse_coo`,
    `tocha.sparse_csr`, `tocha.sparse_csc`, `tocha.sparse_bsr`, `tocha.sparse_bsc`,
    `tocha.jagged` (nested tensors, which tocha does not implement). One object per layout,
    so `x.layout is tocha.strided` and `==` both work.

    Differs from PyTorch: prints as `tocha.strided` after `import tocha` (as `torch.strided`
    under `python -m tocha run`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{_naming.prefix}.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


def _by_name(name: str) -> layout:
    return globals()[name]


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")


def sparse_factory(lay, op: str, size: tuple, dtype, requires_grad: bool = False):
    """What a creation function gives for `layout=lay` other than strided: `zeros`/`empty`
    build an empty sparse tensor (no stored entries), as in PyTorch; the functions that
    fill values raise PyTorch's errors."""
    if not isinstance(lay, layout):
        raise TypeError(f"{op}(): argument 'layout' must be torch.layout, not "
                        f"{type(lay).__name__}")
    if lay is strided:
        return None
    if lay is jagged:
        raise RuntimeError(f"{op}(): tocha does not implement nested (jagged) tensors")
    if op not in ("zeros", "empty", "zeros_like"):
        if op in ("full", "ones", "full_like", "ones_like"):
            raise RuntimeError("full(...) is not implemented for sparse layout")
        raise NotImplementedError(f"Could not run '{op}' with arguments from the 'SparseCPU' "
                                  f"backend: {op} has no sparse layout")
    from .sparse._functions import empty_sparse
    return empty_sparse(lay, tuple(size), dtype, requires_grad)
