"""Movement primitives: view/reshape, expand, permute/transpose, squeeze, cat/stack (split,
chunk and unbind: splitting.py)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _autocast
from .. import _dtype as D
from .._tensor import Size, Tensor, _unview, _wrap
from ._util import norm_dim, prim, sum_to
from .splitting import SplitView, SplitWithSizesView, UnbindView, chunk, split, unbind  # noqa: F401
from .strided import AsStrided, Diagonal, Unfold, _as_strided_geometry, _unfold_geometry, view_dtype


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    out = []
    for s in shape:
        if isinstance(s, Tensor):
            s = int(s)
        elif not isinstance(s, (int, np.integer)):
            raise TypeError(f"shape must be a sequence of ints, got {type(s).__name__}")
        out.append(int(s))
    return tuple(out)


def _infer(shape: tuple, numel: int, op: str) -> tuple:
    if -1 in shape:
        if shape.count(-1) > 1:
            raise RuntimeError("only one dimension can be inferred")
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size "
                               f"{numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    n = 1
    for s in shape:
        if s < 0:
            raise RuntimeError(f"{op}: invalid shape dimension {s}")
        n *= s
    if n != numel:
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(prim):
    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return np.reshape(x, shape, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class Reshape(prim):
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return np.reshape(x, shape)      # x is a fresh contiguous clone (see reshape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


def view(input: Tensor, *shape: int | Sequence[int], dtype: D.dtype | None = None) -> Tensor:
    """A view with a new shape (shares memory; fails if the strides don't allow it)."""
    if dtype is not None and not shape:  # view(dtype=...), as PyTorch's keyword form
        shape = (dtype,)
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return view_dtype(input, shape[0])
    shape = _infer(_shape_arg(shape), input._data.size, "view")
    if shape == input._data.shape:
        return View.apply(input, shape)
    try:
        return View.apply(input, shape)
    except ValueError:
        raise RuntimeError(
            f"view size is not compatible with input tensor's size and stride (at least one "
            f"dimension spans across two contiguous subspaces): input shape "
            f"{tuple(input._data.shape)}, requested {shape}. Use .reshape(...) instead.") from None


def reshape(input: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """Same data, new shape: a view when the strides allow it, a copy otherwise.

    Args:
        input: a tensor of any shape.
        shape: the new shape, as ints or one tuple; one entry may be -1 (inferred).
    Returns:
        a tensor with `input.numel()` elements in `shape`; differentiable.

    >>> import tocha
    >>> tocha.arange(6).reshape(2, -1)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    shape = _infer(_shape_arg(shape), input._data.size, "reshape")
    try:
        return View.apply(input, shape)
    except ValueError:
        # PyTorch copies (CloneBackward0) then views the copy (UnsafeViewBackward0)
        from .elementwise import clone
        return Reshape.apply(clone(input), shape)


def view_as(input: Tensor, other: Tensor | complex) -> Tensor:
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor | complex) -> Tensor:
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim into one."""
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = norm_dim(start_dim, nd), norm_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    return reshape(input, shp[:s] + (-1,) + shp[e + 1:])


def unflatten(input: Tensor, dim: int, sizes: int | Sequence[int]) -> Tensor:
    d = norm_dim(dim, input._data.ndim)
    shp = input._data.shape
    return reshape(input, shp[:d] + tuple(sizes) + shp[d + 1:])


def ravel(input: Tensor) -> Tensor:
    return reshape(input, (-1,))


def _broadcast_view(x, shape):
    # np.broadcast_to is slow Python; for contiguous inputs build the read-only view directly
    if not x.ndim:
        strides = (0,) * len(shape)
    elif not x.flags.c_contiguous:
        return np.broadcast_to(x, shape)
    else:
        off = len(shape) - x.ndim
        strides = (0,) * off + tuple(0 if a == 1 and s != 1 else st
                                     for a, s, st in zip(x.shape, shape[off:], x.strides))
    r = np.ndarray(shape, x.dtype, x, 0, strides)
    r.flags.writeable = False
    return r


class Expand(prim):
    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return _broadcast_view(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.in_shape)


def expand(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a dim)."""
    shp = input._data.shape
    if len(sizes) == 1 and sizes[0].__class__ is tuple and not shp:
        # fast path: a 0-d tensor (a reduced gradient) to a given shape
        for s in sizes[0]:
            if s.__class__ is not int or s < 0:
                break
        else:
            return Expand.apply(input, sizes[0])
    sizes = _shape_arg(sizes)
    if len(sizes) < len(shp):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shp)})")
    off = len(sizes) - len(shp)
    out = list(sizes)
    for i, s in enumerate(shp):
        t = sizes[off + i]
        if t == -1:
            out[off + i] = s
        elif s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                f"non-singleton dimension {off + i}.  Target sizes: {list(sizes)}.  Tensor "
                f"sizes: {list(shp)}")
    out = tuple(out)
    if out == shp:
        return View.apply(input, out)
    n = 1
    for s in out:
        n *= s
    if n == input._data.size:      # nothing repeats: a writable view
        return View.apply(input, out)
    return Expand.apply(input, out)


def expand_as(input: Tensor, other: Tensor | complex) -> Tensor:
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, size: int | Sequence[int]) -> Tensor:
    return expand(input, size)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes: int | Sequence[int]) -> Size:
    return Size(np.broadcast_shapes(*shapes))


class Permute(prim):
    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims)))


def permute(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reorder dims (a view)."""
    dims = _shape_arg(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    dims = tuple(norm_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


class Transpose(prim):
    _view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d = (d0, d1)
        return np.swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.d)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dims `dim0` and `dim1` (a view: shares memory with `input`).

    Shapes: (..., a, ..., b, ...) -> (..., b, ..., a, ...); negative dims count from the end.

    >>> import tocha
    >>> tocha.zeros(2, 3, 4).transpose(0, 2).shape
    torch.Size([4, 3, 2])
    """
    nd = input._data.ndim
    if nd == 0:
        return View.apply(input, ())
    return Transpose.apply(input, norm_dim(dim0, nd), norm_dim(dim1, nd))


swapaxes = swapdims = transpose


class T(prim):
    node_name = "TBackward0"
    _view = True

    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, g):
        return g.T


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input._data.ndim}D")
    return T.apply(input)


def movedim(input: Tensor, source: Tensor, destination: int | Sequence[int]) -> Tensor:
    nd = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    perm = list(range(nd))
    src = [norm_dim(s, nd) for s in src]
    dst = [norm_dim(d, nd) for d in dst]
    rest = [i for i in perm if i not in src]
    res = [None] * nd
    for s, d in zip(src, dst):
        res[d] = s
    it = iter(rest)
    res = [r if r is not None else next(it) for r in res]
    return permute(input, res)


moveaxis = movedim


class Squeeze(View):
    node_name = "SqueezeBackward0"


class SqueezeDim(View):
    node_name = "SqueezeBackward1"


class Unsqueeze(View):
    node_name = "UnsqueezeBackward0"


def squeeze(input: Tensor, dim: int | None = None, *more: int) -> Tensor:
    """Drop size-1 dims (all, or the given ones: `squeeze(0, 2)` or `squeeze((0, 2))`)."""
    if more:
        dim = (dim,) + more
    shp = input._data.shape
    if dim is None:
        new = tuple(s for s in shp if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {norm_dim(d, len(shp)) for d in dims} if shp else set()
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
    return (Squeeze if dim is None else SqueezeDim).apply(input, new)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at `dim`."""
    nd = input._data.ndim
    d = norm_dim(dim, nd + 1)
    shp = input._data.shape
    return Unsqueeze.apply(input, shp[:d] + (1,) + shp[d:])


class Cat(prim):
    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.sizes = [x.shape[dim] for x in xs]
        ctx.dim = dim
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(g.split(ctx.sizes, ctx.dim))


def _check_tensor_list(tensors: list) -> None:
    """PyTorch's TypeError for a list entry of cat/stack that is not a tensor."""
    for i, t_ in enumerate(tensors):
        if not isinstance(t_, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t_).__name__}")


def _join(cls, d: int, tensors: list, out: Tensor | None) -> Tensor:
    """Cat or Stack of `tensors` promoted to one dtype (into `out` when given)."""
    dt = D.result_type(*tensors)
    res = cls.apply(d, *[t_ if t_._dtype is dt else t_.to(dt) for t_ in tensors])
    if out is not None:
        out.set_(res)
        return out
    return res


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join tensors along an existing dim."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("cat", cat, tensors, dim, out=out)
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    _check_tensor_list(tensors)
    # legacy: 1-d empty tensors are skipped
    tensors = [t_ for t_ in tensors if not (t_._data.ndim == 1 and t_._data.size == 0)] or \
        tensors[:1]
    nd = tensors[0]._data.ndim
    if nd == 0:
        raise RuntimeError("torch.cat(): zero-dimensional tensor (at position 0) cannot be "
                           "concatenated")
    d = norm_dim(dim, nd)
    ref = tensors[0]._data.shape
    for i, t_ in enumerate(tensors[1:], 1):
        s = t_._data.shape
        if len(s) != nd:
            raise RuntimeError(f"torch.cat(): Tensors must have same number of dimensions: got "
                               f"{nd} and {len(s)}")
        for k in range(nd):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(
                    f"torch.cat(): Sizes of tensors must match except in dimension {d}. "
                    f"Expected size {ref[k]} but got size {s[k]} for tensor number {i} in the "
                    f"list.")
    return _join(Cat, d, tensors, out)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join tensors along a new dim."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("stack", stack, tensors, dim, out=out)
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    _check_tensor_list(tensors)
    shp = tensors[0]._data.shape
    for i, t_ in enumerate(tensors):
        if t_._data.shape != shp:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shp)} at entry 0 and {list(t_._data.shape)} at entry {i}")
    d = norm_dim(dim, len(shp) + 1)
    return _join(Stack, d, tensors, out)


