"""Primitives of torch.special: forward on arrays (SciPy's special functions where NumPy has
none; SciPy is the optional extra 'scipy', imported on first use), backward in tocha ops."""
from __future__ import annotations

import math
import re

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._util import as_float, prim, sum_to, to_tensor


def sp():
    """scipy.special, or an ImportError saying how to get it."""
    try:
        import scipy.special
    except ImportError as e:     # pragma: no cover - exercised only without the extra
        raise ImportError("torch.special functions beyond NumPy need SciPy: pip install "
                          "'tocha[scipy]' (or pip install scipy)") from e
    return scipy.special


def _f64(fn):
    """fn evaluated in float64 and rounded once to the input's dtype."""
    def g(x, *a):
        return np.asarray(fn(np.asarray(x, np.float64), *a)).astype(x.dtype, copy=False)
    return g


class _Unary(prim):
    """x -> fwd(x); subclasses set `fwd` (arrays) and `grad(g, x, y)` (tensors), or only
    `name` (no derivative: backward raises PyTorch's error). forward/backward are the
    staticmethods every primitive has, built per subclass."""

    fwd = None
    grad = None
    name = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        def forward(ctx, x, *consts):
            y = cls.fwd(x, *consts)
            ctx.save_for_backward(x, y)
            ctx.consts = consts
            return y

        def backward(ctx, g):
            x, y = ctx.saved_tensors
            if cls.grad is None:
                raise RuntimeError(f"the derivative for '{cls.name}' is not implemented.")
            return (cls.grad(g, x, y, *ctx.consts),) + (None,) * len(ctx.consts)

        cls.forward = staticmethod(forward)
        cls.backward = staticmethod(backward)


# PyTorch's grad_fn names (the rest are Special<Name>Backward0)
_NODE = {"Gammaln": "LgammaBackward0", "Digamma": "DigammaBackward0", "Erfc": "ErfcBackward0",
         "Erfinv": "ErfinvBackward0", "I0": "I0Backward0", "Sinc": "SincBackward0",
         "I0e": "SpecialI0EBackward0", "I1e": "SpecialI1EBackward0",
         "Xlog1py": "SpecialXlog1PyBackward0", "Gammainc": "IgammaBackward0",
         "Gammaincc": "IgammacBackward0"}


def _unary(name, fwd, grad=None, torch_name=None):
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()    # BesselJ0 -> bessel_j0
    ns = {"fwd": staticmethod(fwd), "name": torch_name or f"special_{snake}"}
    if grad is not None:
        ns["grad"] = staticmethod(grad)
    ns["node_name"] = _NODE.get(name, f"Special{name}Backward0")
    cls = type(name, (_Unary,), ns)

    def op(input: Tensor, *consts, out=None) -> Tensor:
        return cls.apply(as_float(to_tensor(input)), *consts)
    op.prim = cls
    return op


_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)


def _lazy(name):
    return _f64(lambda x, *a: getattr(sp(), name)(*a, x) if a else getattr(sp(), name)(x))


def _where0(cond, a, b):
    from .elementwise import where
    return where(cond, a, b)


def _gammaln_np(x):
    # lgamma(-inf) is +inf (C's lgamma, PyTorch); SciPy's gammaln gives -inf
    return np.where(x == -np.inf, np.inf, sp().gammaln(x))


gammaln = _unary("Gammaln", _f64(_gammaln_np), lambda g, x, y: g * digamma(x),
                 "lgamma")
digamma = _unary("Digamma", _lazy("psi"), lambda g, x, y: g * polygamma(1, x))


class Polygamma(_Unary):
    name = "polygamma"
    node_name = "PolygammaBackward0"

    @staticmethod
    def fwd(x, n):
        return _f64(lambda v: sp().polygamma(n, v))(x)

    @staticmethod
    def grad(g, x, y, n):
        return g * polygamma(n + 1, x)


def polygamma(n: int, input: Tensor) -> Tensor:
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    return Polygamma.apply(as_float(to_tensor(input)), int(n))


erfc = _unary("Erfc", _lazy("erfc"), lambda g, x, y: g * (-(-x * x).exp() * (2 / _SQRT_PI)))
def _erfinv_np(x):
    return np.where(x == 0, x, sp().erfinv(x))      # erfinv(-0.0) is -0.0 (PyTorch's)


erfinv = _unary("Erfinv", _f64(_erfinv_np), lambda g, x, y: g * ((y * y).exp() * (_SQRT_PI / 2)))
erfcx = _unary("Erfcx", _lazy("erfcx"), lambda g, x, y: g * (2 * x * y - 2 / _SQRT_PI))
ndtr = _unary("Ndtr", _lazy("ndtr"), lambda g, x, y: g * ((-0.5 * x * x).exp() / _SQRT_2PI))
ndtri = _unary("Ndtri", _lazy("ndtri"), lambda g, x, y: g * ((0.5 * y * y).exp() * _SQRT_2PI))
log_ndtr = _unary("LogNdtr", _lazy("log_ndtr"),
                  lambda g, x, y: g * ((-0.5 * x * x - y).exp() / _SQRT_2PI))
