"""Flatten and rebuild the nested tuples, lists and dicts of tensors that torch.func accepts."""
from __future__ import annotations


def flatten(tree) -> tuple[list, object]:
    """Leaves of `tree` in order, and a spec that `unflatten` rebuilds it from."""
    if isinstance(tree, (tuple, list)):
        leaves, specs = [], []
        for t in tree:
            lv, sp = flatten(t)
            leaves += lv
            specs.append((len(lv), sp))
        return leaves, (type(tree), specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for k, t in tree.items():
            lv, sp = flatten(t)
            leaves += lv
            specs.append((k, len(lv), sp))
        return leaves, (dict, specs)
    return [tree], None


def unflatten(leaves, spec):
    """Inverse of `flatten`."""
    if spec is None:
        return leaves[0]
    kind, specs = spec
    out, i = [], 0
    if kind is dict:
        d = {}
        for k, n, sp in specs:
            d[k] = unflatten(leaves[i:i + n], sp)
            i += n
        return d
    for n, sp in specs:
        out.append(unflatten(leaves[i:i + n], sp))
        i += n
    if kind is tuple or kind is list:
        return kind(out)
    return kind(*out)   # a namedtuple


def tree_map(fn, tree):
    leaves, spec = flatten(tree)
    return unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, tree, what: str):
    """Leaves of `prefix` (e.g. in_dims) repeated to match the leaves of `tree`."""
    if isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list)):
        if len(prefix) != len(tree):
            raise ValueError(what)
        return [v for p, t in zip(prefix, tree) for v in broadcast_prefix(p, t, what)]
    if isinstance(prefix, dict) and isinstance(tree, dict):
        if set(prefix) != set(tree):
            raise ValueError(what)
        return [v for k in tree for v in broadcast_prefix(prefix[k], tree[k], what)]
    if isinstance(prefix, (tuple, list, dict)):
        raise ValueError(what)
    return [prefix] * len(flatten(tree)[0])
