"""Loss functions of `nn.functional` (re-exported there). Composites except nll_loss and
cross_entropy, which call the fused NllLoss primitive after log_softmax."""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable

from .. import _autocast
from .._ops import elementwise as _E
from .._ops import nn_act as _A
from .._ops import reduce as _R
from .._ops.nn_loss import BinaryCrossEntropy as _BCE
from .._ops.nn_loss import ClampMinKeepGrad as _ClampKeep
from .._ops.nn_loss import MseLoss as _MseLoss
from .._ops.nn_loss import nll_loss_ as _nll
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

_REDUCTIONS = ("none", "mean", "sum")
_RED = {"none": 0, "mean": 1, "sum": 2}


def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{_legacy(size_average, reduce)}' instead.")
        return _legacy(size_average, reduce)
    if reduction not in _REDUCTIONS and reduction != "batchmean":
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy(size_average, reduce) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    if reduce:
        return "sum"
    return "none"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_tensor(x, name: str, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {1 if name == 'input' else 2}) "
                        f"must be Tensor, not {type(x).__name__}")


def _size_warn(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input "
                      f"size ({input.size()}). This will likely lead to incorrect results due "
                      f"to broadcasting. Please ensure they have the same size.", stacklevel=3)


# ---------------------------------------------------------------- losses
def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error between `input` and `target` (the function behind `nn.MSELoss`).

    Same shapes and dtypes: one fused primitive (node MseLossBackward0, as in PyTorch) rather
    than the Sub/Mul/Mean composite, because this loss sits in every small regression loop
    (the seed-001 tutorial) where each node's Python cost shows; broadcasting or weighted
    calls use the composite.

    Args:
        input (Tensor): predictions, any shape.
        target (Tensor): same shape as `input` (broadcastable shapes warn, as in PyTorch).
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        weight (Tensor, optional): a weight per element, broadcast to `input`.

    Returns:
        Tensor: a scalar, or `input`'s shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.mse_loss(tocha.tensor([1.0, 2.0, 3.0]), tocha.tensor([1.0, 2.0, 5.0]))  # 4 / 3
        tensor(1.3333)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("mse_loss", mse_loss, **locals())
    if not isinstance(input, Tensor):
        _check_tensor(input, "input", "mse_loss")
    if input._dtype.is_complex:
        from .._ops.complex import refuse
        refuse("mse_loss", input)
    if not isinstance(target, Tensor):
        _check_tensor(target, "target", "mse_loss")
    if reduction != "mean" or size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    # array shapes (plain tuples) rather than .shape (a Size built per call)
    if (weight is None and input._data.shape == target._data.shape
            and input._dtype is target._dtype and input._dtype._kind == 2):
        return _MseLoss.apply(input, target, _RED[reduction])
    _size_warn(input, target)
    d = input - target
    loss = d * d
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error between `input` and `target` (the function behind `nn.L1Loss`).

    Args:
        input (Tensor): predictions, any shape.
        target (Tensor): same shape as `input`.
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        weight (Tensor, optional): a weight per element.

    Returns:
        Tensor: a scalar, or `input`'s shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.l1_loss(tocha.tensor([1.0, -1.0]), tocha.zeros(2), reduction="none")
        tensor([1., 1.])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("l1_loss", l1_loss, **locals())
    _check_tensor(input, "input", "l1_loss")
    _check_tensor(target, "target", "l1_loss")
    _size_warn(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("smooth_l1_loss", smooth_l1_loss, **locals())
    _size_warn(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = (input - target).abs()
    if beta == 0:
        return _reduce(d, reduction)
    loss = _E.where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("huber_loss", huber_loss, input, target, reduction, delta, weight)
    _size_warn(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = (input - target).abs()
    loss = _E.where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100, reduce: bool | None = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices, given log-probabilities (`nn.NLLLoss`).

    Args:
        input (Tensor): `(N, C)` log-probabilities (or `(N, C, d1, ...)`, or `(C,)`).
        target (Tensor): `(N,)` class indices (int64).
        weight (Tensor, optional): a weight per class, `(C,)`.
        size_average: deprecated (use `reduction`).
        ignore_index (int): targets with this value are left out. Default: -100.
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.

    Returns:
        Tensor: a scalar, or `(N,)` with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.nll_loss(tocha.tensor([[-1.0, -2.0]]), tocha.tensor([1]))
        tensor(2.)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("nll_loss", nll_loss, **locals())
    _check_tensor(input, "input", "nll_loss")
    reduction = _reduction(size_average, reduce, reduction)
    return _nll(input, target, weight, reduction, ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between raw scores and targets: `log_softmax` then `nll_loss`.

    Args:
        input (Tensor): `(N, C)` scores (logits), or `(N, C, d1, ...)`, or `(C,)`.
        target (Tensor): `(N,)` class indices (int64), or class probabilities shaped like
            `input`.
        weight (Tensor, optional): a weight per class, `(C,)`.
        size_average: deprecated (use `reduction`).
        ignore_index (int): targets with this value are left out. Default: -100.
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        label_smoothing (float): mix targets with the uniform distribution. Default: 0.

    Returns:
        Tensor: a scalar, or `(N,)` with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.cross_entropy(tocha.zeros(3, 2), tocha.tensor([0, 1, 1]))  # log(2)
        tensor(0.6931)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("cross_entropy", cross_entropy, **locals())
    _check_tensor(input, "input", "cross_entropy")
    _check_tensor(target, "target", "cross_entropy")
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    cdim = 0 if input.ndim == 1 else 1
    logp = _R.log_softmax(input, cdim)
    ncls = input.shape[cdim]
    if target.is_floating_point() and target.shape == input.shape:
        return _ce_probs(logp, target, weight, reduction, label_smoothing, cdim, ncls)
    nll = _nll(logp, target, weight, reduction, ignore_index, "cross_entropy")
    if label_smoothing <= 0.0:
        return nll
    ignore = target == ignore_index
    if weight is not None:
        shape = [1] * input.ndim
        shape[cdim] = ncls
        smooth = -(logp * weight.reshape(shape)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    ret = _reduce_smoothing(smooth.masked_fill(ignore, 0.0), ignore, weight, target, reduction)
    return nll * (1 - label_smoothing) + ret * (label_smoothing / ncls)


def _reduce_smoothing(smooth, ignore, weight, target, reduction):
    """The label-smoothing term of cross_entropy, reduced as the loss is."""
    if reduction == "mean":
        if weight is not None:
            return smooth.sum() / weight.gather(0, target.masked_select(~ignore).flatten()).sum()
        return smooth.sum() / (~ignore).sum()
    if reduction == "sum":
        return smooth.sum()
    return smooth


def _ce_probs(logp, target, weight, reduction, ls, cdim, ncls):
    if ls > 0:
        target = target * (1 - ls) + ls / ncls
    if weight is not None:
        shape = [1] * logp.ndim
        shape[cdim] = ncls
        loss = -(logp * target * weight.reshape(shape)).sum(cdim)
    else:
        loss = -(logp * target).sum(cdim)
    if reduction == "mean":
        n = logp.numel() // ncls if logp.numel() else 0
        return loss.sum() / n if logp.ndim > 1 else loss
    return _reduce(loss, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy between probabilities and 0/1 targets (`nn.BCELoss`).

    `-(t log x + (1 - t) log(1 - x))`, with the logs clamped at -100 as in PyTorch.

    Args:
        input (Tensor): probabilities in [0, 1], any shape.
        target (Tensor): same shape, values in [0, 1].
        weight (Tensor, optional): a weight per element.
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.

    Returns:
        Tensor: a scalar, or `input`'s shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.binary_cross_entropy(tocha.tensor([1.0, 0.5]), tocha.tensor([1.0, 1.0]))  # log(2)/2
        tensor(0.3466)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("binary_cross_entropy", binary_cross_entropy, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the "
                         f"input size ({input.size()}) is deprecated. Please ensure they have "
                         f"the same size.")
    with no_grad():
        if ((input < 0) | (input > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
    if target.dtype != input.dtype:
        target = target.to(input.dtype)
    loss = _BCE.apply(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """`sigmoid` then binary cross-entropy, computed stably from raw scores.

    Args:
        input (Tensor): scores (logits), any shape.
        target (Tensor): same shape, values in [0, 1].
        weight (Tensor, optional): a weight per element.
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        pos_weight (Tensor, optional): a weight for positive examples, per class.

    Returns:
        Tensor: a scalar, or `input`'s shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.binary_cross_entropy_with_logits(tocha.tensor([0.0]), tocha.tensor([1.0]))
        tensor(0.6931)
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits,
                             **locals())
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    ls = _A.logsigmoid(input)
    if pos_weight is not None:
        lw = (pos_weight - 1) * target + 1
        loss = (1 - target) * input - lw * ls
    else:
        loss = (1 - target) * input - ls
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Pointwise KL divergence; input holds log-probabilities."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("kl_div", kl_div, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # PyTorch's composite: NaN for a negative target, and the target's gradient NaN at 0
        loss = _E.xlogy(target, target) - target * input
    if reduction == "batchmean":
        if input.ndim == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("poisson_nll_loss", poisson_nll_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        st = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + _E.where(target > 1, st, st * 0)
    return _reduce(loss, reduction)


def _broadcasts(a, b) -> bool:
    return all(p == q or 1 in (p, q) for p, q in zip(reversed(a), reversed(b)))


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    if not isinstance(var, Tensor):         # a number: one variance for all
        var = input.new_full(input.shape, float(var))
    if var.shape != input.shape:
        if var.shape == input.shape[:-1]:       # homoscedastic: one variance per row
            var = var.unsqueeze(-1)
        elif not _broadcasts(var.shape, input.shape):
            raise ValueError("var is of incorrect size")
    with no_grad():
        if (var < 0).any():
            raise ValueError("var has negative entry/entries")
    var = _ClampKeep.apply(var, eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for target 1, max(0, cos - margin) for target -1."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("cosine_embedding_loss", cosine_embedding_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    m1 = (input1 * input1).sum(-1) + eps
    m2 = (input2 * input2).sum(-1) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = cos * 0
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    loss = _E.where(target == 1, pos, zeros) + _E.where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("margin_ranking_loss", margin_ranking_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("hinge_embedding_loss", hinge_embedding_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    loss = _E.where(target != 1, margin_clamp, zeros) + _E.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("soft_margin_loss", soft_margin_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(_A.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * _A.logsigmoid(input) + (1 - target) * _A.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("triplet_margin_loss", triplet_margin_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    d_pos = _pd(anchor, positive, p, eps)
    d_neg = _pd(anchor, negative, p, eps)
    if swap:
        d_neg = _E.minimum(d_neg, _pd(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """sum_{i != y} max(0, margin - x[y] + x[i])^p / C per sample."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("multi_margin_loss", multi_margin_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim > 1 else input.unsqueeze(0)
    t = target.reshape(-1, 1)
    xy = x.gather(1, t)
    m = (x - xy + margin).relu()     # PyTorch's kernel: no gradient where the margin is 0
    if p == 2:
        m = m * m
    if weight is not None:
        m = m * weight.gather(0, t.reshape(-1)).reshape(-1, 1)
    from .._ops.nn_misc import one_hot as _oh
    keep = _oh(t.reshape(-1), x.shape[1]) == 0
    loss = (m * keep).sum(1) / x.shape[1]
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """sum over targets j (until the first -1) and non-targets i of
    max(0, 1 - (x[j] - x[i])) / C."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("multilabel_margin_loss", multilabel_margin_loss, **locals())
    reduction = _reduction(size_average, reduce, reduction)
    x = input if input.ndim > 1 else input.unsqueeze(0)
    t = target if target.ndim > 1 else target.unsqueeze(0)
    if t.shape != x.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    losses = []
    for r in range(x.shape[0]):
        row = t[r].tolist()
        tg = []
        for v in row:
            if v < 0:
                break
            tg.append(v)
        xr = x[r]
        if not tg:
            losses.append(xr.sum() * 0)
            continue
        is_t = [i in tg for i in range(x.shape[1])]
        non = [i for i in range(x.shape[1]) if not is_t[i]]
        from .._creation import tensor as _tensor
        xj = xr[_tensor(tg)].unsqueeze(1)
        xi = xr[_tensor(non)].unsqueeze(0) if non else None
        losses.append((1 - (xj - xi)).clamp_min(0).sum() / x.shape[1] if non
                      else xr.sum() * 0)
    from .._ops.movement import stack
    loss = stack(losses)
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(
        anchor: Tensor, positive: Tensor, negative: Tensor, *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None, margin: float = 1.0,
        swap: bool = False, reduction: str = "mean") -> Tensor:
    dist = distance_function if distance_function is not None else _pd
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = _E.minimum(d_neg, dist(positive, negative))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


def _pd(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    return (x1 - x2 + eps).norm(p, -1, keepdim=keepdim)


# PyTorch's grad_fn names: these composites show as one node each (see tocha/nn/_named.py)
def _rename_composites() -> None:
    from ._named import rename
    rename(globals(), (("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogits"),
                       ("binary_cross_entropy", "BinaryCrossEntropy"),
                       ("smooth_l1_loss", "SmoothL1Loss"), ("huber_loss", "HuberLoss"),
                       ("soft_margin_loss", "SoftMarginLoss")))


_rename_composites()
