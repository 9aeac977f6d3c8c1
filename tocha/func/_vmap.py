"""vmap: map a function over a dimension of its inputs, by looping and stacking."""
from __future__ import annotations

import functools

from .._tensor import Tensor
from ._tree import broadcast_prefix, flatten, unflatten

_RANDOMNESS = ("error", "different", "same")


def _fname(func) -> str:
    return getattr(func, "__name__", type(func).__name__)


def _in_dims_leaves(func, in_dims, args):
    where = f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) "
                         f"tuple matching the structure of inputs, got: {type(in_dims)}.")
    if isinstance(in_dims, tuple) and len(in_dims) != len(args):
        raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has {len(in_dims)} entries but inputs has {len(args)}.")
    leaves, spec = flatten(tuple(args))
    dims = broadcast_prefix(in_dims if isinstance(in_dims, tuple) else
                            (in_dims,) * len(args), tuple(args),
                            f"{where}: in_dims is not compatible with the structure of "
                            f"`inputs`.")
    sizes, norm = [], []
    for x, d in zip(leaves, dims):
        if d is None:
            norm.append(None)
            continue
        if not isinstance(d, int):
            raise ValueError(f"{where}: in_dims must be int or None, got {type(d)}")
        if not isinstance(x, Tensor):
            raise ValueError(f"{where}: Got in_dim={d} for an input but the input is of type "
                             f"{type(x)}. We cannot vmap over non-Tensor arguments, please use "
                             f"None as the respective in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"{where}: Got in_dim={d} for some input, but that input is a "
                             f"Tensor of dimensionality {n} so expected in_dim to satisfy "
                             f"-{n} <= in_dim < {n}.")
        norm.append(d % n)
        sizes.append(x.shape[d % n])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return leaves, spec, norm, sizes[0]


def _slice(leaves, dims, i):
    return [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]


def _empty_slice(leaves, dims):
    from .._creation import zeros
    out = []
    for x, d in zip(leaves, dims):
        if d is None:
            out.append(x)
        else:
            shape = tuple(x.shape[:d]) + tuple(x.shape[d + 1:])
            out.append(zeros(shape, dtype=x.dtype))
    return out


def _call_each(func, leaves, spec, dims, n, randomness, kwargs):
    from .. import _random_api as ra
    from .._ops.elementwise import equal
    results = []
    state = ra.get_rng_state() if randomness != "different" else None
    for i in range(max(n, 1)):
        args = unflatten(_slice(leaves, dims, i) if n else _empty_slice(leaves, dims), spec)
        if randomness == "same":
            ra.set_rng_state(state)
        results.append(func(*args, **kwargs))
        if randomness == "error" and i == 0 and not equal(state, ra.get_rng_state()):
            raise RuntimeError("vmap: called random operation while in randomness error mode. "
                               "Please either use the 'same' or 'different' randomness flags "
                               "on vmap or perform the randomness operation out of vmap")
    return results


def _stack_outputs(func, results, out_dims, n):
    from .._ops.elementwise import equal
    from .._ops.movement import stack
    name = _fname(func)
    per = [flatten(r) for r in results]
    leaves0, spec = per[0]
    if isinstance(out_dims, tuple):
        if len(leaves0) != len(out_dims) and not (isinstance(results[0], tuple)
                                                  and len(results[0]) == len(out_dims)):
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is "
                             f"not compatible with the structure of `outputs`.")
        od = broadcast_prefix(out_dims, results[0], f"vmap({name}, ..., out_dims={out_dims})"
                              f"(<inputs>): out_dims is not compatible with the structure of "
                              f"`outputs`.") if isinstance(results[0], tuple) else list(out_dims)
    else:
        od = [out_dims] * len(leaves0)
    out = []
    for j, d in enumerate(od):
        vals = [p[0][j] for p in per]
        if d is None:
            if not all(v is vals[0] or (isinstance(v, Tensor) and equal(v, vals[0]))
                       for v in vals[1:]):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                 f"when out_dim is None")
            out.append(vals[0])
            continue
        if not isinstance(vals[0], Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(vals[0])}. Did you mean to set out_dims= to None for "
                             f"output?")
        if n == 0:
            from .._ops.movement import unsqueeze
            e = unsqueeze(vals[0], _norm_out(d, vals[0].dim()))
            out.append(e.narrow(_norm_out(d, vals[0].dim()), 0, 0))
        else:
            out.append(stack(vals, _norm_out(d, vals[0].dim())))
    return unflatten(out, spec)


def _norm_out(d, ndim):
    if not -(ndim + 1) <= d <= ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-(ndim + 1)}, {ndim}], but got {d})")
    return d % (ndim + 1)


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """Vectorize `func` over dimension `in_dims` of its inputs; outputs get the batch at
    `out_dims`. `in_dims`/`out_dims`: an int, None (not mapped), or a tuple matching the
    arguments/outputs. `randomness`: 'error' (random ops raise), 'same' (every example sees
    the same random numbers) or 'different'.

    Differs from PyTorch: tocha calls `func` once per example and stacks the results (no
    batching rule per op), so `func` sees unbatched tensors and code that PyTorch rejects
    inside vmap (`.item()`, data-dependent control flow) runs here; results agree.

    Example:
        >>> tocha.func.vmap(tocha.dot)(tocha.ones(3, 2), tocha.ones(3, 2))
        tensor([2., 2., 2.])
    """
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        leaves, spec, dims, n = _in_dims_leaves(func, in_dims, args)
        results = _call_each(func, leaves, spec, dims, n, randomness, kwargs)
        return _stack_outputs(func, results, out_dims, n)
    return wrapped
