"""VonMises, ContinuousBernoulli, GeneralizedPareto and MixtureSameFamily."""
from __future__ import annotations

import math
from numbers import Number, Real

from .. import _dtype as D
from .._tensor import Size
from . import constraints
from ._continuous import _expand_into
from ._discrete import Categorical, _bce_logits, _new_from, _one_of
from .distribution import Distribution, ExponentialFamily
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs, probs_to_logits

_EMPTY = Size()


def _log_i0(k):
    from ..special import i0e
    return i0e(k).log() + k


def _log_i1(k):
    from ..special import i1e
    return i1e(k).log() + k


class VonMises(Distribution):
    """Circular von Mises distribution with mean direction `loc` and `concentration`.

    `sample` is Best and Fisher's rejection sampler in float64 on `torch.rand` draws, as
    PyTorch's (so samples equal PyTorch's after manual_seed). Differs from PyTorch: log I0
    and I1 come from `tocha.special.i0e`/`i1e` (exact to rounding) rather than PyTorch's
    polynomial approximations, so `log_prob`/`variance` differ in about the 7th digit."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, Size(), validate_args=validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lp = self.concentration * (value - self.loc).cos()
        return lp - math.log(2 * math.pi) - _log_i0(self.concentration)

    @lazy_property
    def _loc(self):
        return self.loc.to(D.float64)

    @lazy_property
    def _concentration(self):
        return self.concentration.to(D.float64)

    @lazy_property
    def _proposal_r(self):
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa ** 2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        r = (1 + rho ** 2) / (2 * rho)
        return (1 / kappa + kappa).where(kappa < 1e-5, r)

    def sample(self, sample_shape=_EMPTY):
        from .._creation import zeros
        from .._random_api import rand
        from ..autograd.grad_mode import no_grad
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            loc, conc, r = self._loc, self._concentration, self._proposal_r
            x = zeros(shape, dtype=D.float64)
            done = zeros(shape, dtype=D.bool_)
            while not bool(done.all()):
                u1, u2, u3 = rand((3,) + shape, dtype=D.float64).unbind()
                z = (math.pi * u1).cos()
                f = (1 + r * z) / (r + z)
                c = conc * (r - f)
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
                if bool(accept.any()):
                    x = ((u3 - 0.5).sign() * f.acos()).where(accept, x)
                    done = done | accept
            return ((x + math.pi + loc) % (2 * math.pi) - math.pi).to(self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        return _expand_into(self, VonMises, ("loc", "concentration"), batch_shape, _instance)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        return 1 - (_log_i1(self.concentration) - _log_i0(self.concentration)).exp()


class ContinuousBernoulli(ExponentialFamily):
    """Continuous Bernoulli distribution on [0, 1] with parameter `probs` (or `logits`);
    `lims` is the region around 1/2 where Taylor expansions replace unstable formulas."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        _one_of(probs, logits)
        if probs is not None:
            is_scalar = isinstance(probs, Number)
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(
                    self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(Size() if is_scalar else self._param.shape,
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new, batch_shape = _new_from(self, ContinuousBernoulli, _instance, batch_shape,
                                     ("probs", "logits"))
        new._lims = self._lims
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _outside(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return self.probs.where(self._outside(), self.probs * 0 + self._lims[0])

    def _cont_bern_log_norm(self):
        p = self._cut_probs()
        below = p.where(p <= 0.5, p * 0)
        above = p.where(p >= 0.5, p * 0 + 1)
        log_norm = ((-p).log1p() - p.log()).abs().log() - (
            (-2.0 * below).log1p().where(p <= 0.5, (2.0 * above - 1.0).log()))
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return log_norm.where(self._outside(), taylor)

    @property
    def mean(self):
        p = self._cut_probs()
        mus = p / (2.0 * p - 1.0) + 1.0 / ((-p).log1p() - p.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return mus.where(self._outside(), taylor)

    @property
    def stddev(self):
        return self.variance.sqrt()

    @property
    def variance(self):
        p = self._cut_probs()
        v = p * (p - 1.0) / (1.0 - 2.0 * p).pow(2) + 1.0 / ((-p).log1p() - p.log()).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return v.where(self._outside(), taylor)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        return self._param.shape

    def sample(self, sample_shape=_EMPTY):
        from ..autograd.grad_mode import no_grad
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=_EMPTY):
        from .._random_api import rand
        u = rand(tuple(self._extended_shape(sample_shape)), dtype=self.probs.dtype)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -_bce_logits(logits, value) + self._cont_bern_log_norm()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        p = self._cut_probs()
        cdfs = (p.pow(value) * (1.0 - p).pow(1.0 - value) + p - 1.0) / (2.0 * p - 1.0)
        unbounded = cdfs.where(self._outside(), value)
        return (value * 0).where(value <= 0.0, (value * 0 + 1).where(value >= 1.0, unbounded))

    def icdf(self, value):
        p = self._cut_probs()
        inner = (((-p + value * (2.0 * p - 1.0)).log1p() - (-p).log1p())
                 / (p.log() - (-p).log1p()))
        return inner.where(self._outside(), value)

    def entropy(self):
        log_p0 = (-self.probs).log1p()
        log_p1 = self.probs.log()
        return self.mean * (log_p0 - log_p1) - self._cont_bern_log_norm() - log_p0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        out = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = x.where(out, x * 0 + (self._lims[0] - 0.5))
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return log_norm.where(out, taylor)


def _nan_like(x):
    # a constant (c * nan would send NaN gradients through the unselected branch)
    from .._creation import full_like
    return full_like(x.detach(), float("nan"))


class GeneralizedPareto(Distribution):
    """Generalized Pareto distribution with `loc`, `scale` and shape `concentration`."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, Number) for v in (loc, scale, concentration))
        super().__init__(Size() if scalar else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return _expand_into(self, GeneralizedPareto, ("loc", "scale", "concentration"),
                            batch_shape, _instance)

    def rsample(self, sample_shape=_EMPTY):
        from .._random_api import rand
        u = rand(tuple(self._extended_shape(sample_shape)), dtype=self.loc.dtype)
        return self.icdf(u)

    def _safe(self):
        eq_zero = self.concentration.isclose(self.concentration * 0)
        return eq_zero, self.concentration.where(~eq_zero, self.concentration * 0 + 1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, c = self._safe()
        y = 1 / c + z * 0 + 1
        nonzero = y.where(y == 0, y * (c * z).log1p())
        log_scale = math.log(self.scale) if isinstance(self.scale, Real) else self.scale.log()
        return -log_scale - z.where(eq_zero, nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, c = self._safe()
        return (-z).where(eq_zero, -(c * z).log1p() / c)

    def log_cdf(self, value):
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        return self.log_cdf(value).exp()

    def icdf(self, value):
        eq_zero, c = self._safe()
        logu = (-value).log1p()
        nonzero = self.loc + self.scale / c * (-c * logu).expm1()
        return (self.loc - self.scale * logu).where(eq_zero, nonzero)

    @property
    def mean(self):
        valid = self.concentration < 1
        c = self.concentration.where(valid, self.concentration * 0 + 0.5)
        return (self.loc + self.scale / (1 - c)).where(valid, _nan_like(c))

    @property
    def variance(self):
        valid = self.concentration < 0.5
        c = self.concentration.where(valid, self.concentration * 0 + 0.25)
        result = self.scale ** 2 / ((1 - c) ** 2 * (1 - 2 * c))
        return result.where(valid, _nan_like(c))

    def entropy(self):
        ans = self.scale.log() + self.concentration + 1
        return ans.broadcast_to(tuple(self._batch_shape))

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        lower = self.loc
        upper = (lower - self.scale / self.concentration).where(
            self.concentration < 0, lower * 0 + math.inf)
        return constraints.interval(lower, upper)


class MixtureSameFamily(Distribution):
    """Mixture of the components of `component_distribution` (its rightmost batch dim) with
    weights from the Categorical `mixture_distribution`.

    Example:
        >>> d = tocha.distributions
        >>> mix = d.Categorical(tocha.ones(3))
        >>> comp = d.Normal(tocha.tensor([-1.0, 0.0, 1.0]), tocha.ones(3))
        >>> gmm = d.MixtureSameFamily(mix, comp)
    """

    arg_constraints: dict = {}
    has_rsample = False

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of "
                             "torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution need to be an instance of "
                             "torch.distributions.Distribution")
        mdbs = mixture_distribution.batch_shape
        cdbs = component_distribution.batch_shape[:-1]
        for s1, s2 in zip(reversed(mdbs), reversed(cdbs)):
            if s1 != 1 and s2 != 1 and s1 != s2:
                raise ValueError(f"`mixture_distribution.batch_shape` ({mdbs}) is not "
                                 f"compatible with `component_distribution.batch_shape`"
                                 f"({cdbs})")
        km = mixture_distribution.logits.shape[-1]
        kc = component_distribution.batch_shape[-1]
        if km != kc:
            raise ValueError(f"`mixture_distribution component` ({km}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({kc})")
        self._num_component = km
        event_shape = component_distribution.event_shape
        self._event_ndims = len(event_shape)
        super().__init__(cdbs, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        batch_shape = Size(tuple(batch_shape))
        new = self._get_checked_instance(MixtureSameFamily, _instance)
        new._component_distribution = self._component_distribution.expand(
            batch_shape + (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        new._num_component = self._num_component
        new._event_ndims = self._event_ndims
        Distribution.__init__(new, batch_shape, new._component_distribution.event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property
    def support(self):
        return constraints.MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self):
        return self._mixture_distribution

    @property
    def component_distribution(self):
        return self._component_distribution

    def _pad(self, x):
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x):
        dist_batch_ndims = len(self.batch_shape)
        cat_batch_ndims = len(self.mixture_distribution.batch_shape)
        pad_ndims = 0 if cat_batch_ndims == 1 else dist_batch_ndims - cat_batch_ndims
        xs = tuple(x.shape)
        return x.reshape(xs[:-1] + (1,) * pad_ndims + xs[-1:] + (1,) * self._event_ndims)

    @property
    def mean(self):
        probs = self._pad_mixture_dimensions(self.mixture_distribution.probs)
        return (probs * self.component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self):
        probs = self._pad_mixture_dimensions(self.mixture_distribution.probs)
        d = -1 - self._event_ndims
        mean_cond_var = (probs * self.component_distribution.variance).sum(d)
        var_cond_mean = (probs * (self.component_distribution.mean
                                  - self._pad(self.mean)).pow(2)).sum(d)
        return mean_cond_var + var_cond_mean

    def cdf(self, x):
        cdf_x = self.component_distribution.cdf(self._pad(x))
        return (cdf_x * self.mixture_distribution.probs).sum(-1)

    def log_prob(self, x):
        if self._validate_args:
            self._validate_sample(x)
        log_prob_x = self.component_distribution.log_prob(self._pad(x))
        log_mix_prob = self.mixture_distribution.logits.log_softmax(-1)
        return (log_prob_x + log_mix_prob).logsumexp(-1)

    def sample(self, sample_shape=_EMPTY):
        from ..autograd.grad_mode import no_grad
        with no_grad():
            sample_len = len(sample_shape)
            gather_dim = sample_len + len(self.batch_shape)
            es = tuple(self.event_shape)
            mix_sample = self.mixture_distribution.sample(sample_shape)
            mix_shape = tuple(mix_sample.shape)
            comp_samples = self.component_distribution.sample(sample_shape)
            idx = mix_sample.reshape(mix_shape + (1,) * (len(es) + 1))
            idx = idx.repeat(*((1,) * len(mix_shape) + (1,) + es))
            return comp_samples.gather(gather_dim, idx).squeeze(gather_dim)

    def __repr__(self):
        return (f"MixtureSameFamily(\n  {self.mixture_distribution},\n  "
                f"{self.component_distribution})")
