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


def graph_from_module(model, inputs) -> GraphDef:
    """Run `model(*inputs)` and turn the backward graph of its outputs into a GraphDef.

    Nodes are the backward nodes (`AddmmBackward0`, ...), named `<Module class>/<Node>_<i>`,
    with parameters as `<Module class>/<parameter name>` nodes and the outputs as
    `output/output.<k>`; an edge runs from each node's inputs (`next_functions`) to it.
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = (inputs,)
    outs = _outputs(model(*inputs))
    scope = type(model).__name__
    pnames = {id(p): n for n, p in getattr(model, "named_parameters", list)()}
    names: dict[int, str] = {}
    nodes: list[NodeDef] = []
    done: set[int] = set()

    def name_of(fn) -> str:
        var = getattr(fn, "variable", None)
        if var is not None:     # a leaf: a parameter (named) or another leaf tensor
            return f"{scope}/{pnames.get(id(var), f'leaf.{len(names)}')}"
        return f"{scope}/{type(fn).__name__}_{len(names)}"

    ins_of: dict[int, list] = {}

    def key(fn) -> int:
        # a leaf's AccumulateGrad may be made afresh on each look: the tensor is the identity
        var = getattr(fn, "variable", None)
        return id(var) if var is not None else id(fn)

    def visit(root) -> str:
        # depth-first without recursion (long unrolled graphs would overflow the stack);
        # a node is written once its inputs are
        todo = [root]
        while todo:
            fn = todo[-1]
            k = key(fn)
            if k not in names:
                names[k] = name_of(fn)
                ins_of[k] = [f for f, _ in getattr(fn, "next_functions", ()) if f is not None]
            pending = [f for f in ins_of[k] if key(f) not in names]
            if pending:
                todo.extend(pending)
                continue
            todo.pop()
            if k in done:
                continue
            done.add(k)
            var = getattr(fn, "variable", None)
            if var is not None:
                shape = AttrValue(s=str(list(var.shape)).encode())
                nodes.append(NodeDef(name=names[k], op="Parameter", attr={"shape": shape}))
            else:
                nodes.append(NodeDef(name=names[k], op=type(fn).__name__,
                                     input=[names[key(f)] for f in ins_of[k]]))
        return names[key(root)]

    for k, t in enumerate(outs):
        if t.grad_fn is None:
            continue
        src = visit(t.grad_fn)
        shape = AttrValue(s=str(list(t.shape)).encode())
        nodes.append(NodeDef(name=f"output/output.{k + 1}", op="IO Node", input=[src],
                             attr={"shape": shape}))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
