"""Differentiable collectives (`torch.distributed.nn.functional`)."""
from __future__ import annotations

from ...autograd.function import Function
from .. import _coll
from .._agree import ReduceOp

__all__ = ["all_reduce"]


class _AllReduceSum(Function):
    # y = sum over ranks of x; the total loss is the sum of every rank's loss, so the gradient
    # of x on each rank is the sum over ranks of dL/dy
    @staticmethod
    def forward(ctx, group, tensor):
        ctx.group = group
        out = tensor.clone()
        _coll.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        g = grad.clone()
        _coll.all_reduce(g, group=ctx.group)
        return None, g


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """All-reduce (sum) that autograd differentiates: the gradient is all-reduced too.

    Example::

        total = dist.nn.functional.all_reduce(local_sum)   # gradient flows to every rank
    """
    if int(op) != int(ReduceOp.SUM):
        raise ValueError("tocha.distributed.nn.functional.all_reduce supports ReduceOp.SUM only")
    return _AllReduceSum.apply(group, tensor)
