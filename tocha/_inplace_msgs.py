"""PyTorch's messages for in-place ops autograd refuses or a dtype/shape forbids (used by
Tensor._inplace and the view checks in tocha/_tensor.py)."""
from __future__ import annotations

import re
from typing import Any

from . import _dtype as D
from ._dtype_ext import scalar_name


def _multi_view_message(t: Any, what: str) -> str:
    tail = ("This view is the output of a function that returns multiple views. Such functions "
            "do not allow the output views to be modified inplace. You should replace the "
            "inplace operation by an out-of-place one.")
    if t._grad_fn is None:      # (made outside any graph: PyTorch words it as no_grad's)
        return f"A view was created in no_grad mode and {what} with grad mode enabled. {tail}"
    name = re.sub(r"Backward\d*$", "", t._grad_fn.name())
    nr = t.__dict__.get("_multi_view_nr", t._output_nr)
    return f"Output {nr} of {name} is a view and {what}. {tail}"


def _check_cast(src, dst, fn):
    if not D.can_cast(src, dst):
        name = getattr(fn, "__name__", "op")
        raise RuntimeError(f"result type {scalar_name(src)} can't be cast to the desired "
                           f"output type {scalar_name(dst)} (in-place {name}_)")



_NOGRAD_VIEW_MSG = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked).")


_NOGRAD_VIEW_BASE_MSG = _NOGRAD_VIEW_MSG.replace(
    "is being modified inplace", "its base or another view of its base has been modified "
    "inplace")


def _inplace_shape_error(fn, self, out):
    raise RuntimeError(
        f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
        f"{list(out._data.shape)} (in-place {getattr(fn, '__name__', 'op')}_)")


_LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
