"""Householder QR pieces and randomized / iterative decompositions: `geqrf`, `orgqr`,
`ormqr` (with the Tensor methods), `svd_lowrank`, `pca_lowrank`, `lobpcg`.

`geqrf` is LAPACK's through NumPy (`np.linalg.qr(mode="raw")`). `orgqr`/`ormqr` build the
product of reflectors from tocha ops, so their gradients are those of the composition.
`svd_lowrank`/`pca_lowrank` follow Halko et al.'s randomized range finder with tocha's
`randn` (the same draws as PyTorch's after the same `manual_seed`).
"""
from __future__ import annotations

import numpy as np

import tocha
from tocha import Tensor

from ..linalg._common import supports_out

__all__ = ["geqrf", "lobpcg", "orgqr", "ormqr", "pca_lowrank", "svd_lowrank"]


class _QR(tuple):
    """(a, tau), as torch.return_types.geqrf."""

    a = property(lambda self: self[0])
    tau = property(lambda self: self[1])

    def __repr__(self) -> str:
        return f"torch.return_types.geqrf(\na={self[0]!r},\ntau={self[1]!r})"


def _check_float(op: str, A) -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input (float32 or float64), "
                           f"got {A.dtype}")


@supports_out
def geqrf(input: Tensor, *, out=None) -> tuple[Tensor, Tensor]:
    """LAPACK's QR in Householder form: (a, tau), R on and above a's diagonal, the
    reflectors' vectors below it, their scales in tau (min(m, n) per matrix).

    >>> import tocha
    >>> a, tau = tocha.geqrf(tocha.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> a[0, 0].item()
    -5.0

    Differs from PyTorch: no gradient (PyTorch raises at backward; tocha's outputs do not
    require grad)."""
    _check_float("torch.geqrf", input)
    a = input.detach().numpy()
    m, n = a.shape[-2:]
    if a.size == 0:
        h, tau = np.zeros(a.shape, a.dtype), np.zeros(a.shape[:-2] + (min(m, n),), a.dtype)
    else:
        h, tau = np.linalg.qr(a, mode="raw")
        h = np.swapaxes(h, -1, -2)
    dt = input.dtype.np
    return _QR((tocha.from_numpy(np.ascontiguousarray(h, dtype=dt)),
                tocha.from_numpy(np.ascontiguousarray(tau, dtype=dt))))


def orgqr(input: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of Q = H_1 ... H_k from geqrf's (input, tau): alias of
    `tocha.linalg.householder_product`."""
    return tocha.linalg.householder_product(input, tau)


def _full_q(A: Tensor, tau: Tensor, mn: int) -> Tensor:
    """Q = H_1 ... H_k (mn x mn) from the reflectors below A's diagonal and their tau."""
    k = tau.shape[-1]
    V = A[..., :, :k].tril(-1) + tocha.eye(mn, k, dtype=A.dtype)
    Q = tocha.eye(mn, dtype=A.dtype).expand(tuple(A.shape[:-2]) + (mn, mn))
    for i in range(k):
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i, None, None] * ((Q @ v) @ v.mT)
    return Q


@supports_out
def ormqr(input: Tensor, tau: Tensor, other: Tensor, left: bool = True,
          transpose: bool = False, *, out=None) -> Tensor:
    """`other` multiplied by the Q of geqrf's (input, tau): Q @ other (left), other @ Q
    (right), with Q^H when `transpose`."""
    _check_float("torch.ormqr", input)
    if other.ndim < 2:
        raise RuntimeError("torch.ormqr: other must have at least 2 dimensions.")
    mn = other.shape[-2] if left else other.shape[-1]
    if input.shape[-2] != mn:
        raise RuntimeError(f"torch.ormqr: other.shape[{-2 if left else -1}] must be equal to "
                           f"input.shape[-2]")
    if tau.shape[-1] > input.shape[-1] or tau.shape[-1] > mn:
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] ({tau.shape[-1]}) must be at most "
                           f"input.shape[-1] ({input.shape[-1]}) and input.shape[-2] ({mn})")
    if input.dtype != other.dtype or input.dtype != tau.dtype:
        raise RuntimeError(f"torch.ormqr: expected input, tau and other of one dtype, got "
                           f"{input.dtype}, {tau.dtype} and {other.dtype}")
    Q = _full_q(input, tau, mn)
    if transpose:
        Q = Q.mT
    return Q @ other if left else other @ Q


