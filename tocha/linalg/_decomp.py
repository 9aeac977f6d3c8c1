"""torch.linalg: QR, symmetric eigendecomposition, SVD and what is built on them."""
from __future__ import annotations

import numpy as np

from .. import _autocast
from .._ops import linalg_decomp as Dc
from .._ops import linalg_ext as X
from .._tensor import Tensor, _wrap
from ._common import check_matrix, return_type, scalar_name

_qr_t = return_type("linalg_qr", ("Q", "R"))
_eigh_t = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
_svd_t = return_type("linalg_svd", ("U", "S", "Vh"))
_lstsq_t = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """`(Q, R)` with `A = Q R`; `mode`: 'reduced' (Q is m x k), 'complete' (m x m) or 'r'
    (Q empty).

    Example:
        >>> Q, R = tocha.linalg.qr(tocha.tensor([[3.0, 1.0], [4.0, 2.0]]))
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("qr", qr, A, mode, out=out)
    check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return _qr_t(*Dc.QR.apply(A, mode))


def _check_eigh(name: str, A: Tensor, UPLO: str) -> None:
    check_matrix(name, A, float_only=False)
    if not (A.is_floating_point() or A.is_complex()):
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for '
                                  f"'{scalar_name(A.dtype)}'")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """`(eigenvalues, eigenvectors)` of symmetric `A` (ascending eigenvalues; only the
    `UPLO` triangle is read). Gradients assume distinct eigenvalues, as PyTorch's do."""
    _check_eigh("linalg.eigh", A, UPLO)
    return _eigh_t(*Dc.Eigh.apply(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """Eigenvalues of symmetric `A`, ascending."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linalg_eigvalsh", eigvalsh, A, UPLO, out=out)
    _check_eigh("linalg.eigh", A, UPLO)
    return Dc.Eigh.apply(A, UPLO)[0]


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """`(U, S, Vh)` with `A = U diag(S) Vh`, singular values descending.

    Example:
        >>> U, S, Vh = tocha.linalg.svd(tocha.eye(2), full_matrices=False)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("svd", svd, A, full_matrices, driver=driver, out=out)
    check_matrix("linalg.svd", A, square=False)
    return _svd_t(*Dc.SVD.apply(A, bool(full_matrices)))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """Singular values of `A`, descending."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linalg_svdvals", svdvals, A, driver=driver, out=out)
    check_matrix("linalg.svd", A, square=False)
    return Dc.SVD.apply(A, False)[1]


_eig_t = return_type("linalg_eig", ("eigenvalues", "eigenvectors"))


def eig(A: Tensor, *, out=None):
    """(eigenvalues, eigenvectors) of square matrices `A` (..., n, n), as complex tensors
    (float32 -> complex64); eigenvectors have unit norm. Gradients as PyTorch's (the loss
    must not depend on the eigenvectors' phases).

    Example:
        >>> L, V = tocha.linalg.eig(tocha.tensor([[2., 0.], [0., 3.]]))
        >>> L
        tensor([2.+0.j, 3.+0.j])
    """
    from .._ops.linalg_eig import eig as _eig
    return _eig_t(*_eig(A))


def eigvals(A: Tensor, *, out=None):
    """Eigenvalues of square matrices `A` (..., n, n), as a complex tensor."""
    from .._ops.linalg_eig import eigvals as _eigvals
    return _eigvals(A)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """Moore-Penrose pseudo-inverse (singular values at most `max(atol, rtol * s_max)` are
    treated as zero; default rtol = eps * max(m, n))."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("pinverse", pinv, **locals())
    if not isinstance(A, Tensor) or A.dim() < 2 or not (A.is_floating_point()
                                                         or A.is_complex()):
        dt = scalar_name(A.dtype) if isinstance(A, Tensor) else type(A).__name__
        shape = list(A.shape) if isinstance(A, Tensor) else []
        raise RuntimeError(f"linalg.pinv({dt}{{{shape}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    a_t = atol.detach().numpy() if isinstance(atol, Tensor) else atol
    r_t = rtol.detach().numpy() if isinstance(rtol, Tensor) else rtol
    return X.Pinv.apply(A, a_t, r_t, hermitian)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None,
                out=None) -> Tensor:
    """Number of singular values above `max(atol, rtol * s_max)` (int64)."""
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    s = np.linalg.svd(A.detach().numpy(), compute_uv=False)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,))
    at = 0.0 if atol is None else np.asarray(atol.detach().numpy() if isinstance(atol, Tensor)
                                             else atol)[..., None]
    if rtol is None:
        rtol = max(A.shape[-2:]) * np.finfo(s.dtype).eps if np.all(at == 0) else 0.0
    rt = np.asarray(rtol.detach().numpy() if isinstance(rtol, Tensor) else rtol)
    rt = rt[..., None] if rt.ndim else rt
    return _wrap(np.sum(s > np.maximum(at, rt * smax), -1).astype(np.int64))


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """`(solution, residuals, rank, singular_values)` of min ||A X - B||.

    Differs from PyTorch: the solution is `pinv(A) @ B` (the minimum-norm solution, as
    PyTorch's 'gelsd'/'gelss'); with the default driver ('gelsy') residuals and
    singular_values are empty, as in PyTorch."""
    check_matrix("torch.linalg.lstsq", A, square=False)
    vec = B.dim() == A.dim() - 1
    b = B.unsqueeze(-1) if vec else B
    if b.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           f"gelsy, gelsd, gelss), got {driver}")
    m, n = A.shape[-2], A.shape[-1]
    eps = np.finfo(A.detach().numpy().dtype).eps
    rc = eps * max(m, n) if rcond is None else rcond
    x = X.Pinv.apply(A, None, rc, False) @ b
    from .._creation import empty
    rank = matrix_rank(A, rtol=rc) if driver != "gels" else empty(0, dtype=_int64())
    real = A.dtype.to_real()        # (residuals and singular values are real for complex A)
    res = empty(0, dtype=real)
    sv = svdvals(A).detach() if driver in ("gelsd", "gelss") else empty(0, dtype=real)
    if driver != "gelsy" and m > n and bool((rank == n).all()):
        r = A @ x - b
        res = ((r * r.conj()).real if r.is_complex() else r ** 2).sum(-2)
    return _lstsq_t(x.squeeze(-1) if vec else x, res, rank, sv)


def _int64():
    from .. import _dtype
    return _dtype.int64
