"""tocha.viz: draw autograd graphs (torchviz's API, mapped as `torchviz`).

`make_dot(y)` returns a `graphviz.Digraph` laid out as torchviz lays it out: the output tensor
(darkolivegreen1), backward nodes named by `type(fn).__name__` (grey), leaf tensors that
require grad (lightblue, named from `params`), saved tensors (orange). `graph_text(y)` prints
the same graph as an indented tree for terminals.
"""
from __future__ import annotations

from ._dot import make_dot, make_dot_from_trace, resize_graph
from ._graph import build_graph, graph_text

__all__ = ["build_graph", "graph_text", "make_dot", "make_dot_from_trace", "resize_graph"]
