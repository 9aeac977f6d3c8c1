"""Adafactor: Adam-like steps whose second moment of a matrix is kept as row and column factors."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from ._functional import lerp_
from .optimizer import ParamsT, _GroupOptimizer

__all__ = ["Adafactor", "adafactor_update"]


def _rms(a: np.ndarray) -> float:
    """The root mean square of `a`, reduced in its own dtype (as PyTorch's `norm`)."""
    flat = a.reshape(-1)
    return float(np.sqrt(np.dot(flat, flat))) / (a.size ** 0.5)


def adafactor_update(p, g, row_var, col_var, variance, step: float, lr: float,
                     beta2_decay: float, eps1: float, eps2: float, d: float,
                     weight_decay: float, maximize: bool) -> None:
    """One Adafactor step on arrays (`p` and the factor arrays in place); `step` counts from 1.

    A gradient of two or more dimensions uses `row_var` (shape `(..., m, 1)`) and `col_var`
    (`(..., 1, n)`), else `variance` (the shape of `p`).
    """
    if maximize:
        g = -g
    weight = step ** beta2_decay                # 1 - beta2_t
    rho = min(lr, 1 / step ** 0.5)
    alpha = max(eps2, _rms(p)) * rho
    if weight_decay != 0:
        p *= p.dtype.type(1 - lr * weight_decay)
    sq = g * g
    if g.ndim > 1:
        lerp_(row_var, sq.mean(axis=-1, keepdims=True), weight, np.empty_like(row_var))
        lerp_(col_var, sq.mean(axis=-2, keepdims=True), weight, np.empty_like(col_var))
        var = np.matmul(row_var, col_var)
        var /= np.maximum(row_var.mean(axis=-2, keepdims=True), p.dtype.type(eps1))
    else:
        lerp_(variance, sq, weight, np.empty_like(variance))
        var = variance.copy()
    np.maximum(var, p.dtype.type(eps1 * eps1), out=var)
    update = np.sqrt(var, out=var)
    np.divide(g, update, out=update)
    denom = max(1.0, _rms(update) / d)
    update *= p.dtype.type(-alpha / denom)
    p += update


class Adafactor(_GroupOptimizer):
    """Adafactor: adaptive steps with a second-moment estimate that costs O(m + n) per matrix.

    The step size is relative to each parameter's root mean square (at least `eps[1]`), at
    most `lr` and shrinking as `1/sqrt(t)`; the running average of the squared gradient decays
    with `1 - t ** beta2_decay`, and a matrix keeps only its row and column means.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the largest relative step, also the weight-decay factor. Default: 1e-2.
        beta2_decay (float): exponent of the second moment's decay (<= 0). Default: -0.8.
        eps (tuple): `(eps1, eps2)`: `eps1` keeps the denominator away from 0 (None: the
            dtype's machine epsilon); `eps2` is the smallest parameter scale. Default:
            (None, 1e-3).
        d (float): clipping threshold of the update's root mean square. Default: 1.0.
        weight_decay (float): decoupled weight decay (times `lr`). Default: 0.0.
        foreach (bool, optional): accepted and ignored (tocha has one implementation).
        maximize (bool): ascend instead of descend. Default: False.

    Example:
        >>> import tocha
        >>> w = tocha.ones(2, 2, requires_grad=True)
        >>> opt = tocha.optim.Adafactor([w])
        >>> (w ** 2).sum().backward()
        >>> opt.step()  # a first step of lr times the parameter's scale
        >>> w
        tensor([[0.9900, 0.9900],
                [0.9900, 0.9900]], requires_grad=True)
    """

    _group_defaults = (("foreach", None),)

    def __init__(self, params: ParamsT, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        checks = ((0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
                  (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
                  (eps[0] is None or 0.0 <= eps[0],
                   f"epsilon1 should be >= 0 but is: {eps[0]}"),
                  (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
                  (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
                  (0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}"))
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _group_step(self, group: dict) -> None:
        lr, beta2_decay, d, wd = (float(group[k]) for k in ("lr", "beta2_decay", "d",
                                                               "weight_decay"))
        eps1, eps2 = group["eps"]
        for p in group["params"]:
            if p._grad is not None and p.is_complex():
                raise RuntimeError("Adafactor does not support complex parameters")
        for p, g, st, step in self._each(group):
            if "row_var" not in st and "variance" not in st:
                _init_factors(st, g)
            if eps1 is None:
                # as PyTorch, the first parameter's dtype fixes eps1 for the rest of the group
                eps1 = float(np.finfo(p._data.dtype).eps)
            adafactor_update(p._data, g, _arr(st, "row_var"), _arr(st, "col_var"),
                             _arr(st, "variance"), step, lr, beta2_decay, float(eps1),
                             float(eps2), d, wd, group["maximize"])


def _arr(st: dict, key: str):
    t = st.get(key)
    return None if t is None else t._data


def _init_factors(st: dict, g: np.ndarray) -> None:
    """A parameter's factors: row and column means for a matrix (or batch of them), else a
    full second moment."""
    if g.ndim > 1:
        st["row_var"] = _wrap(np.zeros(g.shape[:-1] + (1,), g.dtype))
        st["col_var"] = _wrap(np.zeros(g.shape[:-2] + (1, g.shape[-1]), g.dtype))
    else:
        st["variance"] = _wrap(np.zeros_like(g))

