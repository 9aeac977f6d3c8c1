"""The smaller torch.func helpers: linearize, functionalize, stack_module_state,
replace_all_batch_norm_modules_, debug_unwrap and rearrange."""
from __future__ import annotations

import functools
import math


def linearize(func, *primals):
    """`(func(*primals), jvp_fn)` with `jvp_fn(*tangents)` the Jacobian-vector product at
    `primals` (computed with `jvp` on each call)."""
    from ._transforms import jvp
    out = func(*primals)
    out = out.detach() if hasattr(out, "detach") else out

    def jvp_fn(*tangents):
        return jvp(func, tuple(primals), tuple(tangents))[1]
    return out, jvp_fn


def functionalize(func, *, remove: str = "mutations"):
    """`func` itself: tocha has no functionalization pass; in-place ops already record
    autograd correctly, so the results are the same."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument "
                           f"for remove={remove}. Valid options are:\n     remove='mutations': "
                           f"all inplace and out= operators will be removed from the program, "
                           f"and replaced with their out-of-place equivalents.\n     "
                           f"remove='mutations_and_views': In addition to the above, all "
                           f"aliasing operators {{view}} will be replaced with their "
                           f"non-aliasing counterparts, {{view}}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapped


def debug_unwrap(tensor, *, recurse: bool = True):
    """The tensor itself (tocha's transforms do not wrap tensors)."""
    return tensor


def stack_module_state(models):
    """`(params, buffers)`: dicts mapping each parameter/buffer name to the stack of that
    tensor across `models` (for `vmap` over an ensemble with `functional_call`)."""
    from .._ops.movement import stack
    models = list(models)
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if len({type(m) for m in models}) != 1:
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    names = [n for n, _ in models[0].named_parameters()]
    params = {}
    for n in names:
        ts = [dict(m.named_parameters())[n] for m in models]
        params[n] = stack([t.detach() for t in ts]).requires_grad_(ts[0].requires_grad)
    buffers = {n: stack([dict(m.named_buffers())[n] for m in models])
               for n, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """Make every BatchNorm module under `root` stop tracking running statistics (in
    place); returns `root`."""
    from ..nn.modules.normalization import _BatchNorm
    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root


def _parse_side(side: str):
    """Axis groups of one side of an einops pattern: a list of lists of names."""
    groups, cur = [], None
    tokens = side.replace("(", " ( ").replace(")", " ) ").split()
    for tok in tokens:
        if tok == "(":
            if cur is not None:
                raise ValueError(f"Invalid pattern: nested parentheses in '{side}'")
            cur = []
        elif tok == ")":
            if cur is None:
                raise ValueError(f"Invalid pattern: unbalanced parentheses in '{side}'")
            groups.append(cur)
            cur = None
        elif cur is not None:
            cur.append(tok)
        else:
            groups.append([tok])
    if cur is not None:
        raise ValueError(f"Invalid pattern: unbalanced parentheses in '{side}'")
    return groups


def rearrange(tensor, pattern: str, **axes_lengths):
    """einops-style `rearrange`: reorder, merge and split axes as `pattern` says, e.g.
    `"b (h w) c -> b h w c"` with `h=4`. A list/tuple of tensors is stacked first.

    Example:
        >>> tocha.func.rearrange(tocha.zeros(2, 6), "b (h w) -> b h w", h=2).shape
        torch.Size([2, 2, 3])
    """
    from .._ops.movement import stack
    if isinstance(tensor, (list, tuple)):
        tensor = stack(list(tensor))
    if "->" not in pattern:
        raise ValueError(f"Pattern must contain '->': {pattern}")
    left, right = (_parse_side(s) for s in pattern.split("->"))
    if any(n == "..." for g in left for n in g):
        n_ell = tensor.dim() - (len(left) - 1)
        ell = [f"_e{i}" for i in range(n_ell)]
        left = [g for x in left for g in ([[e] for e in ell] if x == ["..."] else [x])]
        right = [g for x in right for g in ([[e] for e in ell] if x == ["..."] else [
            [e for n in x for e in (ell if n == "..." else [n])]])]
    if len(left) != tensor.dim():
        raise ValueError(f"Wrong shape: expected {len(left)} dims. Received {tensor.dim()}-dim "
                         f"tensor.")
    sizes = dict(axes_lengths)
    for group, dim in zip(left, tensor.shape):
        unknown = [n for n in group if n not in sizes and n != "1"]
        known = math.prod(sizes.get(n, 1) for n in group if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"Could not infer sizes for {unknown}")
        if unknown:
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise ValueError(f"Shape mismatch, {known} != {dim}")
    flat_left = [n for g in left for n in g if n != "1"]
    flat_right = [n for g in right for n in g if n != "1"]
    if sorted(flat_left) != sorted(flat_right):
        raise ValueError(f"Identifiers only on one side of expression (should be on both): "
                         f"{set(flat_left) ^ set(flat_right)}")
    x = tensor.reshape(tuple(sizes[n] for n in flat_left))
    x = x.permute(*[flat_left.index(n) for n in flat_right])
    return x.reshape(tuple(math.prod(sizes[n] for n in g if n != "1") for g in right))
