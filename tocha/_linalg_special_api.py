"""torch.* functions and Tensor methods that are spellings of torch.linalg, torch.special
and torch.func (`torch.lgamma`, `torch.det`, `x.inverse()`, `torch.vmap`, ...).

Light on import: each body imports its namespace on first call."""
from __future__ import annotations

import warnings

from ._tensor import Tensor


def _sp():
    from . import special
    return special


def _la():
    from . import linalg
    return linalg


def lgamma(input: Tensor, *, out=None) -> Tensor:
    """log |Gamma(x)| (torch.special.gammaln)."""
    return _sp().gammaln(input)


def digamma(input: Tensor, *, out=None) -> Tensor:
    """d/dx log Gamma(x) (torch.special.digamma)."""
    return _sp().digamma(input)


def polygamma(n: int, input: Tensor, *, out=None) -> Tensor:
    """n-th derivative of digamma (torch.special.polygamma)."""
    return _sp().polygamma(n, input)


def erfinv(input: Tensor, *, out=None) -> Tensor:
    """Inverse error function (torch.special.erfinv)."""
    return _sp().erfinv(input)


def erfc(input: Tensor, *, out=None) -> Tensor:
    """1 - erf(x) (torch.special.erfc)."""
    return _sp().erfc(input)


def i0(input: Tensor, *, out=None) -> Tensor:
    """Modified Bessel function of the first kind, order 0 (torch.special.i0)."""
    return _sp().i0(input)


def sinc(input: Tensor, *, out=None) -> Tensor:
    """sin(pi x) / (pi x), 1 at 0 (torch.special.sinc)."""
    return _sp().sinc(input)


def mvlgamma(input: Tensor, p: int, *, out=None) -> Tensor:
    """Multivariate log gamma of dimension p (torch.special.multigammaln)."""
    return _sp().multigammaln(input, p)


def igamma(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Regularized lower incomplete gamma (torch.special.gammainc)."""
    return _sp().gammainc(input, other)


def igammac(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Regularized upper incomplete gamma (torch.special.gammaincc)."""
    return _sp().gammaincc(input, other)


def det(input: Tensor) -> Tensor:
    """Determinant (torch.linalg.det)."""
    return _la().det(input)


def logdet(input: Tensor) -> Tensor:
    """log det(A): NaN for a negative determinant, -inf for a singular matrix."""
    from ._creation import full_like
    from ._ops.elementwise import where
    sign, logabs = _la().slogdet(input)
    if sign.is_complex():       # log|det| + i arg(det), as PyTorch
        return logabs + sign.angle() * 1j
    # a constant NaN: logabs * nan would send NaN gradients through the other branch
    return where(sign < 0, full_like(logabs.detach(), float("nan")), logabs)


def slogdet(input: Tensor):
    """`(sign, logabsdet)` (torch.linalg.slogdet)."""
    return _la().slogdet(input)


def inverse(input: Tensor, *, out=None) -> Tensor:
    """Matrix inverse (torch.linalg.inv)."""
    return _la().inv(input)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """Pseudo-inverse with relative cutoff `rcond` (torch.linalg.pinv)."""
    return _la().pinv(input, rtol=rcond)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Cholesky factor (deprecated in PyTorch in favour of torch.linalg.cholesky)."""
    return _la().cholesky(input, upper=upper)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Solve A X = B given the Cholesky factor of A (lower `L`, or upper when `upper`)."""
    st = _la().solve_triangular
    if upper:
        return st(L, st(L.mT, B, upper=False), upper=True)
    return st(L.mT, st(L, B, upper=False), upper=True)


def cholesky_inverse(L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Inverse of A from its Cholesky factor."""
    from ._creation import eye
    return cholesky_solve(eye(L.shape[-1], dtype=L.dtype), L, upper)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):
    """`(U, S, V)` with A = U diag(S) V^T (note V, not Vh: PyTorch's older API)."""
    from .linalg._common import return_type
    U, S, Vh = _la().svd(input, full_matrices=not some)
    if not compute_uv:
        from ._creation import zeros_like
        U, Vh = zeros_like(U), zeros_like(Vh)
    return return_type("svd", ("U", "S", "V"))(U, S, Vh.mT)


def qr(input: Tensor, some: bool = True, *, out=None):
    """`(Q, R)` (torch.linalg.qr with mode 'reduced' when `some`, else 'complete')."""
    from .linalg._common import return_type
    Q, R = _la().qr(input, "reduced" if some else "complete")
    return return_type("qr", ("Q", "R"))(Q, R)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out=None):
    """`(LU, pivots)` or `(LU, pivots, infos)` (torch.linalg.lu_factor_ex)."""
    r = _la().lu_factor_ex(A, pivot=pivot)
    return (r.LU, r.pivots, r.info) if get_infos else (r.LU, r.pivots)


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:
    """Solve A X = b from `lu(A)` (torch.linalg.lu_solve)."""
    return _la().lu_solve(LU_data, LU_pivots, b)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True, *, out=None):
    """`(P, L, U)` from packed LU factors."""
    from .linalg._common import return_type
    from .linalg._solve import lu_unpack as _unpack
    return return_type("lu_unpack", ("P", "L", "U"))(*_unpack(LU_data, LU_pivots))


def matrix_power(input: Tensor, n: int) -> Tensor:
    """A to the integer power n (torch.linalg.matrix_power)."""
    return _la().matrix_power(input, n)


def matrix_exp(input: Tensor) -> Tensor:
    """Matrix exponential (torch.linalg.matrix_exp)."""
    return _la().matrix_exp(input)


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out=None) -> Tensor:
    """Cross product along `dim` (default: the first dim of size 3, with PyTorch's
    deprecation warning)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use "
                      "torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning,
                      stacklevel=2)
        dim = next((i for i, s in enumerate(input.shape) if s == 3), -1)
    return _la().cross(input, other, dim=dim)


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False, *, out=None):
    """`(solution, cloned_coefficient)` of A X = b with A triangular (deprecated in PyTorch
    in favour of torch.linalg.solve_triangular)."""
    from .linalg._common import return_type
    M = A.mT if transpose else A
    x = _la().solve_triangular(M, b, upper=upper != transpose, unitriangular=unitriangular)
    return return_type("triangular_solve", ("solution", "cloned_coefficient"))(x, A.clone())


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """torch.vmap: see tocha.func.vmap."""
    from .func import vmap as _vmap
    return _vmap(func, in_dims, out_dims, randomness, chunk_size=chunk_size)


# ------------------------------------------------------------------ Tensor methods
def _polygamma_method(self, n):
    return polygamma(n, self)


def _mvlgamma_method(self, p):
    return mvlgamma(self, p)


def _install() -> None:
    # the Tensor methods (x.inverse(), x.lgamma_(), ...) are declared in tocha/_tensor_methods.py
    from .linalg._common import wrap_out_functions
    g = globals()
    wrap_out_functions(g, [n for n in g if not n.startswith("_")])


_install()
