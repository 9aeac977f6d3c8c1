"""Complex tensors: building them (`complex`, `polar`), viewing them as real pairs
(`view_as_real`, `view_as_complex`, `real`, `imag`) and their conjugate (`conj`, ...).

Gradients follow PyTorch's convention: the gradient of a real loss L with respect to a complex
z = x + iy is dL/dx + i dL/dy (the conjugate Wirtinger derivative times 2), so a primitive's
backward multiplies the incoming gradient by the *conjugate* of its local derivative.

Differs from PyTorch: `conj()` is not a lazy view with a conjugate bit. It returns a new tensor
holding the conjugated values, marked so that `is_conj()` answers True as in PyTorch; writing
into it does not write into the original (in PyTorch it does).
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as D
from .._dtype_ext import scalar_name
from .._tensor import Tensor
from ._util import prim

__all__ = ["angle", "complex", "conj", "conj_physical", "conj_physical_", "imag", "is_conj",
           "is_neg", "polar", "real", "resolve_conj", "resolve_neg",
           "view_as_complex", "view_as_complex_copy", "view_as_real", "view_as_real_copy"]

_ndarray = np.ndarray


def _need_tensor(op: str, x) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")


def _pairs_view(z: np.ndarray) -> np.ndarray:
    # the (..., 2) float array sharing z's memory: real parts then imaginary parts
    re = z.real
    return np.lib.stride_tricks.as_strided(re, z.shape + (2,), re.strides + (re.itemsize,),
                                           writeable=z.flags.writeable)


# ---------------------------------------------------------------- building complex tensors

class Complex(prim):
    @staticmethod
    def forward(ctx, re, im):
        out = np.empty(np.broadcast_shapes(re.shape, im.shape),
                       np.result_type(re.dtype, np.complex64))
        out.real, out.imag = re, im
        return out

    @staticmethod
    def backward(ctx, g):
        return real(g), imag(g)


def complex(real: Tensor, imag: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The complex tensor `real + i * imag` (broadcast; both float16/32/64 of one dtype).

    >>> import tocha
    >>> tocha.complex(tocha.tensor([1., 2.]), tocha.tensor([0.5, -1.]))
    tensor([1.+0.5000j, 2.-1.0000j])
    """
    _need_tensor("complex", real)
    _need_tensor("complex", imag)
    for t in (real, imag):
        if t._dtype not in (D.float32, D.float64, D.float16):
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but "
                               f"got {real._dtype} and {imag._dtype}")
    if real._dtype is not imag._dtype:
        raise RuntimeError(f"Expected object of scalar type {real._dtype} but got scalar type "
                           f"{imag._dtype} for second argument")
    D.check_supported(real._dtype.to_complex(), "complex")
    r = Complex.apply(real, imag)
    return _copy_out(r, out)


def _copy_out(r: Tensor, out: Tensor | None) -> Tensor:
    if out is None:
        return r
    out._data = r._data
    out._dtype = r._dtype
    return out


