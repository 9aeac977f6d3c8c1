"""grad, grad_and_value, vjp, jvp, jacrev, jacfwd and hessian on top of tocha's autograd.

Each transform runs the function on fresh differentiable copies of its inputs (aliases that stay
connected to the caller's graph when the caller's inputs require grad, so transforms nest) and
builds the backward graph only where an enclosing computation may differentiate the result.
"""
from __future__ import annotations

import functools

from .._tensor import Tensor
from ..autograd.engine import grad as _autograd_grad
from ..autograd.grad_mode import enable_grad
from ._tree import flatten, unflatten


def _is_float(x) -> bool:
    return isinstance(x, Tensor) and (x.is_floating_point() or x.is_complex())


def _enter(x):
    """A differentiable stand-in for `x`: an alias when `x` is already part of a graph."""
    if not _is_float(x):
        return x
    return x.view_as(x) if x.requires_grad else x.detach().requires_grad_()


def _leave(x, outer: bool):
    return x if outer or not isinstance(x, Tensor) else x.detach()


def _zeros_for(g, x):
    from .._creation import zeros_like
    return g if g is not None else zeros_like(x)


def _check_argnums(name: str, argnums, nargs: int) -> tuple:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError(f"{name}: argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"{name}: argnums must be int or Tuple[int, ...], got: "
                               f"{type(a)}")
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
    return tuple(a % nargs for a in nums)


def _prepare(name, args, argnums):
    """Wrap the differentiated arguments; return new args, their leaves and specs."""
    nums = _check_argnums(name, argnums, len(args))
    args = list(args)
    leaves_per, specs, outer = [], [], False
    for a in nums:
        lv, sp = flatten(args[a])
        outer = outer or any(isinstance(x, Tensor) and x.requires_grad for x in lv)
        new = [_enter(x) for x in lv]
        for x in new:
            if not _is_float(x):
                raise RuntimeError(f"{name}: only Tensors of floating point dtype can require "
                                   f"gradients (got {type(x).__name__} "
                                   f"{getattr(x, 'dtype', '')})")
        args[a] = unflatten(new, sp)
        leaves_per.append(new)
        specs.append(sp)
    return args, nums, leaves_per, specs, outer


