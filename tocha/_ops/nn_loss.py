"""The negative log-likelihood primitive (cross_entropy = nll_loss(log_softmax(x)))."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dt
from ..autograd.grad_mode import STATE
from ._lowp import nll_sums
from ._util import prim

_RED = {"none": 0, "mean": 1, "sum": 2}


class NllLoss(prim):
    """Forward gathers -logp[target] (weighted, ignore_index masked); backward scatters."""

    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, logp, target, weight, red, ignore_index):
        one_d = logp.ndim == 1
        if one_d:                               # (C,) with a 0-d target
            lp, t = logp[None], target.reshape(1)
        else:
            lp, t = logp, target
        ignore = t == ignore_index
        has_ignore = bool(ignore.any())
        ts = np.where(ignore, 0, t) if has_ignore else t
        picked = _pick(lp, ts)
        if weight is not None:
            w = weight[ts]
            if has_ignore:
                w = np.where(ignore, 0, w).astype(lp.dtype)
        elif has_ignore:
            w = (~ignore).astype(lp.dtype)
        else:
            w = None
        loss = -picked if w is None else -(picked * w)
        if red == 0:
            out = loss[0] if one_d else loss
            denom = None
        elif lp.dtype.kind == "V" and lp.ndim == 2:    # bfloat16: PyTorch's own sums
            out, denom = nll_sums(picked, None if weight is None else weight[ts], ~ignore)
            if red == 1:
                out = out / denom
            out = np.asarray(out, dtype=lp.dtype)
        else:
            out = loss.sum(dtype=lp.dtype)    # (np.sum's reduction, without its wrapper)
            denom = None
            if red == 1:
                denom = np.sum(w, dtype=lp.dtype) if w is not None else lp.dtype.type(
                    t.size)
                out = out / denom
            out = np.asarray(out, dtype=lp.dtype)
        if ctx.needs_input_grad:     # (targets copied: they may change in place later)
            ctx.shape, ctx.ts, ctx.w, ctx.red, ctx.denom, ctx.one_d = (
                lp.shape, ts if has_ignore else ts.copy(), w, red, denom, one_d)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, ts, w, red = ctx.shape, ctx.ts, ctx.w, ctx.red
        dt = g._data.dtype
        coef = np.zeros(shape, dt)
        # unweighted: one scalar for every picked entry (the same float division per entry)
        val = dt.type(-1) if w is None else -w.astype(dt, copy=False)
        if red == 1:
            val = val / ctx.denom
        _scatter(coef, ts, val)
        if ctx.one_d:
            coef = coef[0]
        if not STATE.enabled:  # nothing to record: scale the coefficients in place
            gd = g._data[:, None] if red == 0 and not ctx.one_d else g._data
            coef *= gd
            return _wrap_dt(coef, g._dtype, g._device), None, None
        c = _wrap_dt(coef, g._dtype, g._device)
        if red == 0 and not ctx.one_d:
            g = g.unsqueeze(1)
        return g * c, None, None


def _pick(lp, ts):
    """lp[i, ts[i], ...]: plain integer indexing for (N, C) (np.take_along_axis's wrapper
    costs more than the gather at a classifier's sizes), the along-axis form for (N, C, d...)."""
    if lp.ndim == 2:
        return lp[np.arange(ts.shape[0]), ts]
    return np.take_along_axis(lp, np.expand_dims(ts, 1), axis=1)[:, 0]


def _scatter(coef, ts, val) -> None:
    """coef[i, ts[i], ...] = val (val: a scalar or shaped as ts), _pick's inverse."""
    if coef.ndim == 2:
        coef[np.arange(ts.shape[0]), ts] = val
    else:
        val = np.broadcast_to(val, ts.shape)
        np.put_along_axis(coef, np.expand_dims(ts, 1), np.expand_dims(val, 1), axis=1)


def nll_loss_(input: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
              ignore_index: int, op: str = "nll_loss") -> Tensor:
    """Validated call of the NllLoss primitive (input holds log-probabilities)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}(): argument 'target' must be Tensor, not "
                        f"{type(target).__name__}")
    if target._dtype is not D.int64 and target._dtype is not D.uint8:
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got "
            f"{_TYPE.get(target._dtype.name, target._dtype)} ({op}: the target holds class "
            f"indices as an int64 tensor; for class probabilities pass a float target of the "
            f"input's shape to cross_entropy)")
    if reduction not in _RED:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    si, st = input._data.shape, target._data.shape
    if len(si) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(si)})")
    if len(si) == 1:
        if len(st) != 0:
            raise RuntimeError(f"{op}: 1D target tensor expected for 2D input, but got a "
                               f"{len(st)}-D target {tuple(st)} for input {tuple(si)} (a "
                               f"1-D input of C scores takes a 0-d class index)")
        ncls = si[0]
    else:
        if st[:1] != si[:1]:
            raise ValueError(f"Expected input batch_size ({si[0]}) to match target batch_size "
                             f"({st[0] if st else 0}).")
        if tuple(st) != tuple(si[:1]) + tuple(si[2:]):
            raise RuntimeError(f"{op}: expected target of shape {tuple(si[:1] + si[2:])} for "
                               f"input of shape {tuple(si)}, got {tuple(st)}")
        ncls = si[1]
    t = target._data
    if t.size and (t.min() < 0 or t.max() >= ncls):     # (two reductions: the common case)
        bad = (t < 0) | (t >= ncls)
        if ignore_index is not None:
            bad &= t != ignore_index
        if bad.any():
            v = int(t[bad].reshape(-1)[0])
            raise IndexError(f"{op}: target class {v} out of range for {ncls} classes "
                             f"(Target {v} is out of bounds.)")
    if weight is not None:
        if weight._data.shape != (ncls,):
            raise RuntimeError(f"{op}: weight tensor should be defined either for all {ncls} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight._data.shape)}")
        wd = weight._data
        if wd.dtype != input._data.dtype:
            wd = wd.astype(input._data.dtype)
    else:
        wd = None
    if input._dtype._kind < 2:
        raise RuntimeError(f"\"{op}\" not implemented for '{_TYPE.get(input._dtype.name)}'")
    return NllLoss.apply(input, t, wd, _RED[reduction],
                         -(1 << 62) if ignore_index is None else int(ignore_index))


_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
         "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
         "bfloat16": "BFloat16"}


class MseLossGrad(prim):
    """grad_output * 2 (x - t) / n in one NumPy pass; its own backward (double backward) is
    written in tocha ops."""

    node_name = "MseLossBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, t, red):
        if ctx.needs_input_grad:
            ctx.save_for_backward(g, x, t)
            ctx.red = red
        scale = 2.0 / x.size if red == 1 and x.size else 2.0
        r = (x - t) * scale
        r *= g
        return r.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        g, x, t = ctx.saved_tensors
        n = ctx.needs_input_grad
        red = ctx.red
        scale = 2.0 / x.numel() if red == 1 and x.numel() else 2.0
        dg = MseLossGrad.apply(gg, x, t, red) if n[0] else None
        if red:
            dg = dg.sum() if dg is not None else None
        dx = gg * g * scale if (n[1] or n[2]) else None
        return dg, dx if n[1] else None, -dx if n[2] else None


class MseLoss(prim):
    """mean/sum/none of (x - t)^2 for same-shape x and t: one node, as in PyTorch."""

    node_name = "MseLossBackward0"
    @staticmethod
    def forward(ctx, x, t, red):
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, t)
            ctx.red = red
        if x.dtype.kind == "V":     # bfloat16: squares in float32, rounded; float32 sums
            d = np.square(x.astype(np.float32) - t.astype(np.float32)).astype(x.dtype)
            if red == 0:
                return d
            s = d.sum(dtype=np.float32)
            return np.asarray(s / np.float32(d.size) if red == 1 else s, dtype=x.dtype)
        d = x - t
        d *= d
        if red == 0:
            return d
        if d.size == 1:  # one element: its sum and its mean (x / 1) are the element itself
            return d.reshape(())
        s = d.sum(dtype=x.dtype)  # the method: same reduction as np.sum, less overhead
        if red == 1:
            s = s / x.dtype.type(d.size) if d.size else x.dtype.type(np.nan)
        return np.asarray(s, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        gx = MseLossGrad.apply(g, x, t, ctx.red)
        n = ctx.needs_input_grad
        return gx if n[0] else None, -gx if n[1] else None, None


class BinaryCrossEntropy(prim):
    """Elementwise -(t log x + (1 - t) log(1 - x)) with each log clamped at -100, and
    PyTorch's guarded gradient (x - t) / max(x (1 - x), 1e-12): finite (0 at x = t) even where
    x is exactly 0 or 1, where the clamped logs' chain rule would give 0 * inf = NaN."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, t):
        ctx.save_for_backward(x, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = np.maximum(np.log(x), -100.0)
            l1 = np.maximum(np.log1p(-x), -100.0)
        return (-(t * lx + (1 - t) * l1)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        n = ctx.needs_input_grad
        gx = gt = None
        if n[0]:
            gx = g * (x - t) / (x * (1 - x)).clamp_min(1e-12)
        if n[1]:
            # PyTorch's -logit(x) * g, unclamped: infinite where x is exactly 0 or 1
            gt = -x.logit() * g
        return gx, gt


class ClampMinKeepGrad(prim):
    """max(v, lo) whose gradient is g everywhere: gaussian_nll_loss's variance, which PyTorch
    clamps in place under no_grad, so the gradient still reaches a variance below eps."""

    @staticmethod
    def forward(ctx, v, lo):
        return np.maximum(v, np.asarray(lo, v.dtype))

    @staticmethod
    def backward(ctx, g):
        return g, None
