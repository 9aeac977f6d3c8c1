"""torch.linalg cases shared by the gradcheck tests and the torch oracle: each `fn(m, *xs)`
runs unchanged on `m = tocha` and `m = torch`; results are invariant to the sign choices of
eigen/singular vectors so that both libraries' LAPACKs agree."""
from __future__ import annotations

import zlib

import numpy as np


def spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def sym(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a + np.swapaxes(a, -1, -2)


def gen(rng, *shape):
    return rng.standard_normal(shape)


def well(rng, n, batch=()):
    return rng.standard_normal(batch + (n, n)) + 3 * np.eye(n)


def _s(a):
    """Symmetrised input: these ops read one triangle, their gradients are symmetric."""
    return (a + a.mT) / 2


def _eigh_inv(m, a):
    w, v = m.linalg.eigh(_s(a))
    return w, v @ (w.unsqueeze(-1) * v.mT).sin()    # sign-invariant in v


def _svd_inv(m, a, full):
    u, s, vh = m.linalg.svd(a, full_matrices=full)
    k = s.shape[-1]
    return s, (u[..., :, :k] * s.unsqueeze(-2).exp()) @ vh[..., :k, :]


CASES = {
    "inv": (lambda m, a: m.linalg.inv(a), lambda r: [well(r, 3)]),
    "inv_batch": (lambda m, a: m.linalg.inv(a), lambda r: [well(r, 3, (2,))]),
    "det": (lambda m, a: m.linalg.det(a), lambda r: [well(r, 3, (2,))]),
    "slogdet": (lambda m, a: m.linalg.slogdet(a)[1], lambda r: [gen(r, 2, 3, 3)]),
    "solve_vec": (lambda m, a, b: m.linalg.solve(a, b), lambda r: [well(r, 3), gen(r, 3)]),
    "solve_bcast": (lambda m, a, b: m.linalg.solve(a, b),
                    lambda r: [well(r, 3, (2,)), gen(r, 3, 2)]),
    "solve_right": (lambda m, a, b: m.linalg.solve(a, b, left=False),
                    lambda r: [well(r, 3), gen(r, 2, 3)]),
    "cholesky": (lambda m, a: m.linalg.cholesky(_s(a)), lambda r: [spd(r, 3, (2,))]),
    "cholesky_upper": (lambda m, a: m.linalg.cholesky(_s(a), upper=True), lambda r: [spd(r, 3)]),
    "solve_tri_upper": (lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
                        lambda r: [well(r, 3), gen(r, 3, 2)]),
    "solve_tri_lower_unit_right": (
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False,
                                                  unitriangular=True),
        lambda r: [well(r, 3), gen(r, 2, 3)]),
    "qr": (lambda m, a: m.linalg.qr(a), lambda r: [gen(r, 4, 3)]),
    "qr_wide": (lambda m, a: m.linalg.qr(a), lambda r: [gen(r, 2, 3)]),
    "eigh": (_eigh_inv, lambda r: [sym(r, 3)]),
    "eigvalsh": (lambda m, a: m.linalg.eigvalsh(_s(a)), lambda r: [sym(r, 4, (2,))]),
    "svd_tall": (lambda m, a: _svd_inv(m, a, False), lambda r: [gen(r, 4, 3)]),
    "svd_wide_full": (lambda m, a: _svd_inv(m, a, True), lambda r: [gen(r, 2, 3)]),
    "svdvals": (lambda m, a: m.linalg.svdvals(a), lambda r: [gen(r, 2, 3, 4)]),
    "pinv": (lambda m, a: m.linalg.pinv(a), lambda r: [gen(r, 4, 3)]),
    "pinv_wide": (lambda m, a: m.linalg.pinv(a), lambda r: [gen(r, 2, 3)]),
    "matrix_exp": (lambda m, a: m.linalg.matrix_exp(a), lambda r: [gen(r, 3, 3) * 0.5]),
    "lu_factor": (lambda m, a: m.linalg.lu_factor(a)[0], lambda r: [gen(r, 3, 3)]),
    "lu": (lambda m, a: m.linalg.lu(a)[1:], lambda r: [gen(r, 3, 3)]),
    "lu_solve": (lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b),
                 lambda r: [well(r, 3), gen(r, 3, 2)]),
    "lu_solve_adjoint": (lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b,
                                                           adjoint=True),
                         lambda r: [well(r, 3), gen(r, 3, 2)]),
    "vector_norm": (lambda m, a: m.linalg.vector_norm(a), lambda r: [gen(r, 3, 4)]),
    "vector_norm_p3_dim": (lambda m, a: m.linalg.vector_norm(a, 3, dim=1, keepdim=True),
                           lambda r: [gen(r, 3, 4)]),
    "vector_norm_inf": (lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=(0,)),
                        lambda r: [gen(r, 3, 4)]),
    "vector_norm_1": (lambda m, a: m.linalg.vector_norm(a, 1, dim=-1),
                      lambda r: [gen(r, 3, 4)]),
    "matrix_norm_fro": (lambda m, a: m.linalg.matrix_norm(a), lambda r: [gen(r, 2, 3, 4)]),
    "matrix_norm_nuc": (lambda m, a: m.linalg.matrix_norm(a, "nuc"), lambda r: [gen(r, 3, 4)]),
    "matrix_norm_2": (lambda m, a: m.linalg.matrix_norm(a, 2), lambda r: [gen(r, 3, 4)]),
    "matrix_norm_1": (lambda m, a: m.linalg.matrix_norm(a, 1, keepdim=True),
                      lambda r: [gen(r, 2, 3, 4)]),
    "matrix_norm_ninf": (lambda m, a: m.linalg.matrix_norm(a, -float("inf"), dim=(0, 2)),
                         lambda r: [gen(r, 3, 2, 4)]),
    "norm_default": (lambda m, a: m.linalg.norm(a), lambda r: [gen(r, 2, 3, 4)]),
    "norm_ord_matrix": (lambda m, a: m.linalg.norm(a, float("inf")), lambda r: [gen(r, 3, 4)]),
    "cond": (lambda m, a: m.linalg.cond(a), lambda r: [well(r, 3)]),
    "cross": (lambda m, a, b: m.linalg.cross(a, b), lambda r: [gen(r, 2, 3), gen(r, 1, 3)]),
    "vecdot": (lambda m, a, b: m.linalg.vecdot(a, b, dim=0),
               lambda r: [gen(r, 3, 2), gen(r, 3, 2)]),
    "multi_dot": (lambda m, a, b, c: m.linalg.multi_dot([a, b, c]),
                  lambda r: [gen(r, 3), gen(r, 3, 4), gen(r, 4)]),
    "matrix_power": (lambda m, a: m.linalg.matrix_power(a, 3), lambda r: [gen(r, 3, 3)]),
    "matrix_power_neg": (lambda m, a: m.linalg.matrix_power(a, -2), lambda r: [well(r, 3)]),
    "householder": (lambda m, a, t: m.linalg.householder_product(a, t),
                    lambda r: [gen(r, 4, 3), gen(r, 2)]),
    "tensorinv": (lambda m, a: m.linalg.tensorinv(a, 1), lambda r: [well(r, 4).reshape(4, 2, 2)]),
    "tensorsolve": (lambda m, a, b: m.linalg.tensorsolve(a, b),
                    lambda r: [well(r, 6).reshape(2, 3, 6), gen(r, 2, 3)]),
    "vander": (lambda m, a: m.linalg.vander(a, N=4), lambda r: [gen(r, 2, 3)]),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b).solution, lambda r: [gen(r, 5, 3),
                                                                        gen(r, 5, 2)]),
    "diagonal": (lambda m, a: m.linalg.diagonal(a, offset=1), lambda r: [gen(r, 2, 3, 3)]),
}


def make(name: str):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return [np.asarray(x, np.float64) for x in CASES[name][1](rng)]
