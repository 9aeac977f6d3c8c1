"""torch.linalg for real dtypes: solves, inverses, decompositions, norms and products, with
gradients where PyTorch has them. `eig`/`eigvals` of real or complex matrices return complex
tensors."""
from .._ops.linalg_ext import LinAlgError
from ._decomp import eig, eigh, eigvals, eigvalsh, lstsq, matrix_rank, pinv, qr, svd, svdvals
from ._misc import (
    cross,
    diagonal,
    householder_product,
    matmul,
    matrix_exp,
    matrix_power,
    multi_dot,
    tensorinv,
    tensorsolve,
    vander,
    vecdot,
)
from ._norms import cond, matrix_norm, norm, vector_norm
from ._solve import (
    cholesky,
    cholesky_ex,
    det,
    inv,
    inv_ex,
    ldl_factor,
    ldl_factor_ex,
    ldl_solve,
    lu,
    lu_factor,
    lu_factor_ex,
    lu_solve,
    slogdet,
    solve,
    solve_ex,
    solve_triangular,
)

# short notes shared by the docstrings (PyTorch keeps such a table under this name)
common_notes = {
    "experimental_warning": "This function is \"experimental\" and it may change in a future "
                            "release.",
    "sync_note": "When inputs are on a CUDA device, this function synchronizes that device "
                 "with the CPU (tocha runs on the CPU only).",
    "sync_note_ex": "When the inputs are on a CUDA device, this function synchronizes only "
                    "when check_errors=True (tocha runs on the CPU only).",
}

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig",
           "eigh", "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor",
           "ldl_factor_ex", "ldl_solve", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot",
           "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd",
           "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]

from ._common import wrap_out_functions as _wrap_out

_wrap_out(globals(), __all__)
