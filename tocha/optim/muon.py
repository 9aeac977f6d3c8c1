"""Muon: momentum SGD whose update matrix is orthogonalized by a Newton-Schulz iteration."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import _wrap
from ._functional import lerp_
from .optimizer import ParamsT, _GroupOptimizer

__all__ = ["Muon", "muon_update", "zeropower_via_newtonschulz"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5

_U32 = np.uint32


def _bf16(a: np.ndarray) -> np.ndarray:
    """`a` rounded to bfloat16 (to nearest, ties to even), held in float32.

    NumPy has no bfloat16, and PyTorch runs the iteration in it: each bfloat16 operation is
    a float32 computation rounded once, which this reproduces.
    """
    a = np.array(a, np.float32, ndmin=0)
    bits = a.view(_U32)
    bias = ((bits >> _U32(16)) & _U32(1)) + _U32(0x7FFF)
    out = ((bits + bias) & _U32(0xFFFF0000)).view(np.float32)
    nan = np.isnan(a)
    if nan.any():   # the rounding could carry a NaN's payload into infinity
        out[nan] = np.nan
    return out


def zeropower_via_newtonschulz(grad: np.ndarray, ns_coefficients: tuple[float, float, float],
                               ns_steps: int, eps: float) -> np.ndarray:
    """An approximately orthogonal matrix with `grad`'s singular vectors (bfloat16 values in
    a float32 array), by `ns_steps` quintic Newton-Schulz iterations."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (float(x) for x in ns_coefficients)
    x = _bf16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bf16(np.float32(np.linalg.norm(x)))
    x = _bf16(x / np.maximum(norm, _bf16(np.float32(eps))))
    for _ in range(ns_steps):
        gram = _bf16(x @ x.T)
        gram_update = _bf16(np.float32(b) * gram + np.float32(c) * (gram @ gram))
        x = _bf16(np.float32(a) * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple) -> float:
    """The learning rate scaled for a matrix of `shape` (Keller's rule or Moonshot's)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


def muon_update(p, g, buf, lr: float, weight_decay: float, momentum: float, nesterov: bool,
                ns_coefficients: tuple[float, float, float], ns_steps: int, eps: float,
                adjust_lr_fn: str | None) -> None:
    """One Muon step on arrays (`p` and the momentum buffer `buf` in place)."""
    if g.ndim != 2:
        raise ValueError("Param gradient must be a 2D matrix")
    lerp_(buf, g, 1 - momentum, np.empty_like(buf))
    if nesterov:
        update = g.copy()
        lerp_(update, buf, momentum, np.empty_like(buf))
    else:
        update = buf
    ortho = zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, eps)
    adjusted = _adjust_lr(lr, adjust_lr_fn, p.shape)
    p *= p.dtype.type(1 - lr * weight_decay)
    p += ortho.astype(p.dtype) * p.dtype.type(-adjusted)


class Muon(_GroupOptimizer):
    """Muon: momentum whose update is replaced by the nearest (semi-)orthogonal matrix.

    For the 2-d weights of hidden layers; give biases, embeddings and other parameters to a
    standard optimizer such as AdamW.

    Args:
        params: 2-d tensors to update, or parameter-group dicts.
        lr (float): the learning rate. Default: 1e-3.
        weight_decay (float): decoupled weight decay (times `lr`). Default: 0.1.
        momentum (float): momentum factor. Default: 0.95.
        nesterov (bool): use Nesterov momentum. Default: True.
        ns_coefficients (tuple of 3 floats): the Newton-Schulz polynomial's coefficients.
            Default: (3.4445, -4.7750, 2.0315).
        eps (float): floor of the norm the update is divided by. Default: 1e-7.
        ns_steps (int): Newton-Schulz iterations (< 100). Default: 5.
        adjust_lr_fn (str, optional): `"original"` (scale by `sqrt(max(1, rows/cols))`, the
            default) or `"match_rms_adamw"` (`0.2 * sqrt(max(rows, cols))`).

    Shapes: every parameter must be 2-d (`(out_features, in_features)`).

    Example:
        >>> import tocha
        >>> w = tocha.eye(2, requires_grad=True)
        >>> opt = tocha.optim.Muon([w], lr=0.1, weight_decay=0.0)
        >>> (w * tocha.tensor([[1.0, 0.0], [0.0, 2.0]])).sum().backward()
        >>> opt.step()  # both directions move by about lr, whatever the gradient's scale
        >>> w
        tensor([[0.8883, 0.0000],
                [0.0000, 0.9309]], requires_grad=True)

    Differs from PyTorch: the iteration's bfloat16 arithmetic is emulated in float32 with one
    rounding per operation; matrix products sum in a different order, so an element may round
    to the neighbouring bfloat16 value.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, weight_decay: float = 0.1,
                 momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
                 eps: float = EPS, ns_steps: int = DEFAULT_NS_STEPS,
                 adjust_lr_fn: str | None = None) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                    "nesterov": nesterov, "ns_coefficients": ns_coefficients, "eps": eps,
                    "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def _group_step(self, group: dict) -> None:
        lr, wd, momentum, eps = (float(group[k]) for k in ("lr", "weight_decay", "momentum",
                                                            "eps"))
        state = self.state
        for p in group["params"]:
            gt = p._grad
            if gt is None:
                continue
            if p.is_complex():
                raise RuntimeError("Muon does not support complex parameters")
            st = state[p]
            if "momentum_buffer" not in st:
                st["momentum_buffer"] = _wrap(np.zeros_like(gt._data), p._device)
            muon_update(p._data, gt._data, st["momentum_buffer"]._data, lr, wd, momentum,
                        group["nesterov"], group["ns_coefficients"], group["ns_steps"], eps,
                        group["adjust_lr_fn"])
            p._bump()
