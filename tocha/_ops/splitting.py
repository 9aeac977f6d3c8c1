"""split, chunk and unbind: several views of one tensor, one node per output."""
from __future__ import annotations

from collections.abc import Sequence

from .._tensor import Tensor
from ._util import norm_dim, prim


class SplitView(prim):
    """One output of split/chunk: `x[idx]` (a basic-index view). PyTorch returns all outputs
    from one SplitBackward0 node; here each output has its own node (same gradients).
    `_multi_view`: PyTorch refuses in-place changes of such outputs under autograd."""

    node_name = "SplitBackward0"
    _view = True
    _multi_view = True

    @staticmethod
    def forward(ctx, x, idx):
        from .indexing import basic_view
        ctx.idx, ctx.shape = idx, x.shape
        return basic_view(x, idx)

    @staticmethod
    def backward(ctx, g):
        from .indexing import IndexGrad
        return IndexGrad.apply(g, ctx.idx, ctx.shape, False)


class SplitWithSizesView(SplitView):
    node_name = "SplitWithSizesBackward0"


class UnbindView(SplitView):
    node_name = "UnbindBackward0"


def _split_views(tensor, sizes, d, cls):
    out, start = [], 0
    pre = (slice(None),) * d
    for s in sizes:
        out.append(cls.apply(tensor, pre + (slice(start, start + s),)))
        start += s
    return _numbered(out)


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
    pre = (slice(None),) * d
    return _numbered([UnbindView.apply(input, pre + (i,)) for i in range(input._data.shape[d])])