i0 = _unary("I0", _lazy("i0"), lambda g, x, y: g * i1(x))
i0e = _unary("I0e", _lazy("i0e"), lambda g, x, y: g * (i1e(x) - x.sign() * y))
i1 = _unary("I1", _lazy("i1"), lambda g, x, y: g * _where0(
    x == 0, x * 0 + 0.5, i0(x) - y / _where0(x == 0, x * 0 + 1, x)))
i1e = _unary("I1e", _lazy("i1e"), lambda g, x, y: g * _where0(
    x == 0, x * 0 + 0.5, i0e(x) - y * (x.sign() + 1 / _where0(x == 0, x * 0 + 1, x))))


def _sinc_grad(g, x, y):
    # PyTorch's g (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 where pi x^2 is 0: the branch
    # not taken still enters a double backward (NaN at 0, as PyTorch's)
    xp = x * math.pi
    sq = x * x * math.pi
    out = g * (xp * xp.cos() - xp.sin()) / sq
    return _where0(sq == 0, sq * 0, out)


sinc = _unary("Sinc", _f64(np.sinc), _sinc_grad)


def _entr_np(x):
    with np.errstate(all="ignore"):
        r = -x * np.log(np.where(x > 0, x, 1))
    return np.where(x > 0, r, np.where(x == 0, 0.0, np.where(np.isnan(x), x, -np.inf)))


# PyTorch's gradient -(1 + log x) everywhere: inf at 0, NaN below 0 (where entr is -inf)
entr = _unary("Entr", _f64(_entr_np), lambda g, x, y: g * -(x.log() + 1))

bessel_j0 = _unary("BesselJ0", _lazy("j0"))
bessel_j1 = _unary("BesselJ1", _lazy("j1"))
bessel_y0 = _unary("BesselY0", _lazy("y0"))
bessel_y1 = _unary("BesselY1", _lazy("y1"))
modified_bessel_i0 = _unary("ModifiedBesselI0", _lazy("i0"))
modified_bessel_i1 = _unary("ModifiedBesselI1", _lazy("i1"))
modified_bessel_k0 = _unary("ModifiedBesselK0", _lazy("k0"))
modified_bessel_k1 = _unary("ModifiedBesselK1", _lazy("k1"))
scaled_modified_bessel_k0 = _unary("ScaledModifiedBesselK0", _lazy("k0e"))
scaled_modified_bessel_k1 = _unary("ScaledModifiedBesselK1", _lazy("k1e"))
airy_ai = _unary("AiryAi", _f64(lambda x: sp().airy(x)[0]))
spherical_bessel_j0 = _unary("SphericalBesselJ0", _f64(
    lambda x: np.where(x == 0, 1.0, np.where(np.isinf(x), 0.0,
                                             np.sin(x) / np.where(x == 0, 1.0, x)))))


def _operands(a, b):
    """Two tensors of the promoted floating dtype (Python numbers adopt the tensor's)."""
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("expected at least one Tensor argument")
    a = to_tensor(a, b if isinstance(b, Tensor) else None)
    b = to_tensor(b, a)
    dt = D.result_type(a, b)
    if dt._kind < 2:
        dt = D.get_default_dtype()
    return a.to(dt), b.to(dt)


class _Binary(prim):
    """(a, b) -> fwd(a, b) with broadcasting; subclasses set `fwd` and `grads`."""

    fwd = None
    grads = None
    name = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        def forward(ctx, a, b):
            y = cls.fwd(a, b)
            ctx.save_for_backward(a, b, y)
            return y

        def backward(ctx, g):
            a, b, y = ctx.saved_tensors
            ga, gb = cls.grads(g, a, b, y, ctx.needs_input_grad)
            return (sum_to(ga, a.shape) if ga is not None else None,
                    sum_to(gb, b.shape) if gb is not None else None)

        cls.forward = staticmethod(forward)
        cls.backward = staticmethod(backward)


def _binary(name, fwd, grads, torch_name):
    cls = type(name, (_Binary,), {"fwd": staticmethod(_f64b(fwd)),
                                  "grads": staticmethod(grads), "name": torch_name,
                                  "node_name": _NODE.get(name, f"Special{name}Backward0")})

    def op(input, other, *, out=None) -> Tensor:
        return cls.apply(*_operands(input, other))
    op.prim = cls
    return op


