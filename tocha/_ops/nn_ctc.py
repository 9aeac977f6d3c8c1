"""The CTC loss primitive: forward/backward (alpha/beta) recursions in log space on arrays.

Its gradient is PyTorch's: exp(log_probs) - (posterior of each class at each step), the
derivative with respect to the logits under a log_softmax (PyTorch returns that as the
gradient of log_probs too); steps past an input's length get 0.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dt
from ._util import prim

_NEG = -np.inf


def _lse(*xs):
    m = np.maximum.reduce(xs)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(sum(np.exp(x - safe) for x in xs))


def _extended(targets, tl, blank, n, smax):
    ext = np.full((n, 2 * smax + 1), blank, dtype=np.int64)
    for i in range(n):
        ext[i, 1:2 * tl[i]:2] = targets[i, :tl[i]]
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _alpha(lp, ext, skip, il):
    t_max, n, length = lp.shape[0], ext.shape[0], ext.shape[1]
    emit = np.take_along_axis(lp, np.broadcast_to(ext, (t_max, n, length)), 2)
    alpha = np.full((t_max, n, length), _NEG, dtype=lp.dtype)
    alpha[0, :, 0] = emit[0, :, 0]
    if length > 1:
        alpha[0, :, 1] = emit[0, :, 1]
    for t in range(1, t_max):
        a = alpha[t - 1]
        a1 = np.concatenate([np.full((n, 1), _NEG, lp.dtype), a[:, :-1]], 1)
        a2 = np.concatenate([np.full((n, 2), _NEG, lp.dtype), a[:, :-2]], 1)
        a2 = np.where(skip, a2, _NEG)
        alpha[t] = _lse(a, a1, a2) + emit[t]
    return alpha, emit


def _beta(emit, skip, il, tl):
    t_max, n, length = emit.shape
    beta = np.full((t_max, n, length), _NEG, dtype=emit.dtype)
    rows = np.arange(n)
    for t in range(t_max - 1, -1, -1):
        last = il - 1 == t
        if t < t_max - 1:
            b = beta[t + 1]
            b1 = np.concatenate([b[:, 1:], np.full((n, 1), _NEG, emit.dtype)], 1)
            b2 = np.concatenate([b[:, 2:], np.full((n, 2), _NEG, emit.dtype)], 1)
            skip2 = np.concatenate([skip[:, 2:], np.zeros((n, 2), bool)], 1)
            b2 = np.where(skip2, b2, _NEG)
            beta[t] = np.where((t < il - 1)[:, None], _lse(b, b1, b2) + emit[t], _NEG)
        if last.any():
            r = rows[last]
            beta[t, r, 2 * tl[r]] = emit[t, r, 2 * tl[r]]
            has = tl[r] > 0
            beta[t, r[has], 2 * tl[r[has]] - 1] = emit[t, r[has], 2 * tl[r[has]] - 1]
    return beta


class CtcLoss(prim):
    """Per-sample negative log-likelihoods (N,) of targets under (T, N, C) log_probs."""

    node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, lp, targets, il, tl, blank, zero_infinity):
        n, smax = targets.shape
        ext, skip = _extended(targets, tl, blank, n, smax)
        alpha, emit = _alpha(lp, ext, skip, il)
        rows = np.arange(n)
        end = alpha[il - 1, rows]
        last = end[rows, 2 * tl]
        prev = np.where(tl > 0, end[rows, np.maximum(2 * tl - 1, 0)], _NEG)
        nll = -_lse(last, prev)
        if ctx.needs_input_grad:
            beta = _beta(emit, skip, il, tl)
            ab = alpha + beta   # both include the emission at t: the formula removes one
            lcab = np.full(lp.shape, _NEG, dtype=lp.dtype)
            t_max = lp.shape[0]
            for s in range(ext.shape[1]):
                idx = np.broadcast_to(ext[None, :, s:s + 1], (t_max, n, 1))
                cur = np.take_along_axis(lcab, idx, 2)
                np.put_along_axis(lcab, idx, _lse(cur, ab[:, :, s:s + 1]), 2)
            with np.errstate(over="ignore", invalid="ignore"):
                grad = np.exp(lp) - np.exp(lcab + nll[None, :, None] - lp)
            grad[np.arange(t_max)[:, None] >= il[None, :]] = 0
            if zero_infinity:
                grad[:, np.isinf(nll)] = 0
            ctx.grad = grad
        if zero_infinity:
            nll = np.where(np.isinf(nll), 0.0, nll)
        return nll.astype(lp.dtype)

    @staticmethod
    def backward(ctx, g):
        c = _wrap_dt(ctx.grad, g._dtype, g._device)
        return g.reshape(1, -1, 1) * c, None, None, None, None, None


def _lengths(x, n: int, name: str) -> list[int]:
    if isinstance(x, int):
        x = [x]
    vals = x.reshape(-1).tolist() if isinstance(x, Tensor) else list(x)
    if len(vals) != n:
        raise RuntimeError(f"Expected {name} to have size {n}, but got {len(vals)}")
    return [int(v) for v in vals]


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """CTC loss of log_probs (T, N, C) (or (T, C)) against targets (N, S) padded or the 1-d
    concatenation of all targets; 'mean' divides each loss by its target length first.

    The gradient of log_probs is PyTorch's (see tocha/_ops/nn_ctc.py)."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    t_max, n, _ = lp.shape
    il = np.array(_lengths(input_lengths, n, "input_lengths"), dtype=np.int64)
    tl = np.array(_lengths(target_lengths, n, "target_lengths"), dtype=np.int64)
    if (il > t_max).any() or (il < 1).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got "
                           f"value {int(il.max())}")
    tg = targets.numpy() if isinstance(targets, Tensor) else np.asarray(targets)
    if unbatched:
        tg = tg.reshape(1, -1)
    if tg.ndim == 1:  # concatenated targets
        smax = int(tl.max()) if n else 0
        padded = np.full((n, max(smax, 1)), blank, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(tl)[:-1]])
        for i in range(n):
            padded[i, :tl[i]] = tg[starts[i]:starts[i] + tl[i]]
        tg = padded
    if tg.shape[1] < int(tl.max(initial=0)):
        raise RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension "
                           f"1, but got size {tg.shape[1]} for argument #2 'targets'")
    nll = CtcLoss.apply(lp, tg.astype(np.int64), il, tl, blank, zero_infinity)
    if reduction == "none":
        return nll.squeeze(0) if unbatched else nll
    if reduction == "sum":
        return nll.sum()
    denom = _wrap_dt(np.maximum(tl, 1).astype(nll.dtype.np), nll.dtype, nll.device)
    return (nll / denom).mean()
