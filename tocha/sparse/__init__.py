"""Sparse tensors (PyTorch's `torch.sparse`): COO, CSR, CSC, BSR, BSC on NumPy, products with
SciPy (the optional extra 'scipy', imported on first product).

A sparse tensor is a `tocha.Tensor` whose entries are mostly zero and stored as index and value
arrays (`tocha.sparse_coo_tensor`, `x.to_sparse()`, `x.to_sparse_csr()`, ...). Gradients are
PyTorch's: the gradient of a sparse input is sparse, masked to the input's pattern.

>>> import tocha
>>> s = tocha.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse()
>>> tocha.sparse.mm(s, tocha.ones(2, 1))
tensor([[2.],
        [3.]])

Differs from PyTorch: compressed layouts are 2-D only (no batch or dense dims); the
semi-structured (2:4) formats are CUDA kernels and are left out.
"""
from __future__ import annotations

import contextlib
from typing import Any

from .._tensor import Tensor  # (also torch.sparse.Tensor, which is torch.Tensor)
from . import _autograd as _A
from . import _ops as _O

__all__ = ["addmm", "as_sparse_gradcheck", "check_sparse_tensor_invariants", "log_softmax",
           "mm", "softmax", "sum"]


def mm(mat1: Tensor, mat2: Tensor, reduce: str = "sum") -> Tensor:
    """mat1 @ mat2 with mat1 sparse (n, m) and mat2 dense (m, p) -> dense (n, p), or both
    sparse -> sparse. Gradients: w.r.t. mat1 sparse (its own pattern), w.r.t. mat2 dense;
    for two sparse operands, sparse gradients zero outside each operand's pattern.

    >>> import tocha
    >>> s = tocha.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
    >>> tocha.sparse.mm(s, tocha.eye(2))
    tensor([[0., 2.],
            [3., 0.]])
    """
    if reduce != "sum":
        raise NotImplementedError(f"sparse.mm: tocha implements reduce='sum' only (got "
                                  f"{reduce!r})")
    if not _A.is_sparse(mat1):
        if _A.is_sparse(mat2):
            return _O.sparse_matmul(mat2.t(), mat1.t()).t()
        return mat1.mm(mat2)
    return _O.sparse_matmul(mat1, mat2, masked=True)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
          alpha: float = 1) -> Tensor:
    """beta * mat + alpha * (mat1 @ mat2) with mat1 sparse, mat and mat2 dense."""
    prod = mm(mat1, mat2)
    return beta * mat + alpha * prod


