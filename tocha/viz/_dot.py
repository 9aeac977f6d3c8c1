"""make_dot: the autograd graph as a `graphviz.Digraph` (torchviz's layout and colours)."""
from __future__ import annotations

from ._graph import build_graph

_NODE_ATTR = {"style": "filled", "shape": "box", "align": "left", "fontsize": "10", "ranksep": "0.1",
                  "height": "0.2", "fontname": "monospace"}
_DIGRAPH = None
_NO_DOT = ("the Graphviz `dot` program is not installed (the Python package `graphviz` only "
           "writes the graph's source). Install it with `apt-get install graphviz` (Debian/"
           "Ubuntu), `brew install graphviz` (macOS) or `conda install -c conda-forge "
           "graphviz`, or write the source yourself: open('graph.dot', 'w')"
           ".write(dot.source).")


def _graphviz():
    try:
        import graphviz
    except ImportError as e:
        raise ImportError("tocha.viz needs the Python package `graphviz`: "
                          "pip install graphviz") from e
    return graphviz


def _digraph_class():
    """graphviz.Digraph whose render/pipe/view explain how to install `dot` when it's absent."""
    global _DIGRAPH
    if _DIGRAPH is not None:
        return _DIGRAPH
    graphviz = _graphviz()

    class DotNotFound(graphviz.ExecutableNotFound):
        """graphviz.ExecutableNotFound with install instructions."""

        def __init__(self, msg: str) -> None:
            RuntimeError.__init__(self, msg)
    DotNotFound.__qualname__ = "DotNotFound"
    DotNotFound.__module__ = __name__

    def wrap(name):
        base = getattr(graphviz.Digraph, name)

        def method(self, *args, **kwargs):
            try:
                return base(self, *args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                if isinstance(e, DotNotFound):
                    raise
                raise DotNotFound(f"Digraph.{name}(): {_NO_DOT} ({e})") from None
        method.__name__ = name
        method.__doc__ = base.__doc__
        return method

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # Jupyter: without `dot`, show the install hint and the source instead of a traceback
        try:
            return graphviz.Digraph._repr_mimebundle_(self, include, exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"(cannot draw: {_NO_DOT})\n{self.source}"}

    # named Digraph so that type(make_dot(y)).__name__ reads as with torchviz
    _DIGRAPH = type("Digraph", (graphviz.Digraph,), {
        "render": wrap("render"), "pipe": wrap("pipe"), "view": wrap("view"),
        "_repr_mimebundle_": _repr_mimebundle_, "__module__": __name__,
        "DotNotFound": DotNotFound})
    return _DIGRAPH


def resize_graph(dot, size_per_element: float = 0.15, min_size: float = 12) -> None:
    """Set the drawing size from the number of source lines (in place), as torchviz does."""
    size = max(min_size, len(dot.body) * size_per_element)
    dot.graph_attr.update(size=str(size) + "," + str(size))


def make_dot(var, params: dict | None = None, show_attrs: bool = False, show_saved: bool = False,
             max_attr_chars: int = 50):
    """Graphviz drawing of the autograd graph that produced `var` (a tensor or tuple of them).

    Grey boxes are backward nodes (`type(grad_fn).__name__`); lightblue boxes are leaf tensors
    that require grad, named from `params` (name -> tensor, e.g.
    `dict(model.named_parameters())`) with their size; orange boxes are saved tensors
    (`show_saved`, and always for custom Functions); the output is darkolivegreen1.
    Differs from torchviz: `show_saved` names built-in saved tensors `result`/`saved[i]`.
    """
    g = build_graph(var, params, show_attrs, show_saved, max_attr_chars)
    dot = _digraph_class()(node_attr=dict(_NODE_ATTR), graph_attr={"size": "12,12"})
    for op in g.ops:
        if op[0] == "node":
            dot.node(op[1], op[2], **op[3])
        else:
            dot.edge(op[1], op[2], **op[3])
    resize_graph(dot)
    return dot


def make_dot_from_trace(trace):
    """Not available: tocha has no JIT tracer (torch.jit.trace) to produce a trace from."""
    raise NotImplementedError(
        "make_dot_from_trace: tocha has no JIT tracer (torch.jit.trace), so there is no trace "
        "to draw. Draw the autograd graph instead: make_dot(model(x), "
        "params=dict(model.named_parameters())).")
