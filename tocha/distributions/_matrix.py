"""Distributions over matrices: Wishart and LKJCholesky (samples equal PyTorch's after
manual_seed)."""
from __future__ import annotations

import math
import warnings
from numbers import Number

from .._tensor import Size
from . import constraints
from ._gamma import Beta, Chi2, _digamma, _gammaln
from ._multivariate import _precision_to_scale_tril
from .distribution import Distribution, ExponentialFamily
from .utils import broadcast_all, finfo, lazy_property

_EMPTY = Size()
_LOG_2 = math.log(2)


def _mvlgamma(x, p):
    from ..special import multigammaln
    return multigammaln(x, p)


def _mvdigamma(x, p):
    from .._creation import arange
    return _digamma(x.unsqueeze(-1) - arange(p, dtype=x.dtype) / 2).sum(-1)


def _cholesky_solve(b, L):
    """(L L^T)^{-1} b; the gradient treats L as a full matrix, as PyTorch's cholesky_solve."""
    from ..linalg import solve
    return solve(L @ L.mT, b)


class LKJCholesky(Distribution):
    """LKJ distribution over Cholesky factors of `dim` x `dim` correlation matrices, with
    `concentration` (1: uniform over correlation matrices)."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        from .._creation import arange, zeros
        from .._ops.movement import cat
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = cat([zeros(1, dtype=offset.dtype), offset])
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.shape, Size((dim, dim)),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = Size(tuple(batch_shape))
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=_EMPTY):
        from .._creation import eye
        from .._random_api import randn
        from ..autograd.grad_mode import no_grad
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u = randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype).tril(-1)
            norm = (u * u).sum(-1, keepdim=True).sqrt()
            u = u / norm.masked_fill(norm == 0, 1.0)    # row 0 is all zero
            w = y.sqrt() * u
            diag = (1 - (w ** 2).sum(-1)).clamp(min=finfo(w.dtype).tiny).sqrt()
            return w + diag.unsqueeze(-1) * eye(self.dim, dtype=w.dtype)

    def log_prob(self, value):
        from .._creation import arange
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(0, -1, -2)[..., 1:]
        order = arange(2, self.dim + 1, dtype=value.dtype)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = _gammaln(alpha) * dm1
        numerator = _mvlgamma(alpha - 0.5, dm1)
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized - (pi_constant + numerator - denominator)


class Wishart(ExponentialFamily):
    """Wishart distribution over positive definite matrices with `df` degrees of freedom and
    one of `covariance_matrix`, `precision_matrix`, `scale_tril`."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        from .._creation import tensor
        from .._ops.movement import broadcast_shapes
        given = [p for p in (covariance_matrix, precision_matrix, scale_tril) if p is not None]
        if len(given) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or "
                                 "scale_tril may be specified.")
        param = given[0]
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, Number):
            batch_shape = Size(tuple(param.shape[:-2]))
            self.df = tensor(float(df), dtype=param.dtype)
        else:
            batch_shape = Size(broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape)))
            self.df = df.expand(tuple(batch_shape))
        event_shape = param.shape[-2:]
        if bool(self.df.le(event_shape[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = "
                             f"{event_shape[-1] - 1}.")
        name = ("scale_tril" if scale_tril is not None else "covariance_matrix"
                if covariance_matrix is not None else "precision_matrix")
        setattr(self, name, param.expand(tuple(batch_shape) + (-1, -1)))
        if bool(self.df.lt(event_shape[-1]).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to "
                          "occur for ndim - 1 < df < ndim.", stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            from ..linalg import cholesky
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        self._dist_chi2 = self._chi2(self.df, batch_shape)

    def _chi2(self, df, batch_shape):
        from .._creation import arange
        p = self._event_shape[-1] if hasattr(self, "_event_shape") else None
        p = p or self._unbroadcasted_scale_tril.shape[-1]
        return Chi2(df=df.unsqueeze(-1) - arange(
            p, dtype=self._unbroadcasted_scale_tril.dtype).expand(tuple(batch_shape) + (-1,)))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = Size(tuple(batch_shape))
        cov_shape = tuple(batch_shape) + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(tuple(batch_shape))
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        for n in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if n in self.__dict__:
                setattr(new, n, getattr(self, n).expand(cov_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._dist_chi2 = new._chi2(new.df, batch_shape)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(tuple(self._batch_shape)
                                                     + tuple(self._event_shape))

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(tuple(self._batch_shape) + tuple(self._event_shape))

    @lazy_property
    def precision_matrix(self):
        from .._creation import eye
        L = self._unbroadcasted_scale_tril
        return _cholesky_solve(eye(L.shape[-1], dtype=L.dtype), L).expand(
            tuple(self._batch_shape) + tuple(self._event_shape))

    @property
    def mean(self):
        return self.df.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = factor.masked_fill(factor <= 0, float("nan"))
        return factor.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        d = V.diagonal(0, -2, -1)
        return self.df.view(tuple(self._batch_shape) + (1, 1)) * (
            V.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape):
        from .. import _dtype as D
        from .._creation import eye, ones
        from .._random_api import randn
        p = self._event_shape[-1]
        chi = self._dist_chi2.rsample(sample_shape).sqrt()
        chi = chi.clamp(min=finfo(chi.dtype).eps)
        noise = chi.unsqueeze(-1) * eye(p, dtype=chi.dtype)
        mask = ones(p, p, dtype=D.bool_).tril(-1)
        z = randn(tuple(Size(sample_shape)) + tuple(self._batch_shape) + (p * (p - 1) // 2,),
                  dtype=noise.dtype)
        below = noise * 0
        below[..., mask] = z
        chol = self._unbroadcasted_scale_tril @ (noise + below)
        return chol @ chol.mT

    def _flag(self, sample):
        f = self.support.check(sample)
        if self._batch_shape:
            nb = len(self._batch_shape)
            f = f.reshape(tuple(f.shape[:f.dim() - nb]) + (-1,)).any(-1)
        return f

    def rsample(self, sample_shape=_EMPTY, max_try_correction=None):
        """A sample by Bartlett's decomposition.

        Differs from what one would expect, as PyTorch 2.13 does: PyTorch flags the samples
        that pass `support.check` (the valid ones) as singular, so it warns "Singular sample
        detected." and redraws them once; tocha repeats that so that its values equal
        PyTorch's after manual_seed."""
        sample = self._bartlett_sampling(Size(tuple(sample_shape)))
        flag = self._flag(sample)
        if bool(flag.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(10 if max_try_correction is None else max_try_correction):
                new = self._bartlett_sampling(Size((int(flag.sum()),)))
                sample[flag.clone()] = new     # flag changes below; the graph keeps this one
                flag[flag.clone()] = ~self._flag(new)
                if not bool(flag.any()):
                    break
        return sample

    def log_prob(self, value):
        from ..linalg import slogdet
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        return (-nu * (p * _LOG_2 / 2 + L.diagonal(0, -2, -1).log().sum(-1))
                - _mvlgamma(nu / 2, p) + (nu - p - 1) / 2 * slogdet(value).logabsdet
                - _cholesky_solve(value, L).diagonal(0, -2, -1).sum(-1) / 2)

    def entropy(self):
        nu = self.df
        p = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        return ((p + 1) * (p * _LOG_2 / 2 + L.diagonal(0, -2, -1).log().sum(-1))
                + _mvlgamma(nu / 2, p) - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
                + nu * p / 2)

    @property
    def _natural_params(self):
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x, y):
        from ..linalg import slogdet
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-slogdet(-2 * x).logabsdet + _LOG_2 * p)
                + _mvlgamma(y + (p + 1) / 2, p))
