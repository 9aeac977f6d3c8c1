"""A TensorBoard GraphDef drawn from the autograd graph of a module's output."""
from __future__ import annotations

from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.versions_pb2 import VersionDef

__all__ = ["graph_from_module"]


def _outputs(out) -> list:
    from ..._tensor import Tensor
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in _outputs(o)]
    return []


class _Builder:
    """NodeDefs for a backward graph, each written once, after the nodes it reads."""

    def __init__(self, scope: str, pnames: dict) -> None:
        self.scope, self.pnames = scope, pnames
        self.names: dict[int, str] = {}
        self.ins_of: dict[int, list] = {}
        self.done: set[int] = set()
        self.nodes: list[NodeDef] = []

    @staticmethod
    def key(fn) -> int:
        # a leaf's AccumulateGrad may be made afresh on each look: the tensor is the identity
        var = getattr(fn, "variable", None)
        return id(var) if var is not None else id(fn)

    def _name(self, fn) -> str:
        var = getattr(fn, "variable", None)
        if var is not None:     # a leaf: a parameter (named) or another leaf tensor
            return f"{self.scope}/{self.pnames.get(id(var), f'leaf.{len(self.names)}')}"
        return f"{self.scope}/{type(fn).__name__}_{len(self.names)}"

    def _write(self, fn, k: int) -> None:
        var = getattr(fn, "variable", None)
        if var is not None:
            shape = AttrValue(s=str(list(var.shape)).encode())
            self.nodes.append(NodeDef(name=self.names[k], op="Parameter",
                                      attr={"shape": shape}))
        else:
            self.nodes.append(NodeDef(name=self.names[k], op=type(fn).__name__,
                                      input=[self.names[self.key(f)] for f in self.ins_of[k]]))

    def visit(self, root) -> str:
        """Write `root` and everything it reads; depth-first without recursion (a long
        unrolled graph would overflow Python's stack)."""
        todo = [root]
        while todo:
            fn = todo[-1]
            k = self.key(fn)
            if k not in self.names:
                self.names[k] = self._name(fn)
                self.ins_of[k] = [f for f, _ in getattr(fn, "next_functions", ())
                                  if f is not None]
            pending = [f for f in self.ins_of[k] if self.key(f) not in self.names]
            if pending:
                todo.extend(pending)
                continue
            todo.pop()
            if k not in self.done:
                self.done.add(k)
                self._write(fn, k)
        return self.names[self.key(root)]


def graph_from_module(model, inputs) -> GraphDef:
    """Run `model(*inputs)` and turn the backward graph of its outputs into a GraphDef.

    Nodes are the backward nodes (`AddmmBackward0`, ...), named `<Module class>/<Node>_<i>`,
    with parameters as `<Module class>/<parameter name>` nodes and the outputs as
    `output/output.<k>`; an edge runs from each node's inputs (`next_functions`) to it.
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = (inputs,)
    outs = _outputs(model(*inputs))
    pnames = {id(p): n for n, p in getattr(model, "named_parameters", list)()}
    b = _Builder(type(model).__name__, pnames)
    for k, t in enumerate(outs):
        if t.grad_fn is None:
            continue
        src = b.visit(t.grad_fn)
        shape = AttrValue(s=str(list(t.shape)).encode())
        b.nodes.append(NodeDef(name=f"output/output.{k + 1}", op="IO Node", input=[src],
                               attr={"shape": shape}))
    return GraphDef(node=b.nodes, versions=VersionDef(producer=22))