def sum(input: Tensor, dim: Any = None, dtype=None) -> Tensor:
    """Sum of a sparse tensor: over everything (a 0-d dense tensor), or over `dim` (sparse
    while sparse dims remain, else dense)."""
    st = input._data
    if not _A.is_sparse(input):
        return input.sum() if dim is None else input.sum(dim)
    coo = input if st.layout.name == "sparse_coo" else input.to_sparse()
    vals = _A.values_of(coo)
    if dtype is not None:
        vals = vals.to(dtype)
    cst = coo._data
    if dim is None:
        return vals.sum()
    dims = sorted({d % cst.ndim for d in ((dim,) if isinstance(dim, int) else dim)})
    sd = cst.sparse_dim
    sdims = [d for d in dims if d < sd]
    ddims = [d - sd + 1 for d in dims if d >= sd]
    if ddims:
        vals = vals.sum(ddims)
    keep = [d for d in range(sd) if d not in sdims]
    shape = tuple(s for i, s in enumerate(cst.shape) if i not in dims)
    import numpy as np
    if not keep:
        return vals.sum(0)
    from .._creation import tensor, zeros
    idx, inv = _A.S.coalesce_map(cst.indices[keep], tuple(cst.shape[d] for d in keep))
    out = zeros((idx.shape[1],) + tuple(vals.shape[1:]), dtype=vals.dtype)
    out = out.index_add(0, tensor(np.asarray(inv, np.int64)), vals)
    return _A.from_values(out, idx, shape, True, "SparseSumBackward0")


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """softmax over `dim` among the specified entries (the unspecified ones are -inf, not 0),
    sparse with the input's pattern."""
    return _O.sparse_softmax(input, dim, False, dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """log of `softmax` (sparse, the input's pattern)."""
    return _O.sparse_softmax(input, dim, True, dtype)


class check_sparse_tensor_invariants(contextlib.ContextDecorator):
    """Check the invariants of sparse tensors built inside (a context manager / decorator).

    tocha always checks index bounds when building a sparse tensor; inside this context the
    `is_coalesced=True` claim is checked too."""

    _enabled = False

    def __init__(self, enable: bool = True) -> None:
        self.state = enable

    @staticmethod
    def is_enabled() -> bool:
        return check_sparse_tensor_invariants._enabled

    @staticmethod
    def enable() -> None:
        check_sparse_tensor_invariants._enabled = True

    @staticmethod
    def disable() -> None:
        check_sparse_tensor_invariants._enabled = False

    def __enter__(self):
        self._prev = check_sparse_tensor_invariants._enabled
        check_sparse_tensor_invariants._enabled = self.state
        return self

    def __exit__(self, *exc):
        check_sparse_tensor_invariants._enabled = self._prev
        return False


def as_sparse_gradcheck(gradcheck):
    """`gradcheck` for functions of sparse inputs: sparse inputs are checked through their
    values (the function sees them rebuilt sparse)."""
    def wrapped(func, inputs, **kwargs):
        ins = inputs if isinstance(inputs, tuple) else (inputs,)
        parts, flat = [], []
        for x in ins:
            if _A.is_sparse(x) and x.layout.name == "sparse_coo":
                c = x.coalesce()
                v = _A.values_of(c).detach().requires_grad_(x.requires_grad)
                parts.append((c._data, v))
                flat.append(v)
            else:
                parts.append((None, x))
                flat.append(x)

        def f(*vals):
            args = [v if st is None else _A.from_values(v, st.indices, st.shape, True)
                    for (st, _), v in zip(parts, vals)]
            out = func(*args)
            return out.to_dense() if _A.is_sparse(out) else out
        return gradcheck(f, tuple(flat), **kwargs)
    return wrapped


def __getattr__(name: str):
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


# ------------------------------------------------------------------ legacy typed constructors

class _SparseTensorType(type):
    """The metaclass of `torch.sparse.FloatTensor` and friends: calling one builds a sparse
    COO tensor; `isinstance` checks the layout and dtype."""

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        from .. import _layout
        from ._functions import empty_sparse, sparse_coo_tensor
        if len(args) in (2, 3) and isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
            return sparse_coo_tensor(*args)
        size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        if all(isinstance(n, int) and not isinstance(n, bool) for n in size):
            return empty_sparse(_layout.sparse_coo, tuple(size), cls._dtype)
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), "
                        f"but expected one of: (), (Tensor indices, Tensor values), (Tensor "
                        f"indices, Tensor values, tuple of ints size), (tuple of ints size)")

    def __instancecheck__(cls, obj: Any) -> bool:
        return _A.is_sparse(obj) and obj.layout.name == "sparse_coo" and obj.dtype is cls._dtype

    def __repr__(cls) -> str:
        from .. import _naming
        return f"<class '{_naming.prefix}.sparse.{cls.__name__}'>"


def _typed(name: str, dtype_name: str) -> type:
    from .. import _dtype
    return _SparseTensorType(name, (), {"_dtype": getattr(_dtype, dtype_name),
                                        "__doc__": f"Legacy sparse COO constructor of "
                                                   f"{dtype_name} tensors: `{name}(indices, "
                                                   f"values, size)` or `{name}(*size)`."})


FloatTensor = _typed("FloatTensor", "float32")
DoubleTensor = _typed("DoubleTensor", "float64")
HalfTensor = _typed("HalfTensor", "float16")
BFloat16Tensor = _typed("BFloat16Tensor", "bfloat16")
ByteTensor = _typed("ByteTensor", "uint8")
CharTensor = _typed("CharTensor", "int8")
ShortTensor = _typed("ShortTensor", "int16")
IntTensor = _typed("IntTensor", "int32")
LongTensor = _typed("LongTensor", "int64")
