"""torch.linalg: inverses, solves, determinants, Cholesky, LU and LDL."""
from __future__ import annotations

import numpy as np

from .. import _autocast
from .._ops import linalg_ext as X
from .._tensor import Tensor, _wrap
from ._common import check_matrix, check_same_dtype, return_type

_inv_ex_t = return_type("linalg_inv_ex", ("inverse", "info"))
_solve_ex_t = return_type("linalg_solve_ex", ("result", "info"))
_chol_ex_t = return_type("linalg_cholesky_ex", ("L", "info"))
_slogdet_t = return_type("linalg_slogdet", ("sign", "logabsdet"))
_lu_factor_t = return_type("linalg_lu_factor", ("LU", "pivots"))
_lu_factor_ex_t = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
_lu_t = return_type("linalg_lu", ("P", "L", "U"))
_ldl_t = return_type("linalg_ldl_factor", ("LD", "pivots"))
_ldl_ex_t = return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))


def _info(shape, v=0) -> Tensor:
    return _wrap(np.full(tuple(shape), v, np.int32))


def inv(A: Tensor, *, out=None) -> Tensor:
    """The inverse of each square matrix of `A` (shape `(*, n, n)`).

    Raises `tocha.linalg.LinAlgError` for singular input.

    Example:
        >>> tocha.linalg.inv(tocha.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("inverse", inv, A, out=out)
    check_matrix("linalg.inv", A)
    return X.Inv.apply(A)


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    """`(inverse, info)`: info is 0, or k > 0 where the k-th pivot is zero (inverse then NaN)."""
    check_matrix("linalg.inv", A)
    try:
        return _inv_ex_t(X.Inv.apply(A), _info(A.shape[:-2]))
    except X.LinAlgError:
        if check_errors:
            raise
    info = np.zeros(A.shape[:-2], np.int32)
    flat = A.detach().numpy().reshape((-1,) + tuple(A.shape[-2:]))
    res = np.full(flat.shape, np.nan, flat.dtype)
    for b, m in enumerate(flat):
        try:
            res[b] = np.linalg.inv(m)
        except np.linalg.LinAlgError:
            info.reshape(-1)[b] = X._first_singular(m)[1]
    return _inv_ex_t(_wrap(res.reshape(tuple(A.shape))), _wrap(info))


def _vector_case(A: Tensor, B: Tensor) -> bool:
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """The solution X of `A X = B` (or `X A = B` when `left=False`); `B` may be a batch of
    vectors `(*, n)` or matrices `(*, n, k)`; batch dims broadcast.

    Example:
        >>> tocha.linalg.solve(tocha.tensor([[2.0, 0.0], [0.0, 4.0]]), tocha.tensor([2.0, 4.0]))
        tensor([1., 1.])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linalg_solve", solve, A, B, left=left, out=out)
    check_matrix("linalg.solve", A)
    check_same_dtype("linalg.solve", A, B)
    if not left:
        return solve(A.mT, B.mT).mT
    vec = _vector_case(A, B)
    b = B.unsqueeze(-1) if vec else B
    if b.dim() < 2 or b.shape[-2] != A.shape[-1]:
        shape_b = f"{b.shape[-2]}x{b.shape[-1]}" if b.dim() >= 2 else f"{b.shape[0]}x1"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({A.shape[-2]}x{A.shape[-1]} and {shape_b})")
    x = X.Solve.apply(A, b)
    return x.squeeze(-1) if vec else x


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False,
             out=None):
    """`(result, info)` of `solve` (info 0 on success; no error unless `check_errors`)."""
    try:
        return _solve_ex_t(solve(A, B, left=left), _info(A.shape[:-2]))
    except X.LinAlgError:
        if check_errors:
            raise
        res = inv_ex(A)
        x = res.inverse @ (B.unsqueeze(-1) if _vector_case(A, B) else B)
        return _solve_ex_t(x.squeeze(-1) if _vector_case(A, B) else x, res.info)


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinants of the square matrices of `A` (shape `(*, n, n)` -> `(*)`)."""
    check_matrix("linalg.det", A)
    return X.Det.apply(A)


def slogdet(A: Tensor, *, out=None):
    """`(sign, logabsdet)` of the determinant (sign 0 and logabsdet -inf when singular)."""
    check_matrix("linalg.slogdet", A)
    return _slogdet_t(*X.Slogdet.apply(A))


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Lower (or upper) Cholesky factor of symmetric positive-definite `A`.

    Raises `tocha.linalg.LinAlgError` naming the first leading minor that is not positive
    definite. Only the lower triangle of `A` is read, as LAPACK does.

    Example:
        >>> tocha.linalg.cholesky(tocha.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("cholesky", cholesky, A, upper=upper, out=out)
    check_matrix("linalg.cholesky", A)
    # LAPACK reads the lower triangle; the gradient is symmetric, as PyTorch's
    L = X.Cholesky.apply(A)
    return L.mH if upper else L


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """`(L, info)`: info is 0, or the order of the first leading minor that is not positive
    definite (L is then zero-filled)."""
    check_matrix("linalg.cholesky", A)
    try:
        return _chol_ex_t(cholesky(A, upper=upper), _info(A.shape[:-2]))
    except X.LinAlgError:
        if check_errors:
            raise
    import re

    from .._creation import zeros_like
    info = np.zeros(A.shape[:-2], np.int32)
    flat = A.detach().numpy().reshape((-1,) + tuple(A.shape[-2:]))
    for b, m in enumerate(flat):
        msg = str(X.cholesky_error(m[None]))
        k = re.search(r"order (\d+)", msg)
        try:
            np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            info.reshape(-1)[b] = int(k.group(1)) if k else 1
    return _chol_ex_t(zeros_like(A), _wrap(info))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False, out=None) -> Tensor:
    """Solve `A X = B` (or `X A = B`) with `A` triangular: only its upper (`upper=True`) or
    lower triangle is read; `unitriangular` assumes ones on the diagonal."""
    check_matrix("linalg.solve_triangular", A)
    if A.dtype != B.dtype:      # PyTorch computes in A's dtype here (linalg.solve raises)
        B = B.to(A.dtype)
    if B.dim() < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    if not left:
        return X.SolveTriangular.apply(A.mT, B.mT, not upper, unitriangular).mT
    if B.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation AX = B ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    return X.SolveTriangular.apply(A, B, bool(upper), bool(unitriangular))


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    """`(LU, pivots)`: the packed LU factorisation with partial pivoting (LAPACK's getrf),
    pivots 1-based int32. Raises on singular input (see `lu_factor_ex`)."""
    res = lu_factor_ex(A, pivot=pivot)
    bad = res.info.numpy()
    if bad.any():
        b = int(np.flatnonzero(bad.reshape(-1))[0])
        k = int(bad.reshape(-1)[b])
        where = f"(Batch element {b}): " if bad.ndim else ""
        raise RuntimeError(f"torch.linalg.lu_factor: {where}U[{k},{k}] is zero and using it on "
                           f"lu_solve would result in a division by zero. If you still want "
                           f"to perform the factorization, consider calling linalg.lu(A, "
                           f"pivot) or linalg.lu_factor_ex(A, pivot)")
    return _lu_factor_t(res.LU, res.pivots)


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """`(LU, pivots, info)`: as `lu_factor`; info k > 0 when U[k, k] is zero."""
    if A.dim() < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    check_matrix("linalg.lu_factor", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU")
    lu, piv = X.LUFactor.apply(A)
    d = np.diagonal(lu.detach().numpy(), axis1=-2, axis2=-1)
    first = np.where((d == 0).any(-1), (d == 0).argmax(-1) + 1, 0).astype(np.int32)
    if check_errors and first.any():
        raise X.LinAlgError("torch.linalg.lu_factor_ex: U is singular")
    return _lu_factor_ex_t(lu, piv, _wrap(first))


def lu(A: Tensor, *, pivot: bool = True, out=None):
    """`(P, L, U)` with `A = P L U`: P a permutation, L unit lower trapezoidal `(*, m, k)`,
    U upper trapezoidal `(*, k, n)`, k = min(m, n)."""
    check_matrix("linalg.lu", A, square=False)
    res = lu_factor_ex(A, pivot=pivot)
    return _lu_t(*lu_unpack(res.LU, res.pivots))


def lu_unpack(LU: Tensor, pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True):
    """`(P, L, U)` from `lu_factor`'s packed output."""
    from .._ops.movement import tril, triu
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    L = tril(LU, -1)[..., :, :k] + X.eye_like(LU, m)[:, :k]
    U = triu(LU)[..., :k, :]
    P = X.pivots_to_perm(pivots, m, LU.dtype)
    return P, L, U


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False, out=None) -> Tensor:
    """Solve `A X = B` from `lu_factor(A)` (`adjoint`: with A^T; `left=False`: X A = B)."""
    n = LU.shape[-1]
    if B.dim() < 2 or (left and B.shape[-2] != n) or (not left and B.shape[-1] != n):
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({LU.shape[-2]}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    P, L, U = lu_unpack(LU, pivots)
    if not left:      # X A = B: A^H X^H = B^H (conjugate transposes for complex)
        return lu_solve(LU, pivots, B.mH, adjoint=not adjoint).mH
    if adjoint:       # A^H X = B: U^H L^H P^T X = B
        y = X.SolveTriangular.apply(U.mH, B, False, False)
        y = X.SolveTriangular.apply(L.mH, y, True, True)
        return P @ y
    y = X.SolveTriangular.apply(L, P.mT @ B, False, True)
    return X.SolveTriangular.apply(U, y, True, False)


def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False,
                  out=None):
    """`(LD, pivots, info)`: LAPACK's sytrf (Bunch-Kaufman) factorisation of symmetric `A`,
    lower triangle. Not differentiable (as in PyTorch)."""
    check_matrix("torch.linalg.ldl_factor_ex", A)
    lapack = X._scipy_linalg().lapack
    a = A.detach().numpy()
    flat = a.reshape((-1,) + a.shape[-2:])
    lds, pivs, infos = [], [], []
    fn = lapack.dsytrf if a.dtype == np.float64 else lapack.ssytrf
    for m in flat:
        ld, ipiv, info = fn(m, lower=1)
        lds.append(np.tril(ld))
        pivs.append(ipiv)
        infos.append(info)
    shape = a.shape
    ld = np.stack(lds).reshape(shape) if lds else a.copy()
    piv = (np.stack(pivs).reshape(shape[:-1]) if pivs else np.zeros(shape[:-1])).astype(
        np.int32)
    info = np.asarray(infos, np.int32).reshape(shape[:-2])
    if check_errors and info.any():
        raise X.LinAlgError("torch.linalg.ldl_factor_ex: the factorization failed")
    return _ldl_ex_t(_wrap(ld.astype(a.dtype)), _wrap(piv), _wrap(info))


def ldl_factor(A: Tensor, *, hermitian: bool = False, out=None):
    """`(LD, pivots)` of `ldl_factor_ex`."""
    r = ldl_factor_ex(A, hermitian=hermitian)
    return _ldl_t(r.LD, r.pivots)


def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False,
              out=None) -> Tensor:
    """Solve `A X = B` from `ldl_factor(A)` (LAPACK's sytrs)."""
    lapack = X._scipy_linalg().lapack
    ld, piv, b = LD.detach().numpy(), pivots.numpy(), B.detach().numpy()
    fn = lapack.dsytrs if ld.dtype == np.float64 else lapack.ssytrs
    shape = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    ldf = np.broadcast_to(ld, shape + ld.shape[-2:]).reshape((-1,) + ld.shape[-2:])
    pf = np.broadcast_to(piv, shape + piv.shape[-1:]).reshape((-1, piv.shape[-1]))
    bf = np.broadcast_to(b, shape + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    out = [fn(m, p, v, lower=1)[0] for m, p, v in zip(ldf, pf, bf)]
    return _wrap(np.stack(out).reshape(shape + b.shape[-2:]).astype(b.dtype))
