"""Where each Tensor method that an op module implements comes from.

`Tensor` (tocha/_tensor.py) inherits these mixins. Each one lists, by name, the functions of
one module that are also Tensor methods: `x.exp()` is `tocha._ops.elementwise.exp(x)`,
`x.sum()` is `tocha._ops.reduce.sum(x)`, `a + b` is `tocha._ops.operators.add(a, b)`.

Why not import the functions here: the op modules import `tocha._tensor` (they build
Tensors), so they cannot be imported before the Tensor class exists. A `_Delegate` looks its
function up on first use and then puts the function itself in its place, so later calls cost
exactly what a method defined in the class body costs.
"""
from __future__ import annotations

import importlib

_ELEMENTWISE = "tocha._ops.elementwise"
_REDUCE = "tocha._ops.reduce"
_MOVEMENT = "tocha._ops.movement"
_INDEXING = "tocha._ops.indexing"
_LINALG = "tocha._ops.linalg"
_OPS = "tocha._ops.operators"
_RANDOM = "tocha._random_api"
_ENGINE = "tocha.autograd.engine"
_SPECIAL = "tocha._linalg_special_api"


class _Delegate:
    """A method that is `module.func` (bound on first use, see the module docstring).
    `inplace`: the method is `func` computed out of place and written back into self."""

    __slots__ = ("func", "inplace", "module", "name", "owner")

    def __init__(self, module: str, func: str | None = None, inplace: bool = False) -> None:
        self.module, self.func, self.inplace = module, func, inplace
        self.name = self.owner = None

    def __set_name__(self, owner, name: str) -> None:
        self.owner, self.name = owner, name
        if self.func is None:
            self.func = name[:-1] if self.inplace else name

    def __get__(self, obj, objtype=None):
        try:
            fn = getattr(importlib.import_module(self.module), self.func)
        except (ImportError, AttributeError):    # so that hasattr(x, name) is just False
            raise AttributeError(f"'Tensor' object has no attribute '{self.name}'") from None
        if self.inplace:
            fn = _inplace_method(fn, self.name)
        setattr(self.owner, self.name, fn)      # from now on, the plain function
        get = getattr(type(fn), "__get__", None)
        return fn if get is None else get(fn, obj, objtype)


