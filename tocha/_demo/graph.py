"""The computational graph autograd recorded for a loss (torchviz's make_dot, seed 002)."""
from __future__ import annotations

from ._util import Context, graph_files


def computational_graph(ctx: Context, torch) -> None:
    ctx.section("The computational graph behind loss.backward()")
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1))
    x = torch.linspace(0, 20, 8).reshape(-1, 1)
    loss = nn.functional.mse_loss(model(x), x * 0.5)
    params = dict(model.named_parameters())
    files = graph_files(ctx, loss, params, "graph_tanh_mlp")
    ctx.say(f"  the Tanh MLP's MSE loss: {loss.grad_fn.name()} at the root; each box is a "
            "backward node, blue boxes are the parameters (named from named_parameters())")
    ctx.say("  written: " + ", ".join(p.name for p in files))
    text = files[-1].read_text().splitlines()
    for line in text[:14]:
        ctx.say("    " + line)
    if len(text) > 14:
        ctx.say(f"    ... ({len(text) - 14} more lines in {files[-1].name})")


def graph_by_hand(ctx: Context, torch) -> None:
    """The graph of seed 002's J = sum((w*x - y)^2), with the core only (no nn)."""
    ctx.section("The computational graph of J = sum((w*x - y)^2)")
    w = torch.ones(1, requires_grad=True)
    x = torch.arange(0.0, 4.0)
    J = ((w * x) - 2 * x).pow(2).sum()
    files = graph_files(ctx, J, {"w": w}, "graph_J")
    ctx.say("  written: " + ", ".join(p.name for p in files))
    if any(p.suffix == ".dot" for p in files):
        ctx.say("  (Graphviz's `dot` program is not installed, so the graphs are DOT source; "
                "with it, e.g. `apt-get install graphviz`, they are PNG pictures)")
    for line in files[-1].read_text().splitlines():
        ctx.say("    " + line)