class Stack(prim):
    """One node for the joined tensors (PyTorch's StackBackward0): each gets its slice."""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None,) + g.unbind(ctx.dim)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    return cat([t_ if t_._data.ndim > 1 else t_.reshape(1, -1) for t_ in tensors], 0)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"narrow(): start out of range (expected to be in range of [{-n}, {n}], "
                         f"but got {start})")
    start %= n if n else 1
    if length < 0 or start + length > n:
        raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension "
                           f"size ({n}) of a tensor of shape {tuple(input._data.shape)}.")
    idx = [slice(None)] * d + [slice(start, start + length)]
    return input[tuple(idx)]


class Flip(prim):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims)


def flip(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    dims = tuple(norm_dim(d, input._data.ndim) for d in _shape_arg(dims))
    return Flip.apply(input, dims if input._data.ndim else ())


def fliplr(input: Tensor) -> Tensor:
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    return flip(input, 0)


class Roll(prim):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.s, ctx.d = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        s = ctx.s
        s = tuple(-v for v in s) if isinstance(s, tuple) else -s
        return roll(g, s, ctx.d)


def roll(input: Tensor, shifts: int | Sequence[int],
         dims: int | Sequence[int] | None = None) -> Tensor:
    if isinstance(shifts, list):
        shifts = tuple(shifts)
    if isinstance(dims, list):
        dims = tuple(dims)
    ns = len(shifts) if isinstance(shifts, tuple) else 1
    nd = 0 if dims is None else len(dims) if isinstance(dims, tuple) else 1
    if (dims is None and ns != 1) or (dims is not None and ns != nd):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {ns}, dims:{nd}")
    return Roll.apply(input, shifts, dims)


class Repeat(prim):
    @staticmethod
    def forward(ctx, x, reps):
        ctx.in_shape = x.shape
        ctx.reps = reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        shp = ctx.in_shape
        reps = ctx.reps
        shp = (1,) * (len(reps) - len(shp)) + tuple(shp)
        inter = []
        for r, s in zip(reps, shp):
            inter += [r, s]
        gs = g.reshape(inter).sum(tuple(range(0, 2 * len(reps), 2)))
        return gs.reshape(ctx.in_shape)


def repeat(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    sizes = _shape_arg(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    return Repeat.apply(input, sizes)


def tile(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    dims = _shape_arg(dims)
    if any(d < 0 for d in dims):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(dims)}: "
                           f"{list(dims)}")
    if len(dims) < input._data.ndim:
        dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input: Tensor, repeats: Tensor | int, dim: int | None = None) -> Tensor:
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    reps = repeats._data if isinstance(repeats, Tensor) else np.full(n, repeats)
    if np.any(np.asarray(reps) < 0):
        raise RuntimeError("repeats can not be negative")
    if np.ndim(reps) == 1 and len(reps) != n:
        raise RuntimeError("repeats must have the same size as input along dim")
    idx = np.repeat(np.arange(n), reps)
    from .._creation import tensor
    from .indexing import index_select
    return index_select(input, d, tensor(idx))


class Tril(prim):
    @staticmethod
    def forward(ctx, x, k, upper):
        ctx.k, ctx.upper = k, upper
        return np.triu(x, k) if upper else np.tril(x, k)

    @staticmethod
    def backward(ctx, g):
        return triu(g, ctx.k) if ctx.upper else tril(g, ctx.k)


class Triu(Tril):
    node_name = "TriuBackward0"


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, diagonal, False)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, diagonal, True)


