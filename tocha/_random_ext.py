"""More in-place samplers (issue 8): `Tensor.cauchy_`, `Tensor.geometric_`,
`Tensor.log_normal_`, drawing from the generator exactly as PyTorch 2.13's CPU kernels do
(one element at a time, in memory order; see docs/rng.md section 8):

* cauchy_(median, sigma): u = u53(); median + sigma * tan(pi * (u - 0.5))   (float64)
* geometric_(p):          u = u53(); ceil(log(u) / log1p(-p))                (float64)
* log_normal_(mean, std): exp(z * std + mean), z from the scalar Box-Muller path with the
  generator's cached spare (rng.md 6.2)

then cast to self's dtype. Python's `math` functions are the C library's, as PyTorch's.
"""
from __future__ import annotations

import math

import numpy as np

from . import _random_api as _A
from ._dtype_ext import scalar_name
from ._random_engine import Generator
from ._tensor import Tensor

__all__ = ["cauchy_", "geometric_", "log_normal_"]

_NODES = {k: _A._random_fill_node(v) for k, v in {
    "cauchy_": "CauchyBackward0", "geometric_": "GeometricBackward0",
    "log_normal_": "LogNormalBackward0"}.items()}
_INT_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _fill_(self: Tensor, op: str, draw) -> Tensor:
    """Write `draw(n)` (float64 values in memory order) into self, autograd-aware."""
    def d(shape, _contiguous):
        n = math.prod(shape)
        return np.asarray(draw(n), np.float64).reshape(shape).astype(self._data.dtype)
    if self._check_inplace(False):
        vals = np.empty_like(self._data, order="K")
        _A._fill(vals, d)
        return self._inplace(_NODES[op].apply, vals)
    _A._fill(self._data, d)
    self._bump()
    return self


def _continuous(self: Tensor, what: str) -> None:
    if not self._dtype.is_floating_point:
        raise RuntimeError(f"{what} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_INT_NAMES.get(self._dtype.name, self._dtype.name)}")


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with Cauchy samples (location `median`, scale `sigma`).

    >>> import tocha
    >>> _ = tocha.manual_seed(0)
    >>> tocha.empty(2).cauchy_().shape
    torch.Size([2])
    """
    _continuous(self, "Cauchy")
    median, sigma = float(median), float(sigma)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    g = _A._gen(generator, "cauchy_")
    tan, pi = math.tan, math.pi
    return _fill_(self, "cauchy_",
                  lambda n: [median + sigma * tan(pi * (u - 0.5)) for u in g.u53_list(n)])


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with geometric samples: the number of Bernoulli(p) trials up to the first
    success (1, 2, ...)."""
    p = float(p)
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    g = _A._gen(generator, "geometric_")
    log, q = math.log, math.log1p(-p)
    return _fill_(self, "geometric_", lambda n: [math.ceil(log(u) / q) if u > 0 else math.inf
                                                 for u in g.u53_list(n)])


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Generator | None = None) -> Tensor:
    """Fill with samples whose logarithm is normal(mean, std)."""
    if not self._dtype.is_floating_point:
        raise NotImplementedError(f"\"log_normal_cpu\" not implemented for "
                                  f"'{scalar_name(self._dtype)}'")
    mean, std = float(mean), float(std)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    g = _A._gen(generator, "log_normal_")
    from ._random_normal import _scalar_path
    exp = math.exp
    return _fill_(self, "log_normal_",
                  lambda n: [exp(z) for z in _scalar_path(n, mean, std, g)] if n else [])
