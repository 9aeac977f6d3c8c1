"""What autograd allows on views, as PyTorch decides it (used by tocha/_tensor.py and the
composites in tocha/_ops).

A view remembers how it was made (PyTorch's CreationMeta; set in
`tocha.autograd.function._make_view`): under no_grad (`_nograd_view`), by split/chunk/unbind
(`_multi_view`), or plainly. A view of such a view keeps its base's kind unless made in one of
these ways itself. PyTorch refuses in-place ops in grad mode on the first two kinds when they
or an operand require grad, and any use in a graph of them once their memory changed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ._inplace_msgs import _LEAF_MSG, _NOGRAD_VIEW_MSG, _multi_view_message

if TYPE_CHECKING:
    from ._tensor import Tensor

# what an in-place op on a tensor means for autograd (Tensor._check_inplace)
NOT_RECORDED, RECORDED, RECORDED_ON_VIEW = 0, 1, 2


def _requires_grad_of(t: Tensor) -> bool:
    """Whether `t` requires grad, as PyTorch's `requires_grad` says, without rebasing a view:
    a view does when its base does (it joins the base's graph on its next use)."""
    return t._requires_grad or (t._base is not None and t._base._requires_grad)


def check_inplace_view(t: Tensor, other_rg: bool) -> int:
    """Tensor._check_inplace for a view `t` in grad mode, in PyTorch's order: how the view was
    made, then whether its base is a leaf, then its own record as it stands (not rebased: a
    view whose base joined a graph since it was made, with no history of its own yet, is a
    leaf). `other_rg`: an operand requires grad."""
    base = t._base
    rg = t._requires_grad or base._requires_grad
    if not (rg or other_rg):
        return NOT_RECORDED
    d = t.__dict__
    if d.get("_nograd_view"):
        raise RuntimeError(_NOGRAD_VIEW_MSG)
    if d.get("_multi_view"):
        raise RuntimeError(_multi_view_message(t, "is being modified inplace"))
    if rg:
        if base._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
        if t._grad_fn is None:
            raise RuntimeError(_LEAF_MSG)
    if t._view_fn is None:
        raise RuntimeError(
            "in-place operation on a detached alias of a tensor that requires grad, with an "
            "operand that requires grad: tocha cannot record it. Use the out-of-place op.")
    base._graph_write = t._version + 1     # (see Tensor._rebase_view)
    return RECORDED_ON_VIEW


def _unview(t: Tensor, own_version: bool = False) -> Tensor:
    """`t`, a view an op made of a tensor of its own (one it hands out to no one), as the new
    tensor PyTorch's op returns: no view links, so no view rules (a view made under no_grad is
    refused in-place ops in grad mode; PyTorch's result is no view). Its version counter stays
    shared with that hidden base, which a node may have saved for backward; `own_version`:
    a counter of its own (unsafe_split's outputs: PyTorch's share memory, not versions)."""
    d = t.__dict__
    if t._base is not None:
        for k in ("_base", "_view_fn", "_view_version", "_nograd_view", "_multi_view"):
            d.pop(k, None)
        if t._grad_fn is None:      # (a view of a tensor requiring grad, made under no_grad)
            t._requires_grad = False
    if own_version:
        d.pop("_vc", None)
    return t


def _as_view(t: Tensor) -> Tensor:
    """`t`, an op's new result, as a view of itself, where PyTorch's op returns a view of its
    intermediate result (einsum's contraction, cov, ...): made under no_grad, it then has the
    rules of a view made under no_grad, as PyTorch's has."""
    return t[...]
