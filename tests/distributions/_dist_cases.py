"""Distribution cases shared by the core tests and the torch oracle: `ctor(m, *params)` builds
the distribution on `m = tocha` or `m = torch`; params and values are NumPy arrays."""
from __future__ import annotations

import numpy as np

R = np.random.default_rng(11)


def pos(*s):
    return R.uniform(0.5, 2.0, s)


def real(*s):
    return R.standard_normal(s)


def unit(*s):
    return R.uniform(0.1, 0.9, s)


def simplex(*s):
    x = R.uniform(0.2, 1.0, s)
    return x / x.sum(-1, keepdims=True)


def spd(n):
    a = R.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def tril(n):
    return np.tril(R.standard_normal((n, n)) * 0.3) + np.diag(R.uniform(0.5, 1.5, n))


D = "distributions"
# name: (constructor, params, value for log_prob/cdf, sample reproduces PyTorch's)
CASES = {
    "Normal": (lambda m, a, b: m.distributions.Normal(a, b), [real(3), pos(3)], real(2, 3),
               True),
    "Uniform": (lambda m, a, b: m.distributions.Uniform(a, a + b), [real(3), pos(3)], None,
                True),
    "Bernoulli": (lambda m, p: m.distributions.Bernoulli(p), [unit(4)], np.array(
        [0.0, 1.0, 1.0, 0.0]), True),
    "Bernoulli_logits": (lambda m, lg: m.distributions.Bernoulli(logits=lg), [real(2, 3)],
                         np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), True),
    "Categorical": (lambda m, p: m.distributions.Categorical(p), [simplex(2, 4)],
                    np.array([[0, 3], [2, 1]]), True),
    "Categorical_logits": (lambda m, lg: m.distributions.Categorical(logits=lg), [real(3, 5)],
                           np.array([4, 0, 2]), True),
    "OneHotCategorical": (lambda m, p: m.distributions.OneHotCategorical(p), [simplex(3)],
                          np.eye(3)[[2, 0]], True),
    "Exponential": (lambda m, r: m.distributions.Exponential(r), [pos(3)], pos(3), True),
    "Laplace": (lambda m, a, b: m.distributions.Laplace(a, b), [real(3), pos(3)], real(3),
                True),
    "Cauchy": (lambda m, a, b: m.distributions.Cauchy(a, b), [real(3), pos(3)], real(3), True),
    "Geometric": (lambda m, p: m.distributions.Geometric(p), [unit(3)], np.array(
        [0.0, 2.0, 5.0]), True),
    "Gumbel": (lambda m, a, b: m.distributions.Gumbel(a, b), [real(3), pos(3)], real(3), True),
    "LogNormal": (lambda m, a, b: m.distributions.LogNormal(a, b), [real(3), pos(3)], pos(3),
                  True),
    "HalfNormal": (lambda m, s: m.distributions.HalfNormal(s), [pos(3)], pos(3), True),
    "HalfCauchy": (lambda m, s: m.distributions.HalfCauchy(s), [pos(3)], pos(3), True),
    "Weibull": (lambda m, s, k: m.distributions.Weibull(s, k), [pos(3), pos(3)], pos(3), True),
    "Pareto": (lambda m, s, a: m.distributions.Pareto(s, a), [pos(3) * 0.4, pos(3) + 2.0],
               pos(3) + 1.0, True),
    "Kumaraswamy": (lambda m, a, b: m.distributions.Kumaraswamy(a, b), [pos(3), pos(3)],
                    unit(3), True),
    "LogisticNormal": (lambda m, a, b: m.distributions.LogisticNormal(a, b), [real(3), pos(3)],
                       simplex(4), True),
    "RelaxedBernoulli": (lambda m, p: m.distributions.RelaxedBernoulli(m.tensor(0.7,
                                                                                dtype=p.dtype), p),
                         [unit(3)], unit(3), True),
    "RelaxedOneHotCategorical": (lambda m, p: m.distributions.RelaxedOneHotCategorical(
        m.tensor(0.7, dtype=p.dtype), p), [simplex(4)], simplex(4), True),
    "MultivariateNormal_cov": (lambda m, a, c: m.distributions.MultivariateNormal(
        a, covariance_matrix=c), [real(2, 3), spd(3)], real(4, 2, 3), True),
    "MultivariateNormal_tril": (lambda m, a, t: m.distributions.MultivariateNormal(
        a, scale_tril=t), [real(3), tril(3)], real(2, 3), True),
    "MultivariateNormal_prec": (lambda m, a, p: m.distributions.MultivariateNormal(
        a, precision_matrix=p), [real(3), spd(3)], real(2, 3), True),
    "LowRankMultivariateNormal": (lambda m, a, w, d: m.distributions.LowRankMultivariateNormal(
        a, w, d), [real(3), real(3, 2), pos(3)], real(2, 3), True),
    "Independent": (lambda m, a, b: m.distributions.Independent(
        m.distributions.Normal(a, b), 1), [real(2, 3), pos(2, 3)], real(2, 3), True),
    "Gamma": (lambda m, a, b: m.distributions.Gamma(a, b), [pos(3), pos(3)], pos(3), True),
    "Chi2": (lambda m, k: m.distributions.Chi2(k), [pos(3) * 2], pos(3), True),
    "Beta": (lambda m, a, b: m.distributions.Beta(a, b), [pos(3), pos(3)], unit(3), True),
    "Dirichlet": (lambda m, a: m.distributions.Dirichlet(a), [pos(2, 4)], simplex(2, 4), True),
    "StudentT": (lambda m, k, a, b: m.distributions.StudentT(k, a, b),
                 [pos(3) + 2, real(3), pos(3)], real(3), True),
    "FisherSnedecor": (lambda m, a, b: m.distributions.FisherSnedecor(a, b),
                       [pos(3) + 1, pos(3) + 4], pos(3), True),
    "InverseGamma": (lambda m, a, b: m.distributions.InverseGamma(a, b), [pos(3) + 2, pos(3)],
                     pos(3), True),
    "Poisson": (lambda m, r: m.distributions.Poisson(r), [pos(3) * 3], np.array(
        [0.0, 2.0, 5.0]), True),
    "Binomial": (lambda m, p: m.distributions.Binomial(6, p), [unit(3)], np.array(
        [0.0, 2.0, 6.0]), True),
    "Multinomial": (lambda m, p: m.distributions.Multinomial(5, p), [simplex(3)], np.array(
        [1.0, 0.0, 4.0]), True),
    "VonMises": (lambda m, a, k: m.distributions.VonMises(a, k), [real(3), pos(3)], real(3),
                 True),
    "ContinuousBernoulli": (lambda m, p: m.distributions.ContinuousBernoulli(p),
                            [np.array([0.2, 0.4995, 0.8])], unit(3), True),
    "GeneralizedPareto": (lambda m, a, s, c: m.distributions.GeneralizedPareto(a, s, c),
                          [real(3), pos(3), np.array([0.3, 0.0, 0.2])], pos(3) + 2.0, True),
    "MixtureSameFamily": (lambda m, p, a, b: m.distributions.MixtureSameFamily(
        m.distributions.Categorical(p), m.distributions.Normal(a, b)),
        [simplex(2, 3), real(2, 3), pos(2, 3)], real(4, 2), True),
    "MixtureSameFamily_mvn": (lambda m, p, a: m.distributions.MixtureSameFamily(
        m.distributions.Categorical(p), m.distributions.Independent(
            m.distributions.Normal(a, m.ones_like(a)), 1)),
        [simplex(3), real(3, 2)], real(4, 2), True),
    "Wishart": (lambda m, df, c: m.distributions.Wishart(df, covariance_matrix=c),
                [np.array([4.5, 6.0]), spd(3)], np.stack([spd(3), spd(3)]), True),
    "Wishart_tril": (lambda m, t: m.distributions.Wishart(5.0, scale_tril=t), [tril(3)],
                     spd(3), True),
    "LKJCholesky": (lambda m, c: m.distributions.LKJCholesky(3, c), [pos(2)],
                    np.linalg.cholesky(np.array([[1.0, 0.3, 0.1], [0.3, 1.0, -0.2],
                                                 [0.1, -0.2, 1.0]])), True),
    "NegativeBinomial": (lambda m, n, p: m.distributions.NegativeBinomial(n, p),
                         [pos(3) * 3, unit(3)], np.array([0.0, 3.0, 7.0]), True),
}
