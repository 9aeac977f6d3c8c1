"""Finite-difference checks of analytical gradients (float64, central differences)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import grad as _grad
from .grad_mode import enable_grad, no_grad


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _numerical_jacobian(fn, inputs, i, eps):
    x = inputs[i]
    outs = _as_tuple(fn(*inputs))
    arr = x._data
    if any(st == 0 and n > 1 for st, n in zip(arr.strides, arr.shape)):
        raise RuntimeError(f"The {i}th input has a dimension with stride 0. gradcheck only "
                           f"supports inputs that are non-overlapping to be able to compute the "
                           f"numerical gradients correctly. You should call .contiguous on the "
                           f"input before passing it to gradcheck.")
    cols = []
    # perturb in place through the array itself: works for non-contiguous inputs too
    for k in np.ndindex(arr.shape):
        orig = arr[k]
        arr[k] = orig + eps
        with no_grad():
            plus = [o._data.astype(np.float64).ravel().copy() for o in _as_tuple(fn(*inputs))]
        arr[k] = orig - eps
        with no_grad():
            minus = [o._data.astype(np.float64).ravel().copy() for o in _as_tuple(fn(*inputs))]
        arr[k] = orig
        cols.append(np.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)]))
    n_out = sum(o._data.size for o in outs)
    return np.stack(cols, 1) if cols else np.zeros((n_out, 0))


def _analytical_jacobian(fn, inputs, diff_idx):
    from .._tensor import _wrap
    outs = _as_tuple(fn(*inputs))
    rows = []
    for o in outs:
        if not o.requires_grad:
            for _ in range(o._data.size):
                rows.append(np.concatenate([np.zeros(inputs[i]._data.size) for i in diff_idx]))
            continue
        for k in range(o._data.size):
            g = np.zeros(o._data.shape, o._data.dtype)
            g.reshape(-1)[k] = 1
            gs = _grad(o, [inputs[i] for i in diff_idx], _wrap(g), retain_graph=True,
                       allow_unused=True)
            rows.append(np.concatenate([
                (gi._data.astype(np.float64).ravel() if gi is not None
                 else np.zeros(inputs[i]._data.size)) for gi, i in zip(gs, diff_idx)]))
    return np.stack(rows, 0) if rows else np.zeros((0, 0))


def _realified(func, inputs):
    """`func` as a function of real tensors only: complex inputs enter as their
    `view_as_real` pairs (so both parts are perturbed), complex outputs leave as theirs."""
    from .._ops.complex import view_as_complex, view_as_real
    from .._tensor import Tensor
    cidx = {i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.is_complex()}
    if not cidx:
        with no_grad():
            outs = _as_tuple(func(*inputs))
        if not any(isinstance(o, Tensor) and o.is_complex() for o in outs):
            return func, inputs
    new_inputs = tuple(view_as_real(x.detach()).clone().requires_grad_(x.requires_grad)
                       if i in cidx else x for i, x in enumerate(inputs))

    def real_func(*args):
        with enable_grad():     # (gradgradcheck's first backward needs the views' graph)
            args = [view_as_complex(a) if i in cidx else a for i, a in enumerate(args)]
        outs = func(*args)
        single = not isinstance(outs, tuple)
        outs = tuple(view_as_real(o) if isinstance(o, Tensor) and o.is_complex() else o
                     for o in _as_tuple(outs))
        return outs[0] if single else outs
    return real_func, new_inputs


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3,
              raise_exception: bool = True, **kwargs: Any) -> bool:
    """Check `func`'s analytical gradients against central finite differences.

    Args:
        func: takes `inputs`, returns a Tensor or tuple of Tensors.
        inputs: a Tensor or tuple; those with requires_grad are checked (use float64).
        eps: the finite-difference step; atol, rtol: the tolerance of the comparison.
        raise_exception: raise RuntimeError on a mismatch (else return False).
    Returns:
        True when every Jacobian entry matches.

    >>> import tocha
    >>> x = tocha.tensor([0.5, 1.5], dtype=tocha.float64, requires_grad=True)
    >>> tocha.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
    True

    Complex inputs and outputs are checked as PyTorch does, through their real and imaginary
    parts (perturbing each; the analytical gradient follows the conjugate-Wirtinger
    convention, see tocha/_ops/complex.py).

    Differs from PyTorch: no fast mode, no sparse inputs.
    """
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    func, inputs = _realified(func, inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    analytical = _analytical_jacobian(func, inputs, diff_idx)
    numerical = np.concatenate([_numerical_jacobian(func, inputs, i, eps) for i in diff_idx],
                               1) if diff_idx else np.zeros((0, 0))
    if analytical.shape != numerical.shape or not np.allclose(analytical, numerical, rtol,
                                                              atol):
        if raise_exception:
            raise RuntimeError(f"Jacobian mismatch for output 0 with respect to input 0,\n"
                               f"numerical:{numerical}\nanalytical:{analytical}\n")
        return False
    return True


def _random_like(rng, o):
    r = rng.standard_normal(o._data.shape)
    return r + 1j * rng.standard_normal(o._data.shape) if o.is_complex() else r


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, **kwargs: Any) -> bool:
    """`gradcheck` of the gradient itself: checks double backward.

    >>> import tocha
    >>> x = tocha.tensor([0.5, 1.5], dtype=tocha.float64, requires_grad=True)
    >>> tocha.autograd.gradgradcheck(lambda t: t.tanh(), (x,))
    True
    """
    from .._tensor import Tensor, _wrap
    inputs = _as_tuple(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    # only differentiable outputs take part (e.g. the values of max(dim), not its indices)
    outs = [o for o in _as_tuple(func(*inputs)) if o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_wrap(_random_like(rng, o)).requires_grad_() for o in outs)
    grad_outputs = _as_tuple(grad_outputs)

    def first(*args):
        xs, gos = args[:len(inputs)], args[len(inputs):]
        d = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        # the numerical Jacobian evaluates us under no_grad: the first backward still needs a graph
        with enable_grad():
            os_ = [o for o in _as_tuple(func(*xs)) if o.requires_grad]
            gs = _grad(os_, d, gos, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else _wrap(np.zeros_like(x._data))
                     for g, x in zip(gs, d))
    del diff
    return gradcheck(first, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
