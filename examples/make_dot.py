"""The computational graph autograd records, drawn as torchviz's make_dot draws it.

Run: python examples/make_dot.py [out_stem]
Writes out_stem.dot (Graphviz source); with Graphviz's `dot` program installed also out_stem.png.
Needs the graphviz Python package (pip install graphviz).
"""
import shutil
import sys

import tocha as torch
from tocha import nn
from tocha.viz import graph_text, make_dot

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(8, 2)
loss = nn.functional.mse_loss(model(x), torch.zeros(8, 1))

print(graph_text(loss, params=dict(model.named_parameters())))   # the graph as an indented tree
dot = make_dot(loss, params=dict(model.named_parameters()))       # a graphviz.Digraph
stem = sys.argv[1] if len(sys.argv) > 1 else "mlp_graph"
with open(stem + ".dot", "w") as fh:
    fh.write(dot.source)
print(f"wrote {stem}.dot")
if shutil.which("dot"):
    dot.render(stem, format="png", cleanup=True)
    print(f"wrote {stem}.png")
