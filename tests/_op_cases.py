"""The table of differentiable ops shared by the gradcheck tests and the torch oracle.

Each case is one lambda `fn(m, *inputs)` written so that it runs unchanged on `m = tocha` and on
`m = torch`; inputs are described by specs and drawn from a NumPy generator seeded by the case
name, so both libraries see the same numbers. NumPy only: the oracle adds torch.
"""
from __future__ import annotations

import zlib

import numpy as np


class Spec:
    """A random input: `kind` picks the distribution, `grad` whether it is differentiated."""

    def __init__(self, kind: str, shape=(), grad: bool = True, value=None):
        self.kind, self.shape, self.grad, self.value = kind, tuple(shape), grad, value

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        k, s = self.kind, self.shape
        if k == "r":                      # standard normal
            return rng.standard_normal(s)
        if k == "p":                      # positive, away from 0
            return rng.uniform(0.5, 2.0, s)
        if k == "u":                      # inside (-1, 1), away from the ends
            return rng.uniform(-0.8, 0.8, s)
        if k == "g":                      # greater than 1 (acosh)
            return rng.uniform(1.5, 3.0, s)
        if k == "d":                      # distinct well separated values (sort, max ties)
            n = int(np.prod(s)) if s else 1
            return (rng.permutation(n) * 0.37 + rng.uniform(0, 0.1, n)).reshape(s)
        if k == "fixed":                  # a given array (indices, masks)
            return np.array(self.value)
        raise ValueError(k)


def R(*shape, grad=True):
    return Spec("r", shape, grad)


def P(*shape, grad=True):
    return Spec("p", shape, grad)


def U(*shape, grad=True):
    return Spec("u", shape, grad)


def G(*shape, grad=True):
    return Spec("g", shape, grad)


def D(*shape, grad=True):
    return Spec("d", shape, grad)


def L(value):
    """An int64 index tensor (never differentiated)."""
    return Spec("fixed", (), False, np.asarray(value, np.int64))


def M(value):
    """A bool mask tensor."""
    return Spec("fixed", (), False, np.asarray(value, bool))


class Case:
    def __init__(self, name, fn, *specs, gg=True, fd=True, f32=True, zero=False, rtol=1e-7,
                 atol=1e-9):
        self.name, self.fn, self.specs = name, fn, specs
        self.gg = gg        # run gradgradcheck (PyTorch supports double backward)
        self.fd = fd        # run gradcheck (False: piecewise constant, or not float64)
        self.zero = zero    # its gradient is zero almost everywhere
        self.f32 = f32      # also compare a float32 run with the oracle
        self.rtol, self.atol = rtol, atol

    def arrays(self):
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        return [s.draw(rng) if isinstance(s, Spec) else s for s in self.specs]

    def __repr__(self):
        return self.name


def make_inputs(case, lib, dtype_name="float64"):
    """The case's inputs as tensors of `lib` (tocha or torch); floats cast to `dtype_name`."""
    dt = getattr(lib, dtype_name)
    out = []
    for spec, a in zip(case.specs, case.arrays()):
        if not isinstance(spec, Spec):
            out.append(a)
        elif spec.kind == "fixed":
            out.append(lib.tensor(a))
        else:
            out.append(lib.tensor(a, dtype=dt, requires_grad=spec.grad))
    return out


def _setitem(x, idx, v):
    y = x.clone()
    y[idx] = v
    return y


I2 = [[0, 2], [1, 0], [2, 2]]        # a gather/scatter index for a (3, 4) input along dim 1
MASK34 = [[True, False, True, False], [False, False, True, True], [True, True, False, False]]

