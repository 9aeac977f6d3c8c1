"""torch.linalg's norms and condition number."""
from __future__ import annotations

import math

from .. import _autocast
from .._ops import linalg_decomp as Dc
from .._ops._util import norm_dim, norm_dims
from .._tensor import Tensor
from ._common import check_tensor, scalar_name


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None,
                out=None) -> Tensor:
    """The `ord`-norm of `x` over `dim` (all elements when None): sum(|x|^ord)^(1/ord);
    inf/-inf the max/min of |x|, 0 the count of non-zeros.

    Example:
        >>> tocha.linalg.vector_norm(tocha.tensor([3.0, 4.0]))
        tensor(5.)
    """
    check_tensor("linalg.vector_norm", x, "input")
    if dtype is not None:
        x = x.to(dtype)
    if x.is_complex():      # a norm only sees the moduli (and abs has the complex gradient)
        x = x.abs()
    if not x.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {scalar_name(x.dtype)}")
    ord = float(ord)
    dims = norm_dims(dim, x.dim()) if dim is not None else tuple(range(x.dim()))
    if isinstance(dim, (tuple, list)) and not dim:
        dims = tuple(range(x.dim()))
    if ord < 0 and x.numel() == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty "
                           f"tensor because the operation does not have an identity")
    if ord == math.inf and x.numel() == 0 and any(x.shape[d] == 0 for d in dims):
        raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor "
                           "because the operation does not have an identity")
    return Dc.VectorNorm.apply(x, ord, dims, keepdim)


def _svd_norm(A, dims, keepdim, largest):
    am = A.movedim((dims[0], dims[1]), (-2, -1))
    s = Dc.SVD.apply(am, False)[1]
    r = s.amax(-1) if largest else s.amin(-1)
    if keepdim:
        for d in sorted(dims):
            r = r.unsqueeze(d)
    return r


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None,
                out=None) -> Tensor:
    """Matrix norm over the two dims `dim`: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    check_tensor("linalg.matrix_norm", A)
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    if A.is_complex() and ord not in ("nuc", 2, -2):
        A = A.abs()         # these norms only see the moduli (the others: complex SVD)
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor "
                           f"as input. Got {scalar_name(A.dtype)}")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    d0, d1 = norm_dim(dim[0], A.dim()), norm_dim(dim[1], A.dim())
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc":
        am = A.movedim((d0, d1), (-2, -1))
        r = Dc.SVD.apply(am, False)[1].sum(-1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    if ord in (2, -2):
        return _svd_norm(A, (d0, d1), keepdim, ord == 2)
    if ord in (1, -1, math.inf, -math.inf):
        inner, outer = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(inner, keepdim=True)
        r = s.amax(outer, keepdim=True) if ord > 0 else s.amin(outer, keepdim=True)
        return r if keepdim else r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, out=None,
         dtype=None) -> Tensor:
    """Vector or matrix norm: a matrix norm when `dim` is a 2-tuple (or `A` is 2-D and `ord`
    is given without `dim`), else a vector norm (2-norm of all elements by default)."""
    check_tensor("linalg.norm", A)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.dim() == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.dim() == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.norm: Order {ord} not supported for vectors")
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                       f"or 2D. Got {A.dim()}D.")


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """Condition number of `A` in the `p` norm (default 2: s_max / s_min)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linalg_cond", cond, A, p, out=out)
    check_tensor("linalg.cond", A)
    if A.dim() < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p in (None, 2, -2):
        from ._decomp import svdvals
        s = svdvals(A)
        hi, lo = s.amax(-1), s.amin(-1)
        return hi / lo if p in (None, 2) else lo / hi
    from ._solve import inv
    return matrix_norm(A, p) * matrix_norm(inv(A), p)
