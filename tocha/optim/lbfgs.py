"""L-BFGS with optional strong-Wolfe line search (PyTorch's `torch.optim.LBFGS`).

The iteration runs on one flat NumPy vector in the parameters' dtype; scalars (dot products,
`ro`, `H_diag`, step `t`) stay NumPy scalars of that dtype, as PyTorch keeps them 0-d tensors,
so float32 problems round like PyTorch's. Dot products use NumPy's BLAS (last-bit differences).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad
from .optimizer import Optimizer, ParamsT, _to_scalar

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Line search along `d` from step `t` satisfying the strong Wolfe conditions: first
    bracket an interval holding such a step, then zoom into it."""
    d_norm = np.abs(d).max()
    g = g.copy()
    br, done, ls_iter, evals = _bracket(obj_func, x, t, d, f, g, gtd, c1, c2, max_ls)
    return _zoom(obj_func, x, d, f, gtd, d_norm, br, done, ls_iter, evals, c1, c2,
                 tolerance_change, max_ls)


def _bracket(obj_func, x, t, d, f, g, gtd, c1, c2, max_ls):
    """Grow the step until [t_prev, t] brackets a strong-Wolfe point, or t is one (done).
    Returns ([steps, values, gradients, directional derivatives], done, iterations, evals)."""
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            return ([[t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()],
                     [gtd_prev, gtd_new]], False, ls_iter, evals)
        if abs(gtd_new) <= -c2 * gtd:
            return [[t], [f_new], [g_new], None], True, ls_iter, evals
        if gtd_new >= 0:
            return ([[t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()],
                     [gtd_prev, gtd_new]], False, ls_iter, evals)
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    return [[0, t], [f, f_new], [g, g_new], None], False, ls_iter, evals


def _zoom_step(bracket, bracket_f, bracket_gtd, insuf_progress):
    """The next trial step inside the bracket: cubic interpolation, kept away from the ends
    when progress stalls. Returns (t, insuf_progress)."""
    t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1],
                           bracket_f[1], bracket_gtd[1])
    eps = 0.1 * (max(bracket) - min(bracket))
    if min(max(bracket) - t, t - min(bracket)) >= eps:
        return t, False
    if insuf_progress or t >= max(bracket) or t <= min(bracket):
        if abs(t - max(bracket)) < abs(t - min(bracket)):
            return max(bracket) - eps, False
        return min(bracket) + eps, False
    return t, True


def _zoom(obj_func, x, d, f, gtd, d_norm, br, done, ls_iter, evals, c1, c2, tolerance_change,
          max_ls):
    """Shrink the bracket until its low end satisfies the strong Wolfe conditions."""
    bracket, bracket_f, bracket_g, bracket_gtd = br
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t, insuf_progress = _zoom_step(bracket, bracket_f, bracket_gtd, insuf_progress)
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            pos = high_pos
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                for lst in (bracket, bracket_f, bracket_g, bracket_gtd):
                    lst[high_pos] = lst[low_pos]
            pos = low_pos
        bracket[pos], bracket_f[pos], bracket_g[pos] = t, f_new, g_new.copy()
        bracket_gtd[pos] = gtd_new
        if pos == high_pos:
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], evals


def _to_state(v):
    # arrays and NumPy scalars are kept as tensors in `state` (PyTorch keeps 0-d tensors)
    if isinstance(v, (np.ndarray, np.generic)):
        return _wrap(np.array(v))
    if isinstance(v, list):
        return [_to_state(x) for x in v]
    return v


def _from_state(v):
    if isinstance(v, Tensor):
        a = v._data
        return a[()] if a.ndim == 0 else a
    if isinstance(v, list):
        return [_from_state(x) for x in v]
    return v


