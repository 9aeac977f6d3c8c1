"""linalg.eig / linalg.eigvals: eigen-decomposition of general square matrices, whose results
are complex (computed by NumPy's LAPACK geev, as PyTorch's CPU kernel), with PyTorch's
gradient formula."""
from __future__ import annotations

import numpy as np

from .._dtype_ext import scalar_name
from .._tensor import Tensor
from ._util import prim

_NO_KERNEL = frozenset({"float16", "bfloat16"})     # (and every integer dtype)


class _Solve(prim):
    """X = A^-1 B for square A (complex or real), differentiable twice."""

    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b):
        x = np.linalg.solve(a, b)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = _Solve.apply(a.mH, g)
        return -(gb @ x.mH), gb


def _cdt(a: np.ndarray):
    return np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128


class Eig(prim):
    node_name = "LinalgEigBackward0"

    @staticmethod
    def forward(ctx, a):
        if not np.isfinite(a).all():
            raise RuntimeError("linalg.eig: input tensor should not contain infs or NaNs.")
        w, v = np.linalg.eig(a)
        w, v = w.astype(_cdt(a)), v.astype(_cdt(a))
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        Vh = V.mH
        VhgV = Vh @ gV
        diag = VhgV.diagonal(0, -2, -1)
        if diag.imag.abs().max().item() > 1e-2 * (1 + diag.abs().max().item()):
            raise RuntimeError(
                "linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                "multiplication by e^{i phi}. The specified loss function depends on this "
                "quantity, so it is ill-defined.")
        # the eigenvectors have unit norm: only the part of gV that keeps it counts
        VhgV = VhgV - Vh @ (V * diag.real.unsqueeze(-2))
        Lc = L.conj()
        E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1)
        n = L.shape[-1]
        from .._creation import eye
        from .._torch_extra import diag_embed
        eye_n = eye(n, dtype=E.dtype)
        inner = VhgV / (E + eye_n) * (1 - eye_n) + diag_embed(gL)
        return _Solve.apply(Vh, inner @ Vh)


def _check(name: str, A) -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg_{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if A.dtype._kind < 2 or A.dtype.name in _NO_KERNEL:
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {scalar_name(A.dtype)}")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def eig(A: Tensor) -> tuple[Tensor, Tensor]:
    """(eigenvalues, eigenvectors) of square matrices `A` (..., n, n), both complex."""
    _check("eig", A)
    return Eig.apply(A)


def eigvals(A: Tensor) -> Tensor:
    """Eigenvalues of square matrices `A` (..., n, n), complex."""
    _check("eigvals", A)
    return Eig.apply(A)[0]


def svd_grad_complex(u, s, vh, gu, gs, gvh):
    """PyTorch's SVD gradient for complex A = U S V^H: the real formula with conjugate
    transposes, plus i Im(diag(U^H gU)) / S on the diagonal; the loss must not depend on the
    singular vectors' phases."""
    from .linalg_decomp import _diag_embed
    from .linalg_ext import eye_like
    v, gv = vh.mH, gvh.mH
    m, n = u.shape[-2], v.shape[-2]
    k = s.shape[-1]
    uhgu, vhgv = u.mH @ gu, v.mH @ gv
    sk_u, sk_v = uhgu - uhgu.mH, vhgv - vhgv.mH
    du, dv = sk_u.diagonal(0, -2, -1).imag, sk_v.diagonal(0, -2, -1).imag
    if (du + dv).abs().max().item() > 1e-2 * (1 + du.abs().max().item()):
        raise RuntimeError("svd_backward: The singular vectors in the complex case are "
                           "specified up to multiplication by e^{i phi}. The specified loss "
                           "function depends on this phase term, making it ill-defined.")
    eye = eye_like(s, k)
    s2 = s * s
    e = s2.unsqueeze(-2) - s2.unsqueeze(-1)
    inner = (sk_u * s.unsqueeze(-2) + s.unsqueeze(-1) * sk_v) * ((1 - eye) / (e + eye))
    inner = inner + _diag_embed(gs) + _diag_embed(du / (2 * s)) * 1j
    ga = u @ inner @ vh
    if m > k:
        ga = ga + ((gu - u @ uhgu) / s.unsqueeze(-2)) @ vh
    if n > k:
        ga = ga + (u / s.unsqueeze(-2)) @ (gv - v @ vhgv).mH
    return ga
