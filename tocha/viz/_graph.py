"""Walk an autograd graph in torchviz's order and record its boxes and arrows.

The walk is iterative (deep graphs must not hit Python's recursion limit) but visits nodes in
exactly the order torchviz's recursive `add_nodes` does, so the Graphviz source lists nodes and
edges in the same order (which is what `dot` lays out from).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..autograd.function import Node

_LEAF, _OUTPUT, _BASE, _SAVED = "lightblue", "darkolivegreen1", "darkolivegreen3", "orange"


@dataclass
class Graph:
    """Boxes and arrows of one autograd graph, in the order torchviz emits them.

    `ops` is the emission order: ("node", id, label, attrs) and ("edge", tail, head, attrs).
    `nodes` maps id -> (label, attrs) (last declaration wins, as in Graphviz); `edges` lists
    (tail, head, attrs) with repeats (x * x draws two arrows); `children` maps a box to the
    boxes it was computed from (the text tree's order); `roots` are the output tensors.
    """

    ops: list = field(default_factory=list)
    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    children: dict = field(default_factory=dict)
    roots: list = field(default_factory=list)
    keep: list = field(default_factory=list)   # keeps objects alive so their ids stay unique

    def node(self, nid: str, label: str, **attrs) -> None:
        self.ops.append(("node", nid, label, attrs))
        self.nodes[nid] = (label, attrs)

    def edge(self, tail: str, head: str, parent: str, child: str, **attrs) -> None:
        self.ops.append(("edge", tail, head, attrs))
        self.edges.append((tail, head, attrs))
        self.children.setdefault(parent, []).append(child)


def _size_to_str(size) -> str:
    return "(" + ", ".join(str(int(v)) for v in size) + ")"


def _is_tensor(x) -> bool:
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _saved_items(fn) -> list:
    """(name, tensor) pairs a backward node saved; empty once backward has freed them.

    Differs from PyTorch: tocha's built-in nodes keep saved tensors by position, not as
    `_saved_self`/`_saved_other` attributes, so they are named `result` (a saved output) or
    `saved[i]`.
    """
    if not isinstance(fn, Node) or fn._freed or not fn._saved:
        return []
    from ..autograd.function import _SavedOutput
    try:
        tensors = fn.saved_tensors
    except RuntimeError:      # modified in place since: torchviz would fail here, we skip
        return []
    out = []
    for i, (raw, t) in enumerate(zip(fn._saved, tensors)):
        if t is None:
            continue
        out.append(("result" if type(raw) is _SavedOutput else f"saved[{i}]", t))
    return out


def _is_custom(fn) -> bool:
    # user autograd.Function subclasses (forward on Tensors), as opposed to tocha's primitives
    return isinstance(fn, Node) and fn._fwd is not None and not fn._fwd._arrays


def fn_label(fn, show_attrs: bool, max_attr_chars: int) -> str:
    """Backward node label: its class name, then (show_attrs) a table of its attributes."""
    name = str(type(fn).__name__)
    if not show_attrs or not isinstance(fn, Node):
        return name
    attrs = {}
    for k, v in fn.__dict__.items():
        if k.startswith("_") or k in ("needs_input_grad", "saved_tensors"):
            continue
        if _is_tensor(v):
            attrs[k] = "[saved tensor]"
        elif isinstance(v, tuple) and any(_is_tensor(t) for t in v):
            attrs[k] = "[saved tensors]"
        else:
            attrs[k] = str(v)
    for k, _ in _saved_items(fn):
        attrs[k] = "[saved tensor]"
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    w1 = max(len(k) for k in attrs)
    w2 = min(max(len(v) for v in attrs.values()), max_attr_chars)
    sep = "-" * max(w1 + w2 + 2, len(name))
    rows = []
    for k, v in attrs.items():
        v = v[:w2 - 3] + "..." if len(v) > w2 else v
        rows.append(f"{k:<{w1}}: {v:>{w2}}")
    return name + "\n" + sep + "\n" + "\n".join(rows)


def build_graph(var, params: dict | None = None, show_attrs: bool = False,
                show_saved: bool = False, max_attr_chars: int = 50) -> Graph:
    """Record the graph behind `var` (a tensor or a tuple of tensors) as torchviz draws it."""
    if params is not None:
        if not isinstance(params, dict):
            raise TypeError(f"make_dot: params must be a dict of name -> tensor (e.g. "
                            f"dict(model.named_parameters())), got {type(params).__name__}")
        for k, v in params.items():
            if not _is_tensor(v):
                raise TypeError(f"make_dot: params[{k!r}] is a {type(v).__name__}, not a "
                                f"tensor")
    outs = tuple(var) if isinstance(var, (tuple, list)) else (var,)
    for v in outs:
        if not _is_tensor(v):
            raise TypeError(f"make_dot: expected a tensor (or a tuple of tensors), got "
                            f"{type(v).__name__}")
    b = _Builder(params, show_attrs, show_saved, max_attr_chars)
    for v in outs:
        b.g.roots.append(str(id(v)))
        b.add_base_tensor(v)
    return b.g


class _Builder:
    """torchviz's traversal: tensors, nodes and edges in the order torchviz adds them."""

    def __init__(self, params, show_attrs, show_saved, max_attr_chars):
        self.param_map = {id(v): k for k, v in params.items()} if params else {}
        self.show_attrs, self.show_saved = show_attrs, show_saved
        self.max_attr_chars = max_attr_chars
        self.g = Graph()
        self.seen = set()

    def var_label(self, t, name=None) -> str:
        if not name:
            name = self.param_map.get(id(t), "")
        return f"{name}\n {_size_to_str(t.size())}"

    def saved(self, fn, t, label, fid, edge_from_fn: bool) -> None:
        self.seen.add(t)
        self.g.keep.append(t)
        if edge_from_fn:
            self.g.edge(fid, str(id(t)), fid, str(id(t)), dir="none")
        else:
            self.g.edge(str(id(t)), fid, fid, str(id(t)), dir="none")
        self.g.node(str(id(t)), label, fillcolor=_SAVED)

    def enter(self, fn) -> None:
        # torchviz's add_nodes up to the recursion: saved tensors, leaf variable, the node
        g = self.g
        self.seen.add(fn)
        g.keep.append(fn)
        fid = str(id(fn))
        if self.show_saved:
            for attr, t in _saved_items(fn):
                self.saved(fn, t, self.var_label(t, attr), fid, True)
        v = getattr(fn, "variable", None)
        if v is not None:
            self.seen.add(v)
            g.node(str(id(v)), self.var_label(v), fillcolor=_LEAF)
            g.edge(str(id(v)), fid, fid, str(id(v)))
        g.node(fid, fn_label(fn, self.show_attrs, self.max_attr_chars))

    def leave(self, fn) -> None:
        # custom Functions' saved tensors are always drawn (after the inputs, as torchviz)
        if _is_custom(fn):
            for _, t in _saved_items(fn):
                self.saved(fn, t, self.var_label(t), str(id(fn)), False)

    def add_nodes(self, root) -> None:
        """Depth first from `root` (iterative: graphs may be thousands of nodes deep)."""
        if root in self.seen:
            return
        self.enter(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            fn, it = stack[-1]
            for u, _ in it:
                if u is None:
                    continue
                self.g.edge(str(id(u)), str(id(fn)), str(id(fn)), str(id(u)))
                if u not in self.seen:
                    self.enter(u)
                    stack.append((u, iter(u.next_functions)))
                    break
            else:
                self.leave(fn)
                stack.pop()

    def add_base_tensor(self, t, color=_OUTPUT) -> None:
        if t in self.seen:
            return
        g = self.g
        self.seen.add(t)
        g.keep.append(t)
        tid = str(id(t))
        g.node(tid, self.var_label(t), fillcolor=color)
        if t.grad_fn is not None:
            self.add_nodes(t.grad_fn)
            gid = str(id(t.grad_fn))
            g.edge(gid, tid, tid, gid)
        if t._base is not None:
            self.add_base_tensor(t._base, color=_BASE)
            g.edge(str(id(t._base)), tid, tid, str(id(t._base)), style="dotted")


def graph_text(var, params: dict | None = None) -> str:
    """The graph `make_dot(var, params)` draws, as an indented text tree (output at the top).

    Tensor boxes read `name (sizes) [kind]`; a node reached again is printed once and then
    referred to as `#k`. The last line counts boxes and arrows as drawn by make_dot.
    """
    g = build_graph(var, params)
    indeg: dict = {}
    for kids in g.children.values():
        for c in kids:
            indeg[c] = indeg.get(c, 0) + 1
    tags = {_OUTPUT: "output", _LEAF: "leaf", _BASE: "view base", _SAVED: "saved"}

    def label(nid: str) -> str:
        text, attrs = g.nodes[nid]
        color = attrs.get("fillcolor")
        if color is None:
            return text.split("\n")[0]
        name, _, size = text.partition("\n ")
        tag = tags[color]
        if color == _LEAF and name:
            tag = "parameter"
        return f"{name or 'tensor'} {size} [{tag}]"

    lines: list[str] = []
    numbers: dict = {}
    # stack of (node id, prefix for this line, prefix for its children, connector)
    stack = [(r, "", "", "") for r in reversed(g.roots)]
    while stack:
        nid, prefix, child_prefix, conn = stack.pop()
        if nid in numbers and numbers[nid] is not None and nid not in g.roots:
            lines.append(f"{prefix}{conn}{label(nid)}  (#{numbers[nid]}, shown above)")
            continue
        if nid in numbers:
            continue
        num = None
        if indeg.get(nid, 0) > 1:
            num = sum(1 for v in numbers.values() if v is not None) + 1
        numbers[nid] = num
        mark = f"  #{num}" if num is not None else ""
        lines.append(f"{prefix}{conn}{label(nid)}{mark}")
        kids = g.children.get(nid, [])
        for i in range(len(kids) - 1, -1, -1):
            last = i == len(kids) - 1
            stack.append((kids[i], child_prefix, child_prefix + ("    " if last else "│   "),
                          "└── " if last else "├── "))
    lines.append(f"{len(g.nodes)} nodes, {len(g.edges)} edges")
    return "\n".join(lines)
