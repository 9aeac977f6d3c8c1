"""torch.distributions: probability distributions with sampling (equal to PyTorch's after
`manual_seed` where PyTorch's sampler is reproducible; see docs/distributions.md),
reparameterized gradients, log densities, transforms, constraints and KL divergences."""
from . import constraints, transforms
from ._continuous import Cauchy, Exponential, Laplace, Normal, Uniform
from ._counts import Binomial, Multinomial, NegativeBinomial
from ._discrete import (
    Bernoulli,
    Categorical,
    Geometric,
    OneHotCategorical,
    OneHotCategoricalStraightThrough,
    Poisson,
)
from ._gamma import Beta, Chi2, Dirichlet, FisherSnedecor, Gamma, StudentT
from ._matrix import LKJCholesky, Wishart
from ._more import ContinuousBernoulli, GeneralizedPareto, MixtureSameFamily, VonMises
from ._multivariate import LowRankMultivariateNormal, MultivariateNormal
from ._transformed import (
    Gumbel,
    HalfCauchy,
    HalfNormal,
    Independent,
    LogNormal,
    TransformedDistribution,
)
from ._transformed2 import (
    InverseGamma,
    Kumaraswamy,
    LogisticNormal,
    Pareto,
    RelaxedBernoulli,
    RelaxedOneHotCategorical,
    Weibull,
)
from .constraint_registry import biject_to, transform_to
from .distribution import Distribution, ExponentialFamily
from .kl import kl_divergence, register_kl
from .transforms import (
    AbsTransform,
    AffineTransform,
    CatTransform,
    ComposeTransform,
    CorrCholeskyTransform,
    CumulativeDistributionTransform,
    ExpTransform,
    IndependentTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    PowerTransform,
    ReshapeTransform,
    SigmoidTransform,
    SoftmaxTransform,
    SoftplusTransform,
    StackTransform,
    StickBreakingTransform,
    TanhTransform,
    Transform,
    identity_transform,
)

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "Bernoulli",
    "Beta",
    "Binomial",
    "CatTransform",
    "Categorical",
    "Cauchy",
    "Chi2",
    "ComposeTransform",
    "ContinuousBernoulli",
    "CorrCholeskyTransform",
    "CumulativeDistributionTransform",
    "Dirichlet",
    "Distribution",
    "ExpTransform",
    "Exponential",
    "ExponentialFamily",
    "FisherSnedecor",
    "Gamma",
    "GeneralizedPareto",
    "Geometric",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "Independent",
    "IndependentTransform",
    "InverseGamma",
    "Kumaraswamy",
    "LKJCholesky",
    "Laplace",
    "LogNormal",
    "LogisticNormal",
    "LowRankMultivariateNormal",
    "LowerCholeskyTransform",
    "MixtureSameFamily",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Pareto",
    "Poisson",
    "PositiveDefiniteTransform",
    "PowerTransform",
    "RelaxedBernoulli",
    "RelaxedOneHotCategorical",
    "ReshapeTransform",
    "SigmoidTransform",
    "SoftmaxTransform",
    "SoftplusTransform",
    "StackTransform",
    "StickBreakingTransform",
    "StudentT",
    "TanhTransform",
    "Transform",
    "TransformedDistribution",
    "Uniform",
    "VonMises",
    "Weibull",
    "Wishart",
    "biject_to",
    "constraints",
    "identity_transform",
    "kl_divergence",
    "register_kl",
    "transform_to",
    "transforms",
]


def _alias_submodules() -> None:
    """PyTorch's one-module-per-distribution layout (`from torch.distributions.normal import
    Normal`): each name is a module object holding its classes."""
    import sys
    import types

    from . import _transformed2
    table = {
        "bernoulli": ["Bernoulli"], "beta": ["Beta"], "binomial": ["Binomial"],
        "categorical": ["Categorical"], "cauchy": ["Cauchy"], "chi2": ["Chi2"],
        "continuous_bernoulli": ["ContinuousBernoulli"], "dirichlet": ["Dirichlet"],
        "exp_family": ["ExponentialFamily"], "exponential": ["Exponential"],
        "fishersnedecor": ["FisherSnedecor"], "gamma": ["Gamma"],
        "generalized_pareto": ["GeneralizedPareto"], "geometric": ["Geometric"],
        "gumbel": ["Gumbel"], "half_cauchy": ["HalfCauchy"], "half_normal": ["HalfNormal"],
        "independent": ["Independent"], "inverse_gamma": ["InverseGamma"],
        "kumaraswamy": ["Kumaraswamy"], "laplace": ["Laplace"],
        "lkj_cholesky": ["LKJCholesky"], "log_normal": ["LogNormal"],
        "logistic_normal": ["LogisticNormal"],
        "lowrank_multivariate_normal": ["LowRankMultivariateNormal"],
        "mixture_same_family": ["MixtureSameFamily"], "multinomial": ["Multinomial"],
        "multivariate_normal": ["MultivariateNormal"],
        "negative_binomial": ["NegativeBinomial"], "normal": ["Normal"],
        "one_hot_categorical": ["OneHotCategorical", "OneHotCategoricalStraightThrough"],
        "pareto": ["Pareto"], "poisson": ["Poisson"],
        "relaxed_bernoulli": ["LogitRelaxedBernoulli", "RelaxedBernoulli"],
        "relaxed_categorical": ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"],
        "studentT": ["StudentT"], "transformed_distribution": ["TransformedDistribution"],
        "uniform": ["Uniform"], "von_mises": ["VonMises"], "weibull": ["Weibull"],
        "wishart": ["Wishart"],
    }
    g = dict(globals())
    g.update(LogitRelaxedBernoulli=_transformed2.LogitRelaxedBernoulli,
             ExpRelaxedCategorical=_transformed2.ExpRelaxedCategorical)
    for mod_name, names in table.items():
        full = f"{__name__}.{mod_name}"
        mod = types.ModuleType(full, f"torch.distributions.{mod_name} (an alias module)")
        for n in names:
            setattr(mod, n, g[n])
        mod.__all__ = list(names)
        sys.modules[full] = mod
        globals()[mod_name] = mod


_alias_submodules()
