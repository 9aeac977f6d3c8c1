"""`jacobian` and `hessian` of Python functions of tensors."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import grad as _grad


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """J[i][j] = d out_i / d in_j, shaped out.shape + in.shape (tuples for several)."""
    from .._tensor import Tensor, _wrap
    single_in = isinstance(inputs, Tensor)
    ins = (inputs,) if single_in else tuple(inputs)
    ins = tuple(x.detach().requires_grad_(True) if not x.requires_grad or not create_graph
                else x for x in ins)
    out = func(*ins)
    single_out = isinstance(out, Tensor)
    outs = (out,) if single_out else tuple(out)
    result = []
    for o in outs:
        per_in = [[] for _ in ins]
        for k in range(o._data.size):
            g = np.zeros(o._data.shape, o._data.dtype)
            g.reshape(-1)[k] = 1
            gs = _grad(o, ins, _wrap(g), retain_graph=True, create_graph=create_graph,
                       allow_unused=True)
            for j, (gi, x) in enumerate(zip(gs, ins)):
                per_in[j].append(gi if gi is not None else _wrap(np.zeros_like(x._data)))
        from .._ops.movement import stack
        row = []
        for j, x in enumerate(ins):
            if per_in[j]:
                row.append(stack(per_in[j]).reshape(tuple(o._data.shape) + tuple(x._data.shape)))
            else:
                row.append(_wrap(np.zeros(tuple(o._data.shape) + tuple(x._data.shape),
                                          x._data.dtype)))
        result.append(row[0] if single_in else tuple(row))
    return result[0] if single_out else tuple(result)


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """Second derivatives of a scalar function."""
    from .._tensor import Tensor
    single = isinstance(inputs, Tensor)

    def grad_fn(*xs):
        out = func(*xs)
        gs = _grad(out, xs, create_graph=True, allow_unused=True)
        return gs[0] if single else gs
    return jacobian(grad_fn, inputs, create_graph=create_graph)


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    from .._tensor import Tensor
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    ins = tuple(x.detach().requires_grad_(True) for x in ins)
    out = func(*ins)
    gs = _grad(out, ins, v, create_graph=create_graph, allow_unused=True)
    return out.detach(), (gs[0] if single else gs)