CASES = [
    # ---------------------------------------------------------------- arithmetic
    Case("add", lambda m, x, y: x + y, R(3, 4), R(3, 4)),
    Case("add_bcast", lambda m, x, y: x + y, R(3, 4), R(4)),
    Case("add_bcast2", lambda m, x, y: m.add(x, y), R(3, 1), R(1, 4)),
    Case("add_0d", lambda m, x, y: x + y, R(3, 4), R()),
    Case("add_0d_0d", lambda m, x, y: x + y, R(), R()),
    Case("add_alpha", lambda m, x, y: m.add(x, y, alpha=2.5), R(3, 4), R(4)),
    Case("add_scalar", lambda m, x: x + 2, R(3, 4)),
    Case("radd_scalar", lambda m, x: 1.5 + x, R(3, 4)),
    Case("sub", lambda m, x, y: x - y, R(3, 4), R(4)),
    Case("sub_alpha", lambda m, x, y: m.sub(x, y, alpha=3), R(3, 4), R(3, 4)),
    Case("rsub_scalar", lambda m, x: 3 - x, R(3, 4)),
    Case("rsub_fn", lambda m, x, y: m.rsub(x, y), R(3, 4), R(4)),
    Case("mul", lambda m, x, y: x * y, R(3, 4), R(3, 4)),
    Case("mul_bcast", lambda m, x, y: x * y, R(2, 3, 4), R(3, 1)),
    Case("mul_0d", lambda m, x, y: m.mul(x, y), R(), R(5)),
    Case("mul_scalar", lambda m, x: x * 2.5, R(3, 4)),
    Case("rmul_scalar", lambda m, x: 3 * x, R(3, 4)),
    Case("div", lambda m, x, y: x / y, R(3, 4), P(3, 4)),
    Case("div_bcast", lambda m, x, y: m.div(x, y), R(3, 4), P(4)),
    Case("div_scalar", lambda m, x: x / 3.0, R(3, 4)),
    Case("rdiv_scalar", lambda m, x: 2.0 / x, P(3, 4)),
    Case("div_0d", lambda m, x, y: x / y, R(), P()),
    Case("neg", lambda m, x: -x, R(3, 4)),
    Case("neg_fn", lambda m, x: m.neg(x), R()),
    Case("pos_abs_dunder", lambda m, x: abs(+x), R(3, 4)),
    Case("pow_2", lambda m, x: x ** 2, R(3, 4)),
    Case("pow_3", lambda m, x: m.pow(x, 3), R(3, 4)),
    Case("pow_half", lambda m, x: x ** 0.5, P(3, 4)),
    Case("pow_neg", lambda m, x: x ** -1.5, P(3, 4)),
    Case("pow_0", lambda m, x: x ** 0, R(3, 4)),
    Case("pow_tensor", lambda m, x, y: x ** y, P(3, 4), R(3, 4)),
    Case("pow_tensor_bcast", lambda m, x, y: m.pow(x, y), P(3, 4), R(4)),
    Case("rpow_scalar", lambda m, x: 2.0 ** x, R(3, 4)),
    Case("pow_0d", lambda m, x, y: x ** y, P(), R()),
    Case("square", lambda m, x: m.square(x), R(3, 4)),
    Case("float_power", lambda m, x: m.float_power(x, 2), R(3, 4)),
    Case("addcmul", lambda m, x, y, z: m.addcmul(x, y, z, value=0.5), R(3, 4), R(4), R(3, 1)),
    Case("addcdiv", lambda m, x, y, z: m.addcdiv(x, y, z, value=2), R(3, 4), R(3, 4), P(4)),
    # ---------------------------------------------------------------- unary
    Case("exp", lambda m, x: m.exp(x), R(3, 4)),
    Case("exp_0d", lambda m, x: x.exp(), R()),
    Case("exp2", lambda m, x: m.exp2(x), R(3, 4)),
    Case("expm1", lambda m, x: m.expm1(x), R(3, 4)),
    Case("log", lambda m, x: m.log(x), P(3, 4)),
    Case("log2", lambda m, x: m.log2(x), P(3, 4)),
    Case("log10", lambda m, x: x.log10(), P(3, 4)),
    Case("log1p", lambda m, x: m.log1p(x), P(3, 4)),
    Case("sqrt", lambda m, x: m.sqrt(x), P(3, 4)),
    Case("rsqrt", lambda m, x: m.rsqrt(x), P(3, 4)),
    Case("sin", lambda m, x: m.sin(x), R(3, 4)),
    Case("cos", lambda m, x: m.cos(x), R(3, 4)),
    Case("tan", lambda m, x: m.tan(x), U(3, 4)),
    Case("asin", lambda m, x: m.asin(x), U(3, 4)),
    Case("acos", lambda m, x: m.acos(x), U(3, 4)),
    Case("atan", lambda m, x: m.atan(x), R(3, 4)),
    Case("sinh", lambda m, x: m.sinh(x), R(3, 4)),
    Case("cosh", lambda m, x: m.cosh(x), R(3, 4)),
    Case("tanh", lambda m, x: m.tanh(x), R(3, 4)),
    Case("asinh", lambda m, x: m.asinh(x), R(3, 4)),
    Case("acosh", lambda m, x: m.acosh(x), G(3, 4)),
    Case("atanh", lambda m, x: m.atanh(x), U(3, 4)),
    Case("reciprocal", lambda m, x: m.reciprocal(x), P(3, 4)),
    Case("sigmoid", lambda m, x: m.sigmoid(x), R(3, 4)),
    Case("sigmoid_0d", lambda m, x: x.sigmoid(), R()),
    Case("erf", lambda m, x: m.erf(x), R(3, 4)),
    Case("relu", lambda m, x: m.relu(x), R(3, 4), gg=False),
    Case("abs", lambda m, x: m.abs(x), R(3, 4)),
    Case("sign", lambda m, x: m.sign(x), R(3, 4)),
    Case("floor", lambda m, x: m.floor(x * 3), R(3, 4)),
    Case("ceil", lambda m, x: m.ceil(x * 3), R(3, 4)),
    Case("round", lambda m, x: m.round(x * 3), R(3, 4)),
    Case("round_decimals", lambda m, x: m.round(x, decimals=2), R(3, 4), fd=False, zero=True),
    Case("trunc", lambda m, x: m.trunc(x * 3), R(3, 4)),
    Case("frac", lambda m, x: m.frac(x * 3), R(3, 4)),
    Case("clamp", lambda m, x: m.clamp(x, -0.5, 0.5), R(3, 4)),
    Case("clamp_min", lambda m, x: x.clamp(min=0.1), R(3, 4)),
    Case("clamp_max", lambda m, x: m.clamp_max(x, 0.2), R(3, 4)),
    Case("clamp_tensor", lambda m, x, lo, hi: m.clamp(x, lo, hi), R(3, 4), R(4), R(3, 1)),
    Case("maximum", lambda m, x, y: m.maximum(x, y), R(3, 4), R(4)),
    Case("minimum", lambda m, x, y: m.minimum(x, y), R(3, 4), R(3, 4)),
    Case("max_binary", lambda m, x, y: m.max(x, y), R(3, 4), R(3, 4)),
    Case("fmax", lambda m, x, y: m.fmax(x, y), R(3, 4), R(4)),
    Case("fmin", lambda m, x, y: m.fmin(x, y), R(3, 4), R(3, 4)),
    Case("where", lambda m, c, x, y: m.where(c, x, y), M(MASK34), R(3, 4), R(4)),
    Case("where_scalar", lambda m, c, x: m.where(c, x, 0.5), M(MASK34), R(3, 4)),
    Case("lerp_scalar", lambda m, x, y: m.lerp(x, y, 0.3), R(3, 4), R(3, 4)),
    Case("lerp_tensor", lambda m, x, y, w: m.lerp(x, y, w), R(3, 4), R(4), R(3, 4)),
    Case("atan2", lambda m, x, y: m.atan2(x, y), R(3, 4), R(3, 4)),
    Case("nan_to_num", lambda m, x: m.nan_to_num(x, nan=0.0), R(3, 4)),
    Case("remainder", lambda m, x, y: m.remainder(x, y), R(3, 4), P(4)),
    Case("remainder_scalar", lambda m, x: x % 0.7, R(3, 4)),
    Case("fmod", lambda m, x, y: m.fmod(x, y), R(3, 4), P(3, 4)),
    Case("fmod_scalar", lambda m, x: x.fmod(-0.6), R(3, 4)),
    Case("clone", lambda m, x: x.clone(), R(3, 4)),
    Case("logaddexp", lambda m, x, y: m.logaddexp(x, y), R(3, 4), R(4)),
    Case("hypot", lambda m, x, y: x.hypot(y), R(3, 4), R(3, 4)),
    Case("deg2rad", lambda m, x: (m.deg2rad(x), x.rad2deg()), R(3, 4)),
    Case("logit", lambda m, x: m.logit(x * 0.4 + 0.5), U(3, 4)),
    Case("logit_eps", lambda m, x: x.logit(eps=0.1), U(3, 4)),
    Case("xlogy", lambda m, x, y: m.xlogy(x, y), R(3, 4), P(3, 4)),
    Case("positive", lambda m, x: m.positive(x) * 2, R(3, 4)),
    Case("to_float32", lambda m, x: x.to(m.float32).to(m.float64), R(3, 4), f32=False,
         fd=False),
    # ---------------------------------------------------------------- reductions
    Case("sum", lambda m, x: x.sum(), R(3, 4)),
    Case("sum_dim", lambda m, x: m.sum(x, 1), R(3, 4)),
    Case("sum_dims_keep", lambda m, x: x.sum((0, 2), keepdim=True), R(2, 3, 4)),
    Case("sum_neg_dim", lambda m, x: x.sum(-1), R(2, 3, 4)),
    Case("sum_0d", lambda m, x: x.sum(), R()),
    Case("mean", lambda m, x: m.mean(x), R(3, 4)),
    Case("mean_dim", lambda m, x: x.mean(0, keepdim=True), R(3, 4)),
    Case("mean_dims", lambda m, x: x.mean((0, 2)), R(2, 3, 4)),
    Case("prod", lambda m, x: m.prod(x), R(3, 4)),
    Case("prod_dim", lambda m, x: x.prod(1), R(3, 4)),
    Case("prod_dim_keep", lambda m, x: x.prod(0, keepdim=True), R(3, 4)),
    Case("max_all", lambda m, x: x.max(), D(3, 4)),
    Case("min_all", lambda m, x: m.min(x), D(3, 4)),
    Case("max_dim", lambda m, x: x.max(1), D(3, 4)),
    Case("max_dim_keep", lambda m, x: m.max(x, 0, keepdim=True), D(3, 4)),
    Case("min_dim", lambda m, x: x.min(dim=-1), D(2, 3, 4)),
    Case("max_dim_values", lambda m, x: x.max(1).values, D(3, 4)),
    Case("min_dim_indices", lambda m, x: x.min(1).indices, D(3, 4), fd=False, zero=True),
    Case("amax", lambda m, x: m.amax(x, 1), D(3, 4)),
    Case("amax_dims", lambda m, x: x.amax((0, 1)), D(2, 3, 4)),
    Case("amin", lambda m, x: m.amin(x, -1, keepdim=True), D(3, 4)),
    Case("std", lambda m, x: x.std(), R(3, 4)),
    Case("std_dim", lambda m, x: m.std(x, 1, keepdim=True), R(3, 4)),
    Case("var", lambda m, x: m.var(x), R(3, 4)),
    Case("var_dim_biased", lambda m, x: x.var(0, unbiased=False), R(3, 4)),
    Case("var_correction", lambda m, x: m.var(x, 1, correction=0), R(3, 4)),
    Case("norm", lambda m, x: x.norm(), R(3, 4)),
    Case("norm_dim", lambda m, x: m.norm(x, dim=1), R(3, 4)),
    Case("norm_p1", lambda m, x: x.norm(p=1), R(3, 4)),
    Case("norm_p3", lambda m, x: m.norm(x, p=3, dim=0), R(3, 4)),
    Case("norm_inf", lambda m, x: x.norm(p=float("inf")), D(3, 4)),
    Case("logsumexp", lambda m, x: m.logsumexp(x, 1), R(3, 4)),
    Case("logsumexp_keep", lambda m, x: x.logsumexp((0, 1), keepdim=True), R(3, 4)),
    Case("cumsum", lambda m, x: m.cumsum(x, 1), R(3, 4)),
    Case("cumsum_0", lambda m, x: x.cumsum(0), R(3, 4)),
    Case("cumprod", lambda m, x: m.cumprod(x, 1), R(3, 4)),
    Case("cumprod_zero", lambda m, x: (x * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=x.dtype))
         .cumprod(1), R(3, 4)),
    Case("median", lambda m, x: x.median(), D(3, 4)),
    Case("median_dim", lambda m, x: m.median(x, 1), D(3, 5)),
    Case("softmax", lambda m, x: m.softmax(x, 1), R(3, 4)),
    Case("softmax_0", lambda m, x: x.softmax(0), R(3, 4)),
    Case("log_softmax", lambda m, x: m.log_softmax(x, -1), R(3, 4)),
    Case("log_softmax_3d", lambda m, x: x.log_softmax(1), R(2, 3, 4)),
    Case("log_softmax_0d", lambda m, x: x.log_softmax(0), R()),
    Case("softmax_0d", lambda m, x: x.softmax(-1), R()),
    # a classifier's (N, C) logits, few classes: the maxima are taken across rows
    Case("log_softmax_classes", lambda m, x: x.log_softmax(1), R(64, 10)),
    Case("softmax_classes", lambda m, x: x.softmax(1), R(64, 10)),
    # ---------------------------------------------------------------- linear algebra
    Case("matmul_2d", lambda m, a, b: a @ b, R(3, 4), R(4, 2)),
    Case("matmul_1d_2d", lambda m, a, b: m.matmul(a, b), R(4), R(4, 2)),
    Case("matmul_2d_1d", lambda m, a, b: a @ b, R(3, 4), R(4)),
    Case("matmul_1d_1d", lambda m, a, b: a @ b, R(4), R(4)),
    Case("matmul_batched", lambda m, a, b: a @ b, R(2, 3, 4), R(4, 2)),
    Case("matmul_batched_bcast", lambda m, a, b: m.matmul(a, b), R(2, 1, 3, 4), R(3, 4, 2)),
    Case("matmul_1d_3d", lambda m, a, b: a @ b, R(4), R(2, 4, 3)),
    Case("matmul_3d_1d", lambda m, a, b: a @ b, R(2, 3, 4), R(4)),
    Case("mm", lambda m, a, b: m.mm(a, b), R(3, 4), R(4, 2)),
    Case("mm_one_grad", lambda m, a, b: a.mm(b), R(3, 4, grad=False), R(4, 2)),
    Case("bmm", lambda m, a, b: m.bmm(a, b), R(2, 3, 4), R(2, 4, 2)),
    Case("mv", lambda m, a, b: m.mv(a, b), R(3, 4), R(4)),
    Case("dot", lambda m, a, b: m.dot(a, b), R(4), R(4)),
    Case("outer", lambda m, a, b: m.outer(a, b), R(3), R(4)),
    Case("inner_2d", lambda m, a, b: m.inner(a, b), R(3, 4), R(2, 4)),
    Case("einsum_mm", lambda m, a, b: m.einsum("ij,jk->ik", a, b), R(3, 4), R(4, 2)),
    Case("einsum_bmm", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), R(2, 3, 4), R(2, 4, 2)),
    Case("einsum_sum", lambda m, a: m.einsum("ij->", a), R(3, 4)),
    Case("einsum_outer", lambda m, a, b: m.einsum("i,j->ij", a, b), R(3), R(4)),
    Case("einsum_implicit", lambda m, a, b: m.einsum("ij,jk", a, b), R(3, 4), R(4, 2)),
    Case("einsum_three", lambda m, a, b, c: m.einsum("ij,jk,k->i", a, b, c), R(2, 3), R(3, 4),
         R(4)),
    Case("addmm", lambda m, c, a, b: m.addmm(c, a, b), R(2), R(3, 4), R(4, 2)),
    Case("addmm_beta_alpha", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2.0),
         R(3, 2), R(3, 4), R(4, 2)),
    # ---------------------------------------------------------------- movement
    Case("view", lambda m, x: x.view(4, 3), R(3, 4)),
    Case("view_infer", lambda m, x: x.view(-1), R(3, 4)),
    Case("view_as", lambda m, x, y: x.view_as(y), R(3, 4), R(2, 6, grad=False)),
    Case("reshape", lambda m, x: m.reshape(x, (2, -1)), R(3, 4)),
    Case("reshape_noncontig", lambda m, x: x.t().reshape(-1), R(3, 4)),
    Case("reshape_0d", lambda m, x: x.reshape(1, 1), R()),
    Case("flatten", lambda m, x: m.flatten(x), R(2, 3, 4)),
    Case("flatten_range", lambda m, x: x.flatten(1), R(2, 3, 4)),
    Case("unflatten", lambda m, x: x.unflatten(1, (2, 2)), R(3, 4)),
    Case("squeeze", lambda m, x: x.squeeze(), R(3, 1, 4, 1)),
    Case("squeeze_dim", lambda m, x: m.squeeze(x, 1), R(3, 1, 4)),
    Case("unsqueeze", lambda m, x: x.unsqueeze(1), R(3, 4)),
    Case("unsqueeze_neg", lambda m, x: m.unsqueeze(x, -1), R(3, 4)),
    Case("unsqueeze_0d", lambda m, x: x.unsqueeze(0), R()),
    Case("transpose", lambda m, x: m.transpose(x, 0, 2), R(2, 3, 4)),
    Case("t", lambda m, x: x.t(), R(3, 4)),
    Case("t_1d", lambda m, x: m.t(x), R(4)),
    Case("T", lambda m, x: x.T, R(3, 4)),
    Case("mT", lambda m, x: x.mT, R(2, 3, 4)),
    Case("permute", lambda m, x: x.permute(2, 0, 1), R(2, 3, 4)),
    Case("permute_fn", lambda m, x: m.permute(x, (1, 0, 2)), R(2, 3, 4)),
    Case("expand", lambda m, x: x.expand(2, 3, 4), R(3, 1)),
    Case("expand_keep", lambda m, x: x.expand(-1, 4), R(3, 1)),
    Case("expand_as", lambda m, x, y: x.expand_as(y), R(4), R(3, 4, grad=False)),
    Case("broadcast_to", lambda m, x: m.broadcast_to(x, (3, 4)), R()),
    Case("repeat", lambda m, x: x.repeat(2, 3), R(3, 4)),
    Case("repeat_newdims", lambda m, x: x.repeat(2, 1, 2), R(3, 4)),
    Case("cat", lambda m, x, y: m.cat([x, y], 0), R(2, 4), R(3, 4)),
    Case("cat_dim1", lambda m, x, y, z: m.cat((x, y, z), dim=1), R(3, 1), R(3, 2), R(3, 3)),
    Case("stack", lambda m, x, y: m.stack([x, y]), R(3, 4), R(3, 4)),
    Case("stack_dim", lambda m, x, y: m.stack([x, y], dim=-1), R(3, 4), R(3, 4)),
    Case("split", lambda m, x: x.split(2, 1), R(3, 5)),
    Case("split_sizes", lambda m, x: m.split(x, [1, 2], 0), R(3, 4)),
    Case("split_one_used", lambda m, x: x.split(2)[1], R(4, 3)),
    Case("chunk", lambda m, x: m.chunk(x, 3, 1), R(3, 5)),
    Case("unbind", lambda m, x: x.unbind(1), R(3, 4)),
    Case("unbind_fn", lambda m, x: m.unbind(x), R(3, 4)),
    Case("narrow", lambda m, x: x.narrow(1, 1, 2), R(3, 4)),
    Case("flip", lambda m, x: x.flip(0, 1), R(3, 4)),
    Case("flip_fn", lambda m, x: m.flip(x, [1]), R(3, 4)),
    Case("roll", lambda m, x: m.roll(x, 1, 0), R(3, 4)),
    Case("roll_dims", lambda m, x: x.roll((1, -2), (0, 1)), R(3, 4)),
    Case("roll_flat", lambda m, x: m.roll(x, 2), R(3, 4)),
    Case("tril", lambda m, x: m.tril(x), R(4, 4)),
    Case("triu_k", lambda m, x: x.triu(1), R(3, 4)),
    Case("tril_batched", lambda m, x: x.tril(-1), R(2, 3, 3)),
    Case("contiguous", lambda m, x: x.t().contiguous(), R(3, 4)),
    Case("select", lambda m, x: x.select(1, -2), R(2, 3, 4)),
    Case("select_fn", lambda m, x: m.select(x, 0, 1), R(3, 4)),
    Case("diagonal", lambda m, x: x.diagonal(), R(3, 4)),
    Case("diagonal_offset_dims", lambda m, x: m.diagonal(x, -1, 2, 0), R(3, 2, 4)),
    Case("diagonal_of_view", lambda m, x: (x * 2).t().diagonal(1), R(3, 4)),
    Case("unfold", lambda m, x: x.unfold(1, 2, 1), R(3, 4)),
    Case("unfold_step", lambda m, x: x.unfold(0, 2, 2), R(5, 3)),
    Case("as_strided", lambda m, x: m.as_strided(x, (3, 2), (1, 2)), R(3, 4)),
    Case("as_strided_offset", lambda m, x: x.as_strided((2, 2), (4, 1), 1), R(3, 4)),
    Case("movedim", lambda m, x: m.movedim(x, 0, -1), R(2, 3, 4)),
    Case("trace", lambda m, x: m.trace(x), R(3, 4)),
    Case("diag_1d", lambda m, x: m.diag(x, 1), R(3)),
    Case("diag_2d", lambda m, x: x.diag(-1), R(3, 4)),
    Case("tensor_split", lambda m, x: x.tensor_split(3, 1), R(3, 5)),
    Case("tensor_split_idx", lambda m, x: m.tensor_split(x, [1, 3], 0), R(4, 3)),
    Case("rot90", lambda m, x: x.rot90(), R(3, 4)),
    Case("rot90_k", lambda m, x: (m.rot90(x, 2, (1, 0)), m.rot90(x, -1)), R(3, 4)),
    Case("diff", lambda m, x: x.diff(), R(3, 4)),
    Case("diff_n_prepend", lambda m, x, p: m.diff(x, 2, 0, prepend=p), R(3, 4), R(1, 4)),
    # ---------------------------------------------------------------- indexing
    Case("index_int", lambda m, x: x[1], R(3, 4)),
    Case("index_neg_int", lambda m, x: x[-1, 2], R(3, 4)),
    Case("index_slice", lambda m, x: x[:, 1:3], R(3, 4)),
    Case("index_step", lambda m, x: x[::2, 1::2], R(3, 4)),
    Case("index_none_ellipsis", lambda m, x: x[None, ..., 0], R(2, 3, 4)),
    Case("index_ellipsis_slice", lambda m, x: x[..., 1:], R(2, 3, 4)),
    Case("index_long", lambda m, x, i: x[i], R(3, 4), L([2, 0, 2])),
    Case("index_long_2d", lambda m, x, i: x[:, i], R(3, 4), L([[0, 1], [3, 3]])),
    Case("index_two_long", lambda m, x, i, j: x[i, j], R(3, 4), L([0, 2, 2]), L([1, 3, 3])),
    Case("index_list", lambda m, x: x[[0, 2]], R(3, 4)),
    Case("index_bool", lambda m, x, k: x[k], R(3, 4), M(MASK34)),
    Case("index_bool_row", lambda m, x, k: x[k], R(3, 4), M([True, False, True])),
    Case("index_mixed", lambda m, x, i: x[1:, i], R(3, 4), L([0, 3])),
    Case("setitem_int", lambda m, x, v: _setitem(x, 1, v), R(3, 4), R(4)),
    Case("setitem_slice", lambda m, x, v: _setitem(x, (slice(None), slice(1, 3)), v),
         R(3, 4), R(3, 2)),
    Case("setitem_scalar", lambda m, x: _setitem(x, (0, 0), 5.0), R(3, 4)),
    Case("setitem_long", lambda m, x, i, v: _setitem(x, i, v), R(3, 4), L([0, 2]), R(2, 4)),
    Case("setitem_mask", lambda m, x, k: _setitem(x, k, 0.0), R(3, 4), M(MASK34)),
    Case("setitem_mask_tensor", lambda m, x, k, v: _setitem(x, k, v), R(3, 4),
         M([True, False, True]), R(4)),
    Case("gather", lambda m, x, i: m.gather(x, 1, i), R(3, 4), L(I2)),
    Case("gather_dim0", lambda m, x, i: x.gather(0, i), R(3, 4), L([[0, 1, 2, 0]])),
    Case("scatter", lambda m, x, i, s: m.scatter(x, 1, i, s), R(3, 4), L([[0, 2], [1, 3], [3, 0]]),
         R(3, 2)),
    Case("scatter_value", lambda m, x, i: x.scatter(1, i, 0.5), R(3, 4),
         L([[0, 2], [1, 3], [3, 0]])),
    Case("scatter_add", lambda m, x, i, s: m.scatter_add(x, 1, i, s), R(3, 4), L(I2), R(3, 2)),
    Case("index_select", lambda m, x, i: m.index_select(x, 1, i), R(3, 4), L([3, 0, 0])),
    Case("index_select_0", lambda m, x, i: x.index_select(0, i), R(3, 4), L([1])),
    Case("masked_fill", lambda m, x, k: m.masked_fill(x, k, 2.0), R(3, 4), M(MASK34)),
    Case("masked_fill_bcast", lambda m, x, k: x.masked_fill(k, -1.0), R(3, 4),
         M([True, False, False, True])),
    Case("masked_select", lambda m, x, k: m.masked_select(x, k), R(3, 4), M(MASK34)),
    Case("masked_select_bcast", lambda m, x, k: x.masked_select(k), R(3, 4),
         M([True, False, False, True])),
    Case("take", lambda m, x, i: m.take(x, i), R(3, 4), L([[0, 11], [5, 5]])),
    Case("index_add", lambda m, x, i, s: x.index_add(1, i, s, alpha=2.0), R(3, 4), L([3, 0, 3]),
         R(3, 3)),
    Case("index_copy", lambda m, x, i, s: m.index_copy(x, 0, i, s), R(3, 4), L([2, 0]), R(2, 4)),
    Case("index_fill", lambda m, x, i: x.index_fill(1, i, -1.0), R(3, 4), L([1, 3])),
    Case("sort", lambda m, x: m.sort(x, 1), D(3, 4)),
    Case("sort_desc", lambda m, x: x.sort(0, descending=True), D(3, 4)),
    Case("topk", lambda m, x: m.topk(x, 2), D(3, 4)),
    Case("topk_smallest", lambda m, x: x.topk(2, dim=0, largest=False), D(3, 4)),
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "duplicate case names"
