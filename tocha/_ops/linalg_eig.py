"""linalg.eig / linalg.eigvals: eigen-decomposition of general square matrices, whose results
are complex (computed by NumPy's LAPACK geev, as PyTorch's CPU kernel), with PyTorch's
gradient formula."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._util import prim

_TORCH_NAMES = {"float16": "Half", "int64": "Long", "int32": "Int", "int16": "Short",
                "int8": "Char", "uint8": "Byte", "bool": "Bool", "bfloat16": "BFloat16"}


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
    if A.dtype._kind < 2 or A.dtype.name in _TORCH_NAMES:
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {_TORCH_NAMES.get(A.dtype.name, A.dtype.name)}")
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
