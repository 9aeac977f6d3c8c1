"""Primitives of torch.linalg (solve, inverse, determinants, Cholesky, triangular solves,
LU, matrix exponential, pseudo-inverse): forward on NumPy arrays, backward in tocha ops."""
from __future__ import annotations

import warnings

import numpy as np

from ._util import prim, sum_to
from .complex import cj


class LinAlgError(RuntimeError):
    """Raised by torch.linalg for singular or non-positive-definite input
    (`torch.linalg.LinAlgError`)."""


def _scipy_linalg():
    try:
        import scipy.linalg
    except ImportError as e:     # pragma: no cover - exercised only without the extra
        raise ImportError("this torch.linalg function needs SciPy: pip install "
                          "'tocha[scipy]' (or pip install scipy)") from e
    return scipy.linalg


def mT(x):
    return x.transpose(-1, -2)


def mm(a, b):
    from .linalg import matmul
    return matmul(a, b)


def eye_like(x, n=None):
    from .._creation import eye
    n = x.shape[-1] if n is None else n
    return eye(n, dtype=x.dtype)


def _first_singular(a: np.ndarray):
    """(batch index, 1-based position of the first zero pivot) of the first singular matrix
    in the batch, by LU with partial pivoting, as LAPACK's getrf reports it."""
    sl = _scipy_linalg()
    flat = a.reshape((-1,) + a.shape[-2:])
    for b, m in enumerate(flat):
        with warnings.catch_warnings():     # SciPy warns on the singular matrices we report
            warnings.simplefilter("ignore")
            lu, _ = sl.lu_factor(m, check_finite=False)
        zero = np.flatnonzero(np.diagonal(lu) == 0)
        if zero.size:
            return b, int(zero[0]) + 1
    return 0, 1


def singular_error(op: str, a: np.ndarray) -> LinAlgError:
    b, k = _first_singular(a)
    where = f"(Batch element {b}): " if a.ndim > 2 else ""
    return LinAlgError(f"{op}: {where}The diagonal element {k} is zero, the inversion could "
                       f"not be completed because the input matrix is singular.")