def _basis(A: Tensor, q: int, niter: int, M: Tensor | None) -> Tensor:
    """Orthonormal Q (m, q) whose span approximates the range of A - M (Halko et al. 4.4)."""
    R = tocha.randn(A.shape[-1], q, dtype=A.dtype)

    def prod(X, Y, herm=False):
        if herm:
            return X.mT @ Y if M is None else X.mT @ Y - M.mT @ Y
        return X @ Y if M is None else X @ Y - M @ Y
    Q = tocha.linalg.qr(prod(A, R)).Q
    for _ in range(niter):
        Q = tocha.linalg.qr(prod(A, Q, herm=True)).Q
        Q = tocha.linalg.qr(prod(A, Q)).Q
    return Q


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2,
                M: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """A randomized rank-q SVD of A (or A - M): (U, S, V) with A ~ U diag(S) V^T; U (*, m, q),
    S (*, q), V (*, n, q). Seed with `tocha.manual_seed` for repeatable results.

    >>> import tocha
    >>> _ = tocha.manual_seed(0)
    >>> U, S, V = tocha.svd_lowrank(tocha.randn(20, 10), q=3)
    >>> U.shape, S.shape, V.shape
    (torch.Size([20, 3]), torch.Size([3]), torch.Size([10, 3]))
    """
    if A.ndim < 2:
        raise RuntimeError(f"svd_lowrank: expected a matrix or a batch of matrices, got size "
                           f"{list(A.shape)}")
    if not A.dtype.is_floating_point:
        A = A.to(tocha.float32)
    q = 6 if q is None else int(q)
    niter = 2 if niter is None else int(niter)
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:
        A = A.mT
        M = None if M is None else M.mT
    Q = _basis(A, q, niter, M)
    B = Q.mT @ A if M is None else Q.mT @ A - Q.mT @ M
    U, S, Vh = tocha.linalg.svd(B, full_matrices=False)
    U, V = Q @ U, Vh.mT
    return (V, S, U) if m < n else (U, S, V)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True,
                niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    """Principal components of data A (*, m samples, n features) by `svd_lowrank` of the
    centred A: V's columns are the principal directions, S**2 / (m - 1) the variances."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter)


def _check_lobpcg(A, k, n, B, X):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"A must be square, got shape {tuple(A.shape)}")
    if B is not None and tuple(B.shape) != tuple(A.shape):
        raise ValueError(f"A and B must have the same shapes, got {tuple(A.shape)} and "
                         f"{tuple(B.shape)}")
    m = A.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows "
                         f"(={m}) is smaller than 3 x the number of requested eigenpairs "
                         f"(={n})")
    if X is not None and X.shape[-2] != m:
        raise ValueError(f"X must have {m} rows, got shape {tuple(X.shape)}")


def lobpcg(A: Tensor, k: int | None = None, B: Tensor | None = None, X: Tensor | None = None,
           n: int | None = None, iK: Tensor | None = None, niter: int | None = None,
           tol: float | None = None, largest: bool | None = None, method: str | None = None,
           tracker=None, ortho_iparams=None, ortho_fparams=None,
           ortho_bparams=None) -> tuple[Tensor, Tensor]:
    """The k largest (or smallest with `largest=False`) eigenpairs (E, X) of the symmetric
    problem A x = E B x (B symmetric positive definite, identity when None); E (*, k),
    X (*, m, k) with X^T B X = I. Needs m >= 3 n (n = k, or X's columns).

    Differs from PyTorch: solved exactly (Cholesky reduction and `linalg.eigh`) rather than by
    LOBPCG iterations, so `X`, `iK`, `niter`, `tol`, `method` and `tracker` only shape the
    request; the result is what LOBPCG converges to, with eigh's gradient."""
    k = (1 if X is None else X.shape[-1]) if k is None else int(k)
    n = (k if X is None else X.shape[-1]) if n is None else int(n)
    _check_lobpcg(A, k, n, B, X)
    largest = True if largest is None else bool(largest)
    A = A.to(A.dtype if A.dtype.is_floating_point else tocha.float32)
    A = (A + A.mT) / 2  # the symmetric part: what LOBPCG sees of A
    if B is None:
        E, V = tocha.linalg.eigh(A)
    else:
        L = tocha.linalg.cholesky((B + B.mT) / 2)
        Li_A = tocha.linalg.solve_triangular(L, A, upper=False)
        C = tocha.linalg.solve_triangular(L, Li_A.mT, upper=False)
        E, Y = tocha.linalg.eigh((C + C.mT) / 2)
        V = tocha.linalg.solve_triangular(L.mT, Y, upper=True)
    if largest:
        E, V = E.flip(-1), V.flip(-1)
    return E[..., :k], V[..., :, :k]
