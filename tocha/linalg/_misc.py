"""torch.linalg's products and tensor utilities, composed from differentiable tocha ops."""
from __future__ import annotations

import math

from .. import _autocast
from .._tensor import Tensor
from ._common import check_matrix


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along `dim` (batch dims broadcast)."""
    from .._ops.movement import broadcast_tensors, stack
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    a, b = broadcast_tensors(input, other) if input.shape != other.shape else (input, other)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a0, a1, a2 = (a.select(dim, i) for i in range(3))
    b0, b1, b2 = (b.select(dim, i) for i in range(3))
    d = dim % a.dim()
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Dot product of vectors along `dim` (batch dims broadcast); x is conjugated."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linalg_vecdot", vecdot, x, y, dim=dim, out=out)
    return (x.conj() * y).sum(dim)


def multi_dot(tensors, *, out=None) -> Tensor:
    """Product of a chain of matrices; the first/last may be 1-D (row/column vector)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    ts = list(tensors)
    first_vec, last_vec = ts[0].dim() == 1, ts[-1].dim() == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    r = ts[0]
    for t in ts[1:]:
        if r.shape[1] != t.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {ts.index(t) - 1} and {ts.index(t)} with "
                               f"shapes {tuple(r.shape)} and {tuple(t.shape)} cannot be "
                               f"multiplied")
        r = r @ t
    if first_vec:
        r = r.squeeze(0)
    if last_vec:
        r = r.squeeze(-1)
    return r


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """`A` to the integer power `n` (negative `n`: powers of the inverse)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    check_matrix("linalg.matrix_power", A, float_only=False)
    from .._creation import eye
    if n == 0:
        return eye(A.shape[-1], dtype=A.dtype).expand(A.shape).clone()
    if n < 0:
        from ._solve import inv
        A, n = inv(A), -n
    result, base = None, A
    while n:      # binary powering, as PyTorch
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential of each square matrix (SciPy's expm; the extra 'scipy')."""
    from .._ops.linalg_ext import MatrixExp
    check_matrix("linalg.matrix_exp", A)
    return MatrixExp.apply(A)


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T, with v_i the i-th column
    of `A` below the diagonal and a 1 on it (LAPACK's orgqr)."""
    from .._ops.movement import tril
    name = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    m, n = A.shape[-2], A.shape[-1]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1]")
    if n < k:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1]")
    from .._creation import eye
    V = tril(A, -1) + eye(m, n, dtype=A.dtype)
    Q = eye(m, dtype=A.dtype).expand(tuple(A.shape[:-2]) + (m, m))
    for i in range(k):
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i, None, None] * ((Q @ v) @ v.mH)     # (v^H: complex reflectors)
    return Q[..., :, :n]


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of `A` seen as a linear map from its last dims to its first `ind` dims."""
    from ._solve import inv
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    lead, rest = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    p, q = math.prod(lead), math.prod(rest)
    if p != q:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {q} != {p}")
    return inv(A.reshape(p, q)).reshape(rest + lead)


def tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """X with `tensordot(A, X, X.dim()) = B`."""
    from ._solve import solve
    if dims is not None:
        dims = [d % A.dim() for d in dims]
        A = A.movedim(dims, list(range(A.dim() - len(dims), A.dim())))
    rest = tuple(A.shape[B.dim():])
    n = B.numel()
    if math.prod(rest) != n:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim"
                           f":]) == prod(self.shape[:other.ndim]), but got {math.prod(rest)} "
                           f"!= {n}")
    return solve(A.reshape(n, n), B.reshape(n)).reshape(rest)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix (a view), as `A.diagonal(offset, dim1, dim2)`."""
    return A.diagonal(offset, dim1, dim2)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """Vandermonde matrix `(*, n, N)` with increasing powers x^0 ... x^(N-1)."""
    from .._creation import ones
    from .._ops.movement import cat
    if x.dim() < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x.shape[-1] if N is None else N
    if n < 1:
        raise RuntimeError("N must be greater than 1.")
    col = ones(tuple(x.shape) + (1,), dtype=x.dtype)
    if n == 1:
        return col
    reps = x.unsqueeze(-1).expand(tuple(x.shape) + (n - 1,))
    return cat([col, reps], -1).cumprod(-1)


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Alias of `tocha.matmul`."""
    from .._ops.linalg import matmul as mm
    return mm(input, other)
