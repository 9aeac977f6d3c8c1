"""split, chunk and unbind: several views of one tensor, all outputs of one node (PyTorch's
SplitBackward0 / UnbindBackward0), whose backward joins the pieces' gradients."""
from __future__ import annotations

from collections.abc import Sequence

from .._tensor import Tensor
from ._util import norm_dim, prim


class SplitView(prim):
    """split/chunk along `d` into pieces of `sizes`: each piece a basic-index view of x.
    `_multi_view`: PyTorch refuses in-place changes of such outputs under autograd."""

    node_name = "SplitBackward0"
    _view = True
    _multi_view = True

    @staticmethod
    def forward(ctx, x, sizes, d):
        from .indexing import basic_view
        pre, out, start = (slice(None),) * d, [], 0
        for s in sizes:
            out.append(basic_view(x, pre + (slice(start, start + s),)))
            start += s
        ctx.d = d
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):      # (a piece no gradient reached comes as zeros)
        from .movement import cat
        return cat(grads, ctx.d), None, None


class SplitWithSizesView(SplitView):
    node_name = "SplitWithSizesBackward0"


class UnbindView(prim):
    """unbind along `d`: every index of that dim, each a view of x."""

    node_name = "UnbindBackward0"
    _view = True
    _multi_view = True

    @staticmethod
    def forward(ctx, x, d):
        from .indexing import basic_view
        pre = (slice(None),) * d
        ctx.d = d
        return tuple(basic_view(x, pre + (i,)) for i in range(x.shape[d]))

    @staticmethod
    def backward(ctx, *grads):
        from .movement import stack
        return stack(grads, ctx.d), None


def _split_views(tensor, sizes, d, cls):
    return _numbered(cls.apply(tensor, tuple(sizes), d))


def _numbered(views) -> tuple:
    """Each output remembers its place (PyTorch's errors name "Output 1 of SplitBackward0")."""
    for i, v in enumerate(views):
        v._multi_view_nr = i
    return tuple(views)


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int],
          dim: int = 0) -> tuple[Tensor, ...]:
    """Split into chunks of a size, or into the given sizes."""
    d = norm_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s <= 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [s] * (n // s) + ([n % s] if n % s else [])
        if not sizes:
            sizes = [0]
        cls = SplitView
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got split_sizes="
                               f"{sizes}")
        cls = SplitWithSizesView
    return _split_views(tensor, sizes, d, cls)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    size = -(-n // chunks) if chunks > 0 else 0
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    return split(input, max(size, 1), d)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    d = norm_dim(dim, input._data.ndim)
    return _numbered(UnbindView.apply(input, d))