def _f64b(fn):
    def g(a, b):
        r = fn(np.asarray(a, np.float64), np.asarray(b, np.float64))
        return np.asarray(r).astype(np.result_type(a.dtype, b.dtype), copy=False)
    return g


def _not_impl(name, which):
    raise NotImplementedError(f"the derivative for '{name}' with respect to `{which}` is not "
                              f"implemented.")


def _xlog1py_np(x, y):
    with np.errstate(all="ignore"):
        r = x * np.log1p(y)
    return np.where((x == 0) & ~np.isnan(y), 0.0, r)


def _xlog1py_grads(g, x, y, out, need):
    # PyTorch's xlog1py(g, y), 0 only where x is 0 and log1p(y) is not finite
    ga = xlog1py(g, y).masked_fill((x == 0) & (y <= -1), 0.0) if need[0] else None
    gb = g * x / (y + 1) if need[1] else None
    return ga, gb


xlog1py = _binary("Xlog1py", _xlog1py_np, _xlog1py_grads, "special_xlog1py")


def _gammainc_grads(sign):
    def grads(g, a, x, out, need):
        if need[0]:
            _not_impl("igamma" if sign > 0 else "igammac", "input")
        d = (-x + (a - 1) * x.log() - gammaln(a)).exp()
        return None, g * d * sign
    return grads


gammainc = _binary("Gammainc", lambda a, x: sp().gammainc(a, x), _gammainc_grads(1.0),
                   "igamma")
gammaincc = _binary("Gammaincc", lambda a, x: sp().gammaincc(a, x), _gammainc_grads(-1.0),
                    "igammac")


def _zeta_grads(g, x, q, out, need):
    if need[0]:
        _not_impl("zeta", "self")
    return None, g * -x * zeta(x + 1, q)


zeta = _binary("Zeta", lambda x, q: sp().zeta(x, q), _zeta_grads, "special_zeta")


# ---------------------------------------------------------------- orthogonal polynomials
# Three-term recurrences in float64, element by element up to each element's degree n
# (n < 0 gives 0, as PyTorch). PyTorch has no derivatives for these.

def _recurrence(first, step):
    def fwd(x, n):
        n = np.trunc(n).astype(np.int64) if n.dtype.kind == "f" else n.astype(np.int64)
        x, n = np.broadcast_arrays(x, n)
        p0 = np.ones_like(x)
        p1 = first(x)
        out = np.where(n == 0, p0, np.where(n == 1, p1, 0.0))
        top = int(n.max()) if n.size else 0
        for k in range(1, top):
            p0, p1 = p1, step(x, k, p1, p0)
            out = np.where(n == k + 1, p1, out)
        return np.where(n < 0, 0.0, out)
    return fwd


def _no_grads(name):
    def grads(g, a, b, out, need):
        raise RuntimeError(f"the derivative for '{name}' is not implemented.")
    return grads


_POLY = {
    "chebyshev_polynomial_t": (lambda x: x, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_u": (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_v": (lambda x: 2 * x - 1, lambda x, k, p, q: 2 * x * p - q),
    "chebyshev_polynomial_w": (lambda x: 2 * x + 1, lambda x, k, p, q: 2 * x * p - q),
    "hermite_polynomial_h": (lambda x: 2 * x, lambda x, k, p, q: 2 * x * p - 2 * k * q),
    "hermite_polynomial_he": (lambda x: x, lambda x, k, p, q: x * p - k * q),
    "laguerre_polynomial_l": (lambda x: 1 - x,
                              lambda x, k, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    "legendre_polynomial_p": (lambda x: x,
                              lambda x, k, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}


def _poly_op(name, first, step):
    fwd = _recurrence(first, step)
    cls = type(name, (_Binary,), {"fwd": staticmethod(_f64b(fwd)),
                                  "grads": staticmethod(_no_grads(name)), "name": name})

    def op(input, n, *, out=None) -> Tensor:
        x = input if isinstance(input, Tensor) else to_tensor(float(input))
        nt = n if isinstance(n, Tensor) else to_tensor(n, x)
        dt = D.result_type(x, nt)
        dt = dt if dt._kind == 2 else D.get_default_dtype()
        return cls.apply(x.to(dt), nt.to(dt))
    op.__name__ = name
    return op


def _shifted(first, step):
    """The same recurrence at 2x - 1 (the shifted Chebyshev polynomials on [0, 1])."""
    return (lambda x: first(2 * x - 1)), (lambda x, k, p, q: step(2 * x - 1, k, p, q))


for _name, (_first, _step) in _POLY.items():
    globals()[_name] = _poly_op(_name, _first, _step)
    if _name.startswith("chebyshev"):
        globals()["shifted_" + _name] = _poly_op("shifted_" + _name, *_shifted(_first, _step))
