"""SGD with momentum, dampening, Nesterov, weight decay and maximize."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import _wrap
from . import _functional as _F
from ._functional import exact, fma_
from .optimizer import Optimizer, ParamsT, _check_fused, _to_scalar, dense_grad, scratch

__all__ = ["SGD", "sgd_update"]

_mul = np.multiply
_sub = np.subtract
_add = np.add
_f32 = np.float32
_f64 = np.float64
_ndarray = np.ndarray


def sgd_update(p, g, buf, lr: float, momentum: float, dampening: float, weight_decay: float,
               nesterov: bool, maximize: bool):
    """One SGD step on arrays: `p` (and `buf`) in place. Returns the momentum buffer, a copy of
    the (decayed) gradient on the first step (PyTorch's first-step semantics), or None."""
    tmp, d = scratch(p, 2)
    fused = exact(p)
    if maximize:
        g = np.negative(g, out=d)
    if weight_decay != 0:
        if fused:
            g = fma_(p, weight_decay, g, d)
        else:
            _mul(p, weight_decay, out=tmp)
            g = np.add(g, tmp, out=d)
    if momentum != 0:
        if buf is None:
            buf = g.copy()
        else:
            buf *= momentum
            if dampening == 0:
                buf += g
            elif fused:
                fma_(g, 1 - dampening, buf, buf)
            else:
                _mul(g, 1 - dampening, out=tmp)
                buf += tmp
        if nesterov:
            if fused:
                g = fma_(buf, momentum, g, d)
            else:
                _mul(buf, momentum, out=tmp)
                g = np.add(g, tmp, out=d)
        else:
            g = buf
    if fused:
        fma_(g, -lr, p, p)
    else:
        _mul(g, lr, out=tmp)
        _sub(p, tmp, out=p)
    return buf


class SGD(Optimizer):
    """Stochastic gradient descent: `p -= lr * p.grad`, optionally with momentum.

    Args:
        params: the tensors to update (e.g. `model.parameters()`), or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-3.
        momentum (float): keep a running direction `b = momentum * b + grad`. Default: 0.
        dampening (float): scale the new gradient in the momentum sum by `1 - dampening`.
        weight_decay (float): add `weight_decay * p` to the gradient (L2 penalty). Default: 0.
        nesterov (bool): Nesterov momentum. Default: False.
        maximize (bool): ascend instead of descend. Default: False.
        foreach (bool, optional): accepted for compatibility.
        differentiable (bool): accepted for compatibility.
        fused (bool, optional): accepted for compatibility.

    Example:
        >>> import tocha
        >>> w = tocha.tensor([1.0], requires_grad=True)
        >>> opt = tocha.optim.SGD([w], lr=0.1)
        >>> loss = (w ** 2).sum()  # d loss / dw = 2w = 2
        >>> loss.backward()
        >>> opt.step()  # w = 1 - 0.1 * 2
        >>> w
        tensor([0.8000], requires_grad=True)
        >>> opt.zero_grad()  # gradients add up across backward() calls: clear them each step
    """

    _group_defaults = (("nesterov", False), ("maximize", False), ("foreach", None),
                       ("differentiable", False), ("fused", False))

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum = _to_scalar(group["momentum"])
            dampening = _to_scalar(group["dampening"])
            wd = _to_scalar(group["weight_decay"])
            nesterov = group["nesterov"]
            maximize = group["maximize"]
            if dampening == 0 and not nesterov and not maximize:
                # the common case (momentum, optional weight decay): one call per group,
                # the per-parameter loop inlined in it
                _plain_group(group["params"], state, lr, momentum, wd)
                continue
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                a = p._data
                g = dense_grad(gt)
                if momentum != 0:
                    st = state[p]
                    bt = st.get("momentum_buffer")
                    buf = sgd_update(a, g, None if bt is None else bt._data, lr,
                                     momentum, dampening, wd, nesterov, maximize)
                    if bt is None:
                        st["momentum_buffer"] = _wrap(buf)
                else:
                    sgd_update(a, g, None, lr, 0, dampening, wd, nesterov, maximize)
                p._bump()
        return loss


def _plain_group(params, state, lr, momentum, wd) -> None:
    """SGD's common case (no dampening, nesterov or maximize) over one group's parameters,
    inlined for speed; small float32 arrays take the exact fused multiply-add (see
    _functional.EXACT_FMA_MAX)."""
    # alpha rounded to float32 (PyTorch's opmath), held as float64 scalars so that
    # `float32 array * scalar` is an exact float64 product
    nlr64, wd64 = _f64(_f32(-lr)), _f64(_f32(wd))
    exact_max = _F.EXACT_FMA_MAX   # the one knob (0: never emulate)
    for p in params:
        gt = p._grad
        if gt is None:
            continue
        a = p._data
        small = a.size <= exact_max and a.itemsize < 8
        g = gt._data
        if g.__class__ is not _ndarray:     # (a sparse gradient: the same update, densified)
            g = dense_grad(gt)
        if wd != 0 or not small:  # (small, no decay: no temporaries needed)
            tmp, d = scratch(a, 2)
        if wd != 0:
            if small:
                g = _add(a * wd64, g, out=d, casting="same_kind")
            else:
                _mul(a, wd, out=tmp)
                g = _add(g, tmp, out=d)
        if momentum == 0:
            buf = g
        else:
            st = state[p]
            bt = st.get("momentum_buffer")
            if bt is None:
                buf = g.copy()
                st["momentum_buffer"] = _wrap(buf)
            else:
                buf = bt._data
                buf *= momentum
                buf += g
        if small:
            # np.add(a, buf * nlr64, out=a) (same_kind casting) by the operator,
            # which skips the keyword parsing
            a += buf * nlr64
        else:
            _mul(buf, lr, out=tmp)
            _sub(a, tmp, out=a)
        p._bump()
