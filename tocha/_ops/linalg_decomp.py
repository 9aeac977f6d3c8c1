"""Primitives of torch.linalg's decompositions (QR, symmetric eigen, SVD) and vector norms:
forward on NumPy arrays, backward in tocha ops (so double backward works)."""
from __future__ import annotations

import numpy as np

from ._util import prim
from .linalg_ext import SolveTriangular, eye_like, mm, mT


def _diag_embed(v):
    return v.unsqueeze(-1) * eye_like(v, v.shape[-1])


def _copyltu(m):
    from .movement import tril
    lo = tril(m, -1)
    return lo + mT(lo) + m * eye_like(m)


class QR(prim):
    @staticmethod
    def forward(ctx, a, mode):
        q, r = np.linalg.qr(a, mode=mode if mode != "r" else "reduced")
        q, r = q.astype(a.dtype, copy=False), r.astype(a.dtype, copy=False)
        ctx.mode = mode
        ctx.save_for_backward(a, q, r)
        if mode == "r":
            return np.zeros((0,), a.dtype), r
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_grad_tall(q, r, gq, gr), None
        # wide: A = [X | Y], R = [U | V]; X = Q U is square, Y = Q V
        x, u, gu, gv = a[..., :, :m], r[..., :, :m], gr[..., :, :m], gr[..., :, m:]
        y = a[..., :, m:]
        gy = mm(q, gv)
        gx = _qr_grad_tall(q, u, gq + mm(y, mT(gv) if not gv._dtype.is_complex else gv.mH), gu)
        del x
        from .movement import cat
        return cat([gx, gy], -1), None


def _qr_grad_tall(q, r, gq, gr):
    """gA = (gQ + Q copyltu(M)) R^{-T} with M = R gR^T - gQ^T Q (A = QR, m >= n)."""
    if q._dtype.is_complex:
        return _qr_grad_tall_complex(q, r, gq, gr)
    mmat = mm(r, mT(gr)) - mm(mT(gq), q)
    b = gq + mm(q, _copyltu(mmat))
    # B R^{-T} = (R^{-1} B^T)^T
    return mT(SolveTriangular.apply(r, mT(b), True, False))


def _qr_grad_tall_complex(q, r, gq, gr):
    """The complex form: conjugate transposes, and only the real part of M's diagonal (R's
    diagonal is real), as PyTorch's gradient."""
    from .movement import tril
    mmat = mm(r, gr.mH) - mm(gq.mH, q)
    lo = tril(mmat, -1)
    d = mmat.diagonal(0, -2, -1).real.to(mmat.dtype)
    b = gq + mm(q, lo + lo.mH + _diag_embed(d))
    return SolveTriangular.apply(r, b.mH, True, False).mH


class Eigh(prim):
    @staticmethod
    def forward(ctx, a, uplo):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        w, v = w.astype(a.real.dtype, copy=False), v.astype(a.dtype, copy=False)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        if v._dtype.is_complex:
            return _eigh_complex_grad(w, v, gw, gv), None
        e = w.unsqueeze(-2) - w.unsqueeze(-1)           # E_ij = w_j - w_i
        eye = eye_like(v)
        f = (1 - eye) / (e + eye)
        vtgv = mm(mT(v), gv)
        inner = _diag_embed(gw) + f * vtgv
        ga = mm(mm(v, inner), mT(v))
        return 0.5 * (ga + mT(ga)), None    # symmetric, as PyTorch's


def _eigh_complex_grad(w, v, gw, gv):
    """PyTorch's Hermitian eig gradient: V (diag(gw) + skew(V^H gV) / E) V^H, where the
    loss must not depend on the eigenvectors' phases."""
    vh = v.mH
    vhgv = mm(vh, gv)
    diag = vhgv.diagonal(0, -2, -1)
    if diag.imag.abs().max().item() > 1e-2 * (1 + diag.abs().max().item()):
        raise RuntimeError("linalg_eigh_backward: The eigenvectors in the complex case are "
                           "specified up to multiplication by e^{i phi}. The specified loss "
                           "function depends on this quantity, so it is ill-defined.")
    vhgv = 0.5 * (vhgv - vhgv.mH)
    e = w.unsqueeze(-2) - w.unsqueeze(-1)
    eye = eye_like(w)
    inner = vhgv * ((1 - eye) / (e + eye)) + _diag_embed(gw)
    return mm(mm(v, inner), vh)


class SVD(prim):
    @staticmethod
    def forward(ctx, a, full):
        u, s, vh = np.linalg.svd(a, full_matrices=full)
        u, vh = u.astype(a.dtype, copy=False), vh.astype(a.dtype, copy=False)
        s = s.astype(a.real.dtype, copy=False)     # (real for complex input too)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        # full_matrices=True: the extra columns of U / rows of Vh do not enter A
        u, gu = u[..., :, :k], gu[..., :, :k]
        vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        if not (bool(gu.any()) or bool(gvh.any())):
            # only the singular values used (svdvals, the nuclear and 2-norms): PyTorch's
            # U diag(gS) V^H, with no 1 / (s_j^2 - s_i^2) to give 0 * inf = NaN where
            # singular values repeat (the nuclear norm of a zero matrix)
            return mm(u * gs.unsqueeze(-2).to(u.dtype), vh), None
        if u._dtype.is_complex:
            from .linalg_eig import svd_grad_complex
            return svd_grad_complex(u, s, vh, gu, gs, gvh), None
        return svd_grad(u, s, vh, gu, gs, gvh), None