def _inplace_method(fn, name: str):
    def method(self, *args, **kwargs):
        return self._inplace(fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place `{fn.__name__}`: the result is written into self."
    return method


def _delegating(module: str, names: str, inplace: str = ""):
    """Class decorator: the listed `names` become methods delegating to `module`; each of
    `inplace` becomes `name_`, the in-place form of `module.name`."""
    def decorate(cls):
        for name in names.split():
            _add(cls, name, _Delegate(module))
        for name in inplace.split():
            _add(cls, name + "_", _Delegate(module, name, inplace=True))
        return cls
    return decorate


def _add(cls, name: str, d: _Delegate) -> None:
    setattr(cls, name, d)
    d.__set_name__(cls, name)


@_delegating(_ELEMENTWISE, """
    add sub mul div true_divide divide multiply subtract neg negative pow float_power square
    exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan sinh cosh tanh
    asinh acosh atanh arcsin arccos arctan arcsinh arccosh arctanh reciprocal sigmoid erf relu
    abs absolute sign sgn floor ceil trunc fix round frac clamp clip clamp_min clamp_max
    maximum minimum fmax fmin lerp addcmul addcdiv atan2 arctan2 nan_to_num clone eq ne lt le
    gt ge greater greater_equal less less_equal not_equal equal logical_and logical_or
    logical_xor logical_not bitwise_and bitwise_or bitwise_xor bitwise_not isnan isinf
    isfinite isposinf isneginf isclose allclose floor_divide remainder fmod rsub positive
    logaddexp hypot deg2rad rad2deg logit xlogy signbit""", inplace="""
    pow exp log sqrt rsqrt sin cos tan sigmoid tanh relu abs neg sign floor ceil trunc round
    frac clamp clip clamp_min clamp_max reciprocal lerp addcmul addcdiv log1p expm1 exp2 log2
    log10 atan asin acos sinh cosh atan2 fmod remainder floor_divide square nan_to_num erf
    logical_not logical_and logical_or logit hypot xlogy deg2rad rad2deg""")
class ElementwiseMethods:
    """Elementwise math (tocha/_ops/elementwise.py): `x.exp()` is `tocha.exp(x)`."""

    __slots__ = ()


@_delegating(_REDUCE, """
    sum mean prod cumsum cumprod max min amax amin argmax argmin aminmax var std norm
    logsumexp softmax log_softmax all any count_nonzero median nanmean nansum""")
class ReduceMethods:
    """Reductions (tocha/_ops/reduce.py): `x.sum(0)` is `tocha.sum(x, 0)`."""

    __slots__ = ()


@_delegating(_MOVEMENT, """
    view reshape view_as reshape_as flatten unflatten ravel expand expand_as broadcast_to
    permute transpose swapaxes swapdims t movedim moveaxis squeeze unsqueeze split chunk
    unbind narrow flip fliplr flipud roll repeat tile repeat_interleave tril triu contiguous
    select diagonal trace diag tensor_split rot90 diff""", inplace="tril triu")
class MovementMethods:
    """Shape and layout (tocha/_ops/movement.py): `x.view(2, 3)`; `x.T` and `x.mT`."""

    __slots__ = ()

    as_strided = _Delegate(_MOVEMENT, "as_strided")
    unfold = _Delegate(_MOVEMENT, "_unfold")
    T = _Delegate(_MOVEMENT, "_T")
    mT = _Delegate(_MOVEMENT, "_mT")
    H = _Delegate(_MOVEMENT, "_T")


@_delegating(_INDEXING, """
    gather scatter scatter_add index_select masked_fill masked_select take take_along_dim
    nonzero argwhere sort argsort msort topk kthvalue unique unique_consecutive bincount
    index_put index_add index_copy index_fill""", inplace="""
    masked_fill scatter scatter_add index_put index_add index_copy index_fill""")
class IndexingMethods:
    """Indexing (tocha/_ops/indexing.py): `x[i]` is `indexing.getitem(x, i)`."""

    __slots__ = ()

    __getitem__ = _Delegate(_INDEXING, "getitem")


@_delegating(_LINALG, "matmul mm bmm mv dot inner outer ger addmm addmv baddbmm vdot")
class LinalgMethods:
    """Products (tocha/_ops/linalg.py): `a.matmul(b)` is `tocha.matmul(a, b)`."""

    __slots__ = ()


class OperatorMethods:
    """Python's operators (tocha/_ops/operators.py): `a + b` is `operators.add(a, b)`."""

    __slots__ = ()

    __add__ = _Delegate(_OPS, "add")
    __radd__ = _Delegate(_OPS, "add")
    __sub__ = _Delegate(_OPS, "sub")
    __rsub__ = _Delegate(_OPS, "rsub")
    __mul__ = _Delegate(_OPS, "mul")
    __rmul__ = _Delegate(_OPS, "mul")
    __truediv__ = _Delegate(_OPS, "truediv")
    __rtruediv__ = _Delegate(_OPS, "rtruediv")
    __floordiv__ = _Delegate(_OPS, "floordiv")
    __rfloordiv__ = _Delegate(_OPS, "rfloordiv")
    __mod__ = _Delegate(_OPS, "mod")
    __rmod__ = _Delegate(_OPS, "rmod")
    __pow__ = _Delegate(_OPS, "pow")
    __rpow__ = _Delegate(_OPS, "rpow")
    __matmul__ = _Delegate(_OPS, "matmul")
    __rmatmul__ = _Delegate(_OPS, "rmatmul")
    __iadd__ = _Delegate(_OPS, "iadd")
    __isub__ = _Delegate(_OPS, "isub")
    __imul__ = _Delegate(_OPS, "imul")
    __itruediv__ = _Delegate(_OPS, "itruediv")
    __ipow__ = _Delegate(_OPS, "ipow")
    __neg__ = _Delegate(_ELEMENTWISE, "neg")
    __pos__ = _Delegate(_OPS, "pos")
    __abs__ = _Delegate(_ELEMENTWISE, "abs")
    __invert__ = _Delegate(_OPS, "invert")
    __and__ = _Delegate(_OPS, "and_")
    __or__ = _Delegate(_OPS, "or_")
    __xor__ = _Delegate(_OPS, "xor")
    __rand__ = _Delegate(_OPS, "rand_")
    __ror__ = _Delegate(_OPS, "ror")
    __lshift__ = _Delegate(_OPS, "lshift")
    __rshift__ = _Delegate(_OPS, "rshift")
    __rlshift__ = _Delegate(_OPS, "rlshift")
    __rrshift__ = _Delegate(_OPS, "rrshift")
    __ilshift__ = _Delegate(_OPS, "ilshift")
    __irshift__ = _Delegate(_OPS, "irshift")
    __eq__ = _Delegate(_OPS, "eq")
    __ne__ = _Delegate(_OPS, "ne")
    __lt__ = _Delegate(_OPS, "lt")
    __le__ = _Delegate(_OPS, "le")
    __gt__ = _Delegate(_OPS, "gt")
    __ge__ = _Delegate(_OPS, "ge")
    add_ = _Delegate(_OPS, "add_")
    sub_ = _Delegate(_OPS, "sub_")
    mul_ = _Delegate(_OPS, "mul_")
    div_ = _Delegate(_OPS, "div_")
    where = _Delegate(_OPS, "where")


@_delegating(_SPECIAL, """
    lgamma digamma erfinv erfc i0 sinc det logdet slogdet inverse pinverse cholesky
    cholesky_solve cholesky_inverse svd qr lu lu_solve matrix_power matrix_exp cross
    triangular_solve igamma igammac""", inplace="lgamma digamma erfinv erfc i0 sinc igamma igammac")
class SpecialMethods:
    """Special functions and linear algebra (tocha/_linalg_special_api.py, from branch
    w-breadth): `x.lgamma()`, `x.inverse()`, ..."""

    __slots__ = ()
    polygamma = _Delegate(_SPECIAL, "_polygamma_method")
    mvlgamma = _Delegate(_SPECIAL, "_mvlgamma_method")
    polygamma_ = _Delegate(_SPECIAL, "_polygamma_method", inplace=True)
    mvlgamma_ = _Delegate(_SPECIAL, "_mvlgamma_method", inplace=True)
    # Householder QR pieces, histograms, hash (branch w-scipyops)
    geqrf = _Delegate("tocha._ops.linalg_householder", "geqrf")
    orgqr = _Delegate("tocha._ops.linalg_householder", "orgqr")
    ormqr = _Delegate("tocha._ops.linalg_householder", "ormqr")
    histogram = _Delegate("tocha._histogram_io", "histogram")
    hash_tensor = _Delegate("tocha._histogram_io", "hash_tensor")
    histc = _Delegate("tocha._torch_extra", "histc")


class RandomMethods:
    """In-place sampling (tocha/_random_api.py): `x.uniform_()`, `x.normal_()`, ..."""

    __slots__ = ()

    uniform_ = _Delegate(_RANDOM, "_uniform_")
    normal_ = _Delegate(_RANDOM, "_normal_")
    random_ = _Delegate(_RANDOM, "_random_method")
    bernoulli_ = _Delegate(_RANDOM, "_bernoulli_")
    exponential_ = _Delegate(_RANDOM, "_exponential_")
    bernoulli = _Delegate(_RANDOM, "_bernoulli_method")
    multinomial = _Delegate(_RANDOM, "_multinomial_method")


class AutogradMethods:
    """`x.backward()` (tocha/autograd/engine.py): the learner's entry into the engine."""

    __slots__ = ()

    backward = _Delegate(_ENGINE, "tensor_backward")


# ---- issue 8 (w-breadth): more Tensor methods. In-place forms of existing ops go through
# Tensor._inplace (as add_/mul_); torch-level functions are delegated to `tocha.<name>`; the
# rest live in tocha/_ops/inplace_ext.py, tocha/_ops/math_ext.py and tocha/_tensor_ext.py.
_TOCHA = "tocha"
_INPLACE_EXT = "tocha._ops.inplace_ext"
_MATH_EXT = "tocha._ops.math_ext"
_TENSOR_EXT = "tocha._tensor_ext"
_SCATTER_EXT = "tocha._ops.scatter_ext"
_RANDOM_EXT = "tocha._random_ext"
_delegating(_ELEMENTWISE, "", inplace="""
    absolute acosh arccos arccosh arcsin arcsinh arctan arctan2 arctanh asinh atanh
    bitwise_and bitwise_or bitwise_xor bitwise_not fix logical_xor multiply negative subtract
    true_divide divide sgn""")(ElementwiseMethods)
_delegating(_REDUCE, "", inplace="cumsum cumprod")(ReduceMethods)
_delegating(_LINALG, "", inplace="addmm addmv baddbmm")(LinalgMethods)
_delegating(_TOCHA, """
    addbmm addr adjoint bitwise_left_shift bitwise_right_shift copysign corrcoef cov
    diag_embed diagflat diagonal_scatter dist dsplit hsplit vsplit hardshrink heaviside
    is_distributed is_nonzero is_same_size is_signed isreal kron ldexp logaddexp2
    logcumsumexp narrow_copy nonzero_static prelu quantile renorm select_scatter slice_scatter
    split_with_sizes unsafe_chunk unsafe_split unsafe_split_with_sizes""", inplace="""
    addbmm addr bitwise_left_shift bitwise_right_shift copysign heaviside ldexp
    renorm""")(MovementMethods)
_delegating(_INPLACE_EXT, """
    t_ transpose_ swapaxes_ swapdims_ squeeze_ unsqueeze_ as_strided_ resize_ resize_as_
    resize resize_as float_power_ fill_diagonal_ apply_ map_ map2_ eq_ ne_ lt_ le_ gt_ ge_
    greater_ greater_equal_ less_ less_equal_ not_equal_""")(MovementMethods)
_delegating(_TENSOR_EXT, """
    itemsize nbytes output_nr name grad_dtype volatile dim_order new new_empty_strided
    sum_to_size is_inference is_set_to record_stream const_data_ptr as_subclass module_load
    lstsq solve symeig eig reinforce""")(MovementMethods)
_delegating(_MATH_EXT, "gcd lcm nextafter frexp cummax cummin mode nanmedian nanquantile",
            inplace="gcd lcm nextafter")(ReduceMethods)
_delegating(_SCATTER_EXT, "scatter_reduce index_reduce masked_scatter put as_strided_scatter",
            inplace="scatter_reduce index_reduce masked_scatter put")(IndexingMethods)
_delegating(_RANDOM_EXT, "cauchy_ geometric_ log_normal_")(RandomMethods)
# sparse tensors (tocha/sparse/_methods.py; a sparse tensor's own class overrides these)
_delegating("tocha.sparse._methods", """
    to_sparse to_sparse_coo to_sparse_csr to_sparse_csc to_sparse_bsr to_sparse_bsc to_dense
    sparse_mask sparse_dim dense_dim indices values _indices _values _nnz coalesce
    is_coalesced crow_indices col_indices ccol_indices row_indices smm sspaddmm
    sparse_resize_ sparse_resize_and_clear_ resize_as_sparse_""")(LinalgMethods)
LinalgMethods._sparse_layout = False     # True on sparse tensors: mm/matmul dispatch on it

# ---- complex tensors (tocha/_ops/complex.py, branch w-complex) ----
_COMPLEX = "tocha._ops.complex"


def _complex_attr(name: str, doc: str, setter: bool = False) -> property:
    # a property whose value is tocha._ops.complex.<name>(self) (`x.real`, `x.mH`)
    def get(self):
        return getattr(importlib.import_module(_COMPLEX), name)(self)

    def set_(self, value) -> None:
        get(self).copy_(value)
    get.__name__ = name.lstrip("_")
    get.__doc__ = doc
    return property(get, set_ if setter else None)


def _complex_methods(cls):
    for name in ("conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg",
                 "is_conj", "is_neg", "angle"):
        _add(cls, name, _Delegate(_COMPLEX))
    for name in ("cfloat", "cdouble", "chalf", "adjoint", "isreal"):
        _add(cls, name, _Delegate(_COMPLEX, "_method_" + name))
    for name in ("stft", "istft"):
        _add(cls, name, _Delegate("tocha._ops.spectral"))
    _add(cls, "abs_", _Delegate(_COMPLEX, "_method_abs_"))     # (refused on complex)
    _add(cls, "sgn_", _Delegate(_ELEMENTWISE, "sgn", inplace=True))
    _add(cls, "absolute_", _Delegate(_COMPLEX, "_method_abs_"))
    cls.real = _complex_attr("real", "The real parts (a view); see `tocha.real`.", True)
    cls.imag = _complex_attr("imag", "The imaginary parts (a view); see `tocha.imag`.", True)
    cls.mH = _complex_attr("_method_adjoint", "Conjugate transpose of the last two dims.")
    return cls


_complex_methods(ElementwiseMethods)