def contiguous(input: Tensor, memory_format: object = None) -> Tensor:
    if input._data.flags.c_contiguous:
        return input
    return input.clone()


@property
def _T(self):
    nd = self._data.ndim
    return permute(self, tuple(range(nd - 1, -1, -1))) if nd > 2 else t(self) if nd == 2 \
        else self


@property
def _mT(self):
    if not self._data.ndim:     # PyTorch: the tensor itself (no view), with a warning
        import warnings
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=2)
        return self
    return transpose(self, -2, -1)




# ---------------------------------------------------------------- composites over views/indexing

def select(input: Tensor, dim: int, index: int) -> Tensor:
    """`input` indexed by `index` along `dim` (a view, one dim fewer)."""
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of shape "
                         f"{tuple(input._data.shape)} at dimension {d}")
    return input[(slice(None),) * d + (index,)]


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes as the last dim (a view sharing memory).

    >>> m = tocha.ones(3, 3)
    >>> _ = m.diagonal().fill_(0)
    >>> m.trace()
    tensor(0.)
    """
    nd = input._data.ndim
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), d1, d2)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("trace", trace, input)
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with shape "
                           f"{tuple(input._data.shape)}")
    return diagonal(input).sum()


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D input: a square matrix with it on the `diagonal`-th diagonal; 2-D: that diagonal."""
    nd = input._data.ndim
    if nd == 2:         # a copy, unlike diagonal(): torch.diag is not a view
        return globals()["diagonal"](input, diagonal).clone()
    if nd != 1:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    from .indexing import index_put
    n = input._data.shape[0]
    k = abs(diagonal)
    z = _wrap(np.zeros((n + k, n + k), input._data.dtype), input._device)
    rows = np.arange(n) + max(0, -diagonal)
    cols = np.arange(n) + max(0, diagonal)
    return index_put(z, (_wrap(rows), _wrap(cols)), input)