class LBFGS(Optimizer):
    """L-BFGS (PyTorch's `torch.optim.LBFGS`); `step(closure)` requires a closure that
    re-evaluates the model and returns the loss. One parameter group only."""

    def __init__(self, params: ParamsT, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _dtype(self):
        return self._params[0]._data.dtype

    def _gather_flat_grad(self) -> np.ndarray:
        dt = self._dtype()
        views = [np.zeros(p._data.size, dt) if p._grad is None else p._grad._data.reshape(-1)
                 for p in self._params]
        return np.concatenate(views).astype(dt, copy=False)

    def _add_grad(self, step_size, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            a = p._data
            n = a.size
            a += (update[offset:offset + n] * step_size).reshape(a.shape).astype(a.dtype,
                                                                                  copy=False)
            p._bump()
            offset += n

    def _clone_param(self) -> list:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data) -> None:
        for p, a in zip(self._params, params_data):
            p._data[...] = a
            p._bump()

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure: Callable[[], Any]) -> Any:
        """Run up to `max_iter` L-BFGS iterations; returns the closure's first loss."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that reevaluates the model")
        group = self.param_groups[0]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]

        def evaluate():
            with enable_grad():
                return closure()

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss
        h = {k: _from_state(state.get(k)) for k in _HISTORY}     # the search history
        h["prev_loss"] = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            _next_direction(h, flat_grad, state["n_iter"] == 1, group["history_size"])
            h["prev_loss"] = loss
            lr = _to_scalar(group["lr"])
            h["t"] = (min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1
                      else lr)
            gtd = flat_grad.dot(h["d"])
            if gtd > -tolerance_change:
                break
            loss, flat_grad, ls_func_evals = self._move(
                evaluate, h, loss, flat_grad, gtd, group["line_search_fn"],
                max_eval - current_evals, n_iter != max_iter)
            opt_cond = ls_func_evals and np.abs(flat_grad).max() <= tolerance_grad
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(h["d"] * h["t"]).max() <= tolerance_change:
                break
            if abs(loss - h["prev_loss"]) < tolerance_change:
                break
        for k in _HISTORY:
            if k != "al" or h["al"] is not None:
                state[k] = _to_state(h[k])
        state["prev_loss"] = h["prev_loss"]
        return orig_loss

    def _move(self, evaluate, h, loss, flat_grad, gtd, line_search_fn, max_ls, reevaluate):
        """Step along h["d"] (by a line search, or by h["t"]); returns the new loss, flat
        gradient and the number of function evaluations it took."""
        if line_search_fn is not None:
            if line_search_fn != "strong_wolfe":
                raise RuntimeError("only 'strong_wolfe' is supported")
            x_init = self._clone_param()

            def obj_func(x, t, d):
                return self._directional_evaluate(evaluate, x, t, d)

            loss, flat_grad, h["t"], evals = _strong_wolfe(
                obj_func, x_init, h["t"], h["d"], loss, flat_grad, gtd, max_ls=max_ls)
            self._add_grad(h["t"], h["d"])
            return loss, flat_grad, evals
        self._add_grad(h["t"], h["d"])
        if not reevaluate:      # the last iteration: the caller stops anyway
            return loss, flat_grad, 0
        return float(evaluate()), self._gather_flat_grad(), 1


_HISTORY = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "al")


def _next_direction(h, flat_grad, first, history_size) -> None:
    """The L-BFGS direction h["d"]: the two-loop recursion over the stored curvature pairs
    (steepest descent on the first iteration); updates the history in `h`."""
    if first:
        h["d"] = -flat_grad
        h["old_dirs"], h["old_stps"], h["ro"] = [], [], []
        h["H_diag"] = 1
    else:
        old_dirs, old_stps, ro = h["old_dirs"], h["old_stps"], h["ro"]
        y = flat_grad - h["prev_flat_grad"]
        s = h["d"] * h["t"]
        ys = y.dot(s)
        if ys > 1e-10:
            if len(old_dirs) == history_size:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            h["H_diag"] = ys / y.dot(y)
        if h["al"] is None:
            h["al"] = [None] * history_size
        al = h["al"]
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            q += old_dirs[i] * -al[i]
        h["d"] = r = q * h["H_diag"]
        for i in range(len(old_dirs)):
            be_i = old_dirs[i].dot(r) * ro[i]
            r += old_stps[i] * (al[i] - be_i)
    if h["prev_flat_grad"] is None:
        h["prev_flat_grad"] = flat_grad.copy()
    else:
        h["prev_flat_grad"][...] = flat_grad