def svd_grad(u, s, vh, gu, gs, gvh):
    """gA = U [(skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)] V^T
    + (I - U U^T) gU S^{-1} V^T + U S^{-1} gV^T (I - V V^T), E_ij = s_j^2 - s_i^2."""
    v, gv = mT(vh), mT(gvh)
    m, n = u.shape[-2], v.shape[-2]
    eye = eye_like(s, s.shape[-1])
    s2 = s * s
    e = s2.unsqueeze(-2) - s2.unsqueeze(-1)
    utgu = mm(mT(u), gu)
    vtgv = mm(mT(v), gv)
    sk_u = utgu - mT(utgu)
    sk_v = vtgv - mT(vtgv)
    inner = (sk_u * s.unsqueeze(-2) + s.unsqueeze(-1) * sk_v) * (1 - eye) / (e + eye)
    inner = inner + _diag_embed(gs)
    ga = mm(mm(u, inner), vh)
    if m > s.shape[-1]:
        ga = ga + mm((gu - mm(u, utgu)) / s.unsqueeze(-2), vh)
    if n > s.shape[-1]:
        ga = ga + mm(u / s.unsqueeze(-2), mT(gv - mm(v, vtgv)))
    return ga


class VectorNorm(prim):
    """||x||_ord over `dims` (a tuple of axes)."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        ax = np.abs(x)
        if ord == float("inf"):
            r = np.max(ax, axis=dims, keepdims=True) if ax.size else np.zeros(
                _kshape(x.shape, dims), x.dtype)
        elif ord == float("-inf"):
            r = np.min(ax, axis=dims, keepdims=True)
        elif ord == 0:
            r = np.sum(ax != 0, axis=dims, keepdims=True).astype(x.dtype)
        elif ord == 1:
            r = np.sum(ax, axis=dims, keepdims=True)
        elif ord == 2:
            r = np.sqrt(np.sum(ax * ax, axis=dims, keepdims=True))
        else:   # (|x|^3 as two products: NumPy's power is ~3x slower, tocha's pow does this)
            pw = ax * ax * ax if ord == 3 else ax ** ord
            r = np.sum(pw, axis=dims, keepdims=True) ** (1.0 / ord)
        r = np.asarray(r, x.dtype)
        out = r if keepdim else np.squeeze(r, axis=dims)
        # the output itself is saved (not r, a keepdim twin): backward then reads it as part of
        # the graph, so double backward differentiates through the norm too
        ctx.save_for_backward(x, out)
        ctx.args = ord, dims, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import where
        from .movement import unsqueeze
        x, r = ctx.saved_tensors
        ord, dims, keepdim = ctx.args
        if not keepdim:
            for d in dims:
                g = unsqueeze(g, d)
                r = unsqueeze(r, d)
        if ord == 0:
            return g * 0 * x, None, None, None
        sgn = x.sign()
        if ord in (float("inf"), float("-inf")):
            hit = (x.abs() == r).to(x.dtype)
            cnt = hit.sum(dims, keepdim=True)
            return g * sgn * hit / cnt, None, None, None
        if ord == 1:
            return g * sgn, None, None, None
        if ord == 2:
            safe = where(r == 0, r + 1, r)
            return where(r == 0, x * 0, g * x / safe), None, None, None
        # PyTorch's norm_backward: the scale is 0 where the norm is 0 and, for ord < 1, the
        # infinite slope of |x|^ord at x == 0 counts as 0 (not 0 * inf = NaN)
        if ord < 1:
            s = sgn * (x.abs() ** (ord - 1)).masked_fill(x == 0, 0.0)
            return s * g * r ** (1 - ord), None, None, None
        s = sgn * x.abs() ** (ord - 1) if ord < 2 else x * x.abs() ** (ord - 2)
        return s * (g / r ** (ord - 1)).masked_fill(r == 0, 0.0), None, None, None


class ChebyshevDist(prim):
    """max |d| over the last dim (cdist's p = inf), with PyTorch's cdist gradient
    g * sign(d) * (|d| == max): every tied coordinate gets all of g, not a share."""

    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, d):
        ad = np.abs(d)
        r = np.max(ad, axis=-1) if d.shape[-1] else np.zeros(d.shape[:-1], d.dtype)
        ctx.save_for_backward(d, r)
        return r

    @staticmethod
    def backward(ctx, g):
        d, r = ctx.saved_tensors
        hit = (d.abs() == r.unsqueeze(-1)).to(d.dtype)
        return g.unsqueeze(-1) * d.sign() * hit


def _kshape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))
