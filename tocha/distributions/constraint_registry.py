"""`biject_to(constraint)` and `transform_to(constraint)`: transforms from unconstrained
space onto a constraint's set."""
from __future__ import annotations

from . import constraints
from . import transforms as T

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """Maps constraint types to factories `fn(constraint) -> Transform`."""

    def __init__(self):
        self._registry: dict = {}
        super().__init__()

    def register(self, constraint, factory=None):
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint,
                                                               constraints.Constraint):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or "
                            f"instance, but got {constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} "
                                      f"constraints") from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _real(c):
    return T.identity_transform


def _independent(c):
    base = biject_to(c.base_constraint)
    return T.IndependentTransform(base, c.reinterpreted_batch_ndims)


def _independent_to(c):
    base = transform_to(c.base_constraint)
    return T.IndependentTransform(base, c.reinterpreted_batch_ndims)


def _positive(c):
    return T.ExpTransform()


def _greater_than(c):
    return T.ComposeTransform([T.ExpTransform(), T.AffineTransform(c.lower_bound, 1)])


def _less_than(c):
    return T.ComposeTransform([T.ExpTransform(), T.AffineTransform(c.upper_bound, -1)])


def _interval(c):
    lower_is_0 = isinstance(c.lower_bound, (int, float)) and c.lower_bound == 0
    upper_is_1 = isinstance(c.upper_bound, (int, float)) and c.upper_bound == 1
    if lower_is_0 and upper_is_1:
        return T.SigmoidTransform()
    return T.ComposeTransform([T.SigmoidTransform(),
                               T.AffineTransform(c.lower_bound, c.upper_bound - c.lower_bound)])


for _reg, _ind in ((biject_to, _independent), (transform_to, _independent_to)):
    _reg.register(constraints.real, _real)
    _reg.register(constraints.independent, _ind)
    _reg.register(constraints.positive, _positive)
    _reg.register(constraints.nonnegative, _positive)
    _reg.register(constraints.greater_than, _greater_than)
    _reg.register(constraints.greater_than_eq, _greater_than)
    _reg.register(constraints.less_than, _less_than)
    _reg.register(constraints.interval, _interval)
    _reg.register(constraints.half_open_interval, _interval)
biject_to.register(constraints.simplex, lambda c: T.StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: T.SoftmaxTransform())
biject_to.register(constraints.corr_cholesky, lambda c: T.CorrCholeskyTransform())
transform_to.register(constraints.corr_cholesky, lambda c: T.CorrCholeskyTransform())
transform_to.register(constraints.lower_cholesky, lambda c: T.LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda c: T.PositiveDefiniteTransform())
transform_to.register(constraints.positive_semidefinite,
                      lambda c: T.PositiveDefiniteTransform())
biject_to.register(constraints.cat, lambda c: T.CatTransform(
    [biject_to(x) for x in c.cseq], c.dim, c.lengths))
transform_to.register(constraints.cat, lambda c: T.CatTransform(
    [transform_to(x) for x in c.cseq], c.dim, c.lengths))
biject_to.register(constraints.stack, lambda c: T.StackTransform(
    [biject_to(x) for x in c.cseq], c.dim))
transform_to.register(constraints.stack, lambda c: T.StackTransform(
    [transform_to(x) for x in c.cseq], c.dim))