def _split_aux(name: str, out, has_aux: bool):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}(f)(*args): output of function f should be a tuple: "
                           f"(output, aux) if has_aux is True")
    return out


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """Like `grad`, but the returned function gives `(gradients, value)` (and aux with has_aux).

    Example:
        >>> g, v = tocha.func.grad_and_value(lambda x: (x ** 2).sum())(tocha.ones(3))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            args, _nums, leaves_per, specs, outer = _prepare("grad_and_value", args, argnums)
            out, aux = _split_aux("grad_and_value", func(*args, **kwargs), has_aux)
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe you "
                                   f"wanted to use the vjp or jacrev APIs instead?")
            flat = [x for lv in leaves_per for x in lv]
            gs = _autograd_grad(out, flat, retain_graph=True, create_graph=True,
                                allow_unused=True) if out.requires_grad else [None] * len(flat)
        gs = [_leave(_zeros_for(g, x), outer) for g, x in zip(gs, flat)]
        res, i = [], 0
        for lv, sp in zip(leaves_per, specs):
            res.append(unflatten(gs[i:i + len(lv)], sp))
            i += len(lv)
        g = res[0] if isinstance(argnums, int) else tuple(res)
        value = _leave(out, outer)
        if has_aux:
            return g, (value, _leave_tree(aux, outer))
        return g, value
    return wrapper


def _leave_tree(tree, outer):
    lv, sp = flatten(tree)
    return unflatten([_leave(x, outer) for x in lv], sp)


def grad(func, argnums=0, has_aux: bool = False):
    """The function computing the gradient of scalar-valued `func` with respect to the
    positional argument(s) `argnums` (each may be a tensor or a tuple/list/dict of tensors).

    Example:
        >>> tocha.func.grad(lambda x: x.sin().sum())(tocha.zeros(2))   # cos(0) = 1
        tensor([1., 1.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """`(output, vjp_fn)`: `vjp_fn(cotangents)` gives one gradient per primal (a tuple).

    Example:
        >>> out, fn = tocha.func.vjp(tocha.sin, tocha.zeros(2))
        >>> fn(tocha.ones(2))
        (tensor([1., 1.]),)
    """
    with enable_grad():
        args, _, leaves_per, specs, outer = _prepare("vjp", primals, tuple(range(len(primals))))
        out, aux = _split_aux("vjp", func(*args), has_aux)
    out_leaves, out_spec = flatten(out)
    for o in out_leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has "
                               f"non-empty output (got {type(o)} in the output)")
    flat = [x for lv in leaves_per for x in lv]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cts, ct_spec = flatten(cotangents)
        if len(cts) != len(out_leaves) or ct_spec != out_spec and len(cts) > 1:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function")
        for c, o in zip(cts, out_leaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{c.shape} and output[0] has a shape of {o.shape}.")
        with enable_grad():
            pairs = [(o, c) for o, c in zip(out_leaves, cts) if o.requires_grad]
            gs = _autograd_grad([p[0] for p in pairs], flat, [p[1] for p in pairs],
                                retain_graph=True, create_graph=True,
                                allow_unused=True) if pairs else [None] * len(flat)
        keep = outer or any(c.requires_grad for c in cts)
        gs = [_leave(_zeros_for(g, x), keep) for g, x in zip(gs, flat)]
        res, i = [], 0
        for lv, sp in zip(leaves_per, specs):
            res.append(unflatten(gs[i:i + len(lv)], sp))
            i += len(lv)
        return tuple(res)

    value = unflatten([_leave(o, outer) for o in out_leaves], out_spec)
    if has_aux:
        return value, vjp_fn, _leave_tree(aux, outer)
    return value, vjp_fn


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """`(func(*primals), J @ tangents)`: the forward-mode derivative along `tangents`.

    Differs from PyTorch: computed with two reverse passes (the "double vjp" trick), not with
    forward-mode dual numbers; values agree.

    Example:
        >>> tocha.func.jvp(tocha.sin, (tocha.zeros(2),), (tocha.ones(2),))[1]
        tensor([1., 1.])
    """
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    if not isinstance(tangents, tuple) or len(tangents) != len(primals):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure. For example, if primals is a tuple of "
                           "3 tensors, tangents also must be.")
    p_leaves, _ = flatten(primals)
    t_leaves, _ = flatten(tangents)
    for p, t in zip(p_leaves, t_leaves):
        if isinstance(p, Tensor) and tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"Trying to set a forward gradient that has a different size "
                               f"than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    from .._creation import zeros_like
    with enable_grad():
        args, _, leaves_per, _, outer = _prepare("jvp", primals, tuple(range(len(primals))))
        out, aux = _split_aux("jvp", func(*args), has_aux)
        out_leaves, out_spec = flatten(out)
        flat = [x for lv in leaves_per for x in lv]
        us = [zeros_like(o).requires_grad_() for o in out_leaves]
        live = [(o, u) for o, u in zip(out_leaves, us) if o.requires_grad]
        gs = _autograd_grad([o for o, _ in live], flat, [u for _, u in live],
                            retain_graph=True, create_graph=True,
                            allow_unused=True) if live else [None] * len(flat)
        pairs = [(g, t) for g, t in zip(gs, t_leaves) if g is not None and g.requires_grad]
        jv = _autograd_grad([g for g, _ in pairs], us, [t for _, t in pairs],
                            retain_graph=True, create_graph=True,
                            allow_unused=True) if pairs else [None] * len(us)
    keep = outer or any(isinstance(t, Tensor) and t.requires_grad for t in t_leaves)
    jv = [_leave(_zeros_for(j, o), keep) for j, o in zip(jv, out_leaves)]
    value = unflatten([_leave(o, outer) for o in out_leaves], out_spec)
    res = (value, unflatten(jv, out_spec))
    return res + (_leave_tree(aux, outer),) if has_aux else res


def _no_complex(name, leaves_per) -> None:
    # PyTorch's Jacobian transforms take real inputs only
    for i, x in enumerate(x for lv in leaves_per for x in lv):
        if x.is_complex():
            raise RuntimeError(f"{name}: Expected all inputs to be real but received complex "
                               f"tensor at flattened input idx: {i}")


def _jacobian(name, func, argnums, has_aux):
    from .._creation import zeros
    from .._ops.movement import stack

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            args, _nums, leaves_per, specs, outer = _prepare(name, args, argnums)
            _no_complex(name, leaves_per)
            out, aux = _split_aux(name, func(*args, **kwargs), has_aux)
            out_leaves, out_spec = flatten(out)
            flat = [x for lv in leaves_per for x in lv]
            per_out = []
            for o in out_leaves:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"{name}(f, ...)(*args): Expected f(*args) to return "
                                       f"Tensors, got {type(o)}")
                rows = []
                for k in range(o.numel()):
                    e = zeros(o.numel(), dtype=o.dtype)
                    e[k] = 1
                    gs = _autograd_grad(o, flat, e.reshape(o.shape), retain_graph=True,
                                        create_graph=True, allow_unused=True) \
                        if o.requires_grad else [None] * len(flat)
                    rows.append([_zeros_for(g, x) for g, x in zip(gs, flat)])
                jac = []
                for j, x in enumerate(flat):
                    shape = tuple(o.shape) + tuple(x.shape)
                    jac.append(_leave(stack([r[j] for r in rows]).reshape(shape) if rows
                                      else zeros(shape, dtype=x.dtype), outer))
                res, i = [], 0
                for lv, sp in zip(leaves_per, specs):
                    res.append(unflatten(jac[i:i + len(lv)], sp))
                    i += len(lv)
                per_out.append(res[0] if isinstance(argnums, int) else tuple(res))
        result = unflatten(per_out, out_spec)
        return (result, _leave_tree(aux, outer)) if has_aux else result
    return wrapper


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False):
    """The function computing the Jacobian of `func` (shape `out.shape + input.shape`) with
    respect to argument(s) `argnums`, one reverse pass per output element.

    Example:
        >>> tocha.func.jacrev(tocha.sin)(tocha.zeros(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _jacobian("jacrev", func, argnums, has_aux)


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """The Jacobian of `func` with respect to `argnums`, as `jacrev` lays it out.

    Differs from PyTorch: computed by reverse passes (one per output element), not by forward
    mode; the values agree.
    """
    return _jacobian("jacfwd", func, argnums, has_aux)


def hessian(func, argnums=0):
    """The Hessian of scalar `func` with respect to `argnums`: `jacfwd(jacrev(func))`.

    Example:
        >>> tocha.func.hessian(lambda x: (x ** 3).sum())(tocha.ones(2))
        tensor([[6., 0.],
                [0., 6.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
