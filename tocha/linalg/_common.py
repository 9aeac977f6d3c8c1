"""Argument checks and named results shared by torch.linalg's functions."""
from __future__ import annotations

from .._dtype_ext import scalar_name
from .._tensor import Tensor


def check_tensor(name: str, A, what: str = "A") -> None:
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument '{what}' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")


# the functions whose (holomorphic) gradients are conjugate-correct for complex matrices
_COMPLEX_OK = {"linalg.det", "linalg.eigh", "linalg.inv", "linalg.matrix_exp", "linalg.solve",
               "linalg.svd", "linalg.cholesky", "linalg.solve_triangular", "linalg.qr",
               "linalg.matrix_power", "linalg.slogdet", "linalg.lu_factor", "linalg.lu",
               "torch.linalg.lstsq"}


def check_matrix(name: str, A, square: bool = True, float_only: bool = True) -> None:
    """PyTorch's errors for fewer than 2 dims, integer input and non-square matrices."""
    check_tensor(name, A)
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.is_complex() and name not in _COMPLEX_OK:
        raise NotImplementedError(f"{name}: complex matrices are not supported by tocha yet "
                                  f"(of torch.linalg, {', '.join(sorted(_COMPLEX_OK))}, eig, "
                                  f"eigvals and the norms take them)")
    if float_only and not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_name(A.dtype)}")
    if float_only and A._data.dtype.kind == "V" and name != "linalg.matrix_exp":
        # bfloat16/float8 (ml_dtypes): PyTorch's CPU decompositions have no kernel for them
        if name in ("linalg.inv", "linalg.slogdet"):
            raise RuntimeError(f"{name}: Low precision dtypes not supported. Got "
                               f"{scalar_name(A.dtype)}")
        raise NotImplementedError(f'"{name}" not implemented for \'{scalar_name(A.dtype)}\'; '
                                  f"convert with .float()")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def check_same_dtype(name: str, A, B) -> None:
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of "
                           f"type {scalar_name(A.dtype)} and B of type "
                           f"{scalar_name(B.dtype)} instead")


def return_type(name: str, fields: tuple):
    """A tuple subclass like torch.return_types.<name> (fields by name and by position)."""
    def __new__(cls, *vals):
        return tuple.__new__(cls, vals)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    ns = {"__new__": __new__, "__repr__": __repr__, "__slots__": (),
          "_fields": fields}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), ns)


def supports_out(fn):
    """Wrap `fn` so that `out=` receives the result (a tensor, or one tensor per field of a
    tuple result), as PyTorch's out= arguments do."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        res = fn(*args, **kwargs)
        if out is None:
            return res
        from .._ops.elementwise import _out
        if isinstance(res, tuple):
            if not isinstance(out, (tuple, list)) or len(out) != len(res):
                raise TypeError(f"{fn.__name__}(): argument 'out' must be tuple of "
                                f"{len(res)} Tensors")
            written = [_out(r, o) for r, o in zip(res, out)]
            return type(res)(*written) if hasattr(res, "_fields") else tuple(written)
        if not isinstance(out, Tensor):
            raise TypeError(f"{fn.__name__}(): argument 'out' must be Tensor, not "
                            f"{type(out).__name__}")
        return _out(res, out)
    return wrapper


def wrap_out_functions(namespace: dict, names) -> None:
    """Apply `supports_out` to each function of `names` in `namespace` that takes `out`."""
    import inspect
    for n in names:
        fn = namespace.get(n)
        if callable(fn) and not isinstance(fn, type):
            try:
                params = inspect.signature(fn).parameters
            except (TypeError, ValueError):
                continue
            if "out" in params:
                namespace[n] = supports_out(fn)