class Solve(prim):
    """X = A^{-1} B for matrices B (batch dims broadcast)."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            where = ""
            if a.ndim > 2:
                full = np.broadcast_to(a, np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
                                       + a.shape[-2:])
                where = f"(Batch element {_first_singular(full)[0]}): "
            raise LinAlgError(f"torch.linalg.solve: {where}The solver failed because the input "
                              f"matrix is singular.") from None
        ctx.save_for_backward(a, x)
        ctx.shapes = a.shape, b.shape
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if g._dtype.is_complex:     # holomorphic: the conjugates give PyTorch's gradient
            a, x = cj(a), cj(x)
        gb = Solve.apply(mT(a), g)
        ga = -mm(gb, mT(x))
        sa, sb = ctx.shapes
        return sum_to(ga, sa), sum_to(gb, sb)


class Inv(prim):
    @staticmethod
    def forward(ctx, a):
        try:
            y = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise singular_error("linalg.inv", a) from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        if g._dtype.is_complex:
            y = cj(y)
        yt = mT(y)
        return -mm(mm(yt, g), yt)


class Det(prim):
    @staticmethod
    def forward(ctx, a):
        d = np.asarray(np.linalg.det(a))
        ctx.save_for_backward(a, d)
        return d

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        if g._dtype.is_complex:
            a, d = cj(a), cj(d)
        # d det / dA = det * A^{-T} (differentiable for double backward). For an exactly
        # singular A PyTorch 2.13 returns zeros without create_graph (those matrices are
        # inverted as the identity and scaled by their zero determinant), and with it the
        # cofactor matrix from an SVD (its differentiable formula)
        from ..autograd.grad_mode import STATE
        from .elementwise import where
        singular = (d == 0).unsqueeze(-1).unsqueeze(-1)
        safe = where(singular, eye_like(a), a)
        r = (g * d).unsqueeze(-1).unsqueeze(-1) * mT(Inv.apply(safe))
        if STATE.enabled and bool(singular.any()):
            r = where(singular, _det_cofactor_grad(a, g), r)
        return r


def _det_cofactor_grad(a, g):
    """g times det's derivative by an SVD A = U S V^T: det(U) det(V^T) U diag(prod_{j != i}
    s_j) V^T, right for singular A too (PyTorch's singular-case formula)."""
    from .linalg_decomp import SVD
    from .reduce import _prod_others
    u, s, vh = SVD.apply(a, False)
    alpha = Det.apply(u) * Det.apply(vh)
    dg = _prod_others(s, s.ndim - 1) * (g * alpha).unsqueeze(-1)
    return mm(u * dg.unsqueeze(-2), vh)


class Slogdet(prim):
    @staticmethod
    def forward(ctx, a):
        s, ld = np.linalg.slogdet(a)
        s, ld = np.asarray(s, a.dtype), np.asarray(ld, a.real.dtype)
        if a.dtype.kind != "c":     # (a complex sign is differentiable, as in PyTorch)
            ctx.mark_non_differentiable(s)
        ctx.save_for_backward(a, s)
        return s, ld

    @staticmethod
    def backward(ctx, gs, gld):
        a, s = ctx.saved_tensors
        if a._dtype.is_complex:
            # log det = log|det| + i theta, sign = e^{i theta}: the gradient of the
            # holomorphic log det is (g_log|det| + i Im(conj(sign) g_sign)) A^{-H}
            g = gld.to(a.dtype)
            if gs is not None:
                g = g + (s.conj() * gs).imag * 1j
            return g.unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mH
        try:
            inv_t = mT(Inv.apply(a))
        except LinAlgError:
            inv_t = _singular_inv_t(a)
        return gld.unsqueeze(-1).unsqueeze(-1) * inv_t


def _singular_inv_t(a):
    """A^{-T} by LAPACK's getrf/getrs, whose division by a zero pivot gives the infinities
    PyTorch's slogdet gradient shows for singular matrices (no double backward)."""
    from .._tensor import _wrap_dt
    sl = _scipy_linalg()
    arr = a.detach()._data
    flat = arr.reshape((-1,) + arr.shape[-2:])
    eye = np.eye(arr.shape[-1], dtype=arr.dtype)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = [sl.lu_solve(sl.lu_factor(m, check_finite=False), eye, trans=1,
                           check_finite=False) for m in flat]
    res = np.stack(out).reshape(arr.shape).astype(arr.dtype) if out else arr.copy()
    return _wrap_dt(res, a._dtype, a._device)


def _phi(x):
    """Lower triangle with the diagonal halved."""
    from .movement import tril
    return tril(x) - 0.5 * x * eye_like(x)


class Cholesky(prim):
    @staticmethod
    def forward(ctx, a):
        try:
            lo = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise cholesky_error(a) from None
        ctx.save_for_backward(lo)
        return lo

    @staticmethod
    def backward(ctx, g):
        lo, = ctx.saved_tensors
        if lo._dtype.is_complex:
            return _cholesky_grad_complex(lo, g)
        p = _phi(mm(mT(lo), g))
        # S = L^{-T} P L^{-1}, symmetrised (only the symmetric part of dA is meaningful)
        s = SolveTriangular.apply(mT(lo), mT(SolveTriangular.apply(mT(lo), mT(p), True,
                                                                   False)), True, False)
        return 0.5 * (s + mT(s))


def _mH(x):
    return x.mH


def _cholesky_grad_complex(lo, g):
    """PyTorch's formula: L^{-H} Phi L^{-1}, Phi = (X + tril(X, -1)^H) / 2, X = tril(L^H gL)
    (for complex input its diagonal keeps an imaginary part: the result is not Hermitian)."""
    from .movement import tril
    x = tril(mm(lo.mH, g))
    phi = 0.5 * (x + tril(x, -1).mH)
    y = SolveTriangular.apply(lo.mH, phi, True, False)
    return SolveTriangular.apply(lo.mH, y.mH, True, False).mH


def cholesky_error(a: np.ndarray, op: str = "linalg.cholesky") -> LinAlgError:
    flat = a.reshape((-1,) + a.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            if not np.all(np.isfinite(m[:k, :k])) or np.linalg.eigvalsh(m[:k, :k]).min() <= 0:
                where = f"(Batch element {b}): " if a.ndim > 2 else ""
                return LinAlgError(f"{op}: {where}The factorization could not be completed "
                                   f"because the input is not positive-definite (the leading "
                                   f"minor of order {k} is not positive-definite).")
    return LinAlgError(f"{op}: The factorization could not be completed because the input is "
                       f"not positive-definite.")


def tri_mask(a: np.ndarray, upper: bool, unit: bool) -> np.ndarray:
    t = np.triu(a) if upper else np.tril(a)
    if unit:
        t = t.copy()
        idx = np.arange(a.shape[-1])
        t[..., idx, idx] = 1
    return t


class SolveTriangular(prim):
    """X = A^{-1} B with A triangular (upper or lower part read, unit diagonal optional)."""

    @staticmethod
    def forward(ctx, a, b, upper, unit):
        t = tri_mask(a, upper, unit)
        try:
            x = np.linalg.solve(t, b)
        except np.linalg.LinAlgError:
            # singular: LAPACK's trtrs divides by the zero pivot (inf/nan), as PyTorch does
            sl = _scipy_linalg()
            tb, bb = t, b
            shape = np.broadcast_shapes(tb.shape[:-2], bb.shape[:-2])
            tb = np.broadcast_to(tb, shape + tb.shape[-2:]).reshape((-1,) + tb.shape[-2:])
            bb = np.broadcast_to(bb, shape + bb.shape[-2:]).reshape((-1,) + bb.shape[-2:])
            x = np.stack([sl.solve_triangular(m, v, lower=not upper, check_finite=False)
                          for m, v in zip(tb, bb)]).reshape(shape + b.shape[-2:])
        ctx.save_for_backward(a, x)
        ctx.args = upper, unit, a.shape, b.shape
        return x.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        from .movement import tril, triu
        a, x = ctx.saved_tensors
        if g._dtype.is_complex:     # holomorphic: the conjugates give PyTorch's gradient
            a, x = cj(a), cj(x)
        upper, unit, sa, sb = ctx.args
        gb = SolveTriangular.apply(mT(a), g, not upper, unit)
        ga = -mm(gb, mT(x))
        ga = triu(ga, 1 if unit else 0) if upper else tril(ga, -1 if unit else 0)
        return sum_to(ga, sa), sum_to(gb, sb), None, None


class MatrixExp(prim):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        if a.shape[-1] == 0:
            return a.copy()
        return np.asarray(_scipy_linalg().expm(a), a.dtype)

    @staticmethod
    def backward(ctx, g):
        from .movement import cat
        a, = ctx.saved_tensors
        if g._dtype.is_complex:
            a = cj(a)
        n = a.shape[-1]
        # exp([[A^T, G], [0, A^T]]) holds the adjoint in its upper right block
        z = g * 0
        big = cat([cat([mT(a), g], -1), cat([z, mT(a)], -1)], -2)
        return MatrixExp.apply(big)[..., :n, n:]


class Pinv(prim):
    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        p = _pinv_np(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, p)
        return p

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        i_ap = eye_like(a, m) - mm(a, p)
        i_pa = eye_like(a, n) - mm(p, a)
        t = mT if not a._dtype.is_complex else _mH      # (complex: conjugate transposes)
        pt = t(p)
        ga = -mm(mm(pt, g), pt) + mm(mm(i_ap, t(g)), mm(p, pt)) + mm(mm(pt, p),
                                                                     mm(t(g), i_pa))
        return ga, None, None, None


def _pinv_np(a, atol, rtol, hermitian):
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else s
    atol = 0.0 if atol is None else np.asarray(atol)[..., None]
    if rtol is None:
        rtol = (max(a.shape[-2:]) * np.finfo(a.dtype).eps) if np.all(atol == 0) else 0.0
    else:
        rtol = np.asarray(rtol)[..., None]
    tol = np.maximum(atol, rtol * smax)
    sinv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(a.dtype)
    if a.dtype.kind == "c":     # V S^+ U^H
        vh, u = np.conj(vh), np.conj(u)
    return np.matmul(np.swapaxes(vh, -1, -2) * sinv[..., None, :], np.swapaxes(u, -1, -2))


class LUFactor(prim):
    """Packed LU with partial pivoting (LAPACK getrf): LU and 1-based int32 pivots."""

    @staticmethod
    def forward(ctx, a):
        sl = _scipy_linalg()
        flat = a.reshape((-1,) + a.shape[-2:])
        k = min(a.shape[-2:])
        lus, pivs = [], []
        for m in flat:
            with warnings.catch_warnings():     # singular input is reported through info
                warnings.simplefilter("ignore")
                lu, piv = sl.lu_factor(m, check_finite=False) if m.size else (
                    m.copy(), np.zeros(k, int))
            lus.append(lu)
            pivs.append(piv[:k] + 1)
        lu = np.stack(lus).reshape(a.shape) if lus else a.copy()
        piv = np.stack(pivs).reshape(a.shape[:-2] + (k,)).astype(np.int32) if pivs else \
            np.zeros(a.shape[:-2] + (k,), np.int32)
        ctx.mark_non_differentiable(piv)
        ctx.save_for_backward(lu, piv)
        return lu.astype(a.dtype, copy=False), piv

    @staticmethod
    def backward(ctx, g, gp):
        from .movement import tril, triu
        lu, piv = ctx.saved_tensors
        if lu.shape[-1] != lu.shape[-2]:
            raise NotImplementedError("tocha: the derivative of lu_factor is implemented for "
                                      "square matrices only")
        p = pivots_to_perm(piv, lu.shape[-1], lu.dtype)
        lo = tril(lu, -1) + eye_like(lu)
        up = triu(lu)
        gl, gu = tril(g, -1), triu(g)
        return lu_grad(p, lo, up, gl, gu)


def lu_grad(p, lo, up, gl, gu):
    """gA of A = P L U for square A: P L^{-T} [tril(L^T gL, -1) + triu(gU U^T)] U^{-T}."""
    from .movement import tril, triu
    if gl._dtype.is_complex:    # holomorphic: the conjugates give PyTorch's gradient
        lo, up = cj(lo), cj(up)
    mid = tril(mm(mT(lo), gl), -1) + triu(mm(gu, mT(up)))
    x = SolveTriangular.apply(mT(lo), mid, True, True)             # L^{-T} mid
    x = mT(SolveTriangular.apply(up, mT(x), True, False))           # ... U^{-T}
    return mm(p, x)


def pivots_to_perm(piv, n, dtype):
    """The permutation matrix P (A = P L U) of LAPACK's 1-based row swaps."""
    from .._tensor import _wrap
    pv = piv.detach().numpy() if hasattr(piv, "numpy") else np.asarray(piv)
    batch = pv.shape[:-1]
    flat = pv.reshape((-1, pv.shape[-1]))
    mats = []
    for row in flat:
        perm = np.arange(n)
        for i, j in enumerate(row):
            perm[i], perm[j - 1] = perm[j - 1], perm[i]
        pm = np.zeros((n, n), dtype.np)
        pm[perm, np.arange(n)] = 1
        mats.append(pm)
    arr = np.stack(mats).reshape(batch + (n, n)) if mats else np.zeros(batch + (n, n),
                                                                         dtype.np)
    return _wrap(arr)