def tensor_split(input: Tensor, indices_or_sections: Tensor | int | Sequence[int],
                 dim: int = 0) -> tuple[Tensor, ...]:
    """Split into `n` nearly equal parts, or at the given indices (views)."""
    d = norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"tensor_split(): number of sections must be larger than 0, got "
                               f"{k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = list(np.cumsum([0] + sizes))
    else:
        bounds = [0] + [min(max(int(i), 0), n) for i in indices_or_sections] + [n]
    return tuple(narrow(input, d, bounds[i], max(bounds[i + 1] - bounds[i], 0))
                 for i in range(len(bounds) - 1))


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees `k` times in the plane of `dims` (from the first towards the second)."""
    d0, d1 = (norm_dim(d, input._data.ndim) for d in dims)
    k %= 4
    if k == 1:     # (a view of the flipped copy, as a new tensor: PyTorch's is no view)
        return _unview(transpose(flip(input, d1), d0, d1))
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return _unview(transpose(flip(input, d0), d0, d1))
    return input.clone()


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """n-th forward difference along `dim`."""
    d = norm_dim(dim, input._data.ndim)
    x = input
    if prepend is not None or append is not None:
        x = cat([t for t in (prepend, x, append) if t is not None], d)
    for _ in range(n):
        m = x._data.shape[d]
        if m == 0:
            break
        x = narrow(x, d, 1, m - 1) - narrow(x, d, 0, m - 1)
    return x


# ---------------------------------------------------------------- strided views

def _unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Tensor.unfold: every window of `size` elements along `dimension`, `step` apart, as a new
    last dim (a view)."""
    nd = input._data.ndim
    d = norm_dim(dimension, nd)
    n = input._data.shape[d] if nd else 1
    if size < 0 or size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, _unfold_geometry, d, size, step)


def as_strided(input: Tensor, size: int | Sequence[int], stride: int | Sequence[int],
               storage_offset: int | None = None) -> Tensor:
    """A view of `input`'s memory with the given sizes and element strides, starting
    `storage_offset` elements into the storage (default: where `input` starts).

    Differs from PyTorch: the view may only reach the elements of a contiguous `input` (PyTorch
    reaches anywhere in the storage); beyond that tocha raises rather than guess.
    """
    size, stride = _shape_arg((size,)), _shape_arg((stride,))
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(size)} sizes and "
                           f"{len(stride)} strides")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    delta = 0 if storage_offset is None else storage_offset - input.storage_offset()
    last = delta + (sum((n - 1) * st for n, st in zip(size, stride)) if all(size) else -1)
    n = input._data.size
    if last >= n or delta < 0 or (n and not input._data.flags.c_contiguous):
        raise RuntimeError(
            f"as_strided: sizes {list(size)}, strides {list(stride)} and storage offset "
            f"{storage_offset} reach outside the {n} elements of the contiguous input of shape "
            f"{tuple(input._data.shape)} (tocha's as_strided views only the input's own "
            f"elements; call .contiguous() first for a non-contiguous input)")
    x = input if not delta else input.reshape(-1)[delta:]
    return AsStrided.apply(x, _as_strided_geometry, size, stride)