def polar(abs: Tensor, angle: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The complex tensor `abs * (cos(angle) + i sin(angle))`.

    >>> import tocha, math
    >>> tocha.polar(tocha.tensor([2.]), tocha.tensor([math.pi / 2])).imag
    tensor([2.])
    """
    _need_tensor("polar", abs)
    _need_tensor("polar", angle)
    if abs._dtype is not angle._dtype:
        raise RuntimeError(f"Expected object of scalar type {abs._dtype} but got scalar type "
                           f"{angle._dtype} for second argument")
    if abs._dtype._kind != 2 or abs._dtype.itemsize < 2:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{abs._dtype} and {angle._dtype}")
    return _copy_out(complex(abs * angle.cos(), abs * angle.sin()), out)


# ---------------------------------------------------------------- views as real pairs

class ViewAsReal(prim):
    _view = True

    @staticmethod
    def forward(ctx, z):
        return _pairs_view(z)

    @staticmethod
    def backward(ctx, g):
        return view_as_complex(g.contiguous())


class ViewAsComplex(prim):
    _view = True

    @staticmethod
    def forward(ctx, x):
        cdt = np.complex64 if x.dtype == np.float32 else np.complex128
        return x.view(cdt)[..., 0]

    @staticmethod
    def backward(ctx, g):
        return view_as_real(g)


def view_as_real(input: Tensor) -> Tensor:
    """A real view of a complex tensor: shape (..., 2), the last dim holding (real, imag).

    Writing into the view writes into `input` (they share memory).

    >>> import tocha
    >>> tocha.view_as_real(tocha.tensor([1 + 2j]))
    tensor([[1., 2.]])
    """
    _need_tensor("view_as_real", input)
    if not input._dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return ViewAsReal.apply(input)


def view_as_complex(input: Tensor) -> Tensor:
    """A complex view of a float tensor of shape (..., 2) (pairs of real, imag).

    >>> import tocha
    >>> tocha.view_as_complex(tocha.tensor([[1., 2.]]))
    tensor([1.+2.j])
    """
    _need_tensor("view_as_complex", input)
    if input._dtype not in (D.float32, D.float64):
        raise RuntimeError(f"view_as_complex is only supported for floating point tensors, "
                           f"but got a tensor of scalar type: {input._dtype}")
    a = input._data
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * a.itemsize) for s in a.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if a.__array_interface__["data"][0] % (2 * a.itemsize):
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return ViewAsComplex.apply(input)


def view_as_real_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`view_as_real(input)` as a new tensor (no shared memory)."""
    return _copy_out(view_as_real(input).clone(), out)


def view_as_complex_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`view_as_complex(input)` as a new tensor (no shared memory)."""
    return _copy_out(view_as_complex(input).clone(), out)


class Real(prim):
    _view = True

    @staticmethod
    def forward(ctx, z):
        return z.real

    @staticmethod
    def backward(ctx, g):
        return g.to(D.from_numpy_dtype(g._data.dtype).to_complex())


class Imag(prim):
    _view = True

    @staticmethod
    def forward(ctx, z):
        return z.imag

    @staticmethod
    def backward(ctx, g):
        # d/dy enters the imaginary part of the gradient: i * g
        return complex(g.new_zeros(()).expand_as(g), g)


def real(input: Tensor) -> Tensor:
    """The real parts (a view that can be written into); a real tensor is returned as is.

    >>> import tocha
    >>> tocha.real(tocha.tensor([1 + 2j]))
    tensor([1.])
    """
    _need_tensor("real", input)
    if not input._dtype.is_complex:
        return input
    return Real.apply(input)


def imag(input: Tensor) -> Tensor:
    """The imaginary parts (a view that can be written into); only for complex tensors.

    >>> import tocha
    >>> tocha.imag(tocha.tensor([1 + 2j]))
    tensor([2.])
    """
    _need_tensor("imag", input)
    if not input._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)


# ---------------------------------------------------------------- conjugate, angle, sign

class Conj(prim):
    node_name = "ConjBackward0"

    @staticmethod
    def forward(ctx, z):
        return np.conj(z)

    @staticmethod
    def backward(ctx, g):
        return Conj.apply(g)


def conj_physical(input: Tensor) -> Tensor:
    """The complex conjugate, computed into a new tensor; a real tensor is returned as is."""
    _need_tensor("conj_physical", input)
    if not input._dtype.is_complex:
        return input
    return Conj.apply(input)


def conj(input: Tensor) -> Tensor:
    """The complex conjugate (real tensors: `input` itself).

    Differs from PyTorch: not a lazy view, see the module docstring; `is_conj()` is True.

    >>> import tocha
    >>> tocha.tensor([1 + 2j]).conj()
    tensor([1.-2.j])
    """
    _need_tensor("conj", input)
    if not input._dtype.is_complex:
        return input
    r = Conj.apply(input)
    if not is_conj(input):      # conj of a conj: the bit flips back off, as in PyTorch
        r._conj_bit = True
    return r


def conj_physical_(input: Tensor) -> Tensor:
    """In-place complex conjugate (no-op on real tensors)."""
    if input._dtype.is_complex:
        input._inplace(conj_physical)
    return input


def resolve_conj(input: Tensor) -> Tensor:
    """`input` with its conjugate bit resolved: a new tensor if `is_conj()`, else `input`."""
    if not is_conj(input):
        return input
    return input.clone()


def resolve_neg(input: Tensor) -> Tensor:
    """`input` (tocha has no lazy negation bit: nothing to resolve)."""
    return input


def is_conj(input: Tensor) -> bool:
    """True for the result of `conj()` on a complex tensor (PyTorch's conjugate bit).

    Differs from PyTorch: views of that result (slices, `view`, `detach`) do not carry the
    bit, where PyTorch's do."""
    return input.__dict__.get("_conj_bit", False)


def is_neg(input: Tensor) -> bool:
    """False: tocha has no lazy negation bit."""
    return False


class Angle(prim):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        if z.dtype.kind == "c":
            return np.angle(z)
        # PyTorch: pi for negative reals, 0 otherwise, NaN kept
        return np.where(z < 0, np.pi, np.where(np.isnan(z), z, 0)).astype(z.dtype)

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        if not z._dtype.is_complex:
            return g.new_zeros(()).expand_as(z)
        den = (z * z.conj()).real
        r = g * z * 1j / den
        return r.masked_fill(den == 0, 0)


def angle(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The argument (phase) of each element, in radians; real inputs give 0 or pi.

    >>> import tocha
    >>> tocha.angle(tocha.tensor([1j, -1.]))
    tensor([1.5708, 3.1416])
    """
    _need_tensor("angle", input)
    x = input
    if x._dtype._kind < 2:
        x = x.to(D.get_default_dtype())
    return _copy_out(Angle.apply(x), out)


class Sgn(prim):
    node_name = "SgnBackward0"

    @staticmethod
    def forward(ctx, z):
        a = np.abs(z)
        out = np.where(a == 0, 0, z / np.where(a == 0, 1, a)).astype(z.dtype)
        ctx.save_for_backward(z, out)
        return out

    @staticmethod
    def backward(ctx, g):
        z, s = ctx.saved_tensors
        a = z.abs()
        r = (g - s * (g * s.conj()).real) / a
        return r.masked_fill(a == 0, 0)


def _sgn_complex(input: Tensor) -> Tensor:
    """z / |z| for complex tensors (0 where z is 0): PyTorch's `sgn`."""
    return Sgn.apply(input)


# ---------------------------------------------------------------- Tensor methods

def _method_cfloat(self: Tensor, memory_format: object = None) -> Tensor:
    return self.to(D.complex64)


def _method_cdouble(self: Tensor, memory_format: object = None) -> Tensor:
    return self.to(D.complex128)


def _method_chalf(self: Tensor, memory_format: object = None) -> Tensor:
    return self.to(D.complex32)


def _method_adjoint(self: Tensor) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self._data.ndim}-D tensor.")
    return conj(self.transpose(-2, -1))


def _method_abs_(self: Tensor) -> Tensor:
    refuse("abs_", self)
    from .unary import abs as _abs
    return self._inplace(_abs)


def _method_isreal(self: Tensor) -> Tensor:
    from .._torch_extra import isreal
    return isreal(self)


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (`input.mH`).

    >>> import tocha
    >>> tocha.adjoint(tocha.tensor([[1j, 2.]]))
    tensor([[0.-1.j],
            [2.-0.j]])
    """
    _need_tensor("adjoint", input)
    return conj(input.transpose(-2, -1))


def cj(v):
    """The conjugate of a complex operand (a Tensor or a Python number), else `v` itself.

    Backward formulas call it on their saved operands when the gradient is complex: PyTorch's
    gradient of a holomorphic op is the incoming gradient times the *conjugate* derivative,
    and for derivatives with real coefficients that is the derivative at the conjugates."""
    if isinstance(v, Tensor):
        return Conj.apply(v) if v._dtype.is_complex else v
    if v.__class__ is builtins.complex or isinstance(v, np.complexfloating):
        return v.conjugate()
    return v


# ---------------------------------------------------------------- ops PyTorch refuses

_NI, _RT = NotImplementedError, RuntimeError
_REFUSED = {
    "lt": (_NI, '"lt_cpu" not implemented for {t}'),
    "le": (_NI, '"le_cpu" not implemented for {t}'),
    "gt": (_NI, '"gt_cpu" not implemented for {t}'),
    "ge": (_NI, '"ge_cpu" not implemented for {t}'),
    "max": (_NI, '"max_all" not implemented for {t}'),
    "min": (_NI, '"min_all" not implemented for {t}'),
    "max_dim": (_RT, "max(): does not support complex input"),
    "min_dim": (_RT, "min(): does not support complex input"),
    "amax": (_NI, '"max_values_cpu" not implemented for {t}'),
    "amin": (_NI, '"min_values_cpu" not implemented for {t}'),
    "argmax": (_RT, "argmax(): does not support complex input"),
    "argmin": (_RT, "argmin(): does not support complex input"),
    "clamp": (_NI, "clamp is not supported for complex types"),
    "maximum": (_RT, "maximum not implemented for complex tensors."),
    "minimum": (_RT, "minimum not implemented for complex tensors."),
    "fmax": (_RT, "fmax not implemented for complex tensors."),
    "fmin": (_RT, "fmin not implemented for complex tensors."),
    "sort": (_RT, " Sort does not support complex dtypes on CPU"),
    "topk": (_RT, " topk does not support complex dtypes on CPU"),
    "kthvalue": (_NI, '"kthvalue_cpu" not implemented for {t}'),
    "median": (_NI, '"median_cpu" not implemented for {t}'),
    "sign": (_NI, ("Unlike NumPy, torch.sign is not intended to support complex numbers. "
                   "Please use torch.sgn instead.")),
    "floor": (_NI, "floor is not supported for complex inputs"),
    "ceil": (_NI, "ceil is not supported for complex inputs"),
    "trunc": (_NI, "trunc is not supported for complex inputs"),
    "round": (_NI, '"round_vml_cpu" not implemented for {t}'),
    "frac": (_NI, '"frac_cpu" not implemented for {t}'),
    "atan2": (_NI, '"atan2_cpu" not implemented for {t}'),
    "remainder": (_NI, '"remainder_cpu" not implemented for {t}'),
    "fmod": (_NI, '"fmod_cpu" not implemented for {t}'),
    "floor_divide": (_NI, '"div_floor_cpu" not implemented for {t}'),
    "softmax": (_NI, '"softmax_kernel_impl" not implemented for {t}'),
    "softmax_last": (_NI, '"softmax_lastdim_kernel_impl" not implemented for {t}'),
    "log_softmax": (_NI, '"log_softmax_kernel_impl" not implemented for {t}'),
    "log_softmax_last": (_NI, '"log_softmax_lastdim_kernel_impl" not implemented for {t}'),
    "unique": (_NI, '"unique" not implemented for {t}'),
    "abs_": (_RT, "In-place abs is not supported for complex tensors."),
    "max_pool": (_NI, '"max_pool2d" not implemented for {t}'),
    "adaptive_max_pool": (_NI, '"adaptive_max_pool2d" not implemented for {t}'),
    "mse_loss": (_NI, '"mse_cpu" not implemented for {t}'),
    "gelu": (_NI, '"GeluKernelImpl" not implemented for {t}'),
    "layer_norm": (_NI, '"LayerNormKernelImpl" not implemented for {t}'),
}


_C_TYPES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "int64_t",
            "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
            "bool": "bool"}


def real_value(v, dtype):
    """A Python complex `v` going into a real tensor of `dtype`: its real part when the
    imaginary part is 0, else PyTorch's RuntimeError (never a silent loss of the part)."""
    if dtype.is_complex or not isinstance(v, builtins.complex):
        return v
    if v.imag != 0:
        raise RuntimeError(f"value cannot be converted to type "
                           f"{_C_TYPES.get(dtype.name, dtype.name)} without overflow")
    return v.real


def refuse(op: str, *xs) -> None:
    """Raise PyTorch's error for `op` if one of `xs` is a complex tensor (ops on ordered
    values -- comparisons, max, clamp, sort, floor, ... -- have no meaning on complex)."""
    for x in xs:
        if isinstance(x, Tensor) and x._dtype.is_complex:
            exc, msg = _REFUSED[op]
            raise exc(msg.format(t=f"'{scalar_name(x._dtype)}'"))
